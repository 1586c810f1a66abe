// torch.linalg and the top-level linear algebra of the torch catalogue (src/composites/linalg*.ts)
// against torch 1.13 (tools/fixtures/torch_fns_linalg.py) on both backends; float64 gradchecks;
// invariants of the decompositions (A = QR, QᵀQ = I, A V = V Λ, A = U S Vh, sign conventions); errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { cholesky, cross, det, eye, inverse, linalg, logdet, matmul, pinverse, qr, randn, svd, tensor, zeros, type Tensor } from "../src/index.js";
import { closeMismatch, gradcheck } from "../src/testing/index.js";
import { runCases, type FnRow } from "./torch-fns-cases.js";
import { listBackends } from "../src/index.js";
import { on } from "./helpers.js";

// float32 factorizations differ from LAPACK's in their operation order: errors of a few ulps times
// the condition number (inputs are well-conditioned)
const f32 = { tol: { atol: 1e-4, rtol: 1e-4 } };
// functions of a symmetric matrix read one triangle and return torch's symmetrized gradient: they are
// gradchecked below through a symmetric parametrization instead of on the raw fixture input
const sym = { ...f32, gradcheck: false };
const sq = (ts: Tensor[], which: number[]): Tensor[] => ts.map((t, i) => (which.includes(i) ? t.square() : t));
const table: Record<string, FnRow> = {
  det: { fn: (a) => linalg.det(a), ...f32 },
  det_batch_pivot: { fn: (a) => det(a), ...f32 },
  // torch 1.13 gives 0 for the gradient of an exactly singular matrix's det (and fails its own
  // gradcheck there); the LU composite gives the adjugate, which the gradcheck confirms
  det_singular: { fn: (a) => a.det(), ...f32, grads: false, gradcheck: true },
  slogdet: { fn: (a) => linalg.slogdet(a), ...f32 },
  logdet: { fn: (a) => logdet(a), ...f32 },
  logdet_negative: { fn: (a) => a.logdet() },
  inv: { fn: (a) => linalg.inv(a), ...f32 },
  inverse: { fn: (a) => inverse(a), ...f32 },
  solve: { fn: (a, b) => linalg.solve(a, b), ...f32 },
  solve_vector_batch: { fn: (a, b) => linalg.solve(a, b), ...f32 },
  solve_right: { fn: (a, b) => linalg.solve(a, b, { left: false }), ...f32 },
  cholesky: { fn: (a) => linalg.cholesky(a), ...sym },
  cholesky_upper_batch: { fn: (a) => linalg.cholesky(a, { upper: true }), ...sym },
  cholesky_torch_upper: { fn: (a) => cholesky(a, true), ...sym },
  qr_reduced: { fn: (a) => linalg.qr(a), ...f32 },
  qr_complete_square: { fn: (a) => linalg.qr(a, "complete"), ...f32 },
  qr_complete_tall: { fn: (a) => linalg.qr(a, { mode: "complete" }), ...f32 },
  qr_complete_wide: { fn: (a) => linalg.qr(a, "complete"), ...f32 },
  qr_r: { fn: (a) => linalg.qr(a, "r"), ...f32 },
  qr_torch_some_false: { fn: (a) => qr(a, false), ...f32 },
  eigh: { fn: (a) => sq(linalg.eigh(a), [1]), ...sym },
  eigh_upper_batch: { fn: (a) => sq(linalg.eigh(a, { UPLO: "U" }), [1]), ...sym },
  eigvalsh: { fn: (a) => linalg.eigvalsh(a), ...sym },
  svd_reduced: { fn: (a) => sq(linalg.svd(a, false), [0, 2]), ...f32 },
  svd_reduced_wide_batch: { fn: (a) => sq(linalg.svd(a, { fullMatrices: false }), [0, 2]), ...f32 },
  svd_full_square: { fn: (a) => sq(linalg.svd(a), [0, 2]), ...f32 },
  svd_full_tall_values: { fn: (a) => linalg.svd(a)[1], ...f32 },
  svd_torch: { fn: (a) => sq(svd(a), [0, 2]), ...f32 },
  svdvals: { fn: (a) => linalg.svdvals(a), ...f32 },
  pinv: { fn: (a) => linalg.pinv(a), ...f32 },
  pinv_wide: { fn: (a) => linalg.pinv(a), ...f32 },
  pinv_rank_deficient: { fn: (a) => linalg.pinv(a), ...f32 },
  pinv_hermitian: { fn: (a) => linalg.pinv(a, { hermitian: true }), ...sym },
  pinverse: { fn: (a) => pinverse(a), ...f32 },
  matrix_rank: { fn: (a) => linalg.matrixRank(a) },
  matrix_rank_atol: { fn: (a) => linalg.matrixRank(a, { atol: 0.1 }) },
  matrix_rank_rtol: { fn: (a) => linalg.matrixRank(a, { rtol: 0.5 }) },
  matrix_rank_hermitian: { fn: (a) => linalg.matrixRank(a, { hermitian: true }) },
  vector_norm: { fn: (x) => linalg.vectorNorm(x) },
  vector_norm_ord1_dim: { fn: (x) => linalg.vectorNorm(x, 1, 1) },
  vector_norm_inf_keepdim: { fn: (x) => linalg.vectorNorm(x, Infinity, 0, true) },
  vector_norm_neginf: { fn: (x) => linalg.vectorNorm(x, { ord: -Infinity, dim: 1 }) },
  vector_norm_0: { fn: (x) => linalg.vectorNorm(x, 0, 1) },
  vector_norm_3_dims: { fn: (x) => linalg.vectorNorm(x, 3, [0, 2]) },
  matrix_norm_fro: { fn: (x) => linalg.matrixNorm(x) },
  matrix_norm_nuc: { fn: (x) => linalg.matrixNorm(x, "nuc"), ...f32 },
  matrix_norm_1: { fn: (x) => linalg.matrixNorm(x, 1) },
  matrix_norm_m1: { fn: (x) => linalg.matrixNorm(x, -1) },
  matrix_norm_inf: { fn: (x) => linalg.matrixNorm(x, Infinity) },
  matrix_norm_minf: { fn: (x) => linalg.matrixNorm(x, -Infinity) },
  matrix_norm_2: { fn: (x) => linalg.matrixNorm(x, 2), ...f32 },
  matrix_norm_m2: { fn: (x) => linalg.matrixNorm(x, -2), ...f32 },
  matrix_norm_dims_keepdim: { fn: (x) => linalg.matrixNorm(x, 1, [0, 2], true) },
  norm_default: { fn: (x) => linalg.norm(x) },
  norm_matrix_ord: { fn: (x) => linalg.norm(x, Infinity) },
  norm_dim: { fn: (x) => linalg.norm(x, 3, 1) },
  norm_matrix_dims: { fn: (x) => linalg.norm(x, "nuc", [1, 2]), ...f32 },
  cross: { fn: (a, b) => linalg.cross(a, b) },
  cross_bcast_dim: { fn: (a, b) => linalg.cross(a, b, { dim: 0 }) },
  cross_torch_default_dim: { fn: (a, b) => cross(a, b) },
  lu_factor: { fn: (a) => linalg.luFactor(a), ...f32 },
  lu: { fn: (a) => linalg.lu(a), ...f32 },
  solve_triangular_upper: { fn: (a, b) => linalg.solveTriangular(a, b, { upper: true }), ...f32 },
  solve_triangular_lower_unit_batch: { fn: (a, b) => linalg.solveTriangular(a, b, { upper: false, unitriangular: true }), ...f32 },
  solve_triangular_right: { fn: (a, b) => linalg.solveTriangular(a, b, { upper: false, left: false }), ...f32 },
  lu_solve: { fn: (lu, p, b) => linalg.luSolve(lu, p, b), ...f32 },
  lu_solve_adjoint: { fn: (lu, p, b) => linalg.luSolve(lu, p, b, { adjoint: true }), ...f32 },
  lu_solve_right: { fn: (lu, p, b) => linalg.luSolve(lu, p, b, { left: false }), ...f32 },
  cond_default: { fn: (a) => linalg.cond(a), ...f32 },
  cond_fro: { gradcheck: true, fn: (a) => linalg.cond(a, "fro"), ...f32 },
  cond_1: { gradcheck: true, fn: (a) => linalg.cond(a, 1), ...f32 },
  cond_inf: { gradcheck: true, fn: (a) => linalg.cond(a, { p: Infinity }), ...f32 },
  cond_m2: { fn: (a) => linalg.cond(a, -2), ...f32 },
  cond_nuc: { gradcheck: true, fn: (a) => linalg.cond(a, "nuc"), ...f32 },
  lstsq_tall: { fn: (a, b) => linalg.lstsq(a, b), ...f32 },
  lstsq_wide_batch: { fn: (a, b) => linalg.lstsq(a, b), ...f32 },
  lstsq_rank_deficient_rcond: { fn: (a, b) => linalg.lstsq(a, b, 1e-3), ...f32 },
  vecdot: { fn: (a, b) => linalg.vecdot(a, b) },
  vecdot_dim0: { fn: (a, b) => linalg.vecdot(a, b, { dim: 0 }) },
};

