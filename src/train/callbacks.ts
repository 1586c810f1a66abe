// Training callbacks (Keras's names and behaviour): hooks fit() calls around epochs and batches,
// plus EarlyStopping and LR scheduling. File-writing callbacks live in node-callbacks.ts.

import { resolveArgs } from "../options.js";
import { LRScheduler } from "../optim/lr-scheduler.js";
import type { AnyModule } from "../nn/module.js";
import type { Tensor } from "../tensor.js";
import type { History, OptimizerLike } from "./fit.js";

/** Numbers logged for an epoch or a batch: loss, metrics, and val_-prefixed validation values. */
export type Logs = Record<string, number>;

export interface TrainInfo {
  epochs: number;
  initialEpoch: number;
  /** Batches per epoch when the data source knows its length. */
  steps?: number;
  model: AnyModule;
}

/** Override the hooks you need. Setting `stopTraining` on the context ends fit after this epoch. */
export interface Callback {
  onTrainBegin?(info: TrainInfo, ctx: FitContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: FitContext): void | Promise<void>;
  onBatchEnd?(step: number, logs: Logs, ctx: FitContext): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, ctx: FitContext): void | Promise<void>;
  onTrainEnd?(history: History, ctx: FitContext): void | Promise<void>;
}

/** What callbacks may read and steer during fit. */
export interface FitContext {
  model: AnyModule;
  stopTraining: boolean;
  history: History;
  /** Samples trained on so far in the current epoch. */
  epochSamples: number;
  /** The optimizer's state, for checkpoints. */
  optimizerState(): unknown;
  /** The optimizer itself (ModelCheckpoint records its class, so a resume can check it). */
  optimizer?: OptimizerLike;
}

export interface MonitorOptions {
  /** Logged value to watch, e.g. 'val_loss' (default) or 'val_accuracy'. */
  monitor?: string;
  /** 'min' for losses, 'max' for accuracies; 'auto' infers from the name. */
  mode?: "min" | "max" | "auto";
  /** Smallest change that counts as an improvement. */
  minDelta?: number;
}

/** Tracks the best value of a monitored log entry. */
export class Monitor {
  readonly monitor: string;
  readonly mode: "min" | "max";
  readonly minDelta: number;
  best: number;

  constructor(options: MonitorOptions = {}) {
    const { monitor, mode, minDelta } = resolveArgs<Required<MonitorOptions>>("Monitor", [options], [], { monitor: "val_loss", mode: "auto", minDelta: 0 });
    this.monitor = monitor;
    this.mode = mode === "auto" ? (/acc|auc|precision|recall|f1/.test(monitor) ? "max" : "min") : mode;
    this.minDelta = Math.abs(minDelta);
    this.best = this.mode === "min" ? Infinity : -Infinity;
  }

  /** The monitored value, or an error naming the keys that do exist. */
  read(logs: Logs, who: string): number {
    const v = logs[this.monitor];
    if (v === undefined) throw new Error(`${who}: monitored value '${this.monitor}' is not in the logs (available: ${Object.keys(logs).join(", ")})`);
    return v;
  }

  /**
   * Forgets the best value, then replays `history` (a resumed run's past epochs): returns the
   * epochs since the last improvement and the best epoch (-1 if none).
   */
  reset(history?: History): { wait: number; bestEpoch: number } {
    this.best = this.mode === "min" ? Infinity : -Infinity;
    let wait = 0;
    let bestEpoch = -1;
    (history?.history[this.monitor] ?? []).forEach((v, i) => {
      if (this.improved(v)) [wait, bestEpoch] = [0, history?.epoch[i] ?? i];
      else wait++;
    });
    return { wait, bestEpoch };
  }

  /** True (and records it) when `v` beats the best by more than minDelta. */
  improved(v: number): boolean {
    const better = this.mode === "min" ? v < this.best - this.minDelta : v > this.best + this.minDelta;
    if (better) this.best = v;
    return better;
  }
}

