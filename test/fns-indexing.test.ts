// torch's index functions (src/composites/indexing-more.ts) against torch 1.13
// (tools/fixtures/torch_fns.py, group indexing) on both backends, with float64 gradchecks, plus errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as M from "../src/index.js";
import { tensor, zeros, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { runTable, type FnCase } from "./fn-table.js";

const table: Record<string, FnCase> = {
  take: { fn: (x, i) => M.take(x, i) },
  "take int32": { fn: (x, i) => x.take(i) },
  takeAlongDim: { fn: (x, i) => M.takeAlongDim(x, i, 1) },
  "takeAlongDim broadcast": { fn: (x, i) => x.takeAlongDim(i, 0) },
  "takeAlongDim flat": { fn: (x, i) => M.takeAlongDim(x, i) },
  "takeAlongDim argsort": { fn: (x) => x.takeAlongDim(x.argsort(1), 1) },
  indexAdd: { fn: (x, i, s) => M.indexAdd(x, 0, i, s) },
  "indexAdd alpha dim": { fn: (x, i, s) => x.indexAdd(-1, i, s, { alpha: -2.5 }) },
  "indexAdd int32": { fn: (x, i, s) => M.indexAdd(x, 0, i, s) },
  indexCopy: { fn: (x, i, s) => M.indexCopy(x, 1, i, s) },
  "indexCopy dim 0": { fn: (x, i, s) => x.indexCopy(0, i, s) },
  indexFill: { fn: (x, i) => M.indexFill(x, 1, i, -1.5) },
  "indexFill tensor value": { fn: (x, i, v) => x.indexFill(0, i, v) },
  "indexFill int32": { fn: (x, i) => M.indexFill(x, 0, i, 9) },
  scatter: { fn: (x, i, s) => M.scatter(x, 0, i, s) },
  "scatter larger src": { fn: (x, i, s) => x.scatter(0, i, s) },
  "scatter dim 1": { fn: (x, i, s) => x.scatter(1, i, s) },
  "scatter value": { fn: (x, i) => M.scatter(x, 0, i, 2.5) },
  "scatter reduce add": { fn: (x, i, s) => M.scatter(x, 0, i, s, { reduce: "add" }) },
  "scatter reduce multiply": { fn: (x, i, s) => x.scatter(0, i, s, { reduce: "multiply" }) },
  "scatter value reduce multiply": { fn: (x, i) => M.scatter(x, 0, i, 3, { reduce: "multiply" }) },
  "scatter int32": { fn: (x, i, s) => M.scatter(x, 0, i, s) },
  "scatterReduce prod zeros": { fn: (x, i, s) => M.scatterReduce(x, 0, i, s, "prod") },
  "scatterReduce mean int32": { fn: (x, i, s) => x.scatterReduce(0, i, s, "mean") },
  "scatterReduce amax int32": { fn: (x, i, s) => M.scatterReduce(x, 0, i, s, "amax", { includeSelf: false }) },
};
Object.assign(table, {
  select: { fn: (x) => M.select(x, 1, -1) },
  selectScatter: { fn: (x, s) => M.selectScatter(x, s, 1, -1) },
  "selectScatter dim 0": { fn: (x, s) => x.selectScatter(s, 0, 1) },
  sliceScatter: { fn: (x, s) => M.sliceScatter(x, s, 0, 1, null, 2) },
  "sliceScatter dim end": { fn: (x, s) => x.sliceScatter(s, { dim: 1, start: 1, end: 3 }) },
  "sliceScatter default": { fn: (x, s) => M.sliceScatter(x, s) },
  diagonalScatter: { fn: (x, s) => M.diagonalScatter(x, s) },
  "diagonalScatter offset dims": { fn: (x, s) => x.diagonalScatter(s, -1, 2, 0) },
  argwhere: { fn: M.argwhere },
  put: { fn: (x, i, s) => x.put(i, s) },
  "put accumulate": { fn: (x, i, s) => M.put(x, i, s, true) },
  maskedScatter: { fn: (x, m, s) => x.maskedScatter(m, s) },
  "maskedScatter full mask": { fn: (x, m, s) => M.maskedScatter(x, m, s) },
} satisfies Record<string, FnCase>);
for (const reduce of ["sum", "prod", "mean", "amax", "amin"] as const) {
  // ties on purpose for amax/amin: the float64 gradcheck steps across them, so only the random case is gradchecked
  const ties = reduce === "amax" || reduce === "amin" ? { gradcheck: false, note: "ties on purpose" } : {};
  table[`scatterReduce ${reduce}`] = { fn: (x, i, s) => M.scatterReduce(x, 0, i, s, reduce), ...ties };
  table[`scatterReduce ${reduce} excluding self`] = { fn: (x, i, s) => x.scatterReduce(0, i, s, reduce, { includeSelf: false }), ...ties };
  table[`scatterReduce ${reduce} random`] = { fn: (x, i, s) => x.scatterReduce(1, i, s, reduce) };
}

runTable("torch index functions match torch 1.13", "fns/indexing.json", table);

test("scatter with reduce has a gradient (torch 1.13 has none): float64 gradcheck", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64", requiresGrad: true });
  const s = tensor([[7, 8, 9], [0.5, -1, 2]], { dtype: "float64", requiresGrad: true });
  const i = tensor([[0, 1, 0], [0, 1, 1]], { dtype: "int32" });
  for (const reduce of ["add", "multiply"] as const) assert.ok(gradcheck((a: Tensor, b: Tensor) => M.scatter(a, 0, i, b, { reduce }), [x, s]));
});

