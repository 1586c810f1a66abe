// Scalar semantics of every elementwise primitive, in float64, shared by every backend that
// evaluates on the host (cpu.ts, the wasm backend's exact paths), plus the special functions
// JavaScript's Math lacks, accurate to float64 rounding so that float64 gradient checks trust them.

import type { BinaryOp, UnaryOp } from "../ops/primitives.js";

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * The error function. For |x| < 3 the series erf(x) = 2/√π · e^{-x²} · Σ 2ⁿx^{2n+1}/(1·3···(2n+1))
 * (Abramowitz & Stegun 7.1.6) has only positive terms, so it does not cancel; beyond that the
 * continued fraction for erfc (A&S 7.1.14), evaluated with the modified Lentz method, converges fast.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < Infinity)) return x !== x ? NaN : Math.sign(x); // ±1 at ±∞, where the continued fraction below gives NaN
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

export const unaryFns: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  recip: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  // two branches so that exp never overflows: σ(x) = 1/(1+e^-x) = e^x/(1+e^x)
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  erf,
  atan: Math.atan,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
};

/** NaN-propagating max/min, as torch.maximum/minimum. */
const maximum = (a: number, b: number): number => (a !== a || b !== b ? NaN : a > b ? a : b);
const minimum = (a: number, b: number): number => (a !== a || b !== b ? NaN : a < b ? a : b);

export const binaryFns: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum,
  minimum,
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
};

/** int32 arithmetic wraps like C and torch's int32 tensors, which plain JS doubles would not do for mul. */
export const int32Fns: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: Math.imul,
};
