// Sampling category indices from weights (torch.multinomial), on the host with the project's seeded
// Generator, so a seed gives the same draws on every backend.

import { Tensor } from "../tensor.js";
import { defaultGenerator, type Generator } from "../random.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";

export interface MultinomialOptions {
  replacement?: boolean;
  generator?: Generator | null;
}

/** The index i with cum[i − 1] ≤ u < cum[i] (cum ascending, u < cum[n − 1]). */
function search(cum: Float64Array, n: number, u: number): number {
  let lo = 0, hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Draws `numSamples` category indices from each row of non-negative `input` weights ([n] or
 * [rows, n]; they need not sum to 1): with replacement, independent draws; without (the default),
 * each draw removes its category, and numSamples must not exceed the non-zero categories.
 * Returns int32 [numSamples] or [rows, numSamples]. Matches torch.multinomial in distribution; the
 * stream is the project's Generator (seed with manualSeed or pass `generator`), not PyTorch's.
 */
export function multinomial(input: Tensor, numSamples: number, ...args: Args<[replacement: boolean], MultinomialOptions>): Tensor {
  const { replacement, generator } = resolveArgs<MultinomialOptions>("multinomial", args, ["replacement"], { replacement: false, generator: null });
  const g = generator ?? defaultGenerator;
  if (input.ndim !== 1 && input.ndim !== 2) throw new Error(`multinomial: expects a 1-D or 2-D tensor of weights, got ${fmtShape(input.shape)}`);
  if (!Number.isInteger(numSamples) || numSamples < 1) throw new Error(`multinomial: numSamples must be a positive integer, got ${numSamples}`);
  const n = input.shape[input.ndim - 1]!;
  const rows = input.ndim === 2 ? input.shape[0]! : 1;
  if (!replacement && numSamples > n)
    throw new Error(`multinomial: cannot draw ${numSamples} samples from ${n} categories without replacement`);
  const w = input.dataSync();
  const out = new Int32Array(rows * numSamples);
  const cum = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    const row = Float64Array.from(w.subarray(r * n, (r + 1) * n));
    let positive = 0;
    for (const v of row) {
      if (!(v >= 0) || v === Infinity) throw new RangeError(`multinomial: weights must be finite and non-negative, got ${v} in row ${r}`);
      if (v > 0) positive++;
    }
    if (positive === 0) throw new RangeError(`multinomial: row ${r} has no positive weight to sample from`);
    if (!replacement && numSamples > positive)
      throw new RangeError(`multinomial: row ${r} has ${positive} categories with non-zero weight, too few for ${numSamples} samples without replacement`);
    for (let s = 0; s < numSamples; s++) {
      let total = 0;
      for (let i = 0; i < n; i++) cum[i] = total += row[i]!;
      // u < total always; the search never lands on a zero-weight category (its cum equals its predecessor's)
      const pick = search(cum, n, g.random() * total);
      out[r * numSamples + s] = pick;
      if (!replacement) row[pick] = 0;
    }
  }
  return Tensor.fromArray(out, input.ndim === 2 ? [rows, numSamples] : [numSamples], input.backend, "int32");
}
