// Order statistics and NaN-aware reductions with torch's names: median, nanmedian, kthvalue, mode,
// quantile, nanquantile, nansum, nanmean, varMean, stdMean, aminmax, countNonzero, cov, corrcoef.
// Selections sort (NaN last) and gather, so gradients flow to the selected elements, as in torch.

import { resolveArgs, type Args } from "../options.js";
import { fmtShape, normDim, normDims } from "../shape.js";
import { Tensor } from "../tensor.js";
import { cast, where } from "../ops/elementwise.js";
import { gather, indexSelect } from "../ops/indexing.js";
import { reshape, unsqueeze } from "../ops/movement.js";
import { amax, amin, mean, std, sum, variance, type Dims, type VarArgs } from "../ops/reduce.js";
import { sort } from "../ops/sorting.js";
import { dimLast, floatOnly, floatTensor, hostRows, int32Tensor, lastToDim } from "./common.js";
import { installMethods } from "./methods.js";

/** Options of the (values, indices) reductions: median/nanmedian/mode/kthvalue with a dim. */
export interface DimKeepOptions { dim?: number; keepdim?: boolean }
type DimKeepArgs = Args<[dim: number, keepdim: boolean], DimKeepOptions>;

/** Non-NaN count of a sorted row (NaN sorts last). */
function nonNanCount(data: Float64Array, r: number, n: number): number {
  let c = n;
  while (c > 0 && Number.isNaN(data[r * n + c - 1]!)) c--;
  return c;
}

/** [values, indices] at rank rankOf(nonNaN count, n) of each slice of x sorted along dim. */
function selectRanked(op: string, x: Tensor, dim: number, keepdim: boolean, rankOf: (c: number, n: number) => number): [Tensor, Tensor] {
  const d = normDim(op, dim, x.ndim);
  const src = x.ndim === 0 ? reshape(x, [1]) : x;
  if (src.shape[d] === 0) throw new Error(`${op}: cannot reduce over the empty dimension ${d} of ${fmtShape(x.shape)}`);
  const [sv, si] = sort(src, d);
  const v = dimLast(sv, d), i = dimLast(si, d);
  const { data, rows, n } = hostRows(v);
  const ranks = Array.from({ length: rows }, (_, r) => rankOf(nonNanCount(data, r, n), n));
  const idx = int32Tensor(x, ranks, [...v.shape.slice(0, -1), 1]);
  let values = lastToDim(gather(v, v.ndim - 1, idx), d), indices = lastToDim(gather(i, i.ndim - 1, idx), d);
  if (x.ndim === 0) return [reshape(values, []), reshape(indices, [])];
  if (!keepdim) [values, indices] = [values.squeeze(d), indices.squeeze(d)];
  return [values, indices];
}

/** The selected value of the flattened x, its gradient shared evenly among the elements equal to it (torch's evenly_distribute_backward). */
function globalRanked(op: string, x: Tensor, rankOf: (c: number, n: number) => number): Tensor {
  if (x.numel === 0) throw new Error(`${op}: the input ${fmtShape(x.shape)} is empty`);
  const val = selectRanked(op, reshape(x, [-1]), 0, false, rankOf)[0].detach();
  if (!x.requiresGrad) return val;
  const mask = Number.isNaN(val.item()) ? x.isnan() : x.eq(val);
  const share = where(mask, x, 0).sum().div(sum(mask));
  const v = val.item();
  // an infinite median keeps no gradient (∞ − ∞ would make the value NaN)
  return Number.isFinite(v) || Number.isNaN(v) ? val.add(share.sub(share.detach())) : val;
}

const lowerMedian = (c: number, n: number): number => (c < n ? c : Math.floor((n - 1) / 2));
const lowerNanMedian = (c: number): number => Math.max(0, Math.floor((c - 1) / 2));

/**
 * median(x): the lower median of all elements, med = sorted[⌊(n − 1)/2⌋] (NaN if any is NaN).
 * median(x, dim, keepdim) → [values, indices] per slice. Matches torch.median.
 */
