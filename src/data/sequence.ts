// Sequence data for the recurrent recipes: sliding windows over a numeric series (forecasting),
// a character vocabulary and next-character chunks of a text (language modelling), the parser of
// vega-datasets' CO2 series and an e-mail's subject. Platform-neutral; the npm packages are read in data/node.

import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { parseCsvRows } from "./csv.js";
import { TensorDataset } from "./dataset.js";

export interface WindowOptions {
  /** How many steps after the window's last value the target lies (default 1). */
  horizon?: number;
  /** Subtract each window's last value from its inputs and its target (forecast the change). */
  relative?: boolean;
  /** Divide inputs and targets by this (default 1). */
  scale?: number;
}

/**
 * Sliding windows over a series: inputs [N, window, 1] hold `window` consecutive values and targets
 * [N, 1] the value `horizon` steps after the last of them, N = length − window − horizon + 1.
 */
export function slidingWindows(series: ArrayLike<number>, window: number, { horizon = 1, relative = false, scale = 1 }: WindowOptions = {}): TensorDataset<[Tensor, Tensor]> {
  const n = series.length - window - horizon + 1;
  if (!Number.isInteger(window) || window < 1 || n < 1)
    throw new Error(`slidingWindows: a series of ${series.length} values has no window of ${window} with a target ${horizon} step(s) on`);
  const x = new Float32Array(n * window);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const base = relative ? series[i + window - 1]! : 0;
    for (let j = 0; j < window; j++) x[i * window + j] = (series[i + j]! - base) / scale;
    y[i] = (series[i + window - 1 + horizon]! - base) / scale;
  }
  return new TensorDataset(tensor(x, { shape: [n, window, 1] }), tensor(y, { shape: [n, 1] }));
}

/** The characters of a text, sorted, with their ids (the vocabulary of a character-level model). */
export class CharVocab {
  readonly chars: string[];
  readonly #ids: Map<string, number>;
  constructor(text: string) {
    this.chars = [...new Set(text)].sort();
    this.#ids = new Map(this.chars.map((c, i) => [c, i]));
  }
  get size(): number {
    return this.chars.length;
  }
  /** ids of a string; a character outside the vocabulary is an error. */
  encode(s: string): Int32Array {
    return Int32Array.from(s, (c) => {
      const id = this.#ids.get(c);
      if (id === undefined) throw new Error(`CharVocab.encode: character ${JSON.stringify(c)} is not in the vocabulary of ${this.size}`);
      return id;
    });
  }
  decode(ids: Iterable<number>): string {
    return Array.from(ids, (i) => this.chars[i] ?? "?").join("");
  }
}

/**
 * Next-character chunks: input ids [N, seqLen] and targets [N, seqLen] shifted by one character,
 * a new chunk every `stride` characters (default seqLen: no overlap).
 */
export function textChunks(ids: Int32Array, seqLen: number, { stride = seqLen } = {}): TensorDataset<[Tensor, Tensor]> {
  const n = Math.floor((ids.length - seqLen - 1) / stride) + 1;
  if (n < 1) throw new Error(`textChunks: a text of ${ids.length} characters has no chunk of ${seqLen} + 1`);
  const x = new Int32Array(n * seqLen), y = new Int32Array(n * seqLen);
  for (let i = 0; i < n; i++) {
    x.set(ids.subarray(i * stride, i * stride + seqLen), i * seqLen);
    y.set(ids.subarray(i * stride + 1, i * stride + seqLen + 1), i * seqLen);
  }
  return new TensorDataset(tensor(x, { shape: [n, seqLen] }), tensor(y, { shape: [n, seqLen] }));
}

/** vega-datasets' co2-concentration.csv (Mauna Loa, monthly since 1958): dates and CO2 in ppm. */
export function parseCo2Csv(text: string): { dates: string[]; co2: number[] } {
  const rows = parseCsvRows(text).filter((r) => r.length >= 2 && r[0] !== "");
  const [header, ...body] = rows;
  const col = header?.indexOf("CO2") ?? -1;
  if (col < 0) throw new Error("parseCo2Csv: expected a header with a 'CO2' column (vega-datasets' co2-concentration.csv)");
  return { dates: body.map((r) => r[0]!), co2: body.map((r) => Number(r[col])) };
}

/** The Subject header of a raw e-mail (folded lines joined, whitespace collapsed), or "" without one. */
export function emailSubject(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? "";
  const m = /^Subject:(.*(?:\r?\n[ \t].*)*)/im.exec(head);
  return m ? m[1]!.replace(/\s+/g, " ").trim() : "";
}
