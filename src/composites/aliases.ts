// torch's top-level function forms of Tensor methods (torch.max, torch.argmax, torch.clone, …), its
// aliases (arccos, concat, …), and its type queries (isTensor, resultType, canCast, …). Each is one
// call into an existing op, so each keeps that op's checks, gradient and errors.

import { checkDType, isFloating, promoteTensorTypes, promoteTypes as promote, promoteWithScalar, type DType } from "../dtype.js";
import { clamp, maximum, minimum, sub, type TensorLike } from "../ops/elementwise.js";
import { cat, split } from "../ops/movement.js";
import { argReduce, maxWithIndices } from "../ops/reduce.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { acos, acosh, asin, asinh, atan2, atanh } from "./math.js";
import { installMethods } from "./methods.js";

type KeepdimArgs = Args<[keepdim: boolean], { keepdim?: boolean }>;

/**
 * torch.max's three forms: max(x) → the largest value (0-d); max(x, dim, keepdim?) → [values,
 * indices] along dim, as Tensor.max; max(x, other) → the elementwise maximum. Matches torch.max.
 */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, ...args: KeepdimArgs): [Tensor, Tensor];
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dimOrOther?: number | Tensor, ...args: KeepdimArgs): Tensor | [Tensor, Tensor] {
  return extreme("max", x, dimOrOther, args);
}