export function median(x: Tensor): Tensor;
export function median(x: Tensor, ...args: DimKeepArgs): [Tensor, Tensor];
export function median(x: Tensor, ...args: DimKeepArgs): Tensor | [Tensor, Tensor] {
  if (args.length === 0) return globalRanked("median", x, lowerMedian);
  const o = resolveArgs<Required<DimKeepOptions>>("median", args, ["dim", "keepdim"], { dim: -1, keepdim: false });
  return selectRanked("median", x, o.dim, o.keepdim, lowerMedian);
}

/** median ignoring NaNs: sorted non-NaN values at ⌊(c − 1)/2⌋ (NaN for an all-NaN slice). Matches torch.nanmedian. */
export function nanmedian(x: Tensor): Tensor;
export function nanmedian(x: Tensor, ...args: DimKeepArgs): [Tensor, Tensor];
export function nanmedian(x: Tensor, ...args: DimKeepArgs): Tensor | [Tensor, Tensor] {
  if (args.length === 0) return globalRanked("nanmedian", x, lowerNanMedian);
  const o = resolveArgs<Required<DimKeepOptions>>("nanmedian", args, ["dim", "keepdim"], { dim: -1, keepdim: false });
  return selectRanked("nanmedian", x, o.dim, o.keepdim, lowerNanMedian);
}

/** The k-th smallest element (1-based) along dim (default −1): [values, indices]. Matches torch.kthvalue. */
export function kthvalue(x: Tensor, k: number, ...args: DimKeepArgs): [Tensor, Tensor] {
  const o = resolveArgs<Required<DimKeepOptions>>("kthvalue", args, ["dim", "keepdim"], { dim: -1, keepdim: false });
  const n = x.ndim === 0 ? 1 : x.shape[normDim("kthvalue", o.dim, x.ndim)]!;
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`kthvalue: k = ${k} is out of range 1..${n} for dim ${o.dim} of ${fmtShape(x.shape)}`);
  return selectRanked("kthvalue", x, o.dim, o.keepdim, () => k - 1);
}

/**
 * The most frequent value along dim (default −1) and the last index where it occurs; among equally
 * frequent values the smallest. [values, indices]; the gradient goes to that index. Matches torch.mode.
 */
export function mode(x: Tensor, ...args: DimKeepArgs): [Tensor, Tensor] {
  const o = resolveArgs<Required<DimKeepOptions>>("mode", args, ["dim", "keepdim"], { dim: -1, keepdim: false });
  const d = normDim("mode", o.dim, x.ndim);
  const src = x.ndim === 0 ? reshape(x, [1]) : x;
  if (src.shape[d] === 0) throw new Error(`mode: cannot reduce over the empty dimension ${d} of ${fmtShape(x.shape)}`);
  const v = dimLast(src, d);
  const { data, rows, n } = hostRows(v);
  const best = Array.from({ length: rows }, (_, r) => {
    const row = Array.from({ length: n }, (_, j) => j).sort((a, b) => data[r * n + a]! - data[r * n + b]! || a - b);
    let bestJ = row[0]!, bestCount = 0;
    for (let s = 0; s < n; ) {
      let e = s;
      while (e + 1 < n && data[r * n + row[e + 1]!] === data[r * n + row[s]!]) e++;
      if (e - s + 1 > bestCount) [bestCount, bestJ] = [e - s + 1, row[e]!];
      s = e + 1;
    }
    return bestJ;
  });
  const idx = int32Tensor(x, best, [...v.shape.slice(0, -1), 1]);
  let values = lastToDim(gather(v, v.ndim - 1, idx), d), indices = lastToDim(idx, d);
  if (x.ndim === 0) return [reshape(values, []), reshape(indices, [])];
  if (!o.keepdim) [values, indices] = [values.squeeze(d), indices.squeeze(d)];
  return [values, indices];
}

export type QuantileInterpolation = "linear" | "lower" | "higher" | "midpoint" | "nearest";
export interface QuantileOptions { dim?: number | null; keepdim?: boolean; interpolation?: QuantileInterpolation }
type QuantileArgs = Args<[dim: number | null, keepdim: boolean], QuantileOptions>;

/** Round half to even, as torch.round. */
const roundHalfEven = (v: number): number => {
  const f = Math.floor(v), r = v - f;
  return r > 0.5 || (r === 0.5 && f % 2 !== 0) ? f + 1 : f;
};

