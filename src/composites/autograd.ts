// torch.autograd beyond backward() and grad(): custom differentiable functions (autograd.Function,
// one tape node whose rule is the user's backward) and torch.autograd.functional's derivatives of
// whole functions (jacobian, hessian, vjp, jvp, hvp, vhp), all built on grad().

import type { NodeRule } from "../autograd/tape.js";
import { grad } from "../autograd/grad.js";
import { enableGrad, isGradEnabled, noGrad } from "../autograd/grad-mode.js";
import { onesLike, zerosLike } from "../ops/creation.js";
import { allocArray } from "../dtype.js";
import { stack } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";

/** What forward leaves for backward (torch's ctx): saved tensors, which inputs need gradients, and any fields of your own. */
export class FunctionCtx {
  /** The tensors given to saveForBackward, in order. */
  savedTensors: readonly (Tensor | null)[] = [];
  /** Per argument of apply: whether it is a tensor that requires grad. */
  needsInputGrad: readonly boolean[] = [];
  /** When true (default), backward gets zeros for outputs that received no gradient, else null. */
  materializeGrads = true;
  readonly nonDifferentiable = new Set<Tensor>();
  [field: string]: unknown;
  saveForBackward(...tensors: (Tensor | null)[]): void {
    this.savedTensors = tensors;
  }
  setMaterializeGrads(value: boolean): void {
    this.materializeGrads = value;
  }
  /** Outputs that get no gradient (indices, masks), as torch's ctx.mark_non_differentiable. */
  markNonDifferentiable(...outputs: Tensor[]): void {
    for (const t of outputs) this.nonDifferentiable.add(t);
  }
}

type Grads = Tensor | null | readonly (Tensor | null)[];

/**
 * A differentiable function with a hand-written backward: subclass it with static forward(ctx, ...args)
 * (run without recording) and static backward(ctx, ...gradOutputs) returning one gradient (or null)
 * per argument of forward, and call it with apply. Matches torch.autograd.Function; a backward
 * written with tensor ops can be differentiated again (createGraph).
 * @example
 * class Exp extends autograd.Function {
 *   static forward(ctx: autograd.FunctionCtx, x: Tensor) { const y = x.exp(); ctx.saveForBackward(y); return y; }
 *   static backward(ctx: autograd.FunctionCtx, g: Tensor) { return g.mul(ctx.savedTensors[0]!); }
 * }
 * const y = Exp.apply(x);
 */
export abstract class Function {
  static forward(_ctx: FunctionCtx, ..._args: never[]): Tensor | readonly Tensor[] {
    throw new Error(`${this.name}.forward: a subclass of autograd.Function must define static forward(ctx, ...args)`);
  }
  static backward(_ctx: FunctionCtx, ..._grads: (Tensor | null)[]): Grads {
    throw new Error(`${this.name}.backward: a subclass of autograd.Function must define static backward(ctx, ...gradOutputs)`);
  }

  /** Runs forward and records one tape node whose rule is backward. */
  static apply<A extends unknown[], R extends Tensor | readonly Tensor[]>(this: { forward(ctx: FunctionCtx, ...args: A): R; backward(ctx: FunctionCtx, ...grads: (Tensor | null)[]): Grads; name: string }, ...args: A): R {
    const name = this.name, ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad);
    const out = noGrad(() => this.forward(ctx, ...args));
    const many = Array.isArray(out), outs = (many ? out : [out]) as readonly Tensor[];
    outs.forEach((o, i) => {
      if (!(o instanceof Tensor)) throw new TypeError(`${name}.forward must return a Tensor or an array of Tensors; output ${i} is ${typeof o}`);
    });
    const at = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
    const inputs = at.map((i) => args[i] as Tensor);
    if (!isGradEnabled() || !inputs.some((x) => x.requiresGrad)) return out;
    // an output that is an input itself (an identity forward) gets a view of its own
    const recorded = outs.map((o) => (inputs.includes(o) ? o.detach() : o));
    const rule: NodeRule = (gs: (Tensor | null)[]) => {
      const given = gs.map((g, i) => g ?? (ctx.materializeGrads ? zerosLike(recorded[i]!) : null));
      const r = this.backward(ctx, ...given);
      const res = (Array.isArray(r) ? r : [r]) as readonly (Tensor | null | undefined)[];
      if (res.length !== args.length) throw new Error(`${name}.backward returned ${res.length} gradient(s), but forward took ${args.length} argument(s)`);
      res.forEach((g, i) => {
        if (g == null) return;
        if (!(args[i] instanceof Tensor)) throw new Error(`${name}.backward returned a gradient for argument ${i}, which is not a Tensor (return null there)`);
        if (!(g instanceof Tensor) || !shapesEqual(g.shape, args[i].shape))
          throw new Error(`${name}.backward returned a gradient of shape ${g instanceof Tensor ? fmtShape(g.shape) : typeof g} for argument ${i} of shape ${fmtShape(args[i].shape)}`);
      });
      return at.map((i) => res[i] ?? null);
    };
    const node = { op: name, inputs, attrs: null, outputs: [...recorded], multi: true, rule, versions: inputs.map((x) => x.version) };
    for (const o of recorded) if (o.isFloatingPoint() && !ctx.nonDifferentiable.has(o)) o.setGradFn(node);
    return (many ? recorded : recorded[0]) as unknown as R;
  }
}

