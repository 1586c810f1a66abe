// Masks and selections with PyTorch's names: tril/triu, maskedFill, maskedSelect, nonzero and
// one-argument where, all/any, nanToNum, and the scans cumsum/cumprod. All are composites of the
// primitives; the data-dependent shapes (maskedSelect, nonzero) read the mask on the host.

import { isFloating } from "../dtype.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape, normDim, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { broadcastAll, cast, compare, scalarLike, where } from "../ops/elementwise.js";
import { indexSelect } from "../ops/indexing.js";
import { pad, reshape } from "../ops/movement.js";
import { sum, type Dims } from "../ops/reduce.js";

const int32Range = (like: Tensor, n: number, shape: number[]): Tensor =>
  Tensor.fromArray(Int32Array.from({ length: n }, (_, i) => i), shape, like.backend, "int32");

/** Where the last two dims satisfy keep(col − row) for a matrix-shaped tensor. */
function triangle(op: string, x: Tensor, keep: (diff: Tensor) => Tensor): Tensor {
  if (x.ndim < 2) throw new Error(`${op}: expects a tensor with at least 2 dims, got ${fmtShape(x.shape)}`);
  const n = x.shape[x.ndim - 2]!, m = x.shape[x.ndim - 1]!;
  const diff = int32Range(x, m, [1, m]).sub(int32Range(x, n, [n, 1]));
  return where(keep(diff), x, scalarLike(x, 0, x.dtype));
}

/** Lower triangle of the last two dims: keeps x[i][j] with j − i ≤ diagonal, zeros the rest. Matches torch.tril. */
export const tril = (x: Tensor, diagonal = 0): Tensor => triangle("tril", x, (d) => d.le(diagonal));
/** Upper triangle of the last two dims: keeps x[i][j] with j − i ≥ diagonal. Matches torch.triu. */
export const triu = (x: Tensor, diagonal = 0): Tensor => triangle("triu", x, (d) => d.ge(diagonal));

function checkMask(op: string, mask: Tensor): void {
  if (mask.dtype !== "bool") throw new TypeError(`${op}: mask must be a bool tensor, got ${mask.dtype}`);
}

/**
 * x with `value` where `mask` is true (mask broadcasts to x's shape); keeps x's dtype. A 0-d tensor
 * value receives the gradient of the filled positions. Matches torch.Tensor.masked_fill.
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number | Tensor): Tensor {
  checkMask("maskedFill", mask);
  if (value instanceof Tensor && value.ndim !== 0)
    throw new Error(`maskedFill: value must be a number or a 0-d tensor, got shape ${fmtShape(value.shape)}`);
  if (typeof value === "number" && x.dtype === "int32" && !(value >= -2147483648 && value <= 2147483647))
    throw new RangeError(`maskedFill: value ${value} cannot be converted to int32 without overflow (torch raises too)`);
  const [m] = broadcastAll("maskedFill", mask, x);
  if (!shapesEqual(m!.shape, x.shape))
    throw new Error(`maskedFill: the mask ${fmtShape(mask.shape)} must broadcast to the input's shape ${fmtShape(x.shape)}`);
  return cast(where(m!, value, x), x.dtype);
}

/** Positions (row-major) of the non-zero elements of a host copy. */
function trueFlatIndices(x: Tensor): Int32Array {
  const data = x.dataSync();
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < data.length; i++) if (data[i] !== 0) out[k++] = i;
  return out;
}

/**
 * The elements of x where `mask` is true, as a 1-D tensor in row-major order (x and mask broadcast
 * together). Differentiable in x. Matches torch.masked_select.
 */
export function maskedSelect(x: Tensor, mask: Tensor): Tensor {
  checkMask("maskedSelect", mask);
  const [m, bx] = broadcastAll("maskedSelect", mask, x);
  const idx = trueFlatIndices(m!);
  return indexSelect(reshape(bx!, [-1]), 0, Tensor.fromArray(idx, [idx.length], x.backend, "int32"));
}

/** Indices of the non-zero elements: int32 [count, ndim], row-major order. Matches torch.nonzero. */
export function nonzero(x: Tensor): Tensor {
  const flat = trueFlatIndices(x);
  const out = new Int32Array(flat.length * x.ndim);
  flat.forEach((f, k) => {
    for (let d = x.ndim - 1; d >= 0; d--) {
      out[k * x.ndim + d] = f % x.shape[d]!;
      f = Math.floor(f / x.shape[d]!);
    }
  });
  return Tensor.fromArray(out, [flat.length, x.ndim], x.backend, "int32");
}

