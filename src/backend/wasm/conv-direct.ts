// The direct convolution jobs (wasm/conv-direct.ts: 20 forward, 21 input gradient, 22 weight
// gradient) for stride 1 and dilation 1, where they replace conv-jobs.ts's per-sample im2col + GEMM
// (28, 29, 50): no columns, and 2 output channels × 16 positions per tap in registers.

import type { Geometry } from "../../ops/fused/conv-host.js";
import type { Operand } from "./conv-jobs.js";
import type { WasmBackend } from "./wasm-backend.js";

const DIRECT = { 28: 20, 29: 21, 50: 22 } as const;

/**
 * Which jobs may take the direct path (tests and benchmarks switch it off to compare with im2col +
 * GEMM), and how many direct jobs ran (tests check that they did).
 */
export const convDirect = { forward: true, input: true, weight: true, runs: 0 };

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
 * Runs the direct job for conv-jobs.ts's job `fn` on the same operands (and returns the chunk
 * count, partial weight gradients included), or returns null where it does not apply.
 */
export function convDirectJob(be: WasmBackend, fn: 28 | 29 | 50, g: Geometry, o: number, groups: number, operands: readonly (Operand | null)[]): number | null {
  const on = fn === 28 ? convDirect.forward : fn === 29 ? convDirect.input : convDirect.weight;
  if (!on || !directFits(g) || !directWins(fn, o / groups, g.c / groups)) return null;
  convDirect.runs++;
  const id = DIRECT[fn], threads = be.getNumThreads();
  const per = 4 * be.kernels.convDirectScratch(id, g.c, g.h, g.kh, g.kw, g.pt, o, g.oh, g.ow);
  const scratch = be.empty((threads * per) / 4, "float32");
  const parts = fn === 50 ? Math.min(g.n, threads) : Math.max(1, Math.min(g.n, threads > 1 ? threads * 4 : 1));
  const at = (t: Operand | null | undefined): number => (t ? be.ptr(t.storage) + 4 * t.offset : 0);
  const geo = [g.n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow];
  try {
    be.job([id, ...geo, o, groups, be.ptr(scratch), per, ...[0, 1, 2, 3].map((i) => at(operands[i]))], parts);
  } finally {
    be.free(scratch);
  }
  return parts;
}
