// The wasm backend's exact TypeScript paths over Wasm memory: every dtype the reference supports,
// any strides. Used for float64 (gradchecks), int32, bool, mixed dtypes, reductions and indexing.
// Arrays are typed views of whole storages; views locate elements by offset/strides.

import type { DType, TypedArray } from "../../dtype.js";
import type { ArgReduceOp, BinaryOp, ReduceOp, UnaryOp } from "../../ops/primitives.js";
import type { View } from "../backend.js";
import { contiguousStrides } from "../../shape.js";
import { offsets } from "../strided.js";
import { binaryFns, int32Fns, storeFn, unaryFns } from "./scalar.js";

const offs = (v: View): Float64Array => offsets(v.shape, v.strides, v.offset);
const dtypeOf = (a: TypedArray): DType =>
  a instanceof Float32Array ? "float32" : a instanceof Float64Array ? "float64" : a instanceof Int32Array ? "int32" : "bool";

export function gatherInto(out: TypedArray, src: TypedArray, at: Float64Array): void {
  for (let i = 0; i < at.length; i++) out[i] = src[at[i]!]!;
}

export function scatterInto(dst: TypedArray, dstAt: Float64Array, src: TypedArray, srcAt: Float64Array): void {
  for (let i = 0; i < srcAt.length; i++) dst[dstAt[i]!] = src[srcAt[i]!]!;
}

export function unaryWith(fn: (v: number) => number, src: TypedArray, x: View, out: TypedArray, dtype: DType): void {
  const at = offs(x);
  const store = storeFn(dtype);
  if (store) for (let i = 0; i < at.length; i++) out[i] = store(fn(src[at[i]!]!));
  else for (let i = 0; i < at.length; i++) out[i] = fn(src[at[i]!]!);
}

export function unary(op: UnaryOp, src: TypedArray, x: View, out: TypedArray, dtype: DType): void {
  unaryWith(unaryFns[op], src, x, out, dtype);
}

export function binary(op: BinaryOp, A: TypedArray, a: View, B: TypedArray, b: View, out: TypedArray, dtype: DType): void {
  const fn = (dtype === "int32" ? int32Fns[op] : undefined) ?? binaryFns[op];
  const store = storeFn(dtype);
  const ia = offs(a);
  const ib = offs(b);
  if (store) for (let i = 0; i < ia.length; i++) out[i] = store(fn(A[ia[i]!]!, B[ib[i]!]!));
  else for (let i = 0; i < ia.length; i++) out[i] = fn(A[ia[i]!]!, B[ib[i]!]!);
}

export function where(C: TypedArray, c: View, A: TypedArray, a: View, B: TypedArray, b: View, out: TypedArray, dtype: DType): void {
  const store = storeFn(dtype) ?? ((v: number) => v);
  const ic = offs(c);
  const ia = offs(a);
  const ib = offs(b);
  for (let i = 0; i < ic.length; i++) out[i] = store(C[ic[i]!]! !== 0 ? A[ia[i]!]! : B[ib[i]!]!);
}

/** Splits a view into kept-dim offsets (output order) and reduced-dim offsets (relative). */
function split(x: View, dims: readonly number[]): [Float64Array, Float64Array] {
  const keep = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  const outer = offsets(keep.map((d) => x.shape[d]!), keep.map((d) => x.strides[d]!), x.offset);
  const inner = offsets(dims.map((d) => x.shape[d]!), dims.map((d) => x.strides[d]!), 0);
  return [outer, inner];
}

/**
 * Sums accumulate in float64 (more accurate than torch's float32 cascade, so within its rounding);
 * max/min propagate NaN like torch.amax.
 */
export function reduce(op: ReduceOp, src: TypedArray, x: View, dims: readonly number[], out: TypedArray): void {
  const [outer, inner] = split(x, dims);
  const dtype = dtypeOf(src);
  const store = storeFn(dtypeOf(out)) ?? ((v: number) => v);
  const n = inner.length;
  for (let o = 0; o < outer.length; o++) {
    const base = outer[o]!;
    let acc: number;
    if (op === "sum") {
      acc = 0;
      for (let i = 0; i < n; i++) acc += src[base + inner[i]!]!;
    } else if (op === "prod") {
      acc = 1;
      if (dtype === "int32") for (let i = 0; i < n; i++) acc = Math.imul(acc, src[base + inner[i]!]!);
      else for (let i = 0; i < n; i++) acc *= src[base + inner[i]!]!;
    } else {
      const isMax = op === "max";
      acc = isMax ? -Infinity : Infinity;
      for (let i = 0; i < n; i++) {
        const v = src[base + inner[i]!]!;
        if (v !== v) {
          acc = NaN;
          break;
        }
        if (isMax ? v > acc : v < acc) acc = v;
      }
    }
    out[o] = store(acc);
  }
}

