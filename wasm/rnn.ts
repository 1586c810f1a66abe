// The fused LSTM layer's pointwise work per time step (src/ops/fused/rnn.ts), in f32 SIMD: the gate
// nonlinearities and the cell update forward, the gates' pre-activation gradients backward. The
// GEMMs and the time loop are in rnn-seq.ts.

import { fma, ld } from "./util";

// The gate nonlinearities are cheaper forms than math.ts's (one division each, FMA where the build
// has relaxed SIMD): sigmoid = 1/(1 + exp(−x)) with Cephes' expf (≤ 1.2e-7 relative), tanh Eigen's
// 13/6 rational (≤ 3.5e-7 absolute). pmin/pmax clamps keep a NaN in x.

// Constants in memory: V8 rematerializes each f32x4.splat of an immediate inside the loop (a 64-bit
// move, a vmovq and a shuffle), where a broadcast load is one instruction (as math.ts).
const C: usize = memory.data<f32>([
  88.3, -87.3, 1.44269504088896341, 12582912.0, -0.693359375, 2.12194440e-4, // 0-5: clamps, log2 e, shifter, ln 2 hi/lo
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 1, // 6-12: expf
  7.99881172180175781, -7.99881172180175781, // 13-14: tanh clamps, then α₁₃…α₁ (15-21), β₆…β₀ (22-25)
  -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3,
  1.19825839466702e-6, 1.18534705686654e-4, 2.26843463243900e-3, 4.89352518554385e-3,
]);

@inline function K(i: i32): v128 {
  return v128.load32_splat(C + (<usize>i << 2));
}

// n = round(x·log2 e) by the 1.5·2^23 shifter: its bits hold n in the low mantissa, so 2^n is an
// integer add and shift away (no nearest/trunc_sat, which V8 expands into several instructions).
@inline function expF(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, K(0)), K(1));
  const sh = fma(x, K(2), K(3));
  const n = f32x4.sub(sh, K(3));
  let r = fma(n, K(4), x);
  r = fma(n, K(5), r);
  let p = fma(K(6), r, K(7));
  p = fma(p, r, K(8));
  p = fma(p, r, K(9));
  p = fma(p, r, K(10));
  p = fma(p, r, K(11));
  p = fma(f32x4.mul(p, r), r, f32x4.add(r, K(12)));
  return f32x4.mul(p, i32x4.shl(i32x4.add(sh, i32x4.splat(127 - 0x4b400000)), 23));
}

@inline export function sigmoidF32x4(x: v128): v128 {
  return f32x4.div(K(12), f32x4.add(K(12), expF(f32x4.neg(x))));
}

@inline export function tanhF32x4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, K(13)), K(14));
  const z = f32x4.mul(x, x);
  let p = fma(K(15), z, K(16));
  p = fma(p, z, K(17));
  p = fma(p, z, K(18));
  p = fma(p, z, K(19));
  p = fma(p, z, K(20));
  p = fma(p, z, K(21));
  let q = fma(K(22), z, K(23));
  q = fma(q, z, K(24));
  q = fma(q, z, K(25));
  return f32x4.div(f32x4.mul(p, x), q);
}

@inline function st(p: usize, j: i32, v: v128): void {
  v128.store(p + (<usize>j << 2), v);
}
@inline function row(p: usize, r: i32, width: i32): usize {
  return p + (<usize>(r * width) << 2);
}

// Four vectors of one gate kind: σ (tanh false) or tanh of the pre-activations at j, stored at j in the save row sr.
@inline function gates4(sr: usize, xr: usize, rr: usize, bias: usize, j: i32, tanh: bool): void {
  const a = pre(xr, rr, bias, j), b = pre(xr, rr, bias, j + 4), c = pre(xr, rr, bias, j + 8), d = pre(xr, rr, bias, j + 12);
  const u = tanh ? tanhF32x4(a) : sigmoidF32x4(a), v = tanh ? tanhF32x4(b) : sigmoidF32x4(b);
  const w = tanh ? tanhF32x4(c) : sigmoidF32x4(c), z = tanh ? tanhF32x4(d) : sigmoidF32x4(d);
  st(sr, j, u);
  st(sr, j + 4, v);
  st(sr, j + 8, w);
  st(sr, j + 12, z);
}

// c_t = f·c_{t−1} + i·g from the saved gates; then c, tanh c and h = o·tanh c stored
@inline function cell(sr: usize, cr: usize, H: i32, j: i32): v128 {
  return f32x4.add(f32x4.mul(ld(sr, H + j), ld(cr, j)), f32x4.mul(ld(sr, j), ld(sr, 2 * H + j)));
}
@inline function out(sr: usize, yr: usize, H: i32, j: i32, c: v128, tc: v128): void {
  st(sr, 4 * H + j, c);
  st(sr, 5 * H + j, tc);
  st(yr, j, f32x4.mul(ld(sr, 3 * H + j), tc));
}

