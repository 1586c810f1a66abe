// Elementwise ops with PyTorch's names: type promotion and broadcasting happen here, once, so that
// the primitives below always see operands of one dtype and one shape.

import { checkDType, isFloating, promoteTensorTypes, promoteWithScalar, type DType, type TypedArray } from "../dtype.js";
import { broadcastShapes, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { resolveArgs } from "../options.js";
import type { Backend } from "../backend/backend.js";
import { apply } from "./dispatch.js";
import { inferNested, tensor, type NestedArray } from "./creation.js";
import type { ArithOp, CompareOp, UnaryOp } from "./primitives.js";

/** What elementwise ops take as operands: tensors, numbers, booleans and nested arrays of them. */
export type TensorLike = Tensor | NestedArray | TypedArray;

// Scalar operands (x.mul(2), the rules' add(1)) as cached 0-d tensors: one allocation per value,
// not per use. They only ever enter primitives as inputs, never reach the user, and are never
// assigned to; one freed by an allocation scope is made again.
const constants = new WeakMap<Backend, Map<string, Tensor>>();

/** A 0-d tensor holding `v` in `dtype` on `like`'s backend (cached; never hand it out). */
export function scalarLike(like: Tensor, v: number | boolean, dtype: DType): Tensor {
  let cache = constants.get(like.backend);
  if (!cache) constants.set(like.backend, (cache = new Map<string, Tensor>()));
  const key = dtype + (Object.is(v, -0) ? "-0" : String(+v));
  let t = cache.get(key);
  if (!t || t.storage.live === false) {
    if (cache.size >= 1024) cache.clear();
    t = Tensor.fromStorage(like.backend, like.backend.full(1, dtype, +v), [], dtype);
    cache.set(key, t);
  }
  return t;
}

/** Converts to `dtype` (no-op when it already is). Float → int truncates toward zero and saturates at int32's range. */
export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : apply("cast", [x], { dtype: checkDType("cast", dtype) });
}

/** Broadcasts every operand to one shape (views; no copy). */
export function broadcastAll(op: string, ...xs: Tensor[]): Tensor[] {
  if (xs.length === 2 && shapesEqual(xs[0]!.shape, xs[1]!.shape)) return xs;
  const shape = broadcastShapes(op, ...xs.map((x) => x.shape));
  return xs.map((x) => (shapesEqual(x.shape, shape) ? x : apply("expand", [x], { shape })));
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object") return `an object (${v.constructor?.name ?? "no prototype"})`;
  if (typeof v === "string") return `a string ('${v}')`;
  return `a ${typeof v}`;
}

/**
 * Checks an operand and turns nested arrays (and typed arrays) into a tensor on `like`'s device.
 * A nested array's numbers are "weak" like a scalar's: they take `like`'s floating dtype, stay
 * int32 next to an integer tensor when they are whole, and are float32 otherwise. Anything else
 * (undefined, null, strings, objects) throws: it used to become NaN or 0 through `+v`.
 */
export function operand(op: string, v: unknown, like: Tensor): Tensor | number | boolean {
  if (v instanceof Tensor || typeof v === "number" || typeof v === "boolean") return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return tensor(v as Float32Array, { device: like.device });
  if (Array.isArray(v)) {
    let flat: (number | boolean)[];
    try {
      flat = inferNested(v as NestedArray).flat;
    } catch (e) {
      throw new TypeError(`${op}: the array operand is not a tensor's nested array: ${(e as Error).message.replace(/^tensor: /, "")}`);
    }
    const dtype: DType = flat.length > 0 && flat.every((e) => typeof e === "boolean") ? "bool"
      : isFloating(like.dtype) ? like.dtype
      : flat.every((e) => Number.isInteger(+e) && Math.abs(+e) <= 2147483647) ? "int32" : "float32";
    return tensor(v as NestedArray, { dtype, device: like.device });
  }
  throw new TypeError(`${op}: an operand must be a Tensor, a number, a boolean or a nested array of them, got ${describe(v)}`);
}

