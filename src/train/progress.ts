// Progress output for fit(): a live bar per epoch on a terminal (cli-progress, loaded only in
// Node), and one summary line per epoch everywhere (Keras's verbose=1 / verbose=2).

import type { Callback, FitContext, Logs, TrainInfo } from "./callbacks.js";

const fmtLogs = (logs: Logs): string =>
  Object.entries(logs)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(3) : v.toFixed(4)}`)
    .join(" · ");

const fmtTime = (s: number): string => (s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60).toString().padStart(2, "0")}s`);

interface BarLike {
  start(total: number, value: number, payload: object): void;
  update(value: number, payload: object): void;
  stop(): void;
}

export interface ProgressOptions {
  /** Where summary lines go (console.log by default). */
  log?: (line: string) => void;
  /** Draw a live bar (default: when stdout is a terminal). */
  bar?: boolean;
}

/** Keras's verbose: 0 silent, 1 progress bar, 2 one line per epoch, 'auto' a bar on a terminal and lines otherwise. */
export type Verbose = 0 | 1 | 2 | "auto";

/** The progress callback fit() adds for `verbose`, unless the caller already passed a Progress. */
export function progressFor(verbose: Verbose, callbacks: readonly Callback[]): Callback[] {
  if (verbose !== 0 && verbose !== 1 && verbose !== 2 && verbose !== "auto")
    throw new TypeError(`fit: verbose must be 0 (silent), 1 (progress bar), 2 (one line per epoch) or 'auto', got ${JSON.stringify(verbose)}`);
  if (verbose === 0 || callbacks.some((c) => c instanceof Progress)) return [];
  return [new Progress(verbose === "auto" ? {} : { bar: verbose === 1 })];
}

/** Prints a bar per epoch (rate, ETA, running loss and metrics) and a summary line per epoch. */
export class Progress implements Callback {
  readonly #log: (line: string) => void;
  readonly #wantBar: boolean;
  #bar: BarLike | null = null;
  #info: TrainInfo | null = null;
  #epochStart = 0;
  #trainStart = 0;

  constructor({ log = (l: string) => console.log(l), bar }: ProgressOptions = {}) {
    this.#log = log;
    const proc = (globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process;
    this.#wantBar = bar ?? Boolean(proc?.stdout?.isTTY);
  }

  async onTrainBegin(info: TrainInfo): Promise<void> {
    this.#info = info;
    this.#trainStart = performance.now();
    if (this.#wantBar && info.steps) {
      const { default: cliProgress } = await import("cli-progress");
      this.#bar = new cliProgress.SingleBar(
        { format: "{epoch} |{bar}| {value}/{total} [{elapsed}<{eta_formatted}, {rate}] {logs}", barsize: 24, hideCursor: true, clearOnComplete: true, etaBuffer: 20 },
        cliProgress.Presets.shades_classic,
      );
    }
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