// ---- torch.autograd.functional ----------------------------------------------------------------

type Inputs = Tensor | readonly Tensor[];
const list = (x: Inputs): readonly Tensor[] => (x instanceof Tensor ? [x] : x);
/** Fresh leaves that require grad, so derivatives are taken with respect to exactly these values. */
const leaves = (x: Inputs): Tensor[] => list(x).map(requiring);
function requiring(t: Tensor): Tensor {
  const d = t.detach();
  d.requiresGrad = true;
  return d;
}
/** The k-th basis tensor of t's shape (a one at flat index k). */
function basis(t: Tensor, k: number): Tensor {
  const a = allocArray(t.dtype, t.numel);
  a[k] = 1;
  return Tensor.fromArray(a, t.shape, t.backend, t.dtype);
}

export interface FunctionalOptions {
  /** Keep the result differentiable (default false: results are detached). */
  createGraph?: boolean;
  /** Throw when an output does not depend on an input (default false: those derivatives are zeros). */
  strict?: boolean;
}

function derivs(op: string, outs: readonly Tensor[], ins: readonly Tensor[], seeds: readonly Tensor[], createGraph: boolean, strict: boolean): Tensor[] {
  const used = outs.filter((o) => o.requiresGrad);
  if (used.length === 0) {
    if (strict) throw new Error(`autograd.functional.${op}: the output does not depend on the inputs (strict mode)`);
    return ins.map((x) => zerosLike(x));
  }
  const gs = grad(used, ins, { gradOutputs: outs.flatMap((o, i) => (o.requiresGrad ? [seeds[i]!] : [])), retainGraph: true, createGraph, allowUnused: true });
  return gs.map((g, i) => {
    if (g) return g;
    if (strict) throw new Error(`autograd.functional.${op}: the output does not depend on input ${i} (strict mode)`);
    return zerosLike(ins[i]!);
  });
}

const finish = (t: Tensor, createGraph: boolean): Tensor => (createGraph ? t : t.detach());

/**
 * [func(inputs), vᵀ·J]: the vector–Jacobian product (v defaults to 1 for a one-element output).
 * Matches torch.autograd.functional.vjp (one tensor in, one out, or arrays of them).
 */
export function vjp(func: (...xs: Tensor[]) => Inputs, inputs: Inputs, ...args: Args<[v: Inputs | null], { v?: Inputs | null } & FunctionalOptions>): [Inputs, Inputs] {
  const { v, createGraph, strict } = resolveArgs("autograd.functional.vjp", args, ["v"], { v: null as Inputs | null, createGraph: false, strict: false });
  const ins = leaves(inputs);
  const out = enableGrad(() => func(...ins)), outs = list(out);
  const seeds = v === null ? outs.map((o) => { if (o.numel !== 1) throw new Error(`autograd.functional.vjp: v is required for an output of shape ${fmtShape(o.shape)}`); return onesLike(o); }) : list(v);
  const gs = derivs("vjp", outs, ins, seeds, createGraph, strict).map((g) => finish(g, createGraph));
  const o = outs.map((t) => finish(t, createGraph));
  return [out instanceof Tensor ? o[0]! : o, inputs instanceof Tensor ? gs[0]! : gs];
}

/**
 * [func(inputs), J·v]: the Jacobian–vector product, by the double-vjp trick (the vjp is linear in its
 * vector u, so differentiating uᵀJ with respect to u along v gives J·v). Matches torch.autograd.functional.jvp.
 */
export function jvp(func: (...xs: Tensor[]) => Inputs, inputs: Inputs, ...args: Args<[v: Inputs | null], { v?: Inputs | null } & FunctionalOptions>): [Inputs, Inputs] {
  const { v, createGraph, strict } = resolveArgs("autograd.functional.jvp", args, ["v"], { v: null as Inputs | null, createGraph: false, strict: false });
  const ins = leaves(inputs);
  const out = enableGrad(() => func(...ins)), outs = list(out);
  const vs = v === null ? ins.map((x) => { if (x.numel !== 1) throw new Error(`autograd.functional.jvp: v is required for an input of shape ${fmtShape(x.shape)}`); return onesLike(x); }) : list(v);
  const us = outs.map((o) => requiring(zerosLike(o)));
  const back = enableGrad(() => derivs("jvp", outs, ins, us, true, strict));
  const live = back.map((b, i) => [b, vs[i]!] as const).filter(([b]) => b.requiresGrad);
  const jv = live.length ? grad(live.map(([b]) => b), us, { gradOutputs: live.map(([, w]) => w), createGraph, allowUnused: true }) : us.map(() => null);
  const res = jv.map((g, i) => finish(g ?? zerosLike(outs[i]!), createGraph));
  const o = outs.map((t) => finish(t, createGraph));
  return [out instanceof Tensor ? o[0]! : o, out instanceof Tensor ? res[0]! : res];
}