/** torch.min's three forms, as max: min(x), min(x, dim, keepdim?) → [values, indices], min(x, other). Matches torch.min. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, ...args: KeepdimArgs): [Tensor, Tensor];
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dimOrOther?: number | Tensor, ...args: KeepdimArgs): Tensor | [Tensor, Tensor] {
  return extreme("min", x, dimOrOther, args);
}

function extreme(op: "max" | "min", x: Tensor, dimOrOther: number | Tensor | undefined, args: KeepdimArgs): Tensor | [Tensor, Tensor] {
  if (dimOrOther instanceof Tensor) {
    if (args.length) throw new TypeError(`${op}: the elementwise form ${op}(input, other) takes no further arguments`);
    return op === "max" ? maximum(x, dimOrOther) : minimum(x, dimOrOther);
  }
  const { keepdim } = resolveArgs(op, args, ["keepdim"], { keepdim: false });
  if (dimOrOther === undefined) {
    if (args.length) throw new TypeError(`${op}: keepdim needs a dim (${op}(input, dim, keepdim))`);
    return op === "max" ? x.max() : x.min();
  }
  return maxWithIndices(op === "max" ? "argmax" : "argmin", x, dimOrOther, keepdim);
}

/** Index of the largest value (over the flattened tensor without a dim), int32. Matches torch.argmax. */
export function argmax(x: Tensor, ...args: Args<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor {
  const { dim, keepdim } = resolveArgs("argmax", args, ["dim", "keepdim"], { dim: null as number | null, keepdim: false });
  return argReduce("argmax", x, dim ?? undefined, keepdim);
}

/** Index of the smallest value (over the flattened tensor without a dim), int32. Matches torch.argmin. */
export function argmin(x: Tensor, ...args: Args<[dim: number | null, keepdim: boolean], { dim?: number | null; keepdim?: boolean }>): Tensor {
  const { dim, keepdim } = resolveArgs("argmin", args, ["dim", "keepdim"], { dim: null as number | null, keepdim: false });
  return argReduce("argmin", x, dim ?? undefined, keepdim);
}

/** A copy on the graph. Matches torch.clone. */
export const clone = (x: Tensor): Tensor => x.clone();
/** The same values, cut from the graph. Matches torch.detach. */
export const detach = (x: Tensor): Tensor => x.detach();
/** The number of elements. Matches torch.numel. */
export const numel = (x: Tensor): number => x.numel;
/** Transpose of a tensor with at most 2 dims. Matches torch.t. */
export const t = (x: Tensor): Tensor => x.t();
/** The conjugate transpose of the last two dims; for real tensors, transpose(-2, -1). Matches torch.adjoint. */
export function adjoint(x: Tensor): Tensor {
  if (x.ndim < 2) throw new Error(`adjoint: expects a tensor with at least 2 dims, got ${fmtShape(x.shape)}`);
  return x.transpose(-2, -1);
}
/** clamp(x, min, null). Matches torch.clamp_min. */
export const clampMin = (x: Tensor, min: number | Tensor): Tensor => clamp(x, min, null);
/** clamp(x, null, max). Matches torch.clamp_max. */
export const clampMax = (x: Tensor, max: number | Tensor): Tensor => clamp(x, null, max);
/** x itself (unary plus); an error for bool tensors, as torch. Matches torch.positive. */
export function positive(x: Tensor): Tensor {
  if (x.dtype === "bool") throw new TypeError("positive: the unary + is not supported for bool tensors, as in torch");
  return x;
}
/** other − alpha·x (subtraction with the operands reversed). Matches torch.rsub. */
export function rsub(x: Tensor, other: Tensor | number, ...args: Args<[], { alpha?: number }>): Tensor {
  const { alpha } = resolveArgs("rsub", args, [], { alpha: 1 });
  return other instanceof Tensor ? sub(other, x, { alpha }) : sub(x.mul(-alpha), -other);
}
/** Splits into pieces of the given sizes along dim; the sizes must add up to the dim's size. Matches torch.split_with_sizes. */
export function splitWithSizes(x: Tensor, splitSizes: readonly number[], dim = 0): Tensor[] {
  if (!Array.isArray(splitSizes)) throw new TypeError(`splitWithSizes: splitSizes must be an array of sizes, got ${typeof splitSizes}`);
  return split(x, splitSizes, dim);
}
/** Alias of cat. Matches torch.concat. */
export const concat = (tensors: readonly Tensor[], dim = 0): Tensor => cat(tensors, dim);
/** Alias of cat. Matches torch.concatenate. */
export const concatenate = (tensors: readonly Tensor[], dim = 0): Tensor => cat(tensors, dim);
/** Alias of acos. Matches torch.arccos. */
export const arccos = (x: Tensor): Tensor => acos(x);
/** Alias of acosh. Matches torch.arccosh. */
export const arccosh = (x: Tensor): Tensor => acosh(x);
/** Alias of asin. Matches torch.arcsin. */
export const arcsin = (x: Tensor): Tensor => asin(x);
/** Alias of asinh. Matches torch.arcsinh. */
export const arcsinh = (x: Tensor): Tensor => asinh(x);
/** Alias of atan. Matches torch.arctan. */
export const arctan = (x: Tensor): Tensor => x.atan();
/** Alias of atanh. Matches torch.arctanh. */
export const arctanh = (x: Tensor): Tensor => atanh(x);
/** Alias of atan2. Matches torch.arctan2. */
export const arctan2 = (y: Tensor, x: TensorLike): Tensor => atan2(y, x);

/** Whether obj is a Tensor. Matches torch.is_tensor. */
export const isTensor = (obj: unknown): obj is Tensor => obj instanceof Tensor;
/** Whether x has a floating dtype. Matches torch.is_floating_point. */
export const isFloatingPoint = (x: Tensor): boolean => x.isFloatingPoint();
/** Whether the one element of x is nonzero; an error for any other size, as torch. Matches torch.is_nonzero. */
export function isNonzero(x: Tensor): boolean {
  if (x.numel !== 1) throw new Error(`isNonzero: Boolean value of Tensor with ${x.numel === 0 ? "no values" : "more than one value"} is ambiguous (shape ${fmtShape(x.shape)})`);
  return x.item() !== 0;
}
/** Whether a and b have the same shape. Matches torch.is_same_size. */
export const isSameSize = (a: Tensor, b: Tensor): boolean => shapesEqual(a.shape, b.shape);

/** A number's dtype when it stands for a Python scalar: bool for booleans, int32 for whole numbers, float32 otherwise. */
const scalarDType = (v: number | boolean): DType => (typeof v === "boolean" ? "bool" : promoteWithScalar("int32", v));

/**
 * The dtype of an arithmetic result of a and b (tensors or numbers), by torch's rules: dimensioned
 * tensors outrank 0-d ones, which outrank numbers, unless the lower one is of a higher kind
 * (bool < integer < float). A JS number is an integer when it is whole (JS has no 1.0 vs 1); whole
 * numbers and integer tensors give int32 (myelin's integer dtype), fractional numbers float32 (the
 * default dtype). Matches torch.result_type.
 */
export function resultType(a: Tensor | number | boolean, b: Tensor | number | boolean): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTensorTypes(a.dtype, a.ndim === 0, b.dtype, b.ndim === 0);
  if (a instanceof Tensor) return promoteWithScalar(a.dtype, b as number | boolean);
  if (b instanceof Tensor) return promoteWithScalar(b.dtype, a);
  for (const v of [a, b]) if (typeof v !== "number" && typeof v !== "boolean") throw new TypeError(`resultType: expected Tensors or numbers, got ${typeof v}`);
  return promote(scalarDType(a), scalarDType(b));
}