/** First index of the max (min) along `dim`; a NaN wins at its first position, as in torch. */
export function argReduce(op: ArgReduceOp, src: TypedArray, x: View, dim: number, out: Int32Array): void {
  const [outer, inner] = split(x, [dim]);
  const isMax = op === "argmax";
  for (let o = 0; o < outer.length; o++) {
    const base = outer[o]!;
    let best = 0;
    let bv = src[base + (inner[0] ?? 0)]!;
    if (bv === bv) {
      for (let i = 1; i < inner.length; i++) {
        const v = src[base + inner[i]!]!;
        if (v !== v) {
          best = i;
          break;
        }
        if (isMax ? v > bv : v < bv) {
          bv = v;
          best = i;
        }
      }
    }
    out[o] = best;
  }
}

/** Batched matmul for non-float32 dtypes: an i-p-j loop with a float64 row accumulator. */
export function matmul(A: TypedArray, a: View, B: TypedArray, b: View, out: TypedArray, dtype: DType, m: number, k: number, n: number): void {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const batch = a.shape.slice(0, ra - 2);
  const ab = offsets(batch, a.strides.slice(0, ra - 2), a.offset);
  const bb = offsets(batch, b.strides.slice(0, rb - 2), b.offset);
  const [rsa, csa] = [a.strides[ra - 2]!, a.strides[ra - 1]!];
  const [rsb, csb] = [b.strides[rb - 2]!, b.strides[rb - 1]!];
  const store = storeFn(dtype) ?? ((v: number) => v);
  const row = new Float64Array(n);
  for (let t = 0; t < ab.length; t++) {
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = A[ab[t]! + i * rsa + p * csa]!;
        const bo = bb[t]! + p * rsb;
        for (let j = 0; j < n; j++) row[j] = row[j]! + av * B[bo + j * csb]!;
      }
      const oo = (t * m + i) * n;
      for (let j = 0; j < n; j++) out[oo + j] = store(row[j]!);
    }
  }
}

/** torch.gather and scatter_add reject negative indices (unlike Python indexing); same message as cpu.ts. */
function checkIndex(op: string, v: number, size: number, dim: number): number {
  if (!(v >= 0 && v < size)) throw new RangeError(`${op}: index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  return v;
}

export function gather(src: TypedArray, x: View, dim: number, idx: Int32Array, index: View, out: TypedArray): void {
  const zeroed = x.strides.map((s, d) => (d === dim ? 0 : s));
  const base = offsets(index.shape, zeroed, x.offset);
  const at = offs(index);
  const size = x.shape[dim]!;
  const step = x.strides[dim]!;
  for (let i = 0; i < at.length; i++) out[i] = src[base[i]! + checkIndex("gather", idx[at[i]!]!, size, dim) * step]!;
}

/** Accumulates in float64 and rounds once at the end, like cpu.ts. */
export function scatterAdd(out: TypedArray, shape: readonly number[], dim: number, idx: Int32Array, index: View, src: TypedArray, s: View): void {
  const os = contiguousStrides(shape);
  const base = offsets(index.shape, os.map((v, d) => (d === dim ? 0 : v)), 0);
  const at = offs(index);
  const from = offsets(index.shape, s.strides, s.offset);
  const size = shape[dim]!;
  const step = os[dim]!;
  const acc = new Float64Array(out.length);
  for (let i = 0; i < at.length; i++) {
    const o = base[i]! + checkIndex("scatterAdd", idx[at[i]!]!, size, dim) * step;
    acc[o] = acc[o]! + src[from[i]!]!;
  }
  const store = storeFn(dtypeOf(out));
  if (store) for (let i = 0; i < acc.length; i++) out[i] = store(acc[i]!);
  else out.set(acc);
}
