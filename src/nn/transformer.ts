// The Transformer (Vaswani et al., 2017) as torch.nn builds it: encoder and decoder layers, their
// stacks, nn.Transformer with generateSquareSubsequentMask; torch's arguments and state-dict keys.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { full } from "../ops/creation.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { gelu, relu } from "./functional/activation.js";
import { dropout as dropoutFn } from "./functional/layers.js";
import { MultiheadAttention } from "./attention.js";
import { xavierUniform } from "./init.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { LayerNorm } from "./normalization.js";

export type TransformerActivation = "relu" | "gelu" | ((x: Tensor) => Tensor);

export interface TransformerLayerOptions {
  dimFeedforward?: number;
  dropout?: number;
  activation?: TransformerActivation;
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  dtype?: DType;
}
type LayerArgs = Args<[dimFeedforward: number, dropout: number, activation: TransformerActivation, layerNormEps: number, batchFirst: boolean, normFirst: boolean], TransformerLayerOptions>;
const LAYER_POS = ["dimFeedforward", "dropout", "activation", "layerNormEps", "batchFirst", "normFirst"] as const;
const LAYER_DEFAULTS: Required<TransformerLayerOptions> = { dimFeedforward: 2048, dropout: 0.1, activation: "relu", layerNormEps: 1e-5, batchFirst: false, normFirst: false, dtype: "float32" };

function resolveActivation(where: string, a: TransformerActivation): (x: Tensor) => Tensor {
  if (typeof a === "function") return a;
  if (a === "relu") return relu;
  if (a === "gelu") return (x) => gelu(x);
  throw new Error(`${where}: activation should be relu/gelu or a function, not ${String(a)}`);
}

/**
 * Runs one of a layer's attention blocks so that MultiheadAttention's mask errors name the layer, the
 * block and the layer's own argument (tgtMask, memoryKeyPaddingMask, …) instead of attnMask/keyPaddingMask.
 */
function attention<T>(where: string, block: string, attnMask: string, keyPaddingMask: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    const msg = (e as Error).message;
    if (!/^nn\.MultiheadAttention: (attnMask|keyPaddingMask) /.test(msg)) throw e;
    const named = msg.replace(/^nn\.MultiheadAttention: /, "").replace(/\battnMask\b/g, attnMask).replace(/\bkeyPaddingMask\b/g, keyPaddingMask);
    throw new Error(`${where} (${block}): ${named}`, { cause: e });
  }
}

/** A layer that can be copied with fresh storage but equal weights (torch deep-copies the layer it stacks). */
interface Cloneable extends Module<never[], unknown> {
  clone(): this;
}
function cloneLayer<M extends Cloneable>(m: M): M {
  const c = m.clone();
  c.loadStateDict(m.stateDict());
  return c;
}

abstract class LayerBase extends Module<never[], unknown> {
  abstract linear1: Linear;
  abstract linear2: Linear;
  readonly cfg: Required<TransformerLayerOptions>;
  readonly act: (x: Tensor) => Tensor;
  constructor(where: string, readonly dModel: number, readonly nhead: number, args: LayerArgs) {
    super();
    this.cfg = resolveArgs<Required<TransformerLayerOptions>>(where, args, [...LAYER_POS], LAYER_DEFAULTS);
    this.act = resolveActivation(where, this.cfg.activation);
    if (!(this.cfg.dropout >= 0 && this.cfg.dropout <= 1)) throw new Error(`${where}: dropout probability has to be between 0 and 1, but got ${this.cfg.dropout}`);
  }
  protected drop(x: Tensor): Tensor {
    return this.cfg.dropout === 0 ? x : dropoutFn(x, { p: this.cfg.dropout, training: this.training });
  }
  protected ff(x: Tensor): Tensor {
    // relu: the bias and ReLU in linear1's GEMM epilogue and one rule (as nn.Sequential fuses them), same values
    const l1 = this.linear1, fuse = this.act === relu && l1.forward === Linear.prototype.forward;
    return this.drop(this.linear2.forward(this.drop(fuse ? l1.forwardRelu(x) : this.act(l1.forward(x)))));
  }
  protected checkInput(where: string, name: string, x: Tensor): void {
    if (!(x.ndim === 2 || x.ndim === 3) || x.shape[x.ndim - 1] !== this.dModel)
      throw new Error(`${where}: expected ${name} [${this.cfg.batchFirst ? "N, L" : "L, N"}, ${this.dModel}] or [L, ${this.dModel}], got ${fmtShape(x.shape)}`);
  }
}

