// nn.MultiheadAttention with torch's semantics, arguments and state-dict keys, the additive
// (Bahdanau) attention layer of deck 002, and nn.Attention (Keras's dot / scaled / cosine score layer).

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { cat, pad } from "../ops/movement.js";
import { full, zeros } from "../ops/creation.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape, shapesEqual } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { additiveScores, attend, cosineScores, dotProductScores, scaledDotProductScores } from "./functional/attention.js";
import { linear } from "./functional/layers.js";
import { fusedAttention } from "./functional/sdpa.js";
import { constant, uniform, xavierNormal, xavierUniform } from "./init.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  addBiasKv?: boolean;
  addZeroAttn?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
  dtype?: DType;
}

export interface MhaForwardOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
}

const MHA = "nn.MultiheadAttention";

/**
 * Multi-head attention (Vaswani et al., 2017, §3.2.2): headᵢ = softmax(QWᵢᑫ(KWᵢᵏ)ᵀ/√d)·VWᵢᵛ,
 * output = concat(head₁…headₕ)·Wᵒ. Matches torch.nn.MultiheadAttention (1.13/2.x): inputs
 * [L, N, E] (or [N, L, E] with batchFirst, or unbatched [L, E]); forward returns
 * [output, weights | null] with weights [N, L, S] averaged over heads (or [N, H, L, S]).
 * Masks follow torch: in attnMask ([L, S] or [N·H, L, S]) and keyPaddingMask ([N, S]) a bool true
 * means "do not attend"; float masks are added to the scores.
 * State dict: `in_proj_weight` [3E, E] (or `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when
 * kdim/vdim differ from E), `in_proj_bias` [3E], `bias_k`, `bias_v` [1, 1, E], `out_proj.weight`, `out_proj.bias`.
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, ...Args<[keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, averageAttnWeights: boolean], MhaForwardOptions>], [Tensor, Tensor | null]> {
  inProjWeight: Tensor | null = null;
  qProjWeight: Tensor | null = null;
  kProjWeight: Tensor | null = null;
  vProjWeight: Tensor | null = null;
  inProjBias: Tensor | null = null;
  biasK: Tensor | null = null;
  biasV: Tensor | null = null;
  outProj: Linear;
  readonly dropout: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly headDim: number;
  readonly batchFirst: boolean;
  readonly addZeroAttn: boolean;

  constructor(readonly embedDim: number, readonly numHeads: number, ...args: Args<[dropout: number, bias: boolean, addBiasKv: boolean, addZeroAttn: boolean, kdim: number | null, vdim: number | null, batchFirst: boolean], MultiheadAttentionOptions>) {
    super();
    const o = resolveArgs<Required<MultiheadAttentionOptions>>(MHA, args, ["dropout", "bias", "addBiasKv", "addZeroAttn", "kdim", "vdim", "batchFirst"],
      { dropout: 0, bias: true, addBiasKv: false, addZeroAttn: false, kdim: null, vdim: null, batchFirst: false, dtype: "float32" });
    if (!(embedDim > 0) || !(numHeads > 0) || embedDim % numHeads !== 0)
      throw new Error(`${MHA}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    if (!(o.dropout >= 0 && o.dropout <= 1)) throw new Error(`${MHA}: dropout probability has to be between 0 and 1, but got ${o.dropout}`);
    const dtype = o.dtype;
    this.kdim = o.kdim ?? embedDim;
    this.vdim = o.vdim ?? embedDim;
    this.headDim = embedDim / numHeads;
    this.dropout = o.dropout;
    this.batchFirst = o.batchFirst;
    this.addZeroAttn = o.addZeroAttn;
    if (this.kdim === embedDim && this.vdim === embedDim) this.inProjWeight = Parameter(zeros([3 * embedDim, embedDim], { dtype }));
    else {
      this.qProjWeight = Parameter(zeros([embedDim, embedDim], { dtype }));
      this.kProjWeight = Parameter(zeros([embedDim, this.kdim], { dtype }));
      this.vProjWeight = Parameter(zeros([embedDim, this.vdim], { dtype }));
    }
    if (o.bias) this.inProjBias = Parameter(zeros([3 * embedDim], { dtype }));
    if (o.addBiasKv) {
      this.biasK = Parameter(zeros([1, 1, embedDim], { dtype }));
      this.biasV = Parameter(zeros([1, 1, embedDim], { dtype }));
    }
    this.outProj = new Linear(embedDim, embedDim, o.bias, { dtype });
    this.resetParameters();
  }

  /** torch's _reset_parameters: Xavier-uniform projections, zero biases, Xavier-normal bias_k/bias_v (out_proj keeps Linear's init). */
  resetParameters(): void {
    noGrad(() => {
      if (this.inProjWeight) xavierUniform(this.inProjWeight);
      else for (const w of [this.qProjWeight!, this.kProjWeight!, this.vProjWeight!]) xavierUniform(w);
      if (this.inProjBias) constant(this.inProjBias, 0);
      if (this.outProj.bias) constant(this.outProj.bias, 0);
      if (this.biasK) xavierNormal(this.biasK);
      if (this.biasV) xavierNormal(this.biasV);
    });
  }

  forward(query: Tensor, key: Tensor, value: Tensor, ...args: Args<[keyPaddingMask: Tensor | null, needWeights: boolean, attnMask: Tensor | null, averageAttnWeights: boolean], MhaForwardOptions>): [Tensor, Tensor | null] {
    const o = resolveArgs<Required<MhaForwardOptions>>(`${MHA}.forward`, args, ["keyPaddingMask", "needWeights", "attnMask", "averageAttnWeights"],
      { keyPaddingMask: null, needWeights: true, attnMask: null, averageAttnWeights: true });
    const E = this.embedDim, H = this.numHeads, hd = this.headDim;
    const batched = query.ndim === 3;
    const shapes = `query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)}`;
    if (!(query.ndim === 2 || query.ndim === 3) || key.ndim !== query.ndim || value.ndim !== query.ndim)
      throw new Error(`${MHA}: expected query, key and value all 3-D (batched) or all 2-D (unbatched), got ${shapes}`);
    // Work batch-first: [N, L, E].
    const bf = (t: Tensor): Tensor => (!batched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const q0 = bf(query), k0 = bf(key), v0 = bf(value);
    const N = q0.shape[0]!, L = q0.shape[1]!;
    let S = k0.shape[1]!;
    if (q0.shape[2] !== E || k0.shape[2] !== this.kdim || v0.shape[2] !== this.vdim || k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S)
      throw new Error(`${MHA}(embedDim=${E}, kdim=${this.kdim}, vdim=${this.vdim}${this.batchFirst ? ", batchFirst" : ""}): got ${shapes}; expected features ${E}/${this.kdim}/${this.vdim}, one batch size and as many values as keys`);
    let attnMask = o.attnMask, kpm = o.keyPaddingMask;
    if (attnMask) {
      checkDtype("attnMask", attnMask, query.dtype);
      const ok2 = attnMask.ndim === 2 && attnMask.shape[0] === L && attnMask.shape[1] === S;
      const ok3 = attnMask.ndim === 3 && attnMask.shape[0] === N * H && attnMask.shape[1] === L && attnMask.shape[2] === S;
      if (!ok2 && !ok3) throw new Error(`${MHA}: attnMask has shape ${fmtShape(attnMask.shape)}, but should be [L, S] = ${fmtShape([L, S])} or [N·numHeads, L, S] = ${fmtShape([N * H, L, S])} (${shapes})`);
      if (ok2) attnMask = attnMask.unsqueeze(0);
    }
    if (kpm) {
      checkDtype("keyPaddingMask", kpm, query.dtype);
      const want = batched ? [N, S] : [S];
      if (kpm.ndim !== want.length || kpm.shape.some((d, i) => d !== want[i]))
        throw new Error(`${MHA}: keyPaddingMask has shape ${fmtShape(kpm.shape)}, but should be [N, S] = ${fmtShape(want)} (${shapes})`);
      if (!batched) kpm = kpm.unsqueeze(0);
    }
    // Input projections.
    const b = this.inProjBias;
    const bq = b ? b.narrow(0, 0, E) : null, bk = b ? b.narrow(0, E, E) : null, bv = b ? b.narrow(0, 2 * E, E) : null;
    let q: Tensor, k: Tensor, v: Tensor;
    if (this.inProjWeight && query === key && key === value) {
      // self-attention: one [3E, E] projection, split into views; the attention's backward writes dq, dk,
      // dv side by side, so the split's backward is a view and the input's gradient one GEMM
      [q, k, v] = linear(q0, this.inProjWeight, b).split(E, -1) as [Tensor, Tensor, Tensor];
    } else if (this.inProjWeight) {
      const w = this.inProjWeight;
      q = linear(q0, w.narrow(0, 0, E), bq);
      k = linear(k0, w.narrow(0, E, E), bk);
      v = linear(v0, w.narrow(0, 2 * E, E), bv);
    } else {
      q = linear(q0, this.qProjWeight!, bq);
      k = linear(k0, this.kProjWeight!, bk);
      v = linear(v0, this.vProjWeight!, bv);
    }
    // One extra key: a learned one (bias_k/bias_v) and/or a zero one; masks get a column that lets it through.
    const padMasks = (): void => {
      if (attnMask) attnMask = padLast(attnMask);
      if (kpm) kpm = padLast(kpm);
    };
    if (this.biasK && this.biasV) {
      k = cat([k, this.biasK.expand(N, 1, E)], 1);
      v = cat([v, this.biasV.expand(N, 1, E)], 1);
      padMasks();
      S++;
    }
    const heads = (t: Tensor): Tensor => t.reshape(N, t.shape[1]!, H, hd).transpose(1, 2); // [N, H, *, hd]
    const qh = heads(q);
    let kh = heads(k), vh = heads(v);
    if (this.addZeroAttn) {
      const z = zeros([N, H, 1, hd], { dtype: kh.dtype, device: kh.backend.name });
      kh = cat([kh, z], 2);
      vh = cat([vh, z], 2);
      padMasks();
      S++;
    }
    // One additive bias [N | 1, H | 1, L | 1, S] from both masks (bool true = masked out).
    let bias: Tensor | null = null;
    if (attnMask) bias = toBias(attnMask, query.dtype).reshape(attnMask.shape[0] === 1 ? [1, 1, L, S] : [N, H, L, S]);
    if (kpm) {
      const kb = toBias(kpm, query.dtype).reshape(N, 1, 1, S);
      bias = bias ? bias.add(kb) : kb;
    }
    // dropout on the weights inside the fused op (its keep-mask drawn as the composite's F.dropout draws it)
    const [ctx, weights] = fusedAttention(qh, kh, vh, bias, false, 1 / Math.sqrt(hd), this.training ? this.dropout : 0);
    let out = this.outProj.forward(ctx.transpose(1, 2).reshape(N, L, E));
    out = !batched ? out.squeeze(0) : this.batchFirst ? out : out.transpose(0, 1);
    if (!o.needWeights) return [out, null];
    let w = o.averageAttnWeights ? weights.mean(1) : weights;
    if (!batched) w = w.squeeze(0);
    return [out, w];
  }
}

