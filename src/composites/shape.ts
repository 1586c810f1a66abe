// torch's shape and movement functions beyond the core's: broadcastTo, tile, roll, rot90, movedim,
// the stack/split families, diag/diagonal/diagEmbed, trace, meshgrid, combinations, blockDiag and
// repeatInterleave. Views, cat, slices and gathers of the core, so autograd needs no new rule.

import { resolveArgs, isOptionsObject, type Args } from "../options.js";
import { broadcastShapes, fmtShape, normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import type { DType } from "../dtype.js";
import { tensor, zeros } from "../ops/creation.js";
import { indexSelect, scatterAddNew } from "../ops/indexing.js";
import { cat, expand, flip, narrow, pad, permute, repeat, reshape, slice, stack, transpose, unsqueeze } from "../ops/movement.js";
import { installMethods } from "./methods.js";

const list = (v: number | readonly number[]): number[] => (typeof v === "number" ? [v] : [...v]);
const int32 = (like: Tensor, data: number[], shape: number[]): Tensor => Tensor.fromArray(Int32Array.from(data), shape, like.backend, "int32");
function atLeast(op: string, x: Tensor, ndim: number): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${typeof x}`);
  if (x.ndim < ndim) throw new Error(`${op}: expected a tensor with at least ${ndim} dims, got shape ${fmtShape(x.shape)}`);
}
/** Tensors given as varargs or as one array (torch's *tensors), and a trailing options object. */
function tensorsAndOptions(op: string, args: readonly unknown[]): [Tensor[], Record<string, unknown>[]] {
  const opts = args.length && isOptionsObject(args[args.length - 1]) ? [args[args.length - 1] as Record<string, unknown>] : [];
  const rest = args.slice(0, args.length - opts.length);
  const ts = (rest.length === 1 && Array.isArray(rest[0]) ? rest[0] : rest) as unknown[];
  ts.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: argument ${i} must be a Tensor, got ${t === null ? "null" : typeof t}`);
  });
  return [ts as Tensor[], opts];
}

/** x expanded (a view) to `shape`; −1 keeps a size. Matches torch.broadcast_to. */
export const broadcastTo = (x: Tensor, shape: readonly number[]): Tensor => expand(x, shape);
/** The tensors expanded (views) to their common broadcast shape. Matches torch.broadcast_tensors. */
export function broadcastTensors(...tensors: Tensor[] | [readonly Tensor[]]): Tensor[] {
  const [ts] = tensorsAndOptions("broadcastTensors", tensors);
  const shape = broadcastShapes("broadcastTensors", ...ts.map((t) => t.shape));
  return ts.map((t) => expand(t, shape));
}
/** x repeated dims[i] times along dim i; fewer dims than x.ndim are padded with leading 1s. Matches torch.tile. */
export function tile(x: Tensor, dims: number | readonly number[]): Tensor {
  const d = list(dims);
  return repeat(x, d.length < x.ndim ? [...Array<number>(x.ndim - d.length).fill(1), ...d] : d);
}

/** x shifted cyclically by shifts[i] along dims[i]; without dims, the flattened x is rolled. Matches torch.roll. */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
  const s = list(shifts);
  if (dims === undefined || (typeof dims !== "number" && dims.length === 0)) {
    if (s.length !== 1) throw new Error(`roll: without dims, shifts must be one number, got ${fmtShape(s)}`);
    return reshape(roll(reshape(x, [-1]), s, 0), x.shape);
  }
  const d = list(dims);
  if (s.length !== d.length) throw new Error(`roll: shifts ${fmtShape(s)} and dims ${fmtShape(d)} must have the same length`);
  let out = x;
  d.forEach((dim, i) => {
    const a = normDim("roll", dim, x.ndim), n = x.shape[a]!;
    const k = n === 0 ? 0 : ((s[i]! % n) + n) % n;
    if (k !== 0) out = cat([narrow(out, a, n - k, k), narrow(out, a, 0, n - k)], a);
  });
  return out === x ? x.clone() : out;
}