export interface EncoderForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * One encoder block: self-attention then a position-wise feed-forward network, each with a residual
 * connection and LayerNorm, after (post-LN, the paper) or before (normFirst, pre-LN) the sub-layer.
 * Matches torch.nn.TransformerEncoderLayer(dModel, nhead, dimFeedforward = 2048, dropout = 0.1,
 * activation = relu, layerNormEps = 1e-5, batchFirst = false, normFirst = false). State dict:
 * `self_attn.*`, `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`.
 */
export class TransformerEncoderLayer extends LayerBase {
  // Declared in torch's order: the state dict follows field order.
  selfAttn: MultiheadAttention;
  linear1: Linear;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  readonly #args: LayerArgs;
  constructor(dModel: number, nhead: number, ...args: LayerArgs) {
    super("nn.TransformerEncoderLayer", dModel, nhead, args);
    this.#args = args;
    const { dimFeedforward: ff, dropout, batchFirst, layerNormEps: eps, dtype } = this.cfg;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype });
    this.linear1 = new Linear(dModel, ff, { dtype });
    this.linear2 = new Linear(ff, dModel, { dtype });
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
  }
  clone(): this {
    return new TransformerEncoderLayer(this.dModel, this.nhead, ...this.#args) as this;
  }
  forward(src: Tensor, ...args: Args<[srcMask: Tensor | null, srcKeyPaddingMask: Tensor | null], EncoderForwardOptions>): Tensor {
    const { srcMask, srcKeyPaddingMask } = resolveArgs<EncoderForwardOptions>("nn.TransformerEncoderLayer.forward", args, ["srcMask", "srcKeyPaddingMask"], { srcMask: null, srcKeyPaddingMask: null });
    this.checkInput("nn.TransformerEncoderLayer", "src", src);
    const sa = (x: Tensor): Tensor => this.drop(attention("nn.TransformerEncoderLayer", "self-attention", "srcMask", "srcKeyPaddingMask",
      () => this.selfAttn.forward(x, x, x, { attnMask: srcMask, keyPaddingMask: srcKeyPaddingMask, needWeights: false })[0]));
    let x = src;
    if (this.cfg.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      return x.add(this.ff(this.norm2.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    return this.norm2.forward(x.add(this.ff(x)));
  }
}

export interface DecoderForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}
type DecoderArgs = Args<[tgtMask: Tensor | null, memoryMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], DecoderForwardOptions>;
const DEC_POS = ["tgtMask", "memoryMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask"] as const;
const DEC_DEFAULTS: DecoderForwardOptions = { tgtMask: null, memoryMask: null, tgtKeyPaddingMask: null, memoryKeyPaddingMask: null };

/**
 * One decoder block: masked self-attention, cross-attention over the encoder's memory, then the
 * feed-forward network; residuals and LayerNorm as in the encoder layer. Matches
 * torch.nn.TransformerDecoderLayer (same arguments). State dict: `self_attn.*`, `multihead_attn.*`,
 * `linear1.*`, `linear2.*`, `norm1.*` … `norm3.*`.
 */
export class TransformerDecoderLayer extends LayerBase {
  selfAttn: MultiheadAttention;
  multiheadAttn: MultiheadAttention;
  linear1: Linear;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  readonly #args: LayerArgs;
  /** Not in torch: when true, forward keeps the cross-attention weights [N, L, S] (head-averaged) in lastCrossAttnWeights, for attention maps. */
  keepAttnWeights = false;
  lastCrossAttnWeights: Tensor | null = null;
  constructor(dModel: number, nhead: number, ...args: LayerArgs) {
    super("nn.TransformerDecoderLayer", dModel, nhead, args);
    this.#args = args;
    const { dimFeedforward: ff, dropout, batchFirst, layerNormEps: eps, dtype } = this.cfg;
    this.selfAttn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype });
    this.multiheadAttn = new MultiheadAttention(dModel, nhead, { dropout, batchFirst, dtype });
    this.linear1 = new Linear(dModel, ff, { dtype });
    this.linear2 = new Linear(ff, dModel, { dtype });
    this.norm1 = new LayerNorm(dModel, { eps, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, dtype });
    this.norm3 = new LayerNorm(dModel, { eps, dtype });
  }
  clone(): this {
    return new TransformerDecoderLayer(this.dModel, this.nhead, ...this.#args) as this;
  }
  forward(tgt: Tensor, memory: Tensor, ...args: DecoderArgs): Tensor {
    const m = resolveArgs<DecoderForwardOptions>("nn.TransformerDecoderLayer.forward", args, [...DEC_POS], DEC_DEFAULTS);
    this.checkInput("nn.TransformerDecoderLayer", "tgt", tgt);
    this.checkInput("nn.TransformerDecoderLayer", "memory", memory);
    const where = "nn.TransformerDecoderLayer";
    const sa = (x: Tensor): Tensor => this.drop(attention(where, "self-attention", "tgtMask", "tgtKeyPaddingMask",
      () => this.selfAttn.forward(x, x, x, { attnMask: m.tgtMask, keyPaddingMask: m.tgtKeyPaddingMask, needWeights: false })[0]));
    const ca = (x: Tensor): Tensor => {
      const [y, w] = attention(where, "cross-attention", "memoryMask", "memoryKeyPaddingMask",
        () => this.multiheadAttn.forward(x, memory, memory, { attnMask: m.memoryMask, keyPaddingMask: m.memoryKeyPaddingMask, needWeights: this.keepAttnWeights }));
      if (w) this.lastCrossAttnWeights = w.detach();
      return this.drop(y);
    };
    let x = tgt;
    if (this.cfg.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(ca(this.norm2.forward(x)));
      return x.add(this.ff(this.norm3.forward(x)));
    }
    x = this.norm1.forward(x.add(sa(x)));
    x = this.norm2.forward(x.add(ca(x)));
    return this.norm3.forward(x.add(this.ff(x)));
  }
}

/**
 * numLayers copies of an encoder layer (equal initial weights, as torch's deepcopy gives), then an
 * optional final norm. Matches torch.nn.TransformerEncoder(encoderLayer, numLayers, norm = null).
 * State dict: `layers.0.self_attn.in_proj_weight`, …, `norm.weight`.
 */
export class TransformerEncoder extends Module<[Tensor, ...Args<[mask: Tensor | null, srcKeyPaddingMask: Tensor | null], { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null }>]> {
  layers: TransformerEncoderLayer[];
  norm: LayerNorm | null;
  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, ...args: Args<[norm: LayerNorm | null], { norm?: LayerNorm | null }>) {
    super();
    const { norm } = resolveArgs("nn.TransformerEncoder", args, ["norm"], { norm: null as LayerNorm | null });
    if (!(Number.isInteger(numLayers) && numLayers >= 1)) throw new Error(`nn.TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = Array.from({ length: numLayers }, () => cloneLayer(encoderLayer));
    this.norm = norm;
  }
  forward(src: Tensor, ...args: Args<[mask: Tensor | null, srcKeyPaddingMask: Tensor | null], { mask?: Tensor | null; srcKeyPaddingMask?: Tensor | null }>): Tensor {
    const o = resolveArgs("nn.TransformerEncoder.forward", args, ["mask", "srcKeyPaddingMask"], { mask: null as Tensor | null, srcKeyPaddingMask: null as Tensor | null });
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, o.mask, o.srcKeyPaddingMask);
    return this.norm ? this.norm.forward(x) : x;
  }
}

/** numLayers copies of a decoder layer, then an optional norm. Matches torch.nn.TransformerDecoder. */
export class TransformerDecoder extends Module<[Tensor, Tensor, ...DecoderArgs]> {
  layers: TransformerDecoderLayer[];
  norm: LayerNorm | null;
  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, ...args: Args<[norm: LayerNorm | null], { norm?: LayerNorm | null }>) {
    super();
    const { norm } = resolveArgs("nn.TransformerDecoder", args, ["norm"], { norm: null as LayerNorm | null });
    if (!(Number.isInteger(numLayers) && numLayers >= 1)) throw new Error(`nn.TransformerDecoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = Array.from({ length: numLayers }, () => cloneLayer(decoderLayer));
    this.norm = norm;
  }
  forward(tgt: Tensor, memory: Tensor, ...args: DecoderArgs): Tensor {
    const m = resolveArgs<DecoderForwardOptions>("nn.TransformerDecoder.forward", args, [...DEC_POS], DEC_DEFAULTS);
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, m);
    return this.norm ? this.norm.forward(x) : x;
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  dModel?: number;
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
}

export interface TransformerForwardOptions extends DecoderForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
}

