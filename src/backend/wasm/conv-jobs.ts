// Argument packing for the CNN kernels over float32 storages: max pooling and ReLU (wasm/conv.ts,
// jobs 23-26) and the per-sample convolution (wasm/conv-sample.ts, jobs 28, 29, 50). The fused ops
// in src/ops/fused/ (conv.ts, pool.ts, relu.ts) call these.

import type { Storage } from "../backend.js";
import type { Geometry } from "../../ops/fused/conv-host.js";
import type { WasmBackend } from "./wasm-backend.js";
import { convDirectJob, type PoolOut } from "./conv-direct.js";

const chunks = (be: WasmBackend, planes: number): number => Math.max(1, Math.min(planes, be.getNumThreads() > 1 ? be.getNumThreads() * 4 : 1));
const geo = (g: Geometry, n: number): number[] => [n, g.c, g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, g.oh, g.ow];

/** Max pooling of `planes` [h, w] planes of x into values (through a ReLU where `relu` is set) and int32 indices [planes, oh, ow]; p: the pooling geometry. */
export function maxPoolJob(be: WasmBackend, p: readonly number[], planes: number, x: Storage, xOff: number, values: Storage, indices: Storage, relu = false): void {
  be.job([23, planes, ...p, be.ptr(x) + 4 * xOff, be.ptr(values), be.ptr(indices), relu ? 1 : 0], chunks(be, planes));
}

/** dx [planes, hw] = g [planes, l] scattered to the int32 indices (both contiguous from the given element offsets); w, ow: the input's and g's widths. */
export function maxPoolBackJob(be: WasmBackend, planes: number, hw: number, l: number, g: Storage, gOff: number, indices: Storage, iOff: number, dx: Storage, w: number, ow: number): void {
  be.job([24, planes, hw, l, be.ptr(g) + 4 * gOff, be.ptr(indices) + 4 * iOff, be.ptr(dx), w, ow], chunks(be, planes));
}

/** ReLU (25: out = max(a, 0)) or its backward (26: out = a where b > 0 or NaN) over n contiguous float32 elements. */
export function reluJob(be: WasmBackend, fn: 25 | 26, n: number, a: Storage, aOff: number, b: Storage, bOff: number, out: Storage): void {
  const parts = n >= 32768 ? chunks(be, Math.ceil(n / 16384)) : 1;
  be.job([fn, n, be.ptr(a) + 4 * aOff, be.ptr(b) + 4 * bOff, be.ptr(out)], parts);
}

/** A contiguous float32 tensor's storage and first element. */
export type Operand = { storage: Storage; offset: number };

/**
 * The per-sample convolution jobs of wasm/conv-sample.ts over contiguous float32 tensors: 28 y =
 * w ⋆ x (+ bias), through a ReLU where `relu` is set (and y's max pool where `pool` asks and a
 * direct job runs: conv-direct.ts), operands x, w, bias, y; 29 dx = the input gradient of gy: gy, w, dx; 50 the weight
 * gradient: x, gy, then one partial [o, K/groups] per chunk (the count is returned: the caller sums
 * them). Each thread gets its own scratch for one sample's columns, freed when the job returns.
 */
export function convSampleJob(be: WasmBackend, fn: 28 | 29 | 50, g: Geometry, o: number, groups: number, operands: readonly (Operand | null)[], relu = false, pool: PoolOut | null = null): number {
  const direct = convDirectJob(be, fn, g, o, groups, operands, relu, pool);
  if (direct !== null) return direct;
  const threads = be.getNumThreads();
  const per = be.kernels.convSampleScratch(g.c * g.kh * g.kw * g.oh * g.ow);
  const scratch = be.empty(threads * per / 4, "float32");
  const parts = fn === 50 ? Math.min(g.n, threads) : chunks(be, g.n);
  const at = (t: Operand | null | undefined): number => (t ? be.ptr(t.storage) + 4 * t.offset : 0);
  try {
    be.job([fn, ...geo(g, g.n), o, groups, be.ptr(scratch), per, ...[0, 1, 2, 3].map((i) => at(operands[i])), relu ? 1 : 0], parts);
  } finally {
    be.free(scratch);
  }
  return parts;
}
