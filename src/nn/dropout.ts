// Dropout, AlphaDropout and Dropout2d: active in training mode, the identity in eval mode.

import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { alphaDropout, dropout, dropout2d } from "./functional/layers.js";
import type { Args } from "../options.js";
import { Module } from "./module.js";

export interface DropoutModuleOptions {
  /** Random source for the masks (the default generator when omitted). */
  generator?: Generator;
}

/** What the dropout modules share: p ∈ [0, 1] (default 0.5) and the masks' generator, torch's positional p. */
export abstract class DropoutBase extends Module {
  readonly generator: Generator | undefined;
  readonly p: number;
  constructor(name: string, args: readonly unknown[]) {
    super();
    ({ p: this.p, generator: this.generator } = this.configure(name, {}, args, ["p"], { p: 0.5, generator: undefined as Generator | undefined }));
    const p = this.p;
    if (!(typeof p === "number" && p >= 0 && p <= 1)) throw new Error(`${name}: dropout probability has to be between 0 and 1, but got ${String(p)}`);
  }
  /** The options of the functional form. */
  protected get opts(): { p: number; training: boolean; generator: Generator | undefined } {
    return { p: this.p, training: this.training, generator: this.generator };
  }
}
type DropoutArgs = Args<[p: number], DropoutModuleOptions & { p?: number }>;

/**
 * Zeroes each element with probability p (default 0.5) in training mode and scales the rest by
 * 1/(1 − p); identity in eval mode (Srivastava et al., 2014). Matches torch.nn.Dropout.
 */
export class Dropout extends DropoutBase {
  constructor(...args: DropoutArgs) {
    super("nn.Dropout", args);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.opts);
  }
}

/**
 * Dropout that keeps SELU activations at zero mean and unit variance: dropped units take SELU's
 * negative saturation and an affine correction follows (Klambauer et al., 2017). Identity in eval
 * mode. Matches torch.nn.AlphaDropout.
 */
export class AlphaDropout extends DropoutBase {
  constructor(...args: DropoutArgs) {
    super("nn.AlphaDropout", args);
  }
  forward(x: Tensor): Tensor {
    return alphaDropout(x, this.opts);
  }
}

/**
 * Zeroes whole channels of [N, C, H, W] with probability p in training mode and scales the rest
 * by 1/(1 − p); identity in eval mode. Matches torch.nn.Dropout2d.
 */
export class Dropout2d extends DropoutBase {
  constructor(...args: DropoutArgs) {
    super("nn.Dropout2d", args);
  }
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.opts);
  }
}
