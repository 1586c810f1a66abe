// Direct convolution for stride 1 and dilation 1 (jobs 20, 21, 22; src/backend/wasm/conv-direct.ts
// picks them over conv-sample.ts's im2col + GEMM): no columns at all. Each sample's input is copied
// once into a zero-padded image whose rows are Wp = ow + kw − 1 wide, so tap (a, b) of every output
// is the same flat shift a·Wp + b and a convolution plane is a 1-D correlation over the flat image:
// y[p] = Σ w[a, b] · xp[p + a·Wp + b] for p = r·Wp + j, where j ≥ ow are discarded "wide" columns.
// Registers hold 2 output channels × 16 positions, so each tap costs 4 input loads and 2 weight
// broadcasts for 8 FMAs, whatever the channel count (LeNet's first layer has K = 25: a poor GEMM).
// 20: y = w ⋆ x (+ bias); 21: dx, the same correlation over the output gradient laid out wide with a
// zero margin, taps reversed; 22: the weight gradient, dot products of the wide output gradient's
// rows (wide columns zero) with shifted input rows (conv-weight.ts's 4x2 blocks). Args as conv-sample.ts
// (23: 20's ReLU after the bias; 24-26: its outputs' 2x2 max pool, conv.ts's poolPlanes; 22: 22's bias
// gradient partials, conv.ts's biasRows).

import { biasRows, poolPlanes } from "./conv";
import { block } from "./conv-weight";
import { arg, fma } from "./util";

@inline function part(total: i32, p: i32, parts: i32): i32 {
  return min(total, ((total + parts - 1) / parts) * p);
}

@inline function at(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// Zeros and copies of a few floats: SIMD stores (memory.fill and memory.copy are calls on shared
// memory, and these run hundreds of times a sample: they cost 10% of a LeNet step).
function zero(d: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(d, i), f32x4.splat(0));
  for (; i < n; i++) store<f32>(at(d, i), 0);
}

function copy(d: usize, s: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(d, i), v128.load(at(s, i)));
  for (; i < n; i++) store<f32>(at(d, i), load<f32>(at(s, i)));
}

/** Zeros `total` floats at d, then copies a [rows, cols] plane at s (row stride ss) into rows `dw` wide from d + row0·dw + col. */
function widen(d: usize, dw: i32, total: i32, s: usize, ss: i32, rows: i32, row0: i32, col: i32, cols: i32): void {
  zero(d, total);
  for (let r = 0; r < rows; r++) copy(at(d, (row0 + r) * dw + col), at(s, r * ss), cols);
}

/**
 * out0/out1[p] = Σ_ch Σ_a Σ_b w0/w1[ch·wch + a·kw + b] · src[ch·plane + p + a·wp + b] for p in
 * [0, npos) rounded up to 16 (the caller's buffers have room): two targets, 16 positions in
 * registers. Per channel the taps run as one flat loop, their byte offsets a·wp + b from `offs`
 * (loops over kernel rows of kw taps cost about as much as their FMAs), and kernel rows that read
 * only zero rows are skipped: row a at position p reads data row base + ⌊p/wp⌋ + a, and only rows
 * [lo, hi) hold data (a third of the input gradient's taps).
 */
function correlate(src: usize, plane: i32, offs: usize, nch: i32, kh: i32, kw: i32, wp: i32, w0: usize, w1: usize, wch: i32, out0: usize, out1: usize, npos: i32, base: i32, lo: i32, hi: i32): void {
  for (let p = 0; p < npos; p += 16) {
    const aLo = max(0, lo - base - (p + 15) / wp), aHi = min(kh, hi - base - p / wp);
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
    if (aLo < aHi)
      for (let ch = 0; ch < nch; ch++) {
        const xb = at(src, ch * plane + p), end = at(offs, aHi * kw);
        let op = at(offs, aLo * kw), r0 = at(w0, ch * wch + aLo * kw), r1 = at(w1, ch * wch + aLo * kw);
        do {
          const s = xb + <usize>load<i32>(op);
          const x0 = v128.load(s), x1 = v128.load(s, 16), x2 = v128.load(s, 32), x3 = v128.load(s, 48);
          const v = v128.load32_splat(r0), q = v128.load32_splat(r1);
          a0 = fma(x0, v, a0); a1 = fma(x1, v, a1); a2 = fma(x2, v, a2); a3 = fma(x3, v, a3);
          b0 = fma(x0, q, b0); b1 = fma(x1, q, b1); b2 = fma(x2, q, b2); b3 = fma(x3, q, b3);
          op += 4; r0 += 4; r1 += 4;
        } while (op < end);
      }
    const d0 = at(out0, p), d1 = at(out1, p);
    v128.store(d0, a0); v128.store(d0, a1, 16); v128.store(d0, a2, 32); v128.store(d0, a3, 48);
    v128.store(d1, b0); v128.store(d1, b1, 16); v128.store(d1, b2, 32); v128.store(d1, b3, 48);
  }
}

