// Direct convolution vectorized over output channels (jobs 27 forward, 57 weight gradient; src/
// backend/wasm/conv-direct.ts picks them for stride 1, dilation 1, one group and a multiple of 16
// output channels, where conv-direct.ts's wide rows would waste positions: LeNet's second layer
// computes 14 of every 10 outputs there). Registers hold 16 output channels (4 vectors) × 2
// positions (27) or 2 taps (57); each step loads 4 vectors of channels and broadcasts 2 floats
// for 8 FMAs, and every multiply-add is a real one. One flat loop runs over all taps (27) or all
// positions (57), with byte offsets from a table: short loops over kernel rows cost about as much
// as their FMAs. Each sample is first copied into a zero-padded image [c, oh + kh − 1, wp = ow +
// kw − 1], so tap (ch, a, b) of output (r, j) reads image element ch·plane + (r + a)·wp + j + b.
// Args as conv-sample.ts, plus 23: ReLU after the bias (27), 24-26: the outputs' 2x2 max pool (27;
// conv.ts's poolPlanes); 57's arg 22: the bias gradient's partials (conv.ts's biasRows).
// 27: y = w ⋆ x (+ bias), from wᵀ [c·kh·kw, o] built in the scratch, stored lane by lane;
// 57: gw = Σ gy ⋆ x, from gyᵀ [oh·ow, o] per sample into an accumulator [c·kh·kw, o] per thread,
// written transposed into the chunk's partial [o, c·kh·kw] at the end.

import { biasRows, poolPlanes } from "./conv";
import { arg, at, fma } from "./util";

@inline function part(total: i32, p: i32, parts: i32): i32 {
  return min(total, ((total + parts - 1) / parts) * p);
}

/** Floats per thread of scratch: the padded image, wᵀ or the gradient accumulator [c·kh·kw, o], gyᵀ [oh·ow, o], and the int32 image offsets of the taps and of the positions. */
export function convChannelsScratch(c: i32, kh: i32, kw: i32, o: i32, oh: i32, ow: i32): i32 {
  const image = (c * (oh + kh - 1) * (ow + kw - 1) + 3) & ~3;
  return image + c * kh * kw * (o + 1) + oh * ow * (o + 1);
}

/** Zeros the image, then copies each [h, w] plane of the sample at (pt, pl) of its [hp, wp] plane. */
function pad(img: usize, xs: usize, c: i32, h: i32, w: i32, hp: i32, wp: i32, pt: i32, pl: i32): void {
  const total = c * hp * wp;
  let i = 0;
  for (; i + 4 <= total; i += 4) v128.store(at(img, i), f32x4.splat(0));
  for (; i < total; i++) store<f32>(at(img, i), 0);
  for (let ch = 0; ch < c; ch++)
    for (let r = 0; r < h; r++) {
      const d = at(img, (ch * hp + pt + r) * wp + pl), s = at(xs, (ch * h + r) * w);
      let j = 0;
      for (; j + 4 <= w; j += 4) v128.store(at(d, j), v128.load(at(s, j)));
      for (; j < w; j++) store<f32>(at(d, j), load<f32>(at(s, j)));
    }
}

/** One sample's y [o, oh·ow] from the padded image and wᵀ [c·kh·kw, o]. */
function forward(img: usize, wt: usize, offs: usize, y: usize, bias: usize, relu: bool, T: i32, kw: i32, o: i32, oh: i32, ow: i32): void {
  const wp = ow + kw - 1, L = oh * ow, ob4 = <usize>o << 2;
  for (let r = 0; r < oh; r++)
    for (let j = 0; j < ow; j += 2) {
      // positions (r, j) and (r, j + 1); an odd last one is computed twice, stored once
      const p = r * ow + j, n = min(2, ow - j), f0 = r * wp + j;
      for (let ob = 0; ob < o; ob += 16) {
        let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
        let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
        // one flat loop over every tap (image offsets from the table): no short loops over kernel rows
        let wq = at(wt, ob), op = offs;
        const x0 = at(img, f0), x1 = at(x0, n - 1), end = at(offs, T);
        do {
          const off = <usize>load<i32>(op);
          const w0 = v128.load(wq), w1 = v128.load(wq, 16), w2 = v128.load(wq, 32), w3 = v128.load(wq, 48);
          let s = v128.load32_splat(x0 + off);
          a0 = fma(w0, s, a0); a1 = fma(w1, s, a1); a2 = fma(w2, s, a2); a3 = fma(w3, s, a3);
          s = v128.load32_splat(x1 + off);
          b0 = fma(w0, s, b0); b1 = fma(w1, s, b1); b2 = fma(w2, s, b2); b3 = fma(w3, s, b3);
          wq += ob4;
          op += 4;
        } while (op < end);
        store16(y, L, ob, p, n, a0, a1, a2, a3, b0, b1, b2, b3, bias, relu);
      }
    }
}

