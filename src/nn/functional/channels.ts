// Across-channel layers: F.localResponseNorm (AlexNet's) and F.channelShuffle (ShuffleNet's),
// composites of core ops.

import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { pad } from "./pad.js";

export interface LocalResponseNormOptions {
  alpha?: number;
  beta?: number;
  k?: number;
}

/**
 * bᶜ = aᶜ / (k + α/n · Σ_{c'} (aᶜ')²)^β, the sum over the n channels c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋
 * (zero outside), for [N, C, *] with at least 3 dims (Krizhevsky et al., 2012). The divisor is an
 * average over the window, computed as torch's avg_pool over zero-padded squares. Matches
 * torch.nn.functional.local_response_norm (input, size, alpha=1e-4, beta=0.75, k=1.0).
 */
export function localResponseNorm(input: Tensor, size: number, ...args: Args<[alpha: number, beta: number, k: number], LocalResponseNormOptions>): Tensor {
  const where = "F.localResponseNorm";
  const { alpha, beta, k } = resolveArgs<Required<LocalResponseNormOptions>>(where, args, ["alpha", "beta", "k"], { alpha: 1e-4, beta: 0.75, k: 1 });
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`${where}: size must be a positive integer, got ${String(size)}`);
  if (input.ndim < 3) throw new Error(`${where}: expected 3-D or higher input [N, C, *], got ${fmtShape(input.shape)}`);
  if (input.numel === 0) return input;
  const c = input.shape[1]!;
  // zero-pad the squares along the channel dim (pairs from the last dim backward), then sum n shifted slices
  const padding = [...Array<number>(2 * (input.ndim - 2)).fill(0), Math.floor(size / 2), Math.floor((size - 1) / 2)];
  const sq = pad(input.mul(input), padding);
  let sum = sq.narrow(1, 0, c);
  for (let j = 1; j < size; j++) sum = sum.add(sq.narrow(1, j, c));
  return input.div(sum.div(size).mul(alpha).add(k).pow(beta));
}

/**
 * Splits the C channels of [N, C, *] into `groups` groups and interleaves them: channel g·(C/g) + i
 * moves to i·g + g (Zhang et al., 2018, ShuffleNet). Matches torch.nn.functional.channel_shuffle (input, groups).
 */
export function channelShuffle(input: Tensor, groups: number, ...args: Args<[], Record<never, never>>): Tensor {
  const where = "F.channelShuffle";
  resolveArgs(where, args, [], {});
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`${where}: groups must be a positive integer, got ${String(groups)}`);
  if (input.ndim < 3) throw new Error(`${where}: expected an input with more than 2 dims [N, C, *], got ${fmtShape(input.shape)}`);
  const [n, c] = input.shape as [number, number];
  if (c % groups !== 0) throw new Error(`${where}: the ${c} channels of ${fmtShape(input.shape)} are not divisible by groups = ${groups}`);
  const rest = input.shape.slice(2);
  return input.reshape([n, groups, c / groups, ...rest]).transpose(1, 2).reshape([n, c, ...rest]);
}
