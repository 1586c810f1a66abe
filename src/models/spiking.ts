// A spiking classifier: two layers of leaky integrate-and-fire neurons driven by the input as a
// constant current for T steps, read out by spike counts, trained with surrogate gradients.

import { Linear } from "../nn/linear.js";
import { LIF } from "../nn/spiking.js";
import { Module } from "../nn/module.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

export interface SpikingMLPOptions {
  /** Time steps T the input is presented for. */
  steps?: number;
  /** Membrane decay β of both LIF layers. */
  beta?: number;
}

/**
 * x [B, in] → Linear → LIF → Linear → LIF → spike counts [B, classes] (the logits for
 * cross-entropy, as snnTorch's count loss). The input enters as a constant current at every step
 * ("direct encoding"); gradients flow through time and the surrogate of nn.spike (Neftci, Mostafa and
 * Zenke 2019). `lastSpikes` keeps the hidden layer's spikes [T, B, hidden] for rasters.
 */
export class SpikingMLP extends Module {
  fc1: Linear;
  lif1: LIF;
  fc2: Linear;
  lif2: LIF;
  readonly steps: number;
  lastSpikes: Tensor | null = null;
  constructor(readonly inFeatures: number, readonly hidden: number, readonly classes: number, ...args: Args<[], SpikingMLPOptions>) {
    super();
    const { steps, beta } = resolveArgs<Required<SpikingMLPOptions>>("models.SpikingMLP", args, [], { steps: 10, beta: 0.9 });
    this.steps = steps;
    this.fc1 = new Linear(inFeatures, hidden);
    this.lif1 = new LIF(beta);
    this.fc2 = new Linear(hidden, classes);
    this.lif2 = new LIF(beta);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2) throw new Error(`models.SpikingMLP: expected input [batch, ${this.inFeatures}], got ${fmtShape(x.shape)}`);
    const flat = x.reshape([x.shape[0]!, -1]);
    const current = this.fc1.forward(flat).unsqueeze(0).expand([this.steps, -1, -1]);
    const s1 = this.lif1.forward(current);
    this.lastSpikes = s1.detach();
    return this.lif2.forward(this.fc2.forward(s1)).sum(0);
  }
}
