// What a fused op is: a composite reference written in primitives (the oracle, and what runs where
// a backend has no kernel), one backward rule, and optional kernels per backend. table.ts lists them.

import type { Storage } from "../../backend/backend.js";
import type { DType, TypedArray } from "../../dtype.js";
import { numel } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { contiguous } from "../movement.js";

/** Gradients of the inputs given those of the outputs (null where an output got none). */
export type FusedRule<A> = (
  gs: readonly (Tensor | null)[],
  xs: readonly Tensor[],
  outs: readonly Tensor[],
  attrs: A,
  needs: readonly boolean[],
) => (Tensor | null)[];

/** A kernel: the outputs, or null to decline (a dtype or layout it does not cover: the reference runs). */
export type FusedKernel<A> = (xs: readonly Tensor[], attrs: A) => Tensor[] | null;

export interface FusedDef<A> {
  /** The op in primitives: the oracle every kernel is tested against. Runs under noGrad in applyFused. */
  reference(xs: readonly Tensor[], attrs: A): Tensor[];
  /** The one backward rule, written with Tensor ops (so it can be differentiated again); null: not differentiable. */
  backward: FusedRule<A> | null;
  /** Kernels by backend name; a backend without one runs the reference. */
  kernels?: Readonly<Record<string, FusedKernel<A>>>;
  /** False when the rule never reads input values (views), so assign() to an input after use is harmless. */
  readsInputs?: boolean;
}

/** An input of a host kernel: a contiguous array and the element offset where the tensor starts. */
export interface HostIn {
  data: TypedArray;
  off: number;
}

/**
 * Runs a host kernel on backends that expose their memory (Backend.hostView: the reference backend
 * and wasm): inputs made contiguous, outputs of the given shapes and dtypes allocated (zeroed,
 * unless `zeroed` is false because `body` writes every element), then `body` fills the outputs.
 * Returns null (decline) on other backends.
 */
export function onHost(
  xs: readonly Tensor[],
  outs: readonly (readonly [readonly number[], DType])[],
  body: (ins: HostIn[], outs: TypedArray[]) => void,
  zeroed = true,
): Tensor[] | null {
  const b = xs[0]!.backend;
  if (!b.hostView) return null;
  const cs = xs.map(contiguous);
  const make = (n: number, dtype: DType): Storage => (!zeroed && b.empty ? b.empty(n, dtype) : b.full(n, dtype, 0));
  const os = outs.map(([shape, dtype]) => Tensor.fromStorage(b, make(numel(shape), dtype), shape, dtype));
  // views are taken after every allocation: a growing wasm memory replaces its buffer
  body(cs.map((c) => ({ data: b.hostView!(c.storage), off: c.offset })), os.map((o) => b.hostView!(o.storage)));
  return os;
}

/** The same kernel for every backend that has host memory. */
export const hostKernels = <A>(k: FusedKernel<A>): Record<string, FusedKernel<A>> => ({ cpu: k, wasm: k });
