// Classification metrics (accuracy, 0-1 loss, confusion matrix) and streaming accumulators for
// training loops (Mean, RunningAverage, Accuracy). Platform neutral; nothing here records on the
// tape, and results are plain numbers (or an int32 tensor for the confusion matrix).

import { noGrad } from "../autograd/grad-mode.js";
import { tensor } from "../ops/creation.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

export interface PredictOptions {
  /** Binary outputs: a sample is positive when its probability is > threshold (default 0.5). */
  threshold?: number;
  /** Binary outputs are logits: apply the sigmoid before thresholding. */
  fromLogits?: boolean;
}

/** Host labels and their shape from a model's output (see predictLabels). */
function labelsOf(op: string, output: Tensor, { threshold = 0.5, fromLogits = false }: PredictOptions): { labels: Int32Array; shape: readonly number[] } {
  return noGrad(() => {
    if (!output.isFloatingPoint()) return { labels: Int32Array.from(output.dataSync()), shape: output.shape };
    if (output.ndim === 0) throw new Error(`${op}: output must have a batch dimension, got a 0-d tensor`);
    if (output.ndim >= 2 && output.shape[1]! > 1) {
      const labels = output.argmax(1);
      return { labels: Int32Array.from(labels.dataSync()), shape: labels.shape };
    }
    if (output.ndim > 2) throw new Error(`${op}: binary output must be [N] or [N, 1], got ${fmtShape(output.shape)}`);
    const p = fromLogits ? output.sigmoid() : output;
    return { labels: Int32Array.from(p.dataSync(), (v) => +(v > threshold)), shape: [output.shape[0]!] };
  });
}

/**
 * Predicted class labels (int32) from a model's output: int32/bool outputs are labels already;
 * [N, C, …] scores (C > 1) give argmax over dim 1; [N] or [N, 1] binary probabilities (or logits
 * with fromLogits) give 1 where p > threshold, else 0 (torchmetrics' and Keras' rule).
 */
export function predictLabels(output: Tensor, opts: PredictOptions = {}): Tensor {
  const { labels, shape } = labelsOf("predictLabels", output, opts);
  return tensor(labels, { shape, dtype: "int32", device: output.device });
}

/** True labels from a target: int32/bool/float labels, or one-hot / probability rows [N, C] (argmax). */
function targetLabels(op: string, target: Tensor, predShape: readonly number[], output: Tensor): Int32Array {
  return noGrad(() => {
    let t = target;
    if (t.isFloatingPoint() && t.ndim >= 2 && t.shape[1]! > 1 && t.ndim === output.ndim) t = t.argmax(1);
    else if (t.ndim === 2 && t.shape[1] === 1 && predShape.length === 1) t = t.reshape(-1);
    const same = t.ndim === predShape.length && t.shape.every((s, i) => s === predShape[i]);
    if (!same)
      throw new Error(`${op}: target ${fmtShape(target.shape)} does not match the predictions ${fmtShape(predShape)} made from output ${fmtShape(output.shape)}`);
    const v = t.dataSync();
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isInteger(v[i])) throw new RangeError(`${op}: target labels must be integers, got ${v[i]}`);
      out[i] = v[i]!;
    }
    return out;
  });
}

/** Number of samples whose predicted label equals the target, and the number of samples. */
function countCorrect(op: string, output: Tensor, target: Tensor, opts: PredictOptions): { correct: number; total: number } {
  const { labels, shape } = labelsOf(op, output, opts);
  const truth = targetLabels(op, target, shape, output);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === truth[i]) correct++;
  return { correct, total: labels.length };
}

/**
 * Fraction of correct predictions (NaN for an empty batch). See predictLabels for how outputs
 * become labels. Matches sklearn.metrics.accuracy_score on the predicted labels.
 */
export function accuracy(output: Tensor, target: Tensor, opts: PredictOptions = {}): number {
  const { correct, total } = countCorrect("accuracy", output, target, opts);
  return correct / total;
}

/**
 * 0-1 loss: the fraction of misclassified samples (1 − accuracy), or their count with
 * normalize: false. Matches sklearn.metrics.zero_one_loss.
 */
export function zeroOneLoss(output: Tensor, target: Tensor, { normalize = true, ...opts }: PredictOptions & { normalize?: boolean } = {}): number {
  const { correct, total } = countCorrect("zeroOneLoss", output, target, opts);
  return normalize ? (total - correct) / total : total - correct;
}

