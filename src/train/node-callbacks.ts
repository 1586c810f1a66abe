// Callbacks that write files (Node only): ModelCheckpoint saves a resumable checkpoint folder,
// CSVLogger appends one row of logs per epoch (keras.callbacks.ModelCheckpoint / CSVLogger).

import { appendFileSync, existsSync, statSync, writeFileSync } from "node:fs";
import { saveCheckpoint } from "../io/node/checkpoint.js";
import type { Checkpoint } from "../io/node/checkpoint.js";
import type { JsonValue, NestedState } from "../io/state.js";
import type { Generator } from "../random.js";
import { typeName } from "./node-resume.js";
import { Monitor, type Callback, type FitContext, type Logs, type MonitorOptions, type TrainInfo } from "./callbacks.js";

export interface ModelCheckpointOptions extends MonitorOptions {
  /** Save only when the monitored value improves (default false: every epoch). */
  saveBestOnly?: boolean;
  /** Extra JSON stored with the checkpoint (recipe, hyper-parameters). */
  config?: JsonValue;
  /**
   * Random generators whose state a resumed run needs (a shuffling DataLoader's, the default one
   * that dropout draws from): saved under config.generators, put back with restoreGenerators.
   * Without them a resumed run reshuffles from the seed and diverges from an uninterrupted one.
   */
  generators?: Record<string, Generator>;
  /**
   * An LR scheduler whose state (and class) is saved under config.scheduler. Put this callback
   * after the LRSchedulerCallback that steps it, so the saved state includes the epoch's step.
   */
  scheduler?: { stateDict(): unknown };
}

const isObject = (v: JsonValue): v is { [key: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Saves model, optimizer state, epoch and history into `dir` after each epoch, atomically (a crash
 * never leaves half a checkpoint). To continue, pass what resumeFromCheckpoint(dir, { model, optimizer,
 * scheduler, generators }) returns to fit's `resume`: it restores and checks everything saved here.
 */
export class ModelCheckpoint implements Callback {
  readonly #monitor: Monitor | null;
  /** Number of checkpoints written. */
  saved = 0;

  constructor(
    readonly dir: string,
    readonly opts: ModelCheckpointOptions = {},
  ) {
    this.#monitor = opts.saveBestOnly ? new Monitor({ monitor: opts.monitor, mode: opts.mode, minDelta: opts.minDelta }) : null;
  }

  onTrainBegin(_info: TrainInfo, ctx: FitContext): void {
    // a resumed run must not overwrite its best checkpoint with a worse epoch
    this.#monitor?.reset(ctx.history);
  }

  onEpochEnd(epoch: number, logs: Logs, ctx: FitContext): void {
    if (this.#monitor && !this.#monitor.improved(this.#monitor.read(logs, "ModelCheckpoint"))) return;
    const { config = null, generators, scheduler } = this.opts;
    // what resumeFromCheckpoint checks and restores besides the weights: generator states and the
    // optimizer's and scheduler's classes (a user config that is not an object goes under `value`)
    const extra: Record<string, JsonValue> = {};
    if (generators) extra["generators"] = Object.fromEntries(Object.entries(generators).map(([k, g]) => [k, g.getState()]));
    if (ctx.optimizer) extra["optimizerType"] = typeName(ctx.optimizer);
    if (scheduler) extra["scheduler"] = { type: typeName(scheduler), state: scheduler.stateDict() as JsonValue };
    saveCheckpoint(this.dir, {
      model: ctx.model.stateDict(),
      optimizer: ctx.optimizerState() as NestedState,
      epoch: epoch + 1,
      history: ctx.history as unknown as JsonValue,
      config: Object.keys(extra).length ? { ...(isObject(config) ? config : config === null ? {} : { value: config }), ...extra } : config,
    });
    this.saved++;
  }

  /** Puts the generator states saved by a ModelCheckpoint with `generators` back into `generators`. */
  static restoreGenerators(ckpt: Pick<Checkpoint, "config">, generators: Record<string, Generator>): void {
    const config = ckpt.config ?? null;
    const saved = isObject(config) && isObject(config["generators"] ?? null) ? (config["generators"] as Record<string, JsonValue>) : {};
    for (const [k, g] of Object.entries(generators)) {
      const state = saved[k];
      if (!Array.isArray(state)) throw new Error(`ModelCheckpoint.restoreGenerators: the checkpoint has no state for generator '${k}' (saved: ${Object.keys(saved).join(", ") || "none"})`);
      g.setState(state as number[]);
    }
  }
}

/** Writes `epoch,<log keys…>` rows to a CSV file, one per epoch. */
export class CSVLogger implements Callback {
  #keys: string[] | null = null;

  constructor(
    readonly path: string,
    readonly opts: { append?: boolean } = {},
  ) {}

  onTrainBegin(): void {
    if (!this.opts.append) writeFileSync(this.path, "");
    this.#keys = null;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    if (!this.#keys) {
      this.#keys = Object.keys(logs);
      // appending to a file that does not exist yet (a resumed run saved elsewhere) still needs the header
      if (!this.opts.append || !existsSync(this.path) || statSync(this.path).size === 0) appendFileSync(this.path, ["epoch", ...this.#keys].join(",") + "\n");
    }
    appendFileSync(this.path, [epoch + 1, ...this.#keys.map((k) => logs[k] ?? "")].join(",") + "\n");
  }
}
