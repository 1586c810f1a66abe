// Custom training steps for fit (Keras's train_step, Lightning's training_step): a function that
// gets any batch and returns a loss and/or named scalars, plus OptimizerGroup for several optimizers.

import { isGradEnabled, setGradEnabled } from "../autograd/grad-mode.js";
import type { AnyModule } from "../nn/module.js";
import { Tensor } from "../tensor.js";
import type { Logs } from "./callbacks.js";
import type { OptimizerLike } from "./fit.js";

/** Any (async) iterable of batches of any shape: tensors, tuples, objects with several inputs and outputs. */
export type AnyBatches = Iterable<unknown> | AsyncIterable<unknown>;

/** What a custom step gets besides the batch. */
export interface StepContext {
  model: AnyModule;
  /** fit's optimizer (an OptimizerGroup when several were given). */
  optimizer: OptimizerLike;
  /** The group's optimizers by name; `{ optimizer }` for a single one. */
  optimizers: Record<string, OptimizerLike>;
  /** 0-based epoch and batch index within the epoch. */
  epoch: number;
  step: number;
}

/**
 * What a step returns: a loss tensor, or a record of named scalars (tensors of one element or
 * numbers) that fit averages per epoch and logs like its own loss. With automatic optimization the
 * record's `loss` (or the returned tensor) is what fit back-propagates.
 */
export type StepResult = Tensor | Record<string, Tensor | number>;
/**
 * A custom step. Declared as a method type so that a step annotating its batch, e.g.
 * `([x, y]: Tensor[]) => …`, is accepted where fit passes its batches (method parameters are bivariant).
 */
export type StepFn<B = unknown> = { step(batch: B, ctx: StepContext): StepResult | Promise<StepResult> }["step"];

/**
 * Several optimizers as one (a GAN's generator and discriminator): fit checkpoints and resumes
 * them together (stateDict is `{ name: state }`), and a custom step reaches each by name through
 * `ctx.optimizers`. zeroGrad and step act on all of them (what automatic optimization calls).
 */
export class OptimizerGroup implements OptimizerLike {
  constructor(readonly optimizers: Record<string, OptimizerLike>) {
    if (Object.keys(optimizers).length === 0) throw new Error("OptimizerGroup: expected at least one named optimizer, got {}");
  }
  zeroGrad(): void {
    for (const o of Object.values(this.optimizers)) o.zeroGrad();
  }
  step(): void {
    for (const o of Object.values(this.optimizers)) o.step();
  }
  stateDict(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.optimizers).map(([k, o]) => [k, o.stateDict()]));
  }
  loadStateDict(state: never): void {
    const s = state as Record<string, unknown>;
    const mine = Object.keys(this.optimizers).sort().join(", ");
    const saved = Object.keys(s ?? {}).sort().join(", ");
    if (mine !== saved) throw new Error(`OptimizerGroup.loadStateDict: the state holds optimizers [${saved}], this group has [${mine}]`);
    const before = this.stateDict();
    try {
      for (const [k, o] of Object.entries(this.optimizers)) o.loadStateDict(s[k] as never);
    } catch (e) {
      for (const [k, o] of Object.entries(this.optimizers)) o.loadStateDict(before[k] as never);
      throw new Error(`OptimizerGroup.loadStateDict: ${(e as Error).message}`);
    }
  }
}

/** Samples in a batch: the first dimension of its first tensor (depth-first), else 1. */
export function batchSize(batch: unknown): number {
  if (batch instanceof Tensor) return batch.shape[0] ?? 1;
  if (batch !== null && typeof batch === "object") {
    for (const v of Array.isArray(batch) ? batch : Object.values(batch)) {
      const n = leafSize(v);
      if (n !== undefined) return n;
    }
  }
  return 1;
}
const leafSize = (v: unknown): number | undefined => (v instanceof Tensor ? (v.shape[0] ?? 1) : v !== null && typeof v === "object" ? batchSize(v) : undefined);

function scalar(name: string, v: unknown, where: string): number {
  if (typeof v === "number") return v;
  if (v instanceof Tensor) {
    if (v.numel !== 1) throw new Error(`${where}: logged value '${name}' has shape [${v.shape.join(", ")}]; log scalars (one element), e.g. .mean()`);
    return v.item();
  }
  throw new TypeError(`${where}: logged value '${name}' is ${v === null ? "null" : typeof v}; expected a Tensor of one element or a number`);
}

/** The logs of a step's result, each value checked to be a finite scalar. */
export function stepLogs(result: StepResult, where: string): Logs {
  const entries = result instanceof Tensor ? { loss: result } : result;
  if (entries === null || typeof entries !== "object") throw new TypeError(`${where}: the step returned ${entries === null ? "null" : typeof entries}; expected a loss Tensor or a record of named scalars`);
  const logs: Logs = {};
  for (const [k, v] of Object.entries(entries)) {
    const x = scalar(k, v, where);
    if (!Number.isFinite(x)) throw new Error(`${where}: '${k}' became ${x}; lower the learning rate or check the data`);
    logs[k] = x;
  }
  return logs;
}

export interface CustomStepOptions {
  /** Lightning's automatic_optimization = False: the step calls zeroGrad/backward/step itself (or needs none, as RBM updates). */
  manualOptimization: boolean;
}

/**
 * One training batch through a custom step. Automatic (default): optimizer.zeroGrad(), step,
 * backward of its loss, optimizer.step(). Manual: only the step. Returns the logs and sample count.
 */
export async function runTrainStep(fn: StepFn, batch: unknown, ctx: StepContext, opts: CustomStepOptions): Promise<{ logs: Logs; n: number }> {
  const where = `fit: trainStep (epoch ${ctx.epoch + 1}, batch ${ctx.step + 1})`;
  if (!opts.manualOptimization) ctx.optimizer.zeroGrad();
  const result = await fn(batch, ctx);
  const logs = stepLogs(result, where);
  if (!opts.manualOptimization) {
    const loss = result instanceof Tensor ? result : result["loss"];
    if (!(loss instanceof Tensor) || !loss.requiresGrad)
      throw new Error(`${where}: automatic optimization needs a loss Tensor that requires grad (return it, or { loss, ...scalars }); got ${loss instanceof Tensor ? "a tensor without grad" : typeof loss}. Steps that update weights themselves pass manualOptimization: true`);
    loss.backward();
    ctx.optimizer.step();
  }
  return { logs, n: batchSize(batch) };
}

/** Mean logs of `fn` over `data` in eval mode without gradients, keys prefixed (validation with a custom step). */
export async function evaluateSteps(model: AnyModule, data: AnyBatches, fn: StepFn, ctx: Omit<StepContext, "step" | "model">, prefix: string): Promise<Logs> {
  const wasTraining = model.training;
  const wasGrad = isGradEnabled();
  model.eval();
  setGradEnabled(false); // the step may be async, so noGrad(fn) cannot wrap it
  const sums: Logs = {};
  let count = 0;
  let step = 0;
  try {
    for await (const batch of data) {
      const result = await fn(batch, { ...ctx, model, step });
      const logs = stepLogs(result, `fit: validationStep (batch ${step + 1})`);
      const n = batchSize(batch);
      for (const [k, v] of Object.entries(logs)) sums[prefix + k] = (sums[prefix + k] ?? 0) + v * n;
      count += n;
      step++;
    }
  } finally {
    setGradEnabled(wasGrad);
    model.train(wasTraining);
  }
  return Object.fromEntries(Object.entries(sums).map(([k, s]) => [k, s / Math.max(1, count)]));
}
