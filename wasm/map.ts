// f32 elementwise maps for myelin's Wasm backend: one row at a time with f32x4 SIMD where the
// row is contiguous or a broadcast scalar (stride 0), scalar loops for other strides.

import { at } from "./util";
import { erfRow, expm1Row, expRow, sigmoidRow, sun, tanhRow } from "./math";

// ---- elementwise ------------------------------------------------------------------------------
// Binary op codes (match BINARY_CODE in src/backend/wasm/wasm-backend.ts): 0 add 1 sub 2 mul 3 div 4 maximum 5 minimum
// 6 pow; comparisons 7 eq 8 ne 9 lt 10 le 11 gt 12 ge write bytes (bool).

@inline function vbin(op: i32, x: v128, y: v128): v128 {
  if (op == 0) return f32x4.add(x, y);
  if (op == 1) return f32x4.sub(x, y);
  if (op == 2) return f32x4.mul(x, y);
  if (op == 3) return f32x4.div(x, y);
  if (op == 4) return f32x4.max(x, y); // wasm max/min propagate NaN, like torch.maximum
  return f32x4.min(x, y);
}

function sbin(op: i32, x: f32, y: f32): f32 {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return max<f32>(x, y);
    case 5: return min<f32>(x, y);
    default: return <f32>Math.pow(<f64>x, <f64>y); // f64 pow, rounded once: within 0.5 ulp of powf
  }
}

function scmp(op: i32, x: f32, y: f32): u8 {
  switch (op) {
    case 7: return <u8>(x == y);
    case 8: return <u8>(x != y);
    case 9: return <u8>(x < y);
    case 10: return <u8>(x <= y);
    case 11: return <u8>(x > y);
    default: return <u8>(x >= y);
  }
}

