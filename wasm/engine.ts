// Engine kernels (job ids 9-19, dispatched by kernels.ts run()): the tanh/sigmoid backward maps,
// the pure-FMA roofline loop of the benchmark, and index/select ops over any 4-byte element.

import { arg } from "./util";

@inline function part(total: i32, p: i32, parts: i32, align: i32): i32 {
  const chunk = (total + parts - 1) / parts;
  const c = ((chunk + align - 1) / align) * align;
  return min(total, c * p);
}

// ---- job 9: activation gradients ---------------------------------------------------------------
// args: 9, op (0 tanh: g·(1 − y²), 1 sigmoid: g·y·(1 − y)), n, g, y, out (contiguous f32).
// Computed in f64 lanes and rounded once, exactly as the host loop of ops/fused/activation-grad.ts
// (JavaScript numbers are f64), so both give the same bits.

@inline function actGrad2(op: i32, g: v128, y: v128): v128 {
  const one = f64x2.splat(1);
  if (op == 0) return f64x2.mul(g, f64x2.sub(one, f64x2.mul(y, y)));
  return f64x2.mul(g, f64x2.mul(y, f64x2.sub(one, y)));
}

@inline function actGrad4(op: i32, g: v128, y: v128): v128 {
  const lo = actGrad2(op, f64x2.promote_low_f32x4(g), f64x2.promote_low_f32x4(y));
  const hi = actGrad2(op, f64x2.promote_low_f32x4(i32x4.shuffle(g, g, 2, 3, 0, 1)), f64x2.promote_low_f32x4(i32x4.shuffle(y, y, 2, 3, 0, 1)));
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

@inline function actGradRange(op: i32, i0: i32, i1: i32, g: usize, y: usize, out: usize): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, actGrad4(op, v128.load(g + o), v128.load(y + o)));
  }
  for (; i < i1; i++) {
    const o = <usize>i << 2;
    const v = <f64>load<f32>(y + o);
    const gv = <f64>load<f32>(g + o);
    store<f32>(out + o, <f32>(op == 0 ? gv * (1 - v * v) : gv * (v * (1 - v))));
  }
}

function actGradChunk(c: i32, nch: i32, args: usize): void {
  const op = arg(args, 1), n = arg(args, 2);
  const i0 = part(n, c, nch, 4), i1 = part(n, c + 1, nch, 4);
  if (i0 >= i1) return;
  const g = <usize>arg(args, 3), y = <usize>arg(args, 4), out = <usize>arg(args, 5);
  if (op == 0) actGradRange(0, i0, i1, g, y, out);
  else actGradRange(1, i0, i1, g, y, out);
}

// ---- job 10: the FMA roofline -------------------------------------------------------------------
// args: 10, iterations, out. Twelve independent f32x4 multiply-add chains on registers only (no
// memory traffic): what one core can compute in this build (relaxed-SIMD FMA, else mul + add).
// Each iteration is 12 · 4 lanes · 2 = 96 flops; the sums are stored so nothing is optimized away.

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

function fmaChunk(tid: i32, args: usize): void {
  const iters = arg(args, 1);
  const out = <usize>arg(args, 2) + (<usize>tid << 4);
  const m = f32x4.splat(0.999999);
  const a = f32x4.splat(1e-7);
  let c0 = f32x4.splat(1), c1 = f32x4.splat(2), c2 = f32x4.splat(3), c3 = f32x4.splat(4);
  let c4 = f32x4.splat(5), c5 = f32x4.splat(6), c6 = f32x4.splat(7), c7 = f32x4.splat(8);
  let c8 = f32x4.splat(9), c9 = f32x4.splat(10), c10 = f32x4.splat(11), c11 = f32x4.splat(12);
  for (let i = 0; i < iters; i++) {
    c0 = madd(c0, m, a); c1 = madd(c1, m, a); c2 = madd(c2, m, a); c3 = madd(c3, m, a);
    c4 = madd(c4, m, a); c5 = madd(c5, m, a); c6 = madd(c6, m, a); c7 = madd(c7, m, a);
    c8 = madd(c8, m, a); c9 = madd(c9, m, a); c10 = madd(c10, m, a); c11 = madd(c11, m, a);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  v128.store(out, f32x4.add(s, f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11))));
}

// ---- job 11: gather of 4-byte elements (float32, int32) --------------------------------------------
// args: 11, outer, k, inner, x, x outer stride, x stride along dim, x inner stride, index,
// index outer / dim / inner strides, size (x's extent along dim), out (contiguous [outer, k, inner]),
// then slot 14: set to 1 when an index is out of bounds (the caller then reports it).
// out[o, j, i] = x[o, index[o, j, i], i]. Chunks split the outer·k rows.