const close = (a: Tensor, b: Tensor | number[], tol = 1e-10): void => {
  const bad = closeMismatch(a, b instanceof Array ? b : b, { atol: tol, rtol: 0 });
  assert.equal(bad, null, bad ?? "");
};

describe("torch.linalg matches torch 1.13", () => {
  runCases("torch-fns/linalg.json", table);

  for (const device of listBackends())
    it(`${device}: decomposition invariants (float64, batched)`, () => on(device, () => {
      const a = randn([2, 5, 3], { dtype: "float64" });
      const [q, r] = linalg.qr(a);
      close(matmul(q, r), a);
      close(matmul(q.mT, q), eye(3, { dtype: "float64" }).expand(2, 3, 3));
      close(r, r.triu());
      const s = matmul(a.mT, a);
      const [w, v] = linalg.eigh(s);
      close(matmul(s, v), v.mul(w.unsqueeze(-2)));
      close(matmul(v.mT, v), eye(3, { dtype: "float64" }).expand(2, 3, 3));
      assert.ok([...w.dataSync()].every((x, i, all) => i % 3 === 0 || x >= all[i - 1]!), "eigenvalues ascend");
      const [u, sv, vh] = linalg.svd(a);
      assert.deepEqual(u.shape, [2, 5, 5]);
      close(matmul(u.narrow(-1, 0, 3).mul(sv.unsqueeze(-2)), vh), a);
      close(matmul(u.mT, u), eye(5, { dtype: "float64" }).expand(2, 5, 5));
      close(sv.square(), w.flip(-1), 1e-9);
      const l = linalg.cholesky(s);
      close(matmul(l, l.mT), s, 1e-9);
      const [p, lo, up] = linalg.lu(s);
      close(matmul(p, matmul(lo, up)), s, 1e-9);
      close(matmul(linalg.pinv(a), a), eye(3, { dtype: "float64" }).expand(2, 3, 3), 1e-9);
    }));

  it("Householder QR keeps LAPACK's signs: R's diagonal is −sign(a₁₁)·‖a₁‖ in the first column", () => {
    const [, r] = linalg.qr(tensor([[3, 1], [4, 2]], { dtype: "float64" }));
    close(r, [-5, -2.2, 0, 0.4], 1e-12);
    const [q2, r2] = linalg.qr(eye(3, { dtype: "float64" })); // nothing to reflect: Q = R = I, as LAPACK
    close(q2, eye(3, { dtype: "float64" }));
    close(r2, eye(3, { dtype: "float64" }));
  });

  it("eigh and svd gradients: gradcheck of their vectors, refused for repeated values", () => {
    const x = randn([3, 3], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((t) => linalg.eigh(t.add(t.mT)), [x]));
    assert.ok(gradcheck((t) => linalg.svd(t, false), [randn([4, 3], { dtype: "float64", requiresGrad: true })]));
    assert.ok(gradcheck((t) => linalg.svd(t, false), [randn([2, 4], { dtype: "float64", requiresGrad: true })]));
    const s = (t: Tensor): Tensor => matmul(t, t.mT).add(eye(3, { dtype: "float64" }));
    assert.ok(gradcheck((t) => linalg.cholesky(s(t)), [x]));
    assert.ok(gradcheck((t) => linalg.cholesky(s(t), { upper: true }), [x]));
    assert.ok(gradcheck((t) => linalg.eigvalsh(s(t), { UPLO: "U" }), [x]));
    assert.ok(gradcheck((t) => linalg.pinv(s(t), { hermitian: true }), [x]));
    const i3 = eye(3, { dtype: "float64" });
    i3.requiresGrad = true;
    assert.throws(() => linalg.eigh(i3), /linalg.eigh: the gradient is not supported for repeated eigenvalues/);
    assert.doesNotThrow(() => linalg.eigvalsh(i3));
    assert.throws(() => linalg.svd(randn([4, 2], { dtype: "float64", requiresGrad: true })), /fullMatrices = true for a non-square input \[4,2\]/);
    const rankOne = tensor([[1, 2], [2, 4], [0, 0]], { dtype: "float64", requiresGrad: true });
    assert.throws(() => linalg.pinv(rankOne), /linalg.pinv: the gradient is not supported for a rank-deficient input \[3,2\]/);
  });

  it("errors name the function and the shapes", () => {
    assert.throws(() => linalg.det(zeros([2, 3])), /linalg.det: expects a batch of square matrices \[..., n, n\], got \[2,3\]/);
    assert.throws(() => linalg.inv(zeros([3, 3])), /linalg.inv: the input matrix is singular \(U\[0\]\[0\] = 0\)/);
    assert.throws(() => linalg.solve(eye(3), zeros([2, 2])), /linalg.solve: A \[3,3\] and B \[2,2\] do not fit: B needs 3 rows/);
    assert.throws(() => linalg.det(zeros([2, 2], { dtype: "int32" })), /linalg.det: expected a floating-point tensor, got int32/);
    assert.throws(() => linalg.cholesky(tensor([[1, 2], [2, 1]])), /linalg.cholesky: the input is not positive-definite \(the leading minor of order 2 is not positive-definite\)/);
    assert.throws(() => linalg.qr(zeros([3])), /linalg.qr: expects a batch of matrices \[..., m, n\], got \[3\]/);
    assert.throws(() => linalg.qr(zeros([3, 3]), "economic" as never), /linalg.qr: mode must be 'reduced', 'complete' or 'r', got 'economic'/);
    assert.throws(() => linalg.eigh(zeros([3, 3]), { UPLO: "X" as never }), /linalg.eigh: UPLO must be 'L' or 'U'/);
    assert.throws(() => linalg.matrixNorm(zeros([3, 3]), 3), /linalg.matrixNorm: ord must be 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity, got 3/);
    assert.throws(() => linalg.norm(zeros([2, 2, 2]), 2), /linalg.norm: with ord and no dim the input must be 1-D or 2-D, got \[2,2,2\]/);
    assert.throws(() => linalg.vectorNorm(zeros([2], { dtype: "int32" })), /linalg.vectorNorm: expected a floating-point tensor, got int32/);
    assert.throws(() => linalg.cross(zeros([2, 4]), zeros([2, 4])), /linalg.cross: dim -1 of \[2,4\] and \[2,4\] must have size 3/);
    assert.throws(() => cross(zeros([2, 4]), zeros([2, 4])), /cross: no dimension of size 3 in \[2,4\] and \[2,4\]/);
    assert.throws(() => linalg.luFactor(eye(2), { pivot: false }), /LU without pivoting is not supported/);
    assert.throws(() => linalg.solveTriangular(eye(2), zeros([2, 1]), {} as never), /linalg.solveTriangular: the option 'upper' \(true or false\) is required/);
    assert.throws(() => linalg.solveTriangular(eye(2), zeros([3, 1]), { upper: true }), /linalg.solveTriangular: A \[2,2\] and B \[3,1\] do not fit: B needs 2 rows/);
    assert.throws(() => linalg.luSolve(eye(2), zeros([2]), zeros([2, 1])), /linalg.luSolve: pivots must be int32 of shape \[2\], got float32 \[2\]/);
    assert.throws(() => linalg.vecdot(zeros([2, 3]), zeros([2, 4])), /linalg.vecdot/);
    assert.throws(() => linalg.lstsq(zeros([3, 2]), zeros([2, 1])), /linalg.lstsq: A \[3,2\] and B \[2,1\] must be/);
    assert.throws(() => linalg.lstsq(eye(2), eye(2), { driver: "gelsd" }), /only the driver 'gelsy'/);
  });

  it("every function with options rejects an unknown option, naming itself", () => {
    const m = eye(2), bogus = { bogusOption: 1 } as never;
    const calls: [string, () => unknown][] = [
      ["linalg.solve", () => linalg.solve(m, m, bogus)], ["linalg.cholesky", () => linalg.cholesky(m, bogus)], ["linalg.qr", () => linalg.qr(m, bogus)],
      ["linalg.eigh", () => linalg.eigh(m, bogus)], ["linalg.eigvalsh", () => linalg.eigvalsh(m, bogus)], ["linalg.svd", () => linalg.svd(m, bogus)],
      ["linalg.pinv", () => linalg.pinv(m, bogus)], ["linalg.matrixRank", () => linalg.matrixRank(m, bogus)], ["linalg.vectorNorm", () => linalg.vectorNorm(m, bogus)],
      ["linalg.matrixNorm", () => linalg.matrixNorm(m, bogus)], ["linalg.norm", () => linalg.norm(m, bogus)], ["linalg.cross", () => linalg.cross(m, m, bogus)],
      ["linalg.luFactor", () => linalg.luFactor(m, bogus)], ["linalg.luSolve", () => linalg.luSolve(m, tensor([1, 2], { dtype: "int32" }), m, bogus)],
      ["linalg.solveTriangular", () => linalg.solveTriangular(m, m, { upper: true, ...(bogus as object) })], ["linalg.vecdot", () => linalg.vecdot(m, m, bogus)],
      ["linalg.cond", () => linalg.cond(m, bogus)], ["linalg.lstsq", () => linalg.lstsq(m, m, bogus)], ["linalg.lu", () => linalg.lu(m, bogus)], ["cholesky", () => cholesky(m, bogus)],
      ["qr", () => qr(m, bogus)], ["svd", () => svd(m, bogus)], ["pinverse", () => pinverse(m, bogus)], ["cross", () => cross(m, m, bogus)],
    ];
    for (const [name, call] of calls) assert.throws(call, new RegExp(`^TypeError: ${name.replace(".", "\\.")}: unknown option 'bogusOption'`), name);
  });
});
