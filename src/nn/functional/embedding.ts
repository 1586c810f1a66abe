// Lookup layers: embedding (rows of a table by int32 index) and embeddingBag (sums, means or maxes
// of bags of rows), with torch's maxNorm renormalization of the rows looked up.

import { noGrad } from "../../autograd/grad-mode.js";
import { tensor, zeros } from "../../ops/creation.js";
import { applyFused } from "../../ops/fused/table.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";

/** Options torch's embedding functions share (sparse gradients are not supported). */
export interface LookupOptions {
  /** Rows looked up whose normType-norm exceeds maxNorm are rescaled to norm maxNorm, in place. */
  maxNorm?: number | null;
  /** The p of the norm maxNorm bounds (default 2). */
  normType?: number;
  /** Divides each row's gradient by its count among the indices (EmbeddingBag: modes 'sum' and 'mean'; 'max' throws, as torch). */
  scaleGradByFreq?: boolean;
  /** torch's sparse gradients; myelin has no sparse tensors (true throws). */
  sparse?: boolean;
}

/** Throws for the options myelin does not implement, so that they are never silently ignored. */
export function checkLookupOptions(op: string, o: Required<LookupOptions>): void {
  if (o.sparse) throw new Error(`${op}: sparse gradients are not supported (myelin has no sparse tensors); use sparse=false`);
  if (o.maxNorm != null && !(typeof o.maxNorm === "number" && o.maxNorm >= 0)) throw new RangeError(`${op}: maxNorm must be a non-negative number or null, got ${String(o.maxNorm)}`);
  if (typeof o.normType !== "number" || Number.isNaN(o.normType)) throw new TypeError(`${op}: normType must be a number, got ${String(o.normType)}`);
}

/**
 * int32 indices read on the host, each checked against the table's rows (a bad index must not
 * silently read another row); null where the backend cannot read synchronously and `need` is false.
 */
export function readIndices(op: string, input: Tensor, weight: Tensor, need = true): Int32Array | null {
  if (input.dtype !== "int32") throw new TypeError(`${op}: indices must be an int32 tensor, got ${input.dtype}`);
  const n = weight.shape[0]!;
  const ids = (need ? input.dataSync() : input.backend.readSync(input)) as Int32Array | null;
  for (const v of ids ?? [])
    if (v < 0 || v >= n) throw new RangeError(`${op}: index ${v} is out of range for ${n} embeddings (weight ${fmtShape(weight.shape)})`);
  return ids;
}

/**
 * torch.embedding_renorm_: each distinct row r of `ids` with ‖W[r]‖_p > maxNorm is scaled in place,
 * without gradient, by maxNorm / (‖W[r]‖_p + 1e−7). As in torch, the norm is taken in the table's
 * dtype and the scale in double, then rounded to the table's dtype for the product.
 */
export function renormRows(weight: Tensor, ids: ArrayLike<number>, maxNorm: number, normType: number): void {
  const rows = [...new Set(Array.from(ids))];
  if (rows.length === 0) return;
  const n = weight.shape[0]!;
  noGrad(() => {
    const idx = tensor(Int32Array.from(rows), { dtype: "int32", device: weight.device });
    const norms = weight.indexSelect(0, idx).norm(normType, 1).dataSync();
    const scale = new Float64Array(n).fill(1);
    let any = false;
    rows.forEach((r, i) => {
      if (norms[i]! > maxNorm) [scale[r], any] = [maxNorm / (norms[i]! + 1e-7), true];
    });
    if (any) weight.assign(weight.mul(tensor(scale, { shape: [n, 1], dtype: weight.dtype, device: weight.device })));
  });
}

/** F.embedding's options: torch's positionals after (input, weight). */
export interface EmbeddingFnOptions extends LookupOptions {
  paddingIdx?: number | null;
}

/**
 * Looks up rows of `weight` [numEmbeddings, D] for int32 indices [...] → [..., D]. The row at
 * paddingIdx receives no gradient. With maxNorm, the rows looked up are first renormalized in
 * place (see renormRows): W[r] ← W[r]·maxNorm/(‖W[r]‖_p + 1e−7) where ‖W[r]‖_p > maxNorm. With
 * scaleGradByFreq, row r's gradient is divided by r's count among the indices. Matches
 * torch.nn.functional.embedding.
 */
