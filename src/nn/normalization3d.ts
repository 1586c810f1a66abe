// Normalization layers for volumes [N, C, D, H, W]: BatchNorm3d and InstanceNorm3d, on the same
// statistics, buffers and state-dict keys as their 2-D forms.

import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { BatchNorm1d } from "./normalization.js";
import { InstanceNormNd, type InstanceNormOptions } from "./normalization2d.js";

/**
 * Batch normalization of [N, C, D, H, W] per channel over N, D, H and W (Ioffe & Szegedy, 2015):
 * running statistics (unbiased variance), momentum (null: cumulative average), affine and
 * trackRunningStats as BatchNorm1d, whose [N·D·H·W, C] view it runs. Matches torch.nn.BatchNorm3d.
 */
export class BatchNorm3d extends BatchNorm1d {
  protected override checkInput(x: Tensor): void {
    if (x.ndim !== 5 || x.shape[1] !== this.numFeatures)
      throw new Error(`BatchNorm3d(${this.numFeatures}): expected input [N, ${this.numFeatures}, D, H, W], got ${fmtShape(x.shape)}`);
  }
  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    const [n, c, d, h, w] = x.shape as [number, number, number, number, number];
    const rows = x.transpose(0, 1).reshape([c, n * d * h * w]).transpose(0, 1);
    return this.normalize(rows).transpose(0, 1).reshape([c, n, d, h, w]).transpose(0, 1);
  }
}

/**
 * Instance normalization (Ulyanov et al., 2016) of [N, C, D, H, W] (or unbatched [C, D, H, W]):
 * each sample's channel over D, H, W. Defaults as torch: no affine, no running statistics. Matches
 * torch.nn.InstanceNorm3d (num_features, eps, momentum, affine, track_running_stats).
 */
export class InstanceNorm3d extends InstanceNormNd {
  constructor(numFeatures: number, ...args: Args<[eps: number, momentum: number, affine: boolean, trackRunningStats: boolean], InstanceNormOptions>) {
    super("InstanceNorm3d", numFeatures, args);
  }
}
