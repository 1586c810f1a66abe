// More of torch's elementwise math: round with decimals, erfinv, lgamma/digamma, and the integer
// functions (bitwise and/or/xor/not/shifts, gcd, lcm). Integer functions and erfinv's value are
// computed on the host; erfinv's gradient rides on a zero-valued term (first order only).

import { isFloating, type DType } from "../dtype.js";
import { resolveArgs, type Args } from "../options.js";
import { Tensor } from "../tensor.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { erf } from "../backend/scalar-math.js";
import { broadcastAll, cast, operands, where, type TensorLike } from "../ops/elementwise.js";
import { installMethods } from "./methods.js";

function tensorArg(op: string, x: unknown, name = "input"): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${x === null ? "null" : typeof x}`);
  return x;
}

export interface RoundOptions {
  /** Round to this many decimal places (negative: to tens, hundreds, …). */
  decimals?: number;
}
/**
 * Rounds half to even, or to `decimals` places as torch does: round(x·10ᵈ)/10ᵈ, or
 * round(x/10⁻ᵈ)·10⁻ᵈ for negative d (so binary rounding shows: 1.2345 → 1.23 in float32). Matches torch.round.
 */
export function round(x: Tensor, ...args: Args<[], RoundOptions>): Tensor {
  const { decimals } = resolveArgs<Required<RoundOptions>>("round", args, [], { decimals: 0 });
  tensorArg("round", x);
  if (!Number.isInteger(decimals)) throw new TypeError(`round: decimals must be an integer, got ${decimals}`);
  if (decimals === 0) return x.round();
  if (!isFloating(x.dtype)) throw new TypeError(`round: decimals are not implemented for ${x.dtype} tensors, as in torch`);
  const p = 10 ** Math.abs(decimals);
  return decimals > 0 ? x.mul(p).round().div(p) : x.div(p).round().mul(p);
}

/** Giles' single-precision erfinv ("Approximating the erfinv function", GPU Computing Gems, 2011), then Newton steps on float64 erf. */
export function erfinvScalar(x: number): number {
  if (!(Math.abs(x) <= 1)) return NaN;
  if (Math.abs(x) === 1) return x * Infinity;
  let w = -Math.log((1 - x) * (1 + x)), p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 2.1858087e-4, -1.25372503e-3, -4.17768164e-3, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -2.00214257e-4;
    for (const c of [1.00950558e-4, 1.34934322e-3, -3.67342844e-3, 5.73950773e-3, -7.6224613e-3, 9.43887047e-3, 1.00167406, 2.83297682]) p = c + p * w;
  }
  let y = p * x;
  for (let i = 0; i < 3; i++) {
    const slope = (2 / Math.sqrt(Math.PI)) * Math.exp(-y * y);
    if (!(slope > 0)) break;
    y -= (erf(y) - x) / slope;
  }
  return y;
}
/** The inverse of erf on (−1, 1) (±∞ at ±1, NaN outside); d/dx = √π/2·e^{erfinv(x)²}. Matches torch.erfinv. */
export function erfinv(x: Tensor): Tensor {
  const f = isFloating(tensorArg("erfinv", x).dtype) ? x : cast(x, "float32");
  const v = f.contiguous().dataSync();
  const out = f.dtype === "float64" ? new Float64Array(v.length) : new Float32Array(v.length);
  const scale = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    out[i] = erfinvScalar(v[i]!);
    scale[i] = (Math.sqrt(Math.PI) / 2) * Math.exp(out[i]! * out[i]!);
  }
  const value = Tensor.fromArray(out, f.shape, f.backend, f.dtype);
  if (!f.requiresGrad || !isGradEnabled()) return value;
  const term = f.mul(Tensor.fromArray(scale, f.shape, f.backend, f.dtype));
  return value.add(where(term.detach().isfinite(), term.sub(term.detach()), 0));
}

// Lanczos' approximation (g = 7, 9 terms), evaluated in float64 and rounded to the input's dtype:
// Γ(y) = √(2π)·t^{z+½}·e^{−t}·A(z) with z = y − 1, t = z + g + ½, A(z) = c₀ + Σ cᵢ/(z + i).
export const LANCZOS_G = 7, HALF_LOG_2PI = 0.9189385332046727, LANCZOS_C0 = 0.99999999999980993;
/** c₁ … c₈. */
export const LANCZOS = [676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
/** y ≥ ½ → z, t, A(z) and A′(z). */
function lanczos(y: Tensor): { z: Tensor; t: Tensor; a: Tensor; da: Tensor } {
  const z = y.sub(1), terms = LANCZOS.map((c, i) => z.add(i + 1).reciprocal().mul(c));
  const a = terms.reduce((acc, term) => acc.add(term)).add(LANCZOS_C0);
  const da = LANCZOS.map((c, i) => z.add(i + 1).square().reciprocal().mul(-c)).reduce((acc, term) => acc.add(term));
  return { z, t: z.add(LANCZOS_G + 0.5), a, da };
}
/** x (float64), the reflected argument y = 1 − x below ½ (else x), the reflection mask, and where x is a pole (0, −1, −2, …). */
function gammaArgs(op: string, x: Tensor): { f: Tensor; d: Tensor; y: Tensor; refl: Tensor; pole: Tensor } {
  const f = isFloating(tensorArg(op, x).dtype) ? x : cast(x, "float32");
  const d = cast(f, "float64"), refl = d.lt(0.5);
  return { f, d, y: where(refl, d.neg().add(1), d), refl, pole: d.le(0).logicalAnd(d.floor().eq(d)) };
}
/** ln|Γ(x)| (Lanczos, with the reflection ln(π/|sin πx|) − lnΓ(1 − x) below ½); +∞ at 0, −1, −2, … and ±∞. Gradient: digamma. Matches torch.lgamma. */
export function lgamma(x: Tensor): Tensor {
  const { f, d, y, refl, pole } = gammaArgs("lgamma", x);
  const { z, t, a } = lanczos(y);
  const right = z.add(0.5).mul(t.log()).sub(t).add(a.log()).add(HALF_LOG_2PI);
  const out = where(refl, d.mul(Math.PI).sin().abs().reciprocal().mul(Math.PI).log().sub(right), right);
  const exact = where(d.eq(1).logicalOr(d.eq(2)), 0, out); // lnΓ(1) = lnΓ(2) = 0 exactly, as torch's
  return cast(where(pole.logicalOr(d.isinf()), Infinity, exact), f.dtype);
}
/** ψ(x) = d lnΓ(x)/dx: ln t − g/t + A′/A, reflected as ψ(1 − x) − π/tan(πx); ∓∞ at ±0, NaN at −1, −2, …. Matches torch.digamma. */
export function digamma(x: Tensor): Tensor {
  const { f, d, y, refl, pole } = gammaArgs("digamma", x);
  const { t, a, da } = lanczos(y);
  const psi = t.log().sub(t.reciprocal().mul(LANCZOS_G)).add(da.div(a));
  const out = where(refl, psi.sub(d.mul(Math.PI).tan().reciprocal().mul(Math.PI)), psi);
  const zero = where(d.reciprocal().lt(0), Infinity, -Infinity); // digamma(+0) = −∞, digamma(−0) = +∞, as torch
  return cast(where(d.eq(0), zero, where(pole, NaN, out)), f.dtype);
}

/** Both operands as int32 or bool (torch's integer functions refuse floats), broadcast; the host values and the dtype. */
function integers(op: string, a0: TensorLike, b0: TensorLike, bools: boolean): [ArrayLike<number>, ArrayLike<number>, Tensor, DType] {
  const [a, b, d] = operands(op, a0, b0);
  if (isFloating(d) || (d === "bool" && !bools)) throw new TypeError(`${op}: not implemented for ${d} tensors, as in torch; it takes ${bools ? "int32 or bool" : "int32"}`);
  const [x, y] = broadcastAll(op, cast(a, d), cast(b, d)) as [Tensor, Tensor];
  return [x.contiguous().dataSync(), y.contiguous().dataSync(), x, d];
}
function integerOp(op: string, a: TensorLike, b: TensorLike, bools: boolean, f: (x: number, y: number) => number): Tensor {
  const [xv, yv, like, d] = integers(op, a, b, bools);
  const out = d === "bool" ? new Uint8Array(xv.length) : new Int32Array(xv.length);
  for (let i = 0; i < out.length; i++) out[i] = f(xv[i]!, yv[i]!);
  return Tensor.fromArray(out, like.shape, like.backend, d);
}
const gcdOf = (a: number, b: number): number => {
  [a, b] = [Math.abs(a), Math.abs(b)];
  while (b) [a, b] = [b, a % b];
  return a;
};

/** a & b, bitwise (int32) or logical (bool). Matches torch.bitwise_and. */
export const bitwiseAnd = (a: TensorLike, b: TensorLike): Tensor => integerOp("bitwiseAnd", a, b, true, (x, y) => x & y);
/** a | b. Matches torch.bitwise_or. */
export const bitwiseOr = (a: TensorLike, b: TensorLike): Tensor => integerOp("bitwiseOr", a, b, true, (x, y) => x | y);
/** a ^ b. Matches torch.bitwise_xor. */
export const bitwiseXor = (a: TensorLike, b: TensorLike): Tensor => integerOp("bitwiseXor", a, b, true, (x, y) => x ^ y);
/** ~x (int32), or not x (bool). Matches torch.bitwise_not. */
export const bitwiseNot = (x: Tensor): Tensor => integerOp("bitwiseNot", tensorArg("bitwiseNot", x), x, true, (v) => (x.dtype === "bool" ? +!v : ~v));
/** a << b in int32; the shift count is taken mod 32, as torch 1.13's int32 kernel does on x86. Matches torch.bitwise_left_shift. */
export const bitwiseLeftShift = (a: TensorLike, b: TensorLike): Tensor => integerOp("bitwiseLeftShift", a, b, false, (x, y) => x << y);
/** a >> b, arithmetic (the sign fills); the shift count is taken mod 32, as torch 1.13's. Matches torch.bitwise_right_shift. */
export const bitwiseRightShift = (a: TensorLike, b: TensorLike): Tensor => integerOp("bitwiseRightShift", a, b, false, (x, y) => x >> y);
/** The greatest common divisor, ≥ 0 (gcd(0, 0) = 0). Matches torch.gcd. */
export const gcd = (a: Tensor, b: TensorLike): Tensor => integerOp("gcd", tensorArg("gcd", a), b, false, gcdOf);
/** The least common multiple, ≥ 0 (0 when either is 0). Matches torch.lcm. */
export const lcm = (a: Tensor, b: TensorLike): Tensor => integerOp("lcm", tensorArg("lcm", a), b, false, (x, y) => {
  const g = gcdOf(x, y);
  return g === 0 ? 0 : Math.abs((x / g) * y) | 0;
});

declare module "../tensor.js" {
  interface Tensor {
    erfinv(): Tensor; lgamma(): Tensor; digamma(): Tensor; bitwiseAnd(other: TensorLike): Tensor; bitwiseOr(other: TensorLike): Tensor; bitwiseXor(other: TensorLike): Tensor;
    bitwiseNot(): Tensor; bitwiseLeftShift(other: TensorLike): Tensor; bitwiseRightShift(other: TensorLike): Tensor;
    gcd(other: TensorLike): Tensor; lcm(other: TensorLike): Tensor;
  }
}

installMethods({
  erfinv(this: Tensor) { return erfinv(this); }, lgamma(this: Tensor) { return lgamma(this); }, digamma(this: Tensor) { return digamma(this); },
  bitwiseAnd(this: Tensor, o: TensorLike) { return bitwiseAnd(this, o); }, bitwiseOr(this: Tensor, o: TensorLike) { return bitwiseOr(this, o); },
  bitwiseXor(this: Tensor, o: TensorLike) { return bitwiseXor(this, o); }, bitwiseNot(this: Tensor) { return bitwiseNot(this); },
  bitwiseLeftShift(this: Tensor, o: TensorLike) { return bitwiseLeftShift(this, o); },
  bitwiseRightShift(this: Tensor, o: TensorLike) { return bitwiseRightShift(this, o); },
  gcd(this: Tensor, o: TensorLike) { return gcd(this, o); }, lcm(this: Tensor, o: TensorLike) { return lcm(this, o); },
});