/** The smallest dtype both convert to without losing their kind. Matches torch.promote_types. */
export const promoteTypes = (a: DType, b: DType): DType => promote(checkDType("promoteTypes", a), checkDType("promoteTypes", b));

/**
 * Whether a cast from → to is allowed by torch's same-kind rule: never float to integer or bool,
 * nor integer to bool. Matches torch.can_cast.
 */
export function canCast(from: DType, to: DType): boolean {
  const f = checkDType("canCast", from), d = checkDType("canCast", to);
  if (isFloating(f)) return isFloating(d);
  return !(f === "int32" && d === "bool");
}

/** Sum of x reduced to `size` (x must broadcast from it): the gradient of an expand. Matches torch.Tensor.sum_to_size. */
export function sumToSize(x: Tensor, size: readonly number[]): Tensor {
  const lead = x.ndim - size.length;
  const ok = lead >= 0 && size.every((s, i) => s === x.shape[lead + i] || s === 1);
  if (!ok) throw new Error(`sumToSize: size ${fmtShape(size)} is not expandable to the tensor's shape ${fmtShape(x.shape)}`);
  const dims: number[] = [];
  for (let i = 0; i < x.ndim; i++) if (i < lead || (size[i - lead] === 1 && x.shape[i] !== 1)) dims.push(i);
  const s = dims.length ? x.sum(dims, true) : x;
  return lead > 0 ? s.reshape([...size]) : s;
}

declare module "../tensor.js" {
  interface Tensor {
    adjoint(): Tensor; clampMin(min: number | Tensor): Tensor; clampMax(max: number | Tensor): Tensor; positive(): Tensor;
    splitWithSizes(splitSizes: readonly number[], dim?: number): Tensor[];
    arccos(): Tensor; arccosh(): Tensor; arcsin(): Tensor; arcsinh(): Tensor; arctan(): Tensor; arctanh(): Tensor; arctan2(other: TensorLike): Tensor;
    isNonzero(): boolean; isSameSize(other: Tensor): boolean; sumToSize(...size: number[] | [readonly number[]]): Tensor;
    /** The conjugate transpose of a 2-D tensor (the transpose, for real ones). Matches torch.Tensor.H. */
    readonly H: Tensor;
    /** The conjugate transpose of the last two dims (mT, for real ones). Matches torch.Tensor.mH. */
    readonly mH: Tensor;
  }
}
installMethods({
  adjoint(this: Tensor) { return adjoint(this); },
  clampMin(this: Tensor, m: number | Tensor) { return clampMin(this, m); },
  clampMax(this: Tensor, m: number | Tensor) { return clampMax(this, m); },
  positive(this: Tensor) { return positive(this); },
  splitWithSizes(this: Tensor, s: readonly number[], dim?: number) { return splitWithSizes(this, s, dim ?? 0); },
  arccos(this: Tensor) { return acos(this); }, arccosh(this: Tensor) { return acosh(this); },
  arcsin(this: Tensor) { return asin(this); }, arcsinh(this: Tensor) { return asinh(this); },
  arctan(this: Tensor) { return this.atan(); }, arctanh(this: Tensor) { return atanh(this); },
  arctan2(this: Tensor, o: TensorLike) { return atan2(this, o); },
  isNonzero(this: Tensor) { return isNonzero(this); },
  isSameSize(this: Tensor, o: Tensor) { return isSameSize(this, o); },
  sumToSize(this: Tensor, ...size: number[] | [readonly number[]]) { return sumToSize(this, typeof size[0] === "number" ? (size as number[]) : (size[0] ?? [])); },
});
for (const [name, get] of [["H", function (this: Tensor) {
  if (this.ndim !== 2 && this.ndim !== 0) throw new Error(`H: expects a 0-D or 2-D tensor, got ${fmtShape(this.shape)}; use mH for batches of matrices`);
  return this.ndim === 0 ? this : this.transpose(0, 1);
}], ["mH", function (this: Tensor) { return adjoint(this); }]] as const) {
  if (name in Tensor.prototype) throw new Error(`aliases: Tensor.${name} already exists`);
  Object.defineProperty(Tensor.prototype, name, { get, configurable: true, enumerable: false });
}
