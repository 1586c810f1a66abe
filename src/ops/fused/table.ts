// The fused-op table, beside the primitives: ops whose composite costs many kernels (or many
// tape nodes) get one kernel and one rule here. Adding one: a file in this folder exporting a
// FusedDef, one line below, and one row in test/fused.test.ts (a missing row does not compile).

import { isGradEnabled, noGrad } from "../../autograd/grad-mode.js";
import type { NodeRule } from "../../autograd/tape.js";
import type { Tensor } from "../../tensor.js";
import type { FusedDef } from "./def.js";
import { adamStep } from "./adam.js";
import { scaledDotProductAttention } from "./attention.js";
import { sigmoidBackward, tanhBackward } from "./activation-grad.js";
import { conv2d, conv2dInput, conv2dWeight } from "./conv.js";
import { crossEntropy, crossEntropyBackward } from "./cross-entropy.js";
import { embedding, embeddingBackward } from "./embedding.js";
import { layerNorm } from "./layer-norm.js";
import { linear } from "./linear.js";
import { maxPool2d, maxPool2dBackward } from "./pool.js";
import { relu, reluBackward } from "./relu.js";
import { logSoftmax, softmax } from "./softmax.js";
import { rnn } from "./rnn.js";
import { split, unbind } from "./split.js";

// A function, not a constant: the entries import ops that import this file, and a constant
// would read them before their modules have run.
const table = () => ({ linear, softmax, logSoftmax, crossEntropy, crossEntropyBackward, layerNorm, adamStep, split, unbind, tanhBackward, sigmoidBackward, embedding, embeddingBackward, conv2d, conv2dInput, conv2dWeight, maxPool2d, maxPool2dBackward, relu, reluBackward, scaledDotProductAttention, rnn });
type Table = ReturnType<typeof table>;
let cached: Table | null = null;

export type FusedName = keyof Table;
export type FusedAttrs<K extends FusedName> = Table[K] extends FusedDef<infer A> ? A : never;

/** The table itself (tests run every entry's kernels against its reference). */
export const fusedOps = (): { [K in FusedName]: FusedDef<FusedAttrs<K>> } => (cached ??= table());

/** How often each kernel produced the outputs (tests check that kernels are exercised). */
export const kernelRuns = new Map<unknown, number>();

/**
 * Runs fused op `name`: the backend's kernel where it has one (and it accepts the inputs), else
 * the reference, both without recording; then one tape node with every output, whose rule is the
 * op's backward.
 */
export function applyFused<K extends FusedName>(name: K, inputs: readonly Tensor[], attrs: FusedAttrs<K>): Tensor[] {
  const def = fusedOps()[name];
  const backend = inputs[0]!.backend;
  for (const x of inputs)
    if (x.backend !== backend)
      throw new Error(`${name}: tensors are on different devices ('${backend.name}' and '${x.backend.name}'); move one with .to('${backend.name}')`);
  const kernel = def.kernels?.[backend.name];
  const run = (): Tensor[] => {
    const k = kernel?.(inputs, attrs);
    if (k) kernelRuns.set(kernel, (kernelRuns.get(kernel) ?? 0) + 1);
    return k ?? def.reference(inputs, attrs);
  };
  if (!def.backward || !isGradEnabled() || !inputs.some((x) => x.requiresGrad)) return noGrad(run);
  // an output that is an input itself (an identity case) must not get this node as its gradFn
  const outs = noGrad(run).map((o) => (inputs.includes(o) ? o.detach() : o));
  const versions = def.readsInputs === false ? null : inputs.map((x) => x.version);
  // the node keeps its own list: callers may reorder the array they get (split(...).reverse())
  const node = { op: name, inputs, attrs, outputs: [...outs], multi: true, rule: def.backward as NodeRule, versions };
  for (const o of outs) if (o.isFloatingPoint()) o.setGradFn(node);
  return outs;
}
