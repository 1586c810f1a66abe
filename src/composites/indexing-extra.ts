// More of torch's index functions: the out-of-place view writes selectScatter, sliceScatter and
// diagonalScatter (masks and scatterAdd, so both inputs get gradients), put and maskedScatter,
// argwhere, and top-level select.

import { resolveArgs, type Args } from "../options.js";
import { broadcastShapes, fmtShape, normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast, compare, where } from "../ops/elementwise.js";
import { indexSelect, scatterAdd, scatterAddNew } from "../ops/indexing.js";
import { expand, permute, reshape, select as selectView, unsqueeze } from "../ops/movement.js";
import { nonzero } from "./selection.js";
import { scatter } from "./indexing-more.js";
import { installMethods } from "./methods.js";

function tensorArg(op: string, x: unknown, name = "input"): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${x === null ? "null" : typeof x}`);
  return x;
}
const int32 = (like: Tensor, data: number[], shape: number[]): Tensor => Tensor.fromArray(Int32Array.from(data), shape, like.backend, "int32");
function sameShape(op: string, src: Tensor, want: readonly number[]): void {
  if (src.shape.length !== want.length || src.shape.some((s, i) => s !== want[i]))
    throw new Error(`${op}: src ${fmtShape(src.shape)} must have the shape of the slice it replaces, ${fmtShape(want)}`);
}
/** x with the positions `pos` along dim d replaced by src (whose dim d lists those positions in order). */
function writeAlong(op: string, x: Tensor, src: Tensor, d: number, pos: number[]): Tensor {
  sameShape(op, src, x.shape.map((s, i) => (i === d ? pos.length : s)));
  const view = x.shape.map((_, i) => (i === d ? pos.length : 1));
  const placed = scatterAddNew(x.shape, d, expand(int32(x, pos, view), src.shape), cast(src, x.dtype));
  const mask = Array.from({ length: x.shape[d]! }, (_, i) => +pos.includes(i));
  return where(compare("ne", int32(x, mask, x.shape.map((s, i) => (i === d ? s : 1))), 0), placed, x);
}

/** The slice at index along dim selected (torch.select; a view). */
export const select = (x: Tensor, dim: number, index: number): Tensor => selectView(tensorArg("select", x), dim, index);
/** x with x.select(dim, index) replaced by src. Matches torch.select_scatter. */
export function selectScatter(x: Tensor, src: Tensor, dim: number, index: number): Tensor {
  tensorArg("selectScatter", x);
  const d = normDim("selectScatter", dim, x.ndim), n = x.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n) throw new RangeError(`selectScatter: index ${index} is out of range for dim ${d} of size ${n}`);
  sameShape("selectScatter", tensorArg("selectScatter", src, "src"), x.shape.filter((_, i) => i !== d));
  return writeAlong("selectScatter", x, unsqueeze(src, d), d, [index < 0 ? index + n : index]);
}

export interface SliceScatterOptions {
  dim?: number;
  start?: number | null;
  end?: number | null;
  step?: number;
}
/** x with x[start:end:step] along dim (Python slice bounds) replaced by src. Matches torch.slice_scatter. */
export function sliceScatter(x: Tensor, src: Tensor, ...args: Args<[dim: number, start: number | null, end: number | null, step: number], SliceScatterOptions>): Tensor {
  const { dim, start, end, step } = resolveArgs<Required<SliceScatterOptions>>("sliceScatter", args, ["dim", "start", "end", "step"], { dim: 0, start: null, end: null, step: 1 });
  tensorArg("sliceScatter", x);
  tensorArg("sliceScatter", src, "src");
  const d = normDim("sliceScatter", dim, x.ndim), n = x.shape[d]!;
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`sliceScatter: step must be a positive integer, got ${step}`);
  const clip = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const pos: number[] = [];
  for (let i = clip(start ?? 0); i < clip(end ?? n); i += step) pos.push(i);
  return writeAlong("sliceScatter", x, src, d, pos);
}

/** x with its diagonal(offset, dim1, dim2) replaced by src (whose last dim runs along the diagonal). Matches torch.diagonal_scatter. */
export function diagonalScatter(x: Tensor, src: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  tensorArg("diagonalScatter", x);
  tensorArg("diagonalScatter", src, "src");
  if (x.ndim < 2) throw new Error(`diagonalScatter: expected a tensor with at least 2 dims, got shape ${fmtShape(x.shape)}`);
  const a = normDim("diagonalScatter", dim1, x.ndim), b = normDim("diagonalScatter", dim2, x.ndim);
  if (a === b) throw new Error(`diagonalScatter: dim1 and dim2 must differ, got ${dim1} and ${dim2}`);
  const rest = x.shape.map((_, d) => d).filter((d) => d !== a && d !== b), order = [...rest, a, b];
  const n = x.shape[a]!, m = x.shape[b]!;
  const count = Math.max(0, offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m));
  const start = offset >= 0 ? offset : -offset * m;
  const flat = reshape(permute(x, order), [...rest.map((d) => x.shape[d]!), n * m]);
  const written = writeAlong("diagonalScatter", flat, src, rest.length, Array.from({ length: count }, (_, i) => start + i * (m + 1)));
  return permute(reshape(written, order.map((d) => x.shape[d]!)), order.map((_, i) => order.indexOf(i)));
}

export interface PutOptions {
  /** Add source at the indices instead of writing it. */
  accumulate?: boolean;
}
/** x (read flat) with source written (or added) at index (negative counts from the end). Matches torch.Tensor.put. */
export function put(x: Tensor, index: Tensor, source: Tensor, ...args: Args<[accumulate: boolean], PutOptions>): Tensor {
  const { accumulate } = resolveArgs<Required<PutOptions>>("put", args, ["accumulate"], { accumulate: false });
  tensorArg("put", x);
  if (!(index instanceof Tensor) || index.dtype !== "int32") throw new TypeError(`put: index must be an int32 tensor, got ${index instanceof Tensor ? index.dtype : typeof index}`);
  if (tensorArg("put", source, "source").numel !== index.numel) throw new Error(`put: source ${fmtShape(source.shape)} must have as many elements as index ${fmtShape(index.shape)}`);
  const flat = reshape(x, [-1]), i = reshape(index, [-1]);
  const idx = where(i.lt(0), i.add(flat.numel), i), src = cast(reshape(source, [-1]), x.dtype);
  return reshape(accumulate ? scatterAdd(flat, 0, idx, src) : scatter(flat, 0, idx, src), x.shape);
}
/** x with the positions where mask (broadcast to x) is true filled by source's elements in order. Matches torch.Tensor.masked_scatter. */
export function maskedScatter(x: Tensor, mask: Tensor, source: Tensor): Tensor {
  tensorArg("maskedScatter", x);
  if (!(mask instanceof Tensor) || mask.dtype !== "bool") throw new TypeError(`maskedScatter: mask must be a bool tensor, got ${mask instanceof Tensor ? mask.dtype : typeof mask}`);
  const shape = broadcastShapes("maskedScatter", x.shape, mask.shape);
  if (shape.length !== x.ndim || shape.some((s, i) => s !== x.shape[i])) throw new Error(`maskedScatter: mask ${fmtShape(mask.shape)} must broadcast to the input ${fmtShape(x.shape)}`);
  const m = expand(mask, x.shape), bits = m.contiguous().dataSync();
  let k = 0;
  const pos = Array.from(bits, (b) => (b ? k++ : 0));
  if (k > tensorArg("maskedScatter", source, "source").numel) throw new Error(`maskedScatter: the mask selects ${k} elements but source ${fmtShape(source.shape)} has ${source.numel}`);
  const picked = k === 0 ? x : reshape(indexSelect(reshape(cast(source, x.dtype), [-1]), 0, int32(x, pos, [pos.length])), x.shape);
  return where(m, picked, x);
}

/** The indices of the non-zero elements, one row [N, ndim] each (torch.argwhere; nonzero's layout). */
export const argwhere = (x: Tensor): Tensor => nonzero(tensorArg("argwhere", x));

declare module "../tensor.js" {
  interface Tensor {
    selectScatter(src: Tensor, dim: number, index: number): Tensor;
    sliceScatter(src: Tensor, ...args: Args<[dim: number, start: number | null, end: number | null, step: number], SliceScatterOptions>): Tensor;
    diagonalScatter(src: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor;
    argwhere(): Tensor; put(index: Tensor, source: Tensor, ...args: Args<[accumulate: boolean], PutOptions>): Tensor;
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
  }
}

installMethods({
  selectScatter(this: Tensor, src: Tensor, dim: number, index: number) { return selectScatter(this, src, dim, index); },
  sliceScatter(this: Tensor, src: Tensor, ...a: Args<[dim: number, start: number | null, end: number | null, step: number], SliceScatterOptions>) { return sliceScatter(this, src, ...a); },
  diagonalScatter(this: Tensor, src: Tensor, o?: number, a?: number, b?: number) { return diagonalScatter(this, src, o, a, b); },
  argwhere(this: Tensor) { return argwhere(this); },
  put(this: Tensor, i: Tensor, src: Tensor, ...a: Args<[accumulate: boolean], PutOptions>) { return put(this, i, src, ...a); },
  maskedScatter(this: Tensor, m: Tensor, src: Tensor) { return maskedScatter(this, m, src); },
});