export interface Rot90Options {
  k?: number;
  dims?: readonly number[];
}
/** x rotated by k·90° in the plane of dims, from dims[0] towards dims[1]. Matches torch.rot90. */
export function rot90(x: Tensor, ...args: Args<[k: number, dims: readonly number[]], Rot90Options>): Tensor {
  const { k, dims } = resolveArgs<Required<Rot90Options>>("rot90", args, ["k", "dims"], { k: 1, dims: [0, 1] });
  if (dims.length !== 2) throw new Error(`rot90: expected 2 dims, got ${fmtShape(dims)}`);
  atLeast("rot90", x, 2);
  const [a, b] = [normDim("rot90", dims[0]!, x.ndim), normDim("rot90", dims[1]!, x.ndim)];
  if (a === b) throw new Error(`rot90: the two dims must differ, got ${fmtShape(dims)}`);
  if (!Number.isInteger(k)) throw new TypeError(`rot90: k must be an integer, got ${k}`);
  const turns = ((k % 4) + 4) % 4;
  if (turns === 1) return transpose(flip(x, [b]), a, b);
  if (turns === 2) return flip(x, [a, b]);
  if (turns === 3) return transpose(flip(x, [a]), a, b);
  return x.clone();
}

/** x with dims `source` moved to positions `destination`, the rest keeping their order. Matches torch.movedim. */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const src = list(source).map((d) => normDim("movedim", d, x.ndim)), dst = list(destination).map((d) => normDim("movedim", d, x.ndim));
  if (src.length !== dst.length) throw new Error(`movedim: source ${fmtShape(list(source))} and destination ${fmtShape(list(destination))} must have the same length`);
  if (new Set(src).size !== src.length || new Set(dst).size !== dst.length) throw new Error(`movedim: repeated dim in source ${fmtShape(list(source))} or destination ${fmtShape(list(destination))}`);
  const order = Array<number>(x.ndim).fill(-1);
  src.forEach((s, i) => (order[dst[i]!] = s));
  const rest = order.map((_, d) => d).filter((d) => !src.includes(d));
  return permute(x, order.map((o) => (o >= 0 ? o : rest.shift()!)));
}
/** Alias of movedim (torch.moveaxis). */
export const moveaxis = movedim;
/** Alias of transpose (torch.swapaxes). */
export const swapaxes = (x: Tensor, axis0: number, axis1: number): Tensor => transpose(x, axis0, axis1);
/** Alias of transpose (torch.swapdims). */
export const swapdims = (x: Tensor, dim0: number, dim1: number): Tensor => transpose(x, dim0, dim1);
/** x flattened to 1-D (a copy only when the layout needs one). Matches torch.ravel. */
export const ravel = (x: Tensor): Tensor => reshape(x, [-1]);
/** x with `dim` split into `sizes` (one may be −1). Matches torch.unflatten. */
export const unflatten = (x: Tensor, dim: number, sizes: readonly number[]): Tensor => x.unflatten(dim, sizes);

/** x viewed with at least 1 dim (0-d → [1]). Matches torch.atleast_1d. */
export const atleast1d = (x: Tensor): Tensor => (x.ndim >= 1 ? x : reshape(x, [1]));
/** x viewed with at least 2 dims ([n] → [1, n]). Matches torch.atleast_2d. */
export const atleast2d = (x: Tensor): Tensor => (x.ndim >= 2 ? x : reshape(x, [1, x.numel]));
/** x viewed with at least 3 dims ([n] → [1, n, 1], [m, n] → [m, n, 1]). Matches torch.atleast_3d. */
export const atleast3d = (x: Tensor): Tensor =>
  x.ndim >= 3 ? x : x.ndim === 2 ? unsqueeze(x, 2) : reshape(x, [1, x.numel, 1]);