// r = 0: x already holds the recurrent part (rnn-seq.ts accumulates the GEMM into it)
@inline function pre(x: usize, r: usize, bias: usize, j: i32): v128 {
  const v = f32x4.add(ld(x, j), ld(bias, j));
  return r ? f32x4.add(v, ld(r, j)) : v;
}

/**
 * Forward rows [b0, b1) of one step, H a multiple of 4. x, rec: pre-activation parts [B, 4H]
 * (the input projection and h·W_hhᵀ; rec 0: x holds both), bias [4H] (b_ih + b_hh); cp: c_{t−1} rows of stride cps;
 * save: rows of 6H (i, f, g, o, c, tanh c); y: h_t rows of H.
 * Each nonlinearity is a chain of ~20 dependent operations: one loop per gate kind, four vectors an
 * iteration (two in the cell loop), keeps the core's window full of independent chains. One loop
 * doing all five per lane was latency-bound: ~85 cycles per 4 lanes with hot caches, ~60 now.
 */
export function lstmForwardRows(b0: i32, b1: i32, H: i32, x: usize, rec: usize, bias: usize, cp: usize, cps: i32, save: usize, y: usize): void {
  const G = 4 * H, SW = 6 * H;
  for (let b = b0; b < b1; b++) {
    const xr = row(x, b, G), rr = rec ? row(rec, b, G) : 0, sr = row(save, b, SW), cr = row(cp, b, cps), yr = row(y, b, H);
    let j = 0;
    for (; j + 16 <= 2 * H; j += 16) gates4(sr, xr, rr, bias, j, false); // i, f
    for (; j < 2 * H; j += 4) st(sr, j, sigmoidF32x4(pre(xr, rr, bias, j)));
    for (; j + 16 <= 3 * H; j += 16) gates4(sr, xr, rr, bias, j, true); // g
    for (; j < 3 * H; j += 4) st(sr, j, tanhF32x4(pre(xr, rr, bias, j)));
    for (; j + 16 <= G; j += 16) gates4(sr, xr, rr, bias, j, false); // o
    for (; j < G; j += 4) st(sr, j, sigmoidF32x4(pre(xr, rr, bias, j)));
    for (j = 0; j + 8 <= H; j += 8) {
      const c = cell(sr, cr, H, j), c2 = cell(sr, cr, H, j + 4);
      const tc = tanhF32x4(c), tc2 = tanhF32x4(c2);
      out(sr, yr, H, j, c, tc);
      out(sr, yr, H, j + 4, c2, tc2);
    }
    for (; j < H; j += 4) {
      const c = cell(sr, cr, H, j);
      out(sr, yr, H, j, c, tanhF32x4(c));
    }
  }
}

/**
 * Backward rows [b0, b1) of one step: d = dh + gy (gy may be 0; rows gys apart), dc ← dc + d·o·(1 − tanh² c),
 * the four pre-activation gradients into dg [B, 4H], then dc ← dc·f for the step before.
 */
export function lstmBackwardRows(b0: i32, b1: i32, H: i32, save: usize, cp: usize, cps: i32, dh: usize, gy: usize, gys: i32, dc: usize, dg: usize): void {
  const G = 4 * H, SW = 6 * H, one = f32x4.splat(1);
  for (let b = b0; b < b1; b++) {
    const sr = row(save, b, SW), cr = row(cp, b, cps), hr = row(dh, b, H), cdr = row(dc, b, H), gr = row(dg, b, G);
    const yr = gy ? row(gy, b, gys) : 0;
    for (let j = 0; j < H; j += 4) {
      const i = ld(sr, j), f = ld(sr, H + j), g = ld(sr, 2 * H + j), o = ld(sr, 3 * H + j), tc = ld(sr, 5 * H + j);
      const d = gy ? f32x4.add(ld(hr, j), ld(yr, j)) : ld(hr, j);
      const dcv = f32x4.add(ld(cdr, j), f32x4.mul(f32x4.mul(d, o), f32x4.sub(one, f32x4.mul(tc, tc))));
      st(gr, j, f32x4.mul(f32x4.mul(dcv, g), f32x4.mul(i, f32x4.sub(one, i))));
      st(gr, H + j, f32x4.mul(f32x4.mul(dcv, ld(cr, j)), f32x4.mul(f, f32x4.sub(one, f))));
      st(gr, 2 * H + j, f32x4.mul(f32x4.mul(dcv, i), f32x4.sub(one, f32x4.mul(g, g))));
      st(gr, 3 * H + j, f32x4.mul(f32x4.mul(d, tc), f32x4.mul(o, f32x4.sub(one, o))));
      st(cdr, j, f32x4.mul(dcv, f));
    }
  }
}

