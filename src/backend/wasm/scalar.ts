// Scalar (one element at a time) semantics of every elementwise primitive, in float64, for the wasm
// backend's slow paths (float64, int32, bool, mixed dtypes). The f32 SIMD kernels in wasm/ agree.

import type { DType } from "../../dtype.js";
import type { BinaryOp, UnaryOp } from "../../ops/primitives.js";

/** erf: positive-term series below 2.5, the erfc continued fraction above (same as wasm/kernels.ts). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(ax)) return x;
  if (ax >= 6) return x > 0 ? 1 : -1;
  let r: number;
  if (ax < 2.5) {
    // erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)): no cancellation.
    const x2 = 2 * ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    r = 1.1283791670955126 * Math.exp(-ax * ax) * sum;
  } else {
    let t = ax;
    for (let n = 60; n >= 1; n--) t = ax + (n * 0.5) / t;
    r = 1 - Math.exp(-ax * ax) / (1.7724538509055159 * t);
  }
  return x < 0 ? -r : r;
}

/** Round half to even (torch.round), unlike Math.round's half-up. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
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
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  erf,
  abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
};

/** NaN-propagating max/min (torch.maximum); Math.max would do too but states the intent. */
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
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

/** int32 arithmetic wraps like torch's int32 tensors (exact products via Math.imul). */
export const int32Fns: Partial<Record<BinaryOp, (a: number, b: number) => number>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: (a, b) => Math.imul(a, b),
};

/** A converter from a float64 result to what storing into `dtype` keeps (float → int truncates). */
export function storeFn(dtype: DType): ((v: number) => number) | null {
  switch (dtype) {
    case "int32":
      return (v) => Math.trunc(v) | 0;
    case "bool":
      return (v) => (v !== 0 ? 1 : 0);
    default:
      return null; // Float32Array/Float64Array assignment already rounds correctly
  }
}
