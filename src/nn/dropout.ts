// Dropout and AlphaDropout: active in training mode, the identity in eval mode.

import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { alphaDropout, dropout, dropout2d } from "./functional/layers.js";
import type { Args } from "../options.js";
import { Module } from "./module.js";

export interface DropoutModuleOptions {
  /** Random source for the masks (the default generator when omitted). */
  generator?: Generator;
}

/**
 * Zeroes each element with probability p (default 0.5) in training mode and scales the rest by
 * 1/(1 − p); identity in eval mode (Srivastava et al., 2014). Matches torch.nn.Dropout.
 */
export class Dropout extends Module {
  readonly generator: Generator | undefined;
  readonly p: number;
  constructor(...args: Args<[p: number], DropoutModuleOptions & { p?: number }>) {
    super();
    ({ p: this.p, generator: this.generator } = this.configure("nn.Dropout", {}, args, ["p"], { p: 0.5, generator: undefined as Generator | undefined }));
    const p = this.p;
    if (!(typeof p === "number" && p >= 0 && p <= 1)) throw new Error(`nn.Dropout: dropout probability has to be between 0 and 1, but got ${String(p)}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, { p: this.p, training: this.training, generator: this.generator });
  }
}

/**
 * Dropout that keeps SELU activations at zero mean and unit variance: dropped units take SELU's
 * negative saturation and an affine correction follows (Klambauer et al., 2017). Identity in eval
 * mode. Matches torch.nn.AlphaDropout.
 */
export class AlphaDropout extends Module {
  readonly generator: Generator | undefined;
  readonly p: number;
  constructor(...args: Args<[p: number], DropoutModuleOptions & { p?: number }>) {
    super();
    ({ p: this.p, generator: this.generator } = this.configure("nn.AlphaDropout", {}, args, ["p"], { p: 0.5, generator: undefined as Generator | undefined }));
    const p = this.p;
    if (!(typeof p === "number" && p >= 0 && p <= 1)) throw new Error(`nn.AlphaDropout: dropout probability has to be between 0 and 1, but got ${String(p)}`);
  }
  forward(x: Tensor): Tensor {
    return alphaDropout(x, { p: this.p, training: this.training, generator: this.generator });
  }
}

/**
 * Zeroes whole channels of [N, C, H, W] with probability p in training mode and scales the rest
 * by 1/(1 − p); identity in eval mode. Matches torch.nn.Dropout2d.
 */
export class Dropout2d extends Module {
  readonly generator: Generator | undefined;
  readonly p: number;
  constructor(...args: Args<[p: number], DropoutModuleOptions & { p?: number }>) {
    super();
    ({ p: this.p, generator: this.generator } = this.configure("nn.Dropout2d", {}, args, ["p"], { p: 0.5, generator: undefined as Generator | undefined }));
    const p = this.p;
    if (!(typeof p === "number" && p >= 0 && p <= 1)) throw new Error(`nn.Dropout2d: dropout probability has to be between 0 and 1, but got ${String(p)}`);
  }
  forward(x: Tensor): Tensor {
    return dropout2d(x, { p: this.p, training: this.training, generator: this.generator });
  }
}