function checkDtype(name: string, mask: Tensor, dtype: DType): void {
  if (mask.dtype !== "bool" && mask.dtype !== dtype)
    throw new Error(`${MHA}: ${name} must be bool (true = masked out) or ${dtype} (added to the scores), got ${mask.dtype} with shape ${fmtShape(mask.shape)}`);
}

/** Appends one "attend" column to a mask: false for bool, 0 for float (torch's F.pad(mask, (0, 1))). */
function padLast(mask: Tensor): Tensor {
  if (mask.dtype !== "bool") return pad(mask, [0, 1]);
  return cat([mask, full([...mask.shape.slice(0, -1), 1], 0, { dtype: "bool", device: mask.backend.name })], -1);
}

/** torch's MHA convention: a bool mask's true entries become −∞, a float mask is added as is. */
function toBias(mask: Tensor, dtype: DType): Tensor {
  if (mask.dtype !== "bool") return mask;
  return full(mask.shape, 0, { dtype, device: mask.backend.name }).maskedFill(mask, -Infinity);
}

export interface AdditiveAttentionOptions {
  dtype?: DType;
}

/**
 * Additive (Bahdanau) attention as a layer: scores vᵀ·tanh(W_q·q + W_k·k), softmax over the keys,
 * then the weighted sum of the values (Bahdanau et al., 2015). forward(query [N, L, Eq], key
 * [N, S, Ek], value [N, S, Ev], mask? bool [N, S] or [N, L, S], true = attend) → [context [N, L, Ev], weights [N, L, S]].
 * State dict: `w_query` [A, Eq], `w_key` [A, Ek], `v` [A].
 */