/**
 * GRU forward rows [b0, b1) of one step, H a multiple of 4: x [B, 3H] the input projection, rec
 * [B, 3H] = h_{t−1}·W_hhᵀ, bias [4H] (b_ir + b_hr, b_iz + b_hz, b_in, b_hn), hp h_{t−1} rows of H;
 * save rows of 4H (r, z, n, W_hn h + b_hn), y h_t rows of H. n = tanh(x_n + b_in + r·(W_hn h + b_hn)).
 */
export function gruForwardRows(b0: i32, b1: i32, H: i32, x: usize, rec: usize, bias: usize, hp: usize, save: usize, y: usize): void {
  const G = 3 * H, SW = 4 * H;
  for (let b = b0; b < b1; b++) {
    const xr = row(x, b, G), rr = row(rec, b, G), sr = row(save, b, SW), hr = row(hp, b, H), yr = row(y, b, H);
    for (let j = 0; j < H; j += 4) {
      const r = sigmoidF32x4(pre(xr, rr, bias, j)), z = sigmoidF32x4(pre(xr, rr, bias, H + j));
      const hn = f32x4.add(ld(rr, 2 * H + j), ld(bias, 3 * H + j));
      const n = tanhF32x4(fma(r, hn, f32x4.add(ld(xr, 2 * H + j), ld(bias, 2 * H + j))));
      st(sr, j, r);
      st(sr, H + j, z);
      st(sr, 2 * H + j, n);
      st(sr, 3 * H + j, hn);
      st(yr, j, fma(z, f32x4.sub(ld(hr, j), n), n));
    }
  }
}

/**
 * GRU backward rows [b0, b1) of one step: d = dh + gy, dn = d·(1 − z)·(1 − n²), dr = dn·hn·r(1 − r),
 * dz = d·(h_{t−1} − n)·z(1 − z) into dgx [B, 3H] (dr, dz, dn) and dgh (dr, dz, dn·r); dh ← d·z, the
 * direct path, to which the caller adds dgh·W_hh.
 */
export function gruBackwardRows(b0: i32, b1: i32, H: i32, save: usize, hp: usize, dh: usize, gy: usize, dgx: usize, dgh: usize): void {
  const G = 3 * H, SW = 4 * H, one = f32x4.splat(1);
  for (let b = b0; b < b1; b++) {
    const sr = row(save, b, SW), pr = row(hp, b, H), hr = row(dh, b, H), xr = row(dgx, b, G), gr = row(dgh, b, G);
    const yr = gy ? row(gy, b, H) : 0;
    for (let j = 0; j < H; j += 4) {
      const r = ld(sr, j), z = ld(sr, H + j), n = ld(sr, 2 * H + j), hn = ld(sr, 3 * H + j);
      const d = gy ? f32x4.add(ld(hr, j), ld(yr, j)) : ld(hr, j);
      const dn = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
      const dr = f32x4.mul(f32x4.mul(dn, hn), f32x4.mul(r, f32x4.sub(one, r)));
      const dz = f32x4.mul(f32x4.mul(d, f32x4.sub(ld(pr, j), n)), f32x4.mul(z, f32x4.sub(one, z)));
      st(xr, j, dr);
      st(xr, H + j, dz);
      st(xr, 2 * H + j, dn);
      st(gr, j, dr);
      st(gr, H + j, dz);
      st(gr, 2 * H + j, f32x4.mul(dn, r));
      st(hr, j, f32x4.mul(d, z));
    }
  }
}

/** Elman forward rows [b0, b1): y = tanh(x + bias) or relu (NaN kept), x [B, H] already holding x·W_ihᵀ + h·W_hhᵀ. */
export function elmanForwardRows(b0: i32, b1: i32, H: i32, relu: bool, x: usize, bias: usize, y: usize): void {
  for (let b = b0; b < b1; b++) {
    const xr = row(x, b, H), yr = row(y, b, H);
    for (let j = 0; j < H; j += 4) {
      const v = f32x4.add(ld(xr, j), ld(bias, j));
      st(yr, j, relu ? f32x4.pmax(v, f32x4.splat(0)) : tanhF32x4(v));
    }
  }
}

/** Elman backward rows [b0, b1): dg = (dh + gy)·(1 − y²) (tanh) or where y > 0 (relu). */
export function elmanBackwardRows(b0: i32, b1: i32, H: i32, relu: bool, y: usize, dh: usize, gy: usize, dg: usize): void {
  const one = f32x4.splat(1);
  for (let b = b0; b < b1; b++) {
    const yr = row(y, b, H), hr = row(dh, b, H), gr = row(dg, b, H), gyr = gy ? row(gy, b, H) : 0;
    for (let j = 0; j < H; j += 4) {
      const d = gy ? f32x4.add(ld(hr, j), ld(gyr, j)) : ld(hr, j), v = ld(yr, j);
      st(gr, j, relu ? v128.and(d, f32x4.gt(v, f32x4.splat(0))) : f32x4.mul(d, f32x4.sub(one, f32x4.mul(v, v))));
    }
  }
}
