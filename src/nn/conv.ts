// Convolution layers: Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d with torch's arguments,
// initialisation and state-dict keys (`weight`, `bias`). The math lives in functional/conv.ts.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { zeros } from "../ops/creation.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { relu } from "./functional/activation.js";
import { convNd, convPadding, convTransposeNd, type Size } from "./functional/conv.js";
import { padSpatial, tuple, type PaddingMode } from "./functional/windows.js";
import { calculateFanInAndFanOut, kaimingUniform, uniform } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

export interface ConvLayerOptions {
  stride?: Size;
  /** Zero-padding per side, a tuple, 'same' (output size = input size) or 'valid' (none). */
  padding?: Size | "same" | "valid";
  dilation?: Size;
  groups?: number;
  bias?: boolean;
  /** How the padding is filled: zeros, reflect, replicate or circular. */
  paddingMode?: PaddingMode;
  dtype?: DType;
}

export interface ConvTransposeLayerOptions {
  stride?: Size;
  padding?: Size;
  outputPadding?: Size;
  groups?: number;
  bias?: boolean;
  dilation?: Size;
  paddingMode?: "zeros";
  dtype?: DType;
}

const MODES: readonly string[] = ["zeros", "reflect", "replicate", "circular"];

/** Shared by all convolutions: parameters, torch's initialisation, shape checks. */
abstract class ConvBase extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly groups: number;
  constructor(
    readonly name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size,
    o: { stride: Size; dilation: Size; groups: number; bias: boolean; dtype: DType },
    transposed: boolean,
  ) {
    super();
    const nsp = name.endsWith("1d") ? 1 : name.endsWith("3d") ? 3 : 2;
    this.kernelSize = tuple(name, "kernelSize", kernelSize, nsp, 1);
    this.stride = tuple(name, "stride", o.stride, nsp, 1);
    this.dilation = tuple(name, "dilation", o.dilation, nsp, 1);
    this.groups = o.groups;
    if (!Number.isInteger(o.groups) || o.groups < 1) throw new Error(`${name}: groups must be a positive integer, got ${o.groups}`);
    if (inChannels % o.groups !== 0) throw new Error(`${name}: inChannels ${inChannels} must be divisible by groups ${o.groups}`);
    if (outChannels % o.groups !== 0) throw new Error(`${name}: outChannels ${outChannels} must be divisible by groups ${o.groups}`);
    const wshape = transposed ? [inChannels, outChannels / o.groups] : [outChannels, inChannels / o.groups];
    this.weight = Parameter(zeros([...wshape, ...this.kernelSize], { dtype: o.dtype }));
    this.bias = o.bias ? Parameter(zeros([outChannels], { dtype: o.dtype })) : null;
    this.resetParameters();
  }

  /** torch's default: W ~ kaiming_uniform(a = √5), b ~ U(−1/√fanIn, 1/√fanIn). */
  resetParameters(): void {
    noGrad(() => {
      kaimingUniform(this.weight, { a: Math.sqrt(5) });
      if (this.bias) {
        const { fanIn } = calculateFanInAndFanOut(this.weight);
        const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
        uniform(this.bias, { a: -bound, b: bound });
      }
    });
  }

  protected checkInput(x: Tensor): void {
    const nsp = this.kernelSize.length;
    if (x.ndim !== nsp + 2 || x.shape[1] !== this.inChannels)
      throw new Error(`${this.where}: expected input [N, ${this.inChannels}, ${["L", "H, W", "D, H, W"][nsp - 1]}], got ${fmtShape(x.shape)}`);
  }

  /** The layer as error messages name it: `nn.Conv2d(3, 6, kernelSize=[5,5], stride=[1,1])`. */
  protected get where(): string {
    return `${this.name}(${this.inChannels}, ${this.outChannels}, kernelSize=${fmtShape(this.kernelSize)}, stride=${fmtShape(this.stride)})`;
  }

  /**
   * torch's repr (ConvNd.extra_repr): channels, kernelSize and stride, then only the arguments that
   * differ from their defaults, so `Conv2d(3, 8, kernelSize=[3, 3], stride=[2, 2], padding=[1, 1])`.
   */
  override toString(): string {
    const [padding, outputPadding, paddingMode] = this.reprPadding();
    const extra: [string, unknown, boolean][] = [
      ["padding", padding, Array.isArray(padding) ? padding.some((p) => p !== 0) : true],
      ["dilation", this.dilation, this.dilation.some((d) => d !== 1)],
      ["outputPadding", outputPadding, outputPadding.some((p) => p !== 0)],
      ["groups", this.groups, this.groups !== 1],
      ["bias", false, this.bias === null],
      ["paddingMode", paddingMode, paddingMode !== "zeros"],
    ];
    const shown = extra.filter(([, , show]) => show).map(([k, v]) => `${k}=${typeof v === "string" ? `'${v}'` : Array.isArray(v) ? `[${v.join(", ")}]` : String(v)}`);
    const head = [`${this.inChannels}`, `${this.outChannels}`, `kernelSize=[${this.kernelSize.join(", ")}]`, `stride=[${this.stride.join(", ")}]`];
    return `${this.name.replace(/^nn\./, "")}(${[...head, ...shown].join(", ")})`;
  }

  /** padding (numbers per dim, or 'same'/'valid'), outputPadding (zeros unless transposed) and paddingMode, for toString. */
  protected abstract reprPadding(): [number[] | string, number[], string];
}