/**
 * The Jacobian of func at inputs: for one input and one output a tensor of shape [...out, ...in]
 * (row i the gradient of output element i), else an array per output of arrays per input.
 * Matches torch.autograd.functional.jacobian (reverse mode, one backward per output element).
 */
export function jacobian(func: (...xs: Tensor[]) => Inputs, inputs: Inputs, opts: FunctionalOptions = {}): Tensor | Tensor[][] | Tensor[] {
  const { createGraph, strict } = resolveArgs("autograd.functional.jacobian", [opts], [], { createGraph: false, strict: false });
  const ins = leaves(inputs);
  const out = enableGrad(() => func(...ins)), outs = list(out);
  const blocks = outs.map((o) => {
    const rows = Array.from({ length: o.numel }, (_, k) => {
      return derivs("jacobian", [o], ins, [basis(o, k)], createGraph, strict);
    });
    return ins.map((x, j) => finish((rows.length ? stack(rows.map((r) => r[j]!)) : zerosLike(x).reshape([0, ...x.shape])).reshape([...o.shape, ...x.shape]), createGraph));
  });
  if (out instanceof Tensor && inputs instanceof Tensor) return blocks[0]![0]!;
  if (out instanceof Tensor) return blocks[0]!;
  if (inputs instanceof Tensor) return blocks.map((b) => b[0]!);
  return blocks;
}

/** The Hessian of a scalar func: [...in, ...in] for one input. Matches torch.autograd.functional.hessian. */
export function hessian(func: (...xs: Tensor[]) => Tensor, inputs: Inputs, opts: FunctionalOptions = {}): Tensor | Tensor[][] | Tensor[] {
  const { createGraph, strict } = resolveArgs("autograd.functional.hessian", [opts], [], { createGraph: false, strict: false });
  const gradient = (...xs: Tensor[]): Inputs => {
    const y = func(...xs);
    if (!(y instanceof Tensor) || y.numel !== 1) throw new Error(`autograd.functional.hessian: func must return a tensor with one element, got ${y instanceof Tensor ? fmtShape(y.shape) : typeof y}`);
    const gs = derivs("hessian", [y], xs, [onesLike(y)], true, strict);
    return inputs instanceof Tensor ? gs[0]! : gs;
  };
  return jacobian(gradient, inputs, { createGraph, strict });
}

/** [func(inputs), H·v] for a scalar func (H symmetric: the same as vhp). Matches torch.autograd.functional.hvp. */
export function hvp(func: (...xs: Tensor[]) => Tensor, inputs: Inputs, v: Inputs, opts: FunctionalOptions = {}): [Tensor, Inputs] {
  return secondOrder("hvp", func, inputs, v, opts);
}
/** [func(inputs), vᵀ·H] for a scalar func. Matches torch.autograd.functional.vhp. */
export function vhp(func: (...xs: Tensor[]) => Tensor, inputs: Inputs, v: Inputs, opts: FunctionalOptions = {}): [Tensor, Inputs] {
  return secondOrder("vhp", func, inputs, v, opts);
}
function secondOrder(op: string, func: (...xs: Tensor[]) => Tensor, inputs: Inputs, v: Inputs, opts: FunctionalOptions): [Tensor, Inputs] {
  const { createGraph, strict } = resolveArgs(`autograd.functional.${op}`, [opts], [], { createGraph: false, strict: false });
  const ins = leaves(inputs);
  const y = enableGrad(() => func(...ins));
  if (!(y instanceof Tensor) || y.numel !== 1) throw new Error(`autograd.functional.${op}: func must return a tensor with one element`);
  const g = enableGrad(() => derivs(op, [y], ins, [onesLike(y)], true, strict));
  const res = derivs(op, g, ins, list(v), createGraph, strict).map((t) => finish(t, createGraph));
  return [finish(y, createGraph), inputs instanceof Tensor ? res[0]! : res];
}

/** torch.autograd.functional's namespace: autograd.functional.jacobian(f, x) as in torch. */
export const functional = { jacobian, hessian, vjp, jvp, hvp, vhp };
export { grad } from "../autograd/grad.js";
