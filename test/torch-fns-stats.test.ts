// Reductions and statistics of the torch catalogue (src/composites/stats.ts, scans.ts, counting.ts)
// against torch 1.13 (tools/fixtures/torch_fns_stats.py) on both backends, float64 gradchecks, errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  aminmax, bincount, bucketize, corrcoef, countNonzero, cov, cummax, cummin, cumulativeTrapezoid, diff, histc, kthvalue, logcumsumexp,
  median, mode, nanmean, nanmedian, nanquantile, nansum, quantile, searchsorted, stdMean, tensor, trapezoid, trapz, unique, uniqueConsecutive,
  varMean, zeros, type QuantileInterpolation,
} from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { runCases, type FnRow } from "./torch-fns-cases.js";

const noCheck = { gradcheck: false } as const;
const table: Record<string, FnRow> = {
  median_all: { fn: (x) => median(x) },
  median_all_even: { fn: (x) => median(x) },
  median_all_ties: { fn: (x) => median(x), gradcheck: false },
  median_all_nan: { fn: (x) => median(x), ...noCheck },
  median_dim: { fn: (x) => median(x, 1) },
  median_dim0_keepdim: { fn: (x) => x.median(0, true) },
  median_dim_nan: { fn: (x) => median(x, 1), ...noCheck },
  nanmedian_all: { fn: (x) => nanmedian(x), ...noCheck },
  nanmedian_dim: { fn: (x) => nanmedian(x, { dim: 1 }), ...noCheck },
  kthvalue: { fn: (x) => kthvalue(x, 2, 1) },
  kthvalue_dim0_keepdim: { fn: (x) => x.kthvalue(3, 0, true) },
  mode: { fn: (x) => mode(x), gradcheck: false },
  mode_dim0: { fn: (x) => x.mode(0), gradcheck: false },
  quantile_all: { fn: (x) => quantile(x, 0.75) },
  quantile_all_keepdim: { fn: (x, q) => quantile(x, q, { keepdim: true }) },
  // q sits exactly on the rounding boundaries, where a numerical derivative jumps
  quantile_nearest_half_even: { fn: (x, q) => quantile(x, q, 1, { interpolation: "nearest" }), gradcheck: false },
  quantile_nan: { fn: (x) => quantile(x, 0.4, 1), ...noCheck },
  nanquantile: { fn: (x, q) => nanquantile(x, q, 1), ...noCheck },
  nanquantile_all: { fn: (x) => x.nanquantile(0.6), ...noCheck },
  nansum_dim: { fn: (x) => nansum(x, 1), ...noCheck },
  nansum_all: { fn: (x) => x.nansum(), ...noCheck },
  nanmean_dim0: { fn: (x) => nanmean(x, 0), ...noCheck },
  nanmean_all: { fn: (x) => x.nanmean(), ...noCheck },
  var_mean_dim: { fn: (x) => varMean(x, 1) },
  var_mean_corr0_keepdim: { fn: (x) => varMean(x, 0, { correction: 0, keepdim: true }) },
  var_mean_all: { fn: (x) => varMean(x) },
  std_mean_dim: { fn: (x) => stdMean(x, 1, false) },
  std_mean_all: { fn: (x) => stdMean(x) },
  aminmax_all: { fn: (x) => aminmax(x) },
  aminmax_dim_keepdim: { fn: (x) => x.aminmax({ dim: 1, keepdim: true }) },
  count_nonzero: { fn: (x) => countNonzero(x, 1) },
  count_nonzero_all: { fn: (x) => x.countNonzero() },
  count_nonzero_dims: { fn: (x) => countNonzero(x, [0, 2]) },
  cov: { fn: (x) => cov(x) },
  cov_correction0: { fn: (x) => x.cov({ correction: 0 }) },
  cov_fweights: { fn: (x, f) => cov(x, { fweights: f }) },
  cov_aweights: { fn: (x, a) => cov(x, { aweights: a }) },
  cov_both_corr2: { fn: (x, f, a) => cov(x, { correction: 2, fweights: f, aweights: a }) },
  cov_1d: { fn: (x) => cov(x) },
  corrcoef: { fn: (x) => corrcoef(x) },
  cummax: { fn: (x) => cummax(x, 1), gradcheck: false },
  cummin: { fn: (x) => x.cummin(1), gradcheck: false },
  cummax_nan: { fn: (x) => cummax(x, 1), ...noCheck },
  cummin_nan: { fn: (x) => cummin(x, -1), ...noCheck },
  cummax_dim0: { fn: (x) => x.cummax(0) },
  logcumsumexp: { fn: (x) => logcumsumexp(x, 1) },
  logcumsumexp_dim0_wide: { fn: (x) => x.logcumsumexp(0), ...noCheck },
  diff: { fn: (x) => diff(x) },
  diff_n2_dim0: { fn: (x) => x.diff(2, 0) },
  diff_prepend_append: { fn: (x, p, a) => diff(x, 1, -1, p, a) },
  diff_bool: { fn: (x) => diff(x) },
  diff_n3: { fn: (x) => diff(x, { n: 3 }) },
  histc: { fn: (x) => histc(x, 5, -1, 1) },
  histc_data_range: { fn: (x) => x.histc({ bins: 10 }) },
  histc_edges: { fn: (x) => histc(x, 4, 0, 1) },
  bincount: { fn: (x) => bincount(x) },
  bincount_minlength: { fn: (x) => x.bincount({ minlength: 8 }) },
  bincount_weights: { fn: (x, w) => bincount(x, w) },
  bincount_weights_f64: { fn: (x, w) => bincount(x, w) },
  bucketize: { fn: (x, b) => bucketize(x, b) },
  bucketize_right: { fn: (x, b) => bucketize(x, b, { right: true }) },
  searchsorted_1d: { fn: (s, v) => searchsorted(s, v) },
  searchsorted_nd_right: { fn: (s, v) => searchsorted(s, v, { right: true }) },
  searchsorted_side: { fn: (s, v) => searchsorted(s, v, { side: "right" }) },
  searchsorted_sorter: { fn: (s, v, so) => searchsorted(s, v, { sorter: so }) },
  unique: { fn: (x) => unique(x) },
  unique_inverse_counts: { fn: (x) => unique(x, { returnInverse: true, returnCounts: true }) },
  unique_counts_float: { fn: (x) => x.unique(true, false, true) },
  unique_consecutive: { fn: (x) => uniqueConsecutive(x) },
  unique_consecutive_all: { fn: (x) => x.uniqueConsecutive(true, true) },
  unique_dim0: { fn: (x) => unique(x, { dim: 0, returnInverse: true, returnCounts: true }) },
  unique_dim1: { fn: (x) => x.unique(true, true, true, 1) },
  unique_dim_neg_3d: { fn: (x) => unique(x, { dim: -1, returnCounts: true }) },
  unique_dim_nan: { fn: (x) => unique(x, { dim: 0, returnInverse: true, returnCounts: true }) },
  unique_dim_bool: { fn: (x) => unique(x, { dim: 1, returnInverse: true }) },
  unique_dim_empty: { fn: (x) => unique(x, { dim: 0, returnInverse: true, returnCounts: true }) },
  unique_consecutive_dim1: { fn: (x) => uniqueConsecutive(x, true, true, 1) },
  unique_consecutive_dim0: { fn: (x) => x.uniqueConsecutive({ dim: 0 }) },
  unique_consecutive_dim_float: { fn: (x) => uniqueConsecutive(x, { returnCounts: true, dim: -1 }) },
  trapezoid: { fn: (y) => trapezoid(y) },
  trapezoid_x: { fn: (y, x) => trapezoid(y, x) },
  trapezoid_dx_dim0: { fn: (y) => trapezoid(y, { dx: 0.5, dim: 0 }) },
  trapezoid_x_full: { fn: (y, x) => trapezoid(y, x) },
  trapz: { fn: (y, x) => trapz(y, x) },
  cumulative_trapezoid: { fn: (y, x) => cumulativeTrapezoid(y, x) },
  cumulative_trapezoid_dx: { fn: (y) => cumulativeTrapezoid(y, { dx: 2, dim: 0 }) },
};
for (const i of ["linear", "lower", "higher", "midpoint", "nearest"] as QuantileInterpolation[]) {
  table[`quantile_${i}`] = { fn: (x) => quantile(x, 0.3, { dim: 1, interpolation: i }) };
  table[`quantile_q_${i}`] = { fn: (x, q) => x.quantile(q, 0, true, { interpolation: i }), gradcheck: i === "linear" };
}