export class AdditiveAttention extends Module<[Tensor, Tensor, Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  wQuery: Tensor;
  wKey: Tensor;
  v: Tensor;
  constructor(readonly queryDim: number, readonly keyDim: number, readonly attnDim: number, ...args: Args<[], AdditiveAttentionOptions>) {
    super();
    const { dtype } = this.configure<Required<AdditiveAttentionOptions>>("nn.AdditiveAttention", { queryDim, keyDim, attnDim }, args, [], { dtype: "float32" });
    this.wQuery = Parameter(zeros([attnDim, queryDim], { dtype }));
    this.wKey = Parameter(zeros([attnDim, keyDim], { dtype }));
    this.v = Parameter(zeros([attnDim], { dtype }));
    noGrad(() => {
      xavierUniform(this.wQuery);
      xavierUniform(this.wKey);
      uniform(this.v, { a: -1 / Math.sqrt(attnDim), b: 1 / Math.sqrt(attnDim) });
    });
  }
  forward(query: Tensor, key: Tensor, value: Tensor, mask: Tensor | null = null): [Tensor, Tensor] {
    const scores = additiveScores(query, key, this.wQuery, this.wKey, this.v);
    const sShape = scores.shape, perKey = [...sShape.slice(0, -2), sShape.at(-1)!];
    if (mask && (mask.dtype !== "bool" || !(shapesEqual(mask.shape, perKey) || shapesEqual(mask.shape, sShape))))
      throw new Error(`nn.AdditiveAttention: mask must be bool (true = attend) of shape [N, S] = ${fmtShape(perKey)} or [N, L, S] = ${fmtShape(sShape)}, got ${mask.dtype} ${fmtShape(mask.shape)} (query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)})`);
    const m = mask && mask.ndim === sShape.length - 1 ? mask.unsqueeze(-2) : mask;
    return attend(scores, value, { mask: m });
  }
}

