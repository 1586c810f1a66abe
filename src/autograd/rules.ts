// The calculus: one vector-Jacobian product per primitive, written with Tensor ops so that the
// backward pass can itself be differentiated (createGraph). Inputs were expanded to a common shape
// before every binary primitive, so no rule here deals with broadcasting: `expand` sums it back.

import type { PrimAttrs, Primitive } from "../ops/primitives.js";
import type { Tensor } from "../tensor.js";
import { shrink, sliceBackward, sumTo } from "../ops/movement.js";
import { reduceKeep } from "../ops/reduce.js";
import { scatterAddNew } from "../ops/indexing.js";
import { where, zerosLike } from "../ops/elementwise.js";
import { applyFused } from "../ops/fused/table.js";

/** grads for each input (null where an input needs none), given the output gradient g. */
export type VjpRule<P extends Primitive> = (
  g: Tensor,
  xs: readonly Tensor[],
  out: Tensor,
  attrs: PrimAttrs[P],
  needs: readonly boolean[],
) => (Tensor | null)[];

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const zero = (g: Tensor, x: Tensor): Tensor[] => [zerosLike(x, g.dtype)];

/** d max(a,b): each side gets g unless the other wins; ties split it, and a NaN on either side gives both g (torch.maximum). */
const extremum = <P extends "maximum" | "minimum">(pick: "gt" | "lt"): VjpRule<P> => (g, [a, b]) => {
  const share = (loses: Tensor): Tensor => where(a!.eq(b!), 0.5, where(loses, 0, 1).to(g.dtype));
  return [g.mul(share(a![pick === "gt" ? "lt" : "gt"](b!))), g.mul(share(a![pick](b!)))];
};

/** d amax: the gradient is shared evenly among the elements equal to the extreme, or among the NaNs that made it NaN (torch.max). */
const reduceExtreme = <P extends "max" | "min">(): VjpRule<P> => (g, [x], out) => {
  const mask = x!.eq(out.expand(x!.shape)).logicalOr(x!.isnan()).to(g.dtype);
  const count = reduceKeep("sum", mask, out.shape.flatMap((s, d) => (s === 1 && x!.shape[d] !== 1 ? [d] : [])));
  return [g.expand(x!.shape).mul(mask).div(count)];
};

export const rules: { [P in Primitive]: VjpRule<P> } = {
  neg: (g) => [g.neg()],
  exp: (g, _, out) => [g.mul(out)],
  log: (g, [x]) => [g.div(x!)],
  log1p: (g, [x]) => [g.div(x!.add(1))],
  expm1: (g, _, out) => [g.mul(out.add(1))],
  sqrt: (g, _, out) => [g.div(out.mul(2))],
  recip: (g, _, out) => [g.mul(out.square()).neg()],
  sin: (g, [x]) => [g.mul(x!.cos())],
  cos: (g, [x]) => [g.mul(x!.sin()).neg()],
  tanh: (g, _, out) => applyFused("tanhBackward", [g, out], null), // g·(1 − y²) in one op
  sigmoid: (g, _, out) => applyFused("sigmoidBackward", [g, out], null), // g·y·(1 − y)
  erf: (g, [x]) => [g.mul(x!.square().neg().exp().mul(TWO_OVER_SQRT_PI))], // d erf = 2/√π e^{-x²}
  atan: (g, [x]) => [g.div(x!.square().add(1))], // d atan = 1/(1+x²)
  abs: (g, [x]) => [g.mul(x!.sign())],
  sign: (g, [x]) => zero(g, x!),
  floor: (g, [x]) => zero(g, x!),
  ceil: (g, [x]) => zero(g, x!),
  round: (g, [x]) => zero(g, x!),

  add: (g) => [g, g],
  sub: (g) => [g, g.neg()],
  mul: (g, [a, b], _, __, needs) => [needs[0] ? g.mul(b!) : null, needs[1] ? g.mul(a!) : null],
  div: (g, [a, b], _, __, needs) => [needs[0] ? g.div(b!) : null, needs[1] ? g.neg().mul(a!).div(b!.square()) : null],
  // d aᵇ/da = b·aᵇ⁻¹ (0 where b = 0); d aᵇ/db = aᵇ·ln a (0 where a = 0 and b ≥ 0), as torch defines them
  pow: (g, [a, b], out, _, needs) => [
    needs[0] ? where(b!.eq(0), 0, g.mul(b!).mul(a!.pow(b!.sub(1)))) : null,
    needs[1] ? where(a!.eq(0).logicalAnd(b!.ge(0)), 0, g.mul(out).mul(a!.log())) : null,
  ],
  maximum: extremum("gt"),
  minimum: extremum("lt"),
  eq: () => [null, null], ne: () => [null, null], lt: () => [null, null],
  le: () => [null, null], gt: () => [null, null], ge: () => [null, null],
  where: (g, [c], _, __, needs) => [null, needs[1] ? where(c!, g, 0) : null, needs[2] ? where(c!, 0, g) : null],

  sum: (g, [x]) => [g.expand(x!.shape)],
  // ∂/∂xᵢ Πx = Π_{j≠i} xⱼ, computed without dividing by zero: one zero in a slice gets the product
  // of the rest, two or more zeros make every partial zero.
  prod: (g, [x], out, { dims }) => {
    const isZero = x!.eq(0);
    const zeros = reduceKeep("sum", isZero, dims).expand(x!.shape);
    const safe = where(isZero, 1, x!);
    const prodOthers = where(zeros.eq(0), out.expand(x!.shape).div(safe), where(zeros.eq(1).logicalAnd(isZero), reduceKeep("prod", safe, dims).expand(x!.shape), 0));
    return [g.expand(x!.shape).mul(prodOthers)];
  },
  max: reduceExtreme(),
  min: reduceExtreme(),
  argmax: () => [null],
  argmin: () => [null],

  reshape: (g, [x]) => [g.reshape(x!.shape)],
  permute: (g, _, __, { dims }) => {
    const inverse = dims.map((_d, i) => dims.indexOf(i));
    return [g.permute(...inverse)];
  },
  expand: (g, [x]) => [sumTo(g, x!.shape)],
  slice: (g, [x], _, attrs) => [sliceBackward(g, x!.shape, attrs)],
  flip: (g, _, __, { dims }) => [g.flip(dims)],
  contiguous: (g) => [g],
  pad: (g, [x], _, { pads }) => [shrink(g, pads.map(([before]) => before), pads.map(([before], d) => before + x!.shape[d]!))],
  cat: (g, xs, _, { dim }) => {
    let at = 0;
    return xs.map((x) => g.narrow(dim, (at += x.shape[dim]!) - x.shape[dim]!, x.shape[dim]!));
  },
  cast: (g, [x]) => [x!.isFloatingPoint() ? g.to(x!.dtype) : null],
  toDevice: (g, [x]) => [g.to(x!.device)],
  gather: (g, [x, index], _, { dim }) => [scatterAddNew(x!.shape, dim, index!, g), null],
  // src may be larger than index in any dim; its elements past the index's extent get gradient 0
  scatterAdd: (g, [index, src], _, { dim }) => [
    null,
    sliceBackward(g.gather(dim, index!), src!.shape, { starts: src!.shape.map(() => 0), ends: [...index!.shape], steps: src!.shape.map(() => 1) }),
  ],
  matmul: (g, [a, b], _, __, needs) => [
    needs[0] ? g.matmul(b!.transpose(-1, -2)) : null,
    needs[1] ? a!.transpose(-1, -2).matmul(g) : null,
  ],
  argsort: () => [null],
};
