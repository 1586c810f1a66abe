// The fused LSTM layer's pointwise work per time step (src/ops/fused/rnn.ts), in f32 SIMD: the gate
// nonlinearities and the cell update forward, the gates' pre-activation gradients backward. The
// GEMMs stay in gemm.ts; a step's rows b are split into chunks across threads.

import { sigmoidF32x4, tanhF32x4 } from "./math";

@inline function ld(p: usize, j: i32): v128 {
  return v128.load(p + (<usize>j << 2));
}
@inline function st(p: usize, j: i32, v: v128): void {
  v128.store(p + (<usize>j << 2), v);
}
@inline function row(p: usize, r: i32, width: i32): usize {
  return p + (<usize>(r * width) << 2);
}

@inline function pre(x: usize, r: usize, bias: usize, j: i32): v128 {
  return f32x4.add(f32x4.add(ld(x, j), ld(r, j)), ld(bias, j));
}

/**
 * Forward rows [b0, b1) of one step, H a multiple of 4. x, rec: pre-activation parts [B, 4H]
 * (the input projection and h·W_hhᵀ), bias [4H] (b_ih + b_hh); cp: c_{t−1} rows of stride cps;
 * save: rows of 6H (i, f, g, o, c, tanh c); y: h_t rows of H.
 */
export function lstmForwardRows(b0: i32, b1: i32, H: i32, x: usize, rec: usize, bias: usize, cp: usize, cps: i32, save: usize, y: usize): void {
  const G = 4 * H, SW = 6 * H;
  for (let b = b0; b < b1; b++) {
    const xr = row(x, b, G), rr = row(rec, b, G), sr = row(save, b, SW), cr = row(cp, b, cps), yr = row(y, b, H);
    for (let j = 0; j < H; j += 4) {
      const i = sigmoidF32x4(pre(xr, rr, bias, j)), f = sigmoidF32x4(pre(xr, rr, bias, H + j));
      const g = tanhF32x4(pre(xr, rr, bias, 2 * H + j)), o = sigmoidF32x4(pre(xr, rr, bias, 3 * H + j));
      const c = f32x4.add(f32x4.mul(f, ld(cr, j)), f32x4.mul(i, g));
      const tc = tanhF32x4(c);
      st(sr, j, i);
      st(sr, H + j, f);
      st(sr, 2 * H + j, g);
      st(sr, 3 * H + j, o);
      st(sr, 4 * H + j, c);
      st(sr, 5 * H + j, tc);
      st(yr, j, f32x4.mul(o, tc));
    }
  }
}

/**
 * Backward rows [b0, b1) of one step: d = dh + gy (gy may be 0), dc ← dc + d·o·(1 − tanh² c),
 * the four pre-activation gradients into dg [B, 4H], then dc ← dc·f for the step before.
 */
export function lstmBackwardRows(b0: i32, b1: i32, H: i32, save: usize, cp: usize, cps: i32, dh: usize, gy: usize, dc: usize, dg: usize): void {
  const G = 4 * H, SW = 6 * H, one = f32x4.splat(1);
  for (let b = b0; b < b1; b++) {
    const sr = row(save, b, SW), cr = row(cp, b, cps), hr = row(dh, b, H), cdr = row(dc, b, H), gr = row(dg, b, G);
    const yr = gy ? row(gy, b, H) : 0;
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