function gatherChunk(c: i32, nch: i32, args: usize): void {
  const outer = arg(args, 1), k = arg(args, 2), inner = arg(args, 3);
  const x = <usize>arg(args, 4), xo = arg(args, 5), xd = arg(args, 6), xi = arg(args, 7);
  const idx = <usize>arg(args, 8), io = arg(args, 9), ik = arg(args, 10), ii = arg(args, 11);
  const size = arg(args, 12), out = <usize>arg(args, 13);
  const rows = outer * k;
  const r0 = part(rows, c, nch, 1), r1 = part(rows, c + 1, nch, 1);
  for (let r = r0; r < r1; r++) {
    const o = r / k, j = r % k;
    const ip = idx + (<usize>(o * io + j * ik) << 2);
    const xp = x + (<usize>(o * xo) << 2);
    const op = out + (<usize>(r * inner) << 2);
    for (let i = 0; i < inner; i++) {
      const t = load<i32>(ip + (<usize>(i * ii) << 2));
      if (<u32>t >= <u32>size) {
        store<i32>(args + 56, 1);
        return;
      }
      store<i32>(op + (<usize>i << 2), load<i32>(xp + (<usize>(t * xd + i * xi) << 2)));
    }
  }
}

// ---- jobs 12 and 14: scatterAdd into float32 and int32 -----------------------------------------
// args: 12, outer, k, inner, index, index outer / dim / inner strides, src, src outer / dim / inner
// strides, size (the output's extent along dim), acc (f64 scratch, zeroed, one per output), out
// (contiguous, n elements), n, the output's outer / dim / inner strides; slot 20: set to 1 when an index is out of bounds. Sums in f64 in the index's
// row-major order and rounds once, as the reference backend does, so both give the same bits.
// One chunk: scattered sums would race across threads.
// Job 14 (int32: true) takes the same args without acc (slot 13 unused): out is zeroed and summed
// into directly; i32 adds wrap mod 2^32, which is what the reference's exact f64 sum gives once
// stored into an Int32Array.

function scatterAddJob(args: usize, int32: bool): void {
  const outer = arg(args, 1), k = arg(args, 2), inner = arg(args, 3);
  const idx = <usize>arg(args, 4), io = arg(args, 5), ik = arg(args, 6), ii = arg(args, 7);
  const src = <usize>arg(args, 8), so = arg(args, 9), sk = arg(args, 10), si = arg(args, 11);
  const size = arg(args, 12), acc = <usize>arg(args, 13), out = <usize>arg(args, 14), n = arg(args, 15);
  const oo = arg(args, 16), od = arg(args, 17), oi = arg(args, 18);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const ip = idx + (<usize>(o * io + j * ik) << 2);
      const sp = src + (<usize>(o * so + j * sk) << 2);
      for (let i = 0; i < inner; i++) {
        const t = load<i32>(ip + (<usize>(i * ii) << 2));
        if (<u32>t >= <u32>size) {
          store<i32>(args + 80, 1);
          return;
        }
        const e = <usize>(o * oo + t * od + i * oi), s = sp + (<usize>(i * si) << 2);
        if (int32) store<i32>(out + (e << 2), load<i32>(out + (e << 2)) + load<i32>(s));
        else store<f64>(acc + (e << 3), load<f64>(acc + (e << 3)) + <f64>load<f32>(s));
      }
    }
  }
  if (!int32) for (let e = 0; e < n; e++) store<f32>(out + (<usize>e << 2), <f32>load<f64>(acc + (<usize>e << 3)));
}

// ---- job 13: where for any element size ------------------------------------------------------------
// args: 13, n, element bytes (1, 4 or 8), cond (bytes), cond step, a, a step, b, b step, out; steps
// are 1 (contiguous) or 0 (one value broadcast). Bytes are moved, so every dtype is exact.

function whereChunk(c: i32, nch: i32, args: usize): void {
  const n = arg(args, 1), eb = arg(args, 2);
  const cond = <usize>arg(args, 3), cs = arg(args, 4);
  const a = <usize>arg(args, 5), as = arg(args, 6), b = <usize>arg(args, 7), bs = arg(args, 8);
  const out = <usize>arg(args, 9);
  const i0 = part(n, c, nch, 16), i1 = part(n, c + 1, nch, 16);
  if (eb == 8) {
    for (let i = i0; i < i1; i++)
      store<i64>(out + (<usize>i << 3), load<u8>(cond + <usize>(i * cs)) != 0 ? load<i64>(a + (<usize>(i * as) << 3)) : load<i64>(b + (<usize>(i * bs) << 3)));
  } else if (eb == 4) {
    for (let i = i0; i < i1; i++)
      store<i32>(out + (<usize>i << 2), load<u8>(cond + <usize>(i * cs)) != 0 ? load<i32>(a + (<usize>(i * as) << 2)) : load<i32>(b + (<usize>(i * bs) << 2)));
  } else {
    for (let i = i0; i < i1; i++)
      store<u8>(out + <usize>i, load<u8>(cond + <usize>(i * cs)) != 0 ? load<u8>(a + <usize>(i * as)) : load<u8>(b + <usize>(i * bs)));
  }
}

/** Runs chunk c (of nch) of engine job `fn` (9-19) on thread `tid`. */
export function engineJob(fn: i32, c: i32, nch: i32, tid: i32, args: usize): void {
  if (fn == 9) actGradChunk(c, nch, args);
  else if (fn == 10) fmaChunk(tid, args);
  else if (fn == 11) gatherChunk(c, nch, args);
  else if (fn == 12) scatterAddJob(args, false);
  else if (fn == 13) whereChunk(c, nch, args);
  else if (fn == 14) scatterAddJob(args, true);
}
