// The wasm backend's elementwise ops (copy, unary, binary, where, cast): float32 maps run the SIMD
// map kernels (wasm/map.ts); other dtypes take the exact host path. Called by WasmBackend.

import type { DType } from "../../dtype.js";
import type { BinaryOp, UnaryOp } from "../../ops/primitives.js";
import type { Storage, View } from "../backend.js";
import { contiguousStrides, numel } from "../../shape.js";
import { collapse, forBlocks } from "../strided.js";
import type { WasmCtx } from "./context.js";
import type { WasmStorage } from "./memory.js";
import { ARGS_BYTE } from "./worker-loop.js";

const UNARY_CODE: Record<UnaryOp, number> = {
  neg: 1, abs: 2, sqrt: 3, recip: 4, floor: 5, ceil: 6, round: 7, sign: 8,
  exp: 9, log: 10, log1p: 11, expm1: 12, sin: 13, cos: 14, tanh: 15, sigmoid: 16, erf: 17, atan: 18,
};
const BINARY_CODE: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6, eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
};

/** Casts with a kernel (the others, all involving float64, take the slow path). */
const CAST_CODE: Partial<Record<string, number>> = {
  "float32>int32": 0, "int32>float32": 1, "bool>float32": 2, "float32>bool": 3, "bool>int32": 4, "int32>bool": 5,
};

/** 1 for a contiguous view, 0 for a single value broadcast everywhere, -1 otherwise. */
export function flatStep(shape: readonly number[], strides: readonly number[]): number {
  let zero = true, contiguous = true, expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d]!;
    if (s === 1) continue;
    if (strides[d] !== 0) zero = false;
    if (strides[d] !== expect) contiguous = false;
    expect *= s;
  }
  return contiguous ? 1 : zero ? 0 : -1;
}

/**
 * Runs kernel map `fn` (2 binary, 3 unary, 5 where, 6 cast) over `shape` with operands x, y, z
 * (y and z optional) of the given element byte sizes, writing contiguous `out` (outBytes each).
 */
function map(c: WasmCtx, fn: 2 | 3 | 5 | 6, op: number, shape: readonly number[], ops: readonly View[], bytes: readonly number[], out: WasmStorage, outBytes: number): boolean {
  const views = [ops[0]!, ops[1] ?? ops[0]!, ops[2] ?? ops[0]!];
  const ptrs = views.map((v) => c.ws(v.storage).ptr);
  const sizes = [bytes[0]!, bytes[1] ?? bytes[0]!, bytes[2] ?? bytes[0]!];
  const m = collapse(shape, [...views.map((v) => v.strides), contiguousStrides(shape)]);
  const nd = m.shape.length;
  // Views that stay 3-D or more after merging dims (im2col-style unfolds) are walked in 2-D
  // blocks with one dispatch each (~1.5 µs). With many small blocks that costs more than the
  // work: unary maps then run the N-d kernel in one dispatch, other maps decline (the caller's
  // offset-list slow path costs ~1-3 ns per element).
  const block = nd >= 2 ? m.shape[nd - 1]! * m.shape[nd - 2]! : 0;
  if (nd > 2 && block < 2048 && out.length / block > 16) {
    // Unary maps (copies included) have an N-d kernel; the others decline.
    if (fn !== 3 || nd > 32) return false;
    const x = views[0]!;
    c.args([7, op, nd, ptrs[0]! + x.offset * 4, out.ptr, ...m.shape, ...m.strides[0]!]);
    c.pool.dispatch(...c.split(out.length, Math.min(c.pool.threads, m.shape[0]!)));
    return true;
  }
  // Row (second to last) and column (last) strides of operand k; missing dims step 0.
  const st = (k: number, fromEnd: number): number => (nd >= fromEnd ? m.strides[k]![nd - fromEnd]! : 0);
  const threads = c.pool.threads;
  forBlocks(m, [...views.map((v) => v.offset), 0], (rows, cols, offs) => {
    const a = (k: number): number[] => [ptrs[k]! + offs[k]! * sizes[k]!, st(k, 2), st(k, 1)];
    c.args([fn, op, rows, cols, ...a(0), ...a(1), out.ptr + offs[3]! * outBytes, ...a(2)]);
    c.pool.dispatch(...c.split(rows * cols, threads));
  });
  return true;
}

/**
 * The common case without per-op allocations: every operand contiguous or one broadcast value,
 * so the job is a single row of n elements (no dim merging, no block walk). Operands y and z are
 * optional (x stands in); their element sizes are xb, yb, zb bytes.
 */