/**
 * Stops training when the monitored value stops improving for `patience` epochs, optionally
 * restoring the weights of the best epoch (deck 000/001/004's early stopping; keras EarlyStopping).
 */
export class EarlyStopping implements Callback {
  readonly #monitor: Monitor;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  #wait = 0;
  #bestWeights: Record<string, Tensor> | null = null;
  /** Epoch at which training was stopped, or -1. */
  stoppedEpoch = -1;
  bestEpoch = -1;

  constructor(options: MonitorOptions & { patience?: number; restoreBestWeights?: boolean } = {}) {
    const { patience, restoreBestWeights, ...monitor } = resolveArgs<Required<MonitorOptions> & { patience: number; restoreBestWeights: boolean }>(
      "EarlyStopping", [options], [], { monitor: "val_loss", mode: "auto", minDelta: 0, patience: 0, restoreBestWeights: false });
    this.#monitor = new Monitor(monitor);
    this.patience = patience;
    this.restoreBestWeights = restoreBestWeights;
  }

  onEpochEnd(epoch: number, logs: Logs, ctx: FitContext): void {
    const v = this.#monitor.read(logs, "EarlyStopping");
    if (this.#monitor.improved(v)) {
      this.#wait = 0;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.#bestWeights = ctx.model.stateDict(); // detached snapshots: assign() never mutates storage
      return;
    }
    // Keras and Lightning stop once `patience` epochs in a row brought no improvement (0: the first one)
    if (++this.#wait >= this.patience) {
      this.stoppedEpoch = epoch;
      ctx.stopTraining = true;
    }
  }

  onTrainBegin(_info: TrainInfo, ctx: FitContext): void {
    // a reused callback starts afresh (keras resets in on_train_begin); a resumed run knows the best so far from its history
    ({ wait: this.#wait, bestEpoch: this.bestEpoch } = this.#monitor.reset(ctx.history));
    this.#bestWeights = null;
    this.stoppedEpoch = -1;
  }

  /** Restores the best epoch's weights (when asked), whether training stopped early or ran out of epochs (Keras 3). */
  onTrainEnd(_h: History, ctx: FitContext): void {
    if (this.restoreBestWeights && this.#bestWeights) ctx.model.loadStateDict(this.#bestWeights);
  }
}

/** Anything with a step() like the schedulers in optim.lrScheduler; ReduceLROnPlateau takes a metric. */
export type SchedulerLike = { step(): void } | { step(metric: number): void };

/**
 * Steps a scheduler with the metric, or without one. An epoch-indexed scheduler never gets the
 * metric: its step(epoch) would take the monitored value for an epoch number.
 */
function stepScheduler(s: SchedulerLike, metric?: number): void {
  if (metric !== undefined && !(s instanceof LRScheduler)) s.step(metric);
  else (s as { step(): void }).step();
}

/** Steps an LR scheduler once per epoch (or per batch), feeding it a monitored value if given. */
export class LRSchedulerCallback implements Callback {
  constructor(
    readonly scheduler: SchedulerLike,
    readonly opts: { monitor?: string; perBatch?: boolean } = {},
  ) {
    resolveArgs("LRSchedulerCallback", [opts], [], { monitor: undefined as string | undefined, perBatch: false });
  }

  onBatchEnd(): void {
    if (this.opts.perBatch) stepScheduler(this.scheduler);
  }

  onEpochEnd(_e: number, logs: Logs): void {
    if (this.opts.perBatch) return;
    stepScheduler(this.scheduler, this.opts.monitor ? new Monitor({ monitor: this.opts.monitor }).read(logs, "LRSchedulerCallback") : undefined);
  }
}

/** Calls the given functions at the matching hooks (keras LambdaCallback). */
export class LambdaCallback implements Callback {
  constructor(hooks: Callback) {
    Object.assign(this, hooks);
  }
}
