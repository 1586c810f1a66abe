// More pooling and across-channel layers: LPPool1d/2d, AdaptiveMaxPool1d, MaxUnpool1d,
// LocalResponseNorm and ChannelShuffle. No parameters; the math lives in functional/.

import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import { channelShuffle, localResponseNorm, type LocalResponseNormOptions } from "./functional/channels.js";
import type { Size } from "./functional/conv.js";
import { adaptiveMaxPool1d, lpPool1d, lpPool2d, maxUnpool1d, type LPPoolOptions } from "./functional/pooling-more.js";
import { Module } from "./module.js";

type PoolOut = Tensor | [Tensor, Tensor];
type LPPoolLayerArgs = Args<[stride: Size | null, ceilMode: boolean], LPPoolOptions>;

abstract class LPPoolNd extends Module {
  readonly stride: Size | null;
  readonly ceilMode: boolean;
  constructor(name: string, readonly normType: number, readonly kernelSize: Size, args: readonly unknown[]) {
    super();
    ({ stride: this.stride, ceilMode: this.ceilMode } = this.configure<Required<LPPoolOptions>>(name, { normType, kernelSize }, args, ["stride", "ceilMode"], { stride: null, ceilMode: false }));
  }
}

/** Power-average pooling (Σ xᵖ)^(1/p) over windows of [N, C, L]. Matches torch.nn.LPPool1d (norm_type, kernel_size, stride=None, ceil_mode=False). */
export class LPPool1d extends LPPoolNd {
  constructor(normType: number, kernelSize: number, ...args: LPPoolLayerArgs) { super("nn.LPPool1d", normType, kernelSize, args); }
  forward(x: Tensor): Tensor { return lpPool1d(x, this.normType, this.kernelSize as number, this.stride, this.ceilMode); }
}

/** Power-average pooling (Σ xᵖ)^(1/p) over kH×kW windows of [N, C, H, W]. Matches torch.nn.LPPool2d (norm_type, kernel_size, stride=None, ceil_mode=False). */
export class LPPool2d extends LPPoolNd {
  constructor(normType: number, kernelSize: Size, ...args: LPPoolLayerArgs) { super("nn.LPPool2d", normType, kernelSize, args); }
  forward(x: Tensor): Tensor { return lpPool2d(x, this.normType, this.kernelSize, this.stride, this.ceilMode); }
}

/**
 * The maximum of adaptive bins, [N, C, L] → [N, C, outputSize]; with returnIndices forward returns
 * [values, indices]: type it as `new nn.AdaptiveMaxPool1d<[Tensor, Tensor]>(4, true)`.
 * Matches torch.nn.AdaptiveMaxPool1d (output_size, return_indices=False).
 */
export class AdaptiveMaxPool1d<Out extends PoolOut = Tensor> extends Module<[Tensor], Out> {
  readonly returnIndices: boolean;
  constructor(readonly outputSize: number, ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>) {
    super();
    this.returnIndices = this.configure("nn.AdaptiveMaxPool1d", { outputSize }, args, ["returnIndices"], { returnIndices: false }).returnIndices;
  }
  forward(x: Tensor): Out { return adaptiveMaxPool1d(x, this.outputSize, this.returnIndices) as Out; }
}

/**
 * The partial inverse of MaxPool1d: each value at its recorded index, zeros elsewhere.
 * Matches torch.nn.MaxUnpool1d (kernel_size, stride=None, padding=0); forward(x, indices, outputSize?).
 */
export class MaxUnpool1d extends Module<[Tensor, Tensor, (readonly number[])?], Tensor> {
  readonly stride: Size | null;
  readonly padding: Size;
  constructor(readonly kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size], { stride?: Size | null; padding?: Size }>) {
    super();
    ({ stride: this.stride, padding: this.padding } = this.configure<{ stride: Size | null; padding: Size }>("nn.MaxUnpool1d", { kernelSize }, args, ["stride", "padding"], { stride: null, padding: 0 }));
  }
  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool1d(x, indices, this.kernelSize, this.stride, this.padding, outputSize ?? null);
  }
}

/**
 * AlexNet's normalization across `size` neighbouring channels: a / (k + α/n·Σ a²)^β.
 * Matches torch.nn.LocalResponseNorm (size, alpha=1e-4, beta=0.75, k=1.0).
 */
export class LocalResponseNorm extends Module {
  readonly alpha: number;
  readonly beta: number;
  readonly k: number;
  constructor(readonly size: number, ...args: Args<[alpha: number, beta: number, k: number], LocalResponseNormOptions>) {
    super();
    ({ alpha: this.alpha, beta: this.beta, k: this.k } = this.configure<Required<LocalResponseNormOptions>>("nn.LocalResponseNorm", { size }, args, ["alpha", "beta", "k"], { alpha: 1e-4, beta: 0.75, k: 1 }));
  }
  forward(x: Tensor): Tensor { return localResponseNorm(x, this.size, this.alpha, this.beta, this.k); }
}

/** Interleaves `groups` groups of channels of [N, C, *] (ShuffleNet). Matches torch.nn.ChannelShuffle (groups). */
export class ChannelShuffle extends Module {
  constructor(readonly groups: number, ...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.ChannelShuffle", { groups }, args, [], {});
  }
  forward(x: Tensor): Tensor { return channelShuffle(x, this.groups); }
}