/** Stores output channels ob..ob + 16 of positions p (a0..a3) and p + 1 (b0..b3, when n is 2), plus the bias, through the ReLU where asked. */
function store16(y: usize, L: i32, ob: i32, p: i32, n: i32, a0: v128, a1: v128, a2: v128, a3: v128, b0: v128, b1: v128, b2: v128, b3: v128, bias: usize, relu: bool): void {
  put(y, L, ob, p, n, a0, b0, bias, relu);
  put(y, L, ob + 4, p, n, a1, b1, bias, relu);
  put(y, L, ob + 8, p, n, a2, b2, bias, relu);
  put(y, L, ob + 12, p, n, a3, b3, bias, relu);
}

@inline function put(y: usize, L: i32, q: i32, p: i32, n: i32, u: v128, v: v128, bias: usize, relu: bool): void {
  let bv = f32x4.splat(0);
  if (bias) bv = v128.load(at(bias, q));
  u = f32x4.add(u, bv);
  v = f32x4.add(v, bv);
  // x where not (x ≤ 0): NaN stays NaN and −0 becomes +0, as the ReLU kernel (conv.ts, job 25)
  if (relu) {
    u = v128.andnot(u, f32x4.le(u, f32x4.splat(0)));
    v = v128.andnot(v, f32x4.le(v, f32x4.splat(0)));
  }
  const d = at(y, q * L + p), l4 = <usize>L << 2;
  store<f32>(d, f32x4.extract_lane(u, 0)); store<f32>(d + l4, f32x4.extract_lane(u, 1));
  store<f32>(d + 2 * l4, f32x4.extract_lane(u, 2)); store<f32>(d + 3 * l4, f32x4.extract_lane(u, 3));
  if (n < 2) return;
  store<f32>(d, f32x4.extract_lane(v, 0), 4); store<f32>(d + l4, f32x4.extract_lane(v, 1), 4);
  store<f32>(d + 2 * l4, f32x4.extract_lane(v, 2), 4); store<f32>(d + 3 * l4, f32x4.extract_lane(v, 3), 4);
}

/** acc [c·kh·kw, o] += Σ over positions of gyᵀ [oh·ow, o] ⊗ the image at each tap. */
function weight(img: usize, gt: usize, offs: usize, poffs: usize, acc: usize, T: i32, o: i32, L: i32): void {
  const ob4 = <usize>o << 2;
  for (let t = 0; t < T; t += 2) {
    const g0 = <usize>load<i32>(at(offs, t)), g1 = <usize>load<i32>(at(offs, min(t + 1, T - 1)));
    for (let ob = 0; ob < o; ob += 16) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
      // one flat loop over every position (image offsets from the table)
      let gq = at(gt, ob), op = poffs;
      const x0 = img + g0, x1 = img + g1, end = at(poffs, L);
      do {
        const off = <usize>load<i32>(op);
        const y0 = v128.load(gq), y1 = v128.load(gq, 16), y2 = v128.load(gq, 32), y3 = v128.load(gq, 48);
        let s = v128.load32_splat(x0 + off);
        a0 = fma(y0, s, a0); a1 = fma(y1, s, a1); a2 = fma(y2, s, a2); a3 = fma(y3, s, a3);
        s = v128.load32_splat(x1 + off);
        b0 = fma(y0, s, b0); b1 = fma(y1, s, b1); b2 = fma(y2, s, b2); b3 = fma(y3, s, b3);
        gq += ob4;
        op += 4;
      } while (op < end);
      // an odd last tap is computed twice: added once
      const d = at(acc, t * o + ob);
      v128.store(d, f32x4.add(v128.load(d), a0)); v128.store(d, f32x4.add(v128.load(d, 16), a1), 16);
      v128.store(d, f32x4.add(v128.load(d, 32), a2), 32); v128.store(d, f32x4.add(v128.load(d, 48), a3), 48);
      if (t + 1 < T) {
        const e = d + ob4;
        v128.store(e, f32x4.add(v128.load(e), b0)); v128.store(e, f32x4.add(v128.load(e, 16), b1), 16);
        v128.store(e, f32x4.add(v128.load(e, 32), b2), 32); v128.store(e, f32x4.add(v128.load(e, 48), b3), 48);
      }
    }
  }
}

