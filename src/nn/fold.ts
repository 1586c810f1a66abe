// Unfold and Fold (im2col and col2im) as layers over F.unfold / F.fold, and the fixed-mode
// upsampling layers UpsamplingNearest2d / UpsamplingBilinear2d over F.interpolate.

import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import { resample } from "./functional/interpolate.js";
import { fold, unfold, type UnfoldOptions } from "./functional/unfold.js";
import { Module } from "./module.js";

type Pair = number | readonly [number, number];
type FoldArgs = Args<[dilation: Pair, padding: Pair, stride: Pair], UnfoldOptions>;
const FOLD_DEFAULTS: Required<UnfoldOptions> = { dilation: 1, padding: 0, stride: 1 };

/**
 * Sliding kH×kW blocks of [N, C, H, W] (or [C, H, W]) as columns [N, C·kH·kW, L].
 * Matches torch.nn.Unfold (kernel_size, dilation=1, padding=0, stride=1).
 */
export class Unfold extends Module {
  readonly options: Required<UnfoldOptions>;
  constructor(readonly kernelSize: Pair, ...args: FoldArgs) {
    super();
    this.options = this.configure("nn.Unfold", { kernelSize }, args, ["dilation", "padding", "stride"], FOLD_DEFAULTS);
  }
  forward(x: Tensor): Tensor { return unfold(x, this.kernelSize, { ...this.options }); }
}

/**
 * Sums columns [N, C·kH·kW, L] (or unbatched [C·kH·kW, L]) back into an image [N, C, *outputSize]:
 * the adjoint of Unfold. Matches torch.nn.Fold (output_size, kernel_size, dilation=1, padding=0, stride=1).
 */
export class Fold extends Module {
  readonly options: Required<UnfoldOptions>;
  constructor(readonly outputSize: Pair, readonly kernelSize: Pair, ...args: FoldArgs) {
    super();
    this.options = this.configure("nn.Fold", { outputSize, kernelSize }, args, ["dilation", "padding", "stride"], FOLD_DEFAULTS);
  }
  forward(x: Tensor): Tensor { return fold(x, this.outputSize, this.kernelSize, { ...this.options }); }
}

type Sizes = number | readonly number[] | null;
interface UpsamplingOptions { size?: Sizes; scaleFactor?: Sizes }

abstract class UpsamplingFixed extends Module {
  readonly size: Sizes;
  readonly scaleFactor: Sizes;
  constructor(readonly name: string, args: readonly unknown[]) {
    super();
    ({ size: this.size, scaleFactor: this.scaleFactor } = this.configure<Required<UpsamplingOptions>>(name, {}, args, ["size", "scaleFactor"], { size: null, scaleFactor: null }));
  }
}

/** Nearest-neighbour upsampling of [N, C, H, W] to `size` or by `scaleFactor`. Matches torch.nn.UpsamplingNearest2d (size, scale_factor). */
export class UpsamplingNearest2d extends UpsamplingFixed {
  constructor(...args: Args<[size: Sizes, scaleFactor: Sizes], UpsamplingOptions>) { super("nn.UpsamplingNearest2d", args); }
  forward(x: Tensor): Tensor { return resample(this.name, x, { size: this.size, scaleFactor: this.scaleFactor, mode: "nearest" }); }
}

/**
 * Bilinear upsampling of [N, C, H, W] with alignCorners = true (torch's fixed choice for this
 * layer). Matches torch.nn.UpsamplingBilinear2d (size, scale_factor).
 */
export class UpsamplingBilinear2d extends UpsamplingFixed {
  constructor(...args: Args<[size: Sizes, scaleFactor: Sizes], UpsamplingOptions>) { super("nn.UpsamplingBilinear2d", args); }
  forward(x: Tensor): Tensor { return resample(this.name, x, { size: this.size, scaleFactor: this.scaleFactor, mode: "bilinear", alignCorners: true }); }
}