function flatMap(c: WasmCtx, fn: 2 | 3 | 5 | 6, op: number, out: WasmStorage, x: View, xb: number, y: View = x, yb = xb, z: View = x, zb = xb): boolean {
  const sx = flatStep(x.shape, x.strides);
  const sy = y === x ? sx : flatStep(y.shape, y.strides);
  const sz = z === x ? sx : flatStep(z.shape, z.strides);
  if (sx < 0 || sy < 0 || sz < 0) return false;
  const i32 = c.heap.i32;
  const b = ARGS_BYTE >> 2;
  // operand k's (pointer, row stride, column stride) sit at 4, 7 and 11; the output at 10
  i32[b] = fn;
  i32[b + 1] = op;
  i32[b + 2] = 1;
  i32[b + 3] = out.length;
  i32[b + 4] = c.ws(x.storage).ptr + x.offset * xb;
  i32[b + 5] = 0;
  i32[b + 6] = sx;
  i32[b + 7] = c.ws(y.storage).ptr + y.offset * yb;
  i32[b + 8] = 0;
  i32[b + 9] = sy;
  i32[b + 10] = out.ptr;
  i32[b + 11] = c.ws(z.storage).ptr + z.offset * zb;
  i32[b + 12] = 0;
  i32[b + 13] = sz;
  c.run(out.length);
  return true;
}

export function contiguous(c: WasmCtx, x: View): Storage {
  const dt = x.storage.dtype;
  const out = c.alloc(dt, numel(x.shape));
  if (out.length === 0) return out;
  // f32 and int32 are both 4-byte words: the f32 copy kernel moves their bits unchanged.
  const fast = (dt === "float32" || dt === "int32") && (flatMap(c, 3, 0, out, x, 4) || map(c, 3, 0, x.shape, [x], [4], out, 4));
  return fast ? out : c.exact(out, c.host.contiguous(c.onHost(x)));
}

export function unary(c: WasmCtx, op: UnaryOp, x: View, dtype: DType): Storage {
  const out = c.alloc(dtype, numel(x.shape));
  if (out.length === 0) return out;
  const code = UNARY_CODE[op];
  const fast = x.storage.dtype === "float32" && dtype === "float32" && (flatMap(c, 3, code, out, x, 4) || map(c, 3, code, x.shape, [x], [4], out, 4));
  return fast ? out : c.exact(out, c.host.unary(op, c.onHost(x), dtype));
}

export function binary(c: WasmCtx, op: BinaryOp, a: View, b: View, dtype: DType): Storage {
  const out = c.alloc(dtype, numel(a.shape));
  if (out.length === 0) return out;
  const code = BINARY_CODE[op];
  const fast = a.storage.dtype === "float32" && b.storage.dtype === "float32" && dtype === (code >= 7 ? "bool" : "float32");
  if (fast && (flatMap(c, 2, code, out, a, 4, b, 4) || map(c, 2, code, a.shape, [a, b], [4, 4], out, code >= 7 ? 1 : 4))) return out;
  return c.exact(out, c.host.binary(op, c.onHost(a), c.onHost(b), dtype));
}

export function where(c: WasmCtx, cond: View, a: View, b: View, dtype: DType): Storage {
  const out = c.alloc(dtype, numel(a.shape));
  if (out.length === 0) return out;
  const fast = cond.storage.dtype === "bool" && dtype === "float32" && a.storage.dtype === "float32" && b.storage.dtype === "float32";
  if (fast && (flatMap(c, 5, 0, out, a, 4, b, 4, cond, 1) || map(c, 5, 0, a.shape, [a, b, cond], [4, 4, 1], out, 4))) return out;
  return c.exact(out, c.host.where(c.onHost(cond), c.onHost(a), c.onHost(b), dtype));
}

export function cast(c: WasmCtx, x: View, dtype: DType): Storage {
  if (x.storage.dtype === dtype) return contiguous(c, x);
  const out = c.alloc(dtype, numel(x.shape));
  if (out.length === 0) return out;
  const code = CAST_CODE[`${x.storage.dtype}>${dtype}`];
  const bytes = (d: DType): number => (d === "bool" ? 1 : 4);
  const fast = code !== undefined && (flatMap(c, 6, code, out, x, bytes(x.storage.dtype)) || map(c, 6, code, x.shape, [x], [bytes(x.storage.dtype)], out, bytes(dtype)));
  return fast ? out : c.exact(out, c.host.cast(c.onHost(x), dtype));
}
