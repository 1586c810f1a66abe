// The dynamic tape: every recorded tensor points at the node that made it, and a node may have
// several outputs (unbind, split, fused ops). backward() and grad() walk the nodes in reverse
// topological order, give each rule the gradients of all its outputs at once, and sum the results
// per input (reverse-mode automatic differentiation, as in PyTorch's engine).

import type { Tensor } from "../tensor.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { enableGrad, noGrad } from "./grad-mode.js";
import { withScope } from "../scope.js";

/**
 * A rule as the tape calls it: single-output nodes get one gradient and one output, multi-output
 * nodes an array of each (null where an output got no gradient). Returns one gradient per input.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NodeRule = (g: any, xs: readonly Tensor[], out: any, attrs: any, needs: readonly boolean[]) => (Tensor | null)[];

/** A recorded op application: what `out.gradFn` holds. */
export interface Node {
  /** The primitive or fused op (shown as gradFn=<op>). */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly outputs: readonly Tensor[];
  /** True when the rule takes arrays of output gradients (several outputs). */
  readonly multi: boolean;
  readonly rule: NodeRule;
  /** Input versions at record time, for rules that read their inputs (null otherwise); assign() bumps a version. */
  readonly versions: readonly number[] | null;
  freed?: boolean;
}

/** Nodes reachable from `roots`, consumers before the nodes that produced their inputs. */
function topoOrder(roots: readonly Tensor[]): Node[] {
  const seen = new Set<Node>();
  const post: Node[] = [];
  const stack: (Node | null)[] = [];
  const nodeOf: Node[] = [];
  for (const r of roots) if (r.gradFn) stack.push(r.gradFn);
  // null in the stack marks "children done" for the node below it on nodeOf
  while (stack.length) {
    const n = stack.pop()!;
    if (n === null) {
      post.push(nodeOf.pop()!);
      continue;
    }
    if (seen.has(n)) continue;
    seen.add(n);
    nodeOf.push(n);
    stack.push(null);
    for (const x of n.inputs) {
      const c = x.gradFn;
      if (c && !seen.has(c)) stack.push(c);
    }
  }
  return post.reverse();
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (torch's retain_graph; default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so gradients can be differentiated again. */
  createGraph?: boolean;
}

// Rules that read their output's value (`out` in autograd/rules.ts, `y` in the fused softmax and
// linear rules); outputs are created at version 0, so a later assign() to one (under noGrad) makes
// backward throw, as torch does.
const savesOutput = new Set<string>(["exp", "expm1", "sqrt", "recip", "tanh", "sigmoid", "pow", "prod", "max", "min", "softmax", "logSoftmax", "linear"]);

function checkVersions(node: Node): void {
  if (savesOutput.has(node.op))
    for (const t of node.outputs)
      if (t.version !== 0)
        throw new Error(
          `backward: the output ${fmtShape(t.shape)} of '${node.op}' was modified by assign() after it was computed, but its ` +
            `gradient needs the original value (version ${t.version}, expected 0); compute it again after modifying it`,
        );
  node.versions?.forEach((v, i) => {
    const x = node.inputs[i]!;
    if (x.version !== v)
      throw new Error(
        `backward: an input ${fmtShape(x.shape)} of '${node.op}' was modified by assign() after it was used ` +
          `(version ${x.version}, expected ${v}); compute the loss again after modifying it`,
      );
  });
}

/** Tensor gradient hooks, kept in composites/hooks.ts (null while none is registered): run(t, g) returns the gradient that flows on. */
export const gradHooks = { run: null as ((t: Tensor, g: Tensor) => Tensor) | null, accumulated: null as ((t: Tensor) => void) | null };

/**
 * Propagates `seeds` (gradients of `roots`) back through the tape. Calls `capture(t, g)` once for
 * every tensor reached, with its total gradient; the caller picks what to keep, and says which with
 * `keeps` (the others' storages are freed when the walk ends, not left to the collector).
 */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  capture: (t: Tensor, g: Tensor) => void,
  { createGraph = false, retainGraph = createGraph }: BackwardOptions = {},
  keeps: (t: Tensor) => boolean = () => true,
): void {
  const grads = new Map<Tensor, Tensor>();
  // What reaches `capture` is handed over after the walk, so that the walk can run in an
  // allocation scope: the rules' temporaries are freed at once instead of by the collector.
  const captured: [Tensor, Tensor][] = [];
  const accumulate = (t: Tensor, g: Tensor): void => void grads.set(t, grads.get(t)?.add(g) ?? g);
  const hook = gradHooks.run;
  const take = (t: Tensor): Tensor | null => {
    let g = grads.get(t);
    if (!g) return null;
    grads.delete(t); // free intermediate gradients as soon as they are consumed
    if (hook) g = hook(t, g);
    captured.push([t, g]);
    return g;
  };
  const step = (): void => {
    roots.forEach((r, i) => accumulate(r, seeds[i]!));
    for (const node of topoOrder(roots)) {
      const g = node.multi ? node.outputs.map(take) : take(node.outputs[0]!);
      if (g === null || (Array.isArray(g) && g.every((x) => x === null))) continue; // no gradient reached this node
      if (node.freed) throw new Error("backward: trying to backward through the graph a second time; pass { retainGraph: true } to the first backward");
      checkVersions(node);
      const needs = node.inputs.map((x) => x.requiresGrad);
      const gs = node.rule(g, node.inputs, node.multi ? node.outputs : node.outputs[0], node.attrs, needs);
      node.inputs.forEach((x, i) => {
        const gi = gs[i];
        if (!needs[i] || !gi) return;
        // a rule bug would otherwise be summed into a wrong-shaped .grad without a word
        if (!shapesEqual(gi.shape, x.shape))
          throw new Error(`backward: the '${node.op}' rule gave input ${i} a gradient of shape ${fmtShape(gi.shape)}, expected ${fmtShape(x.shape)}`);
        accumulate(x, gi);
      });
      if (!retainGraph) node.freed = true;
    }
    for (const t of grads.keys()) take(t); // the leaves
  };
  // With createGraph the gradients are part of a graph the caller keeps (and hooks may keep those they see): no scope then.
  if (createGraph) enableGrad(step);
  else if (hook) noGrad(step);
  else withScope(roots.map((r) => r.backend), () => noGrad(step), () => captured.flatMap(([t, g]) => (keeps(t) ? [g] : [])));
  for (const [t, g] of captured) capture(t, g);
}
