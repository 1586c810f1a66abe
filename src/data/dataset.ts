// Datasets: anything with `length` and `get(i)` (torch.utils.data.Dataset, burn's Dataset trait),
// and the wrappers that compose them: TensorDataset, Subset, ConcatDataset, MappedDataset, randomSplit.

import { resolveArgs, type Args } from "../options.js";
import { defaultGenerator, type Generator } from "../random.js";
import { fmtShape } from "../shape.js";
import { Tensor } from "../tensor.js";

/** A map-style dataset: `length` samples, sample i from `get(i)`. Matches torch.utils.data.Dataset. */
export interface Dataset<T> {
  readonly length: number;
  get(i: number): T;
}

/** Base class giving datasets `.map(fn)`; implementing the Dataset interface alone is enough for DataLoader. */
export abstract class BaseDataset<T> implements Dataset<T> {
  abstract readonly length: number;
  abstract get(i: number): T;
  /** A dataset whose sample i is fn(this.get(i), i), computed lazily on every get. */
  map<U>(fn: (sample: T, i: number) => U): MappedDataset<T, U> {
    return new MappedDataset(this, fn);
  }
}

function checkIndex(op: string, i: number, length: number): number {
  if (!Number.isInteger(i) || i < -length || i >= length) throw new RangeError(`${op}: index ${i} is out of range for a dataset of length ${length}`);
  return i < 0 ? i + length : i;
}

/**
 * Samples are the i-th slices of tensors sharing their first dim: get(i) = [t0[i], t1[i], …].
 * The DataLoader batches it with one indexSelect per tensor instead of stacking samples.
 * Matches torch.utils.data.TensorDataset.
 * @example const ds = new TensorDataset(x, y); const [xi, yi] = ds.get(0);
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends BaseDataset<T> {
  readonly tensors: T;
  readonly length: number;
  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new Error("TensorDataset: needs at least one tensor");
    tensors.forEach((t: unknown, i) => {
      if (!(t instanceof Tensor))
        throw new TypeError(
          `TensorDataset: argument ${i + 1} is ${Array.isArray(t) ? "an array" : t === null ? "null" : typeof t}, not a Tensor; convert it first, e.g. ` +
            `new TensorDataset(tensor(x), tensor(labels, { dtype: "int32" })) (class labels are int32; plain JS numbers would become float32)`,
        );
    });
    const n = tensors[0]!.shape[0];
    if (n === undefined) throw new Error("TensorDataset: tensors must have at least one dim (the sample dim)");
    for (const t of tensors)
      if (t.shape[0] !== n) throw new Error(`TensorDataset: size mismatch between tensors: ${tensors.map((u) => fmtShape(u.shape)).join(" vs ")} (all need the same first dim)`);
    this.tensors = tensors;
    this.length = n;
  }
  get(i: number): T {
    const j = checkIndex("TensorDataset.get", i, this.length);
    return this.tensors.map((t) => t.index(j)) as T;
  }
}

/** The samples of `dataset` at `indices`, in that order. Matches torch.utils.data.Subset. */
export class Subset<T> extends BaseDataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];
  constructor(dataset: Dataset<T>, indices: readonly number[]) {
    super();
    for (const i of indices) checkIndex("Subset", i, dataset.length);
    this.dataset = dataset;
    this.indices = indices;
  }
  get length(): number {
    return this.indices.length;
  }
  get(i: number): T {
    return this.dataset.get(this.indices[checkIndex("Subset.get", i, this.length)]!);
  }
}

/** Datasets one after another. Matches torch.utils.data.ConcatDataset. */
export class ConcatDataset<T> extends BaseDataset<T> {
  readonly datasets: readonly Dataset<T>[];
  readonly cumulativeSizes: readonly number[];
  constructor(datasets: readonly Dataset<T>[]) {
    super();
    if (datasets.length === 0) throw new Error("ConcatDataset: needs at least one dataset");
    this.datasets = datasets;
    let total = 0;
    this.cumulativeSizes = datasets.map((d) => (total += d.length));
  }
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }
  get(i: number): T {
    const j = checkIndex("ConcatDataset.get", i, this.length);
    const k = this.cumulativeSizes.findIndex((c) => j < c);
    return this.datasets[k]!.get(j - (k > 0 ? this.cumulativeSizes[k - 1]! : 0));
  }
}

/** Applies `fn` to each sample on access (torchvision's `transform=` argument, as a wrapper). */
export class MappedDataset<T, U> extends BaseDataset<U> {
  readonly dataset: Dataset<T>;
  readonly fn: (sample: T, i: number) => U;
  constructor(dataset: Dataset<T>, fn: (sample: T, i: number) => U) {
    super();
    this.dataset = dataset;
    this.fn = fn;
  }
  get length(): number {
    return this.dataset.length;
  }
  get(i: number): U {
    return this.fn(this.dataset.get(i), i);
  }
}

/** A seeded permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, generator: Generator = defaultGenerator): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths, or of the given
 * fractions of its length (floored, the remainder handed out one by one from the first split).
 * Matches torch.utils.data.random_split.
 * @example const [train, val] = randomSplit(ds, [0.8, 0.2], { generator: new Generator(42) });
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], ...args: Args<[generator: Generator], { generator?: Generator }>): Subset<T>[] {
  const { generator } = resolveArgs("data.randomSplit", args, ["generator"], { generator: defaultGenerator });
  const n = dataset.length;
  let sizes = [...lengths];
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sizes.some((l) => l < 0)) throw new Error(`randomSplit: lengths must be non-negative, got [${lengths.join(", ")}]`);
  if (Math.abs(sum - 1) < 1e-9 && sum !== n) {
    sizes = sizes.map((f) => Math.floor(n * f));
    let rest = n - sizes.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % sizes.length, rest--) sizes[i]!++;
  } else if (!sizes.every(Number.isInteger) || sum !== n) {
    throw new Error(`randomSplit: lengths [${lengths.join(", ")}] must sum to the dataset's length ${n} (or be fractions summing to 1)`);
  }
  const perm = permutation(n, generator);
  let at = 0;
  return sizes.map((s) => new Subset(dataset, perm.slice(at, (at += s))));
}
