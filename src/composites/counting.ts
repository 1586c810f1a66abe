// Counting and searching with torch's names: histc, bincount, bucketize, searchsorted, unique,
// uniqueConsecutive. Integer-valued results with data-dependent shapes, computed on the host
// (torch defines no gradient for any of them); indices are int32 where torch gives int64.

import { resolveArgs, type Args } from "../options.js";
import { indexSelect } from "../ops/indexing.js";
import { permute } from "../ops/movement.js";
import { fmtShape, normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { floatOnly, floatTensor, int32Tensor } from "./common.js";
import { installMethods } from "./methods.js";

export interface HistcOptions { bins?: number; min?: number; max?: number }

/**
 * Histogram of x's elements in `bins` equal-width bins over [min, max] (the data's range when both
 * are 0); elements outside are ignored and max falls in the last bin. Matches torch.histc.
 */
export function histc(x: Tensor, ...args: Args<[bins: number, min: number, max: number], HistcOptions>): Tensor {
  const o = resolveArgs<Required<HistcOptions>>("histc", args, ["bins", "min", "max"], { bins: 100, min: 0, max: 0 });
  floatOnly("histc", x);
  if (!Number.isInteger(o.bins) || o.bins <= 0) throw new RangeError(`histc: bins must be a positive integer, got ${o.bins}`);
  const data = Float64Array.from(x.detach().dataSync());
  let lo = o.min, hi = o.max;
  if (lo > hi) throw new RangeError(`histc: max (${o.max}) must be larger than min (${o.min})`);
  if (lo === hi && data.length > 0) [lo, hi] = [data.reduce((a, v) => Math.min(a, v), Infinity), data.reduce((a, v) => Math.max(a, v), -Infinity)];
  if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`histc: range of [${lo}, ${hi}] is not finite`);
  const edge = (i: number): number => lo + ((hi - lo) * i) / o.bins;
  const counts = new Float64Array(o.bins);
  for (const v of data) {
    if (!(v >= lo && v <= hi)) continue;
    let b = Math.min(Math.floor(((v - lo) * o.bins) / (hi - lo)), o.bins - 1);
    // torch corrects the estimate against the bin edges
    if (b > 0 && v < edge(b)) b--;
    else if (b < o.bins - 1 && v >= edge(b + 1)) b++;
    counts[b]!++;
  }
  return floatTensor(x, counts, [o.bins]);
}

export interface BincountOptions { weights?: Tensor | null; minlength?: number }

/**
 * Counts of each value 0..max(x) in a 1-D non-negative int tensor (at least minlength bins), or sums
 * of `weights` per value (float32 weights give float32, others float64, as torch). Matches torch.bincount.
 */
export function bincount(x: Tensor, ...args: Args<[weights: Tensor | null, minlength: number], BincountOptions>): Tensor {
  const o = resolveArgs<Required<BincountOptions>>("bincount", args, ["weights", "minlength"], { weights: null, minlength: 0 });
  if (x.ndim !== 1 || x.isFloatingPoint() || x.dtype === "bool") throw new TypeError(`bincount: expects a 1-D int tensor, got ${x.dtype} ${fmtShape(x.shape)}`);
  if (!Number.isInteger(o.minlength) || o.minlength < 0) throw new RangeError(`bincount: minlength must be a non-negative integer, got ${o.minlength}`);
  const w = o.weights;
  if (w !== null && (w.ndim !== 1 || w.shape[0] !== x.shape[0])) throw new Error(`bincount: weights ${fmtShape(w.shape)} must be 1-D with the input's length ${x.shape[0]}`);
  const data = Int32Array.from(x.dataSync());
  if (data.some((v) => v < 0)) throw new RangeError("bincount: the input must contain only non-negative values");
  const out = new Float64Array(Math.max(o.minlength, data.reduce((a, v) => Math.max(a, v + 1), 0)));
  const wd = w?.dataSync();
  data.forEach((v, i) => (out[v]! += wd ? wd[i]! : 1));
  if (w === null) return int32Tensor(x, out, [out.length]);
  return floatTensor(x, out, [out.length], w.dtype === "float32" ? "float32" : "float64");
}

