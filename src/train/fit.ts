// The training loop, Keras-style on a PyTorch-style core: fit() runs zeroGrad → forward → loss →
// backward → step over batches, tracks loss and metrics, validates, and drives callbacks.

import { noGrad } from "../autograd/grad-mode.js";
import { stepScope } from "../scope.js";
import type { AnyModule, Module } from "../nn/module.js";
import { resolveArgs } from "../options.js";
import { Tensor } from "../tensor.js";
import type { Callback, FitContext, Logs } from "./callbacks.js";
import { resolveMetric, type MetricFn } from "./metric-names.js";
import { penalty, type Regularization } from "./regularization.js";
import { progressFor, type Verbose } from "./progress.js";
import { yieldToEventLoop } from "./yield.js";
import { evaluateSteps, OptimizerGroup, runTrainStep, type AnyBatches, type StepFn } from "./step.js";

/** A batch: [input, target]. */
export type Batch = readonly [Tensor, Tensor];
/** Any (async) iterable of batches: a DataLoader, an array of batches, a generator. */
export type Batches = Iterable<Batch> | AsyncIterable<Batch>;
export type LossFn = ((output: Tensor, target: Tensor) => Tensor) | Module<[Tensor, Tensor], Tensor>;

/** What fit needs from an optimizer (every optim.Optimizer has it). */
export interface OptimizerLike {
  zeroGrad(): void;
  step(): void;
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

/** Per-epoch values, Keras's History: history.loss[i] is the training loss of epoch epoch[i]. */
export interface History {
  epoch: number[];
  history: Record<string, number[]>;
}

export interface FitOptions {
  train: Batches | AnyBatches;
  validation?: Batches | AnyBatches;
  /** Required unless `trainStep` is given. */
  loss?: LossFn;
  optimizer: OptimizerLike;
  epochs?: number;
  /** 'accuracy' or functions (output, target) → number, averaged over samples. */
  metrics?: (string | MetricFn)[];
  callbacks?: Callback[];
  /** L1/L2 penalties on the weights (parameters with ≥ 2 dims unless `params` is given). */
  regularization?: Regularization & { params?: Tensor[] };
  /**
   * Continue a run: epochs already done, their history, and the weights and optimizer state to
   * continue from (what resumeFromCheckpoint or loadCheckpoint returns). `model` is required, so
   * that a resumed run never trains on from fresh weights.
   */
  resume?: { epoch: number; history?: History; optimizer?: unknown; model: Record<string, Tensor> };
  /** Keras's verbose: 0 silent, 1 progress bar, 2 one line per epoch; 'auto' (default): a bar on a terminal, else lines. */
  verbose?: Verbose;
  /**
   * Give the event loop a turn every this many batches (default 100; 0: never), so a browser frees
   * dead tensors' wasm memory and repaints during training (see yieldToEventLoop).
   */
  yieldEvery?: number;
  /**
   * A custom step (Keras's train_step, Lightning's training_step; see step.ts): gets each batch,
   * of any shape, and { model, optimizer, optimizers, epoch, step }; returns the loss and/or named
   * scalars to log. fit does zeroGrad, backward of `loss` and step around it unless
   * `manualOptimization` is true. Replaces `loss` and `metrics`.
   */
  trainStep?: StepFn;
  /** Validation with a custom step (required with `trainStep` and `validation`): its logs get the val_ prefix. */
  validationStep?: StepFn;
  /** The step updates the weights itself (several optimizers, updates without backward). */
  manualOptimization?: boolean;
}

const FIT_DEFAULTS: Record<keyof FitOptions, unknown> = {
  train: undefined, validation: undefined, loss: undefined, optimizer: undefined, epochs: 1, metrics: undefined,
  callbacks: undefined, regularization: undefined, resume: undefined, verbose: "auto", yieldEvery: 100,
  trainStep: undefined, validationStep: undefined, manualOptimization: false,
};

type Model = Module<[Tensor], Tensor>;

const callLoss = (fn: LossFn, out: Tensor, y: Tensor): Tensor => (typeof fn === "function" ? fn(out, y) : fn.forward(out, y));

/** Sums of per-sample-weighted values, turned into means at the end of an epoch. */
class Averages {
  #sums: Record<string, number> = {};
  #count = 0;
  add(values: Logs, n: number): void {
    for (const [k, v] of Object.entries(values)) this.#sums[k] = (this.#sums[k] ?? 0) + v * n;
    this.#count += n;
  }
  means(prefix = ""): Logs {
    return Object.fromEntries(Object.entries(this.#sums).map(([k, s]) => [prefix + k, s / Math.max(1, this.#count)]));
  }
}

function batchMetrics(metrics: [string, MetricFn][], out: Tensor, y: Tensor): Logs {
  return noGrad(() => Object.fromEntries(metrics.map(([name, m]) => [name, m(out, y)])));
}

/** Trains `model` and returns its history. */
export async function fit(model: Model | AnyModule, options: FitOptions): Promise<History> {
  const opts = resolveArgs("fit", [options], [], FIT_DEFAULTS) as FitOptions;
  const { trainStep, validationStep } = opts;
  for (const k of ["train", ...(trainStep ? [] : ["loss" as const]), "optimizer"] as const) if (opts[k] === undefined) throw new TypeError(`fit: the '${k}' option is required (fit(model, { train, loss, optimizer, epochs }))`);
  if (trainStep) checkStepOptions(opts);
  const { train, validation, optimizer, epochs = 1, regularization, resume } = opts;
  const loss = opts.loss!;
  const callbacks = [...(opts.callbacks ?? []), ...progressFor(opts.verbose ?? "auto", opts.callbacks ?? [])];
  const yieldEvery = opts.yieldEvery ?? 100;
  if (!Number.isInteger(yieldEvery) || yieldEvery < 0) throw new RangeError(`fit: yieldEvery must be a non-negative integer, got ${yieldEvery}`);
  const metrics = (opts.metrics ?? []).map(resolveMetric);
  const history: History = resume?.history ?? { epoch: [], history: {} };
  const initialEpoch = resume?.epoch ?? 0;
  if (resume) {
    if (!resume.model) throw new Error("fit: resume has no model weights; pass the whole checkpoint (resumeFromCheckpoint(dir, { model, optimizer }) or loadCheckpoint(dir)), not only its epoch");
    model.loadStateDict(resume.model);
  }
  if (resume?.optimizer) optimizer.loadStateDict(resume.optimizer as never);
  if (regularization) penalty([], regularization); // rejects bad coefficients before any work
  const regParams = regularization ? (regularization.params ?? model.parameters().filter((p) => p.ndim >= 2)) : [];
  const ctx: FitContext = { model: model, stopTraining: false, epochSamples: 0, history, optimizer, optimizerState: () => optimizer.stateDict() };
  const len = (train as { length?: unknown }).length;
  const steps = typeof len === "number" ? len : undefined;
  for (const cb of callbacks) await cb.onTrainBegin?.({ epochs, initialEpoch, steps, model: ctx.model }, ctx);

  /** fit's own step (no trainStep): loss, regularization, backward, optimizer step, and the batch's logs. */
  const lossStep = ([x, y]: Batch, epoch: number, step: number): { logs: Logs; n: number } => ({
    // one step scope: the step's temporaries (and the previous gradients) are freed when it ends
    logs: stepScope(() => {
      optimizer.zeroGrad();
      const out = (model as Model).forward(x);
      let l = callLoss(loss, out, y);
      const lossValue = l.item();
      if (!Number.isFinite(lossValue)) throw new Error(`fit: the loss became ${lossValue} at epoch ${epoch + 1}, batch ${step + 1}; lower the learning rate or check the data`);
      const reg = regularization && penalty(regParams, regularization);
      if (reg) l = l.add(reg);
      l.backward();
      optimizer.step();
      return { loss: reg ? lossValue + reg.item() : lossValue, ...batchMetrics(metrics, out, y) };
    }, model, optimizer, loss),
    n: x.shape[0] ?? 1,
  });

  for (let epoch = initialEpoch; epoch < epochs && !ctx.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
    model.train();
    ctx.epochSamples = 0;
    const avg = new Averages();
    let step = 0;
    for await (const batch of train) {
      const { logs, n } = trainStep
        ? await runTrainStep(trainStep, batch, { model, optimizer, optimizers: stepOptimizers(optimizer), epoch, step }, { manualOptimization: opts.manualOptimization ?? false })
        : lossStep(batch as Batch, epoch, step);
      ctx.epochSamples += n;
      avg.add(logs, n);
      // step counts once per batch, whatever the callbacks (inside onBatchEnd?.() it advanced only for callbacks that have one)
      for (const cb of callbacks) await cb.onBatchEnd?.(step, avg.means(), ctx);
      step++;
      if (yieldEvery > 0 && step % yieldEvery === 0) await yieldToEventLoop();
    }
    const val = !validation ? {} : validationStep ? await evaluateSteps(model, validation, validationStep, { optimizer, optimizers: stepOptimizers(optimizer), epoch }, "val_") : await evaluate(model as Model, validation as Batches, { loss, metrics: opts.metrics, prefix: "val_" });
    const logs: Logs = { ...avg.means(), ...val };
    history.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (history.history[k] ??= []).push(v);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
  }
  for (const cb of callbacks) await cb.onTrainEnd?.(history, ctx);
  return history;
}

const stepOptimizers = (o: OptimizerLike): Record<string, OptimizerLike> => (o instanceof OptimizerGroup ? o.optimizers : { optimizer: o });

function checkStepOptions(opts: FitOptions): void {
  for (const k of ["loss", "metrics", "regularization"] as const)
    if (opts[k] !== undefined) throw new TypeError(`fit: '${k}' does not apply with trainStep; compute it in the step and return it (return { loss, myMetric })`);
  if (opts.validation && !opts.validationStep) throw new TypeError("fit: with trainStep, validation needs a validationStep (the same signature; run without gradients, logged with the val_ prefix)");
}

/** Mean loss and metrics over `data` in eval mode without gradients. Keys get `prefix`. */
export async function evaluate(model: Model, data: Batches, options: { loss?: LossFn; metrics?: (string | MetricFn)[]; prefix?: string } = {}): Promise<Logs> {
  const { loss, metrics, prefix } = resolveArgs("evaluate", [options], [], { loss: undefined as LossFn | undefined, metrics: [] as (string | MetricFn)[], prefix: "" });
  const resolved = metrics.map(resolveMetric);
  const wasTraining = model.training;
  model.eval();
  const avg = new Averages();
  try {
    for await (const [x, y] of data) {
      const logs = noGrad(() => {
        const out = model.forward(x);
        return { ...(loss ? { loss: callLoss(loss, out, y).item() } : {}), ...batchMetrics(resolved, out, y) };
      });
      avg.add(logs, x.shape[0] ?? 1);
    }
  } finally {
    model.train(wasTraining);
  }
  return avg.means(prefix);
}

/**
 * Model outputs in eval mode without gradients: for a Tensor, the output for that whole input
 * (as Keras's predict(x)); for batches (a DataLoader, arrays of [x, y] or of inputs), one output per
 * batch input, targets ignored.
 */
export async function predict(model: Model, data: Tensor): Promise<Tensor>;
export async function predict(model: Model, data: Batches | Iterable<Tensor> | AsyncIterable<Tensor>): Promise<Tensor[]>;
export async function predict(model: Model, data: Tensor | Batches | Iterable<Tensor> | AsyncIterable<Tensor>): Promise<Tensor | Tensor[]> {
  if (data instanceof Tensor) return (await predict(model, [data]))[0]!;
  const d = data as unknown;
  if (d === null || typeof d !== "object" || !(Symbol.iterator in d || Symbol.asyncIterator in d))
    throw new TypeError(`predict: expected a Tensor, a DataLoader or an iterable of batches, got ${d === null ? "null" : typeof d}`);
  const wasTraining = model.training;
  model.eval();
  const outs: Tensor[] = [];
  try {
    for await (const b of data) outs.push(noGrad(() => model.forward(Array.isArray(b) ? (b as Batch)[0] : (b as Tensor))));
  } finally {
    model.train(wasTraining);
  }
  return outs;
}