/** The byte offsets a·wp + b of the taps (a, b) of a [kh, kw] kernel over rows wp wide. */
function tapOffsets(offs: usize, kh: i32, kw: i32, wp: i32): void {
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++) store<i32>(at(offs, a * kw + b), (a * wp + b) << 2);
}

/** Columns [col, col + cols) of `rows` wide rows (stride ws) into a dense [rows, cols] plane, plus b, through a ReLU (as job 25) where asked. */
function narrow(d: usize, s: usize, ws: i32, rows: i32, col: i32, cols: i32, bias: f32, relu: bool): void {
  const bv = f32x4.splat(bias), zero = f32x4.splat(0);
  for (let r = 0; r < rows; r++) {
    const sr = at(s, r * ws + col), dr = at(d, r * cols);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const v = f32x4.add(v128.load(at(sr, j)), bv);
      v128.store(at(dr, j), relu ? v128.andnot(v, f32x4.le(v, zero)) : v);
    }
    for (; j < cols; j++) {
      const v = load<f32>(at(sr, j)) + bias;
      store<f32>(at(dr, j), relu && v <= 0 ? 0 : v);
    }
  }
}

/** Floats per thread of scratch: the wide input image (or margined output gradient), the wide outputs, and correlate's tap offsets. */
export function convDirectScratch(fn: i32, c: i32, h: i32, kh: i32, kw: i32, pt: i32, o: i32, oh: i32, ow: i32): i32 {
  const wp = ow + kw - 1, hp = oh + kh - 1;
  const image = c * hp * wp + kw + 16, wide = (oh * wp + 15) & ~15;
  // then correlate's tap offsets
  if (fn == 20) return image + o * wide + kh * kw;
  if (fn == 22) return image + o * wide;
  const margin = (kh - 1) * wp + kw - 1, rows = max(oh, pt + h);
  return o * (margin + rows * wp + 16) + c * ((h * wp + 15) & ~15) + c * o * kh * kw + kh * kw;
}

