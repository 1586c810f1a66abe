// torch's other lazy modules: LazyConv1d/2d/3d, LazyConvTranspose1d/2d/3d, LazyBatchNorm1d/2d/3d
// and LazyInstanceNorm1d/2d/3d. Each infers its channel count from the first input, then builds the
// eager layer with it and adopts that layer's parameters and buffers as its own (same keys).

import type { DType } from "../dtype.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvLayerOptions, type ConvTransposeLayerOptions } from "./conv.js";
import { Conv3d, ConvTranspose3d } from "./conv3d.js";
import type { Size } from "./functional/conv.js";
import { Module } from "./module.js";
import { BatchNorm1d, type BatchNormOptions } from "./normalization.js";
import { BatchNorm2d, InstanceNorm1d, InstanceNorm2d, type InstanceNormOptions } from "./normalization2d.js";
import { BatchNorm3d, InstanceNorm3d } from "./normalization3d.js";

type Eager = Module & { forward(x: Tensor, ...rest: never[]): Tensor };

/**
 * The shared lazy machinery (torch's LazyModuleMixin). Before the first forward (or initializeParameters,
 * or loadStateDict, which reads the channel count from the saved weight or running mean) the
 * parameters are null and absent from parameters() and stateDict(), as nn.LazyLinear: run one
 * forward before building the optimizer, as torch's docs advise. Without a dtype option the
 * parameters take the first input's floating dtype and device. The class keeps its lazy name
 * (torch turns it into the eager class).
 */
abstract class LazyChannels extends Module {
  weight: Tensor | null = null;
  bias: Tensor | null = null;
  #inner: Eager | null = null;
  constructor(readonly layer: string, readonly spatialDims: number, protected readonly dtypeOption: DType | undefined) {
    super();
  }
  /** 0 until materialized, as torch's in_channels / num_features. */
  protected abstract get channels(): number;
  protected abstract set channels(c: number);
  /** The eager layer for c input channels, in dtype. */
  protected abstract build(c: number, dtype: DType): Eager;
  /** The state-dict entries this module adopts from the eager layer, in its order. */
  protected fields(): string[] {
    return ["weight", "bias"];
  }
  /** The channel count a saved state implies (loadStateDict before any forward), or undefined. */
  protected abstract channelsFrom(state: Record<string, Tensor>, prefix: string): number | undefined;

  /** True until the parameters exist (torch's has_uninitialized_params). */
  hasUninitializedParams(): boolean {
    return this.#inner === null;
  }

  /** Infers the channel count from `input` ([N, C, ...] or unbatched [C, ...]) and builds the parameters; a no-op once done. */
  initializeParameters(input: Tensor): void {
    if (!this.hasUninitializedParams()) return;
    const batched = this.spatialDims + 2, unbatched = this.spatialDims + 1;
    if (input.ndim !== batched && input.ndim !== unbatched)
      throw new Error(`nn.${this.layer}: expected a ${unbatched}-D (unbatched) or ${batched}-D (batched) input, got ${fmtShape(input.shape)}`);
    this.#materialize(input.shape[input.ndim === batched ? 1 : 0]!, input.isFloatingPoint() ? input.dtype : "float32", input.device);
  }

  #materialize(c: number, like: DType, device?: string): void {
    const inner = this.build(c, this.dtypeOption ?? like);
    if (device !== undefined) inner.to(device);
    this.channels = c;
    this.#inner = inner;
    const self = this as unknown as Record<string, unknown>, from = inner as unknown as Record<string, unknown>;
    for (const f of this.fields()) self[f] = from[f];
  }

  protected override materializeFrom(state: Record<string, Tensor>, prefix: string): void {
    const c = this.hasUninitializedParams() ? this.channelsFrom(state, prefix) : undefined;
    const t = state[`${prefix}weight`] ?? state[`${prefix}running_mean`];
    if (c !== undefined) this.#materialize(c, t?.isFloatingPoint() ? t.dtype : "float32");
  }

  /** Re-draws the parameters as the eager layer does; nothing before materialization. */
  resetParameters(): void {
    (this.#inner as { resetParameters?: () => void } | null)?.resetParameters?.();
  }

  forward(x: Tensor, ...rest: never[]): Tensor {
    this.initializeParameters(x);
    const inner = this.#inner!;
    inner.training = this.training;
    // the adopted tensors may have been replaced (loadStateDict, assignment): hand the current ones over
    const self = this as unknown as Record<string, unknown>, to = inner as unknown as Record<string, unknown>;
    for (const f of this.fields()) to[f] = self[f];
    return inner.forward(x, ...rest);
  }
}

