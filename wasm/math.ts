// Transcendental functions for myelin's f32 maps: f32x4 polynomials (exp, tanh, sigmoid), an f64x2
// polynomial (expm1) and scalar f64 libm (the rest), each rounded once to f32. Used by map.ts.

import { at } from "./util";

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

export function sun(op: i32, x: f64): f64 {
  switch (op) {
    case 9: return Math.exp(x);
    case 10: return Math.log(x);
    case 11: return Math.log1p(x);
    case 12: return Math.expm1(x);
    case 13: return Math.sin(x);
    case 14: return Math.cos(x);
    case 15: return Math.tanh(x);
    case 16: return 1 / (1 + Math.exp(-x));
    case 18: return Math.atan(x);
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

// expm1 on f64 lanes (rounded to f32 by the caller): exp(x) - 1 loses digits only for tiny |x|
// (f64 keeps ~1e-11 relative at 1e-5), so there x + x^2/2.
@inline function vexpm1(x: v128): v128 {
  const big = f64x2.sub(expF64x2(x), f64x2.splat(1));
  const small = f64x2.add(x, f64x2.mul(f64x2.mul(x, x), f64x2.splat(0.5)));
  return v128.bitselect(small, big, f64x2.lt(f64x2.abs(x), f64x2.splat(1e-5)));
}

// Constants of the f32 transcendental kernels, in memory: V8 rematerializes each f32x4.splat of
// an immediate inside the loop (several instructions), while a broadcast load is one.
const K: usize = memory.data<f32>([
  88.8, -104, 1.44269504088896341, 0.693359375, -2.12194440e-4, // 0-4: clamp, 1/ln2, ln2 hi/lo
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 1, // 5-11
  -5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2, 1.33314422036e-1, -3.33332819422e-1, 0.625, 2, // 12-18
  // 19-31: tanh as a rational function (Eigen's generic_fast_tanh_float): clamp, tiny, α₁…α₁₃, β₀…β₆
  7.90531110763549805, 0.0004,
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16,
  4.89352518554385e-3, 2.26843463243900e-3, 1.18534705686654e-4, 1.19825839466702e-6,
  // 32-44: erf as a rational function (Eigen's generic_fast_erf_float): clamp 4, α₁…α₁₃, β₀…β₈
  4,
  -1.60960333262415e-2, -2.95459980854025e-3, -7.34990630326855e-4, -5.69250639462346e-5, -2.10102402082508e-6, 2.77068142495902e-8, -2.72614225801306e-10,
  -1.42647390514189e-2, -7.37332916720468e-3, -1.68282697438203e-3, -2.13374055278905e-4, -1.45660718464996e-5,
]);

@inline function k(i: i32): v128 {
  return v128.load32_splat(K + (<usize>i << 2));
}

// exp on four f32 lanes (Cephes expf): n = round(x/ln2), r = x - n*ln2 with ln2 split in two
// (Cody-Waite), exp(r) by Cephes' polynomial (about 1 ulp: measured < 1.2e-7 relative over 2M
// inputs), then 2^n applied as two exponent-bit scalings so denormal results come out right.
@inline export function expF32x4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, k(0)), k(1)); // pmin/pmax keep a NaN in x
  const n = f32x4.nearest(f32x4.mul(x, k(2)));
  let r = f32x4.sub(x, f32x4.mul(n, k(3)));
  r = f32x4.sub(r, f32x4.mul(n, k(4)));
  let p = k(5);
  p = f32x4.add(f32x4.mul(p, r), k(6));
  p = f32x4.add(f32x4.mul(p, r), k(7));
  p = f32x4.add(f32x4.mul(p, r), k(8));
  p = f32x4.add(f32x4.mul(p, r), k(9));
  p = f32x4.add(f32x4.mul(p, r), k(10));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), k(11));
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const h = i32x4.shr_s(ni, 1);
  const s1 = i32x4.shl(i32x4.add(h, i32x4.splat(127)), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(ni, h), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// op 9 exp, 16 sigmoid, 15 tanh in f32 lanes. sigmoid = e/(1+e) or 1/(1+e) with e = exp(-|x|)
// (never overflows, keeps tiny results for x << 0). tanh is x·P(x²)/Q(x²) on x clamped to
// ±7.905 (odd degree 13 over even degree 6, Eigen's fast tanh), x itself below |x| = 4e-4: one
// division and ten multiply-adds instead of an exp, a division and a polynomial (measured 2.6x
// faster; at most 4e-7 relative error, |result| <= 1, over 4M inputs in [-12, 12]).
@inline function vtrans32(op: i32, x: v128): v128 {
  if (op == 9) return expF32x4(x);
  if (op == 17) return erfF32x4(x);
  const ax = f32x4.abs(x);
  if (op == 16) {
    const e = expF32x4(f32x4.neg(ax));
    const d = f32x4.add(k(11), e);
    return v128.bitselect(f32x4.div(e, d), f32x4.div(k(11), d), i32x4.shr_s(x, 31));
  }
  return v128.bitselect(x, oddRational(x, 19, 21, 28, 32), f32x4.lt(ax, k(20)));
}

// erf(x) = x·P(x²)/Q(x²) on x clamped to ±4 (beyond, erf rounds to ±1 in f32): odd degree 13 over
// even degree 8 (Eigen's fast erf). Measured against an f64 erf over 1.4M inputs in [1e-6, 6]: at
// most 4.3e-7 relative error (7 ulp), where the scalar f64 series it replaces took ~100x longer.
@inline function erfF32x4(x: v128): v128 {
  return oddRational(x, 32, 33, 40, 45);
}

// c·P(c²)/Q(c²) for c = x clamped to ±K[clamp] (pmin/pmax keep a NaN in x): P's coefficients are
// K[p..q), Q's K[q..end), lowest degree first, each evaluated by Horner from the highest.
@inline function oddRational(x: v128, clamp: i32, p: i32, q: i32, end: i32): v128 {
  const c = f32x4.pmax(f32x4.pmin(x, k(clamp)), f32x4.neg(k(clamp)));
  const z = f32x4.mul(c, c);
  return f32x4.div(f32x4.mul(horner(z, p, q), c), horner(z, q, end));
}

/** One Horner step s·z + K[i], taken where i >= from: with constant bounds the test folds away once inlined. */
@inline function hornerStep(s: v128, z: v128, i: i32, from: i32): v128 {
  return i >= from ? f32x4.add(f32x4.mul(s, z), k(i)) : s;
}

/**
 * Σ K[from + i]·zⁱ for i < end - from (2 to 8 terms), by Horner from the highest degree. Written
 * out: Binaryen leaves a loop here rolled, which measured 2-10% slower on [128, 512] tanh and erf rows.
 */
@inline function horner(z: v128, from: i32, end: i32): v128 {
  let s = hornerStep(k(end - 1), z, end - 2, from);
  s = hornerStep(hornerStep(s, z, end - 3, from), z, end - 4, from);
  s = hornerStep(hornerStep(s, z, end - 5, from), z, end - 6, from);
  return hornerStep(hornerStep(s, z, end - 7, from), z, end - 8, from);
}

@inline function trans32RowOp(op: i32, n: i32, x: usize, sx: i32, out: usize): void {
  let j = 0;
  if (sx == 1) {
    for (; j + 8 <= n; j += 8) {
      const p = x + (<usize>j << 2);
      v128.store(out + (<usize>j << 2), vtrans32(op, v128.load(p)));
      v128.store(out + (<usize>j << 2), vtrans32(op, v128.load(p, 16)), 16);
    }
    for (; j + 4 <= n; j += 4) v128.store(out + (<usize>j << 2), vtrans32(op, v128.load(x + (<usize>j << 2))));
  }
  for (; j < n; j++) store<f32>(out + (<usize>j << 2), <f32>sun(op, <f64>load<f32>(at(x, j * sx))));
}

// One small function per transcendental row, each compiled on its own.
export function expRow(n: i32, x: usize, sx: i32, out: usize): void {
  trans32RowOp(9, n, x, sx, out);
}
export function tanhRow(n: i32, x: usize, sx: i32, out: usize): void {
  trans32RowOp(15, n, x, sx, out);
}
export function sigmoidRow(n: i32, x: usize, sx: i32, out: usize): void {
  trans32RowOp(16, n, x, sx, out);
}
export function erfRow(n: i32, x: usize, sx: i32, out: usize): void {
  trans32RowOp(17, n, x, sx, out);
}

export function expm1Row(n: i32, x: usize, sx: i32, out: usize): void {
  const op = 12;
  let j = 0;
  if (sx == 1) {
    // 8 floats per step: four independent f64x2 polynomial chains keep both FP pipes busy.
    for (; j + 8 <= n; j += 8) {
      const v = v128.load(x + (<usize>j << 2));
      const w = v128.load(x + (<usize>j << 2), 16);
      const a = vexpm1(f64x2.promote_low_f32x4(v));
      const b = vexpm1(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      const c = vexpm1(f64x2.promote_low_f32x4(w));
      const d = vexpm1(f64x2.promote_low_f32x4(i32x4.shuffle(w, w, 2, 3, 0, 1)));
      v128.store(out + (<usize>j << 2), i32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5));
      v128.store(out + (<usize>j << 2), i32x4.shuffle(f32x4.demote_f64x2_zero(c), f32x4.demote_f64x2_zero(d), 0, 1, 4, 5), 16);
    }
    for (; j + 4 <= n; j += 4) {
      const v = v128.load(x + (<usize>j << 2));
      const lo = vexpm1(f64x2.promote_low_f32x4(v));
      const hi = vexpm1(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      v128.store(out + (<usize>j << 2), i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
    }
  }
  for (; j < n; j++) store<f32>(out + (<usize>j << 2), <f32>sun(op, <f64>load<f32>(at(x, j * sx))));
}

/** σ(x) and tanh(x) on four f32 lanes, for kernels outside the maps (rnn.ts). */
@inline export function sigmoidF32x4(x: v128): v128 {
  return vtrans32(16, x);
}
@inline export function tanhF32x4(x: v128): v128 {
  return vtrans32(15, x);
}
