// Linear (the affine layer), Bilinear, Identity, Flatten and Unflatten.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { zeros } from "../ops/creation.js";
import { applyFused } from "../ops/fused/table.js";
import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { bilinear, linear } from "./functional/layers.js";
import { kaimingUniform, uniform } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

export interface LinearOptions {
  bias?: boolean;
  dtype?: DType;
}

/**
 * y = x·Wᵀ + b: [..., inFeatures] → [..., outFeatures]. State dict: `weight` [out, in], `bias` [out].
 * Initialised as torch does: W by kaiming_uniform(a = √5), i.e. U(−1/√in, 1/√in), and b from the
 * same range. Matches torch.nn.Linear.
 */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, ...args: Args<[bias: boolean], LinearOptions>) {
    super();
    const { bias, dtype } = this.configure<Required<LinearOptions>>("nn.Linear", { inFeatures, outFeatures }, args, ["bias"], { bias: true, dtype: "float32" });
    this.weight = Parameter(zeros([outFeatures, inFeatures], { dtype }));
    this.bias = bias ? Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** Re-draws the parameters with torch's default initialisation. */
  resetParameters(): void {
    noGrad(() => {
      kaimingUniform(this.weight, { a: Math.sqrt(5) });
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      if (this.bias) uniform(this.bias, { a: -bound, b: bound });
    });
  }

  forward(x: Tensor): Tensor {
    return linear(this.#checked(x), this.weight, this.bias);
  }

  /**
   * relu(forward(x)) as one fused op (ops/fused/linear.ts): on wasm the bias and ReLU are applied
   * to the GEMM's rows while they are in cache, with one tape node; the same values and gradients
   * as nn.ReLU after this layer. Sequential uses it for a Linear followed by a ReLU.
   */
  forwardRelu(x: Tensor): Tensor {
    const [w, b] = [this.weight, this.bias];
    return applyFused("linear", b ? [this.#checked(x), w, b] : [this.#checked(x), w], { activation: "relu" })[0]!;
  }

  #checked(x: Tensor): Tensor {
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.inFeatures)
      throw new Error(`${this.toString()}: expected input [..., ${this.inFeatures}], got ${fmtShape(x.shape)}`);
    return x;
  }
}

/**
 * y = x1ᵀ·A·x2 + b (see F.bilinear): [..., in1Features] × [..., in2Features] → [..., outFeatures].
 * State dict: `weight` [out, in1, in2], `bias` [out], both initialised U(−1/√in1, 1/√in1) as torch
 * does. Matches torch.nn.Bilinear.
 */
export class Bilinear extends Module<[Tensor, Tensor], Tensor> {
  weight: Tensor;
  bias: Tensor | null;
  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, ...args: Args<[bias: boolean], LinearOptions>) {
    super();
    const { bias, dtype } = this.configure<Required<LinearOptions>>("nn.Bilinear", { in1Features, in2Features, outFeatures }, args, ["bias"], { bias: true, dtype: "float32" });
    this.weight = Parameter(zeros([outFeatures, in1Features, in2Features], { dtype }));
    this.bias = bias ? Parameter(zeros([outFeatures], { dtype })) : null;
    this.resetParameters();
  }

  /** Re-draws the parameters from U(−1/√in1, 1/√in1), as torch does. */
  resetParameters(): void {
    const bound = this.in1Features > 0 ? 1 / Math.sqrt(this.in1Features) : 0;
    noGrad(() => {
      uniform(this.weight, { a: -bound, b: bound });
      if (this.bias) uniform(this.bias, { a: -bound, b: bound });
    });
  }

  forward(input1: Tensor, input2: Tensor): Tensor {
    return bilinear(input1, input2, this.weight, this.bias);
  }
}

/** Returns its input. Matches torch.nn.Identity. */
export class Identity extends Module {
  constructor(...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.Identity", {}, args, [], {});
  }
  forward(x: Tensor): Tensor { return x; }
}

/** Flattens dims startDim..endDim (default 1..−1, keeping the batch dim). Matches torch.nn.Flatten. */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;
  constructor(...args: Args<[startDim: number, endDim: number], { startDim?: number; endDim?: number }>) {
    super();
    ({ startDim: this.startDim, endDim: this.endDim } = this.configure("nn.Flatten", {}, args, ["startDim", "endDim"], { startDim: 1, endDim: -1 }));
  }
  forward(x: Tensor): Tensor { return x.flatten(this.startDim, this.endDim); }
}

/** Splits dim `dim` into `unflattenedSize`. Matches torch.nn.Unflatten. */
export class Unflatten extends Module {
  constructor(readonly dim: number, readonly unflattenedSize: readonly number[], ...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.Unflatten", { dim, unflattenedSize }, args, [], {});
  }
  forward(x: Tensor): Tensor { return x.unflatten(this.dim, this.unflattenedSize); }
}