export abstract class ConvNd extends ConvBase {
  readonly padding: Size | "same" | "valid";
  readonly paddingMode: PaddingMode;
  protected readonly pads: [number, number][];
  constructor(name: string, inChannels: number, outChannels: number, kernelSize: Size, args: readonly unknown[]) {
    const o = resolveArgs<Required<ConvLayerOptions>>(name, args, ["stride", "padding", "dilation", "groups", "bias", "paddingMode"], {
      stride: 1, padding: 0, dilation: 1, groups: 1, bias: true, paddingMode: "zeros", dtype: "float32",
    });
    super(name, inChannels, outChannels, kernelSize, o, false);
    this.recordConfig({ args: Object.entries({ inChannels, outChannels, kernelSize }), options: o });
    if (!MODES.includes(o.paddingMode)) throw new Error(`${name}: paddingMode must be one of ${MODES.join(", ")}, got '${String(o.paddingMode)}'`);
    this.padding = o.padding;
    this.paddingMode = o.paddingMode;
    this.pads = convPadding(name, o.padding, this.kernelSize, this.stride, this.dilation);
  }

  protected reprPadding(): [number[] | string, number[], string] {
    const p = this.padding;
    return [typeof p === "string" ? p : tuple(this.name, "padding", p, this.kernelSize.length), this.kernelSize.map(() => 0), this.paddingMode];
  }
  /**
   * relu: relu(conv(x)) as one op (Conv2d.forwardRelu), for zero padding only. pool: a ReLU and a
   * 2x2 max pool follow (Sequential), which the kernel may compute while the output is in cache.
   */
  forward(x: Tensor, relu = false, pool = false): Tensor {
    this.checkInput(x);
    if (this.paddingMode === "zeros") return convNd(this.where, x, this.weight, this.bias, this.stride, this.dilation, this.groups, this.pads, false, relu, pool);
    const padded = padSpatial(this.where, x, this.pads, this.paddingMode);
    return convNd(this.where, padded, this.weight, this.bias, this.stride, this.dilation, this.groups);
  }
}

/**
 * 2-D convolution layer: [N, Cin, H, W] → [N, Cout, H', W'], H' = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1
 * (deck 002). State dict: `weight` [Cout, Cin/groups, kH, kW], `bias` [Cout]. Matches torch.nn.Conv2d
 * (inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, paddingMode).
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size,
    ...args: Args<[stride: Size, padding: Size | "same" | "valid", dilation: Size, groups: number, bias: boolean, paddingMode: PaddingMode], ConvLayerOptions>) {
    super("nn.Conv2d", inChannels, outChannels, kernelSize, args);
  }

  /**
   * relu(forward(x)) as one op: the ReLU runs on each output plane as the kernel stores it (no pass
   * over a fresh [N, Cout, H', W'] buffer), with one tape node; the same values and gradients as
   * nn.ReLU after this layer. Sequential uses it for a Conv2d followed by a ReLU.
   */
  forwardRelu(x: Tensor): Tensor {
    return this.paddingMode === "zeros" ? this.forward(x, true) : relu(this.forward(x));
  }
}

