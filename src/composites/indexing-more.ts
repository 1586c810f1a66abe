// torch's index functions beyond gather/scatterAdd/indexSelect: take, takeAlongDim, indexAdd,
// indexCopy, indexFill, scatter (src, value, reduce) and scatterReduce. Composites of the gather and
// scatterAdd primitives (whose rules are each other), so gradients need no new rule.

import { isFloating } from "../dtype.js";
import { resolveArgs, type Args } from "../options.js";
import { broadcastShapes, fmtShape, normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { cast, compare, fullLike, maximum, minimum, where } from "../ops/elementwise.js";
import { gather, indexSelect, scatterAdd, scatterAddNew } from "../ops/indexing.js";
import { expand, narrow, reshape } from "../ops/movement.js";
import { div } from "./division.js";
import { maskedFill } from "./selection.js";
import { installMethods } from "./methods.js";

function checkIndex(op: string, x: unknown, index: unknown): asserts index is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${typeof x}`);
  if (!(index instanceof Tensor) || index.dtype !== "int32") throw new TypeError(`${op}: index must be an int32 tensor, got ${index instanceof Tensor ? index.dtype : typeof index}`);
}
/** Runs fn, naming the function the user called in a bounds error of the gather/scatterAdd primitives. */
function named<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError && /^(gather|scatterAdd|indexSelect):/.test(e.message)) throw new RangeError(`${op}:${e.message.slice(e.message.indexOf(":") + 1)}`);
    throw e;
  }
}
/** Negative indices count from the end, as in torch's take and index_*. */
const wrap = (index: Tensor, n: number): Tensor => where(index.lt(0), index.add(n), index);
/** A 1-D index of dim `d`, viewed and expanded to `shape`. */
const alongDim = (index: Tensor, d: number, shape: readonly number[]): Tensor =>
  expand(reshape(index, shape.map((_, i) => (i === d ? index.numel : 1))), shape);
/** The int32 count of index entries landing on each position of `shape`. */
const counts = (shape: readonly number[], d: number, index: Tensor): Tensor => scatterAddNew(shape, d, index, fullLike(index, 1, "int32"));

/** The elements of the flattened x at `index` (negative counts from the end), in index's shape. Matches torch.take. */
export function take(x: Tensor, index: Tensor): Tensor {
  checkIndex("take", x, index);
  const flat = reshape(x, [-1]);
  return named("take", () => reshape(indexSelect(flat, 0, reshape(wrap(index, flat.numel), [-1])), index.shape));
}

/**
 * out[…i…] = x[…indices[…i…]…] along dim, x and indices broadcast in the other dims; without dim,
 * gathers from the flattened x. Pairs with argsort/argmax(keepdim). Matches torch.take_along_dim.
 */
export function takeAlongDim(x: Tensor, indices: Tensor, dim?: number | null): Tensor {
  checkIndex("takeAlongDim", x, indices);
  if (dim === undefined || dim === null) return named("takeAlongDim", () => gather(reshape(x, [-1]), 0, reshape(indices, [-1])));
  if (indices.ndim !== x.ndim) throw new Error(`takeAlongDim: input ${fmtShape(x.shape)} and indices ${fmtShape(indices.shape)} must have the same number of dims`);
  const d = normDim("takeAlongDim", dim, x.ndim);
  const others = broadcastShapes("takeAlongDim", x.shape.map((s, i) => (i === d ? 1 : s)), indices.shape.map((s, i) => (i === d ? 1 : s)));
  const to = (t: Tensor): Tensor => expand(t, others.map((s, i) => (i === d ? t.shape[d]! : s)));
  return named("takeAlongDim", () => gather(to(x), d, to(indices)));
}

/** Checks index (1-D) and source (x's shape with index.numel along dim) of the index_* functions; returns dim. */
function indexShapes(op: string, x: Tensor, dim: number, index: Tensor, source?: Tensor): number {
  if (index.ndim > 1) throw new Error(`${op}: index must be 0-D or 1-D, got ${fmtShape(index.shape)}`);
  const d = normDim(op, dim, x.ndim);
  const want = x.shape.map((s, i) => (i === d ? index.numel : s));
  if (source && (source.ndim !== x.ndim || source.shape.some((s, i) => s !== want[i])))
    throw new Error(`${op}: source ${fmtShape(source.shape)} must have shape ${fmtShape(want)} (the input ${fmtShape(x.shape)} with ${index.numel} along dim ${d})`);
  return d;
}

export interface IndexAddOptions {
  /** The scale of source. */
  alpha?: number;
}
/** x + alpha·source added at index along dim (repeated indices accumulate). Matches torch.index_add. */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor, ...args: Args<[], IndexAddOptions>): Tensor {
  const { alpha } = resolveArgs<Required<IndexAddOptions>>("indexAdd", args, [], { alpha: 1 });
  checkIndex("indexAdd", x, index);
  const d = indexShapes("indexAdd", x, dim, index, source);
  const idx = alongDim(wrap(index, x.shape[d]!), d, source.shape);
  return named("indexAdd", () => scatterAdd(x, d, idx, alpha === 1 ? source : source.mul(alpha)));
}
/** x with the slices at index along dim replaced by source's (a repeated index takes the last; torch leaves it unspecified). Matches torch.index_copy. */
export function indexCopy(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  checkIndex("indexCopy", x, index);
  const d = indexShapes("indexCopy", x, dim, index, source);
  const idx = alongDim(wrap(index, x.shape[d]!), d, source.shape);
  return fold("indexCopy", x, d, idx, cast(source, x.dtype), (_, b) => b, true);
}
/** x with the slices at index along dim set to value (a number or a 0-D tensor, which gets their gradient). Matches torch.index_fill. */
export function indexFill(x: Tensor, dim: number, index: Tensor, value: number | Tensor): Tensor {
  checkIndex("indexFill", x, index);
  if (x.ndim === 0) return reshape(indexFill(reshape(x, [1]), dim, index, value), []);
  const d = indexShapes("indexFill", x, dim, index);
  const n = x.shape[d]!;
  const hit = named("indexFill", () => compare("gt", counts([n], 0, reshape(wrap(index, n), [-1])), 0));
  return maskedFill(x, reshape(hit, x.shape.map((_, i) => (i === d ? n : 1))), value);
}

/** Checks scatter's shapes (index within x off dim, within src everywhere); returns dim and src cut to index's shape. */
function scatterShapes(op: string, x: Tensor, dim: number, index: Tensor, src: Tensor | null): [number, Tensor | null] {
  const d = normDim(op, dim, x.ndim);
  if (index.ndim !== x.ndim || (src && src.ndim !== x.ndim))
    throw new Error(`${op}: input ${fmtShape(x.shape)}, index ${fmtShape(index.shape)}${src ? ` and src ${fmtShape(src.shape)}` : ""} must have the same number of dims`);
  index.shape.forEach((s, i) => {
    if (i !== d && s > x.shape[i]!) throw new Error(`${op}: index ${fmtShape(index.shape)} is larger than the input ${fmtShape(x.shape)} in dim ${i}`);
    if (src && s > src.shape[i]!) throw new Error(`${op}: index ${fmtShape(index.shape)} is larger than src ${fmtShape(src.shape)} in dim ${i}`);
  });
  return [d, src && index.shape.reduce((t, s, i) => (t.shape[i] === s ? t : narrow(t, i, 0, s)), src)];
}

/**
 * Each index entry's rank among the entries naming the same target, in row-major order (read on
 * the host, with the bounds check), and the number of ranks: the rounds in which every target is
 * named at most once.
 */
function ranks(op: string, shape: readonly number[], d: number, index: Tensor): { rank: Tensor; rounds: number } {
  const idx = index.contiguous().dataSync(), seen = new Int32Array(shape.reduce((a, b) => a * b, 1));
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const rank = new Int32Array(idx.length);
  let rounds = idx.length ? 1 : 0;
  for (let p = 0; p < idx.length; p++) {
    const v = idx[p]!;
    if (v < 0 || v >= shape[d]!) throw new RangeError(`${op}: index ${v} is out of bounds for dimension ${d} with size ${shape[d]}`);
    let key = 0, rest = p;
    for (let i = index.ndim - 1; i >= 0; i--) {
      const c = rest % index.shape[i]!;
      rest = (rest - c) / index.shape[i]!;
      key += (i === d ? v : c) * strides[i]!;
    }
    rank[p] = seen[key]!++;
    rounds = Math.max(rounds, rank[p]! + 1);
  }
  return { rank: Tensor.fromArray(rank, index.shape, index.backend, "int32"), rounds };
}

/**
 * Folds src into x in rounds in which every target is named at most once (one round without
 * repeated targets), so out = combine(out, src) there is exact, in index order: repeated targets
 * combine in turn. Without self, a target's first value is src's own.
 */
function fold(op: string, x: Tensor, d: number, index: Tensor, src: Tensor, combine: (a: Tensor, b: Tensor) => Tensor, includeSelf: boolean): Tensor {
  const { rank, rounds } = ranks(op, x.shape, d, index);
  let out = x, seen = includeSelf ? null : fullLike(x, 0, "bool");
  for (let r = 0; r < rounds; r++) {
    const mine = rounds === 1 ? null : rank.eq(r);
    const hit = compare("gt", scatterAddNew(x.shape, d, index, mine ? cast(mine, "int32") : fullLike(index, 1, "int32")), 0);
    const placed = scatterAddNew(x.shape, d, index, mine ? where(mine, src, 0) : src);
    out = where(hit, seen ? where(seen, combine(out, placed), placed) : combine(out, placed), out);
    if (seen) seen = seen.logicalOr(hit);
  }
  return out;
}

export interface ScatterOptions {
  /** Combine with the existing value instead of replacing it (torch 1.13's scatter reduce). */
  reduce?: "add" | "multiply" | null;
}
/**
 * x with out[…index[i][j]…] = src[i][j] along dim (or a number value); src may be larger than index.
 * reduce 'add' or 'multiply' combines with x instead (torch 1.13 has no gradient for those; myelin
 * does). A target named twice takes the last source in index order, which alone gets its gradient
 * (torch leaves the winner unspecified). Matches torch.scatter.
 */
export function scatter(x: Tensor, dim: number, index: Tensor, src: Tensor | number, ...args: Args<[], ScatterOptions>): Tensor {
  const { reduce } = resolveArgs<Required<ScatterOptions>>("scatter", args, [], { reduce: null });
  checkIndex("scatter", x, index);
  if (reduce !== null && reduce !== "add" && reduce !== "multiply") throw new RangeError(`scatter: reduce must be 'add', 'multiply' or null, got ${String(reduce)}`);
  if (!(src instanceof Tensor) && typeof src !== "number") throw new TypeError(`scatter: src must be a Tensor or a number, got ${typeof src}`);
  const [d, cut] = scatterShapes("scatter", x, dim, index, src instanceof Tensor ? src : null);
  const s = cast(cut ?? fullLike(index, src as number, x.dtype), x.dtype);
  return named("scatter", () => {
    if (reduce === "add") return scatterAdd(x, d, index, s);
    return fold("scatter", x, d, index, s, reduce === "multiply" ? (a, b) => a.mul(b) : (_, b) => b, true);
  });
}

export type ScatterReduce = "sum" | "prod" | "mean" | "amax" | "amin";
export interface ScatterReduceOptions {
  /** Whether x's own values take part in the reduction (false: targets start from src alone). */
  includeSelf?: boolean;
}
/**
 * x with src reduced into it at index along dim: 'sum', 'prod', 'mean' (integers round down),
 * 'amax' or 'amin'. Gradients follow torch 1.13: prod's is the product of the others (zeros
 * included), mean's is divided by the count, and amax/amin's is shared evenly among the values equal
 * to the result (x's counted even when includeSelf is false, where x then gets none). Matches
 * torch.scatter_reduce.
 */
export function scatterReduce(x: Tensor, dim: number, index: Tensor, src: Tensor, reduce: ScatterReduce, ...args: Args<[], ScatterReduceOptions>): Tensor {
  const { includeSelf } = resolveArgs<Required<ScatterReduceOptions>>("scatterReduce", args, [], { includeSelf: true });
  checkIndex("scatterReduce", x, index);
  if (!["sum", "prod", "mean", "amax", "amin"].includes(reduce)) throw new RangeError(`scatterReduce: reduce must be 'sum', 'prod', 'mean', 'amax' or 'amin', got ${String(reduce)}`);
  if (!(src instanceof Tensor) || src.dtype !== x.dtype) throw new TypeError(`scatterReduce: src must be a Tensor of the input's dtype ${x.dtype}, got ${src instanceof Tensor ? src.dtype : typeof src}`);
  const [d, s] = scatterShapes("scatterReduce", x, dim, index, src) as [number, Tensor];
  return named("scatterReduce", () => {
    const hit = compare("gt", counts(x.shape, d, index), 0);
    if (reduce === "sum") return includeSelf ? scatterAdd(x, d, index, s) : where(hit, scatterAddNew(x.shape, d, index, s), x);
    if (reduce === "prod") return fold("scatterReduce", x, d, index, s, (a, b) => a.mul(b), includeSelf);
    if (reduce === "mean") {
      const n = counts(x.shape, d, index).add(includeSelf ? 1 : 0);
      const total = includeSelf ? scatterAdd(x, d, index, s) : scatterAddNew(x.shape, d, index, s);
      const safe = where(hit, n, 1);
      const mean = isFloating(x.dtype) ? total.div(cast(safe, x.dtype)) : div(total, safe, { roundingMode: "floor" });
      return includeSelf ? mean : where(hit, mean, x);
    }
    const pick = reduce === "amax" ? maximum : minimum;
    const res = fold("scatterReduce", x.detach(), d, index, s.detach(), (a, b) => pick(a, b), includeSelf);
    if (!isGradEnabled() || !(x.requiresGrad || s.requiresGrad)) return res;
    // zero-valued terms whose gradients are torch's even split among the values equal to the result
    const selfIs = cast(x.detach().eq(res), x.dtype), srcIs = cast(s.detach().eq(gather(res, d, index)), x.dtype);
    const many = selfIs.add(scatterAddNew(x.shape, d, index, srcIs));
    const share = where(many.eq(0), 0, many.reciprocal());
    const carry = (t: Tensor, w: Tensor): Tensor => where(t.detach().isfinite(), t.sub(t.detach()), 0).mul(w);
    const wSelf = includeSelf ? selfIs.mul(share) : where(hit, 0, selfIs.mul(share));
    return res.add(carry(x, wSelf)).add(scatterAddNew(x.shape, d, index, carry(s, srcIs.mul(gather(share, d, index)))));
  });
}

