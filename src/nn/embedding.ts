// Embedding: a lookup table of learnable vectors indexed by int32 ids; EmbeddingBag: its sums,
// means or maxes over bags of ids.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { tensor, zeros } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { checkLookupOptions, embedding, embeddingBag, type EmbeddingBagMode, type LookupOptions } from "./functional/embedding.js";
import { normal } from "./init.js";
import type { Args } from "../options.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Zeroes row p of a table (the padding row), without gradient. */
function zeroRow(weight: Tensor, p: number | null): void {
  if (p === null) return;
  const keep = Uint8Array.from({ length: weight.shape[0]! }, (_, i) => +(i !== p));
  // a select, not a product: torch fills +0 (a product would leave −0 where a weight was negative)
  noGrad(() => weight.assign(weight.where(tensor(keep, { shape: [weight.shape[0]!, 1], dtype: "bool", device: weight.device }), 0)));
}

export interface EmbeddingOptions extends LookupOptions {
  /** This row is initialised to zeros and never receives a gradient (negative counts from the end). */
  paddingIdx?: number | null;
  dtype?: DType;
}

/**
 * int32 ids [...] → vectors [..., embeddingDim]. State dict: `weight` [numEmbeddings, embeddingDim],
 * initialised N(0, 1) with the paddingIdx row zeroed. With maxNorm, each forward first rescales
 * in place the rows it looks up whose normType-norm exceeds maxNorm (see F.embedding). Matches
 * torch.nn.Embedding.
 */
export class Embedding extends Module {
  weight: Tensor;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  constructor(
    readonly numEmbeddings: number, readonly embeddingDim: number,
    ...args: Args<[paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean], EmbeddingOptions>
  ) {
    super();
    const o = this.configure<Required<EmbeddingOptions>>("nn.Embedding", { numEmbeddings, embeddingDim }, args, ["paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "sparse"],
      { paddingIdx: null, maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: false, dtype: "float32" }, { printAll: false });
    checkLookupOptions("nn.Embedding", o);
    [this.maxNorm, this.normType, this.scaleGradByFreq] = [o.maxNorm, o.normType, o.scaleGradByFreq];
    const dtype = o.dtype;
    let paddingIdx = o.paddingIdx;
    if (paddingIdx != null) {
      if (!Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings)
        throw new RangeError(`Embedding: paddingIdx ${paddingIdx} must be within [-${numEmbeddings}, ${numEmbeddings})`);
      if (paddingIdx < 0) paddingIdx += numEmbeddings;
    }
    this.paddingIdx = paddingIdx;
    this.weight = Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    this.resetParameters();
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    normal(this.weight);
    zeroRow(this.weight, this.paddingIdx);
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq });
  }
}

export interface EmbeddingBagModuleOptions extends LookupOptions {
  mode?: EmbeddingBagMode;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
  dtype?: DType;
}

/**
 * Sums, means or maxes of bags of embedding rows (see F.embeddingBag): int32 indices [B, N] (each
 * row a bag), or [L] with `offsets` [B] → [B, embeddingDim]. State dict: `weight` [numEmbeddings,
 * embeddingDim], initialised N(0, 1) with the paddingIdx row zeroed. Positionals follow torch's
 * order without its private `_weight` (load a table with loadStateDict). Matches torch.nn.EmbeddingBag.
 */
export class EmbeddingBag extends Module<[input: Tensor, offsets?: Tensor | null, perSampleWeights?: Tensor | null], Tensor> {
  weight: Tensor;
  readonly options: Required<Omit<EmbeddingBagModuleOptions, "dtype">>;
  constructor(
    readonly numEmbeddings: number, readonly embeddingDim: number,
    ...args: Args<[maxNorm: number | null, normType: number, scaleGradByFreq: boolean, mode: EmbeddingBagMode, sparse: boolean, includeLastOffset: boolean, paddingIdx: number | null], EmbeddingBagModuleOptions>
  ) {
    super();
    const { dtype, ...o } = this.configure<Required<EmbeddingBagModuleOptions>>("nn.EmbeddingBag", { numEmbeddings, embeddingDim }, args,
      ["maxNorm", "normType", "scaleGradByFreq", "mode", "sparse", "includeLastOffset", "paddingIdx"],
      { maxNorm: null, normType: 2, scaleGradByFreq: false, mode: "mean", sparse: false, includeLastOffset: false, paddingIdx: null, dtype: "float32" }, { printAll: false });
    checkLookupOptions("nn.EmbeddingBag", o);
    if (!["sum", "mean", "max"].includes(o.mode)) throw new Error(`nn.EmbeddingBag: mode must be 'sum', 'mean' or 'max', got ${String(o.mode)}`);
    if (o.paddingIdx != null) {
      if (!Number.isInteger(o.paddingIdx) || o.paddingIdx >= numEmbeddings || o.paddingIdx < -numEmbeddings)
        throw new RangeError(`nn.EmbeddingBag: paddingIdx ${String(o.paddingIdx)} must be an integer within [-${numEmbeddings}, ${numEmbeddings})`);
      if (o.paddingIdx < 0) o.paddingIdx += numEmbeddings;
    }
    this.options = o;
    this.weight = Parameter(zeros([numEmbeddings, embeddingDim], { dtype }));
    this.resetParameters();
  }

  /** Re-draws the weight from N(0, 1) and zeroes the padding row. */
  resetParameters(): void {
    normal(this.weight);
    zeroRow(this.weight, this.options.paddingIdx);
  }

  forward(input: Tensor, offsets: Tensor | null = null, perSampleWeights: Tensor | null = null): Tensor {
    const { maxNorm, normType, scaleGradByFreq, mode, includeLastOffset, paddingIdx } = this.options;
    return embeddingBag(input, this.weight, { offsets, maxNorm, normType, scaleGradByFreq, mode, perSampleWeights, includeLastOffset, paddingIdx });
  }
}
