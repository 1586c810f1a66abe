// Samplers: the order in which a DataLoader visits a dataset's indices (torch.utils.data.sampler):
// sequential, random with or without replacement, a random subset, weighted, and batches of them.

import { resolveArgs, type Args } from "../options.js";
import { defaultGenerator, type Generator } from "../random.js";
import { Tensor } from "../tensor.js";
import { tensor } from "../ops/creation.js";
import { multinomial } from "../composites/sampling.js";
import { permutation } from "./dataset.js";

/** Anything that yields dataset indices, with a length: torch.utils.data.Sampler. A plain array of indices works too. */
export interface Sampler<T = number> extends Iterable<T> {
  readonly length: number;
}

/** What a sampler draws from: its length is all it reads. */
type Sized = { readonly length: number };

function checkCount(op: string, what: string, n: unknown): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new Error(`${op}: ${what} must be a non-negative integer, got ${String(n)}`);
  return n;
}

/** 0, 1, …, n − 1 in order. Matches torch.utils.data.SequentialSampler. */
export class SequentialSampler implements Sampler {
  readonly length: number;
  constructor(dataSource: Sized) {
    this.length = checkCount("data.SequentialSampler", "the data source's length", dataSource?.length);
  }
  *[Symbol.iterator](): Iterator<number> {
    for (let i = 0; i < this.length; i++) yield i;
  }
}

export interface RandomSamplerOptions {
  /** Draw with replacement (default false: a permutation). */
  replacement?: boolean;
  /** How many indices an epoch yields (default the data source's length). */
  numSamples?: number;
  generator?: Generator;
}

/**
 * A random order each epoch: a permutation of 0 … n − 1 (repeated and cut to numSamples when that
 * is longer), or numSamples uniform draws with replacement. Matches torch.utils.data.RandomSampler
 * (the stream is myelin's Generator: the same seed gives the same order here, not torch's order).
 */
export class RandomSampler implements Sampler {
  readonly length: number;
  readonly replacement: boolean;
  readonly generator: Generator;
  readonly #n: number;
  constructor(dataSource: Sized, ...args: Args<[replacement: boolean, numSamples: number | null, generator: Generator], RandomSamplerOptions>) {
    const o = resolveArgs("data.RandomSampler", args, ["replacement", "numSamples", "generator"], {
      replacement: false, numSamples: null as number | null, generator: defaultGenerator,
    });
    this.#n = checkCount("data.RandomSampler", "the data source's length", dataSource?.length);
    if (o.numSamples !== null && (!Number.isInteger(o.numSamples) || o.numSamples <= 0))
      throw new Error(`data.RandomSampler: numSamples must be a positive integer, got ${String(o.numSamples)}`);
    this.length = o.numSamples ?? this.#n;
    this.replacement = o.replacement;
    this.generator = o.generator;
  }
  *[Symbol.iterator](): Iterator<number> {
    const n = this.#n, g = this.generator;
    if (this.replacement) {
      for (let k = 0; k < this.length; k++) yield g.integer(0, n);
      return;
    }
    for (let left = this.length; left > 0; left -= n) yield* permutation(n, g).slice(0, Math.min(n, left));
  }
}

/** The given indices in a random order each epoch. Matches torch.utils.data.SubsetRandomSampler. */
export class SubsetRandomSampler implements Sampler {
  readonly indices: readonly number[];
  readonly generator: Generator;
  constructor(indices: readonly number[], ...args: Args<[generator: Generator], { generator?: Generator }>) {
    this.indices = [...indices];
    this.generator = resolveArgs("data.SubsetRandomSampler", args, ["generator"], { generator: defaultGenerator }).generator;
  }
  get length(): number {
    return this.indices.length;
  }
  *[Symbol.iterator](): Iterator<number> {
    for (const i of permutation(this.indices.length, this.generator)) yield this.indices[i]!;
  }
}

export interface WeightedRandomSamplerOptions {
  /** Draw with replacement (default true); without, numSamples must not exceed the nonzero weights. */
  replacement?: boolean;
  generator?: Generator;
}

/**
 * numSamples indices drawn with probability proportional to `weights` (they need not sum to 1), the
 * usual fix for imbalanced classes: weights[i] = 1 / count(class of sample i). Without replacement
 * each draw removes its index. Matches torch.utils.data.WeightedRandomSampler (torch.multinomial's
 * rules for the weights; myelin's stream).
 * @example new DataLoader(ds, { batchSize: 32, sampler: new WeightedRandomSampler(w, ds.length) })
 */
export class WeightedRandomSampler implements Sampler {
  readonly weights: Float64Array;
  readonly length: number;
  readonly replacement: boolean;
  readonly generator: Generator;
  constructor(weights: readonly number[] | Tensor, numSamples: number, ...args: Args<[replacement: boolean, generator: Generator], WeightedRandomSamplerOptions>) {
    const op = "data.WeightedRandomSampler";
    const o = resolveArgs(op, args, ["replacement", "generator"], { replacement: true, generator: defaultGenerator });
    const w = Float64Array.from(weights instanceof Tensor ? (weights.ndim === 1 ? weights.dataSync() : badShape(op, weights)) : weights);
    if (w.length === 0) throw new Error(`${op}: weights must not be empty`);
    for (const v of w) if (!Number.isFinite(v) || v < 0) throw new Error(`${op}: weights must be finite and non-negative, got ${v}`);
    const nonzero = w.reduce((a, v) => a + (v > 0 ? 1 : 0), 0);
    if (nonzero === 0) throw new Error(`${op}: the weights sum to 0`);
    if (!Number.isInteger(numSamples) || numSamples <= 0) throw new Error(`${op}: numSamples must be a positive integer, got ${numSamples}`);
    if (!o.replacement && numSamples > nonzero)
      throw new Error(`${op}: cannot draw ${numSamples} samples without replacement from ${nonzero} nonzero weights`);
    [this.weights, this.length, this.replacement, this.generator] = [w, numSamples, o.replacement, o.generator];
  }
  *[Symbol.iterator](): Iterator<number> {
    // torch's sampler is torch.multinomial over the weights; so is this one
    yield* multinomial(tensor(this.weights, { dtype: "float64", device: "cpu" }), this.length, this.replacement, { generator: this.generator }).dataSync();
  }
}

function badShape(op: string, t: Tensor): never {
  throw new Error(`${op}: weights must be a 1-D tensor, got shape [${t.shape.join(", ")}]`);
}

/**
 * Groups another sampler's indices into lists of batchSize (the last one shorter unless dropLast).
 * Matches torch.utils.data.BatchSampler; give it to DataLoader as `batchSampler`.
 */
export class BatchSampler implements Sampler<number[]> {
  readonly sampler: Iterable<number> & { readonly length: number };
  readonly batchSize: number;
  readonly dropLast: boolean;
  constructor(sampler: Iterable<number> & { readonly length: number }, batchSize: number, dropLast: boolean) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`data.BatchSampler: batchSize must be a positive integer, got ${String(batchSize)}`);
    if (typeof dropLast !== "boolean") throw new TypeError(`data.BatchSampler: dropLast must be a boolean, got ${typeof dropLast}`);
    [this.sampler, this.batchSize, this.dropLast] = [sampler, batchSize, dropLast];
  }
  get length(): number {
    const n = this.sampler.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
  *[Symbol.iterator](): Iterator<number[]> {
    let batch: number[] = [];
    for (const i of this.sampler) {
      batch.push(i);
      if (batch.length === this.batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0 && !this.dropLast) yield batch;
  }
}
