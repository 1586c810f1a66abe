// torch's shape and movement functions (src/composites/shape.ts) against torch 1.13
// (tools/fixtures/torch_fns.py, group shape) on both backends, with float64 gradchecks, plus errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as M from "../src/index.js";
import { tensor, zeros } from "../src/index.js";
import { runTable, type FnCase } from "./fn-table.js";

const table: Record<string, FnCase> = {
  broadcastTo: { fn: (x) => M.broadcastTo(x, [2, 3, 4]) },
  "broadcastTo -1": { fn: (x) => x.broadcastTo([2, -1, 4]) },
  broadcastTensors: { fn: (a, b, c) => M.broadcastTensors(a, b, c) },
  tile: { fn: (x) => M.tile(x, [2, 3]) },
  "tile short dims": { fn: (x) => x.tile([2]) },
  "tile long dims": { fn: (x) => x.tile([2, 1, 2]) },
  "roll flat": { fn: (x) => M.roll(x, 5) },
  "roll dim": { fn: (x) => x.roll(-1, 1) },
  "roll dims": { fn: (x) => M.roll(x, [1, 7], [0, -1]) },
  rot90: { fn: (x) => M.rot90(x) },
  "rot90 k=2": { fn: (x) => x.rot90(2) },
  "rot90 k=-1 dims": { fn: (x) => M.rot90(x, -1, [2, 0]) },
  "rot90 k=3": { fn: (x) => x.rot90({ k: 3, dims: [1, 2] }) },
  "rot90 k=0": { fn: (x) => M.rot90(x, 4) },
  movedim: { fn: (x) => M.movedim(x, 0, -1) },
  "movedim lists": { fn: (x) => x.movedim([0, 2], [2, 1]) },
  moveaxis: { fn: (x) => x.moveaxis(-1, 0) },
  swapaxes: { fn: (x) => M.swapaxes(x, 0, 2) },
  swapdims: { fn: (x) => x.swapdims(-1, 1) },
  ravel: { fn: (x) => x.transpose(0, 1).ravel() },
  hstack: { fn: (a, b) => M.hstack([a, b]) },
  "hstack 1-D": { fn: (a, b, c) => M.hstack([a, b, c]) },
  vstack: { fn: (a, b) => M.vstack([a, b]) },
  rowStack: { fn: (a, b) => M.rowStack([a, b]) },
  dstack: { fn: (a, b) => M.dstack([a, b]) },
  "dstack 1-D": { fn: (a, b) => M.dstack([a, b]) },
  columnStack: { fn: (a, b, c) => M.columnStack([a, b, c]) },
  atleast1d: { fn: M.atleast1d },
  atleast2d: { fn: M.atleast2d },
  atleast3d: { fn: M.atleast3d },
  "atleast3d 1-D": { fn: M.atleast3d },
  hsplit: { fn: (x) => M.hsplit(x, 2) },
  "hsplit indices": { fn: (x) => x.hsplit([1, 3]) },
  "hsplit 1-D": { fn: (x) => x.hsplit(3) },
  vsplit: { fn: (x) => x.vsplit([2]) },
  dsplit: { fn: (x) => M.dsplit(x, 2) },
  "tensorSplit sections": { fn: (x) => M.tensorSplit(x, 3, 1) },
  "tensorSplit indices": { fn: (x) => x.tensorSplit(tensor([1, 4, 9], { dtype: "int32" }), -1) },
  "tensorSplit more sections than size": { fn: (x) => x.tensorSplit(4) },
  "tensorSplit decreasing indices": { fn: (x) => M.tensorSplit(x, [3, 1]) },
  fliplr: { fn: M.fliplr },
  flipud: { fn: (x) => x.flipud() },
  "diag 1-D": { fn: (x) => M.diag(x) },
  "diag 1-D offset": { fn: (x) => x.diag(2) },
  "diag 1-D negative offset": { fn: (x) => M.diag(x, -1) },
  "diag 2-D": { fn: (x) => x.diag() },
  "diag 2-D offset": { fn: (x) => M.diag(x, 1) },
  "diag 2-D negative offset": { fn: (x) => x.diag(-2) },
  "diag 2-D far offset": { fn: (x) => M.diag(x, 4) },
  "diag int32": { fn: (x) => M.diag(x) },
  diagonal: { fn: (x) => M.diagonal(x) },
  "diagonal offset dims": { fn: (x) => x.diagonal(1, 2, 0) },
  "diagonal negative offset": { fn: (x) => M.diagonal(x, -1, -1, -2) },
  diagEmbed: { fn: (x) => M.diagEmbed(x) },
  "diagEmbed offset dims": { fn: (x) => x.diagEmbed(1, 0, 2) },
  "diagEmbed negative offset": { fn: (x) => M.diagEmbed(x, -2, -1, -3) },
  diagflat: { fn: (x) => M.diagflat(x) },
  "diagflat offset": { fn: (x) => x.diagflat(-1) },
  trace: { fn: M.trace },
  "trace int32": { fn: (x) => x.trace() },
  "meshgrid ij": { fn: (a, b, c) => M.meshgrid(a, b, c, { indexing: "ij" }) },
  "meshgrid xy": { fn: (a, b, c) => M.meshgrid([a, b, c], { indexing: "xy" }) },
  "meshgrid xy 0-d": { fn: (a, b) => M.meshgrid(a, b, { indexing: "xy" }) },
  cartesianProd: { fn: (a, b) => M.cartesianProd(a, b) },
  "cartesianProd one": { fn: (a) => M.cartesianProd([a]) },
  combinations: { fn: (x) => M.combinations(x) },
  "combinations r=3": { fn: (x) => M.combinations(x, 3) },
  "combinations with replacement": { fn: (x) => M.combinations(x, { withReplacement: true }) },
  "combinations r > n": { fn: (x) => M.combinations(x, 4) },
  blockDiag: { fn: (a, b, c) => M.blockDiag(a, b, c) },
  "blockDiag promotes": { fn: (a, b) => M.blockDiag([a, b]) },
  "repeatInterleave int": { fn: (x) => M.repeatInterleave(x, 2) },
  "repeatInterleave int dim": { fn: (x) => x.repeatInterleave(3, 1) },
  "repeatInterleave tensor dim": { fn: (x, r) => M.repeatInterleave(x, r, 0) },
  "repeatInterleave tensor flat": { fn: (x, r) => x.repeatInterleave(r, { outputSize: 4 }) },
  "repeatInterleave one repeat": { fn: (x, r) => M.repeatInterleave(x, r, { dim: -1 }) },
  "repeatInterleave indices": { fn: (r) => M.repeatInterleave(r) },
  unflatten: { fn: (x) => M.unflatten(x, 1, [2, -1]) },
  trilIndices: { fn: () => M.trilIndices(4, 3) },
  "trilIndices offset": { fn: () => M.trilIndices(3, 5, 1) },
  "trilIndices negative offset": { fn: () => M.trilIndices(4, 4, { offset: -2 }) },
  triuIndices: { fn: () => M.triuIndices(4, 3) },
  "triuIndices offset": { fn: () => M.triuIndices(3, 5, 2) },
  "triuIndices negative offset": { fn: () => M.triuIndices(4, 4, -1) },
};

