// LazyLinear: a Linear layer whose inFeatures is inferred from its first input (torch's lazy
// modules). Its parameters do not exist before then: see the class doc for what that means.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { zeros } from "../ops/creation.js";
import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { linear } from "./functional/layers.js";
import { kaimingUniform, uniform } from "./init.js";
import type { LinearOptions } from "./linear.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/**
 * Linear(inFeatures, outFeatures) with inFeatures taken from the last dim of the first input
 * (a "dry run"), then initialised as nn.Linear. Matches torch.nn.LazyLinear (out_features, bias=True),
 * except that myelin has no uninitialized parameters: before materialization `weight` and `bias`
 * are null and absent from parameters() and stateDict(), so an optimizer built then does not see
 * them (on its own, `new optim.SGD(lazy.parameters())` throws "got an empty parameter list"). Run
 * one forward (or initializeParameters / loadStateDict, which takes the shape from the saved weight)
 * before building the optimizer, as torch's docs advise. Without a dtype option the parameters take
 * the first input's floating dtype and device (torch's would have followed a .to() made before;
 * here there is nothing to convert yet). The class stays LazyLinear (torch turns it into a Linear).
 */
export class LazyLinear extends Module {
  weight: Tensor | null = null;
  bias: Tensor | null = null;
  /** 0 until materialized, as torch's in_features. */
  inFeatures = 0;
  readonly #bias: boolean;
  /** The dtype option; when not given, the parameters take the first input's floating dtype (or the loaded weight's). */
  readonly #dtype: DType | undefined;
  constructor(readonly outFeatures: number, ...args: Args<[bias: boolean], LinearOptions>) {
    super();
    if (!Number.isInteger(outFeatures) || outFeatures < 0) throw new Error(`nn.LazyLinear: outFeatures must be a non-negative integer, got ${String(outFeatures)}`);
    ({ bias: this.#bias, dtype: this.#dtype } = this.configure<{ bias: boolean; dtype: DType | undefined }>("nn.LazyLinear", { outFeatures }, args, ["bias"], { bias: true, dtype: undefined }));
  }

  /** True until the parameters exist (torch's has_uninitialized_params). */
  hasUninitializedParams(): boolean {
    return this.weight === null;
  }

  /** Creates weight [outFeatures, inFeatures] (and bias) from `input`'s last dim, initialised as nn.Linear; a no-op once done. */
  initializeParameters(input: Tensor): void {
    if (!this.hasUninitializedParams()) return;
    if (input.ndim < 1 || input.shape[input.ndim - 1]! < 1) throw new Error(`nn.LazyLinear: cannot infer inFeatures from an input of shape ${fmtShape(input.shape)}`);
    this.#materialize(input.shape[input.ndim - 1]!, input.isFloatingPoint() ? input.dtype : "float32", input.device);
  }

  #materialize(inFeatures: number, like: DType, device?: string): void {
    const o = { dtype: this.#dtype ?? like, device };
    this.inFeatures = inFeatures;
    this.weight = Parameter(zeros([this.outFeatures, inFeatures], o));
    this.bias = this.#bias ? Parameter(zeros([this.outFeatures], o)) : null;
    this.resetParameters();
  }

  /** Re-draws the parameters as nn.Linear does (kaiming_uniform(a = √5), bias U(−1/√in, 1/√in)); nothing before materialization. */
  resetParameters(): void {
    const w = this.weight;
    if (!w) return;
    noGrad(() => {
      kaimingUniform(w, { a: Math.sqrt(5) });
      if (this.bias) uniform(this.bias, { a: -1 / Math.sqrt(this.inFeatures), b: 1 / Math.sqrt(this.inFeatures) });
    });
  }

  protected override materializeFrom(state: Record<string, Tensor>, prefix: string): void {
    const w = state[`${prefix}weight`];
    if (this.hasUninitializedParams() && w && w.ndim === 2) this.#materialize(w.shape[1]!, w.isFloatingPoint() ? w.dtype : "float32");
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.#bias}`;
  }

  forward(x: Tensor): Tensor {
    this.initializeParameters(x);
    if (x.ndim < 1 || x.shape[x.ndim - 1] !== this.inFeatures)
      throw new Error(`${this.toString()}: expected input [..., ${this.inFeatures}], got ${fmtShape(x.shape)}`);
    return linear(x, this.weight!, this.bias);
  }
}
