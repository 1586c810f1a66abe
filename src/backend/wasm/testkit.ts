// Test helpers for the wasm backend's tests: random views in many layouts (contiguous, transposed,
// broadcast with stride 0, sliced with steps and offsets, flipped) and an index-by-index oracle reader.

import type { DType, TypedArray } from "../../dtype.js";
import { numel } from "../../shape.js";
import type { Backend, View } from "../backend.js";
import { Generator } from "../../random.js";

export type Layout = "contig" | "transposed" | "broadcast" | "sliced" | "flipped";
export const LAYOUTS: readonly Layout[] = ["contig", "transposed", "broadcast", "sliced", "flipped"];

/** A seeded stream of uniforms in [0, 1) (the project's Generator) so failures reproduce. */
export function rng(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.random();
}

export function hostArray(dtype: DType, n: number, gen: () => number): TypedArray {
  switch (dtype) {
    case "float32":
      return Float32Array.from({ length: n }, gen);
    case "float64":
      return Float64Array.from({ length: n }, gen);
    case "int32":
      return Int32Array.from({ length: n }, () => Math.floor(gen() * 21) - 10);
    case "bool":
      return Uint8Array.from({ length: n }, () => (gen() < 0.5 ? 1 : 0));
  }
}



/** A view of `shape` in the given layout over fresh storage filled from `gen`. */
export function makeView(be: Backend, shape: readonly number[], dtype: DType, layout: Layout, gen: () => number): View {
  const nd = shape.length;
  const contiguous = (sh: readonly number[]): number[] => {
    const st: number[] = new Array<number>(sh.length);
    let acc = 1;
    for (let i = sh.length - 1; i >= 0; i--) {
      st[i] = acc;
      acc *= sh[i]!;
    }
    return st;
  };
  if (layout === "transposed" && nd >= 2) {
    const rev = [...shape].reverse();
    const st = contiguous(rev).reverse();
    return { storage: be.upload(hostArray(dtype, numel(shape), gen), dtype), shape, strides: st, offset: 0 };
  }
  if (layout === "broadcast" && nd >= 1) {
    // The first dim of size > 1 (else dim 0) gets stride 0.
    const d = Math.max(0, shape.findIndex((s) => s > 1));
    const base = shape.map((s, i) => (i === d ? 1 : s));
    const st = contiguous(base);
    st[d] = 0;
    return { storage: be.upload(hostArray(dtype, numel(base), gen), dtype), shape, strides: st, offset: 0 };
  }
  if (layout === "sliced" && nd >= 1) {
    // Every other element along the last dim, starting one element in.
    const big = shape.map((s, i) => (i === nd - 1 ? 2 * s + 1 : s));
    const st = contiguous(big);
    st[nd - 1] = 2;
    return { storage: be.upload(hostArray(dtype, numel(big), gen), dtype), shape, strides: st, offset: 1 };
  }
  if (layout === "flipped" && nd >= 1) {
    const st = contiguous(shape);
    const off = (shape[0]! - 1) * st[0]!;
    st[0] = -st[0]!;
    return { storage: be.upload(hostArray(dtype, numel(shape), gen), dtype), shape, strides: st, offset: Math.max(0, off) };
  }
  return { storage: be.upload(hostArray(dtype, numel(shape), gen), dtype), shape, strides: contiguous(shape), offset: 0 };
}

/** The view's elements in row-major order, read index by index through a contiguous full read. */
export function oracleRead(be: Backend, v: View): number[] {
  const all = be.readSync({ storage: v.storage, shape: [v.storage.length], strides: [1], offset: 0 })!;
  const out: number[] = [];
  const idx = new Array<number>(v.shape.length).fill(0);
  const n = numel(v.shape);
  for (let i = 0; i < n; i++) {
    let o = v.offset;
    for (let d = 0; d < idx.length; d++) o += idx[d]! * v.strides[d]!;
    out.push(all[o]!);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < v.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Throws naming the first element where got and want differ by more than atol + rtol·|want| (NaN equals NaN). */
export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w)))
      throw new Error(`${what}: element ${i}: got ${g}, want ${w} (rtol ${rtol}, atol ${atol})`);
  }
}

export function contiguousView(storage: View["storage"], shape: readonly number[]): View {
  const st: number[] = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= shape[i]!;
  }
  return { storage, shape, strides: st, offset: 0 };
}
