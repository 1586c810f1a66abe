// Normalization layers: LayerNorm (per sample, over trailing dims) and BatchNorm1d (per channel,
// over the batch, with running statistics kept as buffers).

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { ones, zeros } from "../ops/creation.js";
import { fmtShape, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { batchNorm, layerNorm } from "./functional/layers.js";
import type { Args } from "../options.js";
import { Module } from "./module.js";
import { Buffer, Parameter } from "./parameter.js";

export interface LayerNormOptions {
  eps?: number;
  /** Learnable per-element `weight` (ones) and `bias` (zeros) of normalizedShape. */
  elementwiseAffine?: boolean;
  dtype?: DType;
}

/**
 * (x − E[x])/√(Var[x] + ε)·γ + β over the trailing normalizedShape dims (biased variance)
 * (Ba et al., 2016). State dict: `weight`, `bias` of normalizedShape. Matches torch.nn.LayerNorm.
 */
export class LayerNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  constructor(normalizedShape: number | readonly number[], ...args: Args<[eps: number, elementwiseAffine: boolean], LayerNormOptions>) {
    super();
    const { eps, elementwiseAffine, dtype } = this.configure<Required<LayerNormOptions>>(
      "nn.LayerNorm", { normalizedShape }, args, ["eps", "elementwiseAffine"], { eps: 1e-5, elementwiseAffine: true, dtype: "float32" });
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    this.eps = eps;
    this.weight = elementwiseAffine ? Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = elementwiseAffine ? Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }
  forward(x: Tensor): Tensor {
    const k = this.normalizedShape.length;
    if (x.ndim < k || !shapesEqual(x.shape.slice(x.ndim - k), this.normalizedShape))
      throw new Error(`LayerNorm(${fmtShape(this.normalizedShape)}): expected input [..., ${this.normalizedShape.join(",")}], got ${fmtShape(x.shape)}`);
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}

export interface BatchNormOptions {
  eps?: number;
  /** Weight of each new batch in the running averages; null for a cumulative average. */
  momentum?: number | null;
  /** Learnable per-channel `weight` (ones) and `bias` (zeros). */
  affine?: boolean;
  /** Keep running_mean/running_var buffers for eval mode; without them eval uses batch statistics. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/**
 * A batch or instance norm's parameters and buffers over C features, as torch's _NormBase makes
 * them (in its state-dict order): weight 1 and bias 0 where affine; running_mean 0, running_var 1
 * and num_batches_tracked 0 (int32 here, int64 in torch) where trackRunningStats; null where off.
 */
export function normState(c: number, affine: boolean, trackRunningStats: boolean, dtype: DType) {
  return {
    weight: affine ? Parameter(ones([c], { dtype })) : null,
    bias: affine ? Parameter(zeros([c], { dtype })) : null,
    runningMean: trackRunningStats ? Buffer(zeros([c], { dtype })) : null,
    runningVar: trackRunningStats ? Buffer(ones([c], { dtype })) : null,
    numBatchesTracked: trackRunningStats ? Buffer(zeros([], { dtype: "int32" })) : null,
  };
}

/**
 * Batch normalization (Ioffe & Szegedy, 2015) of [N, C] or [N, C, L] per channel C. Training mode
 * normalizes with the batch mean and biased variance and updates running_mean and running_var
 * (unbiased) with `momentum`; eval mode uses the running statistics. State dict: `weight`, `bias`,
 * `running_mean`, `running_var`, `num_batches_tracked` (int32 here, int64 in torch).
 * Matches torch.nn.BatchNorm1d.
 */
export class BatchNorm1d extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  constructor(readonly numFeatures: number, ...args: Args<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], BatchNormOptions>) {
    super();
    // momentum's default is undefined here so that null (torch's cumulative average) passes the number check
    const { eps, momentum, affine, trackRunningStats, dtype } = this.configure<{ eps: number; momentum: number | null | undefined; affine: boolean; trackRunningStats: boolean; dtype: DType }>(`nn.${new.target.name}`, { numFeatures }, args, ["eps", "momentum", "affine", "trackRunningStats"], {
      eps: 1e-5, momentum: undefined, affine: true, trackRunningStats: true, dtype: "float32",
    });
    this.eps = eps;
    this.momentum = momentum === undefined ? 0.1 : momentum;
    const cfg = this.getConfig()!;
    cfg.options = { ...cfg.options, momentum: this.momentum };
    ({ weight: this.weight, bias: this.bias, runningMean: this.runningMean, runningVar: this.runningVar, numBatchesTracked: this.numBatchesTracked } =
      normState(numFeatures, affine, trackRunningStats, dtype));
  }

  protected checkInput(x: Tensor): void {
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[1] !== this.numFeatures)
      throw new Error(`BatchNorm1d(${this.numFeatures}): expected input [N, ${this.numFeatures}] or [N, ${this.numFeatures}, L], got ${fmtShape(x.shape)}`);
  }

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    return this.normalize(x);
  }

  /** Training-mode statistics and running-average updates, or eval-mode normalization, of a checked [N, C, ...]. */
  protected normalize(x: Tensor): Tensor {
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      const nbt = this.numBatchesTracked;
      noGrad(() => nbt.assign(nbt.add(1)));
      if (this.momentum === null) momentum = 1 / nbt.item(); // cumulative moving average
    }
    const useRunning = !this.training || this.runningMean !== null;
    return batchNorm(x, useRunning ? this.runningMean : null, useRunning ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: this.training || this.runningMean === null, momentum, eps: this.eps,
    });
  }
}
