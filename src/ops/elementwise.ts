// Elementwise ops with PyTorch's names: type promotion and broadcasting happen here, once, so that
// the primitives below always see operands of one dtype and one shape.

import { isFloating, promoteTensorTypes, promoteWithScalar, type DType } from "../dtype.js";
import { broadcastShapes, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import type { Backend } from "../backend/backend.js";
import { apply } from "./dispatch.js";
import type { ArithOp, CompareOp, UnaryOp } from "./primitives.js";

export type TensorLike = Tensor | number | boolean;

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

/** Converts to `dtype` (no-op when it already is). Float → int truncates toward zero. */
export function cast(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : apply("cast", [x], { dtype });
}

/** Broadcasts every operand to one shape (views; no copy). */
export function broadcastAll(op: string, ...xs: Tensor[]): Tensor[] {
  const shape = broadcastShapes(op, ...xs.map((x) => x.shape));
  return xs.map((x) => (shapesEqual(x.shape, shape) ? x : apply("expand", [x], { shape })));
}

/** Turns a scalar operand into a tensor and finds the common dtype (scalars are "weak", as in torch). */
function operands(a: TensorLike, b: TensorLike): [Tensor, Tensor, DType] {
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
  throw new TypeError("elementwise op: at least one operand must be a Tensor");
}

function arith(op: ArithOp, a: TensorLike, b: TensorLike, floatOnly = false): Tensor {
  const [x, y, dt] = operands(a, b);
  let d = dt;
  if (d === "bool" && op !== "maximum" && op !== "minimum") d = "int32";
  if (floatOnly && !isFloating(d)) d = "float32";
  const [bx, by] = broadcastAll(op, cast(x, d), cast(y, d));
  return apply(op, [bx!, by!], null);
}

export const add = (a: TensorLike, b: TensorLike): Tensor => arith("add", a, b);
export const sub = (a: TensorLike, b: TensorLike): Tensor => arith("sub", a, b);
export const mul = (a: TensorLike, b: TensorLike): Tensor => arith("mul", a, b);
/** True division: integer inputs give float32, like torch.div. */
export const div = (a: TensorLike, b: TensorLike): Tensor => arith("div", a, b, true);
export const pow = (a: TensorLike, b: TensorLike): Tensor => arith("pow", a, b);
export const maximum = (a: Tensor, b: TensorLike): Tensor => arith("maximum", a, b);
export const minimum = (a: Tensor, b: TensorLike): Tensor => arith("minimum", a, b);

export function compare(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  const [x, y, d] = operands(a, b);
  const [bx, by] = broadcastAll(op, cast(x, d), cast(y, d));
  return apply(op, [bx!, by!], null);
}

/** Float ops promote integer inputs to float32 (torch.exp(int tensor) is float). */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  const keepsInt = op === "neg" || op === "abs" || op === "sign" || op === "floor" || op === "ceil" || op === "round";
  if (!isFloating(x.dtype)) {
    if (op === "floor" || op === "ceil" || op === "round") return x;
    if (!keepsInt || x.dtype === "bool") x = cast(x, keepsInt ? "int32" : "float32");
  }
  return apply(op, [x], null);
}

/** Elementwise select: cond ? a : b, broadcasting all three (torch.where). */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (cond.dtype !== "bool") throw new TypeError(`where: condition must be a bool tensor, got ${cond.dtype}`);
  const [x, y, d] = operands(a instanceof Tensor || b instanceof Tensor ? a : scalarLike(cond, +a, "float32"), b);
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
  let out = x;
  if (min != null) out = where(compare("lt", out, min), min, out);
  if (max != null) out = where(compare("gt", out, max), max, out);
  return out;
}

export const logicalNot = (x: Tensor): Tensor => compare("eq", cast(x, "bool"), false);
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => compare("ne", mul(cast(a, "bool"), cast(b, "bool")), 0);
export const logicalOr = (a: Tensor, b: Tensor): Tensor => compare("ne", add(cast(a, "bool"), cast(b, "bool")), 0);
export const isnan = (x: Tensor): Tensor => compare("ne", x, x);
