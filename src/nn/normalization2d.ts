// Normalization layers for feature maps: BatchNorm2d, GroupNorm, InstanceNorm1d/2d, with torch's
// arguments, defaults and state-dict keys.

import type { DType } from "../dtype.js";
import { ones, zeros } from "../ops/creation.js";
import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { groupNorm, instanceNorm } from "./functional/normalization.js";
import { Module } from "./module.js";
import { BatchNorm1d, normState } from "./normalization.js";
import { Parameter } from "./parameter.js";

/**
 * Batch normalization of [N, C, H, W] per channel over N, H and W (Ioffe & Szegedy, 2015); the
 * same statistics, buffers and state dict as BatchNorm1d. Matches torch.nn.BatchNorm2d.
 */
export class BatchNorm2d extends BatchNorm1d {
  protected override checkInput(x: Tensor): void {
    if (x.ndim !== 4 || x.shape[1] !== this.numFeatures)
      throw new Error(`BatchNorm2d(${this.numFeatures}): expected input [N, ${this.numFeatures}, H, W], got ${fmtShape(x.shape)}`);
  }
  /**
   * Runs BatchNorm1d on the [N·H·W, C] view of x (channels last): per-channel statistics and
   * their gradients then reduce over one strided run, which the fast backend's reductions cover,
   * where N, H and W together are not one run.
   */
  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const rows = x.transpose(0, 1).reshape([c, n * h * w]).transpose(0, 1);
    const y = this.normalize(rows);
    return y.transpose(0, 1).reshape([c, n, h, w]).transpose(0, 1);
  }
}

/**
 * Group normalization (Wu & He, 2018) of [N, C, ...] in numGroups groups of channels. State dict:
 * `weight`, `bias` [C]. Matches torch.nn.GroupNorm (num_groups, num_channels, eps, affine).
 */
export class GroupNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly eps: number;
  constructor(readonly numGroups: number, readonly numChannels: number, ...args: Args<[eps: number, affine: boolean], { eps?: number; affine?: boolean; dtype?: DType }>) {
    super();
    const { eps, affine, dtype } = this.configure<{ eps: number; affine: boolean; dtype: DType }>("nn.GroupNorm", { numGroups, numChannels }, args, ["eps", "affine"], { eps: 1e-5, affine: true, dtype: "float32" });
    if (!Number.isInteger(numGroups) || numGroups < 1 || numChannels % numGroups !== 0)
      throw new Error(`nn.GroupNorm: numChannels ${numChannels} must be divisible by numGroups ${numGroups}`);
    this.eps = eps;
    this.weight = affine ? Parameter(ones([numChannels], { dtype })) : null;
    this.bias = affine ? Parameter(zeros([numChannels], { dtype })) : null;
  }
  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels)
      throw new Error(`GroupNorm(${this.numGroups}, ${this.numChannels}): expected input [N, ${this.numChannels}, ...], got ${fmtShape(x.shape)}`);
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
}

export interface InstanceNormOptions {
  eps?: number;
  momentum?: number;
  /** Learnable per-channel weight and bias (torch's default: false). */
  affine?: boolean;
  /** Keep running statistics for eval mode (torch's default: false). */
  trackRunningStats?: boolean;
  dtype?: DType;
}

type InstanceNormArgs = Args<[eps: number, momentum: number, affine: boolean, trackRunningStats: boolean], InstanceNormOptions>;

export abstract class InstanceNormNd extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  /** Kept for torch's state-dict layout; torch never advances it for instance norm. */
  numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number;
  constructor(readonly name: string, readonly numFeatures: number, args: readonly unknown[]) {
    super();
    const { eps, momentum, affine, trackRunningStats, dtype } = this.configure<Required<InstanceNormOptions>>(`nn.${name}`, { numFeatures }, args, ["eps", "momentum", "affine", "trackRunningStats"], {
      eps: 1e-5, momentum: 0.1, affine: false, trackRunningStats: false, dtype: "float32",
    });
    this.eps = eps;
    this.momentum = momentum;
    ({ weight: this.weight, bias: this.bias, runningMean: this.runningMean, runningVar: this.runningVar, numBatchesTracked: this.numBatchesTracked } =
      normState(numFeatures, affine, trackRunningStats, dtype));
  }
  forward(x: Tensor): Tensor {
    const nsp = this.name.endsWith("1d") ? 1 : this.name.endsWith("3d") ? 3 : 2;
    const sp = ["L", "H, W", "D, H, W"][nsp - 1]!;
    // torch takes an unbatched [C, ...] input as a batch of one
    if (x.ndim === nsp + 1 && x.shape[0] === this.numFeatures) return this.forward(x.unsqueeze(0)).squeeze(0);
    if (x.ndim !== nsp + 2 || x.shape[1] !== this.numFeatures)
      throw new Error(`${this.name}(${this.numFeatures}): expected input [N, ${this.numFeatures}, ${sp}] or unbatched [${this.numFeatures}, ${sp}], got ${fmtShape(x.shape)}`);
    const useInputStats = this.training || this.runningMean === null;
    return instanceNorm(x, this.runningMean, this.runningVar, { weight: this.weight, bias: this.bias, useInputStats, momentum: this.momentum, eps: this.eps });
  }
}

/**
 * Instance normalization (Ulyanov et al., 2016) of [N, C, H, W]: each sample's channel over H, W.
 * Defaults as torch: no affine, no running statistics. Matches torch.nn.InstanceNorm2d.
 */
export class InstanceNorm2d extends InstanceNormNd {
  constructor(numFeatures: number, ...args: InstanceNormArgs) { super("InstanceNorm2d", numFeatures, args); }
}

/** Instance normalization of [N, C, L]. Matches torch.nn.InstanceNorm1d. */
export class InstanceNorm1d extends InstanceNormNd {
  constructor(numFeatures: number, ...args: InstanceNormArgs) { super("InstanceNorm1d", numFeatures, args); }
}
