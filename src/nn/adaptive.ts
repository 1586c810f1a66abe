// nn.AdaptiveLogSoftmaxWithLoss: the adaptive softmax of Grave et al. 2017, a head over the frequent
// classes plus one entry per tail cluster, each cluster a low-rank projection; torch's layout and keys.

import type { DType } from "../dtype.js";
import { tensor, zeros } from "../ops/creation.js";
import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { cat } from "../ops/movement.js";
import { ModuleList, Sequential } from "./container.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

export interface AdaptiveLogSoftmaxOptions {
  /** Each tail cluster's hidden size is ⌊inFeatures / divValue^(i+1)⌋. */
  divValue?: number;
  headBias?: boolean;
  dtype?: DType;
}

/** forward's result, as torch's _ASMoutput namedtuple: the target log-probabilities and their mean NLL. */
export interface ASMOutput {
  output: Tensor;
  loss: Tensor;
}

/**
 * Adaptive softmax (Grave et al. 2017, "Efficient softmax approximation for GPUs"): classes
 * [0, cutoffs[0]) are scored by the head, which also scores one entry per cluster [cᵢ, cᵢ₊₁); a
 * class k in cluster i has log p(k) = log softmax(head(x))[shortlist + i] + log softmax(tailᵢ(x))[k − cᵢ],
 * tailᵢ = Linear(inFeatures, ⌊inFeatures / divValue^(i+1)⌋) → Linear(·, cᵢ₊₁ − cᵢ), both without bias.
 * forward(input [N, inFeatures] or [inFeatures], int32 target [N] or []) → { output: log p(target),
 * loss: −mean(output) }; logProb(input) gives all nClasses log-probabilities; predict(input) the argmax.
 * State dict as torch: head.weight (head.bias), tail.i.0.weight, tail.i.1.weight. Matches
 * torch.nn.AdaptiveLogSoftmaxWithLoss (in_features, n_classes, cutoffs, div_value 4, head_bias false).
 */
export class AdaptiveLogSoftmaxWithLoss extends Module<[Tensor, Tensor], ASMOutput> {
  readonly cutoffs: number[];
  readonly divValue: number;
  readonly headBias: boolean;
  readonly shortlistSize: number;
  readonly nClusters: number;
  readonly headSize: number;
  head: Linear;
  tail: ModuleList<Sequential>;

  constructor(readonly inFeatures: number, readonly nClasses: number, cutoffs: readonly number[], ...args: Args<[divValue: number, headBias: boolean], AdaptiveLogSoftmaxOptions>) {
    super();
    const where = "nn.AdaptiveLogSoftmaxWithLoss";
    const o = this.configure<Required<AdaptiveLogSoftmaxOptions>>(where, { inFeatures, nClasses, cutoffs }, args, ["divValue", "headBias"], { divValue: 4, headBias: false, dtype: "float32" });
    const c = [...cutoffs];
    if (c.length === 0 || c.some((v, i) => !Number.isInteger(v) || v <= 0 || v > nClasses - 1 || (i > 0 && v <= c[i - 1]!)))
      throw new RangeError(`${where}: cutoffs should be a sequence of unique, positive integers sorted in an increasing order, where each value is between 1 and nClasses-1 (${nClasses - 1}), got [${c.join(", ")}]`);
    this.divValue = o.divValue;
    this.headBias = o.headBias;
    this.cutoffs = [...c, nClasses];
    this.shortlistSize = c[0]!;
    this.nClusters = c.length;
    this.headSize = this.shortlistSize + this.nClusters;
    this.head = new Linear(inFeatures, this.headSize, { bias: o.headBias, dtype: o.dtype });
    this.tail = new ModuleList(c.map((lo, i) => {
      const hsz = Math.floor(inFeatures / o.divValue ** (i + 1));
      return new Sequential(new Linear(inFeatures, hsz, { bias: false, dtype: o.dtype }), new Linear(hsz, this.cutoffs[i + 1]! - lo, { bias: false, dtype: o.dtype }));
    }));
  }