export interface AttentionOptions {
  /** "dot" q·kᵀ (Luong), "scaled" q·kᵀ/√E (Vaswani), "cosine" q̂·k̂ᵀ (Graves). */
  scoreMode?: "dot" | "scaled" | "cosine";
  /** Keras's use_scale: multiply the scores by a trainable scalar `scale` (initialised to 1). */
  useScale?: boolean;
  /** Dropout on the attention weights in training mode. */
  dropout?: number;
  dtype?: DType;
}

export interface AttentionForwardOptions {
  /** Keys; the values when null (Keras's default). */
  key?: Tensor | null;
  /** bool [N, S] or [N, L, S], true = attend (as nn.AdditiveAttention). */
  mask?: Tensor | null;
  /** Keras's use_causal_mask: query i sees keys j ≤ i. */
  causal?: boolean;
}

const SCORES = { dot: dotProductScores, scaled: scaledDotProductScores, cosine: cosineScores } as const;

/**
 * Parameter-free (Luong-style) attention as a layer, after Keras's keras.layers.Attention:
 * scores = s·score(q, k) with score(q, k) = q·kᵀ ("dot", Luong et al., 2015), q·kᵀ/√E ("scaled",
 * Vaswani et al., 2017) or (q/‖q‖)·(k/‖k‖)ᵀ ("cosine", Graves et al., 2014), s a trainable scalar
 * when useScale (else 1); weights = softmax(scores) over the keys, with masked or (causal) later
 * keys removed; context = weights·value. Keras's score_mode="concat" is nn.AdditiveAttention.
 * forward(query [N, L, E], value [N, S, Ev], key? [N, S, E] (= value when absent), mask? bool
 * [N, S] or [N, L, S] true = attend, { causal }) → [context [N, L, Ev], weights [N, L, S]]
 * (weights before dropout). A query whose keys are all masked gives NaN, as in torch.
 * State dict: `scale` [] when useScale, else empty.
 */
