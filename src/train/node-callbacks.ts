// Callbacks that write files (Node only): ModelCheckpoint saves a resumable checkpoint folder,
// CSVLogger appends one row of logs per epoch (keras.callbacks.ModelCheckpoint / CSVLogger).

import { appendFileSync, writeFileSync } from "node:fs";
import { saveCheckpoint } from "../io/node/checkpoint.js";
import type { JsonValue, NestedState } from "../io/state.js";
import { Monitor, type Callback, type FitContext, type Logs, type MonitorOptions } from "./callbacks.js";

export interface ModelCheckpointOptions extends MonitorOptions {
  /** Save only when the monitored value improves (default false: every epoch). */
  saveBestOnly?: boolean;
  /** Extra JSON stored with the checkpoint (recipe, hyper-parameters). */
  config?: JsonValue;
}

/**
 * Saves model, optimizer state, epoch and history into `dir` after each epoch, atomically (a crash
 * never leaves half a checkpoint). Pass what loadCheckpoint returns to fit's `resume` to continue.
 */
export class ModelCheckpoint implements Callback {
  readonly #monitor: Monitor | null;
  /** Number of checkpoints written. */
  saved = 0;

  constructor(
    readonly dir: string,
    readonly opts: ModelCheckpointOptions = {},
  ) {
    this.#monitor = opts.saveBestOnly ? new Monitor(opts) : null;
  }

  onEpochEnd(epoch: number, logs: Logs, ctx: FitContext): void {
    if (this.#monitor && !this.#monitor.improved(this.#monitor.read(logs, "ModelCheckpoint"))) return;
    saveCheckpoint(this.dir, {
      model: ctx.model.stateDict(),
      optimizer: ctx.optimizerState() as NestedState,
      epoch: epoch + 1,
      history: ctx.history as unknown as JsonValue,
      config: this.opts.config ?? null,
    });
    this.saved++;
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
      if (!this.opts.append) appendFileSync(this.path, ["epoch", ...this.#keys].join(",") + "\n");
    }
    appendFileSync(this.path, [epoch + 1, ...this.#keys.map((k) => logs[k] ?? "")].join(",") + "\n");
  }
}
