// Spiking neurons: the Heaviside spike with a surrogate gradient, and a layer of leaky
// integrate-and-fire (LIF) neurons unrolled over time, trainable by backpropagation through time.

import { stack } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { Module } from "./module.js";

/**
 * S = H(x) (1 where x > 0) in the forward pass, with the fast-sigmoid surrogate derivative
 * ∂S/∂x ≈ 1 / (1 + k|x|)² in the backward pass (SuperSpike: F. Zenke and S. Ganguli, Neural
 * Computation 30, 2018; E. O. Neftci, H. Mostafa and F. Zenke, "Surrogate gradient learning in
 * spiking neural networks", IEEE Signal Processing Magazine 36, 2019). Built as
 * g(x) + (H(x) − g(x)).detach() with g(x) = x / (1 + k|x|), whose derivative is the surrogate.
 */
export function spike(x: Tensor, slope = 25): Tensor {
  const g = x.div(x.abs().mul(slope).add(1));
  return g.add(x.gt(0).to(x.dtype).sub(g).detach());
}

export interface LIFOptions {
  /** Firing threshold θ. */
  threshold?: number;
  /** Steepness k of the surrogate derivative 1/(1 + k|U − θ|)². */
  slope?: number;
  /** "subtract": U −= θ after a spike; "zero": U = 0 after a spike. */
  reset?: "subtract" | "zero";
}

/**
 * Leaky integrate-and-fire neurons (Lapicque 1907; the discrete form of snnTorch's Leaky), over
 * input currents [T, ..., F] with time first:
 * U[t] = β U[t−1] + I[t] − θ S[t−1] (reset "subtract") or U[t] = β U[t−1] (1 − S[t−1]) + I[t]
 * (reset "zero"), S[t] = H(U[t] − θ), U[−1] = 0. Returns the spikes [T, ..., F] (0/1); gradients flow through the surrogate of
 * `spike` (the reset is detached, as snnTorch does by default). β = exp(−Δt/τ) ∈ [0, 1].
 */
export class LIF extends Module {
  readonly threshold: number;
  readonly slope: number;
  readonly reset: "subtract" | "zero";
  /** The membrane potentials of the last forward, [T, ..., F] (for pictures and tests). */
  membrane: Tensor | null = null;

  constructor(readonly beta: number, ...args: Args<[threshold: number], LIFOptions>) {
    super();
    if (!(beta >= 0 && beta <= 1)) throw new Error(`nn.LIF: expected a decay beta in [0, 1], got ${beta}`);
    ({ threshold: this.threshold, slope: this.slope, reset: this.reset } = resolveArgs<Required<LIFOptions>>(
      "nn.LIF", args, ["threshold"], { threshold: 1, slope: 25, reset: "subtract" },
    ));
    if (this.reset !== "subtract" && this.reset !== "zero") throw new Error(`nn.LIF: reset must be "subtract" or "zero", got ${String(this.reset)}`);
  }

  forward(current: Tensor): Tensor {
    if (current.ndim < 2) throw new Error(`nn.LIF: expected input currents [time, ..., features], got ${fmtShape(current.shape)}`);
    const steps = current.shape[0]!;
    const spikes: Tensor[] = [], potentials: Tensor[] = [];
    let u: Tensor | null = null, s: Tensor | null = null;
    for (let t = 0; t < steps; t++) {
      const i = current.select(0, t);
      if (u === null) u = i;
      else if (this.reset === "subtract") u = u.mul(this.beta).add(i).sub(s!.detach().mul(this.threshold));
      else u = u.mul(this.beta).mul(s!.detach().neg().add(1)).add(i);
      s = spike(u.sub(this.threshold), this.slope);
      spikes.push(s);
      potentials.push(u);
    }
    this.membrane = stack(potentials).detach();
    return stack(spikes);
  }

  override toString(): string {
    return `LIF(beta=${this.beta}, threshold=${this.threshold})`;
  }
}