function quantileImpl(op: string, x: Tensor, q: number | Tensor, args: QuantileArgs, ignoreNan: boolean): Tensor {
  const o = resolveArgs<Required<QuantileOptions>>(op, args, ["dim", "keepdim"], { dim: null, keepdim: false, interpolation: "linear" });
  floatOnly(op, x);
  if (!["linear", "lower", "higher", "midpoint", "nearest"].includes(o.interpolation))
    throw new TypeError(`${op}: interpolation must be 'linear', 'lower', 'higher', 'midpoint' or 'nearest', got '${String(o.interpolation)}'`);
  if (q instanceof Tensor) {
    if (q.ndim > 1) throw new Error(`${op}: q must be a scalar or a 1-D tensor, got shape ${fmtShape(q.shape)}`);
    if (q.dtype !== x.dtype) throw new TypeError(`${op}: q (${q.dtype}) must have the input's dtype (${x.dtype})`);
  }
  const qs = q instanceof Tensor ? [...q.dataSync()] : [q];
  for (const v of qs) if (!(v >= 0 && v <= 1)) throw new RangeError(`${op}: q must be in [0, 1], got ${v}`);
  if (x.numel === 0) throw new Error(`${op}: the input ${fmtShape(x.shape)} is empty`);
  const d = o.dim === null ? 0 : normDim(op, o.dim, x.ndim);
  const src = o.dim === null || x.ndim === 0 ? reshape(x, [-1]) : x;
  const sorted = dimLast(sort(src, o.dim === null ? 0 : d)[0], o.dim === null ? 0 : d);
  const { data, rows, n } = hostRows(sorted);
  const below: number[] = [], above: number[] = [], weights: number[] = [], scale: number[] = [], masks: boolean[] = [];
  for (let r = 0; r < rows; r++) {
    const c = nonNanCount(data, r, n);
    for (const qv of qs) {
      // a NaN in the slice (quantile: the last, NaN, element) or an all-NaN slice (nanquantile:
      // the first) selects a NaN, as torch; elsewhere the rank is q·(count − 1)
      const masked = ignoreNan ? c === 0 : c < n;
      masks.push(masked);
      scale.push(ignoreNan ? c - 1 : n - 1);
      let rank = masked ? (ignoreNan ? 0 : n - 1) : qv * scale[scale.length - 1]!;
      if (o.interpolation === "lower") rank = Math.floor(rank);
      else if (o.interpolation === "higher") rank = Math.ceil(rank);
      else if (o.interpolation === "nearest") rank = roundHalfEven(rank);
      below.push(Math.floor(rank));
      above.push(Math.ceil(rank));
      weights.push(o.interpolation === "midpoint" ? 0.5 : o.interpolation === "linear" ? rank - Math.floor(rank) : 0);
    }
  }
  const shape = [...sorted.shape.slice(0, -1), qs.length];
  const lo = gather(sorted, sorted.ndim - 1, int32Tensor(x, below, shape));
  const hi = gather(sorted, sorted.ndim - 1, int32Tensor(x, above, shape));
  // linear weights r − ⌊r⌋ with r = q·(count − 1) stay a function of a tensor q, whose gradient torch gives
  const w = o.interpolation === "linear" && q instanceof Tensor
    ? where(Tensor.fromArray(Uint8Array.from(masks, Number), shape, x.backend, "bool"), 0, q.mul(floatTensor(x, scale, shape)).sub(floatTensor(x, below, shape)))
    : floatTensor(x, weights, shape);
  // torch's lerp: start + w·(end − start) for w < 0.5, end − (end − start)·(1 − w) otherwise
  const diff = hi.sub(lo);
  let out = where(w.lt(0.5), lo.add(diff.mul(w)), hi.sub(diff.mul(w.neg().add(1))));
  out = lastToDim(out, 0); // q first
  if (o.keepdim) {
    const kept = o.dim === null ? x.shape.map(() => 1) : x.shape.map((s, i) => (i === d ? 1 : s));
    out = reshape(out, [qs.length, ...kept]);
  }
  return q instanceof Tensor && q.ndim === 1 ? out : out.squeeze(0);
}

/**
 * The q-quantiles along dim (all elements when dim is null): with r = q·(n − 1) on the sorted values,
 * linear interpolation gives v⌊r⌋ + (r − ⌊r⌋)(v⌈r⌉ − v⌊r⌋); 'lower', 'higher', 'nearest' (half to
 * even), 'midpoint' as numpy. A 1-D q puts its dim first. A slice with a NaN gives NaN. Matches torch.quantile.
 */
