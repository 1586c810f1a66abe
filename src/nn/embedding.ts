// Embedding: a lookup table of learnable vectors indexed by int32 ids.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { tensor, zeros } from "../ops/creation.js";
import type { Tensor } from "../tensor.js";
import { checkLookupOptions, embedding, type LookupOptions } from "./functional/embedding.js";
import { normal } from "./init.js";
import type { Args } from "../options.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

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
  constructor(
    readonly numEmbeddings: number, readonly embeddingDim: number,
    ...args: Args<[paddingIdx: number | null, maxNorm: number | null, normType: number, scaleGradByFreq: boolean, sparse: boolean], EmbeddingOptions>
  ) {
    super();
    const o = this.configure<Required<EmbeddingOptions>>("nn.Embedding", { numEmbeddings, embeddingDim }, args, ["paddingIdx", "maxNorm", "normType", "scaleGradByFreq", "sparse"],
      { paddingIdx: null, maxNorm: null, normType: 2, scaleGradByFreq: false, sparse: false, dtype: "float32" }, { printAll: false });
    checkLookupOptions("nn.Embedding", o);
    [this.maxNorm, this.normType] = [o.maxNorm, o.normType];
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
    if (this.paddingIdx !== null) {
      const p = this.paddingIdx;
      const keep = Float64Array.from({ length: this.numEmbeddings }, (_, i) => +(i !== p));
      noGrad(() => this.weight.assign(this.weight.mul(tensor(keep, { shape: [this.numEmbeddings, 1], dtype: this.weight.dtype, device: this.weight.device }))));
    }
  }

  forward(input: Tensor): Tensor {
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }
}
