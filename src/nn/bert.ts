// BERT (Devlin et al., 2019) at a small scale: the encoder, its masked-language-model head (tied to
// the token embedding), the [CLS] classifier for fine-tuning, and the 15% / 80-10-10 token masking.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { arange, full, rand, randint, zeros } from "../ops/creation.js";
import { where } from "../ops/elementwise.js";
import { resolveArgs, type Args } from "../options.js";
import type { Generator } from "../random.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { gelu } from "./functional/activation.js";
import { dropout } from "./functional/layers.js";
import { Embedding } from "./embedding.js";
import { normal } from "./init.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { LayerNorm } from "./normalization.js";
import { TransformerEncoder, TransformerEncoderLayer } from "./transformer.js";

export interface BertOptions {
  /** Longest input (learned positions). */
  maxLen?: number;
  dModel?: number;
  nHead?: number;
  nLayer?: number;
  /** Width of the feed-forward layers (4·dModel when null). */
  dimFeedforward?: number | null;
  dropout?: number;
  /** The padding token: keys holding it are masked out of attention. */
  padIdx?: number;
  dtype?: DType;
}

/**
 * The BERT encoder: token + learned position embeddings, LayerNorm and dropout, then nLayer post-LN
 * Transformer encoder layers with GELU (BERT's layout). ids [N, L] int32 → hidden states [N, L, dModel];
 * positions holding padIdx are excluded from attention (a key padding mask).
 */
export class BertEncoder extends Module<[Tensor], Tensor> {
  tokEmb: Embedding;
  posEmb: Embedding;
  embNorm: LayerNorm;
  encoder: TransformerEncoder;
  readonly maxLen: number;
  readonly dModel: number;
  readonly padIdx: number;
  readonly p: number;
  constructor(readonly vocabSize: number, ...args: Args<[], BertOptions>) {
    super();
    const o = this.configure<Required<BertOptions>>("nn.BertEncoder", { vocabSize }, args, [],
      { maxLen: 64, dModel: 64, nHead: 4, nLayer: 2, dimFeedforward: null, dropout: 0.1, padIdx: 0, dtype: "float32" });
    if (o.dModel % o.nHead !== 0) throw new Error(`nn.BertEncoder: dModel (${o.dModel}) must be divisible by nHead (${o.nHead})`);
    if (!(o.padIdx >= 0 && o.padIdx < vocabSize)) throw new Error(`nn.BertEncoder: padIdx ${o.padIdx} is not a token id (vocabSize ${vocabSize})`);
    this.maxLen = o.maxLen;
    this.dModel = o.dModel;
    this.padIdx = o.padIdx;
    this.p = o.dropout;
    this.tokEmb = new Embedding(vocabSize, o.dModel, { paddingIdx: o.padIdx, dtype: o.dtype });
    this.posEmb = new Embedding(o.maxLen, o.dModel, { dtype: o.dtype });
    this.embNorm = new LayerNorm(o.dModel, { dtype: o.dtype });
    const layer = new TransformerEncoderLayer(o.dModel, o.nHead, o.dimFeedforward ?? 4 * o.dModel, o.dropout, "gelu", { batchFirst: true, dtype: o.dtype });
    this.encoder = new TransformerEncoder(layer, o.nLayer);
    noGrad(() => { // BERT's N(0, 0.02²) embeddings (the padding row stays zero)
      normal(this.tokEmb.weight, { std: 0.02 });
      normal(this.posEmb.weight, { std: 0.02 });
      const w = this.tokEmb.weight;
      w.assign(where(arange(0, vocabSize, 1, { dtype: "int32", device: w.device }).eq(o.padIdx).unsqueeze(1), 0, w));
    });
  }
  forward(ids: Tensor): Tensor {
    if (ids.ndim !== 2 || ids.dtype !== "int32") throw new Error(`nn.BertEncoder: expected int32 ids [N, L], got ${ids.dtype} ${fmtShape(ids.shape)}`);
    const L = ids.shape[1]!;
    if (L > this.maxLen) throw new Error(`nn.BertEncoder: ${L} positions exceed maxLen ${this.maxLen}`);
    const pos = arange(0, L, 1, { dtype: "int32", device: ids.backend.name });
    const x = dropout(this.embNorm.forward(this.tokEmb.forward(ids).add(this.posEmb.forward(pos))), { p: this.p, training: this.training });
    return this.encoder.forward(x, null, ids.eq(this.padIdx));
  }
}

/**
 * BERT's masked-language-model head on an encoder: dense + GELU + LayerNorm, then the un-embedding
 * tied to the encoder's token embedding plus an output bias. ids [N, L] → logits [N, L, vocabSize].
 */
