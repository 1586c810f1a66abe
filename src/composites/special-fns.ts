// torch.special's own functions (torch 1.13) for real float tensors: the Bessel, gamma, Gaussian and
// zeta families and the orthogonal polynomials, on host kernels ported from ATen's Math.h, with torch's
// derivative formulas; plus top-level i0, polygamma, mvlgamma, xlog1py, igamma, igammac and methods.

import { Tensor } from "../tensor.js";
import { cast, sigmoid, where, type TensorLike } from "../ops/elementwise.js";
import { isFloating } from "../dtype.js";
import { digamma, lgamma } from "./math-more.js";
import { installMethods } from "./methods.js";
import * as B from "./special-bessel.js";
import { erfcScalar, erfcxScalar, logNdtrScalar, ndtriScalar } from "./special-erfcx.js";
import { igammacScalar, igammaScalar, polygammaScalar, trigammaScalar, zetaScalar } from "./special-gamma.js";
import { hostOp, tensorArg } from "./special-host.js";
import * as P from "./special-poly.js";
import { erf as erfScalar } from "../backend/scalar-math.js";

/** The logistic sigmoid 1/(1 + e⁻ˣ). Matches torch.special.expit (torch.sigmoid). */
export const expit = (x: Tensor): Tensor => sigmoid(tensorArg("special.expit", x));

const SQRT_2PI = Math.sqrt(2 * Math.PI), TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
/** The machine epsilon of x's dtype (torch's i1 backward switches to the limit below it). */
const epsOf = (x: Tensor): number => (x.dtype === "float64" ? Number.EPSILON : 2 ** -23);
/** x where |x| > eps, else eps (so 1/x stays finite where the limit is taken instead), and that mask. */
function safe(x: Tensor): [Tensor, Tensor] {
  const big = x.detach().abs().gt(epsOf(x));
  return [where(big, x, epsOf(x)), big];
}

/** I₀(x), the modified Bessel function of the first kind of order 0 (Cephes). d/dx = I₁(x). Matches torch.special.i0 and torch.i0. */
export const i0 = (x: Tensor): Tensor => hostOp({ op: "special.i0", f: B.i0, grads: [(g, v) => g.mul(i1(v))] }, x);
/** e^{−|x|} I₀(x) (Cephes). d/dx = i1e(x) − sgn(x)·i0e(x). Matches torch.special.i0e. */
export const i0e = (x: Tensor): Tensor => hostOp({ op: "special.i0e", f: B.i0e, grads: [(g, v) => g.mul(i1e(v).sub(v.sign().mul(i0e(v))))] }, x);
/** I₁(x) (Cephes). d/dx = I₀(x) − I₁(x)/x, ½ at 0. Matches torch.special.i1. */
export const i1 = (x: Tensor): Tensor =>
  hostOp({ op: "special.i1", f: B.i1, grads: [(g, v) => {
    const [s, big] = safe(v);
    return g.mul(where(big, i0(s).sub(i1(s).div(s)), 0.5));
  }] }, x);
/** e^{−|x|} I₁(x) (Cephes). d/dx = i0e(x) − i1e(x)·(sgn(x) + 1/x), ½ at 0. Matches torch.special.i1e. */
export const i1e = (x: Tensor): Tensor =>
  hostOp({ op: "special.i1e", f: B.i1e, grads: [(g, v) => {
    const [s, big] = safe(v);
    return g.mul(where(big, i0e(s).sub(i1e(s).mul(s.sign().add(s.reciprocal()))), 0.5));
  }] }, x);

/** Φ(x) = ½(1 + erf(x/√2)), the standard normal CDF (erfc in the tails, as torch's calc_ndtr). d/dx = e^{−x²/2}/√(2π). Matches torch.special.ndtr. */
export const ndtr = (x: Tensor): Tensor =>
  hostOp({ op: "special.ndtr", f: ndtrScalar, grads: [(g, v) => g.mul(v.square().mul(-0.5).exp().div(SQRT_2PI))] }, x);
function ndtrScalar(a: number): number {
  const x = a * Math.SQRT1_2, z = Math.abs(x);
  if (z < Math.SQRT1_2) return 0.5 + 0.5 * erfScalar(x);
  const y = 0.5 * erfcScalar(z);
  return x > 0 ? 1 - y : y;
}
/** log Φ(x), accurate far into the left tail (erfcx). d/dx = e^{−(log Φ(x) + x²/2)}/√(2π). Matches torch.special.log_ndtr. */
export const logNdtr = (x: Tensor): Tensor =>
  hostOp({ op: "special.logNdtr", f: logNdtrScalar, grads: [(g, v) => g.mul(logNdtr(v).add(v.square().div(2)).neg().exp()).div(SQRT_2PI)] }, x);
