// myelin's Wasm kernels (AssemblyScript): f32 GEMM (packed, 4x8 register-blocked microkernel) and
// f32 elementwise maps over 2-D strided blocks. Built twice (relaxed-SIMD FMA and plain SIMD128) by
// `npm run build:wasm`; src/backend/wasm/ owns memory (allocation) and threads, these only compute.
// Every pointer is a byte address in the shared linear memory; strides are in elements and may be
// negative or zero (i32 arithmetic wraps mod 2^32, which is what usize addition needs).

// ---- GEMM -------------------------------------------------------------------------------------
// BLIS loop order: NC columns of B packed once per KC slab (L3), MC rows of A packed (L2), and the
// 4x8 microkernel walks a KCx8 sliver of packed B (L1) against 4-row slivers of packed A. 4 rows x
// 2 vectors = 8 accumulators: more than 8 measured slower in this V8 (spills).
const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 1024;
const PACK_A_BYTES: i32 = MC * KC * 4;
const PACK_B_BYTES: i32 = KC * NC * 4;

/** Bytes of per-thread scratch sgemm needs (packed A, packed B, one 4x8 edge tile). */
export function gemmScratchBytes(): i32 {
  return PACK_A_BYTES + PACK_B_BYTES + 128;
}

@inline function at(base: usize, elems: i32): usize {
  return base + (<usize>elems << 2);
}

@inline function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// Packed A: for each 4-row sliver, kc groups of 4 values (rows), zero-padded past mc.
function packA(dst: usize, a: usize, rsa: i32, csa: i32, mc: i32, kc: i32): void {
  for (let ib = 0; ib < mc; ib += MR) {
    const rows = min(MR, mc - ib);
    if (rows == MR && rsa == 1) {
      // A transposed (column-major rows): 4 row values are adjacent, one vector load.
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(at(a, ib + p * csa)));
        dst += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let ii = 0; ii < MR; ii++) {
          store<f32>(dst, ii < rows ? load<f32>(at(a, (ib + ii) * rsa + p * csa)) : 0);
          dst += 4;
        }
      }
    }
  }
}

// Packed B: for each 8-column sliver, kc groups of 8 values (columns), zero-padded past nc.
function packB(dst: usize, b: usize, rsb: i32, csb: i32, kc: i32, nc: i32): void {
  for (let jb = 0; jb < nc; jb += NR) {
    const cols = min(NR, nc - jb);
    if (cols == NR && csb == 1) {
      for (let p = 0; p < kc; p++) {
        const src = at(b, p * rsb + jb);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        dst += 32;
      }
    } else if (rsb == 1) {
      // B transposed (NT): a column is contiguous in k; read each column sequentially.
      for (let jj = 0; jj < NR; jj++) {
        let d = dst + (<usize>jj << 2);
        if (jj < cols) {
          const src = at(b, (jb + jj) * csb);
          for (let p = 0; p < kc; p++) {
            store<f32>(d, load<f32>(src + (<usize>p << 2)));
            d += 32;
          }
        } else {
          for (let p = 0; p < kc; p++) {
            store<f32>(d, 0);
            d += 32;
          }
        }
      }
      dst += <usize>(kc * 32);
    } else {
      for (let p = 0; p < kc; p++) {
        for (let jj = 0; jj < NR; jj++) {
          store<f32>(dst, jj < cols ? load<f32>(at(b, p * rsb + (jb + jj) * csb)) : 0);
          dst += 4;
        }
      }
    }
  }
}

