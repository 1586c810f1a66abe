// Volumetric pooling layers: MaxPool3d, AvgPool3d, AdaptiveAvgPool3d, AdaptiveMaxPool3d and
// MaxUnpool3d. No parameters; the math lives in functional/pooling3d.ts.

import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import type { Size } from "./functional/conv.js";
import type { AvgPoolOptions, MaxPoolOptions } from "./functional/pooling.js";
import { adaptiveAvgPool3d, adaptiveMaxPool3d, avgPool3d, maxPool3d, maxUnpool3d } from "./functional/pooling3d.js";
import { Module } from "./module.js";

type PoolOut = Tensor | [Tensor, Tensor];
type OutSize = number | null | readonly (number | null)[];

/**
 * Max pooling over kD×kH×kW windows of [N, C, D, H, W]. forward returns [values, indices] when
 * returnIndices is set: type it as `new nn.MaxPool3d<[Tensor, Tensor]>(2, { returnIndices: true })`.
 * Matches torch.nn.MaxPool3d (kernel_size, stride, padding, dilation, return_indices, ceil_mode).
 */
export class MaxPool3d<Out extends PoolOut = Tensor> extends Module<[Tensor], Out> {
  readonly stride: Size | null;
  readonly padding: Size;
  readonly dilation: Size;
  readonly ceilMode: boolean;
  readonly returnIndices: boolean;
  constructor(readonly kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, dilation: Size, returnIndices: boolean, ceilMode: boolean], MaxPoolOptions>) {
    super();
    ({ stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices } =
      this.configure<Required<MaxPoolOptions>>("nn.MaxPool3d", { kernelSize }, args, ["stride", "padding", "dilation", "returnIndices", "ceilMode"], {
        stride: null, padding: 0, dilation: 1, returnIndices: false, ceilMode: false,
      }));
  }
  forward(x: Tensor): Out {
    const o = { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices };
    return (maxPool3d as unknown as (x: Tensor, k: Size, o: MaxPoolOptions) => Out)(x, this.kernelSize, o);
  }
}

/**
 * The partial inverse of MaxPool3d: puts each value at its recorded index, zeros elsewhere.
 * Matches torch.nn.MaxUnpool3d (kernel_size, stride, padding); forward(x, indices, outputSize?).
 */
export class MaxUnpool3d extends Module<[Tensor, Tensor, (readonly number[])?], Tensor> {
  readonly stride: Size | null;
  readonly padding: Size;
  constructor(readonly kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size], { stride?: Size | null; padding?: Size }>) {
    super();
    const o = this.configure<{ stride: Size | null; padding: Size }>("nn.MaxUnpool3d", { kernelSize }, args, ["stride", "padding"], { stride: null, padding: 0 });
    this.stride = o.stride;
    this.padding = o.padding;
  }
  forward(x: Tensor, indices: Tensor, outputSize?: readonly number[]): Tensor {
    return maxUnpool3d(x, indices, this.kernelSize, { stride: this.stride, padding: this.padding, outputSize: outputSize ?? null });
  }
}

/**
 * Average pooling of [N, C, D, H, W]. Matches torch.nn.AvgPool3d (kernel_size, stride, padding,
 * ceil_mode, count_include_pad, divisor_override).
 */
export class AvgPool3d extends Module {
  readonly options: Required<AvgPoolOptions>;
  constructor(readonly kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolOptions>) {
    super();
    this.options = this.configure<Required<AvgPoolOptions>>("nn.AvgPool3d", { kernelSize }, args, ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"], {
      stride: null, padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: null,
    });
  }
  forward(x: Tensor): Tensor { return avgPool3d(x, this.kernelSize, { ...this.options }); }
}

/** Averages adaptive bins to a fixed [oD, oH, oW] whatever the input size. Matches torch.nn.AdaptiveAvgPool3d. */
export class AdaptiveAvgPool3d extends Module {
  constructor(readonly outputSize: OutSize, ...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.AdaptiveAvgPool3d", { outputSize }, args, [], {});
  }
  forward(x: Tensor): Tensor { return adaptiveAvgPool3d(x, this.outputSize); }
}

/** The maximum of adaptive bins, [N, C, oD, oH, oW]. Matches torch.nn.AdaptiveMaxPool3d (output_size, return_indices). */
export class AdaptiveMaxPool3d<Out extends PoolOut = Tensor> extends Module<[Tensor], Out> {
  readonly returnIndices: boolean;
  constructor(readonly outputSize: OutSize, ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>) {
    super();
    this.returnIndices = this.configure("nn.AdaptiveMaxPool3d", { outputSize }, args, ["returnIndices"], { returnIndices: false }).returnIndices;
  }
  forward(x: Tensor): Out { return adaptiveMaxPool3d(x, this.outputSize, this.returnIndices) as Out; }
}
