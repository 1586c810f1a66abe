// The wasm backend's index ops: gather (and so indexSelect, an expanded-index gather) of 4-byte
// elements, scatterAdd into float32 and int32, and `where` for every dtype, as engine jobs 11-14 (wasm/engine.ts).
// Layouts they do not cover, and out-of-bounds indices (whose error the reference reports), take
// the exact host path.

import type { DType } from "../../dtype.js";
import type { Storage, View } from "../backend.js";
import { contiguousStrides, numel } from "../../shape.js";
import { collapse } from "../strided.js";
import type { WasmCtx } from "./context.js";
import { flatStep } from "./maps.js";
import { ELEM_BYTES } from "./memory.js";
import { ARGS_BYTE } from "./worker-loop.js";

/** How often each kernel produced a result (tests check that the kernels, not the host path, ran). */
export const indexKernelRuns = { gather: 0, scatterAdd: 0, scatterAddI32: 0, where: 0 };

/**
 * The dims before and after `dim` of `shape`, each merged into one run for every operand's strides:
 * [outer, inner, outer strides, inner strides], or null when a side does not merge into one dim.
 */
function sides(shape: readonly number[], dim: number, strides: readonly (readonly number[])[]): [number, number, number[], number[]] | null {
  const before = collapse(shape.slice(0, dim), strides.map((s) => s.slice(0, dim)));
  const after = collapse(shape.slice(dim + 1), strides.map((s) => s.slice(dim + 1)));
  if (before.shape.length > 1 || after.shape.length > 1) return null;
  const one = (c: typeof before): [number, number[]] => (c.shape.length ? [c.shape[0]!, c.strides.map((s) => s[0]!)] : [1, strides.map(() => 0)]);
  const [outer, os] = one(before);
  const [inner, is] = one(after);
  return [outer, inner, os, is];
}

/** torch.gather for float32 and int32 (bit copies); null: the caller takes the host path. */
export function gather(c: WasmCtx, x: View, dim: number, index: View): Storage | null {
  const dt = x.storage.dtype;
  if ((dt !== "float32" && dt !== "int32") || index.storage.dtype !== "int32") return null;
  const n = numel(index.shape);
  const s = sides(index.shape, dim, [x.strides, index.strides]);
  if (!s || n === 0) return null;
  const [outer, inner, os, is] = s;
  const out = c.alloc(dt, n);
  const k = index.shape[dim]!;
  c.args([11, outer, k, inner, c.ws(x.storage).ptr + x.offset * 4, os[0]!, x.strides[dim]!, is[0]!,
    c.ws(index.storage).ptr + index.offset * 4, os[1]!, index.strides[dim]!, is[1]!, x.shape[dim]!, out.ptr, 0]);
  c.run(n, Math.min(c.pool.threads, outer * k));
  if (c.heap.i32[ARGS_BYTE / 4 + 14] !== 0) {
    c.heap.free(out);
    return null; // an index out of bounds: the host path reports it
  }
  indexKernelRuns.gather++;
  return out;
}

/**
 * A new tensor of `shape`, zero but for src scattered and summed along dim (float32 or int32); null:
 * host path. float32 sums in an f64 scratch (job 12); int32 sums straight into the zeroed output,
 * wrapping as the reference's store does (job 14).
 */
export function scatterAdd(c: WasmCtx, shape: readonly number[], dim: number, index: View, src: View): Storage | null {
  const dtype = src.storage.dtype;
  if ((dtype !== "float32" && dtype !== "int32") || index.storage.dtype !== "int32") return null;
  const int32 = dtype === "int32";
  const n = numel(shape);
  const outStrides = contiguousStrides(shape);
  const s = sides(index.shape, dim, [index.strides, src.strides, outStrides]);
  if (!s || n === 0) return null;
  const [outer, inner, os, is] = s;
  const out = c.alloc(dtype, n);
  const acc = int32 ? 0 : c.heap.allocBytes(n * 8);
  try {
    if (int32) c.heap.i32.fill(0, out.ptr / 4, out.ptr / 4 + n);
    else c.heap.f64.fill(0, acc / 8, acc / 8 + n);
    c.args([int32 ? 14 : 12, outer, index.shape[dim]!, inner, c.ws(index.storage).ptr + index.offset * 4, os[0]!, index.strides[dim]!, is[0]!,
      c.ws(src.storage).ptr + src.offset * 4, os[1]!, src.strides[dim]!, is[1]!, shape[dim]!, acc, out.ptr, n,
      os[2]!, outStrides[dim]!, is[2]!, 0, 0]);
    if (numel(index.shape) > 0) c.pool.dispatch(1, 1);
    else if (!int32) c.heap.f32.fill(0, out.ptr / 4, out.ptr / 4 + n);
  } finally {
    if (!int32) c.heap.freeBytes(acc, n * 8);
  }
  if (c.heap.i32[ARGS_BYTE / 4 + 20] !== 0) {
    c.heap.free(out);
    return null;
  }
  indexKernelRuns[int32 ? "scatterAddI32" : "scatterAdd"]++;
  return out;
}

/** cond ? a : b for every dtype when each operand is contiguous or one broadcast value; null otherwise. */
export function where(c: WasmCtx, cond: View, a: View, b: View, dtype: DType): Storage | null {
  if (cond.storage.dtype !== "bool" || a.storage.dtype !== dtype || b.storage.dtype !== dtype) return null;
  const sc = flatStep(cond.shape, cond.strides), sa = flatStep(a.shape, a.strides), sb = flatStep(b.shape, b.strides);
  if (sc < 0 || sa < 0 || sb < 0) return null;
  const eb = ELEM_BYTES[dtype];
  const n = numel(a.shape);
  const out = c.alloc(dtype, n);
  if (n === 0) return out;
  indexKernelRuns.where++;
  c.args([13, n, eb, c.ws(cond.storage).ptr + cond.offset, sc, c.ws(a.storage).ptr + a.offset * eb, sa, c.ws(b.storage).ptr + b.offset * eb, sb, out.ptr]);
  c.run(n);
  return out;
}