function stackOf(op: string, tensors: readonly Tensor[], as: (t: Tensor) => Tensor, dim: (first: Tensor) => number): Tensor {
  const [ts] = tensorsAndOptions(op, [tensors]);
  if (ts.length === 0) throw new Error(`${op}: expected a non-empty list of tensors`);
  const shaped = ts.map(as);
  return cat(shaped, dim(shaped[0]!));
}
/** Concatenates along dim 1 (dim 0 for 1-D tensors; 0-d ones become 1-D). Matches torch.hstack. */
export const hstack = (tensors: readonly Tensor[]): Tensor => stackOf("hstack", tensors, atleast1d, (t) => (t.ndim === 1 ? 0 : 1));
/** Concatenates along dim 0 after atleast2d ([n] → [1, n]). Matches torch.vstack. */
export const vstack = (tensors: readonly Tensor[]): Tensor => stackOf("vstack", tensors, atleast2d, () => 0);
/** Alias of vstack (torch.row_stack). */
export const rowStack = (tensors: readonly Tensor[]): Tensor => stackOf("rowStack", tensors, atleast2d, () => 0);
/** Concatenates along dim 2 after atleast3d. Matches torch.dstack. */
export const dstack = (tensors: readonly Tensor[]): Tensor => stackOf("dstack", tensors, atleast3d, () => 2);
/** Concatenates along dim 1, 0-d and 1-D tensors as columns [n, 1]. Matches torch.column_stack. */
export const columnStack = (tensors: readonly Tensor[]): Tensor =>
  stackOf("columnStack", tensors, (t) => (t.ndim <= 1 ? reshape(t, [t.numel, 1]) : t), () => 1);

/**
 * Views of x split along dim: into `n` parts (the first n mod size one longer), or at the given
 * indices (Python slices between them, so they may be empty). A tensor argument is read on the
 * host: 0-d means sections, 1-D indices. Matches torch.tensor_split.
 */
export function tensorSplit(x: Tensor, indicesOrSections: number | readonly number[] | Tensor, dim = 0): Tensor[] {
  atLeast("tensorSplit", x, 1);
  const d = normDim("tensorSplit", dim, x.ndim), n = x.shape[d]!;
  let spec: number | number[] = indicesOrSections instanceof Tensor ? [] : typeof indicesOrSections === "number" ? indicesOrSections : [...indicesOrSections];
  if (indicesOrSections instanceof Tensor) {
    if (indicesOrSections.dtype !== "int32" || indicesOrSections.ndim > 1)
      throw new TypeError(`tensorSplit: a tensor indicesOrSections must be a 0-d or 1-D int32 tensor, got ${indicesOrSections.dtype} ${fmtShape(indicesOrSections.shape)}`);
    const v = [...indicesOrSections.dataSync()];
    spec = indicesOrSections.ndim === 0 ? v[0]! : v;
  }
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec <= 0) throw new RangeError(`tensorSplit: the number of sections must be a positive integer, got ${spec}`);
    const small = Math.floor(n / spec), extra = n % spec;
    let at = 0;
    return Array.from({ length: spec }, (_, i) => {
      const len = small + (i < extra ? 1 : 0);
      return narrow(x, d, (at += len) - len, len);
    });
  }
  const bounds = [0, ...spec];
  return bounds.map((start, i) => slice(x, d, start, i + 1 < bounds.length ? bounds[i + 1]! : n));
}
function splitAlong(op: string, x: Tensor, s: number | readonly number[], minDims: number, dim: number): Tensor[] {
  atLeast(op, x, minDims);
  if (typeof s === "number" && (s === 0 || x.shape[dim]! % s !== 0))
    throw new Error(`${op}: cannot split dim ${dim} of ${fmtShape(x.shape)} (size ${x.shape[dim]}) into ${s} equal parts`);
  return tensorSplit(x, s, dim);
}
/** tensorSplit along dim 1 (dim 0 for 1-D x); a number of sections must divide the size. Matches torch.hsplit. */
export const hsplit = (x: Tensor, sections: number | readonly number[]): Tensor[] => splitAlong("hsplit", x, sections, 1, x.ndim === 1 ? 0 : 1);
/** tensorSplit along dim 0 of an at-least-2-D x. Matches torch.vsplit. */
export const vsplit = (x: Tensor, sections: number | readonly number[]): Tensor[] => splitAlong("vsplit", x, sections, 2, 0);
/** tensorSplit along dim 2 of an at-least-3-D x. Matches torch.dsplit. */
export const dsplit = (x: Tensor, sections: number | readonly number[]): Tensor[] => splitAlong("dsplit", x, sections, 3, 2);
/** x reversed along dim 1. Matches torch.fliplr. */
export const fliplr = (x: Tensor): Tensor => (atLeast("fliplr", x, 2), flip(x, [1]));
/** x reversed along dim 0. Matches torch.flipud. */
export const flipud = (x: Tensor): Tensor => (atLeast("flipud", x, 1), flip(x, [0]));

