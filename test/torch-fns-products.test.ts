// Products of the torch catalogue (src/composites/products.ts) against torch 1.13
// (tools/fixtures/torch_fns_products.py) on both backends, float64 gradchecks, and their errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  addbmm, addcdiv, addcmul, addmm, addmv, addr, baddbmm, cdist, chainMatmul, dist, ger, inner, kron, linalg, matrixPower, mv, outer, pdist,
  tensor, tensordot, vdot, zeros,
} from "../src/index.js";
import { runCases, type FnRow } from "./torch-fns-cases.js";

const table: Record<string, FnRow> = {
  outer: { fn: (a, b) => outer(a, b) },
  ger: { fn: (a, b) => ger(a, b) },
  inner_1d: { fn: (a, b) => inner(a, b) },
  inner_nd: { fn: (a, b) => a.inner(b) },
  inner_scalar: { fn: (a, b) => inner(a, b) },
  kron_2d: { fn: (a, b) => kron(a, b) },
  kron_mixed: { fn: (a, b) => a.kron(b) },
  tensordot_int: { fn: (a, b) => tensordot(a, b, 2) },
  tensordot_lists: { fn: (a, b) => tensordot(a, b, { dims: [[1, 0], [0, 1]] }) },
  tensordot_zero: { fn: (a, b) => tensordot(a, b, 0) },
  mv: { fn: (m, v) => mv(m, v) },
  addmm: { fn: (i, a, b) => addmm(i, a, b) },
  addmm_beta_alpha_bcast: { fn: (i, a, b) => i.addmm(a, b, { beta: 0.5, alpha: -2 }) },
  addmm_beta0_nan: { fn: (i, a, b) => addmm(i, a, b, { beta: 0 }), gradcheck: false },
  addmv: { fn: (i, m, v) => addmv(i, m, v, { beta: 2, alpha: 0.5 }) },
  addr: { fn: (i, a, b) => i.addr(a, b, { alpha: 3 }) },
  addbmm: { fn: (i, a, b) => addbmm(i, a, b, { beta: 0.25, alpha: 1.5 }) },
  baddbmm: { fn: (i, a, b) => baddbmm(i, a, b, { alpha: 0.5 }) },
  baddbmm_bcast: { fn: (i, a, b) => i.baddbmm(a, b) },
  addcmul: { fn: (i, a, b) => addcmul(i, a, b, { value: 0.3 }) },
  addcdiv: { fn: (i, a, b) => i.addcdiv(a, b, { value: -2 }) },
  vdot: { fn: (a, b) => vdot(a, b) },
  chain_matmul: { fn: (a, b, c) => chainMatmul(a, b, c) },
  multi_dot_vectors: { fn: (a, b, c, d) => linalg.multiDot([a, b, c, d]) },
  matrix_power_3: { fn: (a) => matrixPower(a, 3) },
  matrix_power_0_batch: { fn: (a) => a.matrixPower(0) },
  matrix_power_neg2: { fn: (a) => linalg.matrixPower(a, -2) },
  cdist_p2_mm: { fn: (a, b) => cdist(a, b) },
  cdist_p2_mm_forced: { fn: (a, b) => cdist(a, b, 2, "use_mm_for_euclid_dist") },
  cdist_p2_no_mm: { fn: (a, b) => cdist(a, b, { computeMode: "donot_use_mm_for_euclid_dist" }) },
  cdist_p2_small: { fn: (a, b) => cdist(a, b, 2) },
  cdist_p1: { fn: (a, b) => cdist(a, b, 1) },
  cdist_p3_bcast: { fn: (a, b) => cdist(a, b, { p: 3 }) },
  cdist_pinf: { fn: (a, b) => cdist(a, b, Infinity) },
  cdist_p0: { fn: (a, b) => cdist(a, b, 0), gradcheck: false },
  cdist_zero_dist: { fn: (a, b) => cdist(a, b), gradcheck: false },
  cdist_zero_dist_mm: { fn: (a, b) => cdist(a, b, 2, "use_mm_for_euclid_dist"), gradcheck: false },
  pdist: { fn: (a) => pdist(a) },
  pdist_p1: { fn: (a) => pdist(a, 1) },
  dist: { fn: (a, b) => dist(a, b) },
  dist_p3: { fn: (a, b) => a.dist(b, 3) },
  dist_pinf: { fn: (a, b) => dist(a, b, { p: Infinity }) },
};

