// Normalizations for feature maps: F.groupNorm and F.instanceNorm (BatchNorm2d reuses batchNorm).
// Composites of mean and variance over reshaped groups.

import { noGrad } from "../../autograd/grad-mode.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import type { NormOptions } from "./layers.js";

/** Per-channel affine y·γ + β on [N, C, ...]. */
function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined): Tensor {
  const shape = y.shape.map((s, d) => (d === 1 ? s : 1));
  let out = y;
  if (weight) out = out.mul(weight.reshape(shape));
  if (bias) out = out.add(bias.reshape(shape));
  return out;
}

/**
 * Group normalization (Wu & He, 2018): the C channels of x [N, C, ...] are split into numGroups
 * groups, each normalized by its own mean and biased variance, then the per-channel affine.
 * Matches torch.nn.functional.group_norm (input, num_groups, weight, bias, eps).
 */
export function groupNorm(x: Tensor, numGroups: number, ...args: Args<[weight: Tensor | null, bias: Tensor | null, eps: number], NormOptions>): Tensor {
  const { weight, bias, eps } = resolveArgs("F.groupNorm", args, ["weight", "bias", "eps"], { weight: null as Tensor | null, bias: null as Tensor | null, eps: 1e-5 });
  if (x.ndim < 2) throw new Error(`groupNorm: expected input [N, C, ...], got ${fmtShape(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0)
    throw new Error(`groupNorm: ${c} channels of input ${fmtShape(x.shape)} are not divisible into numGroups=${numGroups} groups`);
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const)
    if (t && t.numel !== c) throw new Error(`groupNorm: ${name} has ${t.numel} elements, the input ${fmtShape(x.shape)} has ${c} channels`);
  const g = x.reshape([n, numGroups, -1]);
  const mu = g.mean(2, true);
  const centered = g.sub(mu);
  const y = centered.mul(centered.square().mean(2, true).add(eps).rsqrt()).reshape(x.shape);
  return affine(y, weight, bias);
}

export interface InstanceNormOptions extends NormOptions {
  runningMean?: Tensor | null;
  runningVar?: Tensor | null;
  /** Normalize with each instance's statistics (training, or no running stats); else the running ones. */
  useInputStats?: boolean;
  momentum?: number;
}

/**
 * Instance normalization (Ulyanov et al., 2016): each channel of each sample of x [N, C, ...] is
 * normalized over its spatial dims (biased variance). With running statistics and useInputStats,
 * they are updated with the instance statistics averaged over the batch (unbiased variance), as
 * torch does. Matches torch.nn.functional.instance_norm (input, running_mean, running_var, weight,
 * bias, use_input_stats, momentum, eps).
 */
export function instanceNorm(
  x: Tensor,
  ...args: Args<[runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null, useInputStats: boolean, momentum: number, eps: number], InstanceNormOptions>
): Tensor {
  const { runningMean, runningVar, weight, bias, useInputStats, momentum, eps } = resolveArgs<Required<InstanceNormOptions>>(
    "F.instanceNorm", args, ["runningMean", "runningVar", "weight", "bias", "useInputStats", "momentum", "eps"],
    { runningMean: null, runningVar: null, weight: null, bias: null, useInputStats: true, momentum: 0.1, eps: 1e-5 },
  );
  if (x.ndim < 3) throw new Error(`instanceNorm: expected input [N, C, ...spatial], got ${fmtShape(x.shape)}`);
  const [n, c] = x.shape as [number, number];
  const dims = x.shape.slice(2).map((_, j) => 2 + j);
  const per = x.shape.map((s, d) => (d === 1 ? s : 1));
  let mean: Tensor, variance: Tensor;
  if (useInputStats || !runningMean || !runningVar) {
    const m = x.numel / (n * c);
    if (m <= 1 && useInputStats) throw new Error(`instanceNorm: expected more than 1 spatial element per channel, got input ${fmtShape(x.shape)}`);
    mean = x.mean(dims, true);
    variance = x.sub(mean).square().mean(dims, true);
    if (useInputStats && runningMean && runningVar)
      noGrad(() => {
        runningMean.assign(runningMean.mul(1 - momentum).add(mean.reshape([n, c]).mean(0).mul(momentum)));
        runningVar.assign(runningVar.mul(1 - momentum).add(variance.reshape([n, c]).mean(0).mul((momentum * m) / (m - 1))));
      });
  } else {
    mean = runningMean.reshape(per);
    variance = runningVar.reshape(per);
  }
  return affine(x.sub(mean).mul(variance.add(eps).rsqrt()), weight, bias);
}