/**
 * Confusion matrix C as an int32 tensor [K, K]: C[i][j] counts samples of true class i predicted
 * as j (rows = truth, sklearn's convention). `pred` is labels or model outputs (see predictLabels);
 * numClasses defaults to 1 + the largest label seen. Matches sklearn.metrics.confusion_matrix(target, pred).
 */
export function confusionMatrix(pred: Tensor, target: Tensor, numClasses?: number, opts: PredictOptions = {}): Tensor {
  const op = "confusionMatrix";
  const { labels, shape } = labelsOf(op, pred, opts);
  const truth = targetLabels(op, target, shape, pred);
  let k = numClasses ?? 0;
  if (numClasses === undefined) for (let i = 0; i < labels.length; i++) k = Math.max(k, labels[i]! + 1, truth[i]! + 1);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`${op}: numClasses must be a positive integer, got ${k}`);
  const counts = new Int32Array(k * k);
  for (let i = 0; i < labels.length; i++) {
    const p = labels[i]!, t = truth[i]!;
    if (t < 0 || t >= k) throw new RangeError(`${op}: true class ${t} is out of range for ${k} classes`);
    if (p < 0 || p >= k) throw new RangeError(`${op}: predicted class ${p} is out of range for ${k} classes`);
    counts[t * k + p]!++;
  }
  return tensor(counts, { shape: [k, k], dtype: "int32", device: pred.device });
}

// ---- streaming metrics -----------------------------------------------------------------------

const scalar = (op: string, v: number | Tensor): number => {
  if (typeof v === "number") return v;
  if (v.numel !== 1) throw new Error(`${op}: expected a number or a one-element tensor, got shape ${fmtShape(v.shape)}`);
  return v.item();
};

/** A value accumulated over batches: update() per batch, compute() for the result, reset() per epoch. */
export interface Metric<Args extends unknown[] = unknown[]> {
  update(...args: Args): void;
  compute(): number;
  reset(): void;
}

/** Weighted arithmetic mean of the values seen: Σ wᵢvᵢ / Σ wᵢ (NaN before any update). Like torchmetrics.MeanMetric. */
export class Mean implements Metric<[number | Tensor, number?]> {
  #sum = 0;
  #weight = 0;
  /** Adds a value (e.g. a batch's mean loss) with a weight (e.g. the batch size). */
  update(value: number | Tensor, weight = 1): void {
    this.#sum += scalar("Mean.update", value) * weight;
    this.#weight += weight;
  }
  compute(): number {
    return this.#sum / this.#weight;
  }
  reset(): void {
    this.#sum = this.#weight = 0;
  }
}

/**
 * Exponential moving average vₜ = α·vₜ₋₁ + (1 − α)·xₜ, starting at the first value (NaN before any
 * update): the smoothed loss of a progress bar. Matches ignite.metrics.RunningAverage (α = 0.98).
 */
export class RunningAverage implements Metric<[number | Tensor]> {
  readonly alpha: number;
  #value = Number.NaN;
  constructor({ alpha = 0.98 }: { alpha?: number } = {}) {
    if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`RunningAverage: alpha must be in (0, 1], got ${alpha}`);
    this.alpha = alpha;
  }
  update(value: number | Tensor): void {
    const x = scalar("RunningAverage.update", value);
    this.#value = Number.isNaN(this.#value) ? x : this.alpha * this.#value + (1 - this.alpha) * x;
  }
  compute(): number {
    return this.#value;
  }
  reset(): void {
    this.#value = Number.NaN;
  }
}

/** Accuracy over every batch since reset(): Σ correct / Σ samples (NaN before any update). */
export class Accuracy implements Metric<[Tensor, Tensor]> {
  readonly options: PredictOptions;
  #correct = 0;
  #total = 0;
  constructor(options: PredictOptions = {}) {
    this.options = options;
  }
  update(output: Tensor, target: Tensor): void {
    const { correct, total } = countCorrect("Accuracy.update", output, target, this.options);
    this.#correct += correct;
    this.#total += total;
  }
  compute(): number {
    return this.#correct / this.#total;
  }
  reset(): void {
    this.#correct = this.#total = 0;
  }
}
