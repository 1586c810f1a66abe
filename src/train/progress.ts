// Progress output for fit(): one summary line per epoch everywhere (Keras's verbose=2), and a live
// bar per epoch where a bar factory is given (Keras's verbose=1): `cliProgressBar` from myelin/node
// draws one on a terminal. The main entry imports no bar library, so browser bundles stay Node-free.

import type { Callback, FitContext, Logs, TrainInfo } from "./callbacks.js";

const fmtLogs = (logs: Logs): string =>
  Object.entries(logs)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)}`)
    .join(" · ");

const fmtTime = (s: number): string => (s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, "0")}s`);

/**
 * A live progress bar. Payload fields: epoch ("epoch 2/10"), rate ("812 samples/s"), elapsed, logs
 * (the running loss and metrics, formatted).
 */
export interface BarLike {
  start(total: number, value: number, payload: object): void;
  update(value: number, payload: object): void;
  stop(): void;
}
/** Makes the bar when training starts (cliProgressBar from myelin/node; a page can draw its own). */
export type BarFactory = () => BarLike | Promise<BarLike>;

export interface ProgressOptions {
  /** Where summary lines go (console.log by default). */
  log?: (line: string) => void;
  /** Draw a live bar (default: when a barFactory is given and stdout is a terminal). */
  bar?: boolean;
  /** Makes the live bar; without one there is none. */
  barFactory?: BarFactory;
}

let defaultBarFactory: BarFactory | undefined;
/**
 * The bar factory Progress uses when none is given. `myelin/node` registers its terminal bar
 * (cliProgressBar) on import, so `fit` draws a bar on a terminal without the main entry importing
 * a Node-only library; a page may register its own.
 */
export function setDefaultBarFactory(factory: BarFactory | undefined): void {
  defaultBarFactory = factory;
}

/** Keras's verbose: 0 silent, 1 progress bar, 2 one line per epoch, 'auto' a bar on a terminal and lines otherwise. */
export type Verbose = 0 | 1 | 2 | "auto";

/** The progress callback fit() adds for `verbose`, unless the caller already passed a Progress. */
export function progressFor(verbose: Verbose, callbacks: readonly Callback[]): Callback[] {
  if (verbose !== 0 && verbose !== 1 && verbose !== 2 && verbose !== "auto")
    throw new TypeError(`fit: verbose must be 0 (silent), 1 (progress bar), 2 (one line per epoch) or 'auto', got ${JSON.stringify(verbose)}`);
  if (verbose === 0 || callbacks.some((c) => c instanceof Progress)) return [];
  // verbose 1 where no bar can be drawn (a page that registered none) falls back to lines
  return [new Progress(verbose === "auto" ? {} : { bar: verbose === 1 && defaultBarFactory !== undefined })];
}

/** Prints a bar per epoch (rate, ETA, running loss and metrics) and a summary line per epoch. */
export class Progress implements Callback {
  readonly #log: (line: string) => void;
  readonly #wantBar: boolean;
  readonly #factory: BarFactory | undefined;
  #bar: BarLike | null = null;
  #info: TrainInfo | null = null;
  #epochStart = 0;
  #trainStart = 0;

  constructor({ log = (l: string) => console.log(l), bar, barFactory }: ProgressOptions = {}) {
    this.#log = log;
    barFactory ??= defaultBarFactory;
    if (bar && !barFactory) throw new Error("Progress: bar: true needs a barFactory (cliProgressBar from 'myelin/node' on a terminal)");
    const proc = (globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process;
    this.#factory = barFactory;
    this.#wantBar = bar ?? (barFactory !== undefined && Boolean(proc?.stdout?.isTTY));
  }

  async onTrainBegin(info: TrainInfo): Promise<void> {
    this.#info = info;
    this.#trainStart = performance.now();
    if (this.#wantBar && this.#factory && info.steps) this.#bar = await this.#factory();
  }

  onEpochBegin(epoch: number): void {
    this.#epochStart = performance.now();
    const info = this.#info!;
    this.#bar?.start(info.steps!, 0, { epoch: `epoch ${epoch + 1}/${info.epochs}`, rate: "", elapsed: "0.0s", logs: "" });
  }

  onBatchEnd(step: number, logs: Logs, ctx: FitContext): void {
    if (!this.#bar) return;
    const secs = (performance.now() - this.#epochStart) / 1000;
    this.#bar.update(step + 1, { rate: `${Math.round(ctx.epochSamples / Math.max(secs, 1e-9))} samples/s`, elapsed: fmtTime(secs), logs: fmtLogs(logs) });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.#bar?.stop();
    const secs = (performance.now() - this.#epochStart) / 1000;
    this.#log(`epoch ${epoch + 1}/${this.#info!.epochs} · ${fmtTime(secs)} · ${fmtLogs(logs)}`);
  }

  onTrainEnd(): void {
    this.#bar?.stop();
    this.#log(`trained in ${fmtTime((performance.now() - this.#trainStart) / 1000)}`);
  }
}
