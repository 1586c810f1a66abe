// Samplers and the DataLoader's sampler / batchSampler / collateFn, against torch.utils.data's rules:
// lengths, exclusivity errors, what each sampler yields, and the frequencies of the random ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, Generator, tensor } from "../src/index.js";

const { BatchSampler, DataLoader, RandomSampler, SequentialSampler, SubsetRandomSampler, TensorDataset, WeightedRandomSampler } = data;
const ds = new TensorDataset(tensor(Array.from({ length: 10 }, (_, i) => i)));
const firsts = (loader: Iterable<unknown>): number[][] => [...loader].map((b) => Array.from((b as [ReturnType<typeof tensor>])[0].dataSync()));

test("SequentialSampler yields 0 … n − 1; BatchSampler groups it as torch's (dropLast and length)", () => {
  assert.deepEqual([...new SequentialSampler(ds)], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const keep = new BatchSampler(new SequentialSampler(ds), 4, false), drop = new BatchSampler(new SequentialSampler(ds), 4, true);
  assert.deepEqual([...keep], [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.deepEqual([keep.length, drop.length, [...drop].length], [3, 2, 2]);
  assert.throws(() => new BatchSampler(new SequentialSampler(ds), 0, false), /data\.BatchSampler: batchSize must be a positive integer, got 0/);
});

test("RandomSampler: a permutation per epoch, numSamples past n repeats whole permutations, replacement draws uniformly", () => {
  const perm = [...new RandomSampler(ds, { generator: new Generator(1) })];
  assert.deepEqual([...perm].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual([...new RandomSampler(ds, { generator: new Generator(1) })], perm, "same seed, same order");
  const long = [...new RandomSampler(ds, false, 25, new Generator(2))];
  assert.equal(long.length, 25);
  for (const part of [long.slice(0, 10), long.slice(10, 20)]) assert.deepEqual([...part].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(new Set(long.slice(20)).size, 5, "the tail is the start of a third permutation");
  const counts = new Array<number>(10).fill(0);
  for (const i of new RandomSampler(ds, { replacement: true, numSamples: 20000, generator: new Generator(3) })) counts[i]!++;
  for (const c of counts) assert.ok(Math.abs(c - 2000) < 4 * Math.sqrt(2000 * 0.9), `uniform counts, got ${counts.join(", ")}`);
  assert.throws(() => new RandomSampler(ds, { numSamples: 0 }), /data\.RandomSampler: numSamples must be a positive integer, got 0/);
  assert.throws(() => new RandomSampler(ds, { num_samples: 5 } as never), /unknown option 'num_samples' \(did you mean 'numSamples'\?\)/);
});

test("SubsetRandomSampler permutes exactly its indices", () => {
  const s = new SubsetRandomSampler([7, 2, 9], { generator: new Generator(4) });
  assert.equal(s.length, 3);
  assert.deepEqual([...s].sort((a, b) => a - b), [2, 7, 9]);
});

test("WeightedRandomSampler draws in proportion to the weights; without replacement each index once; bad weights are errors", () => {
  const w = [1, 0, 3, 6];
  const counts = [0, 0, 0, 0];
  for (const i of new WeightedRandomSampler(w, 30000, { generator: new Generator(5) })) counts[i]!++;
  assert.equal(counts[1], 0, "a zero weight is never drawn");
  for (const [i, p] of [[0, 0.1], [2, 0.3], [3, 0.6]] as const)
    assert.ok(Math.abs(counts[i]! / 30000 - p) < 4 * Math.sqrt((p * (1 - p)) / 30000), `index ${i}: ${counts[i]} of 30000, expected ${p}`);
  const once = [...new WeightedRandomSampler(tensor(w), 3, false, new Generator(6))];
  assert.deepEqual([...once].sort(), [0, 2, 3]);
  // the first draw without replacement favours the heavy index: over seeds it comes first ~60% of the time
  let heavyFirst = 0;
  for (let seed = 0; seed < 2000; seed++) if ([...new WeightedRandomSampler(w, 3, false, new Generator(seed))][0] === 3) heavyFirst++;
  assert.ok(Math.abs(heavyFirst / 2000 - 0.6) < 0.05, `heavy index first in ${heavyFirst} of 2000`);
  assert.throws(() => new WeightedRandomSampler(w, 4, false), /cannot draw 4 samples without replacement from 3 nonzero weights/);
  assert.throws(() => new WeightedRandomSampler([1, -1], 2), /weights must be finite and non-negative, got -1/);
  assert.throws(() => new WeightedRandomSampler([0, 0], 2), /the weights sum to 0/);
  assert.throws(() => new WeightedRandomSampler(tensor([[1, 2]]), 2), /weights must be a 1-D tensor, got shape \[1, 2\]/);
});

test("DataLoader takes sampler and batchSampler as torch does, and refuses the combinations torch refuses", () => {
  const order = [3, 1, 4, 1, 5, 9, 2, 6];
  const bySampler = new DataLoader(ds, { batchSize: 3, sampler: order });
  assert.equal(bySampler.length, 3);
  assert.deepEqual(firsts(bySampler), [[3, 1, 4], [1, 5, 9], [2, 6]]);
  assert.deepEqual(firsts(new DataLoader(ds, 3, false, order, undefined, 0, undefined, false, true)), [[3, 1, 4], [1, 5, 9]], "torch's positional order, dropLast last");
  const batches = new BatchSampler(new SequentialSampler(ds), 4, true);
  const byBatch = new DataLoader(ds, { batchSampler: batches });
  assert.equal(byBatch.length, 2);
  assert.deepEqual(firsts(byBatch), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  const weighted = new DataLoader(ds, { batchSize: 5, sampler: new WeightedRandomSampler([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 10) });
  assert.deepEqual(firsts(weighted), [[9, 9, 9, 9, 9], [9, 9, 9, 9, 9]]);
  assert.throws(() => new DataLoader(ds, { sampler: order, shuffle: true }), /data\.DataLoader: sampler is mutually exclusive with shuffle/);
  assert.throws(() => new DataLoader(ds, { batchSampler: batches, batchSize: 4 }), /batchSampler is mutually exclusive with batchSize, shuffle, sampler and dropLast/);
  assert.throws(() => new DataLoader(ds, { batchSampler: batches, dropLast: true }), /mutually exclusive/);
  assert.throws(() => new DataLoader(ds, { numWorkers: 2 }), /numWorkers must be 0, got 2/);
  assert.throws(() => new DataLoader(ds, { pinMemory: true }), /pinMemory must be false/);
  assert.throws(() => new DataLoader(ds, { sampler: 5 as never }), /sampler must be iterable with a length/);
  assert.throws(() => new DataLoader(ds, { collate_fn: () => 0 } as never), /unknown option 'collate_fn' \(did you mean 'collateFn'\?\)/);
});

test("DataLoader's collateFn receives each batch's samples", () => {
  const sums = [...new DataLoader(ds, { batchSize: 4, collateFn: (s) => s.reduce((a, [x]) => a + x.item(), 0) })];
  assert.deepEqual(sums, [6, 22, 17]);
});
