// The convolution's weight gradient against one sample's columns (conv-sample.ts, job 50, calls it):
// gw[g, o, k] (+)= Σ_l gy[g·Og + o, l] · cols[g·Kg + k, l]. Both operands run along l in memory, so
// dot products need no packing or transposes (a GEMM would pack the columns transposed) and the
// batch sum happens in place.

import { fma } from "./util";

// Four lanes of sums: [Σ a, Σ b, Σ c, Σ d].
@inline function hsum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const t0 = f32x4.add(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  const t1 = f32x4.add(v128.shuffle<f32>(c, d, 0, 4, 1, 5), v128.shuffle<f32>(c, d, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
}

// Adds the 4x2 block of dot products over l of rows p0..p3 (columns, k) with q0, q1 (gy, o) into
// out[q·ldo + p]; kp (1-4) of the p rows and kq (1-2) of the q rows are real (the others repeat a real row).
export function block(l: i32, p0: usize, p1: usize, p2: usize, p3: usize, q0: usize, q1: usize, out: usize, ldo: usize, kp: i32, kq: i32, first: bool): void {
  let a00 = f32x4.splat(0), a10 = f32x4.splat(0), a20 = f32x4.splat(0), a30 = f32x4.splat(0);
  let a01 = f32x4.splat(0), a11 = f32x4.splat(0), a21 = f32x4.splat(0), a31 = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= l; i += 4) {
    const o = <usize>i << 2;
    const b0 = v128.load(q0 + o), b1 = v128.load(q1 + o);
    let a = v128.load(p0 + o);
    a00 = fma(a, b0, a00);
    a01 = fma(a, b1, a01);
    a = v128.load(p1 + o);
    a10 = fma(a, b0, a10);
    a11 = fma(a, b1, a11);
    a = v128.load(p2 + o);
    a20 = fma(a, b0, a20);
    a21 = fma(a, b1, a21);
    a = v128.load(p3 + o);
    a30 = fma(a, b0, a30);
    a31 = fma(a, b1, a31);
  }
  let r0 = hsum4(a00, a10, a20, a30), r1 = hsum4(a01, a11, a21, a31);
  if (i < l) {
    let s00: f32 = 0, s10: f32 = 0, s20: f32 = 0, s30: f32 = 0, s01: f32 = 0, s11: f32 = 0, s21: f32 = 0, s31: f32 = 0;
    for (; i < l; i++) {
      const o = <usize>i << 2;
      const b0 = load<f32>(q0 + o), b1 = load<f32>(q1 + o);
      const v0 = load<f32>(p0 + o), v1 = load<f32>(p1 + o), v2 = load<f32>(p2 + o), v3 = load<f32>(p3 + o);
      s00 += v0 * b0; s10 += v1 * b0; s20 += v2 * b0; s30 += v3 * b0;
      s01 += v0 * b1; s11 += v1 * b1; s21 += v2 * b1; s31 += v3 * b1;
    }
    r0 = f32x4.add(r0, f32x4(s00, s10, s20, s30));
    r1 = f32x4.add(r1, f32x4(s01, s11, s21, s31));
  }
  store4(out, r0, kp, first);
  if (kq > 1) store4(out + ldo, r1, kp, first);
}

@inline function store4(d: usize, r: v128, kp: i32, first: bool): void {
  if (kp == 4) {
    v128.store(d, first ? r : f32x4.add(r, v128.load(d)));
    return;
  }
  for (let j = 0; j < kp; j++) {
    const a = d + (<usize>j << 2);
    let v: f32 = 0;
    if (j == 0) v = f32x4.extract_lane(r, 0);
    else if (j == 1) v = f32x4.extract_lane(r, 1);
    else v = f32x4.extract_lane(r, 2);
    store<f32>(a, first ? v : v + load<f32>(a));
  }
}

/** One sample's gy [groups·og, l] against its columns [groups·kg, l], into (first) or onto gw for the blocks of 4 column rows [b0, b1). */
export function weightSample(gs: usize, cs: usize, groups: i32, og: i32, kg: i32, l: i32, gw: usize, b0: i32, b1: i32, first: bool): void {
  const kb = (kg + 3) >> 2;
  const lb = <usize>l << 2;
  for (let b = b0; b < b1; b++) {
    const g = b / kb, k0 = (b % kb) * 4;
    const kp = min(4, kg - k0);
    const p0 = cs + <usize>(g * kg + k0) * lb;
    const p1 = kp > 1 ? p0 + lb : p0, p2 = kp > 2 ? p0 + 2 * lb : p0, p3 = kp > 3 ? p0 + 3 * lb : p0;
    for (let o = 0; o < og; o += 2) {
      const kq = min(2, og - o);
      const q0 = gs + <usize>(g * og + o) * lb;
      const q1 = kq > 1 ? q0 + lb : q0;
      block(l, p0, p1, p2, p3, q0, q1, gw + (<usize>((g * og + o) * kg + k0) << 2), <usize>kg << 2, kp, kq, first);
    }
  }
}
