// GLU (the gated linear unit) and Softmax2d: activations that work across a dim rather than
// elementwise.

import { fmtShape } from "../shape.js";
import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import { glu } from "./functional/glu.js";
import { Module } from "./module.js";

/** a ⊗ σ(b) for the two halves a, b of the input along `dim` (default −1). Matches torch.nn.GLU (dim=-1). */
export class GLU extends Module {
  readonly dim: number;
  constructor(...args: Args<[dim: number], { dim?: number }>) {
    super();
    this.dim = this.configure("nn.GLU", {}, args, ["dim"], { dim: -1 }).dim;
  }
  forward(x: Tensor): Tensor { return glu(x, this.dim); }
}

/** Softmax over the channels of [N, C, H, W] or [C, H, W] at every pixel (dim −3). Matches torch.nn.Softmax2d. */
export class Softmax2d extends Module {
  constructor(...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.Softmax2d", {}, args, [], {});
  }
  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`nn.Softmax2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got ${fmtShape(x.shape)}`);
    return x.softmax(-3);
  }
}