export function embedding(
  input: Tensor, weight: Tensor,
  ...args: Args<[paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean], EmbeddingFnOptions>
): Tensor {
  const o = resolveArgs<Required<EmbeddingFnOptions>>("F.embedding", args, ["paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "sparse"],
    { paddingIdx: null, maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: false });
  checkLookupOptions("F.embedding", o);
  const ids = readIndices("embedding", input, weight, o.maxNorm != null || o.scaleGradByFreq);
  const n = weight.shape[0]!;
  if (o.maxNorm != null) renormRows(weight, ids!, o.maxNorm, o.normType);
  const pad = o.paddingIdx == null ? -1 : o.paddingIdx < 0 ? o.paddingIdx + n : o.paddingIdx;
  // one fused op (ops/fused/embedding.ts): row copies forward, row sums in the table's dtype backward
  const rows = applyFused("embedding", [weight, input.reshape([-1])], { paddingIdx: pad })[0]!;
  return (o.scaleGradByFreq ? scaleGradByFreq(rows, ids!) : rows).reshape([...input.shape, weight.shape[1]!]);
}

/**
 * The looked-up rows [K, D] (row k is W[ids[k]]) with the same values, whose gradient to the table
 * is divided by each index's count among `ids`, as torch's scale_grad_by_freq: the lookup scaled
 * by 1/count carries that gradient, added as S − S̄ (exactly 0 where finite) to the detached
 * lookup. (A second derivative through the output then sees the scaled Jacobian too; torch's does not.)
 */
function scaleGradByFreq(rows: Tensor, ids: ArrayLike<number>): Tensor {
  if (!rows.requiresGrad) return rows;
  const count = new Map<number, number>();
  for (const v of Array.from(ids)) count.set(v, (count.get(v) ?? 0) + 1);
  const inv = Float64Array.from(ids, (v) => 1 / count.get(v)!);
  const scaled = rows.mul(tensor(inv, { shape: [inv.length, 1], dtype: rows.dtype, device: rows.device }));
  const s0 = scaled.detach();
  return rows.detach().add(scaled.sub(s0).where(s0.isfinite(), 0));
}

export type EmbeddingBagMode = "sum" | "mean" | "max";

/** F.embeddingBag's options: torch's positionals after (input, weight). */
export interface EmbeddingBagOptions extends LookupOptions {
  /** For a 1-D input: where each bag starts (int32, offsets[0] = 0, non-decreasing). */
  offsets?: Tensor | null;
  mode?: EmbeddingBagMode;
  /** A weight per index, the input's shape, multiplying its row (mode 'sum' only, as torch). */
  perSampleWeights?: Tensor | null;
  /** offsets has one more entry, the end of the last bag (CSR style); indices past it are ignored. */
  includeLastOffset?: boolean;
  /** Indices equal to it are left out of their bag (a bag of only padding gives zeros). */
  paddingIdx?: number | null;
}

/** Each kept index's position in the flat input and its bag, and the bag count, from the input's layout. */
function bagsOf(op: string, input: Tensor, ids: Int32Array, o: Required<EmbeddingBagOptions>, pad: number): { pos: number[]; bag: number[]; nBags: number } {
  let starts: number[];
  let end = ids.length;
  if (input.ndim === 2) {
    if (o.offsets) throw new Error(`${op}: offsets must be null for a 2-D input ${fmtShape(input.shape)} (each row is a bag)`);
    starts = Array.from({ length: input.shape[0]! }, (_, b) => b * input.shape[1]!);
  } else if (input.ndim === 1) {
    if (!o.offsets || o.offsets.ndim !== 1 || o.offsets.dtype !== "int32")
      throw new Error(`${op}: a 1-D input needs 1-D int32 offsets, got ${o.offsets ? `${o.offsets.dtype} ${fmtShape(o.offsets.shape)}` : "null"}`);
    starts = [...o.offsets.dataSync()];
    if (starts.length > 0 && starts[0] !== 0) throw new Error(`${op}: offsets[0] must be 0 (the first bag starts at the first index), got ${starts[0]}`);
    for (let b = 1; b < starts.length; b++)
      if (starts[b]! < starts[b - 1]!) throw new Error(`${op}: offsets must be non-decreasing, got ${starts[b - 1]} then ${starts[b]} at ${b}`);
    if (starts.length > 0 && starts.at(-1)! > ids.length) throw new RangeError(`${op}: offsets[-1] = ${starts.at(-1)} is past the input's length ${ids.length}`);
    if (o.includeLastOffset) {
      if (starts.length === 0) throw new Error(`${op}: includeLastOffset needs at least one offset (the end of the last bag)`);
      end = starts.pop()!;
    }
  } else throw new Error(`${op}: input must be 1-D (with offsets) or 2-D [bags, indices], got ${fmtShape(input.shape)}`);
  const pos: number[] = [];
  const bag: number[] = [];
  for (let b = 0; b < starts.length; b++)
    for (let k = starts[b]!; k < (b + 1 < starts.length ? starts[b + 1]! : end); k++)
      if (ids[k] !== pad) {
        pos.push(k);
        bag.push(b);
      }
  return { pos, bag, nBags: starts.length };
}

/**
 * Reduces bags of rows of `weight` [numEmbeddings, D] to one vector each, → [bags, D], without
 * materializing [bags, N, D]: out[b] = Σ_{k∈b} w_k·W[i_k] ('sum', w_k the perSampleWeights or 1),
 * that sum over |b| ('mean', |b| counting non-padding indices) or the elementwise max ('max', its
 * gradient to the first maximal row, as torch). Bags are the rows of a 2-D input, or the runs of a
 * 1-D input between `offsets`; empty bags give zeros. maxNorm renormalizes the rows first, as
 * F.embedding does; scaleGradByFreq divides the table gradient of each index by its count among
 * the indices in bags (sum and mean; not max, as torch). Matches torch.nn.functional.embedding_bag.
 */
export function embeddingBag(
  input: Tensor, weight: Tensor,
  ...args: Args<[offsets: Tensor | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: EmbeddingBagMode, sparse: boolean,
    perSampleWeights: Tensor | null, includeLastOffset: boolean, paddingIdx: number | null], EmbeddingBagOptions>
): Tensor {
  const op = "F.embeddingBag";
  const o = resolveArgs<Required<EmbeddingBagOptions>>(op, args,
    ["offsets", "maxNorm", "normType", "scaleGradByFreq", "mode", "sparse", "perSampleWeights", "includeLastOffset", "paddingIdx"],
    { offsets: null, maxNorm: null, normType: 2, scaleGradByFreq: false, mode: "mean", sparse: false, perSampleWeights: null, includeLastOffset: false, paddingIdx: null });
  checkLookupOptions(op, o);
  if (!["sum", "mean", "max"].includes(o.mode)) throw new Error(`${op}: mode must be 'sum', 'mean' or 'max', got ${String(o.mode)}`);
  if (o.scaleGradByFreq && o.mode === "max") throw new Error(`${op}: max mode does not support scaling the gradient by the frequency (as torch)`);
  const psw = o.perSampleWeights;
  if (psw && o.mode !== "sum") throw new Error(`${op}: perSampleWeights is only supported for mode 'sum' (as torch), got mode '${o.mode}'`);
  if (psw && !(psw.shape.length === input.shape.length && psw.shape.every((s, d) => s === input.shape[d])))
    throw new Error(`${op}: perSampleWeights ${fmtShape(psw.shape)} must have the input's shape ${fmtShape(input.shape)}`);
  if (weight.ndim !== 2) throw new Error(`${op}: weight must be 2-D [numEmbeddings, D], got ${fmtShape(weight.shape)}`);
  const [n, dim] = weight.shape as [number, number];
  if (o.paddingIdx != null && !(Number.isInteger(o.paddingIdx) && o.paddingIdx >= -n && o.paddingIdx < n))
    throw new RangeError(`${op}: paddingIdx ${String(o.paddingIdx)} must be an integer within [-${n}, ${n})`);
  const ids = readIndices(op, input, weight)!;
  const pad = o.paddingIdx == null ? -1 : o.paddingIdx < 0 ? o.paddingIdx + n : o.paddingIdx;
  const { pos, bag, nBags } = bagsOf(op, input, ids, o, pad);
  if (o.maxNorm != null) renormRows(weight, ids, o.maxNorm, o.normType);
  const int = (v: ArrayLike<number>, shape = [v.length]): Tensor => tensor(Int32Array.from(v), { shape, dtype: "int32", device: weight.device });
  const kept = int(pos.map((k) => ids[k]!));
  if (o.mode === "max") {
    // the winning row per (bag, feature) is found on the host (strict >, so the first maximum wins
    // as in torch); the gather then routes the gradient to it
    const vals = weight.indexSelect(0, kept).dataSync();
    const win = new Int32Array(nBags * dim);
    const best = new Float64Array(nBags * dim);
    const seen = new Uint8Array(nBags);
    bag.forEach((b, r) => {
      for (let j = 0; j < dim; j++) {
        const v = vals[r * dim + j]!;
        if (!seen[b] || v > best[b * dim + j]!) [best[b * dim + j], win[b * dim + j]] = [v, ids[pos[r]!]!];
      }
      seen[b] = 1;
    });
    const nonEmpty = tensor(Uint8Array.from(seen), { shape: [nBags, 1], dtype: "bool", device: weight.device });
    return weight.gather(0, int(win, [nBags, dim])).where(nonEmpty, 0);
  }
  // the counts are over the indices in bags (padding left out: its row gets no gradient anyway)
  let rows = o.scaleGradByFreq ? scaleGradByFreq(weight.indexSelect(0, kept), pos.map((k) => ids[k]!)) : weight.indexSelect(0, kept);
  if (psw) rows = rows.mul(psw.reshape([-1]).indexSelect(0, int(pos)).unsqueeze(1));
  const sums = zeros([nBags, dim], { dtype: weight.dtype, device: weight.device }).scatterAdd(0, int(bag, [bag.length, 1]).expand([bag.length, dim]), rows);
  if (o.mode === "sum") return sums;
  const count = new Float64Array(nBags).fill(0);
  for (const b of bag) count[b]!++;
  return sums.div(tensor(count.map((c) => Math.max(c, 1)), { shape: [nBags, 1], dtype: weight.dtype, device: weight.device }));
}
