// The primitives: the only operations backends implement and autograd differentiates.
// Everything in PyTorch's vocabulary (relu, softmax, var, linear, …) is a composite of these.

import type { DType } from "../dtype.js";

/** Elementwise unary primitives. Float-only except neg/abs/sign (which keep integer dtypes). */
export type UnaryOp =
  | "neg" | "exp" | "log" | "log1p" | "expm1" | "sqrt" | "recip" | "sin" | "cos" | "tanh"
  | "sigmoid" | "erf" | "atan" | "abs" | "sign" | "floor" | "ceil" | "round";

/** Elementwise arithmetic on two same-shaped operands (broadcasting happens above, via expand). */
export type ArithOp = "add" | "sub" | "mul" | "div" | "pow" | "maximum" | "minimum";
/** Comparisons produce bool and have no gradient. */
export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";
export type BinaryOp = ArithOp | CompareOp;
export type ReduceOp = "sum" | "prod" | "max" | "min";
export type ArgReduceOp = "argmax" | "argmin";

export const UNARY_OPS: readonly UnaryOp[] = [
  "neg", "exp", "log", "log1p", "expm1", "sqrt", "recip", "sin", "cos", "tanh",
  "sigmoid", "erf", "atan", "abs", "sign", "floor", "ceil", "round",
];
export const ARITH_OPS: readonly ArithOp[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum"];
export const COMPARE_OPS: readonly CompareOp[] = ["eq", "ne", "lt", "le", "gt", "ge"];

/**
 * The attributes each primitive carries on the tape. A primitive missing here, or a rule missing
 * in autograd/rules.ts, is a compile error.
 */
export interface PrimAttrs {
  // unary
  neg: null; exp: null; log: null; log1p: null; expm1: null; sqrt: null; recip: null; sin: null; cos: null;
  tanh: null; sigmoid: null; erf: null; atan: null; abs: null; sign: null; floor: null; ceil: null; round: null;
  // binary
  add: null; sub: null; mul: null; div: null; pow: null; maximum: null; minimum: null;
  eq: null; ne: null; lt: null; le: null; gt: null; ge: null;
  where: null;
  // reductions keep the reduced dims with size 1
  sum: { dims: number[]; scalar?: boolean }; prod: { dims: number[] }; max: { dims: number[] }; min: { dims: number[] };
  argmax: { dim: number }; argmin: { dim: number };
  // views: no data moves, only shape/strides/offset change
  reshape: { shape: number[] };
  permute: { dims: number[] };
  expand: { shape: readonly number[] };
  slice: { starts: number[]; ends: number[]; steps: number[] };
  flip: { dims: number[] };
  // data movement that needs a kernel
  contiguous: null;
  pad: { pads: [number, number][]; value: number };
  cat: { dim: number };
  cast: { dtype: DType };
  /** copies to another device (backend) by name; no backend kernel: read here, upload there */
  toDevice: { device: string };
  gather: { dim: number };
  scatterAdd: { dim: number; shape: number[] };
  matmul: null;
  // stable order along `dim` (int32 indices, NaN sorts as the largest value); no gradient: values
  // are gathered at the indices, so gather's rule routes their gradient (ops/sorting.ts)
  argsort: { dim: number; descending: boolean };
}

export type Primitive = keyof PrimAttrs;
