// Lookup layers: embedding (rows of a table by int32 index) and embeddingBag (sums, means or maxes
// of bags of rows), with torch's maxNorm renormalization of the rows looked up.

import { noGrad } from "../../autograd/grad-mode.js";
import { tensor } from "../../ops/creation.js";
import { applyFused } from "../../ops/fused/table.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";

/** Options torch's embedding functions share (sparse gradients and frequency scaling are not supported). */
export interface LookupOptions {
  /** Rows looked up whose normType-norm exceeds maxNorm are rescaled to norm maxNorm, in place. */
  maxNorm?: number | null;
  /** The p of the norm maxNorm bounds (default 2). */
  normType?: number;
  /** torch scales each row's gradient by 1/(its count in the batch); not supported (true throws). */
  scaleGradByFreq?: boolean;
  /** torch's sparse gradients; myelin has no sparse tensors (true throws). */
  sparse?: boolean;
}

/** Throws for the options myelin does not implement, so that they are never silently ignored. */
export function checkLookupOptions(op: string, o: Required<LookupOptions>): void {
  if (o.sparse) throw new Error(`${op}: sparse gradients are not supported (myelin has no sparse tensors); use sparse=false`);
  if (o.scaleGradByFreq) throw new Error(`${op}: scaleGradByFreq is not supported; use scaleGradByFreq=false`);
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
 * place (see renormRows): W[r] ← W[r]·maxNorm/(‖W[r]‖_p + 1e−7) where ‖W[r]‖_p > maxNorm.
 * Matches torch.nn.functional.embedding.
 */
export function embedding(
  input: Tensor, weight: Tensor,
  ...args: Args<[paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean], EmbeddingFnOptions>
): Tensor {
  const o = resolveArgs<Required<EmbeddingFnOptions>>("F.embedding", args, ["paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "sparse"],
    { paddingIdx: null, maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: false });
  checkLookupOptions("F.embedding", o);
  const ids = readIndices("embedding", input, weight, o.maxNorm != null);
  const n = weight.shape[0]!;
  if (o.maxNorm != null) renormRows(weight, ids!, o.maxNorm, o.normType);
  const pad = o.paddingIdx == null ? -1 : o.paddingIdx < 0 ? o.paddingIdx + n : o.paddingIdx;
  // one fused op (ops/fused/embedding.ts): row copies forward, row sums in the table's dtype backward
  const rows = applyFused("embedding", [weight, input.reshape([-1])], { paddingIdx: pad })[0]!;
  return rows.reshape([...input.shape, weight.shape[1]!]);
}
