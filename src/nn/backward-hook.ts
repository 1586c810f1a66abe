// Module backward hooks (registerFullBackwardHook, registerFullBackwardPreHook) as torch's
// torch.utils.hooks.BackwardHook: one forward call's tensor arguments and outputs pass through
// identity tape nodes, whose rules see the gradients w.r.t. the outputs, then w.r.t. the inputs.

import { isGradEnabled } from "../autograd/grad-mode.js";
import type { NodeRule } from "../autograd/tape.js";
import { zerosLike } from "../ops/creation.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";

/** One gradient per argument (or output) of forward: null for a non-tensor, or a tensor that got none. */
export type Grads = readonly (Tensor | null)[];
export type BackwardHookFn = (module: unknown, gradInput: Grads, gradOutput: Grads) => Grads | void;
export type BackwardPreHookFn = (module: unknown, gradOutput: Grads) => Grads | void;

/**
 * Passes the tensors among `values` through one identity node (torch's BackwardHookFunction) whose
 * rule is `onGrads(grads by position in values)`. Returns the values with those tensors replaced,
 * or null when none requires grad or grad mode is off (torch then sets no hook either).
 */
function identity(values: readonly unknown[], onGrads: (gs: (Tensor | null)[]) => Grads): unknown[] | null {
  const at = values.flatMap((v, i) => (v instanceof Tensor ? [i] : []));
  const inputs = at.map((i) => values[i] as Tensor);
  if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return null;
  const outputs = inputs.map((t) => t.detach());
  const rule: NodeRule = (gs: (Tensor | null)[]) => {
    const byPos: (Tensor | null)[] = values.map(() => null);
    at.forEach((p, k) => (byPos[p] = gs[k]!));
    const res = onGrads(byPos);
    return at.map((p) => res[p] ?? null);
  };
  const node = { op: "BackwardHookFunctionBackward", inputs, attrs: null, outputs, multi: true, rule, versions: null };
  // tensors that need no gradient stay outside the graph (torch marks them non-differentiable)
  outputs.forEach((o, k) => inputs[k]!.requiresGrad && o.setGradFn(node));
  const out = [...values];
  at.forEach((p, k) => (out[p] = outputs[k]));
  return out;
}

/** Checks a hook's replacement gradients: as many as expected, each null or of its tensor's shape. */
function checked(where: string, got: unknown, like: readonly unknown[], what: string): Grads {
  if (!Array.isArray(got) || got.length !== like.length)
    throw new Error(`${where} returned an invalid number of ${what}, got ${Array.isArray(got) ? got.length : typeof got}, but expected ${like.length}`);
  got.forEach((g, i) => {
    const t = like[i];
    if (g != null && (!(g instanceof Tensor) || !(t instanceof Tensor) || !shapesEqual(g.shape, t.shape)))
      throw new Error(`${where} returned ${g instanceof Tensor ? `a gradient of shape ${fmtShape(g.shape)}` : typeof g} for ${what}[${i}], expected ${t instanceof Tensor ? `shape ${fmtShape(t.shape)}` : "null (it is not a tensor)"}`);
  });
  return got as Grads;
}

/**
 * Sets up one forward call's backward hooks (torch.utils.hooks.BackwardHook): call `inputs` on the
 * arguments before forward and `outputs` on its result. Backward then runs the pre-hooks on the
 * gradients w.r.t. the outputs (a returned array replaces them), and the hooks on the gradients
 * w.r.t. the tensor arguments once all of those are known (a returned array replaces them).
 */
export function backwardHook(module: object, hooks: readonly BackwardHookFn[], preHooks: readonly BackwardPreHookFn[]) {
  const name = module.constructor.name;
  let args: readonly unknown[] = [];
  let wrappedInputs = false;
  let gradOutput: Grads | null = null;
  const runHooks = (gradInput: Grads): Grads => {
    for (const h of hooks) {
      const r = h(module, gradInput, gradOutput!);
      if (r !== undefined) gradInput = checked(`${name} full backward hook`, r, args, "gradInput");
    }
    return gradInput;
  };
  return {
    inputs<A extends unknown[]>(a: A): A {
      args = a;
      // a tensor argument that got no gradient gets zeros (requiring grad or not), as torch's Function materializes them
      const wrapped = identity(a, (gs) => {
        if (gradOutput === null) return gs; // reached without passing the outputs (a double backward)
        const gradInput = runHooks(gs.map((g, i) => g ?? (args[i] instanceof Tensor ? zerosLike(args[i]) : null)));
        gradOutput = null;
        return gradInput;
      });
      wrappedInputs = wrapped !== null;
      return (wrapped ?? a) as A;
    },
    outputs<O>(out: O): O {
      const many = Array.isArray(out), values = many ? (out as unknown[]) : [out];
      const wrapped = identity(values, (gs) => {
        gradOutput = gs;
        for (const h of preHooks) {
          const r = h(module, gradOutput);
          if (r !== undefined) gradOutput = checked(`${name} full backward pre-hook`, r, values, "gradOutput");
        }
        const local = gradOutput;
        if (!wrappedInputs) {
          // no argument requires grad: the hooks run now, with no gradInput to replace
          const none = args.map(() => null);
          for (const h of hooks) {
            const r = h(module, none, gradOutput);
            if (r !== undefined && !(Array.isArray(r) && r.every((g) => g == null)))
              throw new Error(`${name} full backward hook: no input of this module requires grad, so the hook must return undefined or nulls (got ${Array.isArray(r) ? "gradients" : typeof r})`);
          }
          gradOutput = null;
        }
        return local;
      });
      if (!wrapped) return out;
      return (many ? wrapped : wrapped[0]) as O;
    },
  };
}