describe("torch products match torch 1.13", () => {
  runCases("torch-fns/products.json", table);

  it("Tensor methods are the functions", () => {
    assert.deepEqual(tensor([1, 2]).ger(tensor([3])).toArray(), [[3], [6]]);
    assert.deepEqual(tensor([1, 2]).outer(tensor([3])).toArray(), [[3], [6]]);
    assert.deepEqual(tensor([[1, 2], [3, 4]]).mv(tensor([1, 1])).toArray(), [3, 7]);
    assert.equal(tensor([1, 2]).vdot(tensor([3, 4])).item(), 11);
  });

  it("errors name the function and the shapes", () => {
    assert.throws(() => outer(zeros([2, 2]), zeros([2])), /outer: input must be 1-D, got \[2,2\]/);
    assert.throws(() => inner(zeros([2, 3]), zeros([2])), /inner: the last dims of \[2,3\] and \[2\] must match/);
    assert.throws(() => tensordot(zeros([2, 3]), zeros([4, 3]), 1), /tensordot: contracted dim 1 of \[2,3\] \(size 3\) and dim 0 of \[4,3\] \(size 4\) differ/);
    assert.throws(() => tensordot(zeros([2]), zeros([2]), 3), /tensordot: dims = 3 must be an integer in 0..1/);
    assert.throws(() => mv(zeros([2, 3]), zeros([2])), /matmul: cannot multiply \[2,3\] by \[2\]/);
    assert.throws(() => addmm(zeros([4, 4]), zeros([2, 3]), zeros([3, 2])), /addmm: (input \[4,4\] must broadcast|shapes)/);
    assert.throws(() => baddbmm(zeros([2, 2]), zeros([2, 2, 2]), zeros([3, 2, 2])), /baddbmm: batch1 and batch2 must be 3-D with equal batch sizes, got \[2,2,2\] and \[3,2,2\]/);
    assert.throws(() => addcdiv(zeros([2]), tensor([1, 2], { dtype: "int32" }), tensor([1, 2], { dtype: "int32" })), /addcdiv: integer division/);
    assert.throws(() => vdot(zeros([2]), zeros([3])), /vdot: expected two 1-D tensors of equal length, got \[2\] and \[3\]/);
    assert.throws(() => chainMatmul(zeros([2, 3]), zeros([2, 3])), /linalg.multiDot: tensor 0 and tensor 1 cannot be multiplied: \[2,3\] and \[2,3\]/);
    assert.throws(() => linalg.multiDot([zeros([2])]), /linalg.multiDot: expects at least 2 tensors/);
    assert.throws(() => matrixPower(zeros([2, 3]), 2), /matrixPower: expects square matrices \[..., n, n\], got \[2,3\]/);
    assert.throws(() => matrixPower(zeros([2, 2]), -1), /linalg.inv: the input matrix is singular/);
    assert.throws(() => cdist(zeros([2, 3]), zeros([2, 4])), /cdist: x1 \[2,3\] and x2 \[2,4\] must be/);
    assert.throws(() => cdist(zeros([2, 3]), zeros([2, 3]), -1), /cdist: p must be non-negative, got -1/);
    assert.throws(() => cdist(zeros([2, 3]), zeros([2, 3]), 2, "fast" as never), /cdist: computeMode must be one of/);
    assert.throws(() => pdist(zeros([2, 2, 2])), /pdist: input must be 2-D, got \[2,2,2\]/);
  });

  it("every function with options rejects an unknown option, naming itself", () => {
    const m = zeros([2, 2]), b = zeros([1, 2, 2]), v = zeros([2]), bogus = { bogusOption: 1 } as never;
    const calls: [string, () => unknown][] = [
      ["tensordot", () => tensordot(m, m, bogus)], ["addmm", () => addmm(m, m, m, bogus)], ["addmv", () => addmv(v, m, v, bogus)],
      ["addr", () => addr(m, v, v, bogus)], ["addbmm", () => addbmm(m, b, b, bogus)], ["baddbmm", () => baddbmm(b, b, b, bogus)],
      ["addcmul", () => addcmul(m, m, m, bogus)], ["addcdiv", () => addcdiv(m, m, m, bogus)], ["cdist", () => cdist(m, m, bogus)],
      ["pdist", () => pdist(m, bogus)], ["dist", () => dist(m, m, bogus)],
    ];
    for (const [name, call] of calls) assert.throws(call, new RegExp(`^TypeError: ${name}: unknown option 'bogusOption'`), name);
  });
});