/**
 * The diagonal of dims dim1 × dim2 with the given offset (> 0 above the main one), as the last dim
 * of the result: a strided slice of the two dims flattened. Matches torch.diagonal.
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  atLeast("diagonal", x, 2);
  const a = normDim("diagonal", dim1, x.ndim), b = normDim("diagonal", dim2, x.ndim);
  if (a === b) throw new Error(`diagonal: dim1 and dim2 must differ, got ${dim1} and ${dim2} for shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(offset)) throw new TypeError(`diagonal: offset must be an integer, got ${offset}`);
  const rest = x.shape.map((_, d) => d).filter((d) => d !== a && d !== b);
  const n = x.shape[a]!, m = x.shape[b]!;
  const flat = reshape(permute(x, [...rest, a, b]), [...rest.map((d) => x.shape[d]!), n * m]);
  const count = Math.max(0, offset >= 0 ? Math.min(n, m - offset) : Math.min(n + offset, m));
  if (count === 0) return narrow(flat, -1, 0, 0);
  const start = offset >= 0 ? offset : -offset * m;
  return slice(flat, -1, start, start + (count - 1) * (m + 1) + 1, m + 1);
}

/**
 * A tensor whose dims dim1 × dim2 (of ndim + 1) hold x's last dim on the diagonal with the given
 * offset, zeros elsewhere: a scatter into the flattened square. Matches torch.diag_embed.
 */
export function diagEmbed(x: Tensor, offset = 0, dim1 = -2, dim2 = -1): Tensor {
  atLeast("diagEmbed", x, 1);
  const nd = x.ndim + 1;
  const a = normDim("diagEmbed", dim1, nd), b = normDim("diagEmbed", dim2, nd);
  if (a === b) throw new Error(`diagEmbed: dim1 and dim2 must differ, got ${dim1} and ${dim2}`);
  if (!Number.isInteger(offset)) throw new TypeError(`diagEmbed: offset must be an integer, got ${offset}`);
  const n = x.shape[x.ndim - 1]!, m = n + Math.abs(offset), batch = x.shape.slice(0, -1);
  const pos = Array.from({ length: n }, (_, i) => (i + Math.max(0, -offset)) * m + i + Math.max(0, offset));
  const index = expand(int32(x, pos, [...batch.map(() => 1), n]), x.shape);
  const square = reshape(scatterAddNew([...batch, m * m], batch.length, index, x), [...batch, m, m]);
  return movedim(square, [nd - 2, nd - 1], [a, b]);
}

