// The Vision Transformer (Dosovitskiy et al., 2021): images cut into patches, each patch a token
// (a strided convolution), a learned class token and positions, pre-LN encoder layers, a linear head.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { zeros } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import type { Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { Conv2d } from "./conv.js";
import { dropout } from "./functional/layers.js";
import { normal } from "./init.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { LayerNorm } from "./normalization.js";
import { Parameter } from "./parameter.js";
import { TransformerEncoder, TransformerEncoderLayer } from "./transformer.js";

export interface PatchEmbeddingOptions {
  dtype?: DType;
}

/**
 * Patches as tokens: a Conv2d with kernel = stride = patchSize, i.e. one linear map of each
 * flattened patch (ViT eq. 1). x [N, C, H, W] → [N, (H/p)·(W/p), embedDim], patches in row-major order.
 */
export class PatchEmbedding extends Module<[Tensor], Tensor> {
  proj: Conv2d;
  readonly numPatches: number;
  constructor(readonly imageSize: number, readonly patchSize: number, readonly inChannels: number, readonly embedDim: number, ...args: Args<[], PatchEmbeddingOptions>) {
    super();
    const { dtype } = this.configure<Required<PatchEmbeddingOptions>>("nn.PatchEmbedding", { imageSize, patchSize, inChannels, embedDim }, args, [], { dtype: "float32" });
    if (!(patchSize > 0) || imageSize % patchSize !== 0) throw new Error(`nn.PatchEmbedding: imageSize ${imageSize} is not a multiple of patchSize ${patchSize}`);
    this.numPatches = (imageSize / patchSize) ** 2;
    this.proj = new Conv2d(inChannels, embedDim, patchSize, { stride: patchSize, dtype });
  }
  forward(x: Tensor): Tensor {
    const s = this.imageSize;
    if (x.ndim !== 4 || x.shape[1] !== this.inChannels || x.shape[2] !== s || x.shape[3] !== s)
      throw new Error(`nn.PatchEmbedding: expected images [N, ${this.inChannels}, ${s}, ${s}], got ${fmtShape(x.shape)}`);
    return this.proj.forward(x).flatten(2).transpose(1, 2);
  }
}

export interface VisionTransformerOptions {
  inChannels?: number;
  numClasses?: number;
  embedDim?: number;
  depth?: number;
  numHeads?: number;
  /** Width of the MLP blocks (4·embedDim when null). */
  mlpDim?: number | null;
  dropout?: number;
  dtype?: DType;
}

/**
 * ViT: z₀ = [x_class; patch embeddings] + positions, depth pre-LN encoder layers (GELU MLP), then
 * LayerNorm of the class token's output and a linear head (ViT eq. 1-4). x [N, C, H, W] → logits [N, numClasses].
 */
export class VisionTransformer extends Module<[Tensor], Tensor> {
  patchEmbed: PatchEmbedding;
  clsToken: Tensor;
  posEmbed: Tensor;
  encoder: TransformerEncoder;
  norm: LayerNorm;
  head: Linear;
  readonly p: number;
  constructor(readonly imageSize: number, readonly patchSize: number, ...args: Args<[], VisionTransformerOptions>) {
    super();
    const o = this.configure<Required<VisionTransformerOptions>>("nn.VisionTransformer", { imageSize, patchSize }, args, [],
      { inChannels: 1, numClasses: 10, embedDim: 64, depth: 2, numHeads: 4, mlpDim: null, dropout: 0, dtype: "float32" });
    const { embedDim: d, dtype } = o;
    this.p = o.dropout;
    this.patchEmbed = new PatchEmbedding(imageSize, patchSize, o.inChannels, d, { dtype });
    this.clsToken = Parameter(zeros([1, 1, d], { dtype }));
    this.posEmbed = Parameter(zeros([1, this.patchEmbed.numPatches + 1, d], { dtype }));
    const layer = new TransformerEncoderLayer(d, o.numHeads, o.mlpDim ?? 4 * d, o.dropout, "gelu", { batchFirst: true, normFirst: true, dtype });
    this.encoder = new TransformerEncoder(layer, o.depth);
    this.norm = new LayerNorm(d, { dtype });
    this.head = new Linear(d, o.numClasses, { dtype });
    noGrad(() => { // N(0, 0.02²) class token and positions (timm truncates the normal at ±2)
      normal(this.posEmbed, { std: 0.02 });
      normal(this.clsToken, { std: 0.02 });
    });
  }
  forward(x: Tensor): Tensor {
    const t = this.patchEmbed.forward(x);
    const N = t.shape[0]!;
    let z = cat([this.clsToken.expand(N, 1, t.shape[2]!), t], 1).add(this.posEmbed);
    z = dropout(z, { p: this.p, training: this.training });
    return this.head.forward(this.norm.forward(this.encoder.forward(z).select(1, 0)));
  }
}
