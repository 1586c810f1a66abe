// The convolution one sample at a time (jobs 28, 29 and 50; src/ops/fused/conv.ts drives them
// through src/backend/wasm/conv-jobs.ts): each sample's columns [C·kh·kw, oh·ow] go to the
// thread's scratch and are used there while they are in cache, by the GEMM (forward, 28), from
// the GEMM (input gradient, 29: col2im) or by the dot products of conv-weight.ts (weight gradient,
// 50). A batch's columns (5 MB for LeNet's first layer) are never written to memory.

import { sgemm, gemmScratchBytes } from "./gemm";
import { addToRow, biasRows, convPlane } from "./conv";
import { weightSample } from "./conv-weight";
import { arg } from "./util";

@inline function part(total: i32, p: i32, parts: i32): i32 {
  return min(total, ((total + parts - 1) / parts) * p);
}

// Common args: 1 n, 2 c, 3 h, 4 w, 5 kh, 6 kw, 7 sh, 8 sw, 9 dh, 10 dw, 11 pt, 12 pl, 13 oh, 14 ow
// (the geometry of conv-host.ts), then 15 o (output channels), 16 groups, 17 scratch, 18 scratch bytes per thread
// (columns c·kh·kw·oh·ow floats, then the GEMM's packing scratch), then per job:
// 28: 19 x, 20 w [o, c/groups·kh·kw], 21 bias (0: none), 22 y, 23 ReLU (1) or not (0) — y = w ⋆ x + bias;
// 29: 19 gy, 20 w, 21 dx — dx = the adjoint in x of the convolution, applied to gy;
// 50: 19 x, 20 gy, 21 partial gw [chunks, o, c/groups·kh·kw] — chunk p's samples' weight gradient at p;
// 22 (0: none) the bias gradient's partials [chunks, o] (conv.ts's biasRows).
// Chunk p covers samples [part(p), part(p + 1)).
export function convSampleChunk(fn: i32, p: i32, nch: i32, tid: i32, args: usize): void {
  const n = arg(args, 1), c = arg(args, 2), h = arg(args, 3), w = arg(args, 4);
  const kk = arg(args, 5) * arg(args, 6), L = arg(args, 13) * arg(args, 14);
  const o = arg(args, 15), groups = arg(args, 16);
  const cols = <usize>arg(args, 17) + <usize>tid * <usize>arg(args, 18);
  const packs = cols + ((<usize>(c * kk * L) << 2) + 15 & ~15);
  const og = o / groups, kg = (c / groups) * kk;
  const s0 = part(n, p, nch), s1 = part(n, p + 1, nch);
  const hw = h * w, lb = <usize>L << 2;
  const p19 = <usize>arg(args, 19), p20 = <usize>arg(args, 20), p21 = <usize>arg(args, 21);
  const p22 = <usize>arg(args, 22);
  if (fn == 50 && s0 >= s1) memory.fill(p21 + (<usize>(p * o * kg) << 2), 0, <usize>(o * kg) << 2);
  if (fn == 50 && s0 >= s1 && p22) memory.fill(p22 + (<usize>(p * o) << 2), 0, <usize>o << 2);
  for (let s = s0; s < s1; s++) {
    const xs = p19 + (<usize>(s * c * hw) << 2);
    if (fn == 29) {
      // columns = wᵀ gy per group, then added back into the zeroed image planes
      for (let g = 0; g < groups; g++)
        sgemm(kg, L, og, p20 + (<usize>(g * og * kg) << 2), 1, kg, p19 + <usize>(s * o + g * og) * lb, L, 1, cols + <usize>(g * kg) * lb, L, 0, kg, 0, L, packs);
      const dxs = p21 + (<usize>(s * c * hw) << 2);
      memory.fill(dxs, 0, <usize>(c * hw) << 2);
      for (let ch = 0; ch < c; ch++) convPlane(21, args, dxs + (<usize>(ch * hw) << 2), ch, cols, L);
      continue;
    }
    for (let ch = 0; ch < c; ch++) convPlane(20, args, xs + (<usize>(ch * hw) << 2), ch, cols, L);
    if (fn == 28) {
      const ys = <usize>arg(args, 22) + <usize>(s * o) * lb;
      for (let g = 0; g < groups; g++)
        sgemm(og, L, kg, p20 + (<usize>(g * og * kg) << 2), kg, 1, cols + <usize>(g * kg) * lb, L, 1, ys + <usize>(g * og) * lb, L, 0, og, 0, L, packs);
      const relu = arg(args, 23) != 0;
      if (p21 || relu) for (let q = 0; q < o; q++) addToRow(ys + <usize>q * lb, L, p21 ? load<f32>(p21 + (<usize>q << 2)) : 0, relu);
    } else {
      const gs = p20 + <usize>(s * o) * lb;
      biasRows(p22, p, o, gs, L, s == s0);
      weightSample(gs, cols, groups, og, kg, L, p21 + (<usize>(p * o * kg) << 2), 0, groups * ((kg + 3) >> 2), s == s0);
    }
  }
}

/** Scratch bytes per thread for these jobs: one sample's columns (floats) plus the GEMM's packing. */
export function convSampleScratch(columns: i32): i32 {
  return ((columns * 4 + 15) & ~15) + gemmScratchBytes();
}
