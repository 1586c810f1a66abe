// Embedding lookup and its backward: rows of a table [n, d] picked by int32 indices [k], and the
// gradient summed back into [n, d] row by row in the table's dtype (as torch's
// embedding_dense_backward), where the composite scatterAdd builds offset tables and a float64 copy
// of the whole table every step. The padding row (paddingIdx ≥ 0) gets no gradient.

import { embeddingJob } from "../../backend/wasm/attention-jobs.js";
import { Tensor } from "../../tensor.js";
import { where } from "../elementwise.js";
import { scatterAddNew } from "../indexing.js";
import { expand, unsqueeze } from "../movement.js";
import { wasmOf } from "./conv-host.js";
import { hostKernels, onHost, type FusedDef, type FusedKernel } from "./def.js";
import { applyFused } from "./table.js";

/** paddingIdx: the row that gets no gradient, or -1 for none (normalized by the caller). */
type Attrs = { paddingIdx: number };

/** Rows of `t` [k, d] whose index is the padding row, set to 0. */
const unpadded = (t: Tensor, index: Tensor, pad: number): Tensor => (pad < 0 ? t : where(unsqueeze(index.eq(pad), 1), 0, t));
const outOfRange = (row: number, n: number): RangeError => new RangeError(`embedding: index ${row} is out of range for ${n} embeddings`);

/** On wasm, float32 rows with int32 indices: the row copies (46) or sums (47) as one SIMD job; otherwise the host kernel. */
const rowsJob = <A extends Attrs & { n?: number }>(fn: 46 | 47, host: Record<string, FusedKernel<A>>): Record<string, FusedKernel<A>> => ({ ...host, wasm: (xs, a) => {
  const [src, index] = xs as [Tensor, Tensor], be = wasmOf(src), n = a.n ?? src.shape[0]!, d = src.shape[1]!, k = index.shape[0]!;
  if (!be || index.dtype !== "int32") return host.wasm!(xs, a);
  const s = src.contiguous(), ix = index.contiguous(), iv = be.hostView(ix.storage), shape = fn === 46 ? [k, d] : [n, d];
  for (let r = ix.offset; r < ix.offset + k; r++) if (!(iv[r]! >= 0 && iv[r]! < n)) throw outOfRange(iv[r]!, n);
  const out = Tensor.fromStorage(be, fn === 46 ? be.empty(k * d, "float32") : be.full(n * d, "float32", 0), shape, "float32");
  embeddingJob(be, fn, k, d, [s.storage, s.offset], [ix.storage, ix.offset], out.storage, fn === 46 ? -1 : a.paddingIdx);
  return [out];
} });

export const embedding: FusedDef<Attrs> = {
  reference: ([w, index], { paddingIdx }) => {
    const rows = w!.indexSelect(0, index!);
    return [paddingIdx < 0 ? rows : where(unsqueeze(index!.eq(paddingIdx), 1), rows.detach(), rows)];
  },
  backward: ([g], [w, index], _, { paddingIdx }) => [applyFused("embeddingBackward", [g!, index!], { n: w!.shape[0]!, paddingIdx })[0]!, null],
  kernels: rowsJob(46, hostKernels(([w, index]) => {
    const [n, d] = w!.shape as [number, number], k = index!.shape[0]!;
    return onHost([w!, index!], [[[k, d], w!.dtype]], ([wi, ii], [out]) => {
      for (let r = 0; r < k; r++) {
        const row = ii!.data[ii!.off + r]!;
        if (!(row >= 0 && row < n)) throw outOfRange(row, n);
        out!.set(wi!.data.subarray(wi!.off + row * d, wi!.off + row * d + d), r * d);
      }
    }, false);
  })),
};

export const embeddingBackward: FusedDef<Attrs & { n: number }> = {
  reference: ([g, index], { n, paddingIdx }) => {
    const src = unpadded(g!, index!, paddingIdx);
    return [scatterAddNew([n, g!.shape[1]!], 0, expand(unsqueeze(index!, 1), g!.shape), src)];
  },
  // linear in g: the gradient of gg is gathered back by row
  backward: ([gg], [, index], _, { paddingIdx }) => [unpadded(gg!.indexSelect(0, index!), index!, paddingIdx), null],
  kernels: rowsJob(47, hostKernels(([g, index], { n, paddingIdx }) => {
    const d = g!.shape[1]!, k = index!.shape[0]!;
    return onHost([g!, index!], [[[n, d], g!.dtype]], ([gi, ii], [out]) => {
      for (let r = 0; r < k; r++) {
        const row = ii!.data[ii!.off + r]!;
        if (row === paddingIdx) continue;
        if (!(row >= 0 && row < n)) throw outOfRange(row, n);
        const src = gi!.off + r * d;
        for (let j = 0; j < d; j++) out![row * d + j]! += gi!.data[src + j]!;
      }
    });
  })),
};