test("a target named twice takes the last source (torch leaves it unspecified); many repeats stay cheap", () => {
  const i = tensor([0, 0, 2, 0], { dtype: "int32" });
  assert.deepEqual([...M.scatter(zeros(3), 0, i, tensor([1, 2, 3, 4])).dataSync()], [4, 0, 3]);
  assert.deepEqual([...M.indexCopy(zeros(3, 1), 0, i, tensor([[1], [2], [3], [4]])).dataSync()], [4, 0, 3]);
  // 2,000 entries into 40 targets: 50 rounds (the most repeats of one target), not 2,000
  const n = 2000, idx = tensor(Array.from({ length: n }, (_, k) => k % 40), { dtype: "int32" });
  const src = tensor(Array.from({ length: n }, (_, k) => Math.sin(k)));
  const got = [...M.scatterReduce(zeros(40), 0, idx, src, "amax", { includeSelf: false }).dataSync()];
  const want = Array.from({ length: 40 }, (_, t) => Math.max(...Array.from({ length: 50 }, (_, r) => Math.fround(Math.sin(t + 40 * r)))));
  assert.deepEqual(got, want);
});

test("indexing: errors name the function, the shapes and what was expected", () => {
  const x = zeros(3, 4), i = (v: number[]): Tensor => tensor(v, { dtype: "int32" });
  assert.throws(() => M.take(x, tensor([1.0])), /take: index must be an int32 tensor, got float32/);
  assert.throws(() => M.take(x, i([12])), /take: index 12 is out of bounds/);
  assert.throws(() => M.takeAlongDim(x, i([0]), 0), /takeAlongDim: input \[3,4\] and indices \[1\] must have the same number of dims/);
  assert.throws(() => M.takeAlongDim(x, tensor([[0, 1]], { dtype: "int32" }).reshape(1, 2).expand(2, 2), 0), /takeAlongDim.*\[3,1\].*\[2,1\]|takeAlongDim: .*broadcast/);
  assert.throws(() => M.indexAdd(x, 0, i([0, 1]), zeros(3, 4)), /indexAdd: source \[3,4\] must have shape \[2,4\]/);
  assert.throws(() => M.indexAdd(x, 0, i([0]), zeros(1, 4), { Alpha: 2 } as never), /indexAdd: unknown option 'Alpha' \(did you mean 'alpha'\?\)/);
  assert.throws(() => M.indexCopy(x, 2, i([0]), zeros(3, 1)), /indexCopy: dim 2 is out of range/);
  assert.throws(() => M.indexFill(x, 0, i([3]), 1), /indexFill: index 3 is out of bounds/);
  assert.throws(() => M.scatter(x, 0, i([0]), 1), /scatter: input \[3,4\], index \[1\] must have the same number of dims/);
  assert.throws(() => M.scatter(x, 0, tensor([[0, 1, 2, 0, 1]], { dtype: "int32" }), zeros(1, 5)), /scatter: index \[1,5\] is larger than the input \[3,4\] in dim 1/);
  assert.throws(() => M.scatter(x, 0, tensor([[0, 1]], { dtype: "int32" }), 1, { reduce: "sum" as never }), /scatter: reduce must be 'add', 'multiply' or null/);
  assert.throws(() => M.scatterReduce(x, 0, tensor([[0]], { dtype: "int32" }), zeros(1, 1), "max" as never), /scatterReduce: reduce must be 'sum', 'prod', 'mean', 'amax' or 'amin', got max/);
  assert.throws(() => M.scatterReduce(x, 0, tensor([[0]], { dtype: "int32" }), zeros(1, 1, { dtype: "float64" }), "sum"), /scatterReduce: src must be a Tensor of the input's dtype float32, got float64/);
  assert.throws(() => M.scatterReduce(x, 0, tensor([[0]], { dtype: "int32" }), zeros(1, 1), "sum", { include_self: false } as never), /did you mean 'includeSelf'/);
  assert.throws(() => M.selectScatter(x, zeros(3), 0, 1), /selectScatter: src \[3\] must have the shape of the slice it replaces, \[4\]/);
  assert.throws(() => M.selectScatter(x, zeros(4), 0, 3), /selectScatter: index 3 is out of range for dim 0 of size 3/);
  assert.throws(() => M.sliceScatter(x, zeros(2, 4), 0, 0, 3), /sliceScatter: src \[2,4\] must have the shape of the slice it replaces, \[3,4\]/);
  assert.throws(() => M.diagonalScatter(x, zeros(3), 0, 1, 1), /diagonalScatter: dim1 and dim2 must differ/);
  assert.throws(() => M.put(x, i([0, 1]), zeros(3)), /put: source \[3\] must have as many elements as index \[2\]/);
  assert.throws(() => M.maskedScatter(x, tensor([true, true, false, true]), zeros(2)), /maskedScatter: the mask selects 9 elements but source \[2\] has 2/);
  assert.throws(() => M.maskedScatter(x, tensor([[true], [false], [true], [true]]), zeros(20)), /maskedScatter.*\[3,4\].*\[4,1\]/);
});