/** 1-D x: the square matrix with x on the given diagonal; 2-D x: its diagonal. Matches torch.diag. */
export function diag(x: Tensor, diagonal_ = 0): Tensor {
  if (!(x instanceof Tensor) || (x.ndim !== 1 && x.ndim !== 2)) throw new Error(`diag: expected a 1-D or 2-D tensor, got shape ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
  return x.ndim === 1 ? diagEmbed(x, diagonal_) : diagonal(x, diagonal_);
}
/** The flattened x on the given diagonal of a square matrix. Matches torch.diagflat. */
export const diagflat = (x: Tensor, offset = 0): Tensor => diagEmbed(reshape(x, [-1]), offset);
/** The sum of a matrix's main diagonal. Matches torch.trace. */
export function trace(x: Tensor): Tensor {
  if (!(x instanceof Tensor) || x.ndim !== 2) throw new Error(`trace: expected a 2-D tensor, got shape ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
  return diagonal(x).sum();
}

export interface IndicesOptions {
  offset?: number;
  /** int32 (the default; torch's int64) or a float dtype. */
  dtype?: DType;
  device?: string;
}
function triangleIndices(op: string, row: number, col: number, args: readonly unknown[], keep: (i: number, j: number, k: number) => boolean): Tensor {
  const { offset, dtype, device } = resolveArgs<IndicesOptions>(op, args, ["offset"], { offset: 0, dtype: "int32", device: undefined });
  for (const [name, v] of [["row", row], ["col", col], ["offset", offset]] as const)
    if (!Number.isInteger(v) || (name !== "offset" && v < 0)) throw new RangeError(`${op}: ${name} must be a ${name === "offset" ? "" : "non-negative "}integer, got ${v}`);
  const rows: number[] = [], cols: number[] = [];
  for (let i = 0; i < row; i++)
    for (let j = 0; j < col; j++)
      if (keep(i, j, offset!)) {
        rows.push(i);
        cols.push(j);
      }
  return tensor([...rows, ...cols], { shape: [2, rows.length], dtype, device });
}
/** The [2, N] row and column indices of the lower triangle (j − i ≤ offset) of a row × col matrix, row-major. Matches torch.tril_indices. */
export const trilIndices = (row: number, col: number, ...args: Args<[offset: number], IndicesOptions>): Tensor =>
  triangleIndices("trilIndices", row, col, args, (i, j, k) => j - i <= k);
/** The [2, N] row and column indices of the upper triangle (j − i ≥ offset), row-major. Matches torch.triu_indices. */
export const triuIndices = (row: number, col: number, ...args: Args<[offset: number], IndicesOptions>): Tensor =>
  triangleIndices("triuIndices", row, col, args, (i, j, k) => j - i >= k);

export interface MeshgridOptions {
  /** 'ij': output i varies along dim i (torch 1.13's default); 'xy': the first two dims swapped (NumPy's). */
  indexing?: "ij" | "xy";
}
/** Coordinate grids (expanded views) from 0-d or 1-D tensors of one dtype. Matches torch.meshgrid. */
export function meshgrid(...args: Tensor[] | [readonly Tensor[]] | [...Tensor[], MeshgridOptions] | [readonly Tensor[], MeshgridOptions]): Tensor[] {
  const [ts, opts] = tensorsAndOptions("meshgrid", args);
  const { indexing } = resolveArgs<Required<MeshgridOptions>>("meshgrid", opts, [], { indexing: "ij" });
  if (indexing !== "ij" && indexing !== "xy") throw new RangeError(`meshgrid: indexing must be 'ij' or 'xy', got ${String(indexing)}`);
  if (ts.length === 0) throw new Error("meshgrid: expected at least one tensor");
  ts.forEach((t, i) => {
    if (t.ndim > 1) throw new Error(`meshgrid: expected 0-D or 1-D tensors, got shape ${fmtShape(t.shape)} at position ${i}`);
    if (t.dtype !== ts[0]!.dtype) throw new TypeError(`meshgrid: expected tensors of one dtype, got ${ts[0]!.dtype} and ${t.dtype}`);
  });
  const pos = ts.map((_, i) => (indexing === "xy" && ts.length > 1 && i < 2 ? 1 - i : i));
  const shape = Array<number>(ts.length);
  ts.forEach((t, i) => (shape[pos[i]!] = t.numel));
  return ts.map((t, i) => expand(reshape(t, shape.map((s, d) => (d === pos[i] ? s : 1))), shape));
}
/** The cartesian product of 1-D tensors as rows of a [N, k] tensor (one tensor: itself). Matches torch.cartesian_prod. */
export function cartesianProd(...tensors: Tensor[] | [readonly Tensor[]]): Tensor {
  const [ts] = tensorsAndOptions("cartesianProd", tensors);
  ts.forEach((t) => {
    if (t.ndim !== 1) throw new Error(`cartesianProd: expected 1-D tensors, got shape ${fmtShape(t.shape)}`);
  });
  if (ts.length === 1) return ts[0]!;
  return stack(meshgrid(ts).map((g) => reshape(g, [-1])), 1);
}

export interface CombinationsOptions {
  r?: number;
  withReplacement?: boolean;
}
/** The length-r combinations of a 1-D tensor's elements as rows, in lexicographic order of positions. Matches torch.combinations. */
export function combinations(x: Tensor, ...args: Args<[r: number, withReplacement: boolean], CombinationsOptions>): Tensor {
  const { r, withReplacement } = resolveArgs<Required<CombinationsOptions>>("combinations", args, ["r", "withReplacement"], { r: 2, withReplacement: false });
  if (!(x instanceof Tensor) || x.ndim !== 1) throw new Error(`combinations: expected a 1-D tensor, got shape ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
  if (!Number.isInteger(r) || r < 0) throw new RangeError(`combinations: r must be a non-negative integer, got ${r}`);
  if (r === 0) return narrow(x, 0, 0, 0);
  const n = x.shape[0]!, rows: number[] = [];
  const walk = (from: number, picked: number[]): void => {
    if (picked.length === r) return void rows.push(...picked);
    for (let i = from; i < n; i++) walk(withReplacement ? i : i + 1, [...picked, i]);
  };
  walk(0, []);
  return reshape(indexSelect(x, 0, int32(x, rows, [rows.length])), [rows.length / r, r]);
}

/** The block-diagonal matrix of 0-D, 1-D (a row) and 2-D tensors, dtypes promoted. Matches torch.block_diag. */
export function blockDiag(...tensors: Tensor[] | [readonly Tensor[]]): Tensor {
  const [ts] = tensorsAndOptions("blockDiag", tensors);
  if (ts.length === 0) return zeros([0, 0]);
  ts.forEach((t, i) => {
    if (t.ndim > 2) throw new Error(`blockDiag: input tensors must have 2 or fewer dims; input ${i} has shape ${fmtShape(t.shape)}`);
  });
  const blocks = ts.map((t) => (t.ndim === 2 ? t : reshape(t, [1, t.numel])));
  const width = blocks.reduce((a, t) => a + t.shape[1]!, 0);
  let left = 0;
  return cat(blocks.map((t) => pad(t, [left, width - (left += t.shape[1]!)])), 0);
}

export interface RepeatInterleaveOptions {
  /** The dim to repeat along; null: the flattened input. */
  dim?: number | null;
  /** The total output size along dim, when known; checked. */
  outputSize?: number | null;
}
/**
 * Each element of x repeated `repeats` times (a number, or one count per element along dim) in
 * place: [a, b] → [a, a, b, b]. With one int32 tensor argument, the indices each repeated by
 * itself: [1, 0, 2] → [0, 2, 2]. Matches torch.repeat_interleave.
 */
export function repeatInterleave(x: Tensor, repeats?: number | Tensor, ...args: Args<[dim: number | null], RepeatInterleaveOptions>): Tensor {
  const { dim, outputSize } = resolveArgs<Required<RepeatInterleaveOptions>>("repeatInterleave", args, ["dim"], { dim: null, outputSize: null });
  const counts = (t: Tensor, n: number): number[] => {
    if (t.dtype !== "int32" || t.ndim > 1) throw new TypeError(`repeatInterleave: repeats must be a 0-D or 1-D int32 tensor, got ${t.dtype} ${fmtShape(t.shape)}`);
    const c = [...t.dataSync()];
    if (c.some((v) => v < 0)) throw new RangeError(`repeatInterleave: repeats must be non-negative, got ${fmtShape(c)}`);
    if (c.length !== n && c.length !== 1) throw new Error(`repeatInterleave: ${c.length} repeats for a dim of size ${n}; expected ${n} or 1`);
    return c.length === 1 ? Array<number>(n).fill(c[0]!) : c;
  };
  const check = (total: number): void => {
    if (outputSize !== null && outputSize !== total) throw new RangeError(`repeatInterleave: outputSize ${outputSize} differs from the repeats' total ${total}`);
  };
  if (repeats === undefined) {
    const c = counts(x, x.numel);
    check(c.reduce((a, b) => a + b, 0));
    return int32(x, c.flatMap((k, i) => Array<number>(k).fill(i)), [c.reduce((a, b) => a + b, 0)]);
  }
  const src = dim === null ? reshape(x, [-1]) : x;
  const d = dim === null ? 0 : normDim("repeatInterleave", dim, x.ndim);
  const n = src.ndim === 0 ? 1 : src.shape[d]!;
  if (typeof repeats === "number") {
    if (!Number.isInteger(repeats) || repeats < 0) throw new RangeError(`repeatInterleave: repeats must be a non-negative integer, got ${repeats}`);
    check(n * repeats);
    const shape = [...src.shape];
    const wide = expand(unsqueeze(src, d + 1), [...shape.slice(0, d + 1), repeats, ...shape.slice(d + 1)]);
    return reshape(wide, [...shape.slice(0, d), n * repeats, ...shape.slice(d + 1)]);
  }
  const c = counts(repeats, n);
  const idx = c.flatMap((k, i) => Array<number>(k).fill(i));
  check(idx.length);
  return indexSelect(src, d, int32(x, idx, [idx.length]));
}

declare module "../tensor.js" {
  interface Tensor {
    broadcastTo(shape: readonly number[]): Tensor; tile(dims: number | readonly number[]): Tensor;
    roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
    rot90(...args: Args<[k: number, dims: readonly number[]], Rot90Options>): Tensor;
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    swapaxes(axis0: number, axis1: number): Tensor; swapdims(dim0: number, dim1: number): Tensor; ravel(): Tensor;
    hsplit(sections: number | readonly number[]): Tensor[]; vsplit(sections: number | readonly number[]): Tensor[];
    dsplit(sections: number | readonly number[]): Tensor[];
    tensorSplit(indicesOrSections: number | readonly number[] | Tensor, dim?: number): Tensor[];
    fliplr(): Tensor; flipud(): Tensor; diag(diagonal?: number): Tensor; diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
    diagEmbed(offset?: number, dim1?: number, dim2?: number): Tensor; diagflat(offset?: number): Tensor; trace(): Tensor;
    repeatInterleave(repeats?: number | Tensor, ...args: Args<[dim: number | null], RepeatInterleaveOptions>): Tensor;
  }
}

type Dims = number | readonly number[];
installMethods({
  broadcastTo(this: Tensor, shape: readonly number[]) { return broadcastTo(this, shape); },
  tile(this: Tensor, dims: Dims) { return tile(this, dims); },
  roll(this: Tensor, shifts: Dims, dims?: Dims) { return roll(this, shifts, dims); },
  rot90(this: Tensor, ...a: Args<[k: number, dims: readonly number[]], Rot90Options>) { return rot90(this, ...a); },
  movedim(this: Tensor, s: Dims, d: Dims) { return movedim(this, s, d); }, moveaxis(this: Tensor, s: Dims, d: Dims) { return movedim(this, s, d); },
  swapaxes(this: Tensor, a: number, b: number) { return transpose(this, a, b); }, swapdims(this: Tensor, a: number, b: number) { return transpose(this, a, b); },
  ravel(this: Tensor) { return ravel(this); },
  hsplit(this: Tensor, s: Dims) { return hsplit(this, s); }, vsplit(this: Tensor, s: Dims) { return vsplit(this, s); },
  dsplit(this: Tensor, s: Dims) { return dsplit(this, s); },
  tensorSplit(this: Tensor, s: Dims | Tensor, dim?: number) { return tensorSplit(this, s, dim); },
  fliplr(this: Tensor) { return fliplr(this); }, flipud(this: Tensor) { return flipud(this); },
  diag(this: Tensor, k?: number) { return diag(this, k); },
  diagonal(this: Tensor, o?: number, a?: number, b?: number) { return diagonal(this, o, a, b); },
  diagEmbed(this: Tensor, o?: number, a?: number, b?: number) { return diagEmbed(this, o, a, b); },
  diagflat(this: Tensor, o?: number) { return diagflat(this, o); }, trace(this: Tensor) { return trace(this); },
  repeatInterleave(this: Tensor, r?: number | Tensor, ...a: Args<[dim: number | null], RepeatInterleaveOptions>) { return repeatInterleave(this, r, ...a); },
});