export function convChannelsChunk(fn: i32, p: i32, nch: i32, tid: i32, args: usize): void {
  const n = arg(args, 1), c = arg(args, 2), h = arg(args, 3), w = arg(args, 4);
  const kh = arg(args, 5), kw = arg(args, 6), pt = arg(args, 11), pl = arg(args, 12);
  const oh = arg(args, 13), ow = arg(args, 14), o = arg(args, 15);
  const scratch = <usize>arg(args, 17) + <usize>tid * <usize>arg(args, 18);
  const p19 = <usize>arg(args, 19), p20 = <usize>arg(args, 20), p21 = <usize>arg(args, 21), p22 = <usize>arg(args, 22);
  const wp = ow + kw - 1, hp = oh + kh - 1, hw = h * w, L = oh * ow, T = c * kh * kw, K = kh * kw;
  const img = scratch, mid = at(img, (c * hp * wp + 3) & ~3), gt = at(mid, T * o), offs = at(gt, L * o), poffs = at(offs, T);
  const s0 = part(n, p, nch), s1 = part(n, p + 1, nch);
  if (s0 >= s1 && fn == 27) return;
  // byte offsets in the image of each tap and of each position
  for (let t = 0; t < T; t++) store<i32>(at(offs, t), ((t / K) * hp * wp + ((t % K) / kw) * wp + (t % kw)) << 2);
  for (let l = 0; l < L; l++) store<i32>(at(poffs, l), ((l / ow) * wp + l % ow) << 2);
  if (fn == 27) {
    for (let q = 0; q < o; q++)
      for (let t = 0; t < T; t++) store<f32>(at(mid, t * o + q), load<f32>(at(p20, q * T + t)));
    for (let s = s0; s < s1; s++) {
      pad(img, at(p19, s * c * hw), c, h, w, hp, wp, pt, pl);
      forward(img, mid, offs, at(p22, s * o * L), p21, arg(args, 23) != 0, T, kw, o, oh, ow);
      poolPlanes(args, at(p22, s * o * L), o, oh, ow, s * o);
    }
    return;
  }
  memory.fill(mid, 0, <usize>(T * o) << 2);
  if (s0 >= s1 && p22) memory.fill(at(p22, p * o), 0, <usize>o << 2);
  for (let s = s0; s < s1; s++) {
    pad(img, at(p19, s * c * hw), c, h, w, hp, wp, pt, pl);
    const gs = at(p20, s * o * L);
    biasRows(p22, p, o, gs, L, s == s0);
    for (let q = 0; q < o; q++)
      for (let l = 0; l < L; l++) store<f32>(at(gt, l * o + q), load<f32>(at(gs, q * L + l)));
    weight(img, gt, offs, poffs, mid, T, o, L);
  }
  const gw = at(p21, p * o * T);
  for (let q = 0; q < o; q++)
    for (let t = 0; t < T; t++) store<f32>(at(gw, q * T + t), load<f32>(at(mid, t * o + q)));
}
