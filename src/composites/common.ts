// Small shared pieces of the torch-function catalogue (stats, products, linalg): host-built index
// tensors, moving a dim last and back, and the float-only check. Internal; not exported publicly.

import { isFloating } from "../dtype.js";
import { fmtShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { permute } from "../ops/movement.js";

/** An int32 tensor on `like`'s backend. */
export const int32Tensor = (like: Tensor, data: ArrayLike<number>, shape: readonly number[]): Tensor =>
  Tensor.fromArray(Int32Array.from(data), shape, like.backend, "int32");

/** A tensor of `dtype` (default like's) on `like`'s backend. */
export const floatTensor = (like: Tensor, data: ArrayLike<number>, shape: readonly number[], dtype = like.dtype): Tensor =>
  Tensor.fromArray(Float64Array.from(data), shape, like.backend, dtype);

/** Throws naming `op` unless x is float32 or float64. */
export function floatOnly(op: string, x: Tensor): void {
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating-point tensor, got ${x.dtype} ${fmtShape(x.shape)}; cast it with .float()`);
}

/** x with dim d moved to the end (a view). */
export function dimLast(x: Tensor, d: number): Tensor {
  if (d === x.ndim - 1) return x;
  const order = [...x.shape.keys()].filter((i) => i !== d);
  return permute(x, [...order, d]);
}

/** Inverse of dimLast: the last dim moved back to position d. */
export function lastToDim(x: Tensor, d: number): Tensor {
  if (d === x.ndim - 1) return x;
  const order = [...Array(x.ndim - 1).keys()];
  order.splice(d, 0, x.ndim - 1);
  return permute(x, order);
}

/** Host rows of a tensor whose last dim has length n: a contiguous float64 copy and the row count. */
export function hostRows(x: Tensor): { data: Float64Array; rows: number; n: number } {
  const n = x.ndim === 0 ? 1 : x.shape[x.ndim - 1]!;
  const data = Float64Array.from(x.detach().dataSync());
  return { data, rows: n === 0 ? 0 : data.length / n, n };
}