declare module "../tensor.js" {
  interface Tensor {
    take(index: Tensor): Tensor; takeAlongDim(indices: Tensor, dim?: number | null): Tensor;
    indexAdd(dim: number, index: Tensor, source: Tensor, ...args: Args<[], IndexAddOptions>): Tensor;
    indexCopy(dim: number, index: Tensor, source: Tensor): Tensor; indexFill(dim: number, index: Tensor, value: number | Tensor): Tensor;
    scatter(dim: number, index: Tensor, src: Tensor | number, ...args: Args<[], ScatterOptions>): Tensor;
    scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: ScatterReduce, ...args: Args<[], ScatterReduceOptions>): Tensor;
  }
}

installMethods({
  take(this: Tensor, i: Tensor) { return take(this, i); },
  takeAlongDim(this: Tensor, i: Tensor, dim?: number | null) { return takeAlongDim(this, i, dim); },
  indexAdd(this: Tensor, dim: number, i: Tensor, s: Tensor, ...a: Args<[], IndexAddOptions>) { return indexAdd(this, dim, i, s, ...a); },
  indexCopy(this: Tensor, dim: number, i: Tensor, s: Tensor) { return indexCopy(this, dim, i, s); },
  indexFill(this: Tensor, dim: number, i: Tensor, v: number | Tensor) { return indexFill(this, dim, i, v); },
  scatter(this: Tensor, dim: number, i: Tensor, s: Tensor | number, ...a: Args<[], ScatterOptions>) { return scatter(this, dim, i, s, ...a); },
  scatterReduce(this: Tensor, dim: number, i: Tensor, s: Tensor, r: ScatterReduce, ...a: Args<[], ScatterReduceOptions>) { return scatterReduce(this, dim, i, s, r, ...a); },
});
