// Residual: the skip connection of ResNet (He et al., 2016; deck 001), a(L) = a(L−2) + H(x).

import { fmtShape, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { Module } from "./module.js";

/**
 * x + block(x): the block learns the residual H(x) and the identity path carries gradients past
 * it (deck 001, "ResNet"). The block's output must have the input's shape. State dict: the block's
 * entries under `block.`.
 */
export class Residual extends Module {
  constructor(readonly block: Module<[Tensor], Tensor>) {
    super();
    if (!(block instanceof Module)) throw new TypeError(`nn.Residual: expected a Module as the block, got ${typeof block}`);
    this.recordConfig({ args: [["block", block]] });
  }
  forward(x: Tensor): Tensor {
    const h = this.block.forward(x);
    if (!shapesEqual(h.shape, x.shape))
      throw new Error(`Residual: the block (${this.block.constructor.name}) maps ${fmtShape(x.shape)} to ${fmtShape(h.shape)}; x + block(x) needs the same shape`);
    return x.add(h);
  }
}
