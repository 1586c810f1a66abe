// Scalar (one element at a time) semantics of every elementwise primitive, in float64, for the wasm
// backend's slow paths (float64, int32, bool, mixed dtypes), matching cpu.ts. The f32 kernels in wasm/ agree.

import type { DType } from "../../dtype.js";
import type { BinaryOp, UnaryOp } from "../../ops/primitives.js";
import { erf, roundHalfEven } from "../scalar-math.js";

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
  // two branches so that exp never overflows (as in cpu.ts)
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  erf,
  atan: Math.atan,
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