  private batched(op: string, input: Tensor): Tensor {
    const ok = (input.ndim === 2 || input.ndim === 1) && input.shape[input.ndim - 1] === this.inFeatures;
    if (!ok) throw new Error(`AdaptiveLogSoftmaxWithLoss.${op}: input must be [N, ${this.inFeatures}] or [${this.inFeatures}], got ${fmtShape(input.shape)}`);
    return input.ndim === 1 ? input.unsqueeze(0) : input;
  }

  forward(input: Tensor, target: Tensor): ASMOutput {
    const who = "AdaptiveLogSoftmaxWithLoss.forward";
    if (target.dtype !== "int32") throw new TypeError(`${who}: target must be an int32 tensor of class indices, got ${target.dtype}`);
    if (target.ndim === 1 && input.ndim !== 2) throw new Error(`${who}: 1D target tensor expects 2D input tensors, but found input ${fmtShape(input.shape)}`);
    if (target.ndim === 0 && input.ndim !== 1) throw new Error(`${who}: 0D target tensor expects 1D input tensors, but found input ${fmtShape(input.shape)}`);
    if (target.ndim > 1) throw new Error(`${who}: 0D or 1D target tensor expected, multi-target not supported, got ${fmtShape(target.shape)}`);
    if (target.ndim === 1 && target.shape[0] !== input.shape[0]) throw new Error(`${who}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} should have the same size in the batch dimension`);
    const x = this.batched("forward", input);
    const t = target.dataSync();
    const N = t.length;
    for (const k of t) if (!(k >= 0 && k < this.nClasses)) throw new RangeError(`${who}: target values should be in [0, ${this.nClasses - 1}], got ${k}`);
    const { device } = x;
    // the head's column for each row: its class in the shortlist, else its cluster's entry
    const headIndex = Int32Array.from(t, (k) => (k < this.shortlistSize ? k : this.shortlistSize + this.cutoffs.findIndex((c) => k < c) - 1));
    let output = this.head.forward(x).logSoftmax(1).gather(1, tensor(headIndex, { shape: [N, 1], dtype: "int32", device })).reshape(N);
    // each cluster runs on its rows only; their log-probabilities are scattered back into place
    for (let i = 0; i < this.nClusters; i++) {
      const lo = this.cutoffs[i]!, hi = this.cutoffs[i + 1]!, rows: number[] = [], rel: number[] = [];
      t.forEach((k, r) => { if (k >= lo && k < hi) { rows.push(r); rel.push(k - lo); } });
      if (rows.length === 0) continue;
      const rowIdx = tensor(rows, { dtype: "int32", device });
      const lp = this.tail.at(i).forward(x.indexSelect(0, rowIdx)).logSoftmax(1);
      const local = lp.gather(1, tensor(rel, { shape: [rows.length, 1], dtype: "int32", device })).reshape(rows.length);
      output = output.add(zeros([N], { dtype: x.dtype, device }).scatterAdd(0, rowIdx, local));
    }
    const loss = output.neg().mean();
    return { output: input.ndim === 1 ? output.reshape([]) : output, loss };
  }

  /** log p(k | x) for every class k: [N, nClasses] (or [nClasses]). Matches AdaptiveLogSoftmaxWithLoss.log_prob. */
  logProb(input: Tensor): Tensor {
    const x = this.batched("logProb", input);
    const head = this.head.forward(x).logSoftmax(1);
    const parts = [head.narrow(1, 0, this.shortlistSize)];
    for (let i = 0; i < this.nClusters; i++)
      parts.push(this.tail.at(i).forward(x).logSoftmax(1).add(head.narrow(1, this.shortlistSize + i, 1)));
    const out = cat(parts, 1);
    return input.ndim === 1 ? out.squeeze(0) : out;
  }

  /** The most likely class of each row (int32 [N], or [] for one input). Matches AdaptiveLogSoftmaxWithLoss.predict. */
  predict(input: Tensor): Tensor {
    return this.logProb(input).argmax(-1);
  }
}