export interface SearchsortedOptions { outInt32?: boolean; right?: boolean; side?: "left" | "right" | null; sorter?: Tensor | null }

/** First index i in the sorted row with row[i] ≥ v (left) or > v (right). */
function bound(row: ArrayLike<number>, at: (i: number) => number, v: number, right: boolean): number {
  let lo = 0, hi = row.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = at(mid);
    if (right ? m <= v : m < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indices where `values` would be inserted into the last dim of `sortedSequence` to keep it sorted:
 * the first i with s[i] ≥ v ('left') or s[i] > v ('right'). A 1-D sequence serves every value; an
 * N-D one pairs its rows with the values' rows. `sorter` gives the order of an unsorted sequence.
 * int32 results (outInt32 is accepted for torch compatibility). Matches torch.searchsorted.
 */
export function searchsorted(sortedSequence: Tensor, values: Tensor | number, opts: SearchsortedOptions = {}): Tensor {
  const o = resolveArgs<Required<SearchsortedOptions>>("searchsorted", [opts], [], { outInt32: false, right: false, side: null, sorter: null });
  if (o.side !== null && o.side !== "left" && o.side !== "right") throw new TypeError(`searchsorted: side must be 'left' or 'right', got '${String(o.side)}'`);
  if (o.side === "left" && o.right) throw new TypeError("searchsorted: side='left' and right=true contradict each other");
  const right = o.right || o.side === "right";
  const seq = sortedSequence;
  if (seq.ndim === 0) throw new Error("searchsorted: the sorted sequence must have at least 1 dimension, got a 0-d tensor");
  const vals = values instanceof Tensor ? values : floatTensor(seq, [values], []);
  const n = seq.shape[seq.ndim - 1]!;
  if (seq.ndim > 1 && (vals.ndim !== seq.ndim || vals.shape.slice(0, -1).some((s, i) => s !== seq.shape[i])))
    throw new Error(`searchsorted: the leading dims of the sorted sequence ${fmtShape(seq.shape)} and the values ${fmtShape(vals.shape)} must match`);
  if (o.sorter !== null && (o.sorter.ndim !== seq.ndim || o.sorter.shape.some((s, i) => s !== seq.shape[i])))
    throw new Error(`searchsorted: sorter ${fmtShape(o.sorter.shape)} must have the sorted sequence's shape ${fmtShape(seq.shape)}`);
  const s = seq.dataSync(), v = vals.dataSync(), sorter = o.sorter?.dataSync();
  const per = vals.ndim === 0 ? 1 : vals.shape[vals.ndim - 1]!;
  const out = new Int32Array(v.length);
  for (let k = 0; k < v.length; k++) {
    const r = seq.ndim === 1 ? 0 : Math.floor(k / per);
    const row = s.subarray(r * n, r * n + n);
    out[k] = bound(row, sorter ? (i) => row[sorter[r * n + i]!]! : (i) => row[i]!, v[k]!, right);
  }
  return int32Tensor(seq, out, vals.shape);
}

/** Bucket index of each input element for the sorted 1-D boundaries: searchsorted(boundaries, x). Matches torch.bucketize. */
export function bucketize(x: Tensor | number, boundaries: Tensor, opts: { outInt32?: boolean; right?: boolean } = {}): Tensor {
  const o = resolveArgs<{ outInt32: boolean; right: boolean }>("bucketize", [opts], [], { outInt32: false, right: false });
  if (boundaries.ndim !== 1) throw new Error(`bucketize: boundaries must be 1-D, got ${fmtShape(boundaries.shape)}`);
  return searchsorted(boundaries, x, { right: o.right });
}

export interface UniqueOptions { sorted?: boolean; returnInverse?: boolean; returnCounts?: boolean; dim?: number | null }

/** [unique values, inverse, counts] of a flat host run-length grouping. */
function groups(x: Tensor, order: number[], data: ArrayLike<number>, inverseWanted: boolean, countsWanted: boolean): Tensor | Tensor[] {
  const vals: number[] = [], counts: number[] = [];
  const inverse = new Int32Array(data.length);
  for (const i of order) {
    if (vals.length === 0 || data[i] !== vals[vals.length - 1]) {
      vals.push(data[i]!);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[i] = vals.length - 1;
  }
  const out = Tensor.fromArray(x.dtype === "float64" ? Float64Array.from(vals) : x.dtype === "float32" ? Float32Array.from(vals) : x.dtype === "bool" ? Uint8Array.from(vals) : Int32Array.from(vals), [vals.length], x.backend, x.dtype);
  if (!inverseWanted && !countsWanted) return out;
  return [out, ...(inverseWanted ? [int32Tensor(x, inverse, x.shape)] : []), ...(countsWanted ? [int32Tensor(x, counts, [counts.length])] : [])];
}

/** Orders two elements as torch's sort does: NaN after every number. */
const cmp = (p: number, q: number): number => (Number.isNaN(p) ? (Number.isNaN(q) ? 0 : 1) : Number.isNaN(q) ? -1 : p - q);

/**
 * [unique slices, inverse, counts] along dim d, grouping the slices in `order` (a permutation of
 * 0..size(d)-1) whose neighbours compare equal element by element (NaN ≠ NaN, as torch's equality).
 */
function sliceGroups(x: Tensor, d: number, order: number[], inverseWanted: boolean, countsWanted: boolean): Tensor | Tensor[] {
  const n = x.shape[d]!;
  const rows = slices(x, d);
  const firsts: number[] = [], counts: number[] = [];
  const inverse = new Int32Array(n);
  for (const i of order) {
    const prev = firsts.length === 0 ? undefined : rows[firsts[firsts.length - 1]!]!;
    if (prev === undefined || prev.some((v, k) => v !== rows[i]![k])) {
      firsts.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]!++;
    inverse[i] = firsts.length - 1;
  }
  const out = indexSelect(x.detach(), d, int32Tensor(x, firsts, [firsts.length]));
  if (!inverseWanted && !countsWanted) return out;
  return [out, ...(inverseWanted ? [int32Tensor(x, inverse, [n])] : []), ...(countsWanted ? [int32Tensor(x, counts, [counts.length])] : [])];
}

/** The size(d) slices of x along dim d, each flattened as torch does: x.transpose(0, d), then row-major. */
function slices(x: Tensor, d: number): Float64Array[] {
  const n = x.shape[d]!;
  const order = [...x.shape.keys()];
  [order[0], order[d]] = [d, 0];
  const data = Float64Array.from(permute(x.detach(), order).dataSync());
  const len = n === 0 ? 0 : data.length / n;
  return Array.from({ length: n }, (_, i) => data.subarray(i * len, (i + 1) * len));
}

/**
 * The distinct elements of x, ascending (x flattened), or with `dim` the distinct slices along dim
 * in lexicographic order of their elements (each slice read as torch reads it, row-major after
 * transposing dims 0 and dim; torch's order: a NaN element neither
 * precedes nor follows, so the next element decides). With returnInverse and returnCounts,
 * [values, inverse, counts] as torch's tuple (only the requested ones); with dim the inverse has
 * size(dim) entries. Each NaN is its own value, as torch. sorted = false also sorts (torch leaves
 * that order unspecified; with dim it always sorts). Matches torch.unique.
 */
export function unique(x: Tensor, sorted?: boolean): Tensor;
export function unique(x: Tensor, ...args: Args<[sorted: boolean, returnInverse: boolean, returnCounts: boolean, dim: number | null], UniqueOptions>): Tensor | Tensor[];
export function unique(x: Tensor, ...args: unknown[]): Tensor | Tensor[] {
  const o = resolveArgs<Required<UniqueOptions>>("unique", args, ["sorted", "returnInverse", "returnCounts", "dim"], { sorted: true, returnInverse: false, returnCounts: false, dim: null });
  if (o.dim !== null) {
    const d = uniqueDim("unique", x, o.dim);
    const rows = slices(x, d);
    // torch's comparator: the first element where one slice is < or > the other decides (a NaN
    // is neither, so it passes on to the next element)
    const lex = (a: number, b: number): number => {
      for (let k = 0; k < rows[a]!.length; k++) {
        const p = rows[a]![k]!, q = rows[b]![k]!;
        if (p < q) return -1;
        if (p > q) return 1;
      }
      return a - b;
    };
    return sliceGroups(x, d, [...rows.keys()].sort(lex), o.returnInverse, o.returnCounts);
  }
  const data = x.dataSync();
  const order = Array.from({ length: data.length }, (_, i) => i).sort((a, b) => cmp(data[a]!, data[b]!) || a - b);
  return groups(x, order, data, o.returnInverse, o.returnCounts);
}

/** The normalized dim of unique/uniqueConsecutive; torch has no slices of a 0-d tensor. */
function uniqueDim(op: string, x: Tensor, dim: number): number {
  if (x.ndim === 0) throw new RangeError(`${op}: dim = ${dim} needs a tensor with at least 1 dimension, got a 0-d tensor`);
  const d = normDim(op, dim, x.ndim);
  if (x.shape.some((s, i) => s === 0 && i !== d))
    throw new RangeError(`${op}: the input ${fmtShape(x.shape)} has a 0-sized dimension other than dim ${d}, so its slices cannot be compared (as torch)`);
  return d;
}

/**
 * Collapses runs of equal consecutive elements (x flattened), or with `dim` runs of equal
 * consecutive slices along dim (the inverse then has size(dim) entries). Matches torch.unique_consecutive.
 */
export function uniqueConsecutive(x: Tensor): Tensor;
export function uniqueConsecutive(x: Tensor, ...args: Args<[returnInverse: boolean, returnCounts: boolean, dim: number | null], Omit<UniqueOptions, "sorted">>): Tensor | Tensor[];
export function uniqueConsecutive(x: Tensor, ...args: unknown[]): Tensor | Tensor[] {
  const o = resolveArgs<Required<Omit<UniqueOptions, "sorted">>>("uniqueConsecutive", args, ["returnInverse", "returnCounts", "dim"], { returnInverse: false, returnCounts: false, dim: null });
  if (o.dim !== null) {
    const d = uniqueDim("uniqueConsecutive", x, o.dim);
    return sliceGroups(x, d, [...Array(x.shape[d]).keys()], o.returnInverse, o.returnCounts);
  }
  const data = x.dataSync();
  return groups(x, Array.from({ length: data.length }, (_, i) => i), data, o.returnInverse, o.returnCounts);
}

declare module "../tensor.js" {
  interface Tensor {
    histc(...args: Args<[bins: number, min: number, max: number], HistcOptions>): Tensor;
    bincount(...args: Args<[weights: Tensor | null, minlength: number], BincountOptions>): Tensor;
    unique(...args: Args<[sorted: boolean, returnInverse: boolean, returnCounts: boolean, dim: number | null], UniqueOptions>): Tensor | Tensor[];
    uniqueConsecutive(...args: Args<[returnInverse: boolean, returnCounts: boolean, dim: number | null], Omit<UniqueOptions, "sorted">>): Tensor | Tensor[];
  }
}

installMethods({
  histc(this: Tensor, ...args: Args<[bins: number, min: number, max: number], HistcOptions>) { return histc(this, ...args); },
  bincount(this: Tensor, ...args: Args<[weights: Tensor | null, minlength: number], BincountOptions>) { return bincount(this, ...args); },
  unique(this: Tensor, ...args: Args<[sorted: boolean, returnInverse: boolean, returnCounts: boolean, dim: number | null], UniqueOptions>) { return unique(this, ...args); },
  uniqueConsecutive(this: Tensor, ...args: Args<[returnInverse: boolean, returnCounts: boolean, dim: number | null], Omit<UniqueOptions, "sorted">>) { return uniqueConsecutive(this, ...args); },
});