/** Turns a scalar operand into a tensor and finds the common dtype (scalars are "weak", as in torch). */
export function operands(op: string, a0: TensorLike, b0: TensorLike): [Tensor, Tensor, DType] {
  const like = a0 instanceof Tensor ? a0 : b0 instanceof Tensor ? b0 : null;
  if (!like) throw new TypeError(`${op}: at least one operand must be a Tensor`);
  const a = operand(op, a0, like);
  const b = operand(op, b0, like);
  if (a instanceof Tensor && b instanceof Tensor) {
    const d = promoteTensorTypes(a.dtype, a.ndim === 0, b.dtype, b.ndim === 0);
    return [a, b, d];
  }
  if (a instanceof Tensor) {
    const d = promoteWithScalar(a.dtype, b as number | boolean);
    return [a, scalarLike(a, b as number | boolean, d), d];
  }
  if (b instanceof Tensor) {
    const d = promoteWithScalar(b.dtype, a);
    return [scalarLike(b, a, d), b, d];
  }
  throw new TypeError(`${op}: at least one operand must be a Tensor`);
}

function arith(op: ArithOp, a: TensorLike, b: TensorLike, floatOnly = false): Tensor {
  // The hot path (two floating tensors of one dtype and shape, or one and a number): no promotion,
  // no broadcasting, no arrays; the general path below gives the same result for these.
  if (a instanceof Tensor && isFloating(a.dtype)) {
    if (b instanceof Tensor) {
      if (b.dtype === a.dtype && shapesEqual(a.shape, b.shape)) return apply(op, [a, b], null);
    } else if (typeof b === "number") {
      const s = scalarLike(a, b, a.dtype);
      return apply(op, [a, a.ndim === 0 ? s : apply("expand", [s], { shape: a.shape })], null);
    }
  }
  if (op === "pow" && a instanceof Tensor && !isFloating(a.dtype) && Number.isInteger(b) && (b as number) < 0) throw new RangeError(`pow: integers to negative integer powers are not allowed (torch); got ${a.dtype} ** ${b as number}, cast to float first`);
  const [x, y, dt] = operands(op, a, b);
  let d = dt;
  // bool op bool as in torch: + is or, * is and (results stay bool), - and ** are errors
  const logical = d === "bool" && (op === "add" || op === "mul");
  if (d === "bool" && (op === "sub" || op === "pow"))
    throw new TypeError(`${op}: not supported for two bool operands, as in PyTorch; use ${op === "sub" ? "a.ne(b) for a logical xor, or " : ""}a cast to int32 or float first`);
  if (d === "bool" && op !== "maximum" && op !== "minimum") d = "int32";
  if (floatOnly && !isFloating(d)) d = "float32";
  const [bx, by] = broadcastAll(op, cast(x, d), cast(y, d));
  const out = apply(op, [bx!, by!], null);
  return logical ? cast(out, "bool") : out;
}

/** torch's keyword-only `alpha`: add(a, b, { alpha }) = a + alpha·b. */
export interface AlphaOptions {
  alpha?: number;
}
const scaled = (where: string, a: TensorLike, b: TensorLike, opts: AlphaOptions | undefined): TensorLike => {
  if (opts === undefined) return b; // the hot path: no option parsing per op
  const { alpha } = resolveArgs<Required<AlphaOptions>>(where, [opts], [], { alpha: 1 });
  if (typeof alpha !== "number") throw new TypeError(`${where}: alpha must be a number, got ${typeof alpha}`);
  const v = a instanceof Tensor ? operand(where, b, a) : b; // nested arrays become tensors first
  return alpha === 1 || typeof v === "boolean" ? v : typeof v === "number" ? v * alpha : arith("mul", v, alpha);
};
/** a + alpha·b (torch.add). */
export const add = (a: TensorLike, b: TensorLike, opts?: AlphaOptions): Tensor => arith("add", a, scaled("add", a, b, opts));
/** a − alpha·b (torch.sub). */
export const sub = (a: TensorLike, b: TensorLike, opts?: AlphaOptions): Tensor => arith("sub", a, scaled("sub", a, b, opts));
export const mul = (a: TensorLike, b: TensorLike): Tensor => arith("mul", a, b);
/** True division: integer inputs give float32, like torch.div. */
export const div = (a: TensorLike, b: TensorLike): Tensor => arith("div", a, b, true);
export const pow = (a: TensorLike, b: TensorLike): Tensor => arith("pow", a, b);
export const maximum = (a: Tensor, b: TensorLike): Tensor => arith("maximum", a, b);
export const minimum = (a: Tensor, b: TensorLike): Tensor => arith("minimum", a, b);

