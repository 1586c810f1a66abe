// Ordering ops: sort, argsort, topk. The `argsort` primitive orders indices (no gradient); values
// are gathered at those indices, so gather's rule sends each value's gradient back to its source.

import { resolveArgs, type Args } from "../options.js";
import { fmtShape, normDim } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { apply } from "./dispatch.js";
import { gather } from "./indexing.js";
import { narrow, reshape } from "./movement.js";

export interface SortOptions {
  dim?: number;
  descending?: boolean;
  /** Ties keep their input order. Always true here (torch allows any order among ties otherwise). */
  stable?: boolean;
}

function sortedIndices(op: string, x: Tensor, dim: number, descending: boolean): [Tensor, Tensor, number] {
  const d = normDim(op, dim, x.ndim);
  const src = x.ndim === 0 ? reshape(x, [1]) : x;
  return [src, apply("argsort", [src], { dim: d, descending }), d];
}

/**
 * Sorts along `dim` (default −1): [values, indices], ascending unless `descending`. Stable; NaN
 * sorts as the largest value. The values' gradient flows to the elements they came from.
 * Matches torch.sort (and torch.sort(stable=True)).
 */
export function sort(x: Tensor, ...args: Args<[dim: number, descending: boolean], SortOptions>): [Tensor, Tensor] {
  const { dim, descending } = resolveArgs<Required<SortOptions>>("sort", args, ["dim", "descending"], { dim: -1, descending: false, stable: false });
  const [src, idx, d] = sortedIndices("sort", x, dim, descending);
  const values = gather(src, d, idx);
  return x.ndim === 0 ? [reshape(values, []), reshape(idx, [])] : [values, idx];
}

/** The indices that sort `x` along `dim` (int32; stable). Matches torch.argsort. */
export function argsort(x: Tensor, ...args: Args<[dim: number, descending: boolean], SortOptions>): Tensor {
  const { dim, descending } = resolveArgs<Required<SortOptions>>("argsort", args, ["dim", "descending"], { dim: -1, descending: false, stable: false });
  const [, idx] = sortedIndices("argsort", x, dim, descending);
  return x.ndim === 0 ? reshape(idx, []) : idx;
}

export interface TopkOptions {
  dim?: number;
  largest?: boolean;
  sorted?: boolean;
}

/**
 * The k largest (or, with largest = false, smallest) entries along `dim` (default −1):
 * [values, indices], in sorted order (also when sorted = false, which torch leaves unspecified).
 * Among ties the earlier index comes first. Matches torch.topk.
 */
export function topk(x: Tensor, k: number, ...args: Args<[dim: number, largest: boolean, sorted: boolean], TopkOptions>): [Tensor, Tensor] {
  const { dim, largest } = resolveArgs<Required<TopkOptions>>("topk", args, ["dim", "largest", "sorted"], { dim: -1, largest: true, sorted: true });
  const [src, idx, d] = sortedIndices("topk", x, dim, largest);
  const size = src.shape[d]!;
  if (!Number.isInteger(k) || k < 0 || k > size)
    throw new RangeError(`topk: k = ${k} is out of range for dim ${dim} of size ${size} in a tensor of shape ${fmtShape(x.shape)}`);
  const top = narrow(idx, d, 0, k);
  const values = gather(src, d, top);
  return x.ndim === 0 ? [reshape(values, []), reshape(top, [])] : [values, top];
}