export class BertForMaskedLM extends Module<[Tensor], Tensor> {
  transform: Linear;
  norm: LayerNorm;
  bias: Tensor;
  constructor(readonly bert: BertEncoder, ...args: Args<[], { dtype?: DType }>) {
    super();
    const { dtype } = resolveArgs<{ dtype: DType }>("nn.BertForMaskedLM", args, [], { dtype: "float32" });
    this.transform = new Linear(bert.dModel, bert.dModel, { dtype });
    this.norm = new LayerNorm(bert.dModel, { dtype });
    this.bias = Parameter(zeros([bert.vocabSize], { dtype }));
  }
  forward(ids: Tensor): Tensor {
    return this.logits(this.bert.forward(ids));
  }
  /**
   * Logits [K, vocabSize] at the positions where labels [N, L] are not −100 only (the ones the loss
   * reads: about 15%), and those labels [K]: the un-embedding is most of a small model's work.
   */
  forwardMasked(ids: Tensor, labels: Tensor): [Tensor, Tensor] {
    const h = this.bert.forward(ids);
    const flat = labels.reshape(-1);
    const at = flat.ne(-100).nonzero().reshape(-1);
    return [this.logits(h.reshape(-1, h.shape[2]!).indexSelect(0, at)), flat.indexSelect(0, at)];
  }
  private logits(h: Tensor): Tensor {
    return this.norm.forward(gelu(this.transform.forward(h))).matmul(this.bert.tokEmb.weight.t()).add(this.bias);
  }
}

export interface BertClassifierOptions {
  dropout?: number;
  /** What the pooler reads: the first ([CLS]) position, as BERT, or the mean over the non-padding positions. */
  pooling?: "cls" | "mean";
  dtype?: DType;
}

/**
 * Fine-tuning for classification: BERT's pooler (dense + tanh on the [CLS] position, or on the mean
 * of the non-padding positions), dropout and a linear classifier. ids [N, L] → logits [N, numLabels].
 * Pass a pre-trained encoder to fine-tune it.
 */
export class BertForSequenceClassification extends Module<[Tensor], Tensor> {
  pooler: Linear;
  classifier: Linear;
  readonly p: number;
  readonly pooling: "cls" | "mean";
  constructor(readonly bert: BertEncoder, readonly numLabels: number, ...args: Args<[], BertClassifierOptions>) {
    super();
    const o = resolveArgs<Required<BertClassifierOptions>>("nn.BertForSequenceClassification", args, [], { dropout: 0.1, pooling: "cls", dtype: "float32" });
    if (o.pooling !== "cls" && o.pooling !== "mean") throw new Error(`nn.BertForSequenceClassification: pooling must be 'cls' or 'mean', got '${String(o.pooling)}'`);
    this.p = o.dropout;
    this.pooling = o.pooling;
    this.pooler = new Linear(bert.dModel, bert.dModel, { dtype: o.dtype });
    this.classifier = new Linear(bert.dModel, numLabels, { dtype: o.dtype });
  }
  forward(ids: Tensor): Tensor {
    const h = this.bert.forward(ids);
    let first: Tensor;
    if (this.pooling === "cls") first = h.select(1, 0);
    else {
      const keep = ids.ne(this.bert.padIdx).unsqueeze(-1).to(h.dtype); // [N, L, 1]
      first = h.mul(keep).sum(1).div(keep.sum(1).clamp(1));
    }
    const pooled = this.pooler.forward(first).tanh();
    return this.classifier.forward(dropout(pooled, { p: this.p, training: this.training }));
  }
}

export interface MaskTokensOptions {
  /** Share of the (non-special) tokens chosen for prediction (BERT: 0.15). */
  prob?: number;
  /** Ids never chosen (padding, [CLS], …). */
  specialIds?: readonly number[];
  generator?: Generator;
}

/**
 * BERT's masked-LM corruption (Devlin et al., 2019, §3.1): each non-special token is chosen with
 * probability `prob`; a chosen token becomes maskId with probability 0.8, a random token
 * (uniform over 0 … vocabSize−1) with 0.1, and stays as it is with 0.1. Returns [inputs, labels]:
 * labels hold the original id where a token was chosen and −100 (ignored by crossEntropy) elsewhere.
 */
export function maskTokens(ids: Tensor, maskId: number, vocabSize: number, ...args: Args<[], MaskTokensOptions>): [Tensor, Tensor] {
  const { prob, specialIds, generator } = resolveArgs<MaskTokensOptions>("nn.maskTokens", args, [], { prob: 0.15, specialIds: [], generator: undefined });
  if (ids.dtype !== "int32") throw new Error(`nn.maskTokens: expected int32 ids, got ${ids.dtype} ${fmtShape(ids.shape)}`);
  if (!(prob! > 0 && prob! <= 1)) throw new Error(`nn.maskTokens: prob must be in (0, 1], got ${prob}`);
  const device = ids.backend.name;
  let eligible = full(ids.shape, 1, { dtype: "bool", device });
  for (const s of specialIds!) eligible = eligible.logicalAnd(ids.ne(s));
  const u = rand(ids.shape, { generator, device });
  const chosen = u.lt(prob!).logicalAnd(eligible);
  // one more draw splits the chosen ones 80 / 10 / 10
  const v = rand(ids.shape, { generator, device });
  const random = randint(0, vocabSize, ids.shape, { generator, device, dtype: "int32" });
  let inputs = where(chosen.logicalAnd(v.lt(0.8)), maskId, ids);
  inputs = where(chosen.logicalAnd(v.ge(0.8)).logicalAnd(v.lt(0.9)), random, inputs);
  const labels = where(chosen, ids, -100);
  return [inputs.int(), labels.int()];
}
