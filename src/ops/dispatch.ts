// Runs a primitive: the forward table below turns inputs into an output (a backend kernel, or a new
// view for movement ops), and `apply` records a tape node when gradients are being tracked.

import { isGradEnabled } from "../autograd/grad-mode.js";
import { Tensor } from "../tensor.js";
import { fmtShape, viewStrides } from "../shape.js";
import type { Storage } from "../backend/backend.js";
import { backendByName } from "../backend/registry.js";
import type { DType } from "../dtype.js";
import type { ArgReduceOp, BinaryOp, PrimAttrs, Primitive, ReduceOp, UnaryOp } from "./primitives.js";
import { COMPARE_OPS } from "./primitives.js";
import { rules } from "../autograd/rules.js";
import type { NodeRule } from "../autograd/tape.js";

type Forward<P extends Primitive> = (xs: readonly Tensor[], attrs: PrimAttrs[P]) => Tensor;

const fresh = (x: Tensor, storage: Storage, shape: readonly number[], dtype: DType = storage.dtype): Tensor =>
  Tensor.fromStorage(x.backend, storage, shape, dtype);

const view = (x: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor =>
  Tensor.fromView(x, shape, strides, offset);

// Inputs are read by index, not destructured: destructuring runs the iterator protocol per op.
const unary = <P extends UnaryOp>(op: P): Forward<P> => (xs) => {
  const x = xs[0]!;
  return fresh(x, x.backend.unary(op, x, x.dtype), x.shape);
};

const binary = <P extends BinaryOp>(op: P): Forward<P> => {
  const compares = (COMPARE_OPS as readonly string[]).includes(op);
  return (xs) => {
    const a = xs[0]!, b = xs[1]!;
    const dtype = compares ? "bool" : a.dtype;
    return fresh(a, a.backend.binary(op, a, b, dtype), a.shape, dtype);
  };
};

// a sum over every dim may ask for a 0-d result (`scalar`): one node instead of a sum and a reshape
const reduce = <P extends ReduceOp>(op: P): Forward<P> => ([x], attrs) => {
  const dims = attrs.dims, shape = "scalar" in attrs && attrs.scalar ? [] : x!.shape.map((s, d) => (dims.includes(d) ? 1 : s));
  return fresh(x!, x!.backend.reduce(op, x!, dims), shape);
};

const argReduce = <P extends ArgReduceOp>(op: P): Forward<P> => ([x], { dim }) => {
  const shape = x!.shape.map((s, d) => (d === dim ? 1 : s));
  return fresh(x!, x!.backend.argReduce(op, x!, dim), shape, "int32");
};

const forward: { [P in Primitive]: Forward<P> } = {
  neg: unary("neg"), exp: unary("exp"), log: unary("log"), log1p: unary("log1p"), expm1: unary("expm1"),
  sqrt: unary("sqrt"), recip: unary("recip"), sin: unary("sin"), cos: unary("cos"), tanh: unary("tanh"),
  sigmoid: unary("sigmoid"), erf: unary("erf"), atan: unary("atan"), abs: unary("abs"), sign: unary("sign"),
  floor: unary("floor"), ceil: unary("ceil"), round: unary("round"),
  add: binary("add"), sub: binary("sub"), mul: binary("mul"), div: binary("div"), pow: binary("pow"),
  maximum: binary("maximum"), minimum: binary("minimum"),
  eq: binary("eq"), ne: binary("ne"), lt: binary("lt"), le: binary("le"), gt: binary("gt"), ge: binary("ge"),
  where: (xs) => {
    const a = xs[1]!;
    return fresh(a, a.backend.where(xs[0]!, a, xs[2]!, a.dtype), a.shape);
  },
  sum: reduce("sum"), prod: reduce("prod"), max: reduce("max"), min: reduce("min"),
  argmax: argReduce("argmax"), argmin: argReduce("argmin"),

  reshape: ([x], { shape }) => {
    const strides = viewStrides(x!.shape, x!.strides, shape);
    if (!strides)
      throw new Error(
        `view: shape ${fmtShape(shape)} is not compatible with the input's size ${fmtShape(x!.shape)} and strides ` +
          `${fmtShape(x!.strides)} (at least one dimension spans two contiguous subspaces); use reshape instead`,
      );
    return view(x!, shape, strides, x!.offset);
  },
  permute: ([x], { dims }) => view(x!, dims.map((d) => x!.shape[d]!), dims.map((d) => x!.strides[d]!), x!.offset),
  expand: (xs, { shape }) => {
    const x = xs[0]!;
    const lead = shape.length - x.ndim;
    const strides = new Array<number>(shape.length);
    for (let d = 0; d < shape.length; d++) strides[d] = d < lead || x.shape[d - lead] !== shape[d] ? 0 : x.strides[d - lead]!;
    return view(x, shape, strides, x.offset);
  },
  slice: ([x], { starts, ends, steps }) => {
    const shape = starts.map((s, d) => Math.max(0, Math.ceil((ends[d]! - s) / steps[d]!)));
    const offset = starts.reduce((acc, s, d) => acc + s * x!.strides[d]!, x!.offset);
    return view(x!, shape, x!.strides.map((st, d) => st * steps[d]!), offset);
  },
  flip: ([x], { dims }) => {
    const offset = dims.reduce((acc, d) => acc + Math.max(0, x!.shape[d]! - 1) * x!.strides[d]!, x!.offset);
    return view(x!, x!.shape, x!.strides.map((s, d) => (dims.includes(d) ? -s : s)), offset);
  },

  contiguous: ([x]) => fresh(x!, x!.backend.contiguous(x!), x!.shape),
  pad: ([x], { pads, value }) =>
    fresh(x!, x!.backend.pad(x!, pads, value), x!.shape.map((s, d) => s + pads[d]![0] + pads[d]![1])),
  cat: (xs, { dim }) => {
    const shape = [...xs[0]!.shape];
    shape[dim] = xs.reduce((acc, x) => acc + x.shape[dim]!, 0);
    return fresh(xs[0]!, xs[0]!.backend.cat(xs, dim, xs[0]!.dtype), shape);
  },
  cast: ([x], { dtype }) => fresh(x!, x!.backend.cast(x!, dtype), x!.shape, dtype),
  toDevice: ([x], { device }) => {
    const to = backendByName(device, "to");
    const data = x!.backend.readSync(x!);
    if (!data) throw new Error(`to: the '${x!.device}' backend cannot read synchronously, so it cannot copy to '${device}'`);
    return Tensor.fromStorage(to, to.upload(data, x!.dtype), x!.shape, x!.dtype);
  },
  gather: ([x, index], { dim }) => fresh(x!, x!.backend.gather(x!, dim, index!), index!.shape),
  scatterAdd: ([index, src], { dim, shape }) => fresh(src!, src!.backend.scatterAdd(shape, dim, index!, src!), shape),
  matmul: ([a, b]) => {
    const shape = [...a!.shape.slice(0, -1), b!.shape[b!.ndim - 1]!];
    return fresh(a!, a!.backend.matmul(a!, b!, a!.dtype), shape);
  },
  argsort: ([x], { dim, descending }) => fresh(x!, x!.backend.argsort(x!, dim, descending), x!.shape, "int32"),
};

// Rules of these primitives never read their inputs' values, so assigning to an input later is harmless.
const noSavedInputs = new Set<Primitive>(["add", "sub", "neg", "sum", "reshape", "permute", "expand", "slice", "flip", "contiguous", "pad", "cat", "cast"]);

/** Runs primitive `op` and, when grad mode is on and an input requires grad, records it on the tape. */
export function apply<P extends Primitive>(op: P, inputs: readonly Tensor[], attrs: PrimAttrs[P]): Tensor {
  // plain loops, no closures or arrays beyond the node's own: this runs for every op
  const backend = inputs[0]!.backend;
  let track = false;
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i]!;
    if (x.backend !== backend)
      throw new Error(`${op}: tensors are on different devices ('${backend.name}' and '${x.backend.name}'); move one with .to('${backend.name}')`);
    if (x.requiresGrad) track = true;
  }
  const out = (forward[op] as Forward<P>)(inputs, attrs);
  // an integer or bool output (comparisons, argmax, argsort, a cast to int) has no gradient, as in torch
  if (track && isGradEnabled() && out.isFloatingPoint()) {
    let versions: number[] | null = null;
    if (!noSavedInputs.has(op)) {
      versions = new Array<number>(inputs.length);
      for (let i = 0; i < inputs.length; i++) versions[i] = inputs[i]!.version;
    }
    out.setGradFn({ op, inputs, attrs, outputs: [out], multi: false, rule: rules[op] as NodeRule, versions });
  }
  return out;
}