/** nonzero as one 1-D int32 index tensor per dim: torch.nonzero(as_tuple=True), torch.where(cond). */
export function nonzeroTuple(x: Tensor): Tensor[] {
  const nz = nonzero(x);
  return Array.from({ length: x.ndim }, (_, d) => reshape(nz.narrow(1, d, 1).contiguous(), [-1]));
}

/** True where any element along `dim` (all dims when omitted) is non-zero; bool. Matches torch.any. */
export const any = (x: Tensor, dim?: Dims, keepdim = false): Tensor => compare("gt", sum(compare("ne", x, 0), dim, keepdim), 0);
/** True where every element along `dim` (all dims when omitted) is non-zero; bool. Matches torch.all. */
export const all = (x: Tensor, dim?: Dims, keepdim = false): Tensor => compare("eq", sum(compare("eq", x, 0), dim, keepdim), 0);

export interface NanToNumOptions {
  nan?: number;
  /** Default: the largest finite value of x's dtype. */
  posinf?: number | null;
  /** Default: the lowest finite value of x's dtype. */
  neginf?: number | null;
}

/**
 * Replaces NaN by `nan` (0), +∞ by `posinf` and −∞ by `neginf` (the dtype's largest and lowest
 * finite values); replaced positions get gradient 0. Matches torch.nan_to_num.
 */
export function nanToNum(x: Tensor, ...args: Args<[nan: number, posinf: number | null, neginf: number | null], NanToNumOptions>): Tensor {
  const o = resolveArgs<NanToNumOptions>("nanToNum", args, ["nan", "posinf", "neginf"], { nan: 0, posinf: null, neginf: null });
  if (x.dtype !== "float32" && x.dtype !== "float64") return x;
  const big = x.dtype === "float32" ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const fill = (v: number): Tensor => scalarLike(x, v, x.dtype);
  const inf = where(compare("eq", x, Infinity), fill(o.posinf ?? big), where(compare("eq", x, -Infinity), fill(o.neginf ?? -big), x));
  return where(compare("ne", x, x), fill(o.nan ?? 0), inf);
}

/**
 * Inclusive scan along `dim` as ⌈log₂ n⌉ shifted combines (Hillis & Steele, 1986): each step
 * combines every element with the one `k` places before it (identity where there is none). Made
 * of pad and an elementwise op, so autograd differentiates it; O(n log n) work, log n ops.
 */
function scan(op: "cumsum" | "cumprod", x: Tensor, dim: number): Tensor {
  const d = normDim(op, dim, x.ndim);
  if (!isFloating(x.dtype) && x.backend.supportsFloat64) {
    // exact in float64, then checked: int32 would wrap where torch's int64 does not
    const wide = scan(op, cast(x, "float64"), d);
    for (const v of wide.dataSync())
      if (!(v >= -2147483648 && v <= 2147483647)) throw new RangeError(`${op}: the result ${v} overflows int32 (torch would use int64, which myelin does not have); cast to float64 first: x.double().${op}(${dim})`);
    return cast(wide, "int32");
  }
  let y = x.dtype === "bool" ? cast(x, "int32") : x;
  if (y.ndim === 0) return y;
  const n = y.shape[d]!;
  const identity = op === "cumsum" ? 0 : 1;
  for (let k = 1; k < n; k *= 2) {
    const padding = Array<number>(2 * (y.ndim - d)).fill(0);
    padding[padding.length - 2] = k; // k identities before, k elements cropped after
    padding[padding.length - 1] = -k;
    const shifted = pad(y, padding, identity);
    y = op === "cumsum" ? y.add(shifted) : y.mul(shifted);
  }
  return y;
}

/** Running sum along `dim`: yᵢ = Σ_{j≤i} xⱼ (bool → int32). Matches torch.cumsum. */
export const cumsum = (x: Tensor, dim: number): Tensor => scan("cumsum", x, dim);
/** Running product along `dim`: yᵢ = Π_{j≤i} xⱼ; exact gradient with zeros. Matches torch.cumprod. */
export const cumprod = (x: Tensor, dim: number): Tensor => scan("cumprod", x, dim);

/** torch.where with one argument (the indices where cond is true) or three (elementwise select). */
export function whereOrIndices(cond: Tensor): Tensor[];
export function whereOrIndices(cond: Tensor, a: Tensor | number | boolean, b: Tensor | number | boolean): Tensor;
export function whereOrIndices(cond: Tensor, a?: Tensor | number | boolean, b?: Tensor | number | boolean): Tensor | Tensor[] {
  if (a === undefined && b === undefined) return nonzeroTuple(cond);
  if (a === undefined || b === undefined) throw new Error("where: expects either one argument (the condition) or three");
  return where(cond, a, b);
}