export function convDirectChunk(fn: i32, p: i32, nch: i32, tid: i32, args: usize): void {
  const n = arg(args, 1), c = arg(args, 2), h = arg(args, 3), w = arg(args, 4);
  const kh = arg(args, 5), kw = arg(args, 6), pt = arg(args, 11), pl = arg(args, 12);
  const oh = arg(args, 13), ow = arg(args, 14), o = arg(args, 15), groups = arg(args, 16);
  const scratch = <usize>arg(args, 17) + <usize>tid * <usize>arg(args, 18);
  const p19 = <usize>arg(args, 19), p20 = <usize>arg(args, 20), p21 = <usize>arg(args, 21), p22 = <usize>arg(args, 22);
  const og = o / groups, cg = c / groups, K = kh * kw;
  const wp = ow + kw - 1, hp = oh + kh - 1, hw = h * w, L = oh * ow;
  const plane = hp * wp, wide = (oh * wp + 15) & ~15;
  const s0 = part(n, p, nch), s1 = part(n, p + 1, nch);
  if (fn == 22 && s0 >= s1) memory.fill(at(p21, p * o * cg * K), 0, <usize>(o * cg * K) << 2);
  if (fn == 22 && s0 >= s1 && p22) memory.fill(at(p22, p * o), 0, <usize>o << 2);
  for (let s = s0; s < s1; s++) {
    if (fn == 21) {
      // the output gradient wide after a zero margin of one kernel; dxp[q] = Σ w[a, b] · gy[q − a·wp − b]
      // is the forward's correlation with the flipped kernel (wf, at the end of the scratch)
      const margin = (kh - 1) * wp + kw - 1, rows = max(oh, pt + h), gl = margin + rows * wp + 16;
      const gys = at(p19, s * o * L), out = at(scratch, o * gl), dwide = (h * wp + 15) & ~15;
      const wf = at(out, c * dwide), offs = at(wf, c * o * K);
      if (s == s0) {
        for (let q = 0; q < o; q++)
          for (let t = 0; t < cg; t++)
            for (let k = 0; k < K; k++)
              store<f32>(at(wf, ((q / og * cg + t) * og + q % og) * K + K - 1 - k), load<f32>(at(p20, (q * cg + t) * K + k)));
        tapOffsets(offs, kh, kw, wp);
      }
      for (let q = 0; q < o; q++) widen(at(scratch, q * gl + margin), wp, gl - margin, at(gys, q * L), ow, oh, 0, 0, ow);
      for (let q = 0; q < o; q++) zero(at(scratch, q * gl), margin);
      for (let g = 0; g < groups; g++)
        for (let t = g * cg; t < (g + 1) * cg; t += 2) {
          const t1 = min(t + 1, (g + 1) * cg - 1);
          correlate(at(scratch, g * og * gl + pt * wp), gl, offs, og, kh, kw, wp, at(wf, t * og * K), at(wf, t1 * og * K), K,
            at(out, t * dwide), at(out, t1 * dwide), h * wp, pt - kh + 1, 0, oh);
        }
      const dxs = at(p21, s * c * hw);
      for (let ch = 0; ch < c; ch++) narrow(at(dxs, ch * hw), at(out, ch * dwide), wp, h, pl, w, 0, false);
      continue;
    }
    // the input sample zero-padded into wide rows (the slack after the last plane is read, never used)
    const xs = at(p19, s * c * hw), img = scratch, out = at(scratch, c * plane + kw + 16);
    zero(at(img, c * plane), kw + 16);
    for (let ch = 0; ch < c; ch++) widen(at(img, ch * plane), wp, plane, at(xs, ch * hw), w, h, pt, pl, w);
    if (fn == 20) {
      const offs = at(out, o * wide);
      if (s == s0) tapOffsets(offs, kh, kw, wp);
      for (let g = 0; g < groups; g++)
        for (let t = g * og; t < (g + 1) * og; t += 2) {
          const t1 = min(t + 1, (g + 1) * og - 1);
          correlate(at(img, g * cg * plane), plane, offs, cg, kh, kw, wp, at(p20, t * cg * K), at(p20, t1 * cg * K), K,
            at(out, t * wide), at(out, t1 * wide), oh * wp, 0, pt, pt + h);
        }
      const ys = at(p22, s * o * L);
      const relu = arg(args, 23) != 0;
      for (let q = 0; q < o; q++) narrow(at(ys, q * L), at(out, q * wide), wp, oh, 0, ow, p21 ? load<f32>(at(p21, q)) : 0, relu);
      poolPlanes(args, ys, o, oh, ow, s * o);
    } else {
      // the output gradient wide (columns ow.. zero), then dots with the shifted input rows
      const gys = at(p20, s * o * L), l = oh * wp;
      biasRows(p22, p, o, gys, L, s == s0);
      for (let q = 0; q < o; q++) widen(at(out, q * wide), wp, oh * wp, at(gys, q * L), ow, oh, 0, 0, ow);
      const gw = at(p21, p * o * cg * K), kb = (K + 3) >> 2;
      for (let g = 0; g < groups; g++)
        for (let q = 0; q < og; q += 2) {
          const kq = min(2, og - q), o0 = g * og + q;
          const q0 = at(out, o0 * wide), q1 = kq > 1 ? at(q0, wide) : q0;
          for (let ch = 0; ch < cg; ch++) {
            const xc = at(img, (g * cg + ch) * plane);
            for (let b = 0; b < kb; b++) {
              const k0 = b * 4, kp = min(4, K - k0);
              const x0 = at(xc, tapOff(k0, kw, wp));
              const x1 = kp > 1 ? at(xc, tapOff(k0 + 1, kw, wp)) : x0, x2 = kp > 2 ? at(xc, tapOff(k0 + 2, kw, wp)) : x0, x3 = kp > 3 ? at(xc, tapOff(k0 + 3, kw, wp)) : x0;
              block(l, x0, x1, x2, x3, q0, q1, at(gw, (o0 * cg + ch) * K + k0), <usize>(cg * K) << 2, kp, kq, s == s0);
            }
          }
        }
    }
  }
}

@inline function tapOff(k: i32, kw: i32, wp: i32): i32 {
  return (k / kw) * wp + (k % kw);
}