runTable("torch shape functions match torch 1.13", "fns/shape.json", table);

test("shape: errors name the function, the shapes and what was expected", () => {
  const x = zeros(3, 4);
  assert.throws(() => M.broadcastTensors(zeros(3), zeros(4)), /broadcastTensors.*\[3\].*\[4\]/);
  assert.throws(() => M.roll(x, [1, 2], [0]), /roll: shifts \[1,2\] and dims \[0\] must have the same length/);
  assert.throws(() => M.roll(x, [1, 2]), /roll: without dims, shifts must be one number/);
  assert.throws(() => M.rot90(zeros(3)), /rot90: expected a tensor with at least 2 dims, got shape \[3\]/);
  assert.throws(() => M.rot90(x, 1, [0, 0]), /rot90: the two dims must differ/);
  assert.throws(() => M.rot90(x, { k: 1, dim: [0, 1] } as never), /rot90: unknown option 'dim' \(did you mean 'dims'\?\)/);
  assert.throws(() => M.movedim(x, [0, 1], [1]), /movedim: source \[0,1\] and destination \[1\] must have the same length/);
  assert.throws(() => M.movedim(x, 2, 0), /movedim: dim 2 is out of range/);
  assert.throws(() => M.hsplit(x, 3), /hsplit: cannot split dim 1 of \[3,4\] \(size 4\) into 3 equal parts/);
  assert.throws(() => M.vsplit(zeros(4), 2), /vsplit: expected a tensor with at least 2 dims, got shape \[4\]/);
  assert.throws(() => M.tensorSplit(x, 0), /tensorSplit: the number of sections must be a positive integer, got 0/);
  assert.throws(() => M.diag(zeros(2, 2, 2)), /diag: expected a 1-D or 2-D tensor, got shape \[2,2,2\]/);
  assert.throws(() => M.diagonal(x, 0, 1, -1), /diagonal: dim1 and dim2 must differ/);
  assert.throws(() => M.trace(zeros(3)), /trace: expected a 2-D tensor, got shape \[3\]/);
  assert.throws(() => M.meshgrid(zeros(2, 2)), /meshgrid: expected 0-D or 1-D tensors, got shape \[2,2\]/);
  assert.throws(() => M.meshgrid(zeros(2), { indexing: "xyz" as never }), /meshgrid: indexing must be 'ij' or 'xy'/);
  assert.throws(() => M.meshgrid(zeros(2), tensor([1, 2], { dtype: "int32" })), /meshgrid: expected tensors of one dtype, got float32 and int32/);
  assert.throws(() => M.combinations(x), /combinations: expected a 1-D tensor, got shape \[3,4\]/);
  assert.throws(() => M.combinations(zeros(3), { with_replacement: true } as never), /did you mean 'withReplacement'/);
  assert.throws(() => M.blockDiag(zeros(1, 1, 1)), /blockDiag: input tensors must have 2 or fewer dims; input 0 has shape \[1,1,1\]/);
  assert.throws(() => M.repeatInterleave(x, tensor([1, 2], { dtype: "int32" }), 0), /repeatInterleave: 2 repeats for a dim of size 3/);
  assert.throws(() => M.repeatInterleave(x, 2, { outputSize: 5 }), /repeatInterleave: outputSize 5 differs from the repeats' total 24/);
  assert.throws(() => M.repeatInterleave(x, -1), /repeatInterleave: repeats must be a non-negative integer/);
  assert.throws(() => M.trilIndices(-1, 2), /trilIndices: row must be a non-negative integer/);
});