export class Attention extends Module<[Tensor, Tensor, ...Args<[key: Tensor | null, mask: Tensor | null], AttentionForwardOptions>], [Tensor, Tensor]> {
  readonly scoreMode: "dot" | "scaled" | "cosine";
  readonly dropout: number;
  scale: Tensor | null = null;
  constructor(...args: Args<[], AttentionOptions>) {
    super();
    const o = this.configure<Required<AttentionOptions>>("nn.Attention", {}, args, [], { scoreMode: "dot", useScale: false, dropout: 0, dtype: "float32" });
    if (!(o.scoreMode in SCORES)) throw new Error(`nn.Attention: scoreMode must be "dot", "scaled" or "cosine", got ${JSON.stringify(o.scoreMode)} (additive scores: nn.AdditiveAttention)`);
    if (!(o.dropout >= 0 && o.dropout < 1)) throw new Error(`nn.Attention: dropout must be in [0, 1), got ${o.dropout}`);
    this.scoreMode = o.scoreMode;
    this.dropout = o.dropout;
    if (o.useScale) this.scale = Parameter(full([], 1, { dtype: o.dtype }));
  }
  forward(query: Tensor, value: Tensor, ...args: Args<[key: Tensor | null, mask: Tensor | null], AttentionForwardOptions>): [Tensor, Tensor] {
    const o = resolveArgs<AttentionForwardOptions>("nn.Attention.forward", args, ["key", "mask"], { key: null, mask: null, causal: false });
    const key = o.key ?? value, mask = o.mask ?? null;
    if (key.ndim < 2 || value.ndim !== key.ndim || value.shape[value.ndim - 2] !== key.shape[key.ndim - 2])
      throw new Error(`nn.Attention: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must be [N, S, ·] with the same N and S`);
    let scores = SCORES[this.scoreMode](query, key);
    if (this.scale) scores = scores.mul(this.scale);
    const sShape = scores.shape, perKey = [...sShape.slice(0, -2), sShape.at(-1)!];
    if (mask && (mask.dtype !== "bool" || !(shapesEqual(mask.shape, perKey) || shapesEqual(mask.shape, sShape))))
      throw new Error(`nn.Attention: mask must be bool (true = attend) of shape [N, S] = ${fmtShape(perKey)} or [N, L, S] = ${fmtShape(sShape)}, got ${mask.dtype} ${fmtShape(mask.shape)} (query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)})`);
    const m = mask && mask.ndim === sShape.length - 1 ? mask.unsqueeze(-2) : mask;
    return attend(scores, value, { mask: m, causal: o.causal, dropoutP: this.training ? this.dropout : 0 });
  }
}
