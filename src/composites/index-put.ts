// torch.index_put (x[indices] = values, or += with accumulate) and torch.index_reduce (a reduction
// of source slices into x's slices along a dim): composites of indexCopy, indexAdd and scatterReduce.

import { resolveArgs, type Args } from "../options.js";
import { fmtShape, normDim } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { indexAdd, indexCopy, scatterReduce } from "./indexing-more.js";
import { installMethods } from "./methods.js";
import { broadcastTensors } from "./shape.js";

/**
 * x with x[i₀, i₁, …] = values (or += values when accumulate) for the index tensors `indices`
 * (int32, broadcast together; bool masks stand for their nonzero positions), which address x's
 * leading dims; values broadcast to the indexed shape. With repeated positions and no accumulate,
 * which value lands is unspecified, as in torch. Matches torch.index_put.
 */
export function indexPut(x: Tensor, indices: readonly Tensor[], values: Tensor, ...args: Args<[accumulate: boolean], { accumulate?: boolean }>): Tensor {
  const { accumulate } = resolveArgs("indexPut", args, ["accumulate"], { accumulate: false });
  const idx = indices.flatMap((t) => (t.dtype === "bool" ? t.nonzero().unbind(1) : [t]));
  if (idx.length === 0 || idx.length > x.ndim) throw new Error(`indexPut: expected 1 to ${x.ndim} index tensors for a tensor of shape ${fmtShape(x.shape)}, got ${idx.length}`);
  for (const t of idx) if (t.dtype !== "int32") throw new TypeError(`indexPut: index tensors must be int32 or bool, got ${t.dtype}`);
  const k = idx.length, lead = x.shape.slice(0, k), rest = x.shape.slice(k);
  const b = broadcastTensors(...idx);
  // the row of the flattened leading dims each index tuple addresses (negative indices wrap)
  let lin = b[0]!.mul(0);
  for (const [d, t] of b.entries()) {
    const n = lead[d]!;
    const wrapped = t.lt(0).int().mul(n).add(t);
    if (wrapped.numel && (wrapped.lt(0).any().item() || wrapped.ge(n).any().item()))
      throw new RangeError(`indexPut: index out of range for dim ${d} of size ${n}`);
    lin = lin.mul(n).add(wrapped);
  }
  const rows = lin.reshape([-1]);
  const flat = x.reshape([lead.reduce((a, s) => a * s, 1), ...rest]);
  const vals = values.to(x.device, x.dtype).expand([...b[0]!.shape, ...rest]).reshape([rows.numel, ...rest]);
  const out = accumulate ? indexAdd(flat, 0, rows, vals) : indexCopy(flat, 0, rows, vals);
  return out.reshape(x.shape);
}

/**
 * x with x's slice index[i] along dim reduced ('prod', 'mean', 'amax' or 'amin') with source's
 * slice i; includeSelf = false leaves x's own values out of the reduction where a slice is hit.
 * Matches torch.index_reduce.
 */
export function indexReduce(x: Tensor, dim: number, index: Tensor, source: Tensor, reduce: "prod" | "mean" | "amax" | "amin", ...args: Args<[], { includeSelf?: boolean }>): Tensor {
  const { includeSelf } = resolveArgs("indexReduce", args, [], { includeSelf: true });
  if (!["prod", "mean", "amax", "amin"].includes(reduce)) throw new RangeError(`indexReduce: reduce must be 'prod', 'mean', 'amax' or 'amin', got ${String(reduce)}`);
  const d = normDim("indexReduce", dim, x.ndim);
  if (index.ndim !== 1 || source.ndim !== x.ndim || source.shape[d] !== index.shape[0] || source.shape.some((s, i) => i !== d && s !== x.shape[i]))
    throw new Error(`indexReduce: source ${fmtShape(source.shape)} must match x ${fmtShape(x.shape)} except in dim ${d}, where it needs the index's length ${index.numel} (index ${fmtShape(index.shape)} must be 1-D)`);
  const along = index.reshape(source.shape.map((s, i) => (i === d ? s : 1))).expand(source.shape);
  return scatterReduce(x, d, along.contiguous(), source, reduce, { includeSelf });
}

declare module "../tensor.js" {
  interface Tensor {
    indexPut(indices: readonly Tensor[], values: Tensor, ...args: Args<[accumulate: boolean], { accumulate?: boolean }>): Tensor;
    indexReduce(dim: number, index: Tensor, source: Tensor, reduce: "prod" | "mean" | "amax" | "amin", ...args: Args<[], { includeSelf?: boolean }>): Tensor;
  }
}
installMethods({
  indexPut(this: Tensor, indices: readonly Tensor[], values: Tensor, ...args: Args<[accumulate: boolean], { accumulate?: boolean }>) { return indexPut(this, indices, values, ...args); },
  indexReduce(this: Tensor, dim: number, index: Tensor, source: Tensor, reduce: "prod" | "mean" | "amax" | "amin", ...args: Args<[], { includeSelf?: boolean }>) {
    return indexReduce(this, dim, index, source, reduce, ...args);
  },
});
