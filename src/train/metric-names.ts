// Metrics that fit() and evaluate() accept by name ('accuracy'), next to user functions.

import type { Tensor } from "../tensor.js";
import { accuracy } from "./metrics.js";

/** A metric: (model output, target) → a number averaged over the batch's samples. */
export type MetricFn = (output: Tensor, target: Tensor) => number;

const named: Record<string, MetricFn> = {
  accuracy: (out, y) => accuracy(out, y),
};

/** [name, fn] for a metric given by name or as a function (its name is the function's name). */
export function resolveMetric(m: string | MetricFn): [string, MetricFn] {
  if (typeof m === "function") return [m.name || "metric", m];
  const fn = named[m];
  if (!fn) throw new Error(`fit: unknown metric '${m}' (known: ${Object.keys(named).join(", ")}); pass a function (output, target) => number`);
  return [m, fn];
}