describe("torch reductions and statistics match torch 1.13", () => {
  runCases("torch-fns/stats.json", table);

  it("aminmax and the global median are differentiable (gradcheck)", () => {
    const x = tensor([[0.3, -1.2, 2.5], [0.7, 1.1, -0.4]], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheckAll(x));
  });

  it("edge cases as torch 1.13 prints them", () => {
    const I = { dtype: "int32" } as const;
    assert.deepEqual(median(tensor([3, 1, 2, 4], I)).toArray(), 2);
    assert.deepEqual(median(tensor([[3, 1], [2, 4]], I), 1).map((t) => t.toArray()), [[1, 2], [1, 0]]);
    assert.deepEqual(searchsorted(tensor([1, 3, 5]), 3).toArray(), 1);
    assert.deepEqual(bucketize(3, tensor([1, 3, 5])).toArray(), 1);
    assert.deepEqual(unique(tensor([true, false, true])).toArray(), [false, true]);
    assert.deepEqual(diff(tensor([1, 2, 4]), 0).toArray(), [1, 2, 4]);
    assert.equal(trapezoid(tensor([2])).item(), 0);
    assert.deepEqual(kthvalue(tensor(3), 1).map((t) => t.toArray()), [3, 0]);
    assert.deepEqual(mode(tensor([1, 2, 2, 1])).map((t) => t.toArray()), [1, 3]);
    assert.deepEqual(quantile(tensor([1, 2, 3, 4]), tensor([0.5]), { keepdim: true }).toArray(), [[2.5]]);
    assert.equal(corrcoef(tensor([1, 2, 4])).item(), 1);
    assert.deepEqual(logcumsumexp(tensor([Infinity, Infinity, 1, -Infinity]), 0).toArray(), [Infinity, Infinity, Infinity, Infinity]);
    assert.deepEqual(logcumsumexp(tensor([-Infinity, -Infinity, 0]), 0).toArray(), [-Infinity, -Infinity, 0]);
    assert.throws(() => histc(tensor([NaN, 1]), 2), /histc: range of \[NaN, NaN\] is not finite/);
  });

  it("errors name the function and the shapes", () => {
    assert.throws(() => kthvalue(zeros([2, 3]), 4, 1), /kthvalue: k = 4 is out of range 1..3 for dim 1 of \[2,3\]/);
    assert.throws(() => median(zeros([2, 0]), 1), /median: cannot reduce over the empty dimension 1 of \[2,0\]/);
    assert.throws(() => median(zeros([0])), /median: the input \[0\] is empty/);
    assert.throws(() => quantile(zeros([3]), 1.5), /quantile: q must be in \[0, 1\], got 1.5/);
    assert.throws(() => quantile(zeros([3]), 0.5, { interpolation: "cubic" as QuantileInterpolation }), /interpolation must be/);
    assert.throws(() => quantile(zeros([3], { dtype: "int32" }), 0.5), /quantile: expected a floating-point tensor, got int32/);
    assert.throws(() => quantile(zeros([3]), tensor([0.5], { dtype: "float64" })), /q \(float64\) must have the input's dtype \(float32\)/);
    assert.throws(() => quantile(zeros([3]), 0.5, { key_dim: 1 } as never), /quantile: unknown option 'key_dim'/);
    assert.throws(() => cov(zeros([2, 2, 2])), /cov: expected a 1-D or 2-D input, got \[2,2,2\]/);
    assert.throws(() => cov(zeros([2, 3]), { fweights: tensor([1, 2], { dtype: "int32" }) }), /cov: fweights must be a 1-D tensor of 3 observations, got \[2\]/);
    assert.throws(() => diff(zeros([])), /diff: expects a tensor with at least 1 dimension/);
    assert.throws(() => diff(zeros([2, 3]), 1, 0, zeros([3])), /diff: prepend \[3\] must have as many dims as the input \[2,3\]/);
    assert.throws(() => histc(zeros([3]), 4, 2, 1), /histc: max \(1\) must be larger than min \(2\)/);
    assert.throws(() => bincount(zeros([3])), /bincount: expects a 1-D int tensor, got float32 \[3\]/);
    assert.throws(() => bincount(tensor([1, -1], { dtype: "int32" })), /non-negative/);
    assert.throws(() => searchsorted(zeros([2, 3]), zeros([3, 1])), /searchsorted: the leading dims of the sorted sequence \[2,3\] and the values \[3,1\] must match/);
    assert.throws(() => searchsorted(zeros([3]), zeros([2]), { side: "left", right: true }), /contradict/);
    assert.throws(() => bucketize(zeros([3]), zeros([2, 2])), /bucketize: boundaries must be 1-D, got \[2,2\]/);
    assert.throws(() => unique(zeros([]), { dim: 0 }), /unique: dim = 0 needs a tensor with at least 1 dimension, got a 0-d tensor/);
    assert.throws(() => unique(zeros([2, 3]), { dim: 2 }), /unique: dim 2 is out of range for a tensor with 2 dimensions/);
    assert.throws(() => uniqueConsecutive(zeros([2, 0]), { dim: 0 }), /uniqueConsecutive: the input \[2,0\] has a 0-sized dimension other than dim 0/);
    assert.throws(() => trapezoid(zeros([3, 4]), zeros([3])), /trapezoid: x \[3\] must have as many points as y \[3,4\] has along dim 1/);
    assert.throws(() => trapezoid(zeros([3]), zeros([3]), { dx: 1 }), /trapezoid: give either x or dx, not both/);
    assert.throws(() => aminmax(zeros([0])), /aminmax: cannot reduce the empty tensor \[0\]/);
  });

  it("every function with options rejects an unknown option, naming itself", () => {
    const x = zeros([2, 3]), i = tensor([0, 1], { dtype: "int32" }), bogus = { bogusOption: 1 } as never;
    const calls: [string, () => unknown][] = [
      ["median", () => median(x, bogus)], ["nanmedian", () => nanmedian(x, bogus)], ["kthvalue", () => kthvalue(x, 1, bogus)],
      ["mode", () => mode(x, bogus)], ["quantile", () => quantile(x, 0.5, bogus)], ["nanquantile", () => nanquantile(x, 0.5, bogus)],
      ["var", () => varMean(x, 0, bogus)], ["std", () => stdMean(x, 0, bogus)], ["aminmax", () => aminmax(x, bogus)], ["cov", () => cov(x, bogus)],
      ["diff", () => diff(x, bogus)], ["trapezoid", () => trapezoid(x, bogus)], ["cumulativeTrapezoid", () => cumulativeTrapezoid(x, bogus)],
      ["histc", () => histc(x, bogus)], ["bincount", () => bincount(i, bogus)], ["searchsorted", () => searchsorted(x, x, bogus)],
      ["bucketize", () => bucketize(x, zeros([2]), bogus)], ["unique", () => unique(x, bogus)], ["uniqueConsecutive", () => uniqueConsecutive(x, bogus)],
    ];
    for (const [name, call] of calls) assert.throws(call, new RegExp(`^TypeError: ${name}: unknown option 'bogusOption'`), name);
  });
});

function gradcheckAll(x: ReturnType<typeof tensor>): boolean {
  return gradcheck((t) => aminmax(t, { dim: 0 }), [x]) && gradcheck((t) => aminmax(t), [x]) && gradcheck((t) => median(t), [x]);
}