/** Φ⁻¹(p), the standard normal quantile (Cephes' ndtri). d/dp = √(2π)·e^{ndtri(p)²/2}. Matches torch.special.ndtri. */
export const ndtri = (x: Tensor): Tensor =>
  hostOp({ op: "special.ndtri", f: ndtriScalar, grads: [(g, v) => g.mul(ndtri(v).square().div(2).exp()).mul(SQRT_2PI)] }, x);
/** erfcx(x) = e^{x²}·erfc(x) (Johnson's Faddeeva algorithm). d/dx = 2x·erfcx(x) − 2/√π. Matches torch.special.erfcx. */
export const erfcx = (x: Tensor): Tensor =>
  hostOp({ op: "special.erfcx", f: erfcxScalar, grads: [(g, v) => g.mul(v.mul(erfcx(v)).mul(2).sub(TWO_OVER_SQRT_PI))] }, x);
/** −x·ln x for x > 0, 0 at 0, −∞ below, the elementwise entropy. d/dx = −(1 + ln x). Matches torch.special.entr. */
export const entr = (x: Tensor): Tensor =>
  hostOp({ op: "special.entr", f: entrScalar, grads: [(g, v) => g.mul(v.log().add(1).neg())] }, x);
const entrScalar = (x: number): number => (Number.isNaN(x) ? x : x > 0 ? -x * Math.log(x) : x === 0 ? 0 : -Infinity);

const trigamma = (x: Tensor): Tensor =>
  hostOp({ op: "polygamma", f: (v) => trigammaScalar(v), f32: (v) => trigammaScalar(v, Math.fround(Math.PI)), grads: [(g, v) => g.mul(polygamma(2, v))] }, x);
/**
 * ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function: digamma for n = 0, trigamma for 1, and
 * (−1)ⁿ⁺¹ n! ζ(n + 1, x) beyond (Cephes' zeta), as torch. d/dx = ψ⁽ⁿ⁺¹⁾(x). Matches torch.polygamma
 * and torch.special.polygamma.
 */
export function polygamma(n: number, x: Tensor): Tensor {
  if (typeof n !== "number" || !Number.isInteger(n)) throw new TypeError(`polygamma: n must be an integer, got ${String(n)}`);
  if (n < 0) throw new RangeError(`polygamma: polygamma(n, x) does not support negative n, got n = ${n}`);
  tensorArg("polygamma", x);
  if (n === 0) return digamma(x);
  if (n === 1) return trigamma(x);
  return hostOp({ op: "polygamma", f: (v) => polygammaScalar(n, v), grads: [(g, v) => g.mul(polygamma(n + 1, v))] }, x);
}

/**
 * The multivariate log-gamma function of dimension p: Σⱼ₌₀..ₚ₋₁ lnΓ(x − j/2) + p(p − 1)/4·ln π.
 * p ≥ 1 (torch 1.13 checks only that; elements at or below (p − 1)/2 give lnΓ of a pole or of a
 * negative argument, as torch's). Matches torch.mvlgamma and torch.special.multigammaln.
 */
export function mvlgamma(x: Tensor, p: number): Tensor {
  tensorArg("mvlgamma", x);
  if (typeof p !== "number" || !Number.isInteger(p)) throw new TypeError(`mvlgamma: p must be an integer, got ${String(p)}`);
  if (p < 1) throw new RangeError(`mvlgamma: p has to be greater than or equal to 1, got p = ${p}`);
  const f = isFloating(x.dtype) ? x : cast(x, "float32");
  let sum = lgamma(f);
  for (let j = 1; j < p; j++) sum = sum.add(lgamma(f.sub(j / 2)));
  return sum.add((p * (p - 1) / 4) * Math.log(Math.PI));
}

/**
 * x·log1p(y), and 0 where x = 0 unless y is NaN. Gradients as torch's: xlog1py(g, y) in x (0 where
 * x = 0 and y ≤ −1) and g·x/(1 + y) in y. Matches torch.special.xlog1py.
 */
