// The dynamic tape: every recorded tensor points at the node that made it. backward() and grad()
// walk those nodes in reverse topological order, apply the rule of each primitive and sum the
// results per input (reverse-mode automatic differentiation, as in PyTorch's engine).

import type { Tensor } from "../tensor.js";
import type { PrimAttrs, Primitive } from "../ops/primitives.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { enableGrad, noGrad } from "./grad-mode.js";
import { rules } from "./rules.js";

/** A recorded primitive application: what `out.gradFn` holds. */
export interface Node<P extends Primitive = Primitive> {
  readonly op: P;
  readonly inputs: readonly Tensor[];
  readonly attrs: PrimAttrs[P];
  /** Input versions at record time; assign() bumps a version, and a stale one makes backward throw. */
  readonly versions: readonly number[];
  freed?: boolean;
}

// Rules of these primitives never read their inputs' values, so assigning to an input later is harmless.
const noSavedInputs = new Set<Primitive>(["add", "sub", "neg", "sum", "reshape", "permute", "expand", "slice", "flip", "contiguous", "pad", "cat", "cast"]);
// Rules of these primitives read their output's value (`out` in autograd/rules.ts); outputs are
// created at version 0, so a later assign() to one (under noGrad) makes backward throw, as torch does.
const savesOutput = new Set<Primitive>(["exp", "expm1", "sqrt", "recip", "tanh", "sigmoid", "pow", "prod", "max", "min"]);

/** Tensors reachable from `roots` through the tape, outputs before the inputs they depend on. */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const seen = new Set<Tensor>();
  const post: Tensor[] = [];
  const stack: [Tensor, boolean][] = roots.map((r) => [r, false]);
  while (stack.length) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      post.push(t);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    stack.push([t, true]);
    for (const x of t.gradFn?.inputs ?? []) if (x.requiresGrad && !seen.has(x)) stack.push([x, false]);
  }
  return post.reverse();
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (torch's retain_graph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so gradients can be differentiated again. */
  createGraph?: boolean;
}

/**
 * Propagates `seeds` (gradients of `roots`) back through the tape. Calls `capture(t, g)` once for
 * every tensor reached, with its total gradient; the caller picks what to keep.
 */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  capture: (t: Tensor, g: Tensor) => void,
  { retainGraph = false, createGraph = false }: BackwardOptions = {},
): void {
  const grads = new Map<Tensor, Tensor>();
  const accumulate = (t: Tensor, g: Tensor): void => {
    const prev = grads.get(t);
    grads.set(t, prev ? prev.add(g) : g);
  };
  const step = (): void => {
    roots.forEach((r, i) => accumulate(r, seeds[i]!));
    for (const t of topoOrder(roots)) {
      const g = grads.get(t);
      if (!g) continue;
      const node = t.gradFn;
      capture(t, g);
      if (!node) continue;
      if (node.freed)
        throw new Error(
          "backward: trying to backward through the graph a second time; pass { retainGraph: true } to the first backward",
        );
      if (!noSavedInputs.has(node.op))
        node.inputs.forEach((x, i) => {
          if (x.version !== node.versions[i])
            throw new Error(
              `backward: an input ${fmtShape(x.shape)} of '${node.op}' was modified by assign() after it was used ` +
                `(version ${x.version}, expected ${node.versions[i]}); compute the loss again after modifying it`,
            );
        });
      if (t.version !== 0 && savesOutput.has(node.op))
        throw new Error(
          `backward: the output ${fmtShape(t.shape)} of '${node.op}' was modified by assign() after it was computed, but its ` +
            `gradient needs the original value (version ${t.version}, expected 0); compute it again after modifying it`,
        );
      const needs = node.inputs.map((x) => x.requiresGrad);
      const rule = rules[node.op] as (g: Tensor, xs: readonly Tensor[], out: Tensor, attrs: unknown, needs: boolean[]) => (Tensor | null)[];
      const gs = rule(g, node.inputs, t, node.attrs, needs);
      node.inputs.forEach((x, i) => {
        const gi = gs[i];
        if (!needs[i] || !gi) return;
        // a rule bug would otherwise be summed into a wrong-shaped .grad without a word
        if (!shapesEqual(gi.shape, x.shape))
          throw new Error(`backward: the '${node.op}' rule gave input ${i} a gradient of shape ${fmtShape(gi.shape)}, expected ${fmtShape(x.shape)}`);
        accumulate(x, gi);
      });
      if (!retainGraph) node.freed = true;
      grads.delete(t); // free intermediate gradients as soon as they are consumed
    }
  };
  if (createGraph) enableGrad(step);
  else noGrad(step);
}
