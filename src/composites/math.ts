// torch's elementwise math beyond the primitives: inverse trig and hyperbolic functions, log2/exp2,
// trunc/frac, logaddexp, lerp, xlogy, sinc, logit, isclose, fmax/fmin, copysign, nextafter and kin.
// Each is a composite of the primitives, so autograd needs no new rule; nextafter reads the host.

import { isFloating, type DType } from "../dtype.js";
import { resolveArgs, type Args } from "../options.js";
import { Tensor } from "../tensor.js";
import { broadcastAll, cast, clamp, compare, div as trueDiv, maximum, operands, pow, where, type TensorLike } from "../ops/elementwise.js";
import { installMethods } from "./methods.js";

const LN2 = Math.LN2, LN10 = Math.LN10;

function tensorArg(op: string, x: unknown, name = "input"): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${x === null ? "null" : typeof x}`);
  return x;
}
/** x, or x as float32 when it is an integer or bool tensor (torch's float ops promote them so). */
const floating = (op: string, x: unknown): Tensor => {
  const t = tensorArg(op, x);
  return isFloating(t.dtype) ? t : cast(t, "float32");
};
function noIntegers(op: string, ...xs: TensorLike[]): void {
  for (const x of xs)
    if (x instanceof Tensor && !isFloating(x.dtype)) throw new TypeError(`${op}: not implemented for ${x.dtype} tensors, as in torch; cast to float first`);
}
/** Both operands in their promoted dtype (float32 for integers when `float`), broadcast to one shape. */
function pair(op: string, a0: TensorLike, b0: TensorLike, float = true): [Tensor, Tensor] {
  const [a, b, d] = operands(op, a0, b0);
  const to: DType = float && !isFloating(d) ? "float32" : d;
  return broadcastAll(op, cast(a, to), cast(b, to)) as [Tensor, Tensor];
}

/** asin(x) = atan(x / √((1 − x)(1 + x))); NaN outside [−1, 1]. Matches torch.asin. */
export const asin = (x: Tensor): Tensor => {
  const f = floating("asin", x);
  return f.div(f.neg().add(1).mul(f.add(1)).sqrt()).atan();
};
/** acos(x) = 2·atan(√((1 − x)/(1 + x))), accurate near both ends. Matches torch.acos. */
export const acos = (x: Tensor): Tensor => {
  const f = floating("acos", x);
  return f.neg().add(1).div(f.add(1)).sqrt().atan().mul(2);
};
/** atan(x), the arctangent. Matches torch.atan. */
export const atan = (x: Tensor): Tensor => tensorArg("atan", x).atan();

/** x < 0 or x = −0 (x detached; a comparison, so no gradient). */
function negativeSign(x: Tensor): Tensor {
  const d = x.detach();
  return isFloating(d.dtype) ? d.lt(0).logicalOr(d.eq(0).logicalAnd(d.reciprocal().lt(0))) : d.lt(0);
}

/**
 * The angle of the point (x, y) in (−π, π], with torch's signed zeros (atan2(±0, −0) = ±π).
 * Where |y| ≤ |x| it is atan(y/x) (± π when x is negative), else ±π/2 − atan(x/y): each branch
 * divides by the larger magnitude, so values and gradients x/(x²+y²), −y/(x²+y²) stay finite.
 * Matches torch.atan2(input = y, other = x).
 */
export function atan2(y0: Tensor, x0: TensorLike): Tensor {
  let [y, x] = pair("atan2", tensorArg("atan2", y0), x0);
  const bothInf = y.isinf().logicalAnd(x.isinf()); // atan2(±∞, ±∞) is an odd multiple of π/4
  [y, x] = [where(bothInf, y.sign(), y), where(bothInf, x.sign(), x)];
  const small = x.abs().ge(y.abs());
  const t = y.div(where(small.logicalAnd(x.ne(0)), x, 1)).atan();
  const near = where(negativeSign(x), t.add(where(negativeSign(y), -Math.PI, Math.PI)), t);
  const far = y.sign().mul(Math.PI / 2).sub(x.div(where(small, 1, y)).atan());
  return where(small, near, far);
}

/** sinh(x) = (expm1(x) − expm1(−x)) / 2, exact near 0. Matches torch.sinh (overflows past |x| ≈ 88.7 in float32, torch at 89.4). */
export const sinh = (x: Tensor): Tensor => {
  const f = floating("sinh", x);
  return where(f.eq(0), f, f.expm1().sub(f.neg().expm1()).mul(0.5)); // ±0 stays ±0
};
/** cosh(x) = (eˣ + e⁻ˣ) / 2. Matches torch.cosh. */
export const cosh = (x: Tensor): Tensor => {
  const f = floating("cosh", x);
  return f.exp().add(f.neg().exp()).mul(0.5);
};
/** asinh(x) = sign·log1p(t + t²/(1 + √(1 + t²))) with t = |x|, exact near 0. Matches torch.asinh. */
export const asinh = (x: Tensor): Tensor => {
  const f = floating("asinh", x);
  const s = where(f.detach().lt(0), -1, 1).to(f.dtype); // a constant sign, so the gradient at 0 is 1
  const t = f.mul(s);
  // t²/(1 + √(1 + t²)) = t/(1/t + √(1/t² + 1)) keeps large |x| from overflowing t²
  const big = t.detach().gt(1e8), ts = where(big, 1, t); // ts: no overflow in the unused branch (its gradient would be NaN)
  const tail = where(big, t.sub(1), ts.square().div(ts.square().add(1).sqrt().add(1)));
  return where(f.eq(0), f, t.add(tail).log1p().mul(s)); // ±0 stays ±0
};
/** acosh(x) = log1p((x − 1) + √((x − 1)(x + 1))); NaN below 1. Matches torch.acosh. */
export const acosh = (x: Tensor): Tensor => {
  const f = floating("acosh", x);
  const big = f.detach().gt(1e8); // (x − 1)(x + 1) would overflow: acosh(x) ≈ log(2x)
  const fs = where(big, 2, f), m = fs.sub(1);
  // √(x−1)·√(x+1), not √((x−1)(x+1)): at x = 1 the gradient is ∞, as torch's, not ∞·0
  return where(big, f.mul(2).log(), m.add(m.sqrt().mul(fs.add(1).sqrt())).log1p());
};
/** atanh(x) = (log1p(x) − log1p(−x)) / 2. Matches torch.atanh. */
export const atanh = (x: Tensor): Tensor => {
  const f = floating("atanh", x);
  return f.log1p().sub(f.neg().log1p()).mul(0.5);
};
/** log₂ x = ln x / ln 2. Matches torch.log2. */
export const log2 = (x: Tensor): Tensor => floating("log2", x).log().div(LN2);
/** log₁₀ x = ln x / ln 10. Matches torch.log10. */
export const log10 = (x: Tensor): Tensor => floating("log10", x).log().div(LN10);
/** 2ˣ = exp(x·ln 2). Matches torch.exp2. */
export const exp2 = (x: Tensor): Tensor => floating("exp2", x).mul(LN2).exp();
/** Rounds toward zero (−0.5 → −0); integers unchanged; gradient 0. Matches torch.trunc. */
export const trunc = (x: Tensor): Tensor => {
  const t = tensorArg("trunc", x);
  return isFloating(t.dtype) ? where(t.lt(0), t.ceil(), t.floor()) : t.clone();
};
/** Alias of trunc (torch.fix). */
export const fix = (x: Tensor): Tensor => trunc(x);
/** x − trunc(x), with x's sign; gradient 1. Floats only, as torch.frac. */
export const frac = (x: Tensor): Tensor => {
  noIntegers("frac", tensorArg("frac", x));
  return x.sub(trunc(x));
};
/** sign(x) (for real tensors torch.sgn is torch.sign). */
export const sgn = (x: Tensor): Tensor => tensorArg("sgn", x).sign();
/** True where the sign bit is set: x < 0, −0 and −∞ (not −NaN, which no comparison sees). Matches torch.signbit. */
export const signbit = (x: Tensor): Tensor => {
  const t = tensorArg("signbit", x);
  return t.dtype === "bool" ? compare("ne", t, t) : negativeSign(t);
};
/** √(a² + b²) (no rescaling: overflows past |x| ≈ 1.8e19 in float32). Floats only. Matches torch.hypot. */
export function hypot(a: Tensor, b: TensorLike): Tensor {
  noIntegers("hypot", tensorArg("hypot", a), b);
  const [x, y] = pair("hypot", a, b);
  return x.square().add(y.square()).sqrt();
}

function logAddExp(op: string, a: Tensor, b: TensorLike, base2: boolean): Tensor {
  noIntegers(op, tensorArg(op, a), b);
  const [x, y] = pair(op, a, b);
  const same = x.eq(y).logicalAnd(x.isinf()); // ∞ with ∞ (or −∞ with −∞) is itself, not ∞ − ∞
  const d = where(same, 0, x.sub(y)).abs().neg();
  const tail = base2 ? d.mul(LN2).exp().log1p().div(LN2) : d.exp().log1p();
  return where(same, x, maximum(x, y).add(tail));
}
/** log(eᵃ + eᵇ) = max(a, b) + log1p(e^−|a−b|). Matches torch.logaddexp. */
export const logaddexp = (a: Tensor, b: TensorLike): Tensor => logAddExp("logaddexp", a, b, false);
/** log₂(2ᵃ + 2ᵇ) = max(a, b) + log1p(2^−|a−b|)/ln 2. Matches torch.logaddexp2. */
export const logaddexp2 = (a: Tensor, b: TensorLike): Tensor => logAddExp("logaddexp2", a, b, true);

/**
 * start + weight·(end − start), evaluated as torch does: end − (end − start)·(1 − weight) when
 * |weight| ≥ 0.5. start, end (and a tensor weight) share one floating dtype. Matches torch.lerp.
 */
export function lerp(start: Tensor, end: Tensor, weight: number | Tensor): Tensor {
  tensorArg("lerp", start);
  tensorArg("lerp", end, "end");
  noIntegers("lerp", start);
  for (const [name, t] of [["end", end], ["weight", weight]] as const)
    if (t instanceof Tensor && t.dtype !== start.dtype) throw new TypeError(`lerp: expected dtype ${start.dtype} for ${name}, got ${t.dtype} (as torch)`);
  const diff = end.sub(start);
  if (typeof weight === "number") return Math.abs(weight) < 0.5 ? start.add(diff.mul(weight)) : end.sub(diff.mul(1 - weight));
  if (!(weight instanceof Tensor)) throw new TypeError(`lerp: weight must be a number or a Tensor, got ${typeof weight}`);
  return where(weight.abs().lt(0.5), start.add(diff.mul(weight)), end.sub(diff.mul(weight.neg().add(1))));
}

/** x·log(y), and 0 where x = 0 unless y is NaN. Matches torch.xlogy. */
export function xlogy(x0: TensorLike, y0: TensorLike): Tensor {
  const [x, y] = pair("xlogy", x0, y0);
  return where(x.eq(0).logicalAnd(y.isnan().logicalNot()), 0, x.mul(y.log()));
}
/** sin(πx)/(πx), 1 at 0 (with gradient 0 there). Matches torch.sinc. */
export const sinc = (x: Tensor): Tensor => {
  const f = floating("sinc", x);
  const zero = f.eq(0);
  const px = where(zero, 1, f).mul(Math.PI);
  return where(zero, 1, px.sin().div(px));
};
/** x·π/180. Matches torch.deg2rad. */
export const deg2rad = (x: Tensor): Tensor => floating("deg2rad", x).mul(Math.PI / 180);
/** x·180/π. Matches torch.rad2deg. */
export const rad2deg = (x: Tensor): Tensor => floating("rad2deg", x).mul(180 / Math.PI);
/** 1 − erf(x) (absolute, not relative, accuracy in the far right tail). Matches torch.erfc. */
export const erfc = (x: Tensor): Tensor => floating("erfc", x).erf().neg().add(1);

export interface LogitOptions {
  /** Clamp the input to [eps, 1 − eps] first (the gradient is 0 outside); null: no clamp. */
  eps?: number | null;
}
/** log(z/(1 − z)) with z = x, or x clamped to [eps, 1 − eps]. Matches torch.logit. */
export function logit(x: Tensor, ...args: Args<[eps: number | null], LogitOptions>): Tensor {
  const { eps } = resolveArgs<Required<LogitOptions>>("logit", args, ["eps"], { eps: null });
  if (eps !== null && typeof eps !== "number") throw new TypeError(`logit: eps must be a number or null, got ${typeof eps}`);
  const f = floating("logit", x);
  const z = eps === null ? f : clamp(f, eps, 1 - eps);
  return z.div(z.neg().add(1)).log();
}

export interface IscloseOptions {
  rtol?: number;
  atol?: number;
  /** NaN counts as close to NaN. */
  equalNan?: boolean;
}
/** |a − b| ≤ atol + rtol·|b|, or a = b (equal infinities); a bool tensor. Matches torch.isclose. */
export function isclose(a: Tensor, b: Tensor, ...args: Args<[rtol: number, atol: number, equalNan: boolean], IscloseOptions>): Tensor {
  const { rtol, atol, equalNan } = resolveArgs<Required<IscloseOptions>>("isclose", args, ["rtol", "atol", "equalNan"], { rtol: 1e-5, atol: 1e-8, equalNan: false });
  tensorArg("isclose", a);
  tensorArg("isclose", b, "other");
  if (a.dtype !== b.dtype) throw new TypeError(`isclose: input is ${a.dtype} and other is ${b.dtype}; torch requires one dtype`);
  if (rtol < 0 || atol < 0) throw new RangeError(`isclose: rtol and atol must be non-negative, got rtol ${rtol}, atol ${atol}`);
  let [x, y] = [a.detach(), b.detach()];
  if (x.dtype === "bool") [x, y] = [cast(x, "float32"), cast(y, "float32")];
  let close = x.eq(y);
  if (equalNan) close = close.logicalOr(x.isnan().logicalAnd(y.isnan()));
  const err = x.sub(y).abs();
  return close.logicalOr(err.isfinite().logicalAnd(err.le(y.mul(rtol).abs().add(atol))));
}

/** max(a, b) ignoring NaN (NaN only where both are); ties give a the gradient. Matches torch.fmax. */
export function fmax(a: Tensor, b: TensorLike): Tensor {
  const [x, y] = pair("fmax", tensorArg("fmax", a), b, false);
  return where(x.ge(y).logicalOr(y.isnan()), x, y);
}
/** min(a, b) ignoring NaN (NaN only where both are); ties give a the gradient. Matches torch.fmin. */
export function fmin(a: Tensor, b: TensorLike): Tensor {
  const [x, y] = pair("fmin", tensorArg("fmin", a), b, false);
  return where(x.le(y).logicalOr(y.isnan()), x, y);
}
/** 0 where x < 0, values where x = 0, 1 where x > 0 (NaN gives 0); one dtype, no gradient. Matches torch.heaviside. */
export function heaviside(x: Tensor, values: Tensor): Tensor {
  tensorArg("heaviside", x);
  tensorArg("heaviside", values, "values");
  if (x.dtype !== values.dtype) throw new TypeError(`heaviside: input is ${x.dtype} and values is ${values.dtype}; torch requires one dtype`);
  const t = x.detach();
  return where(t.eq(0), values.detach(), cast(t.gt(0), t.dtype));
}
/** aᵇ in float64 whatever the inputs' dtypes. Matches torch.float_power. */
export function floatPower(a: TensorLike, b: TensorLike): Tensor {
  const up = (v: TensorLike): TensorLike => (v instanceof Tensor ? cast(v, "float64") : v);
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) throw new TypeError("floatPower: at least one operand must be a Tensor");
  return pow(up(a), up(b));
}
/** x·2ᵉ. Matches torch.ldexp. */
export function ldexp(x: Tensor, e: TensorLike): Tensor {
  tensorArg("ldexp", x);
  const ef = e instanceof Tensor && !isFloating(e.dtype) ? cast(e, "float32") : e;
  return x.mul(pow(2, ef));
}
/** |a| with b's sign (−0 counts as negative); the gradient of a is ±1 (0 at a = 0), b gets none. Matches torch.copysign. */
export function copysign(a: Tensor, b: TensorLike): Tensor {
  const [x, y] = pair("copysign", tensorArg("copysign", a), b);
  const m = x.abs();
  return where(negativeSign(y), m.neg(), m);
}

const scratch = new DataView(new ArrayBuffer(8));
function nextTowards(a: number, b: number, f32: boolean): number {
  if (a !== a || b !== b) return NaN;
  if (a === b) return b;
  if (a === 0) return Math.sign(b) * (f32 ? 2 ** -149 : Number.MIN_VALUE);
  const up = b > a === a > 0; // away from zero: one more in the magnitude's bits
  if (f32) {
    scratch.setFloat32(0, a);
    scratch.setInt32(0, scratch.getInt32(0) + (up ? 1 : -1));
    return scratch.getFloat32(0);
  }
  scratch.setFloat64(0, a);
  scratch.setBigInt64(0, scratch.getBigInt64(0) + (up ? 1n : -1n));
  return scratch.getFloat64(0);
}
/** The next representable value after a towards b (in the promoted float dtype); no gradient. Matches torch.nextafter. */
export function nextafter(a: Tensor, b: TensorLike): Tensor {
  noIntegers("nextafter", tensorArg("nextafter", a), b);
  const [x, y] = pair("nextafter", a, b);
  const xv = x.contiguous().dataSync(), yv = y.contiguous().dataSync();
  const out = x.dtype === "float32" ? new Float32Array(xv.length) : new Float64Array(xv.length);
  for (let i = 0; i < out.length; i++) out[i] = nextTowards(xv[i]!, yv[i]!, x.dtype === "float32");
  return Tensor.fromArray(out, x.shape, x.backend, x.dtype);
}

/** Alias of clamp (torch.clip). */
export const clip = (x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor => clamp(tensorArg("clip", x), min, max);
/** Alias of true division, div without a rounding mode (torch.true_divide). */
export const trueDivide = (a: TensorLike, b: TensorLike): Tensor => trueDiv(a, b);
/** True where x = +∞. Matches torch.isposinf. */
export const isposinf = (x: Tensor): Tensor => compare("eq", tensorArg("isposinf", x).detach(), Infinity);
/** True where x = −∞. Matches torch.isneginf. */
export const isneginf = (x: Tensor): Tensor => compare("eq", tensorArg("isneginf", x).detach(), -Infinity);

export interface IsinOptions {
  /** Accepted for torch's signature; the result does not depend on it. */
  assumeUnique?: boolean;
  /** True where the element is NOT in testElements. */
  invert?: boolean;
}
/** Whether each element occurs in testElements (a bool tensor of elements' shape; NaN is in nothing). Matches torch.isin. */
export function isin(elements: TensorLike, testElements: TensorLike, ...args: Args<[assumeUnique: boolean, invert: boolean], IsinOptions>): Tensor {
  const { invert } = resolveArgs<Required<IsinOptions>>("isin", args, ["assumeUnique", "invert"], { assumeUnique: false, invert: false });
  if (!(elements instanceof Tensor) && !(testElements instanceof Tensor)) throw new TypeError("isin: elements or testElements must be a Tensor");
  const e = elements instanceof Tensor ? elements.detach() : elements;
  let hit: Tensor;
  if (!(testElements instanceof Tensor)) hit = compare("eq", e, testElements);
  else if (!(e instanceof Tensor)) hit = compare("eq", testElements.detach().reshape([-1]), e).any();
  else hit = compare("eq", e.unsqueeze(-1), testElements.detach().reshape([-1])).any(-1);
  return invert ? hit.logicalNot() : hit;
}

declare module "../tensor.js" {
  interface Tensor {
    asin(): Tensor; acos(): Tensor; sinh(): Tensor; cosh(): Tensor; asinh(): Tensor; acosh(): Tensor; atanh(): Tensor;
    atan2(other: TensorLike): Tensor; log2(): Tensor; log10(): Tensor; exp2(): Tensor; trunc(): Tensor; fix(): Tensor;
    frac(): Tensor; sgn(): Tensor; signbit(): Tensor; hypot(other: TensorLike): Tensor; logaddexp(other: TensorLike): Tensor;
    logaddexp2(other: TensorLike): Tensor; lerp(end: Tensor, weight: number | Tensor): Tensor; xlogy(other: TensorLike): Tensor;
    sinc(): Tensor; deg2rad(): Tensor; rad2deg(): Tensor; erfc(): Tensor;
    logit(...args: Args<[eps: number | null], LogitOptions>): Tensor;
    isclose(other: Tensor, ...args: Args<[rtol: number, atol: number, equalNan: boolean], IscloseOptions>): Tensor;
    fmax(other: TensorLike): Tensor; fmin(other: TensorLike): Tensor; heaviside(values: Tensor): Tensor;
    floatPower(exponent: TensorLike): Tensor; ldexp(other: TensorLike): Tensor; copysign(other: TensorLike): Tensor;
    nextafter(other: TensorLike): Tensor; clip(min?: number | Tensor | null, max?: number | Tensor | null): Tensor;
    trueDivide(other: TensorLike): Tensor; isposinf(): Tensor; isneginf(): Tensor;
  }
}

installMethods({
  asin(this: Tensor) { return asin(this); }, acos(this: Tensor) { return acos(this); },
  sinh(this: Tensor) { return sinh(this); }, cosh(this: Tensor) { return cosh(this); },
  asinh(this: Tensor) { return asinh(this); }, acosh(this: Tensor) { return acosh(this); },
  atanh(this: Tensor) { return atanh(this); }, atan2(this: Tensor, o: TensorLike) { return atan2(this, o); },
  log2(this: Tensor) { return log2(this); }, log10(this: Tensor) { return log10(this); },
  exp2(this: Tensor) { return exp2(this); }, trunc(this: Tensor) { return trunc(this); },
  fix(this: Tensor) { return fix(this); }, frac(this: Tensor) { return frac(this); },
  sgn(this: Tensor) { return sgn(this); }, signbit(this: Tensor) { return signbit(this); },
  hypot(this: Tensor, o: TensorLike) { return hypot(this, o); }, logaddexp(this: Tensor, o: TensorLike) { return logaddexp(this, o); },
  logaddexp2(this: Tensor, o: TensorLike) { return logaddexp2(this, o); },
  lerp(this: Tensor, end: Tensor, w: number | Tensor) { return lerp(this, end, w); },
  xlogy(this: Tensor, o: TensorLike) { return xlogy(this, o); }, sinc(this: Tensor) { return sinc(this); },
  deg2rad(this: Tensor) { return deg2rad(this); }, rad2deg(this: Tensor) { return rad2deg(this); },
  erfc(this: Tensor) { return erfc(this); },
  logit(this: Tensor, ...a: Args<[eps: number | null], LogitOptions>) { return logit(this, ...a); },
  isclose(this: Tensor, o: Tensor, ...a: Args<[rtol: number, atol: number, equalNan: boolean], IscloseOptions>) { return isclose(this, o, ...a); },
  fmax(this: Tensor, o: TensorLike) { return fmax(this, o); }, fmin(this: Tensor, o: TensorLike) { return fmin(this, o); },
  heaviside(this: Tensor, v: Tensor) { return heaviside(this, v); }, floatPower(this: Tensor, e: TensorLike) { return floatPower(this, e); },
  ldexp(this: Tensor, e: TensorLike) { return ldexp(this, e); }, copysign(this: Tensor, o: TensorLike) { return copysign(this, o); },
  nextafter(this: Tensor, o: TensorLike) { return nextafter(this, o); },
  clip(this: Tensor, lo?: number | Tensor | null, hi?: number | Tensor | null) { return clip(this, lo, hi); },
  trueDivide(this: Tensor, o: TensorLike) { return trueDivide(this, o); },
  isposinf(this: Tensor) { return isposinf(this); }, isneginf(this: Tensor) { return isneginf(this); },
});
