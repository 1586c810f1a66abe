// Scalar special functions JavaScript's Math lacks, accurate to float64 rounding so that float64
// gradient checks can trust them. Shared by every backend that evaluates on the host.

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * The error function. For |x| < 3 the series erf(x) = 2/√π · e^{-x²} · Σ 2ⁿx^{2n+1}/(1·3···(2n+1))
 * (Abramowitz & Stegun 7.1.6) has only positive terms, so it does not cancel; beyond that the
 * continued fraction for erfc (A&S 7.1.14), evaluated with the modified Lentz method, converges fast.
 */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    const x2 = 2 * ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return Math.sign(x) * TWO_OVER_SQRT_PI * Math.exp(-ax * ax) * sum;
  }
  return Math.sign(x) * (1 - erfcLarge(ax));
}

/** erfc(x) for x ≥ 3: e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))). */
function erfcLarge(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = x + an * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + an / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
}

/** Rounds half to even, like torch.round and IEEE 754's default. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
