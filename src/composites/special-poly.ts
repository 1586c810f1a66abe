// Scalar kernels of torch.special's orthogonal polynomials, ported from ATen/native/Math.h (torch 1.13):
// Chebyshev T, U, V, W (and their shifted forms on [0, 1]), physicists' and probabilists' Hermite H and
// He, Laguerre L and Legendre P of integer degree n, by their three-term recurrences (n < 0 gives 0).

/** Tₙ(x): Tₖ₊₁ = 2x·Tₖ − Tₖ₋₁; cos(n·acos x) for n > 6 inside (−1, 1). */
export function chebyshevPolynomialT(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (Math.abs(x) === 1.0) {
    if (x > 0.0 || n % 2 === 0) return 1.0;
    return -1.0;
  }
  if ((n > 6) && (Math.abs(x) < 1.0)) return Math.cos(n * Math.acos(x));
  if (n === 0) return 1.0;
  if (n === 1) return x;
  let p = 1.0;
  let q = x;
  let r = 0;
  for (let k = 2; k <= n; k++) {
    r = (x + x) * q - p;
    p = q;
    q = r;
  }
  return r;
}

/** Uₙ(x): Uₖ₊₁ = 2x·Uₖ − Uₖ₋₁ from U₁ = 2x; sin((n + 1)θ)/sin θ, θ = acos x, for n > 8 inside (−1, 1). */
export function chebyshevPolynomialU(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (Math.abs(x) === 1.0) {
    if (x > 0.0 || n % 2 === 0) return n + 1;
    return -(n + 1);
  }
  if ((n > 8) && (Math.abs(x) < 1.0)) {
    if (Math.sin(Math.acos(x)) !== 0.0) return Math.sin((n + 1) * Math.acos(x)) / Math.sin(Math.acos(x));
    return (n + 1) * Math.cos((n + 1) * Math.acos(x)) / x;
  }
  if (n === 0) return 1.0;
  if (n === 1) return x + x;
  let p = 1.0;
  let q = x + x;
  let r = 0;
  for (let k = 2; k <= n; k++) {
    r = (x + x) * q - p;
    p = q;
    q = r;
  }
  return r;
}

/** Vₙ(x): the same recurrence from V₁ = 2x − 1; cos((n + ½)θ)/cos(θ/2) for n > 8 inside (−1, 1). */
export function chebyshevPolynomialV(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (Math.abs(x) === 1.0) {
    if (x > 0.0) return 1.0;
    if (n % 2 === 0) return n + n + 1;
    return -(n + n + 1);
  }
  if ((n > 8) && (Math.abs(x) < 1.0)) {
    if (Math.sin(Math.acos(x) / 2.0) !== 1.0) return Math.cos((n + 0.5) * Math.acos(x)) / Math.cos(Math.acos(x) / 2.0);
    if (n % 2 === 0) return n + n + 1;
    return -(n + n + 1);
  }
  if (n === 0) return 1.0;
  if (n === 1) return x + x - 1.0;
  let p = 1.0;
  let q = x + x - 1.0;
  let r = 0;
  for (let k = 2; k <= n; k++) {
    r = (x + x) * q - p;
    p = q;
    q = r;
  }
  return r;
}

/** Wₙ(x): the same recurrence from W₁ = 2x + 1; sin((n + ½)θ)/sin(θ/2) for n > 8 inside (−1, 1). */
export function chebyshevPolynomialW(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (Math.abs(x) === 1.0) {
    if (x > 0.0) return n + n + 1;
    if (n % 2 === 0) return 1.0;
    return -1.0;
  }
  if ((n > 8) && (Math.abs(x) < 1.0)) {
    if (Math.cos(Math.acos(x) / 2.0) !== 1.0) return Math.sin((n + 0.5) * Math.acos(x)) / Math.sin(Math.acos(x) / 2.0);
    if (x > 0.0) return n + n + 1;
    if (n % 2 === 0) return 1.0;
    return -1.0;
  }
  if (n === 0) return 1.0;
  if (n === 1) return x + x + 1.0;
  let p = 1.0;
  let q = x + x + 1.0;
  let r = 0;
  for (let k = 2; k <= n; k++) {
    r = (x + x) * q - p;
    p = q;
    q = r;
  }
  return r;
}

/** Hₙ(x) (physicists'): Hₖ₊₁ = 2x·Hₖ − 2k·Hₖ₋₁. */
export function hermitePolynomialH(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (n === 0) return 1.0;
  if (n === 1) return x + x;
  let p = 1.0;
  let q = x + x;
  let r = 0;
  for (let k = 2; k < n + n; k += 2) {
    r = (x + x) * q - k * p;
    p = q;
    q = r;
  }
  return r;
}

/** Heₙ(x) (probabilists'): Heₖ₊₁ = x·Heₖ − k·Heₖ₋₁. */
export function hermitePolynomialHe(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (n === 0) return 1.0;
  if (n === 1) return x;
  let p = 1.0;
  let q = x;
  let r = 0;
  for (let k = 1; k < n; k++) {
    r = x * q - k * p;
    p = q;
    q = r;
  }
  return r;
}