export const quantile = (x: Tensor, q: number | Tensor, ...args: QuantileArgs): Tensor => quantileImpl("quantile", x, q, args, false);
/** quantile over the non-NaN values of each slice (NaN for an all-NaN slice). Matches torch.nanquantile. */
export const nanquantile = (x: Tensor, q: number | Tensor, ...args: QuantileArgs): Tensor => quantileImpl("nanquantile", x, q, args, true);

/** Σ of the non-NaN elements (NaN counts as 0; its gradient is 0). Matches torch.nansum. */
export const nansum = (x: Tensor, dim?: Dims, keepdim = false): Tensor => (x.isFloatingPoint() ? sum(where(x.isnan(), 0, x), dim, keepdim) : sum(x, dim, keepdim));

/** Mean of the non-NaN elements: nansum / count of non-NaN. Matches torch.nanmean. */
export function nanmean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  floatOnly("nanmean", x);
  return nansum(x, dim, keepdim).div(sum(x.isnan().logicalNot(), dim, keepdim));
}

/** [variance, mean] over dim, with var's arguments (unbiased or correction, keepdim). Matches torch.var_mean. */
export function varMean(x: Tensor, dim?: Dims | boolean, ...args: VarArgs): [Tensor, Tensor] {
  return [variance(x, dim, ...args), mean(x, typeof dim === "boolean" ? undefined : dim, keepdimOf(args))];
}
/** [standard deviation, mean] over dim. Matches torch.std_mean. */
export function stdMean(x: Tensor, dim?: Dims | boolean, ...args: VarArgs): [Tensor, Tensor] {
  return [std(x, dim, ...args), mean(x, typeof dim === "boolean" ? undefined : dim, keepdimOf(args))];
}
function keepdimOf(args: readonly unknown[]): boolean {
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && "keepdim" in last) return Boolean((last as { keepdim?: boolean }).keepdim);
  return args[1] === true;
}

/** [amin, amax] over dim (all elements when omitted); ties share the gradient. Matches torch.aminmax. */
export function aminmax(x: Tensor, opts: { dim?: number | null; keepdim?: boolean } = {}): [Tensor, Tensor] {
  const o = resolveArgs<{ dim: number | null; keepdim: boolean }>("aminmax", [opts], [], { dim: null, keepdim: false });
  if (x.numel === 0) throw new Error(`aminmax: cannot reduce the empty tensor ${fmtShape(x.shape)}`);
  const dim = o.dim === null ? undefined : o.dim;
  if (o.dim === null && o.keepdim) { // torch keeps every dim as size 1
    const all = [...x.shape.keys()];
    return [amin(x, all, true), amax(x, all, true)];
  }
  return [amin(x, dim, o.keepdim), amax(x, dim, o.keepdim)];
}

/** Number of non-zero elements over dim (int32; torch gives int64). Matches torch.count_nonzero. */
export const countNonzero = (x: Tensor, dim?: Dims): Tensor => sum(x.ne(0), normDims("countNonzero", dim, x.ndim));

export interface CovOptions { correction?: number; fweights?: Tensor | null; aweights?: Tensor | null }

/**
 * Covariance of the rows (variables) of x [vars, obs] (or a 1-D x): with weights w = fweights·aweights,
 * μ = Σ wᵢxᵢ / Σw and C = (x − μ) diag(w) (x − μ)ᵀ / (Σw − correction·Σ(w·aweights)/Σw) (the
 * denominator is Σw − correction without aweights), clamped at 0. Matches torch.cov.
 */
