// Fractional max pooling layers: nn.FractionalMaxPool2d and nn.FractionalMaxPool3d. No parameters;
// pinned random samples are a buffer under torch's key `_random_samples`. Math in functional/fractional.ts.

import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import type { Size } from "./functional/conv.js";
import { fractionalMaxPool2d, fractionalMaxPool3d, type FractionalMaxPoolOptions } from "./functional/fractional.js";
import { Module } from "./module.js";

type PoolOut = Tensor | [Tensor, Tensor];
type LayerArgs = Args<[outputSize: Size | null, outputRatio: number | readonly number[] | null, returnIndices: boolean, randomSamples: Tensor | null], FractionalMaxPoolOptions>;

abstract class FractionalMaxPoolNd<Out extends PoolOut> extends Module<[Tensor], Out> {
  readonly outputSize: Size | null;
  readonly outputRatio: number | readonly number[] | null;
  readonly returnIndices: boolean;
  // a private field: a public Tensor field would be collected a second time, as `random_samples`
  readonly #samples: Tensor | null;
  constructor(name: string, nsp: number, readonly kernelSize: Size, args: readonly unknown[]) {
    super();
    const o = this.configure<Required<FractionalMaxPoolOptions>>(name, { kernelSize }, args, ["outputSize", "outputRatio", "returnIndices", "randomSamples"], {
      outputSize: null, outputRatio: null, returnIndices: false, randomSamples: null,
    }, { printAll: false });
    if (o.outputSize === null && o.outputRatio === null) throw new Error(`${name} requires specifying either an output size, or a pooling ratio`);
    if (o.outputSize !== null && o.outputRatio !== null) throw new Error(`${name}: only one of outputSize and outputRatio may be specified`);
    if (o.outputRatio !== null) {
      const r = typeof o.outputRatio === "number" ? Array<number>(nsp).fill(o.outputRatio) : o.outputRatio;
      if (r.length !== nsp || !r.every((v) => v > 0 && v < 1)) throw new RangeError(`${name}: outputRatio must be between 0 and 1 (got ${JSON.stringify(o.outputRatio)})`);
    }
    ({ outputSize: this.outputSize, outputRatio: this.outputRatio, returnIndices: this.returnIndices } = o);
    this.#samples = o.randomSamples && this.registerBuffer("_random_samples", o.randomSamples);
  }
  /** The pinned samples (torch's `_random_samples` buffer), or null to draw new ones each call. */
  get randomSamples(): Tensor | null { return this.#samples; }
  protected options(): FractionalMaxPoolOptions {
    return { outputSize: this.outputSize, outputRatio: this.outputRatio, returnIndices: this.returnIndices, randomSamples: this.randomSamples };
  }
}

/**
 * Fractional max pooling over kH×kW windows of [N, C, H, W] to outputSize (or ⌊size · outputRatio⌋),
 * the windows placed pseudo-randomly per plane (see F.fractionalMaxPool2d). With returnIndices,
 * forward returns [values, indices]: type it as `new nn.FractionalMaxPool2d<[Tensor, Tensor]>(...)`.
 * Matches torch.nn.FractionalMaxPool2d (kernel_size, output_size=None, output_ratio=None,
 * return_indices=False, _random_samples=None).
 */
export class FractionalMaxPool2d<Out extends PoolOut = Tensor> extends FractionalMaxPoolNd<Out> {
  constructor(kernelSize: Size, ...args: LayerArgs) { super("nn.FractionalMaxPool2d", 2, kernelSize, args); }
  forward(x: Tensor): Out { return fractionalMaxPool2d(x, this.kernelSize, this.options()) as Out; }
}

/**
 * Fractional max pooling over kT×kH×kW windows of [N, C, T, H, W] (see F.fractionalMaxPool3d).
 * Matches torch.nn.FractionalMaxPool3d (kernel_size, output_size=None, output_ratio=None,
 * return_indices=False, _random_samples=None).
 */
export class FractionalMaxPool3d<Out extends PoolOut = Tensor> extends FractionalMaxPoolNd<Out> {
  constructor(kernelSize: Size, ...args: LayerArgs) { super("nn.FractionalMaxPool3d", 3, kernelSize, args); }
  forward(x: Tensor): Out { return fractionalMaxPool3d(x, this.kernelSize, this.options()) as Out; }
}