export function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y, d] = operands(op, a, b);
  const [bx, by] = broadcastAll(op, cast(x, d), cast(y, d));
  return apply(op, [bx!, by!], null);
}

/** Float ops promote integer inputs to float32 (torch.exp(int tensor) is float). */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  const keepsInt = op === "neg" || op === "abs" || op === "sign" || op === "floor" || op === "ceil" || op === "round";
  if (!isFloating(x.dtype)) {
    if (op === "neg" && x.dtype === "bool") throw new TypeError("neg: negating a bool tensor is not supported, as in PyTorch; use logicalNot() to invert a mask");
    if (op === "floor" || op === "ceil" || op === "round") return x;
    if (!keepsInt || x.dtype === "bool") x = cast(x, keepsInt ? "int32" : "float32");
  }
  return apply(op, [x], null);
}

/** Elementwise select: cond ? a : b, broadcasting all three (torch.where). */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (!(cond instanceof Tensor) || cond.dtype !== "bool") throw new TypeError(`where: condition must be a bool tensor, got ${cond instanceof Tensor ? cond.dtype : describe(cond)}`);
  const a1 = operand("where", a, cond);
  const b1 = operand("where", b, cond);
  const [x, y, d] = operands("where", a1 instanceof Tensor || b1 instanceof Tensor ? a1 : scalarLike(cond, +a1, "float32"), b1);
  const [c, bx, by] = broadcastAll("where", cond, cast(x, d), cast(y, d));
  return apply("where", [c!, bx!, by!], null);
}

export function zerosLike(x: Tensor, dtype: DType = x.dtype): Tensor {
  return Tensor.fromStorage(x.backend, x.backend.full(x.numel, dtype, 0), x.shape, dtype);
}

export function fullLike(x: Tensor, value: number, dtype: DType = x.dtype): Tensor {
  return Tensor.fromStorage(x.backend, x.backend.full(x.numel, dtype, value), x.shape, dtype);
}

// Composites. Each is one line of math on the primitives above.

/** max(x, 0); NaN stays NaN and the gradient at 0 is 0, as in torch.relu. */
export const relu = (x: Tensor): Tensor => where(x.le(0), 0, x);
export const sigmoid = (x: Tensor): Tensor => unary("sigmoid", x);
export const square = (x: Tensor): Tensor => mul(x, x);
export const rsqrt = (x: Tensor): Tensor => unary("recip", unary("sqrt", x));
export const tan = (x: Tensor): Tensor => div(unary("sin", x), unary("cos", x));

/**
 * clamp(x, min, max) = min(max(x, min), max): gradient flows where min ≤ x ≤ max, and min > max gives
 * max everywhere, as in torch.clamp.
 */
export function clamp(x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
  if (min == null && max == null) throw new Error("clamp: at least one of min and max must be given");
  for (const [name, v] of [["min", min], ["max", max]] as const)
    if (v instanceof Tensor) broadcastShapes("clamp", x.shape, v.shape); // a shape error names clamp, not the comparison inside
    else if (v != null && typeof v !== "number") throw new TypeError(`clamp: ${name} must be a number or a Tensor, got ${describe(v)}`);
  let out = x;
  // a NaN bound gives NaN, as torch (out < NaN is false and would ignore it; out ≠ NaN is always true)
  const past = (op: "lt" | "gt", b: number | Tensor): Tensor => (typeof b === "number" ? compare(b !== b ? "ne" : op, out, b) : logicalOr(compare(op, out, b), isnan(b)));
  if (min != null) out = where(past("lt", min), min, out);
  if (max != null) out = where(past("gt", max), max, out);
  return out;
}

export const logicalNot = (x: Tensor): Tensor => compare("eq", cast(x, "bool"), false);
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => compare("ne", mul(cast(a, "bool"), cast(b, "bool")), 0);
export const logicalOr = (a: Tensor, b: Tensor): Tensor => compare("ne", add(cast(a, "bool"), cast(b, "bool")), 0);
export const isnan = (x: Tensor): Tensor => compare("ne", x, x);