export const xlog1py = (x: TensorLike, y: TensorLike): Tensor =>
  hostOp({ op: "xlog1py", f: xlog1pyScalar, grads: [(g, a, b) => where(a.eq(0).logicalAnd(b.le(-1)), 0, xlog1py(g, b)), (g, a, b) => g.mul(a).div(b.add(1))] }, x, y);
const xlog1pyScalar = (x: number, y: number): number => (Number.isNaN(y) ? NaN : x === 0 ? 0 : x * Math.log1p(y));

/** The Hurwitz zeta function ζ(x, q) = Σₖ (k + q)^(−x) (Cephes). d/dq = −x·ζ(x + 1, q); none in x, as torch. Matches torch.special.zeta. */
export const zeta = (x: TensorLike, q: TensorLike): Tensor =>
  hostOp({ op: "special.zeta", f: zetaScalar, grads: ["the derivative with respect to input (x) is not implemented, as in torch", (g, a, b) => g.mul(a.neg().mul(zeta(a.add(1), b)))] }, x, q);
/** x^{a−1}e^{−x}/Γ(a), the derivative of P(a, x) in x. */
const gammaDensity = (a: Tensor, x: Tensor): Tensor => a.sub(1).mul(x.log()).sub(x).sub(lgamma(a)).exp();
/** P(a, x) = γ(a, x)/Γ(a), the regularized lower incomplete gamma (SciPy's igam). No derivative in a, as torch. Matches torch.special.gammainc (torch.igamma). */
export const gammainc = (a: TensorLike, x: TensorLike): Tensor =>
  hostOp({ op: "special.gammainc", f: igammaScalar, grads: ["the derivative with respect to input (a) is not implemented, as in torch", (g, s, v) => g.mul(gammaDensity(s, v))] }, a, x);
/** Q(a, x) = 1 − P(a, x), the regularized upper incomplete gamma (SciPy's igamc). Matches torch.special.gammaincc (torch.igammac). */
export const gammaincc = (a: TensorLike, x: TensorLike): Tensor =>
  hostOp({ op: "special.gammaincc", f: igammacScalar, grads: ["the derivative with respect to input (a) is not implemented, as in torch", (g, s, v) => g.mul(gammaDensity(s, v)).neg()] }, a, x);

// Functions torch 1.13 gives no derivative at all: their results never require grad.
const plain = (op: string, f: (x: number) => number) => (x: Tensor): Tensor => hostOp({ op: `special.${op}`, f }, x);
/** J₀(x), the Bessel function of the first kind of order 0 (Cephes). Matches torch.special.bessel_j0 (no gradient, as torch). */
export const besselJ0 = plain("besselJ0", B.besselJ0);
/** J₁(x) (Cephes). Matches torch.special.bessel_j1. */
export const besselJ1 = plain("besselJ1", B.besselJ1);
/** Y₀(x), the Bessel function of the second kind (−∞ at 0, NaN below). Matches torch.special.bessel_y0. */
export const besselY0 = plain("besselY0", B.besselY0);
/** Y₁(x). Matches torch.special.bessel_y1. */
export const besselY1 = plain("besselY1", B.besselY1);
/** I₀(x) without a gradient. Matches torch.special.modified_bessel_i0. */
export const modifiedBesselI0 = plain("modifiedBesselI0", B.i0);
/** I₁(x) without a gradient. Matches torch.special.modified_bessel_i1. */
export const modifiedBesselI1 = plain("modifiedBesselI1", B.i1);
/** K₀(x), the modified Bessel function of the second kind. Matches torch.special.modified_bessel_k0. */
export const modifiedBesselK0 = plain("modifiedBesselK0", B.k0);
/** K₁(x). Matches torch.special.modified_bessel_k1. */
export const modifiedBesselK1 = plain("modifiedBesselK1", B.k1);
/** eˣ·K₀(x). Matches torch.special.scaled_modified_bessel_k0. */
export const scaledModifiedBesselK0 = plain("scaledModifiedBesselK0", B.k0e);
/** eˣ·K₁(x). Matches torch.special.scaled_modified_bessel_k1. */
export const scaledModifiedBesselK1 = plain("scaledModifiedBesselK1", B.k1e);
/** j₀(x) = sin(x)/x, the spherical Bessel function of order 0. Matches torch.special.spherical_bessel_j0. */
export const sphericalBesselJ0 = plain("sphericalBesselJ0", B.sphericalBesselJ0);
/** Ai(x), the Airy function of the first kind (Cephes). Matches torch.special.airy_ai. */
export const airyAi = plain("airyAi", B.airyAi);

