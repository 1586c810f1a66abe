// Pooling and resizing layers: MaxPool1d/2d, MaxUnpool2d, AvgPool1d/2d, AdaptiveAvgPool1d/2d,
// AdaptiveMaxPool2d and Upsample. No parameters; the math lives in functional/pooling.ts.

import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import type { Size } from "./functional/conv.js";
import { adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPoolNd, maxUnpool2d, type AvgPoolOptions, type MaxPoolOptions } from "./functional/pooling.js";
import { resample, type InterpolateMode, type InterpolateOptions } from "./functional/interpolate.js";
import { pixelShuffle, pixelUnshuffle } from "./functional/layers.js";
import { Module } from "./module.js";

type PoolOut = Tensor | [Tensor, Tensor];

abstract class MaxPoolNd<Out extends PoolOut> extends Module<[Tensor], Out> {
  readonly stride: Size | null;
  readonly padding: Size;
  readonly dilation: Size;
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;
  constructor(readonly name: string, readonly kernelSize: Size, args: readonly unknown[]) {
    super();
    const o = this.configure<Required<MaxPoolOptions>>(name, { kernelSize }, args, ["stride", "padding", "dilation", "returnIndices", "ceilMode"], {
      stride: null, padding: 0, dilation: 1, returnIndices: false, ceilMode: false,
    });
    this.stride = o.stride;
    this.padding = o.padding;
    this.dilation = o.dilation;
    this.ceilMode = o.ceilMode;
    this.returnIndices = o.returnIndices;
  }
  forward(x: Tensor): Out {
    return this.pool(x, false);
  }

  /**
   * forward(relu(x)) as one op: max and ReLU commute bit for bit (values, indices of the nonzero
   * maxima, gradients), so the ReLU and its gradient's mask run on the pooled values, a quarter of
   * x for 2x2 windows. Sequential uses it for a ReLU followed by this layer.
   */
  forwardRelu(x: Tensor): Out {
    return this.pool(x, true);
  }

  /** Whether this pools 2x2 windows at stride 2 with no padding or dilation (what a convolution's kernel can make: Sequential). */
  get halves(): boolean {
    const all = (v: Size | null, want: number): boolean => [v ?? this.kernelSize].flat().every((u) => u === want);
    return all(this.kernelSize, 2) && all(this.stride, 2) && all(this.padding, 0) && all(this.dilation, 1);
  }

  private pool(x: Tensor, relu: boolean): Out {
    return maxPoolNd(this.name, this.name.endsWith("1d") ? 1 : 2, x, this.kernelSize, [
      { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices },
    ], relu) as Out;
  }
}

type MaxPoolLayerArgs = Args<[stride: Size | null, padding: Size, dilation: Size, returnIndices: boolean, ceilMode: boolean], MaxPoolOptions>;

/**
 * Max pooling over kH×kW windows of [N, C, H, W] (deck 002). forward returns [values, indices]
 * when returnIndices is set: type it as `new nn.MaxPool2d<[Tensor, Tensor]>(2, { returnIndices: true })`.
 * Matches torch.nn.MaxPool2d (kernel_size, stride, padding, dilation, return_indices, ceil_mode).
 */
export class MaxPool2d<Out extends PoolOut = Tensor> extends MaxPoolNd<Out> {
  constructor(kernelSize: Size, ...args: MaxPoolLayerArgs) { super("nn.MaxPool2d", kernelSize, args); }
}

/** Max pooling over windows of [N, C, L]. Matches torch.nn.MaxPool1d. */
export class MaxPool1d<Out extends PoolOut = Tensor> extends MaxPoolNd<Out> {
  constructor(kernelSize: Size, ...args: MaxPoolLayerArgs) { super("nn.MaxPool1d", kernelSize, args); }
}

/**
 * The partial inverse of MaxPool2d: puts each value at its recorded index, zeros elsewhere.
 * Matches torch.nn.MaxUnpool2d (kernel_size, stride, padding); forward(x, indices, outputSize?).
 */
export class MaxUnpool2d extends Module<[Tensor, Tensor, (readonly number[])?], Tensor> {
  readonly stride: Size | null;
  readonly padding: Size;
  constructor(readonly kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size], { stride?: Size | null; padding?: Size }>) {
    super();
    const o = this.configure<{ stride: Size | null; padding: Size }>("nn.MaxUnpool2d", { kernelSize }, args, ["stride", "padding"], { stride: null, padding: 0 });
    this.stride = o.stride;
    this.padding = o.padding;
  }
  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool2d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize: outputSize ?? null });
  }
}

