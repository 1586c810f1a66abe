// Volumetric convolution layers (video, medical scans): Conv3d and ConvTranspose3d with torch's
// arguments, initialisation and state-dict keys. The math lives in functional/conv3d.ts.

import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import { ConvNd, ConvTransposeNd, type ConvLayerOptions, type ConvTransposeLayerOptions } from "./conv.js";
import type { Size } from "./functional/conv.js";
import { conv3dFolded, convTranspose3dFolded } from "./functional/conv3d.js";
import { padSpatial, type PaddingMode } from "./functional/windows.js";

/**
 * 3-D convolution layer: [N, Cin, D, H, W] → [N, Cout, D', H', W'], D' = ⌊(D + 2p − d(k − 1) − 1)/s⌋ + 1
 * per spatial dim. State dict: `weight` [Cout, Cin/groups, kD, kH, kW], `bias` [Cout]; weight ~
 * kaiming_uniform(a = √5), as torch. Matches torch.nn.Conv3d (inChannels, outChannels, kernelSize,
 * stride, padding, dilation, groups, bias, paddingMode), padding 'same'/'valid' included.
 */
export class Conv3d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size,
    ...args: Args<[stride: Size, padding: Size | "same" | "valid", dilation: Size, groups: number, bias: boolean, paddingMode: PaddingMode], ConvLayerOptions>) {
    super("nn.Conv3d", inChannels, outChannels, kernelSize, args);
  }

  override forward(x: Tensor): Tensor {
    this.checkInput(x);
    const zero = this.pads.map(() => [0, 0] as [number, number]);
    const [input, pads] = this.paddingMode === "zeros" ? [x, this.pads] : [padSpatial(this.where, x, this.pads, this.paddingMode), zero];
    return conv3dFolded(this.where, input, this.weight, this.bias, this.stride, this.dilation, this.groups, pads);
  }
}

/**
 * Transposed 3-D convolution: [N, Cin, D, H, W] → [N, Cout, D', H', W'],
 * D' = (D − 1)s − 2p + d(k − 1) + outputPadding + 1. State dict: `weight` [Cin, Cout/groups, kD, kH, kW],
 * `bias` [Cout]. forward(x, outputSize?) as ConvTranspose2d. Matches torch.nn.ConvTranspose3d
 * (inChannels, outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode).
 */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size,
    ...args: Args<[stride: Size, padding: Size, outputPadding: Size, groups: number, bias: boolean, dilation: Size, paddingMode: "zeros"], ConvTransposeLayerOptions>) {
    super("nn.ConvTranspose3d", inChannels, outChannels, kernelSize, args);
  }

  protected override transpose(x: Tensor, outputPadding: readonly number[]): Tensor {
    return convTranspose3dFolded(this.where, x, this.weight, this.bias, this.stride, this.padding, outputPadding, this.dilation, this.groups);
  }
}
