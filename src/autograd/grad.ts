// The functional form of autograd (torch.autograd.grad): gradients of outputs w.r.t. chosen
// inputs, returned instead of accumulated into .grad; with createGraph they can be differentiated again.

import { fmtShape, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { fullLike } from "../ops/elementwise.js";
import { runBackward } from "./tape.js";

export interface GradOptions {
  /** Gradients of the outputs (required for non-scalar outputs). */
  gradOutputs?: readonly Tensor[];
  retainGraph?: boolean;
  /** Record the backward pass so the result can be differentiated (for gradients of gradients). */
  createGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
}

/** ∂(Σ outputsᵢ·gradOutputsᵢ)/∂inputs, one tensor (or null when unused and allowed) per input. */
export function grad(
  outputs: Tensor | readonly Tensor[],
  inputs: Tensor | readonly Tensor[],
  { gradOutputs, retainGraph, createGraph = false, allowUnused = false }: GradOptions = {},
): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  const ins = Array.isArray(inputs) ? (inputs as readonly Tensor[]) : [inputs as Tensor];
  const seeds = outs.map((o, i) => {
    if (!o.requiresGrad) throw new Error(`grad: output ${i} does not require grad and has no gradFn`);
    const g = gradOutputs?.[i];
    if (g) {
      if (!shapesEqual(g.shape, o.shape))
        throw new Error(`grad: gradOutputs[${i}] has shape ${fmtShape(g.shape)} but output ${i} has ${fmtShape(o.shape)}`);
      return g;
    }
    if (o.numel !== 1) throw new Error(`grad: output ${i} has shape ${fmtShape(o.shape)}; pass gradOutputs for non-scalar outputs`);
    return fullLike(o, 1);
  });
  ins.forEach((x, i) => {
    if (!x.requiresGrad) throw new Error(`grad: input ${i} does not require grad`);
  });
  const found = new Map<Tensor, Tensor>();
  const wanted = new Set(ins);
  runBackward(outs, seeds, (t, g) => {
    if (wanted.has(t)) found.set(t, g);
  }, { retainGraph: retainGraph ?? createGraph, createGraph });
  return ins.map((x, i) => {
    const g = found.get(x);
    if (!g && !allowUnused)
      throw new Error(`grad: input ${i} ${fmtShape(x.shape)} was not used to compute the outputs; pass { allowUnused: true }`);
    return g ?? null;
  });
}