type ConvArgs = Args<[stride: Size, padding: Size | "same" | "valid", dilation: Size, groups: number, bias: boolean, paddingMode: ConvLayerOptions["paddingMode"]], ConvLayerOptions>;
type ConvTArgs = Args<[stride: Size, padding: Size, outputPadding: Size, groups: number, bias: boolean, dilation: Size, paddingMode: "zeros"], ConvTransposeLayerOptions>;
const CONV_KEYS = ["stride", "padding", "dilation", "groups", "bias", "paddingMode"] as const;
const CONVT_KEYS = ["stride", "padding", "outputPadding", "groups", "bias", "dilation", "paddingMode"] as const;
const dropUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** A convolution whose inChannels comes from the first input; weight [out, in/groups, ...k] as its eager layer. */
abstract class LazyConvBase extends LazyChannels {
  inChannels = 0;
  readonly #options: Record<string, unknown>;
  readonly #make: (c: number, o: Record<string, unknown>) => Eager;
  constructor(layer: string, nsp: number, readonly outChannels: number, readonly kernelSize: Size, transposed: boolean, args: readonly unknown[], make: (c: number, o: Record<string, unknown>) => Eager) {
    const o = LazyConvBase.resolve(layer, outChannels, transposed, args);
    super(layer, nsp, o.dtype as DType | undefined);
    this.recordConfig({ args: Object.entries({ outChannels, kernelSize }), options: o });
    this.#options = o;
    this.#make = make;
    this.transposed = transposed;
  }
  readonly transposed: boolean;
  private static resolve(layer: string, outChannels: number, transposed: boolean, args: readonly unknown[]): Record<string, unknown> {
    if (!Number.isInteger(outChannels) || outChannels < 1) throw new Error(`nn.${layer}: outChannels must be a positive integer, got ${String(outChannels)}`);
    // checked here, under this class's name, so a misspelt option fails at construction as in the eager layers
    return resolveLazy(`nn.${layer}`, args, transposed ? CONVT_KEYS : CONV_KEYS);
  }
  protected get channels(): number { return this.inChannels; }
  protected set channels(c: number) { this.inChannels = c; }
  protected build(c: number, dtype: DType): Eager {
    return this.#make(c, dropUndefined({ ...this.#options, dtype }));
  }
  protected channelsFrom(state: Record<string, Tensor>, prefix: string): number | undefined {
    const w = state[`${prefix}weight`];
    if (!w || w.ndim !== this.spatialDims + 2) return undefined;
    return this.transposed ? w.shape[0] : w.shape[1]! * ((this.#options.groups as number | undefined) ?? 1);
  }
}

/** A lazy layer's options under its own name (unknown ones are errors naming it); unset ones stay undefined, so the eager layer's defaults apply. */
const resolveLazy = (where: string, args: readonly unknown[], keys: readonly string[]): Record<string, unknown> =>
  resolveArgs<Record<string, unknown>>(where, args, keys, Object.fromEntries([...keys, "dtype"].map((k) => [k, undefined])));

/** Conv1d with inChannels inferred. Matches torch.nn.LazyConv1d (see LazyChannels for the differences). */
export class LazyConv1d extends LazyConvBase {
  constructor(outChannels: number, kernelSize: Size, ...args: ConvArgs) { super("LazyConv1d", 1, outChannels, kernelSize, false, args, (c, o) => new Conv1d(c, outChannels, kernelSize, o)); }
}
/** Conv2d with inChannels inferred. Matches torch.nn.LazyConv2d. */
export class LazyConv2d extends LazyConvBase {
  constructor(outChannels: number, kernelSize: Size, ...args: ConvArgs) { super("LazyConv2d", 2, outChannels, kernelSize, false, args, (c, o) => new Conv2d(c, outChannels, kernelSize, o)); }
}
/** Conv3d with inChannels inferred. Matches torch.nn.LazyConv3d. */
export class LazyConv3d extends LazyConvBase {
  constructor(outChannels: number, kernelSize: Size, ...args: ConvArgs) { super("LazyConv3d", 3, outChannels, kernelSize, false, args, (c, o) => new Conv3d(c, outChannels, kernelSize, o)); }
}
/** ConvTranspose1d with inChannels inferred. Matches torch.nn.LazyConvTranspose1d. */
export class LazyConvTranspose1d extends LazyConvBase {
  constructor(outChannels: number, kernelSize: Size, ...args: ConvTArgs) { super("LazyConvTranspose1d", 1, outChannels, kernelSize, true, args, (c, o) => new ConvTranspose1d(c, outChannels, kernelSize, o)); }
}
/** ConvTranspose2d with inChannels inferred. Matches torch.nn.LazyConvTranspose2d. */
export class LazyConvTranspose2d extends LazyConvBase {
  constructor(outChannels: number, kernelSize: Size, ...args: ConvTArgs) { super("LazyConvTranspose2d", 2, outChannels, kernelSize, true, args, (c, o) => new ConvTranspose2d(c, outChannels, kernelSize, o)); }
}
/** ConvTranspose3d with inChannels inferred. Matches torch.nn.LazyConvTranspose3d. */
export class LazyConvTranspose3d extends LazyConvBase {
  constructor(outChannels: number, kernelSize: Size, ...args: ConvTArgs) { super("LazyConvTranspose3d", 3, outChannels, kernelSize, true, args, (c, o) => new ConvTranspose3d(c, outChannels, kernelSize, o)); }
}

type NormArgs = Args<[eps: number, momentum: number | null, affine: boolean, trackRunningStats: boolean], BatchNormOptions & InstanceNormOptions>;
const NORM_KEYS = ["eps", "momentum", "affine", "trackRunningStats"];

/** A batch or instance norm whose numFeatures comes from the input's channel dim. */
abstract class LazyNorm extends LazyChannels {
  runningMean: Tensor | null = null;
  runningVar: Tensor | null = null;
  numBatchesTracked: Tensor | null = null;
  numFeatures = 0;
  readonly #options: Record<string, unknown>;
  readonly #make: (c: number, o: Record<string, unknown>) => Eager;
  constructor(layer: string, nsp: number, args: readonly unknown[], make: (c: number, o: Record<string, unknown>) => Eager) {
    const o = resolveLazy(`nn.${layer}`, args, NORM_KEYS);
    super(layer, nsp, o.dtype as DType | undefined);
    this.recordConfig({ args: [], options: o });
    this.#options = o;
    this.#make = make;
  }
  protected get channels(): number { return this.numFeatures; }
  protected set channels(c: number) { this.numFeatures = c; }
  protected override fields(): string[] {
    return ["weight", "bias", "runningMean", "runningVar", "numBatchesTracked"];
  }
  protected build(c: number, dtype: DType): Eager {
    return this.#make(c, dropUndefined({ ...this.#options, dtype }));
  }
  protected channelsFrom(state: Record<string, Tensor>, prefix: string): number | undefined {
    const t = state[`${prefix}weight`] ?? state[`${prefix}running_mean`];
    return t && t.ndim === 1 ? t.shape[0] : undefined;
  }
}

/** BatchNorm1d with numFeatures inferred. Matches torch.nn.LazyBatchNorm1d (see LazyChannels). */
export class LazyBatchNorm1d extends LazyNorm {
  constructor(...args: NormArgs) { super("LazyBatchNorm1d", 1, args, (c, o) => new BatchNorm1d(c, o)); }
  // BatchNorm1d also takes [N, C]: its channel dim is 1 either way
  override initializeParameters(input: Tensor): void {
    if (this.hasUninitializedParams() && input.ndim === 2) return super.initializeParameters(input.unsqueeze(-1));
    super.initializeParameters(input);
  }
}
/** BatchNorm2d with numFeatures inferred. Matches torch.nn.LazyBatchNorm2d. */
export class LazyBatchNorm2d extends LazyNorm {
  constructor(...args: NormArgs) { super("LazyBatchNorm2d", 2, args, (c, o) => new BatchNorm2d(c, o)); }
}
/** BatchNorm3d with numFeatures inferred. Matches torch.nn.LazyBatchNorm3d. */
export class LazyBatchNorm3d extends LazyNorm {
  constructor(...args: NormArgs) { super("LazyBatchNorm3d", 3, args, (c, o) => new BatchNorm3d(c, o)); }
}
/** torch 1.13's lazy instance norms take _LazyNormBase's defaults (affine and trackRunningStats true), unlike the eager ones. */
const LAZY_INSTANCE_DEFAULTS = { affine: true, trackRunningStats: true };
/** InstanceNorm1d with numFeatures inferred (from dim 0 of an unbatched input, where torch 1.13 reads dim 1). Matches torch.nn.LazyInstanceNorm1d, whose affine and trackRunningStats default to true. */
export class LazyInstanceNorm1d extends LazyNorm {
  constructor(...args: NormArgs) { super("LazyInstanceNorm1d", 1, args, (c, o) => new InstanceNorm1d(c, { ...LAZY_INSTANCE_DEFAULTS, ...o })); }
}
/** InstanceNorm2d with numFeatures inferred. Matches torch.nn.LazyInstanceNorm2d (affine, trackRunningStats default true). */
export class LazyInstanceNorm2d extends LazyNorm {
  constructor(...args: NormArgs) { super("LazyInstanceNorm2d", 2, args, (c, o) => new InstanceNorm2d(c, { ...LAZY_INSTANCE_DEFAULTS, ...o })); }
}
/** InstanceNorm3d with numFeatures inferred. Matches torch.nn.LazyInstanceNorm3d (affine, trackRunningStats default true). */
export class LazyInstanceNorm3d extends LazyNorm {
  constructor(...args: NormArgs) { super("LazyInstanceNorm3d", 3, args, (c, o) => new InstanceNorm3d(c, { ...LAZY_INSTANCE_DEFAULTS, ...o })); }
}
