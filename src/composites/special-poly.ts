// Scalar kernels of torch.special's orthogonal polynomials, ported from ATen/native/Math.h (torch 1.13):
// Chebyshev T, U, V, W (and the shifted ones on [0, 1]), Hermite H and He, Laguerre L and Legendre P
// of integer degree n (n < 0 gives 0), by their three-term recurrences or, for high degrees inside
// (−1, 1), torch's trigonometric forms. `round` is Math.fround for float32: torch's float32 kernel
// rounds every step, and high degrees amplify that visibly; float64 leaves the steps exact.

type Round = (v: number) => number;
const exact: Round = (v) => v;

/** Which Chebyshev kind, and torch's degree above which the trigonometric form is used inside (−1, 1). */
type Kind = "t" | "u" | "v" | "w";

/** Degree-n Chebyshev polynomial of `kind` at y (y = x, or 2x − 1 for the shifted ones), as torch's kernels. */
function chebyshev(kind: Kind, y: number, n: number, trigAbove: number, r: Round, shiftedW = false): number {
  if (n < 0) return 0;
  const odd = n % 2 !== 0;
  if (Math.abs(y) === 1) {
    // the values at ±1 (at 0 and 1 for the shifted ones)
    if (kind === "t") return y > 0 || !odd ? 1 : -1;
    if (kind === "u") return y > 0 || !odd ? n + 1 : -(n + 1);
    if (kind === "v") return y > 0 ? 1 : odd ? -(n + n + 1) : n + n + 1;
    return y > 0 ? n + n + 1 : odd ? -1 : 1;
  }
  if (n > trigAbove && Math.abs(y) < 1) {
    const theta = r(Math.acos(y)), cos = (a: number): number => r(Math.cos(r(a))), sin = (a: number): number => r(Math.sin(r(a)));
    if (kind === "t") return cos(n * theta);
    if (kind === "u") return sin(theta) !== 0 ? sin((n + 1) * theta) / sin(theta) : ((n + 1) * cos((n + 1) * theta)) / y;
    if (kind === "v") return sin(theta / 2) !== 1 ? cos((n + 0.5) * theta) / cos(theta / 2) : odd ? -(n + n + 1) : n + n + 1;
    if (cos(theta / 2) !== 1) return sin((n + 0.5) * theta) / sin(theta / 2);
    return y > 0 && !shiftedW ? n + n + 1 : odd ? -1 : 1;
  }
  const first = kind === "t" ? y : kind === "u" ? y + y : kind === "v" ? r(y + y - 1) : r(y + y + 1);
  if (n === 0) return 1;
  if (n === 1) return first;
  // Cₖ₊₁ = 2y·Cₖ − Cₖ₋₁
  let p = 1, q = first;
  for (let k = 2; k <= n; k++) [p, q] = [q, r(r((y + y) * q) - p)];
  return q;
}

/** Tₙ(x), of the first kind: cos(n·acos x) above degree 6 inside (−1, 1). */
export const chebyshevPolynomialT = (x: number, n: number, r = exact): number => chebyshev("t", x, n, 6, r);
/** Uₙ(x), of the second kind (U₁ = 2x): sin((n + 1)θ)/sin θ above degree 8. */
export const chebyshevPolynomialU = (x: number, n: number, r = exact): number => chebyshev("u", x, n, 8, r);
/** Vₙ(x), of the third kind (V₁ = 2x − 1): cos((n + ½)θ)/cos(θ/2) above degree 8. */
export const chebyshevPolynomialV = (x: number, n: number, r = exact): number => chebyshev("v", x, n, 8, r);
/** Wₙ(x), of the fourth kind (W₁ = 2x + 1): sin((n + ½)θ)/sin(θ/2) above degree 8. */
export const chebyshevPolynomialW = (x: number, n: number, r = exact): number => chebyshev("w", x, n, 8, r);
/** Tₙ*(x) = Tₙ(2x − 1), with torch's own degree thresholds for the shifted kernels. */
export const shiftedChebyshevPolynomialT = (x: number, n: number, r = exact): number => chebyshev("t", r(x + x - 1), n, 6, r);
/** Uₙ*(x) = Uₙ(2x − 1). */
export const shiftedChebyshevPolynomialU = (x: number, n: number, r = exact): number => chebyshev("u", r(x + x - 1), n, 6, r);
/** Vₙ*(x) = Vₙ(2x − 1). */
export const shiftedChebyshevPolynomialV = (x: number, n: number, r = exact): number => chebyshev("v", r(x + x - 1), n, 6, r);
/** Wₙ*(x) = Wₙ(2x − 1). */
export const shiftedChebyshevPolynomialW = (x: number, n: number, r = exact): number => chebyshev("w", r(x + x - 1), n, 4, r, true);

/** Hₙ(x), the physicists' Hermite polynomial: Hₖ₊₁ = 2x·Hₖ − 2k·Hₖ₋₁. */
export function hermitePolynomialH(x: number, n: number, r = exact): number {
  if (n < 0) return 0;
  if (n === 0) return 1;
  let p = 1, q = x + x;
  for (let k = 2; k < n + n; k += 2) [p, q] = [q, r(r((x + x) * q) - r(k * p))];
  return q;
}
/** Heₙ(x), the probabilists' Hermite polynomial: Heₖ₊₁ = x·Heₖ − k·Heₖ₋₁. */
export function hermitePolynomialHe(x: number, n: number, r = exact): number {
  if (n < 0) return 0;
  if (n === 0) return 1;
  let p = 1, q = x;
  for (let k = 1; k < n; k++) [p, q] = [q, r(r(x * q) - r(k * p))];
  return q;
}
/** Lₙ(x), the Laguerre polynomial: (k + 1)Lₖ₊₁ = (2k + 1 − x)Lₖ − k·Lₖ₋₁; 1 at x = 0. */
export function laguerrePolynomialL(x: number, n: number, r = exact): number {
  if (n < 0) return 0;
  if (x === 0 || n === 0) return 1;
  let p = 1, q = r(1 - x);
  for (let k = 1; k < n; k++) [p, q] = [q, r(r(r(r(k + k + r(1 - x)) * q) - r(k * p)) / (k + 1))];
  return q;
}
/** Pₙ(x), the Legendre polynomial: (k + 1)Pₖ₊₁ = (2k + 1)x·Pₖ − k·Pₖ₋₁; ±1 at x = ±1. */
export function legendrePolynomialP(x: number, n: number, r = exact): number {
  if (n < 0) return 0;
  if (Math.abs(x) === 1) return x > 0 || n % 2 === 0 ? 1 : -1;
  if (n === 0) return 1;
  let p = 1, q = x;
  for (let k = 1; k < n; k++) [p, q] = [q, r(r(r(r((k + k + 1) * x) * q) - r(k * p)) / (k + 1))];
  return q;
}