/**
 * The encoder-decoder Transformer: encoder stack + LayerNorm, decoder stack + LayerNorm. Matches
 * torch.nn.Transformer(dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6,
 * dimFeedforward = 2048, dropout = 0.1, activation = relu, …). forward(src, tgt, srcMask, tgtMask,
 * memoryMask, srcKeyPaddingMask, tgtKeyPaddingMask, memoryKeyPaddingMask). Like torch, every
 * parameter with more than one dim is re-initialised with Xavier-uniform.
 */
export class Transformer extends Module<[Tensor, Tensor, ...Args<[srcMask: Tensor | null, tgtMask: Tensor | null, memoryMask: Tensor | null, srcKeyPaddingMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], TransformerForwardOptions>]> {
  encoder: TransformerEncoder;
  decoder: TransformerDecoder;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;
  constructor(...args: Args<[dModel: number, nhead: number, numEncoderLayers: number, numDecoderLayers: number, dimFeedforward: number, dropout: number, activation: TransformerActivation, layerNormEps: number, batchFirst: boolean, normFirst: boolean], TransformerOptions>) {
    super();
    const o = resolveArgs<Required<TransformerOptions>>("nn.Transformer", args,
      ["dModel", "nhead", "numEncoderLayers", "numDecoderLayers", "dimFeedforward", "dropout", "activation", "layerNormEps", "batchFirst", "normFirst"],
      { dModel: 512, nhead: 8, numEncoderLayers: 6, numDecoderLayers: 6, ...LAYER_DEFAULTS });
    const { dModel, nhead, numEncoderLayers, numDecoderLayers, ...layer } = o;
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = o.batchFirst;
    this.encoder = new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layer), numEncoderLayers, new LayerNorm(dModel, { eps: o.layerNormEps, dtype: o.dtype }));
    this.decoder = new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layer), numDecoderLayers, new LayerNorm(dModel, { eps: o.layerNormEps, dtype: o.dtype }));
    noGrad(() => {
      for (const p of this.parameters()) if (p.ndim > 1) xavierUniform(p);
    });
  }
  forward(src: Tensor, tgt: Tensor, ...args: Args<[srcMask: Tensor | null, tgtMask: Tensor | null, memoryMask: Tensor | null, srcKeyPaddingMask: Tensor | null, tgtKeyPaddingMask: Tensor | null, memoryKeyPaddingMask: Tensor | null], TransformerForwardOptions>): Tensor {
    const m = resolveArgs<TransformerForwardOptions>("nn.Transformer.forward", args,
      ["srcMask", "tgtMask", "memoryMask", "srcKeyPaddingMask", "tgtKeyPaddingMask", "memoryKeyPaddingMask"],
      { srcMask: null, tgtMask: null, memoryMask: null, srcKeyPaddingMask: null, tgtKeyPaddingMask: null, memoryKeyPaddingMask: null });
    const bd = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[bd] !== tgt.shape[bd])
      throw new Error(`nn.Transformer: the batch number of src ${fmtShape(src.shape)} and tgt ${fmtShape(tgt.shape)} must be equal`);
    const memory = this.encoder.forward(src, m.srcMask, m.srcKeyPaddingMask);
    return this.decoder.forward(tgt, memory, m.tgtMask, m.memoryMask, m.tgtKeyPaddingMask, m.memoryKeyPaddingMask);
  }

  /** A float [sz, sz] mask with −∞ above the diagonal and 0 elsewhere (torch.nn.Transformer.generate_square_subsequent_mask). */
  static generateSquareSubsequentMask(sz: number, ...args: Args<[device: string, dtype: DType], { device?: string; dtype?: DType }>): Tensor {
    // torch 2.x's positional order (sz, device, dtype); torch 1.13 takes sz only
    const { device, dtype } = resolveArgs<{ device: string | undefined; dtype: DType }>("nn.Transformer.generateSquareSubsequentMask", args, ["device", "dtype"], { device: undefined, dtype: "float32" });
    return full([sz, sz], -Infinity, { dtype, device }).triu(1);
  }
}
