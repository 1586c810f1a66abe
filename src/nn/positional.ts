// Positional encodings (fixed sinusoidal and learned) and weight tying between an embedding and
// the un-embedding (output) layer.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { tensor, zeros } from "../ops/creation.js";
import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { dropout } from "./functional/layers.js";
import type { Embedding } from "./embedding.js";
import { normal } from "./init.js";
import type { Linear } from "./linear.js";
import { Module } from "./module.js";
import { Buffer, Parameter } from "./parameter.js";

export interface PositionalEncodingOptions {
  maxLen?: number;
  dropout?: number;
  /** Input [N, L, E] instead of [L, N, E]. */
  batchFirst?: boolean;
  dtype?: DType;
}

/**
 * The sinusoidal table PE[pos, 2i] = sin(pos/10000^(2i/d)), PE[pos, 2i+1] = cos(pos/10000^(2i/d))
 * (Vaswani et al., 2017, §3.5): [maxLen, d], computed in float64.
 */
export function sinusoidalTable(maxLen: number, d: number, { dtype = "float32" }: { dtype?: DType } = {}): Tensor {
  const out = new Float64Array(maxLen * d);
  for (let pos = 0; pos < maxLen; pos++)
    for (let i = 0; i < d; i++) {
      const angle = pos / Math.pow(10000, (2 * Math.floor(i / 2)) / d);
      out[pos * d + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  return tensor(out, { shape: [maxLen, d], dtype });
}

function checkSeq(where: string, x: Tensor, d: number, maxLen: number, batchFirst: boolean): number {
  const seqDim = x.ndim === 2 ? 0 : batchFirst ? 1 : 0;
  if (!(x.ndim === 2 || x.ndim === 3) || x.shape[x.ndim - 1] !== d || x.shape[seqDim]! > maxLen)
    throw new Error(`${where}: expected [${batchFirst ? "N, L" : "L, N"}, ${d}] or [L, ${d}] with L ≤ maxLen ${maxLen}, got ${fmtShape(x.shape)}`);
  return seqDim;
}

/**
 * Adds the fixed sinusoidal positional encoding to x, then dropout (PyTorch's tutorial
 * PositionalEncoding). The table is a non-persistent buffer: it is not in the state dict.
 */
export class SinusoidalPositionalEncoding extends Module {
  pe: Tensor;
  readonly maxLen: number;
  readonly p: number;
  readonly batchFirst: boolean;
  constructor(readonly dModel: number, ...args: Args<[], PositionalEncodingOptions>) {
    super();
    const { maxLen, dropout: p, batchFirst, dtype } = this.configure<Required<PositionalEncodingOptions>>(
      "nn.SinusoidalPositionalEncoding", { dModel }, args, [], { maxLen: 5000, dropout: 0, batchFirst: false, dtype: "float32" },
    );
    this.maxLen = maxLen;
    this.p = p;
    this.batchFirst = batchFirst;
    this.pe = Buffer(sinusoidalTable(maxLen, dModel, { dtype }), { persistent: false });
  }
  forward(x: Tensor): Tensor {
    const seqDim = checkSeq("nn.SinusoidalPositionalEncoding", x, this.dModel, this.maxLen, this.batchFirst);
    let pe = this.pe.narrow(0, 0, x.shape[seqDim]!);
    if (x.ndim === 3 && !this.batchFirst) pe = pe.unsqueeze(1);
    return dropout(x.add(pe.to(x.backend.name)), { p: this.p, training: this.training });
  }
}

/** A learned position embedding added to x (BERT, GPT): `weight` [maxLen, dModel], N(0, 0.02²) init. */
export class LearnedPositionalEncoding extends Module {
  weight: Tensor;
  readonly p: number;
  readonly batchFirst: boolean;
  constructor(readonly maxLen: number, readonly dModel: number, ...args: Args<[], Omit<PositionalEncodingOptions, "maxLen">>) {
    super();
    const { dropout: p, batchFirst, dtype } = this.configure<Required<Omit<PositionalEncodingOptions, "maxLen">>>(
      "nn.LearnedPositionalEncoding", { maxLen, dModel }, args, [], { dropout: 0, batchFirst: false, dtype: "float32" },
    );
    this.p = p;
    this.batchFirst = batchFirst;
    this.weight = Parameter(zeros([maxLen, dModel], { dtype }));
    noGrad(() => normal(this.weight, { std: 0.02 }));
  }
  forward(x: Tensor): Tensor {
    const seqDim = checkSeq("nn.LearnedPositionalEncoding", x, this.dModel, this.maxLen, this.batchFirst);
    let pe = this.weight.narrow(0, 0, x.shape[seqDim]!);
    if (x.ndim === 3 && !this.batchFirst) pe = pe.unsqueeze(1);
    return dropout(x.add(pe), { p: this.p, training: this.training });
  }
}

/**
 * Ties the un-embedding to the embedding (Press & Wolf, 2017): `output.weight` becomes the very
 * tensor `embedding.weight` ([vocab, d] for both), so one matrix is learned and its gradient sums
 * both uses. parameters() lists it once; the state dict keeps both keys, as torch does.
 */
export function tieWeights(embedding: Embedding, output: Linear): void {
  const e = embedding.weight, w = output.weight;
  if (e.shape[0] !== w.shape[0] || e.shape[1] !== w.shape[1])
    throw new Error(`tieWeights: embedding weight ${fmtShape(e.shape)} and output weight ${fmtShape(w.shape)} must have the same shape [vocab, d]`);
  output.weight = e;
}