abstract class AvgPoolNd extends Module {
  readonly options: Required<AvgPoolOptions>;
  constructor(readonly name: string, readonly kernelSize: Size, args: readonly unknown[], positional: (keyof AvgPoolOptions)[]) {
    super();
    this.options = this.configure<Required<AvgPoolOptions>>(name, { kernelSize }, args, positional, {
      stride: null, padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: null,
    });
  }
}

/**
 * Average pooling of [N, C, H, W] (deck 002). Matches torch.nn.AvgPool2d (kernel_size, stride,
 * padding, ceil_mode, count_include_pad, divisor_override).
 */
export class AvgPool2d extends AvgPoolNd {
  constructor(kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolOptions>) {
    super("nn.AvgPool2d", kernelSize, args, ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"]);
  }
  forward(x: Tensor): Tensor { return avgPool2d(x, this.kernelSize, { ...this.options }); }
}

/** Average pooling of [N, C, L]. Matches torch.nn.AvgPool1d (kernel_size, stride, padding, ceil_mode, count_include_pad). */
export class AvgPool1d extends AvgPoolNd {
  constructor(kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean], Omit<AvgPoolOptions, "divisorOverride">>) {
    super("nn.AvgPool1d", kernelSize, args, ["stride", "padding", "ceilMode", "countIncludePad"]);
    if (this.options.divisorOverride !== null) throw new Error("nn.AvgPool1d: divisorOverride is not an option of the 1-D pooling (as torch)");
  }
  forward(x: Tensor): Tensor {
    const { divisorOverride: _, ...o } = this.options;
    return avgPool1d(x, this.kernelSize, o);
  }
}

type OutSize = number | null | readonly (number | null)[];

/** Averages adaptive bins to a fixed [oH, oW] whatever the input size. Matches torch.nn.AdaptiveAvgPool2d. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: OutSize, ...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.AdaptiveAvgPool2d", { outputSize }, args, [], {});
  }
  forward(x: Tensor): Tensor { return adaptiveAvgPool2d(x, this.outputSize); }
}

/** Averages adaptive bins to a fixed length. Matches torch.nn.AdaptiveAvgPool1d. */
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number, ...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.AdaptiveAvgPool1d", { outputSize }, args, [], {});
  }
  forward(x: Tensor): Tensor { return adaptiveAvgPool1d(x, this.outputSize); }
}

/** The maximum of adaptive bins, [N, C, oH, oW]. Matches torch.nn.AdaptiveMaxPool2d (output_size, return_indices). */
export class AdaptiveMaxPool2d<Out extends PoolOut = Tensor> extends Module<[Tensor], Out> {
  readonly returnIndices: boolean;
  constructor(readonly outputSize: OutSize, ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>) {
    super();
    this.returnIndices = this.configure("nn.AdaptiveMaxPool2d", { outputSize }, args, ["returnIndices"], { returnIndices: false }).returnIndices;
  }
  forward(x: Tensor): Out { return adaptiveMaxPool2d(x, this.outputSize, this.returnIndices) as Out; }
}

/**
 * Up-sampling (decks 002/004) by `size` or `scaleFactor`, 'nearest' or '(bi)linear' with
 * alignCorners: F.interpolate as a layer. Matches torch.nn.Upsample (size, scale_factor, mode,
 * align_corners, recompute_scale_factor).
 */
export class Upsample extends Module {
  readonly options: Required<InterpolateOptions>;
  constructor(...args: Args<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode, alignCorners: boolean | null, recomputeScaleFactor: boolean | null], InterpolateOptions>) {
    super();
    this.options = this.configure<Required<InterpolateOptions>>("nn.Upsample", {}, args, ["size", "scaleFactor", "mode", "alignCorners", "recomputeScaleFactor"], {
      size: null, scaleFactor: null, mode: "nearest", alignCorners: null, recomputeScaleFactor: null,
    });
  }
  forward(x: Tensor): Tensor { return resample("nn.Upsample", x, this.options); }
}

/** Sub-pixel rearrangement [*, C·r², H, W] → [*, C, H·r, W·r]. Matches torch.nn.PixelShuffle. */
export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number, ...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.PixelShuffle", { upscaleFactor }, args, [], {});
  }
  forward(x: Tensor): Tensor { return pixelShuffle(x, this.upscaleFactor); }
}

/** The inverse of PixelShuffle: [*, C, H·r, W·r] → [*, C·r², H, W]. Matches torch.nn.PixelUnshuffle. */
export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number, ...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.PixelUnshuffle", { downscaleFactor }, args, [], {});
  }
  forward(x: Tensor): Tensor { return pixelUnshuffle(x, this.downscaleFactor); }
}