/** Lₙ(x): (k + 1)Lₖ₊₁ = (2k + 1 − x)Lₖ − k·Lₖ₋₁; 1 at x = 0. */
export function laguerrePolynomialL(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (Math.abs(x) === 0.0) return 1.0;
  if (n === 0) return 1.0;
  if (n === 1) return 1.0 - x;
  let p = 1.0;
  let q = 1.0 - x;
  let r = 0;
  for (let k = 1; k < n; k++) {
    r = (((k + k) + (1.0 - x)) * q - k * p) / (k + 1);
    p = q;
    q = r;
  }
  return r;
}

/** Pₙ(x): (k + 1)Pₖ₊₁ = (2k + 1)x·Pₖ − k·Pₖ₋₁; ±1 at x = ±1. */
export function legendrePolynomialP(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (Math.abs(x) === 1.0) {
    if (x > 0.0 || n % 2 === 0) return 1.0;
    return -1.0;
  }
  if (n === 0) return 1.0;
  if (n === 1) return x;
  let p = 1.0;
  let q = x;
  let r = 0;
  for (let k = 1; k < n; k++) {
    r = ((k + k + 1) * x * q - k * p) / (k + 1);
    p = q;
    q = r;
  }
  return r;
}

/** Tₙ*(x) = Tₙ(2x − 1), with torch's own thresholds for the trigonometric form. */
export function shiftedChebyshevPolynomialT(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (x === 1.0) return 1.0;
  if (x === 0.0) {
    if (n % 2 === 0) return 1.0;
    return -1.0;
  }
  if ((n > 6) && (Math.abs(x + x - 1.0) < 1.0)) return Math.cos(n * Math.acos(x + x - 1.0));
  if (n === 0) return 1.0;
  if (n === 1) return x + x - 1.0;
  let p = 1.0;
  let q = x + x - 1.0;
  let r = 0;
  for (let k = 2; k <= n; k++) {
    r = (x + x - 1.0 + (x + x - 1.0)) * q - p;
    p = q;
    q = r;
  }
  return r;
}

/** Uₙ*(x) = Uₙ(2x − 1). */
export function shiftedChebyshevPolynomialU(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (x === 1.0) return n + 1;
  if (x === 0.0) {
    if (n % 2 === 0) return n + 1;
    return -(n + 1);
  }
  if ((n > 6) && (Math.abs(x + x - 1.0) < 1.0)) {
    if (Math.sin(Math.acos(x + x - 1.0)) !== 0.0) return Math.sin((n + 1) * Math.acos(x + x - 1.0)) / Math.sin(Math.acos(x + x - 1.0));
    return (n + 1) * Math.cos((n + 1) * Math.acos(x + x - 1.0)) / (x + x - 1.0);
  }
  if (n === 0) return 1.0;
  if (n === 1) return x + x - 1.0 + (x + x - 1.0);
  let p = 1.0;
  let q = x + x - 1.0 + (x + x - 1.0);
  let r = 0;
  for (let k = 2; k <= n; k++) {
    r = (x + x - 1.0 + (x + x - 1.0)) * q - p;
    p = q;
    q = r;
  }
  return r;
}

/** Vₙ*(x) = Vₙ(2x − 1). */
export function shiftedChebyshevPolynomialV(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (x === 1.0) return 1.0;
  if (x === 0.0) {
    if (n % 2 === 0) return (n + n + 1);
    return -(n + n + 1);
  }
  if ((n > 6) && (Math.abs(x + x - 1.0) < 1.0)) {
    if (Math.sin(Math.acos(x + x - 1.0) / 2.0) !== 1.0) return Math.cos(((n) + 0.5) * Math.acos(x + x - 1.0)) / Math.cos(Math.acos(x + x - 1.0) / 2.0);
    if (n % 2 === 0) return n + n + 1;
    return -(n + n + 1);
  }
  if (n === 0) return 1.0;
  if (n === 1) return x + x - 1.0 + (x + x - 1.0) - 1.0;
  let p = 1.0;
  let q = x + x - 1.0 + (x + x - 1.0) - 1.0;
  let r = 0;
  for (let k = 2; k <= n; k++) {
    r = (x + x - 1.0 + (x + x - 1.0)) * q - p;
    p = q;
    q = r;
  }
  return r;
}

/** Wₙ*(x) = Wₙ(2x − 1). */
export function shiftedChebyshevPolynomialW(x: number, n: number): number {
  if (n < 0) return 0.0;
  if (x === 1.0) return n + n + 1;
  if (x === 0.0) {
    if (n % 2 === 0) return 1.0;
    return -1.0;
  }
  if ((n > 4) && (Math.abs(x + x - 1.0) < 1.0)) {
    if (Math.cos(Math.acos(x + x - 1.0) / 2.0) !== 1.0) return Math.sin((n + 0.5) * Math.acos(x + x - 1.0)) / Math.sin(Math.acos(x + x - 1.0) / 2.0);
    if (n % 2 === 0) return 1.0;
    return -1.0;
  }
  if (n === 0) return 1.0;
  if (n === 1) return x + x - 1.0 + (x + x - 1.0) + 1.0;
  let p = 1.0;
  let q = x + x - 1.0 + (x + x - 1.0) + 1.0;
  let r = 0;
  for (let k = 2; k <= n; k++) {
    r = (x + x - 1.0 + (x + x - 1.0)) * q - p;
    p = q;
    q = r;
  }
  return r;
}
