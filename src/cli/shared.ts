// What every `myelin` subcommand shares: option parsing helpers, the backend choice and its
// one-line description, the run folder's config.json, and the package version.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { data, getBackend, setBackend, type Tensor } from "../index.js";

export type Values = Record<string, string | boolean | undefined>;
export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

export interface Command {
  usage: string;
  summary: string;
  options: OptionSpec;
  run(values: Values, positionals: string[]): Promise<void>;
}

export const str = (v: Values, k: string): string | undefined => (typeof v[k] === "string" ? v[k] : undefined);

export function num(v: Values, k: string, fallback: number, { integer = false, min = -Infinity, below = Infinity } = {}): number {
  const s = str(v, k);
  if (s === undefined) return fallback;
  const n = Number(s);
  if (s.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n >= below) {
    const range = [min > -Infinity ? `≥ ${min}` : "", below < Infinity ? `< ${below}` : ""].filter(Boolean).join(" and ");
    throw new Error(`--${k} expects ${integer ? "an integer" : "a number"}${range ? ` ${range}` : ""}, got '${s}'`);
  }
  return n;
}

export const common: OptionSpec = { backend: { type: "string" }, "data-dir": { type: "string" } };

/** The backend in use, its kernels and its threads, in one line (help texts and the train banner). */
export function backendLine(): string {
  const b = getBackend() as { name: string; variant?: string; getNumThreads?: () => number };
  const threads = b.getNumThreads?.() ?? 1;
  const what = b.name === "cpu" ? "the reference backend in plain TypeScript" : b.name === "wasm" ? `WebAssembly SIMD, ${b.variant ?? "simd"} kernels` : "a registered backend";
  return `${b.name} (${what}), ${threads} thread${threads === 1 ? "" : "s"}`;
}

export const commonHelp = (): string => `  --backend NAME      compute backend: wasm (fast, the default) or cpu (the reference);
                      in use now: ${backendLine()}
                      (also MYELIN_BACKEND=cpu|wasm; MYELIN_THREADS=N sets the wasm threads)
  --data-dir DIR      data set folder (fashion: the four Fashion-MNIST IDX files)`;

export function useBackend(v: Values): void {
  const b = str(v, "backend") ?? process.env.MYELIN_BACKEND;
  if (b) setBackend(b);
}

/** `text` folded into lines of at most `width` characters, every line after the first indented by `indent` spaces. */
export function wrap(text: string, indent: number, width = 100): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}

/** An evaluation loader: in order, no shuffling. */
export const loader = (ds: data.Dataset<[Tensor, Tensor]>, batchSize: number) => new data.DataLoader(ds, { batchSize });

/** The settings a run was trained with (its config.json). */
export interface RunConfig {
  recipe: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  /** Fraction of the training data held out for validation (absent in runs from before it existed). */
  valSplit?: number;
}

export function readConfig(runDir: string): RunConfig {
  const path = join(runDir, "config.json");
  if (!existsSync(path)) throw new Error(`${runDir} is not a run folder: it has no config.json`);
  return JSON.parse(readFileSync(path, "utf8")) as RunConfig;
}

/** The version in package.json (dist/src/cli → the package root). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}