/** 1-D convolution layer: [N, Cin, L] → [N, Cout, L']. State dict: `weight` [Cout, Cin/groups, k], `bias`. Matches torch.nn.Conv1d. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size,
    ...args: Args<[stride: Size, padding: Size | "same" | "valid", dilation: Size, groups: number, bias: boolean, paddingMode: PaddingMode], ConvLayerOptions>) {
    super("nn.Conv1d", inChannels, outChannels, kernelSize, args);
  }
}

export abstract class ConvTransposeNd extends ConvBase {
  readonly padding: number[];
  readonly outputPadding: number[];
  constructor(name: string, inChannels: number, outChannels: number, kernelSize: Size, args: readonly unknown[]) {
    const o = resolveArgs<Required<ConvTransposeLayerOptions>>(name, args, ["stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode"], {
      stride: 1, padding: 0, outputPadding: 0, groups: 1, bias: true, dilation: 1, paddingMode: "zeros", dtype: "float32",
    });
    super(name, inChannels, outChannels, kernelSize, o, true);
    this.recordConfig({ args: Object.entries({ inChannels, outChannels, kernelSize }), options: o });
    if (o.paddingMode !== "zeros") throw new Error(`${name}: only paddingMode 'zeros' is supported for transposed convolutions (as torch), got '${String(o.paddingMode)}'`);
    const nsp = this.kernelSize.length;
    this.padding = tuple(name, "padding", o.padding, nsp);
    this.outputPadding = tuple(name, "outputPadding", o.outputPadding, nsp);
  }
  protected reprPadding(): [number[] | string, number[], string] {
    return [this.padding, this.outputPadding, "zeros"];
  }

  /** `outputSize` (the spatial size wanted, as torch's output_size) picks the outputPadding. */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    this.checkInput(x);
    let op = this.outputPadding;
    if (outputSize) {
      const want = outputSize.slice(-this.kernelSize.length);
      op = want.map((w, j) => w - ((x.shape[2 + j]! - 1) * this.stride[j]! - 2 * this.padding[j]! + this.dilation[j]! * (this.kernelSize[j]! - 1) + 1));
      if (op.some((p, j) => p < 0 || p >= Math.max(this.stride[j]!, this.dilation[j]!)))
        throw new Error(`${this.where}: outputSize ${fmtShape(outputSize)} cannot be reached from input ${fmtShape(x.shape)}`);
    }
    return this.transpose(x, op);
  }
  /** The transposed convolution itself, with the outputPadding chosen. */
  protected transpose(x: Tensor, outputPadding: readonly number[]): Tensor {
    return convTransposeNd(this.where, x, this.weight, this.bias, this.stride, this.padding, outputPadding, this.dilation, this.groups);
  }
}

/**
 * Transposed 2-D convolution ("deconvolution", the up-sampling of decks 002/004): [N, Cin, H, W] →
 * [N, Cout, H'], H' = (H − 1)s − 2p + d(k − 1) + outputPadding + 1. State dict: `weight`
 * [Cin, Cout/groups, kH, kW], `bias` [Cout]. Matches torch.nn.ConvTranspose2d (inChannels,
 * outChannels, kernelSize, stride, padding, outputPadding, groups, bias, dilation, paddingMode).
 */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size,
    ...args: Args<[stride: Size, padding: Size, outputPadding: Size, groups: number, bias: boolean, dilation: Size, paddingMode: "zeros"], ConvTransposeLayerOptions>) {
    super("nn.ConvTranspose2d", inChannels, outChannels, kernelSize, args);
  }
}

/** Transposed 1-D convolution: [N, Cin, L] → [N, Cout, L']. Matches torch.nn.ConvTranspose1d. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size,
    ...args: Args<[stride: Size, padding: Size, outputPadding: Size, groups: number, bias: boolean, dilation: Size, paddingMode: "zeros"], ConvTransposeLayerOptions>) {
    super("nn.ConvTranspose1d", inChannels, outChannels, kernelSize, args);
  }
}
