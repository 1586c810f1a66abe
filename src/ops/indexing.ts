// Index-driven ops: gather, scatterAdd, indexSelect, oneHot. Index tensors are int32.

import { fmtShape, normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { apply } from "./dispatch.js";
import { compare, cast } from "./elementwise.js";
import { expand, reshape, unsqueeze } from "./movement.js";

function checkIndexTensor(op: string, index: Tensor): void {
  if (index.dtype !== "int32") throw new TypeError(`${op}: index must be an int32 tensor, got ${index.dtype}`);
}

function checkGatherShapes(op: string, x: Tensor, dim: number, index: Tensor): void {
  if (index.ndim !== x.ndim)
    throw new Error(`${op}: index ${fmtShape(index.shape)} must have as many dims as the input ${fmtShape(x.shape)}`);
  index.shape.forEach((s, d) => {
    if (d !== dim && s > x.shape[d]!)
      throw new Error(`${op}: index ${fmtShape(index.shape)} is larger than the input ${fmtShape(x.shape)} in dim ${d}`);
  });
}

/** out[i][j] = x[i][index[i][j]] for dim 1 (torch.gather). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexTensor("gather", index);
  const d = normDim("gather", dim, x.ndim);
  // torch reads a 0-d input (and a 0-d index) as one element along dim 0
  if (x.ndim === 0 && index.ndim <= 1) return reshape(gather(reshape(x, [1]), 0, reshape(index, [-1])), index.shape);
  checkGatherShapes("gather", x, d, index);
  return apply("gather", [x, index], { dim: d });
}

/** A zero tensor of `shape` with src added at the indexed positions (the primitive). */
export function scatterAddNew(shape: readonly number[], dim: number, index: Tensor, src: Tensor): Tensor {
  return apply("scatterAdd", [index, src], { dim, shape: [...shape] });
}

/** x + (src added at index along dim): torch.Tensor.scatter_add, out of place. */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  checkIndexTensor("scatterAdd", index);
  const d = normDim("scatterAdd", dim, x.ndim);
  if (x.ndim === 0 && index.ndim <= 1 && src.ndim <= 1) return reshape(scatterAdd(reshape(x, [1]), 0, reshape(index, [-1]), reshape(src, [-1])), []);
  checkGatherShapes("scatterAdd", x, d, index);
  if (src.ndim !== index.ndim || index.shape.some((s, i) => s > src.shape[i]!))
    throw new Error(`scatterAdd: index ${fmtShape(index.shape)} must not be larger than src ${fmtShape(src.shape)} in any dim`);
  return x.add(scatterAddNew(x.shape, d, index, cast(src, x.dtype)));
}

/** Selects entries along `dim` by a 1-D index (torch.index_select). */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  checkIndexTensor("indexSelect", index);
  if (index.ndim > 1) throw new Error(`indexSelect: index must be 1-D, got ${fmtShape(index.shape)}`);
  const d = normDim("indexSelect", dim, x.ndim);
  if (x.ndim === 0) {
    if (index.numel !== 1) throw new RangeError(`indexSelect: a 0-d input takes exactly one index, got ${fmtShape(index.shape)}`);
    return reshape(indexSelect(reshape(x, [1]), 0, index), []);
  }
  const idx = reshape(index, [-1]);
  const shape = x.shape.map((s, i) => (i === d ? idx.shape[0]! : s));
  const viewShape = x.shape.map((_, i) => (i === d ? idx.shape[0]! : 1));
  try {
    return apply("gather", [x, expand(reshape(idx, viewShape), shape)], { dim: d });
  } catch (e) {
    // the backend's bounds check names the primitive; the user called indexSelect
    if (e instanceof RangeError && e.message.startsWith("gather:")) throw new RangeError(`indexSelect:${e.message.slice(7)}`);
    throw e;
  }
}

/** One-hot encoding: int32 labels [...] → int32 [..., numClasses] (torch.nn.functional.one_hot). */
export function oneHot(labels: Tensor, numClasses = -1): Tensor {
  checkIndexTensor("oneHot", labels);
  const data = labels.dataSync();
  let max = -1;
  for (const v of data) max = Math.max(max, v);
  const n = numClasses === -1 ? max + 1 : numClasses;
  for (const v of data)
    if (v < 0 || v >= n) throw new RangeError(`oneHot: class index ${v} is out of range for ${n} classes`);
  const classes = Tensor.fromArray(Int32Array.from({ length: n }, (_, i) => i), [n], labels.backend);
  return cast(compare("eq", unsqueeze(labels, -1), classes), "int32");
}