export function cov(x: Tensor, opts: CovOptions = {}): Tensor {
  const o = resolveArgs<Required<CovOptions>>("cov", [opts], [], { correction: 1, fweights: null, aweights: null });
  if (x.ndim > 2) throw new Error(`cov: expected a 1-D or 2-D input, got ${fmtShape(x.shape)}`);
  const m = x.ndim < 2 ? reshape(x, [1, -1]) : x;
  const nObs = m.shape[1]!;
  const xf = m.isFloatingPoint() ? m : cast(m, "float32");
  let w: Tensor | null = null;
  for (const [name, wt] of [["fweights", o.fweights], ["aweights", o.aweights]] as const) {
    if (wt === null) continue;
    if (wt.ndim > 1 || wt.numel !== nObs) throw new Error(`cov: ${name} must be a 1-D tensor of ${nObs} observations, got ${fmtShape(wt.shape)}`);
    const vals = wt.dataSync();
    if (name === "fweights" && wt.isFloatingPoint()) throw new TypeError("cov: fweights must be integral");
    if ([...vals].some((v) => v < 0)) throw new RangeError(`cov: ${name} cannot be negative`);
    w = w === null ? wt : w.mul(wt);
  }
  const wsum = w === null ? null : sum(w);
  const avg = w === null ? mean(xf, 1, true) : xf.mul(w).sum(1, true).div(wsum!);
  let norm: Tensor | number = nObs - o.correction;
  if (w !== null) norm = o.correction === 0 ? wsum! : o.aweights === null ? wsum!.sub(o.correction) : wsum!.sub(w.mul(o.aweights).sum().mul(o.correction).div(wsum!));
  norm = typeof norm === "number" ? Math.max(norm, 0) : norm.clamp(0);
  const c = xf.sub(avg);
  const out = c.matmul((w === null ? c : c.mul(w)).mT).div(norm);
  return x.ndim < 2 || m.shape[0] === 1 ? reshape(out, []) : out;
}

/** Pearson correlation coefficients of the rows: Cᵢⱼ / √(Cᵢᵢ Cⱼⱼ) with C = cov(x), clipped to [−1, 1]. Matches torch.corrcoef. */
export function corrcoef(x: Tensor): Tensor {
  const c = cov(x);
  if (c.ndim === 0) return c.div(c);
  const n = c.shape[0]!;
  const sd = indexSelect(reshape(c, [-1]), 0, int32Tensor(c, Array.from({ length: n }, (_, i) => i * (n + 1)), [n])).sqrt();
  return c.div(unsqueeze(sd, 1)).div(unsqueeze(sd, 0)).clamp(-1, 1);
}

declare module "../tensor.js" {
  interface Tensor {
    median(): Tensor;
    median(...args: DimKeepArgs): [Tensor, Tensor];
    nanmedian(): Tensor;
    nanmedian(...args: DimKeepArgs): [Tensor, Tensor];
    kthvalue(k: number, ...args: DimKeepArgs): [Tensor, Tensor];
    mode(...args: DimKeepArgs): [Tensor, Tensor];
    quantile(q: number | Tensor, ...args: QuantileArgs): Tensor;
    nanquantile(q: number | Tensor, ...args: QuantileArgs): Tensor;
    nansum(dim?: Dims, keepdim?: boolean): Tensor;
    nanmean(dim?: Dims, keepdim?: boolean): Tensor;
    aminmax(opts?: { dim?: number | null; keepdim?: boolean }): [Tensor, Tensor];
    countNonzero(dim?: Dims): Tensor;
    cov(opts?: CovOptions): Tensor;
    corrcoef(): Tensor;
  }
}

installMethods({
  median(this: Tensor, ...args: DimKeepArgs) { return median(this, ...args); },
  nanmedian(this: Tensor, ...args: DimKeepArgs) { return nanmedian(this, ...args); },
  kthvalue(this: Tensor, k: number, ...args: DimKeepArgs) { return kthvalue(this, k, ...args); },
  mode(this: Tensor, ...args: DimKeepArgs) { return mode(this, ...args); },
  quantile(this: Tensor, q: number | Tensor, ...args: QuantileArgs) { return quantile(this, q, ...args); },
  nanquantile(this: Tensor, q: number | Tensor, ...args: QuantileArgs) { return nanquantile(this, q, ...args); },
  nansum(this: Tensor, dim?: Dims, keepdim?: boolean) { return nansum(this, dim, keepdim); },
  nanmean(this: Tensor, dim?: Dims, keepdim?: boolean) { return nanmean(this, dim, keepdim); },
  aminmax(this: Tensor, opts?: { dim?: number | null; keepdim?: boolean }) { return aminmax(this, opts); },
  countNonzero(this: Tensor, dim?: Dims) { return countNonzero(this, dim); },
  cov(this: Tensor, opts?: CovOptions) { return cov(this, opts); },
  corrcoef(this: Tensor) { return corrcoef(this); },
});