/** A polynomial of degree n (a tensor or number, truncated to an integer as torch's int64 cast) at x; n < 0 gives 0. */
const poly = (op: string, f: (x: number, n: number, round?: (v: number) => number) => number) => (x: TensorLike, n: TensorLike): Tensor =>
  hostOp({ op: `special.${op}`, f: (v, k) => f(v, degree(k)), f32: (v, k) => f(v, degree(k), Math.fround) }, x, n);
const degree = (k: number): number => (Number.isNaN(k) ? -1 : Math.trunc(k));
/** Tₙ(x), the Chebyshev polynomial of the first kind. Matches torch.special.chebyshev_polynomial_t (no gradient, as torch). */
export const chebyshevPolynomialT = poly("chebyshevPolynomialT", P.chebyshevPolynomialT);
/** Uₙ(x), of the second kind. Matches torch.special.chebyshev_polynomial_u. */
export const chebyshevPolynomialU = poly("chebyshevPolynomialU", P.chebyshevPolynomialU);
/** Vₙ(x), of the third kind. Matches torch.special.chebyshev_polynomial_v. */
export const chebyshevPolynomialV = poly("chebyshevPolynomialV", P.chebyshevPolynomialV);
/** Wₙ(x), of the fourth kind. Matches torch.special.chebyshev_polynomial_w. */
export const chebyshevPolynomialW = poly("chebyshevPolynomialW", P.chebyshevPolynomialW);
/** Tₙ*(x) = Tₙ(2x − 1). Matches torch.special.shifted_chebyshev_polynomial_t. */
export const shiftedChebyshevPolynomialT = poly("shiftedChebyshevPolynomialT", P.shiftedChebyshevPolynomialT);
/** Uₙ*(x) = Uₙ(2x − 1). Matches torch.special.shifted_chebyshev_polynomial_u. */
export const shiftedChebyshevPolynomialU = poly("shiftedChebyshevPolynomialU", P.shiftedChebyshevPolynomialU);
/** Vₙ*(x) = Vₙ(2x − 1). Matches torch.special.shifted_chebyshev_polynomial_v. */
export const shiftedChebyshevPolynomialV = poly("shiftedChebyshevPolynomialV", P.shiftedChebyshevPolynomialV);
/** Wₙ*(x) = Wₙ(2x − 1). Matches torch.special.shifted_chebyshev_polynomial_w. */
export const shiftedChebyshevPolynomialW = poly("shiftedChebyshevPolynomialW", P.shiftedChebyshevPolynomialW);
/** Hₙ(x), the physicists' Hermite polynomial. Matches torch.special.hermite_polynomial_h. */
export const hermitePolynomialH = poly("hermitePolynomialH", P.hermitePolynomialH);
/** Heₙ(x), the probabilists' Hermite polynomial. Matches torch.special.hermite_polynomial_he. */
export const hermitePolynomialHe = poly("hermitePolynomialHe", P.hermitePolynomialHe);
/** Lₙ(x), the Laguerre polynomial. Matches torch.special.laguerre_polynomial_l. */
export const laguerrePolynomialL = poly("laguerrePolynomialL", P.laguerrePolynomialL);
/** Pₙ(x), the Legendre polynomial. Matches torch.special.legendre_polynomial_p. */
export const legendrePolynomialP = poly("legendrePolynomialP", P.legendrePolynomialP);

/** Alias of gammainc (torch.igamma). */
export const igamma = gammainc;
/** Alias of gammaincc (torch.igammac). */
export const igammac = gammaincc;

declare module "../tensor.js" {
  interface Tensor {
    i0(): Tensor; polygamma(n: number): Tensor; mvlgamma(p: number): Tensor; igamma(other: TensorLike): Tensor; igammac(other: TensorLike): Tensor;
  }
}
installMethods({
  i0(this: Tensor) { return i0(this); },
  igamma(this: Tensor, other: TensorLike) { return gammainc(this, other); },
  igammac(this: Tensor, other: TensorLike) { return gammaincc(this, other); },
  polygamma(this: Tensor, n: number) { return polygamma(n, this); },
  mvlgamma(this: Tensor, p: number) { return mvlgamma(this, p); },
});