// One row: out[j] = a[j*sa] op b[j*sb], SIMD when both strides are 0 (splat) or 1.
// One loop per stride pattern (no select per vector), 8 floats per step.
@inline function binRowOp(op: i32, n: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
  let j = 0;
  if (sa == 1 && sb == 1) {
    for (; j + 8 <= n; j += 8) {
      const o = <usize>j << 2;
      v128.store(out + o, vbin(op, v128.load(a + o), v128.load(b + o)));
      v128.store(out + o, vbin(op, v128.load(a + o, 16), v128.load(b + o, 16)), 16);
    }
  } else if (sa == 1 && sb == 0) {
    const vb = v128.load32_splat(b);
    for (; j + 8 <= n; j += 8) {
      const o = <usize>j << 2;
      v128.store(out + o, vbin(op, v128.load(a + o), vb));
      v128.store(out + o, vbin(op, v128.load(a + o, 16), vb), 16);
    }
  } else if (sa == 0 && sb == 1) {
    const va = v128.load32_splat(a);
    for (; j + 8 <= n; j += 8) {
      const o = <usize>j << 2;
      v128.store(out + o, vbin(op, va, v128.load(b + o)));
      v128.store(out + o, vbin(op, va, v128.load(b + o, 16)), 16);
    }
  }
  if ((sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
    const va = v128.load32_splat(a);
    const vb = v128.load32_splat(b);
    for (; j + 4 <= n; j += 4) {
      const x = sa ? v128.load(a + (<usize>j << 2)) : va;
      const y = sb ? v128.load(b + (<usize>j << 2)) : vb;
      v128.store(out + (<usize>j << 2), vbin(op, x, y));
    }
  }
  for (; j < n; j++) store<f32>(out + (<usize>j << 2), sbin(op, load<f32>(at(a, j * sa)), load<f32>(at(b, j * sb))));
}

@inline function vcmp(op: i32, x: v128, y: v128): v128 {
  if (op == 7) return f32x4.eq(x, y);
  if (op == 8) return f32x4.ne(x, y); // NaN != anything, as in JS and torch
  if (op == 9) return f32x4.lt(x, y);
  if (op == 10) return f32x4.le(x, y);
  if (op == 11) return f32x4.gt(x, y);
  return f32x4.ge(x, y);
}

// Comparisons: four f32x4 lane masks (-1/0) narrowed to 16 bytes, masked to 1/0 (bool).
@inline function cmpRowOp(op: i32, n: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
  let j = 0;
  if ((sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
    const va = v128.load32_splat(a);
    const vb = v128.load32_splat(b);
    for (; j + 16 <= n; j += 16) {
      const pa = a + (<usize>j << 2), pb = b + (<usize>j << 2);
      const m0 = vcmp(op, sa ? v128.load(pa) : va, sb ? v128.load(pb) : vb);
      const m1 = vcmp(op, sa ? v128.load(pa, 16) : va, sb ? v128.load(pb, 16) : vb);
      const m2 = vcmp(op, sa ? v128.load(pa, 32) : va, sb ? v128.load(pb, 32) : vb);
      const m3 = vcmp(op, sa ? v128.load(pa, 48) : va, sb ? v128.load(pb, 48) : vb);
      const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
      v128.store(out + <usize>j, v128.and(bytes, i8x16.splat(1)));
    }
  }
  for (; j < n; j++) store<u8>(out + <usize>j, scmp(op, load<f32>(at(a, j * sa)), load<f32>(at(b, j * sb))));
}

export function binRow(op: i32, n: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
  switch (op) {
    case 0: binRowOp(0, n, a, sa, b, sb, out); break;
    case 1: binRowOp(1, n, a, sa, b, sb, out); break;
    case 2: binRowOp(2, n, a, sa, b, sb, out); break;
    case 3: binRowOp(3, n, a, sa, b, sb, out); break;
    case 4: binRowOp(4, n, a, sa, b, sb, out); break;
    case 5: binRowOp(5, n, a, sa, b, sb, out); break;
    case 6:
      for (let j = 0; j < n; j++) store<f32>(out + (<usize>j << 2), sbin(6, load<f32>(at(a, j * sa)), load<f32>(at(b, j * sb))));
      break;
    case 7: cmpRowOp(7, n, a, sa, b, sb, out); break;
    case 8: cmpRowOp(8, n, a, sa, b, sb, out); break;
    case 9: cmpRowOp(9, n, a, sa, b, sb, out); break;
    case 10: cmpRowOp(10, n, a, sa, b, sb, out); break;
    case 11: cmpRowOp(11, n, a, sa, b, sb, out); break;
    default: cmpRowOp(12, n, a, sa, b, sb, out);
  }
}

/** out[r, c] = a[r*ars + c*acs] op b[r*brs + c*bcs]; out contiguous (4 bytes, or 1 for comparisons). */
export function binary2d(op: i32, rows: i32, cols: i32, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, out: usize): void {
  const osz: usize = op >= 7 ? 1 : 4;
  for (let r = 0; r < rows; r++) {
    binRow(op, cols, at(a, r * ars), acs, at(b, r * brs), bcs, out + <usize>(r * cols) * osz);
  }
}

// Unary op codes (match UNARY_CODE in src/backend/wasm/wasm-backend.ts): 0 copy 1 neg 2 abs 3 sqrt
// 4 recip 5 floor 6 ceil 7 round 8 sign use f32 SIMD (all exact in f32). exp and sigmoid (9, 16)
// use f32x4 Cephes polynomials (measured <= 2.2e-7 relative error over 2M inputs, torch's SLEEF
// kernels are within 1 ulp too), tanh and erf (15, 17) f32x4 rational functions (<= 4.3e-7, see
// math.ts); expm1 (12) an f64x2 polynomial rounded once; log 10, log1p 11, sin 13, cos 14, atan 18
// scalar f64 libm rounded once: correctness before speed. Tails past a multiple of 4 run the scalar f64 path.

@inline function vun(op: i32, x: v128): v128 {
  if (op == 0) return x;
  if (op == 1) return f32x4.neg(x);
  if (op == 2) return f32x4.abs(x);
  if (op == 3) return f32x4.sqrt(x);
  if (op == 4) return f32x4.div(f32x4.splat(1), x);
  if (op == 5) return f32x4.floor(x);
  if (op == 6) return f32x4.ceil(x);
  if (op == 7) return f32x4.nearest(x); // round half to even, like torch.round
  // sign: (x < 0) - (x > 0) as lane masks (-1/0) gives +1/-1/0; NaN compares false -> 0.
  const s = i32x4.sub(f32x4.lt(x, f32x4.splat(0)), f32x4.gt(x, f32x4.splat(0)));
  return f32x4.convert_i32x4_s(s);
}

@inline function unRowOp(op: i32, n: i32, x: usize, sx: i32, out: usize): void {
  let j = 0;
  if (sx == 1) {
    for (; j + 4 <= n; j += 4) v128.store(out + (<usize>j << 2), vun(op, v128.load(x + (<usize>j << 2))));
  }
  for (; j < n; j++) {
    const v = v128.load32_splat(at(x, j * sx));
    store<f32>(out + (<usize>j << 2), f32x4.extract_lane(vun(op, v), 0));
  }
}

export function unRow(op: i32, n: i32, x: usize, sx: i32, out: usize): void {
  switch (op) {
    case 0: unRowOp(0, n, x, sx, out); break;
    case 1: unRowOp(1, n, x, sx, out); break;
    case 2: unRowOp(2, n, x, sx, out); break;
    case 3: unRowOp(3, n, x, sx, out); break;
    case 4: unRowOp(4, n, x, sx, out); break;
    case 5: unRowOp(5, n, x, sx, out); break;
    case 6: unRowOp(6, n, x, sx, out); break;
    case 7: unRowOp(7, n, x, sx, out); break;
    case 8: unRowOp(8, n, x, sx, out); break;
    case 9: expRow(n, x, sx, out); break;
    case 12: expm1Row(n, x, sx, out); break;
    case 15: tanhRow(n, x, sx, out); break;
    case 16: sigmoidRow(n, x, sx, out); break;
    case 17: erfRow(n, x, sx, out); break;
    default:
      for (let j = 0; j < n; j++) store<f32>(out + (<usize>j << 2), <f32>sun(op, <f64>load<f32>(at(x, j * sx))));
  }
}

/** out[r, c] = op(x[r*rs + c*cs]); out contiguous f32. op 0 (copy) makes any strided view contiguous. */
export function unary2d(op: i32, rows: i32, cols: i32, x: usize, rs: i32, cs: i32, out: usize): void {
  if (cs == 1 || rows == 1) {
    for (let r = 0; r < rows; r++) unRow(op, cols, at(x, r * rs), cs, out + <usize>(r * cols) * 4);
    return;
  }
  if (op == 0 && rs == 1) {
    transposeCopy(rows, cols, x, cs, out);
    return;
  }
  // Strided columns (a transpose): walk 32-column strips so the 32 source cache lines each row
  // touches are still in L1 for the next rows (a 2-D cache blocking of the copy).
  for (let c0 = 0; c0 < cols; c0 += 32) {
    const w = min(32, cols - c0);
    for (let r = 0; r < rows; r++) unRow(op, w, at(x, r * rs + c0 * cs), cs, out + <usize>(r * cols + c0) * 4);
  }
}

// ---- where and cast (scalar loops: they move bytes between element sizes) -----------------------

/** out[j] = cond[j*sc] != 0 ? a[j*sa] : b[j*sb]; cond is bytes (bool), a, b and out f32. */
export function whereRow(n: i32, cond: usize, sc: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
  let j = 0;
  if (sc == 1 && (sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
    // four condition bytes widened to lane masks, then a bitwise select (relu and its backward)
    const va = v128.load32_splat(a);
    const vb = v128.load32_splat(b);
    for (; j + 4 <= n; j += 4) {
      const c = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(cond + <usize>j)));
      const x = sa ? v128.load(a + (<usize>j << 2)) : va;
      const y = sb ? v128.load(b + (<usize>j << 2)) : vb;
      v128.store(out + (<usize>j << 2), v128.bitselect(x, y, i32x4.ne(c, i32x4.splat(0))));
    }
  }
  for (; j < n; j++) {
    const v = load<u8>(cond + <usize>(j * sc)) != 0 ? load<f32>(at(a, j * sa)) : load<f32>(at(b, j * sb));
    store<f32>(out + (<usize>j << 2), v);
  }
}

/** Element bytes of a cast's input and output: op 0 f32→i32, 1 i32→f32, 2 bool→f32, 3 f32→bool, 4 bool→i32, 5 i32→bool. */
export function castInBytes(op: i32): i32 {
  return op == 2 || op == 4 ? 1 : 4;
}
export function castOutBytes(op: i32): i32 {
  return op == 3 || op == 5 ? 1 : 4;
}

/** Casts one row; float → int truncates toward zero (saturating), anything → bool is != 0 (NaN → 1). */
export function castRow(op: i32, n: i32, x: usize, sx: i32, out: usize): void {
  for (let j = 0; j < n; j++) {
    switch (op) {
      case 0: store<i32>(out + (<usize>j << 2), <i32>load<f32>(at(x, j * sx))); break;
      case 1: store<f32>(out + (<usize>j << 2), <f32>load<i32>(at(x, j * sx))); break;
      case 2: store<f32>(out + (<usize>j << 2), <f32>load<u8>(x + <usize>(j * sx))); break;
      case 3: store<u8>(out + <usize>j, <u8>(load<f32>(at(x, j * sx)) != 0)); break;
      case 4: store<i32>(out + (<usize>j << 2), <i32>load<u8>(x + <usize>(j * sx))); break;
      default: store<u8>(out + <usize>j, <u8>(load<i32>(at(x, j * sx)) != 0));
    }
  }
}

/**
 * out[r, c] = x[r + c*cs] (a transposed view made contiguous): 4x4 blocks moved with vector loads,
 * a register transpose and vector stores, in 32-column strips that stay in L1.
 */
function transposeCopy(rows: i32, cols: i32, x: usize, cs: i32, out: usize): void {
  const ob = <usize>cols << 2;
  for (let c0 = 0; c0 < cols; c0 += 32) {
    const c1 = min(cols, c0 + 32);
    let r = 0;
    for (; r + 4 <= rows; r += 4) {
      let c = c0;
      for (; c + 4 <= c1; c += 4) {
        const src = at(x, r + c * cs);
        const x0 = v128.load(src), x1 = v128.load(at(src, cs)), x2 = v128.load(at(src, 2 * cs)), x3 = v128.load(at(src, 3 * cs));
        const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
        const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
        const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
        const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
        const dst = out + <usize>r * ob + (<usize>c << 2);
        v128.store(dst, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
        v128.store(dst + ob, i32x4.shuffle(t0, t2, 2, 3, 6, 7));
        v128.store(dst + 2 * ob, i32x4.shuffle(t1, t3, 0, 1, 4, 5));
        v128.store(dst + 3 * ob, i32x4.shuffle(t1, t3, 2, 3, 6, 7));
      }
      if (c < c1) for (let i = 0; i < 4; i++) unRow(0, c1 - c, at(x, r + i + c * cs), cs, out + <usize>(r + i) * ob + (<usize>c << 2));
    }
    for (; r < rows; r++) unRow(0, c1 - c0, at(x, r + c0 * cs), cs, out + <usize>r * ob + (<usize>c0 << 2));
  }
}
