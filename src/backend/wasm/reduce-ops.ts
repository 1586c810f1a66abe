// The wasm backend's reductions (sum, prod, max, min over any dims; argmax, argmin): float32 runs
// the reduction kernels (wasm/reduce.ts), one job per dim when dims do not merge; other dtypes
// take the exact host path. Called by WasmBackend.

import type { ArgReduceOp, ReduceOp } from "../../ops/primitives.js";
import type { Storage, View } from "../backend.js";
import { contiguousStrides, numel } from "../../shape.js";
import { collapse, offsets } from "../strided.js";
import type { WasmCtx } from "./context.js";
import type { WasmStorage } from "./memory.js";
import { flatStep } from "./maps.js";

const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3 };

export function reduce(c: WasmCtx, op: ReduceOp, x: View, dims: readonly number[]): Storage {
  const outShape = x.shape.map((s, d) => (dims.includes(d) ? 1 : s));
  // As in cpu.ts (and torch, which uses int64): summing or multiplying bools counts in integers.
  const dt = x.storage.dtype === "bool" && (op === "sum" || op === "prod") ? "int32" : x.storage.dtype;
  const out = c.alloc(dt, numel(outShape));
  if (out.length === 0) return out;
  if (x.storage.dtype === "float32" && reduceF32(c, REDUCE_CODE[op], x, dims, out)) return out;
  if (x.storage.dtype === "float32" && dims.length > 1 && numel(x.shape) > 0) {
    // reduced dims that do not merge into one strided run (sum over dims 0 and 2), or too many
    // elements for one run (a broadcast view): one Wasm job per dim instead of the float64 host
    // loop, broadcast (stride 0) dims first so every intermediate stays small
    c.heap.free(out);
    const order = [...dims].sort((a, b) => (x.strides[a] === 0 ? 0 : 1) - (x.strides[b] === 0 ? 0 : 1) || b - a);
    let v: View = x;
    let last: WasmStorage | null = null;
    for (const d of order) {
      const s = reduce(c, op, v, [d]) as WasmStorage;
      if (last) c.heap.free(last);
      last = s;
      const shape = v.shape.map((n, i) => (i === d ? 1 : n));
      v = { storage: s, shape, strides: contiguousStrides(shape), offset: 0 };
    }
    return last!;
  }
  return c.exact(out, c.host.reduce(op, c.onHost(x), dims));
}

/**
 * float32 reductions whose reduced dims merge into one strided run: the kernel reduces n outputs
 * (spaced `os` apart) over `len` elements (spaced `rs`), per block of the outer kept dims.
 * Returns false for layouts it does not cover (the caller then takes the exact slow path).
 */
function reduceF32(c: WasmCtx, code: number, x: View, dims: readonly number[], out: WasmStorage): boolean {
  const total = numel(x.shape);
  if (out.length === 1 && total > 0 && total <= c.tuning.reduceRunMax && flatStep(x.shape, x.strides) === 1) {
    // everything into one value from a contiguous view (loss.sum(), mean()): one run, no dim merging
    c.args([4, code, 1, total, c.ws(x.storage).ptr + x.offset * 4, 0, 1, out.ptr]);
    c.pool.dispatch(1, 1);
    return true;
  }
  const keep = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const red = collapse(dims.map((d) => x.shape[d]!), [dims.map((d) => x.strides[d]!)]);
  if (red.shape.length > 1) return false;
  const len = red.shape[0] ?? 1;
  if (len === 0) return false;
  const rs = red.strides[0]![0] ?? 0;
  const kept = collapse(keep.map((d) => x.shape[d]!), [keep.map((d) => x.strides[d]!)]);
  const nk = kept.shape.length;
  const n = nk ? kept.shape[nk - 1]! : 1;
  const os = nk ? kept.strides[0]![nk - 1]! : 0;
  const outer = offsets(kept.shape.slice(0, Math.max(0, nk - 1)), kept.strides[0]!.slice(0, Math.max(0, nk - 1)), x.offset);
  const xp = c.ws(x.storage).ptr;
  const [chunks, threads] = c.split(n * len, Math.min(n, c.pool.threads));
  const run = (count: number, runLen: number, from: number, outStride: number, runStride: number, to: number): void => {
    c.args([4, code, count, runLen, from, outStride, runStride, to]);
    c.pool.dispatch(Math.min(chunks, count), threads);
  };
  const runMax = c.tuning.reduceRunMax;
  if (len > runMax && rs === 0) {
    // a broadcast run repeats one value: reduce a run of 1, then apply the closed form (the
    // kernel's f64 accumulation of len copies of v is v·len for sums and v^len for products)
    for (let i = 0; i < outer.length; i++) run(n, 1, xp + outer[i]! * 4, os, 0, out.ptr + i * n * 4);
    const o = c.heap.f32.subarray(out.ptr / 4, out.ptr / 4 + out.length);
    if (code === REDUCE_CODE.sum) for (let j = 0; j < o.length; j++) o[j] = o[j]! * len;
    else if (code === REDUCE_CODE.prod) for (let j = 0; j < o.length; j++) o[j] = o[j]! ** len;
    return true;
  }
  const pieces = Math.ceil(len / runMax);
  if (pieces > 1 && code > REDUCE_CODE.min) return false; // argmax/argmin indices do not combine across pieces
  // [pieces, n] partial results, reduced along the pieces afterwards (sum of sums, max of maxes, …)
  const partial = pieces > 1 ? c.heap.alloc("float32", pieces * n) : null;
  try {
    for (let i = 0; i < outer.length; i++) {
      const from = xp + outer[i]! * 4;
      if (!partial) {
        run(n, len, from, os, rs, out.ptr + i * n * 4);
        continue;
      }
      for (let k = 0; k < pieces; k++) {
        const start = k * runMax;
        run(n, Math.min(runMax, len - start), from + start * rs * 4, os, rs, partial.ptr + k * n * 4);
      }
      run(n, pieces, partial.ptr, 1, n, out.ptr + i * n * 4);
    }
  } finally {
    if (partial) c.heap.free(partial);
  }
  return true;
}

export function argReduce(c: WasmCtx, op: ArgReduceOp, x: View, dim: number): Storage {
  const out = c.alloc("int32", numel(x.shape.map((s, d) => (d === dim ? 1 : s))));
  // float32 along one dim: one Wasm pass per row (the reference loop also checks empty dims)
  if (x.storage.dtype === "float32" && out.length > 0 && x.shape[dim]! > 0 && reduceF32(c, op === "argmax" ? 4 : 5, x, [dim], out)) return out;
  return c.exact(out, c.host.argReduce(op, c.onHost(x), dim));
}
