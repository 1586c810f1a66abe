// The direct convolution jobs (wasm/conv-direct.ts: 20 forward, 21 input gradient, 22 weight
// gradient; wasm/conv-channels.ts: 27 forward, 57 weight gradient for a multiple of 8 output
// channels) for stride 1 and dilation 1, where they replace conv-jobs.ts's per-sample im2col + GEMM
// (28, 29, 50): no columns, and 2 output channels × 16 positions (or 8 channels × 4 positions or
// taps) per step in registers.

import type { Geometry } from "../../ops/fused/conv-host.js";
import type { Operand } from "./conv-jobs.js";
import type { WasmBackend } from "./wasm-backend.js";

const DIRECT = { 28: 20, 29: 21, 50: 22 } as const;

/**
 * Which jobs may take the direct path, and the channel-vectorized one (tests and benchmarks switch
 * them off to compare), and how many direct and channel-vectorized jobs ran (tests check that they did).
 */
export const convDirect = { forward: true, input: true, weight: true, channels: true, runs: 0, channelRuns: 0 };

/** Whether the geometry is one the direct kernels cover: stride 1, dilation 1, no padding cut off by the output size. */
export const directFits = (g: Geometry): boolean =>
  g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 && g.oh + g.kh - 1 >= g.pt + g.h && g.ow + g.kw - 1 >= g.pl + g.w;

/**
 * Whether the direct job is the faster one for these channel counts per group (og outputs, cg
 * inputs), as measured per job on 5x5 and 3x3 layers of 1-64 channels (docs/convolutions.md): it
 * wins while the GEMM is a poor shape (few rows of the weight, or a short depth), and loses to the
 * GEMM's 4x8 tiles from 32 to 64 channels.
 */
function directWins(fn: 28 | 29 | 50, og: number, cg: number): boolean {
  if (fn === 28) return og <= 32;
  if (fn === 29) return og <= 16;
  return og * cg <= 256;
}

/**
 * Whether the channel-vectorized job (27 or 57) runs instead of 20 or 22: one group and a multiple
 * of 16 outputs, where 20's wide rows waste positions (ow + kw − 1 computed per ow kept: 1.4x in
 * LeNet's second layer, where 27 and 57 measured 1.2-1.7x faster; docs/convolutions.md).
 */
const channelsWin = (fn: 28 | 29 | 50, g: Geometry, o: number, groups: number): boolean =>
  convDirect.channels && fn !== 29 && groups === 1 && o % 16 === 0 && g.oh * g.ow > 0 && 8 * (g.kw - 1) >= g.ow;

/**
 * The forward's outputs' 2x2 stride-2 max pool, made by the direct forward jobs while each plane is
 * in cache (values through a ReLU where `relu` is set, and int32 indices, [N, O, oh/2, ow/2]);
 * `done` says whether a job did (the im2col job does not).
 */
export interface PoolOut { values: Operand; indices: Operand; relu: boolean; done?: boolean }

/**
 * Runs the direct job for conv-jobs.ts's job `fn` on the same operands (and returns the chunk
 * count, partial weight gradients included), or returns null where it does not apply. relu: the
 * forward's outputs go through a ReLU after the bias; pool: their max pool, also made.
 */
export function convDirectJob(be: WasmBackend, fn: 28 | 29 | 50, g: Geometry, o: number, groups: number, operands: readonly (Operand | null)[], relu = false, pool: PoolOut | null = null): number | null {
  const on = fn === 28 ? convDirect.forward : fn === 29 ? convDirect.input : convDirect.weight;
  if (!on || !directFits(g) || !directWins(fn, o / groups, g.c / groups)) return null;
  convDirect.runs++;
  const channels = channelsWin(fn, g, o, groups);
  if (channels) convDirect.channelRuns++;
  const id = channels ? (fn === 28 ? 27 : 57) : DIRECT[fn], threads = be.getNumThreads();
  const per = 4 * (channels ? be.kernels.convChannelsScratch(g.c, g.kh, g.kw, o, g.oh, g.ow) : be.kernels.convDirectScratch(id, g.c, g.h, g.kh, g.kw, g.pt, o, g.oh, g.ow));
  const scratch = be.empty((threads * per) / 4, "float32");
  const parts = fn === 50 ? Math.min(g.n, threads) : Math.max(1, Math.min(g.n, threads > 1 ? threads * 4 : 1));
  const at = (t: Operand | null | undefined): number => (t ? be.ptr(t.storage) + 4 * t.offset : 0);
  const geo = [g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow];
  try {
    const pooled = fn === 28 && pool && g.oh % 2 === 0 && g.ow % 2 === 0 ? pool : null;
    be.job([id, ...geo, o, groups, be.ptr(scratch), per, ...[0, 1, 2, 3].map((i) => at(operands[i])), relu ? 1 : 0, at(pooled?.values), at(pooled?.indices), pooled?.relu ? 1 : 0], parts);
    if (pooled) pooled.done = true;
  } finally {
    be.free(scratch);
  }
  return parts;
}
