// The residual BasicBlock of ResNet (He et al., 2016; deck 001), with torchvision's layout and
// state-dict keys, so a torchvision ResNet-18/34 block loads as is.

import type { DType } from "../dtype.js";
import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { Sequential } from "./container.js";
import { Conv2d } from "./conv.js";
import { Module } from "./module.js";
import { BatchNorm2d } from "./normalization2d.js";

export interface BasicBlockOptions {
  stride?: number;
  /** The shortcut when shapes change; by default a 1x1 strided Conv2d + BatchNorm2d is built when needed. */
  downsample?: Module | null;
  dtype?: DType;
}

/**
 * relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)) with two 3x3 convolutions (the first with
 * `stride`), no conv biases, and the identity shortcut, or `downsample` (torchvision builds
 * Sequential(Conv2d 1x1 stride s, BatchNorm2d) when the stride or the width changes; this does the
 * same by default). State dict: conv1.weight, bn1.*, conv2.weight, bn2.*, downsample.0.weight,
 * downsample.1.*. Matches torchvision.models.resnet.BasicBlock (inplanes, planes, stride, downsample).
 */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Module | null;
  constructor(readonly inplanes: number, readonly planes: number, ...args: Args<[stride: number, downsample: Module | null], BasicBlockOptions>) {
    super();
    const { stride, downsample, dtype } = this.configure<Required<BasicBlockOptions>>("nn.BasicBlock", { inplanes, planes }, args, ["stride", "downsample"], { stride: 1, downsample: null, dtype: "float32" });
    this.conv1 = new Conv2d(inplanes, planes, 3, { stride, padding: 1, bias: false, dtype });
    this.bn1 = new BatchNorm2d(planes, { dtype });
    this.conv2 = new Conv2d(planes, planes, 3, { stride: 1, padding: 1, bias: false, dtype });
    this.bn2 = new BatchNorm2d(planes, { dtype });
    this.downsample = downsample ?? (stride !== 1 || inplanes !== planes
      ? new Sequential(new Conv2d(inplanes, planes, 1, { stride, bias: false, dtype }), new BatchNorm2d(planes, { dtype }))
      : null);
  }
  forward(x: Tensor): Tensor {
    if (x.ndim !== 4 || x.shape[1] !== this.inplanes)
      throw new Error(`BasicBlock(${this.inplanes}, ${this.planes}): expected input [N, ${this.inplanes}, H, W], got ${fmtShape(x.shape)}`);
    const h = this.bn2.forward(this.conv2.forward(this.bn1.forward(this.conv1.forward(x)).relu()));
    const shortcut = this.downsample ? this.downsample.forward(x) : x;
    return h.add(shortcut).relu();
  }
}