// C[4x8] (+)= packedA sliver . packedB sliver; ldc in bytes.
function kernel(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = fma(a, b0, c00);
    c01 = fma(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = fma(a, b0, c10);
    c11 = fma(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = fma(a, b0, c20);
    c21 = fma(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = fma(a, b0, c30);
    c31 = fma(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

/**
 * C[i0:i1, j0:j1] = A[i0:i1, :] @ B[:, j0:j1] for one matrix; C is row-major with row stride ldc.
 * Transposed operands are handled entirely by the packing routines (they see only strides).
 */
export function sgemm(
  m: i32, n: i32, k: i32, a: usize, rsa: i32, csa: i32, b: usize, rsb: i32, csb: i32,
  c: usize, ldc: i32, i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize,
): void {
  const pA = scratch;
  const pB = scratch + <usize>PACK_A_BYTES;
  const tmp = pB + <usize>PACK_B_BYTES;
  if (k == 0) {
    for (let i = i0; i < i1; i++) memory.fill(at(c, i * ldc + j0), 0, <usize>(j1 - j0) << 2);
    return;
  }
  const ldcBytes = <usize>ldc << 2;
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(pB, at(b, pc * rsb + jc * csb), rsb, csb, kc, nc);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(pA, at(a, ic * rsa + pc * csa), rsa, csa, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = pB + <usize>(jr * kc * 4);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pa = pA + <usize>(ir * kc * 4);
            const cp = at(c, (ic + ir) * ldc + jc + jr);
            if (mr == MR && nr == NR) {
              kernel(kc, pa, pb, cp, ldcBytes, pc > 0);
            } else {
              kernel(kc, pa, pb, tmp, 32, false);
              for (let i = 0; i < mr; i++) {
                for (let j = 0; j < nr; j++) {
                  const q = cp + <usize>i * ldcBytes + (<usize>j << 2);
                  const v = load<f32>(tmp + (<usize>(i * NR + j) << 2));
                  store<f32>(q, pc > 0 ? load<f32>(q) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}

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
@inline function binRowOp(op: i32, n: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
  let j = 0;
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

function binRow(op: i32, n: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
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
    default:
      for (let j = 0; j < n; j++) store<u8>(out + <usize>j, scmp(op, load<f32>(at(a, j * sa)), load<f32>(at(b, j * sb))));
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
// 4 recip 5 floor 6 ceil 7 round 8 sign use f32 SIMD (all exact in f32); 9 exp 10 log 11 log1p
// 12 expm1 13 sin 14 cos 15 tanh 16 sigmoid 17 erf are evaluated in f64 and rounded once, so they
// are within ~0.5 ulp of the true value (torch's float32 SLEEF kernels are within 1 ulp): exp,
// expm1, tanh and sigmoid with an f64x2 polynomial (expF64x2), the others with scalar f64 libm.

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

/** erf in f64: a positive-term series below 2.5, the erfc continued fraction above (Lentz-free, evaluated backward). */
export function erf64(x: f64): f64 {
  const ax = Math.abs(x);
  if (ax != ax) return x;
  if (ax >= 6) return x > 0 ? 1 : -1;
  let r: f64;
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)): no cancellation.
    const x2 = 2 * ax * ax;
    let term = ax, sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= x2 / <f64>(2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    r = 1.1283791670955126 * Math.exp(-ax * ax) * sum;
  } else {
    // erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
    let t = ax;
    for (let n = 60; n >= 1; n--) t = ax + <f64>n * 0.5 / t;
    r = 1 - Math.exp(-ax * ax) / (1.7724538509055159 * t);
  }
  return x < 0 ? -r : r;
}

function sun(op: i32, x: f64): f64 {
  switch (op) {
    case 9: return Math.exp(x);
    case 10: return Math.log(x);
    case 11: return Math.log1p(x);
    case 12: return Math.expm1(x);
    case 13: return Math.sin(x);
    case 14: return Math.cos(x);
    case 15: return Math.tanh(x);
    case 16: return 1 / (1 + Math.exp(-x));
    default: return erf64(x);
  }
}

// exp on two f64 lanes, for f32 results: x clamped to [-110, 110] (beyond, f32 results are 0 or
// inf anyway; pmin/pmax keep NaN and are cheaper than min/max), k = round(x/ln2), r = x - k*ln2
// with ln2 split in two (Cody-Waite; k*LN2_HI is exact), exp(r) by its Taylor polynomial of
// degree 10 (|r| <= 0.347: relative error < 3e-13, far below f32's 6e-8 half-ulp) evaluated by
// Estrin's scheme (a Horner chain is latency-bound: measured 2x slower), then 2^k added straight
// into the exponent bits.
@inline function expF64x2(x: v128): v128 {
  x = f64x2.pmax(f64x2.pmin(x, f64x2.splat(110)), f64x2.splat(-110));
  const k = f64x2.nearest(f64x2.mul(x, f64x2.splat(1.4426950408889634)));
  let r = f64x2.sub(x, f64x2.mul(k, f64x2.splat(6.93147180369123816490e-1)));
  r = f64x2.sub(r, f64x2.mul(k, f64x2.splat(1.90821492927058770002e-10)));
  const r2 = f64x2.mul(r, r);
  const r4 = f64x2.mul(r2, r2);
  const r8 = f64x2.mul(r4, r4);
  const p01 = f64x2.add(f64x2.splat(1.0), r);
  const p23 = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, f64x2.splat(1.0 / 6.0)));
  const p45 = f64x2.add(f64x2.splat(1.0 / 24.0), f64x2.mul(r, f64x2.splat(1.0 / 120.0)));
  const p67 = f64x2.add(f64x2.splat(1.0 / 720.0), f64x2.mul(r, f64x2.splat(1.0 / 5040.0)));
  const p89 = f64x2.add(f64x2.splat(1.0 / 40320.0), f64x2.mul(r, f64x2.splat(1.0 / 362880.0)));
  const q0 = f64x2.add(p01, f64x2.mul(p23, r2));
  const q1 = f64x2.add(p45, f64x2.mul(p67, r2));
  const q2 = f64x2.add(p89, f64x2.mul(f64x2.splat(1.0 / 3628800.0), r2));
  const p = f64x2.add(f64x2.add(q0, f64x2.mul(q1, r4)), f64x2.mul(q2, r8));
  const ki = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  return i64x2.add(p, i64x2.shl(ki, 52));
}

// op 9 exp, 12 expm1, 15 tanh, 16 sigmoid on f64 lanes (rounded to f32 by the caller).
@inline function vtrans(op: i32, x: v128): v128 {
  if (op == 9) return expF64x2(x);
  if (op == 16) return f64x2.div(f64x2.splat(1), f64x2.add(f64x2.splat(1), expF64x2(f64x2.neg(x))));
  if (op == 12) {
    // exp(x) - 1 loses digits only for tiny |x| (f64 keeps ~1e-11 relative at 1e-5): there x + x^2/2.
    const big = f64x2.sub(expF64x2(x), f64x2.splat(1));
    const small = f64x2.add(x, f64x2.mul(f64x2.mul(x, x), f64x2.splat(0.5)));
    return v128.bitselect(small, big, f64x2.lt(f64x2.abs(x), f64x2.splat(1e-5)));
  }
  // tanh(x) = sign(x) (1 - 2 / (exp(2|x|) + 1)); below |x| = 1e-4, x - x^3/3 (the formula cancels).
  const ax = f64x2.abs(x);
  const t = f64x2.sub(f64x2.splat(1), f64x2.div(f64x2.splat(2), f64x2.add(expF64x2(f64x2.add(ax, ax)), f64x2.splat(1))));
  const big = v128.bitselect(f64x2.neg(t), t, f64x2.lt(x, f64x2.splat(0)));
  const small = f64x2.sub(x, f64x2.mul(f64x2.mul(x, f64x2.mul(x, x)), f64x2.splat(1.0 / 3.0)));
  return v128.bitselect(small, big, f64x2.lt(ax, f64x2.splat(1e-4)));
}

@inline function transRowOp(op: i32, n: i32, x: usize, sx: i32, out: usize): void {
  let j = 0;
  if (sx == 1) {
    for (; j + 4 <= n; j += 4) {
      const v = v128.load(x + (<usize>j << 2));
      const lo = vtrans(op, f64x2.promote_low_f32x4(v));
      const hi = vtrans(op, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      v128.store(out + (<usize>j << 2), i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
    }
  }
  for (; j < n; j++) store<f32>(out + (<usize>j << 2), <f32>sun(op, <f64>load<f32>(at(x, j * sx))));
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

function unRow(op: i32, n: i32, x: usize, sx: i32, out: usize): void {
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
    case 9: transRowOp(9, n, x, sx, out); break;
    case 12: transRowOp(12, n, x, sx, out); break;
    case 15: transRowOp(15, n, x, sx, out); break;
    case 16: transRowOp(16, n, x, sx, out); break;
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
  // Strided columns (a transpose): walk 32-column strips so the 32 source cache lines each row
  // touches are still in L1 for the next rows (a 2-D cache blocking of the copy).
  for (let c0 = 0; c0 < cols; c0 += 32) {
    const w = min(32, cols - c0);
    for (let r = 0; r < rows; r++) unRow(op, w, at(x, r * rs + c0 * cs), cs, out + <usize>(r * cols + c0) * 4);
  }
}

// ---- reductions -------------------------------------------------------------------------------
// op 0 sum 1 prod 2 max 3 min. Sums and products accumulate in f64 (two f64x2 lanes per f32x4), so
// long rows stay accurate without torch's cascade; max/min are exact in f32 and propagate NaN.

@inline function hsumF64(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** out[r] = reduce_c x[r*rs + c*cs] for r in [r0, r1). */
function reduceRows(op: i32, r0: i32, r1: i32, cols: i32, x: usize, rs: i32, cs: i32, out: usize): void {
  for (let r = r0; r < r1; r++) {
    const p = at(x, r * rs);
    let j = 0;
    let res: f32;
    if (op == 0 || op == 1) {
      let acc: f64 = op == 0 ? 0 : 1;
      if (op == 0 && cs == 1) {
        let lo = f64x2.splat(0), hi = f64x2.splat(0);
        for (; j + 4 <= cols; j += 4) {
          const v = v128.load(p + (<usize>j << 2));
          lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
          hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
        }
        acc = hsumF64(f64x2.add(lo, hi));
      }
      if (op == 0) for (; j < cols; j++) acc += <f64>load<f32>(at(p, j * cs));
      else for (; j < cols; j++) acc *= <f64>load<f32>(at(p, j * cs));
      res = <f32>acc;
    } else {
      let m = load<f32>(p);
      if (cs == 1 && cols >= 4) {
        let v = v128.load(p);
        for (j = 4; j + 4 <= cols; j += 4) {
          const w = v128.load(p + (<usize>j << 2));
          v = op == 2 ? f32x4.max(v, w) : f32x4.min(v, w);
        }
        const a = op == 2 ? f32x4.max(v, i32x4.shuffle(v, v, 2, 3, 0, 1)) : f32x4.min(v, i32x4.shuffle(v, v, 2, 3, 0, 1));
        const b = op == 2 ? f32x4.max(a, i32x4.shuffle(a, a, 1, 0, 3, 2)) : f32x4.min(a, i32x4.shuffle(a, a, 1, 0, 3, 2));
        m = f32x4.extract_lane(b, 0);
      }
      for (; j < cols; j++) {
        const w = load<f32>(at(p, j * cs));
        m = op == 2 ? max<f32>(m, w) : min<f32>(m, w);
      }
      res = m;
    }
    store<f32>(out + (<usize>r << 2), res);
  }
}

/** out[c] = reduce_r x[r*rs + c] for c in [c0, c1): contiguous columns, SIMD across them. */
function reduceCols(op: i32, c0: i32, c1: i32, rows: i32, x: usize, rs: i32, out: usize): void {
  let c = c0;
  for (; c + 4 <= c1; c += 4) {
    const p = at(x, c);
    if (op <= 1) {
      let lo = f64x2.splat(op == 0 ? 0 : 1), hi = lo;
      for (let r = 0; r < rows; r++) {
        const v = v128.load(at(p, r * rs));
        const vl = f64x2.promote_low_f32x4(v);
        const vh = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1));
        lo = op == 0 ? f64x2.add(lo, vl) : f64x2.mul(lo, vl);
        hi = op == 0 ? f64x2.add(hi, vh) : f64x2.mul(hi, vh);
      }
      const a = f32x4.demote_f64x2_zero(lo);
      const b = f32x4.demote_f64x2_zero(hi);
      v128.store(out + (<usize>c << 2), i32x4.shuffle(a, b, 0, 1, 4, 5));
    } else {
      let m = v128.load(p);
      for (let r = 1; r < rows; r++) {
        const v = v128.load(at(p, r * rs));
        m = op == 2 ? f32x4.max(m, v) : f32x4.min(m, v);
      }
      v128.store(out + (<usize>c << 2), m);
    }
  }
  for (; c < c1; c++) reduceRows(op, 0, 1, rows, at(x, c), 0, rs, out + (<usize>c << 2));
}

// ---- thread dispatch --------------------------------------------------------------------------
// A job is split into chunks; every participating thread (the caller included) claims chunks with
// a CAS on one word holding (count << 16 | next index) until none are left, and counts each one
// finished. Because the caller claims chunks too, a worker that the OS has not scheduled (a busy
// 2-core machine) delays nothing: the caller does its chunks and only waits for chunks that were
// actually claimed. Args are read after a successful claim, so a late thread can never run a
// chunk with stale args. Word addresses are fixed by src/backend/wasm/worker-loop.ts.

const CLAIM: usize = 32768 + 5 * 4;
const FINISHED: usize = 32768 + 6 * 4;

@inline function arg(args: usize, i: i32): i32 {
  return load<i32>(args + (<usize>i << 2));
}

@inline function part(total: i32, p: i32, parts: i32, align: i32): i32 {
  // Boundaries rounded to `align` so SIMD rows and 8-wide GEMM slivers stay whole.
  const chunk = (total + parts - 1) / parts;
  const c = ((chunk + align - 1) / align) * align;
  return min(total, c * p);
}

// args: 1, m, n, k, rsa, csa, rsb, csb, ldc, nbatch, table, scratch, scratch bytes per thread,
// splits per matrix, split rows (1) or columns (0). Chunk c = (batch c / splits, part c % splits).
function gemmChunk(c: i32, tid: i32, args: usize): void {
  const m = arg(args, 1), n = arg(args, 2), k = arg(args, 3);
  const rsa = arg(args, 4), csa = arg(args, 5), rsb = arg(args, 6), csb = arg(args, 7), ldc = arg(args, 8);
  const table = <usize>arg(args, 10);
  const scratch = <usize>arg(args, 11) + <usize>tid * <usize>arg(args, 12);
  const splits = arg(args, 13);
  const bi = c / splits, p = c % splits;
  let i0 = 0, i1 = m, j0 = 0, j1 = n;
  if (arg(args, 14)) {
    i0 = part(m, p, splits, MR);
    i1 = part(m, p + 1, splits, MR);
  } else {
    j0 = part(n, p, splits, NR);
    j1 = part(n, p + 1, splits, NR);
  }
  if (i0 >= i1 || j0 >= j1) return;
  const e = table + <usize>(bi * 12);
  sgemm(m, n, k, load<u32>(e), rsa, csa, load<u32>(e, 4), rsb, csb, load<u32>(e, 8), ldc, i0, i1, j0, j1, scratch);
}

// args: 2|3, op, rows, cols, x, xrs, xcs, y, yrs, ycs, out. Chunks split rows, or columns when few rows.
function mapChunk(c: i32, nch: i32, args: usize): void {
  const fn = arg(args, 0), op = arg(args, 1), rows = arg(args, 2), cols = arg(args, 3);
  const x = <usize>arg(args, 4), xrs = arg(args, 5), xcs = arg(args, 6);
  const y = <usize>arg(args, 7), yrs = arg(args, 8), ycs = arg(args, 9);
  const out = <usize>arg(args, 10);
  const osz = fn == 2 && op >= 7 ? 1 : 4;
  let r0 = 0, r1 = rows, c0 = 0, c1 = cols;
  if (rows >= nch) {
    r0 = part(rows, c, nch, 1);
    r1 = part(rows, c + 1, nch, 1);
  } else {
    c0 = part(cols, c, nch, 16);
    c1 = part(cols, c + 1, nch, 16);
  }
  if (r0 >= r1 || c0 >= c1) return;
  const w = c1 - c0;
  if (fn == 3 && xcs != 1 && r1 - r0 > 1) {
    unary2d(op, r1 - r0, w, at(x, r0 * xrs + c0 * xcs), xrs, xcs, out + <usize>(r0 * cols + c0) * 4);
    return;
  }
  for (let r = r0; r < r1; r++) {
    const o = out + <usize>(r * cols + c0) * <usize>osz;
    if (fn == 2) binRow(op, w, at(x, r * xrs + c0 * xcs), xcs, at(y, r * yrs + c0 * ycs), ycs, o);
    else unRow(op, w, at(x, r * xrs + c0 * xcs), xcs, o);
  }
}

// args: 4, op, n (outputs), len (reduced), x, stride between outputs, stride along the reduction, out.
function reduceChunk(c: i32, nch: i32, args: usize): void {
  const op = arg(args, 1), n = arg(args, 2), len = arg(args, 3);
  const x = <usize>arg(args, 4), os = arg(args, 5), rstride = arg(args, 6);
  const out = <usize>arg(args, 7);
  const align = os == 1 ? 4 : 1;
  const k0 = part(n, c, nch, align), k1 = part(n, c + 1, nch, align);
  if (k0 >= k1) return;
  // Outputs adjacent in memory and a strided reduction: SIMD across outputs; else along each row.
  if (os == 1 && rstride != 1) reduceCols(op, k0, k1, len, x, rstride, out);
  else reduceRows(op, k0, k1, len, x, os, rstride, out);
}

/** Entry point for every thread: claims and runs chunks of the current job (args[0]: 1 gemm, 2 binary, 3 unary, 4 reduce). */
export function run(tid: i32, args: usize): void {
  for (;;) {
    let cur: i32;
    if (ASC_FEATURE_THREADS) {
      cur = atomic.load<i32>(CLAIM);
      const nch = cur >>> 16, c = cur & 0xffff;
      if (c >= nch) return;
      if (atomic.cmpxchg<i32>(CLAIM, cur, cur + 1) != cur) continue;
    } else {
      cur = load<i32>(CLAIM);
      if ((cur & 0xffff) >= (cur >>> 16)) return;
      store<i32>(CLAIM, cur + 1);
    }
    const nch = cur >>> 16, c = cur & 0xffff;
    const fn = arg(args, 0);
    if (fn == 1) gemmChunk(c, tid, args);
    else if (fn == 4) reduceChunk(c, nch, args);
    else mapChunk(c, nch, args);
    if (ASC_FEATURE_THREADS) atomic.add<i32>(FINISHED, 1);
    else store<i32>(FINISHED, load<i32>(FINISHED) + 1);
  }
}
