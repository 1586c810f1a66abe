// Top-level forms of the core's elementwise Tensor methods (torch.exp(x) beside x.exp()), and
// torch's aliases of them (absolute, negative, multiply, subtract, divide, logical_xor, greater, …).

import { Tensor } from "../tensor.js";
import { compare, logicalAnd as and, logicalNot as not, logicalOr as or, type AlphaOptions, type TensorLike } from "../ops/elementwise.js";
import { div, type DivOptions } from "./division.js";
import { installMethods } from "./methods.js";

function tensorArg(op: string, x: unknown): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${x === null ? "null" : typeof x}`);
  return x;
}
type UnaryName = "neg" | "exp" | "log" | "log1p" | "expm1" | "sqrt" | "rsqrt" | "reciprocal" | "square" | "abs" | "sign" | "sin" | "cos" | "tan" | "tanh" | "erf" | "floor" | "ceil" | "isnan" | "isinf" | "isfinite";
const unary = (name: UnaryName) => (x: Tensor): Tensor => tensorArg(name, x)[name]();

/** −x (torch.neg). */ export const neg = unary("neg");
/** Alias of neg (torch.negative). */ export const negative = (x: Tensor): Tensor => tensorArg("negative", x).neg();
/** eˣ (torch.exp). */ export const exp = unary("exp");
/** ln x (torch.log). */ export const log = unary("log");
/** ln(1 + x), exact near 0 (torch.log1p). */ export const log1p = unary("log1p");
/** eˣ − 1, exact near 0 (torch.expm1). */ export const expm1 = unary("expm1");
/** √x (torch.sqrt). */ export const sqrt = unary("sqrt");
/** 1/√x (torch.rsqrt). */ export const rsqrt = unary("rsqrt");
/** 1/x (torch.reciprocal). */ export const reciprocal = unary("reciprocal");
/** x² (torch.square). */ export const square = unary("square");
/** |x| (torch.abs). */ export const abs = unary("abs");
/** Alias of abs (torch.absolute). */ export const absolute = (x: Tensor): Tensor => tensorArg("absolute", x).abs();
/** −1, 0 or 1 by the sign of x (torch.sign). */ export const sign = unary("sign");
/** sin x (torch.sin). */ export const sin = unary("sin");
/** cos x (torch.cos). */ export const cos = unary("cos");
/** tan x (torch.tan). */ export const tan = unary("tan");
/** tanh x (torch.tanh). */ export const tanh = unary("tanh");
/** The error function (torch.erf). */ export const erf = unary("erf");
/** Rounds down (torch.floor). */ export const floor = unary("floor");
/** Rounds up (torch.ceil). */ export const ceil = unary("ceil");
/** True where x is NaN (torch.isnan). */ export const isnan = unary("isnan");
/** True where x is ±∞ (torch.isinf). */ export const isinf = unary("isinf");
/** True where x is finite (torch.isfinite). */ export const isfinite = unary("isfinite");

/** a = b elementwise, broadcasting (torch.eq). */ export const eq = (a: Tensor, b: TensorLike): Tensor => compare("eq", tensorArg("eq", a), b);
/** a ≠ b (torch.ne, torch.not_equal). */ export const ne = (a: Tensor, b: TensorLike): Tensor => compare("ne", tensorArg("ne", a), b);
/** a < b (torch.lt, torch.less). */ export const lt = (a: Tensor, b: TensorLike): Tensor => compare("lt", tensorArg("lt", a), b);
/** a ≤ b (torch.le, torch.less_equal). */ export const le = (a: Tensor, b: TensorLike): Tensor => compare("le", tensorArg("le", a), b);
/** a > b (torch.gt, torch.greater). */ export const gt = (a: Tensor, b: TensorLike): Tensor => compare("gt", tensorArg("gt", a), b);
/** a ≥ b (torch.ge, torch.greater_equal). */ export const ge = (a: Tensor, b: TensorLike): Tensor => compare("ge", tensorArg("ge", a), b);
/** Elementwise and of the truth values (torch.logical_and). */ export const logicalAnd = (a: Tensor, b: Tensor): Tensor => and(tensorArg("logicalAnd", a), b);
/** Elementwise or of the truth values (torch.logical_or). */ export const logicalOr = (a: Tensor, b: Tensor): Tensor => or(tensorArg("logicalOr", a), b);
/** Elementwise not of the truth values (torch.logical_not). */ export const logicalNot = (x: Tensor): Tensor => not(tensorArg("logicalNot", x));
/** Elementwise exclusive or of the truth values: bool(a) ≠ bool(b) (torch.logical_xor). */
export const logicalXor = (a: Tensor, b: Tensor): Tensor => compare("ne", tensorArg("logicalXor", a).bool(), tensorArg("logicalXor", b).bool());
/** Alias of gt (torch.greater). */ export const greater = (a: Tensor, b: TensorLike): Tensor => compare("gt", tensorArg("greater", a), b);
/** Alias of ge (torch.greater_equal). */ export const greaterEqual = (a: Tensor, b: TensorLike): Tensor => compare("ge", tensorArg("greaterEqual", a), b);
/** Alias of lt (torch.less). */ export const less = (a: Tensor, b: TensorLike): Tensor => compare("lt", tensorArg("less", a), b);
/** Alias of le (torch.less_equal). */ export const lessEqual = (a: Tensor, b: TensorLike): Tensor => compare("le", tensorArg("lessEqual", a), b);
/** Alias of ne (torch.not_equal). */ export const notEqual = (a: Tensor, b: TensorLike): Tensor => compare("ne", tensorArg("notEqual", a), b);
/** Alias of mul (torch.multiply). */ export const multiply = (a: Tensor, b: TensorLike): Tensor => tensorArg("multiply", a).mul(b);
/** Alias of sub (torch.subtract). */ export const subtract = (a: Tensor, b: TensorLike, opts?: AlphaOptions): Tensor => tensorArg("subtract", a).sub(b, opts);
/** Alias of div, with its roundingMode (torch.divide). */ export const divide = (a: TensorLike, b: TensorLike, opts?: DivOptions): Tensor => div(a, b, opts);

declare module "../tensor.js" {
  interface Tensor {
    negative(): Tensor; absolute(): Tensor; logicalXor(other: Tensor): Tensor; multiply(other: TensorLike): Tensor;
    subtract(other: TensorLike, opts?: AlphaOptions): Tensor; divide(other: TensorLike, opts?: DivOptions): Tensor;
    greater(other: TensorLike): Tensor; greaterEqual(other: TensorLike): Tensor; less(other: TensorLike): Tensor;
    lessEqual(other: TensorLike): Tensor; notEqual(other: TensorLike): Tensor;
  }
}

installMethods({
  negative(this: Tensor) { return this.neg(); }, absolute(this: Tensor) { return this.abs(); },
  logicalXor(this: Tensor, o: Tensor) { return logicalXor(this, o); }, multiply(this: Tensor, o: TensorLike) { return this.mul(o); },
  subtract(this: Tensor, o: TensorLike, opts?: AlphaOptions) { return this.sub(o, opts); },
  divide(this: Tensor, o: TensorLike, opts?: DivOptions) { return div(this, o, opts); },
  greater(this: Tensor, o: TensorLike) { return this.gt(o); }, greaterEqual(this: Tensor, o: TensorLike) { return this.ge(o); },
  less(this: Tensor, o: TensorLike) { return this.lt(o); }, lessEqual(this: Tensor, o: TensorLike) { return this.le(o); },
  notEqual(this: Tensor, o: TensorLike) { return this.ne(o); },
});
