// A decoder-only Transformer (GPT) with a key/value cache, and autoregressive decoding with greedy,
// temperature, top-k and top-p (nucleus) sampling.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { arange, full, tensor } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import type { Args } from "../options.js";
import type { Generator } from "../random.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { gelu } from "./functional/activation.js";
import { scaledDotProductAttention } from "./functional/attention.js";
import { dropout } from "./functional/layers.js";
import { Embedding } from "./embedding.js";
import { normal } from "./init.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { LayerNorm } from "./normalization.js";
import { tieWeights } from "./positional.js";

/** Per layer, the keys and values of the positions seen so far: [N, H, P, headDim] each. */
export type KVCache = { k: Tensor; v: Tensor }[];

export interface GPTOptions {
  blockSize?: number;
  nLayer?: number;
  nHead?: number;
  nEmbd?: number;
  dropout?: number;
  /** Tie the un-embedding to the token embedding (default true). */
  tieWeights?: boolean;
  dtype?: DType;
}

class CausalSelfAttention extends Module<[Tensor, { k: Tensor; v: Tensor } | null], [Tensor, { k: Tensor; v: Tensor }]> {
  qkv: Linear;
  proj: Linear;
  constructor(readonly d: number, readonly nHead: number, readonly p: number, dtype: DType) {
    super();
    this.qkv = new Linear(d, 3 * d, { dtype });
    this.proj = new Linear(d, d, { dtype });
  }
  forward(x: Tensor, past: { k: Tensor; v: Tensor } | null): [Tensor, { k: Tensor; v: Tensor }] {
    const [N, T] = [x.shape[0]!, x.shape[1]!];
    const hd = this.d / this.nHead;
    const heads = (t: Tensor): Tensor => t.reshape(N, T, this.nHead, hd).transpose(1, 2);
    const [q, k0, v0] = this.qkv.forward(x).split(this.d, -1).map(heads) as [Tensor, Tensor, Tensor];
    const k = past ? cat([past.k, k0], 2) : k0, v = past ? cat([past.v, v0], 2) : v0;
    const P = k.shape[2]! - T;
    // New query i sits at position P + i and may see keys 0 … P + i.
    const mask = full([T, P + T], 1, { dtype: "bool", device: x.backend.name }).tril(P);
    const y = scaledDotProductAttention(q, k, v, mask, this.training ? this.p : 0);
    return [dropout(this.proj.forward(y.transpose(1, 2).reshape(N, T, this.d)), { p: this.p, training: this.training }), { k, v }];
  }
}

class Block extends Module<[Tensor, { k: Tensor; v: Tensor } | null], [Tensor, { k: Tensor; v: Tensor }]> {
  ln1: LayerNorm;
  attn: CausalSelfAttention;
  ln2: LayerNorm;
  fc: Linear;
  proj: Linear;
  constructor(d: number, nHead: number, readonly p: number, dtype: DType) {
    super();
    this.ln1 = new LayerNorm(d, { dtype });
    this.attn = new CausalSelfAttention(d, nHead, p, dtype);
    this.ln2 = new LayerNorm(d, { dtype });
    this.fc = new Linear(d, 4 * d, { dtype });
    this.proj = new Linear(4 * d, d, { dtype });
  }
  forward(x: Tensor, past: { k: Tensor; v: Tensor } | null): [Tensor, { k: Tensor; v: Tensor }] {
    const [a, cache] = this.attn.forward(this.ln1.forward(x), past);
    x = x.add(a);
    const m = this.proj.forward(gelu(this.fc.forward(this.ln2.forward(x))));
    return [x.add(dropout(m, { p: this.p, training: this.training })), cache];
  }
}

/**
 * GPT (Radford et al., 2018/2019): token + learned position embeddings, nLayer pre-LN blocks of
 * causal self-attention and a GELU MLP (4·d), a final LayerNorm and the un-embedding (tied to the
 * token embedding by default, Press & Wolf 2017). ids [N, T] int32 → logits [N, T, vocabSize].
 * forwardCached(ids, cache) runs only the new positions against cached keys and values.
 */
export class GPT extends Module<[Tensor], Tensor> {
  tokEmb: Embedding;
  posEmb: Embedding;
  blocks: Block[];
  lnF: LayerNorm;
  head: Linear;
  readonly blockSize: number;
  readonly p: number;
  constructor(readonly vocabSize: number, ...args: Args<[], GPTOptions>) {
    super();
    const { blockSize, nLayer, nHead, nEmbd, dropout: p, tieWeights: tie, dtype } = this.configure<Required<GPTOptions>>(
      "nn.GPT", { vocabSize }, args, [], { blockSize: 64, nLayer: 2, nHead: 4, nEmbd: 64, dropout: 0, tieWeights: true, dtype: "float32" },
    );
    if (nEmbd % nHead !== 0) throw new Error(`nn.GPT: nEmbd (${nEmbd}) must be divisible by nHead (${nHead})`);
    this.blockSize = blockSize;
    this.p = p;
    this.tokEmb = new Embedding(vocabSize, nEmbd, { dtype });
    this.posEmb = new Embedding(blockSize, nEmbd, { dtype });
    this.blocks = Array.from({ length: nLayer }, () => new Block(nEmbd, nHead, p, dtype));
    this.lnF = new LayerNorm(nEmbd, { dtype });
    this.head = new Linear(nEmbd, vocabSize, false, { dtype });
    noGrad(() => { // GPT-2's N(0, 0.02²) initialisation of embeddings
      normal(this.tokEmb.weight, { std: 0.02 });
      normal(this.posEmb.weight, { std: 0.02 });
    });
    if (tie) tieWeights(this.tokEmb, this.head);
  }

  forward(ids: Tensor): Tensor {
    return this.forwardCached(ids, null)[0];
  }

  /** Logits for the new positions ids [N, T] given the cache of the P positions before them. */
  forwardCached(ids: Tensor, cache: KVCache | null): [Tensor, KVCache] {
    if (ids.ndim !== 2 || ids.dtype !== "int32") throw new Error(`nn.GPT: expected int32 ids [N, T], got ${ids.dtype} ${fmtShape(ids.shape)}`);
    const P = cache ? cache[0]!.k.shape[2]! : 0, T = ids.shape[1]!;
    if (P + T > this.blockSize) throw new Error(`nn.GPT: ${P + T} positions exceed blockSize ${this.blockSize}`);
    const pos = arange(P, P + T, 1, { dtype: "int32", device: ids.backend.name });
    let x = dropout(this.tokEmb.forward(ids).add(this.posEmb.forward(pos)), { p: this.p, training: this.training });
    const next: KVCache = [];
    this.blocks.forEach((b, i) => {
      const [y, c] = b.forward(x, cache ? cache[i]! : null);
      x = y;
      next.push(c);
    });
    return [this.head.forward(this.lnF.forward(x)), next];
  }
}

export interface SampleOptions {
  /** Always take the most likely token. */
  greedy?: boolean;
  /** Divide the logits by this (> 0): below 1 sharper, above 1 flatter. */
  temperature?: number;
  /** Keep only the k most likely tokens. */
  topK?: number | null;
  /** Keep the smallest set of most likely tokens whose probability reaches p (Holtzman et al., 2020). */
  topP?: number | null;
  generator?: Generator;
}

/** One token per row from logits [N, V] → int32 [N]: greedy, or sampled after temperature, top-k and top-p. */
export function sampleLogits(logits: Tensor, { greedy = false, temperature = 1, topK = null, topP = null, generator }: SampleOptions = {}): Tensor {
  if (logits.ndim !== 2) throw new Error(`sampleLogits: expected logits [N, V], got ${fmtShape(logits.shape)}`);
  if (greedy) return logits.argmax(-1);
  if (!(temperature > 0)) throw new Error(`sampleLogits: temperature must be > 0 (use greedy for 0), got ${temperature}`);
  return noGrad(() => {
    let l = logits.detach().div(temperature);
    if (topK != null) {
      if (!(Number.isInteger(topK) && topK >= 1)) throw new Error(`sampleLogits: topK must be a positive integer, got ${topK}`);
      const kth = l.topk(Math.min(topK, l.shape[1]!))[0].narrow(-1, Math.min(topK, l.shape[1]!) - 1, 1);
      l = l.maskedFill(l.lt(kth), -Infinity);
    }
    let probs = l.softmax(-1);
    if (topP != null) {
      if (!(topP > 0 && topP <= 1)) throw new Error(`sampleLogits: topP must be in (0, 1], got ${topP}`);
      const sorted = probs.sort(-1, true)[0];
      // Keep a token while the mass before it is below p; the first token is always kept.
      const keep = sorted.cumsum(-1).sub(sorted).lt(topP);
      const count = keep.int().sum(-1, true);
      const threshold = sorted.gather(-1, count.sub(1).int());
      probs = probs.maskedFill(probs.lt(threshold), 0);
    }
    return probs.multinomial(1, { generator }).squeeze(-1);
  });
}

export interface GenerateOptions extends SampleOptions {
  /** Reuse keys and values of earlier positions (default true); false recomputes the whole context. */
  useCache?: boolean;
  /** Stop when every row has produced this id. */
  eosId?: number | null;
}

/**
 * Autoregressive decoding: appends maxNewTokens tokens to prompt ids [N, T0] (or one number[])
 * and returns int32 [N, T0 + new]. Runs in eval mode without gradients. Without the cache, a
 * context longer than blockSize is cropped to its last blockSize tokens; with it, T0 + maxNewTokens ≤ blockSize.
 */
export function generate(model: GPT, prompt: Tensor | readonly number[], maxNewTokens: number, opts: GenerateOptions = {}): Tensor {
  const { useCache = true, eosId = null, ...sample } = opts;
  let ids = Array.isArray(prompt) ? tensor([prompt as number[]], { dtype: "int32" }) : (prompt as Tensor);
  if (ids.ndim !== 2 || ids.shape[1] === 0) throw new Error(`generate: expected a non-empty prompt [N, T0], got ${fmtShape(ids.shape)}`);
  if (useCache && ids.shape[1]! + maxNewTokens > model.blockSize)
    throw new Error(`generate: ${ids.shape[1]} prompt + ${maxNewTokens} new tokens exceed blockSize ${model.blockSize}; pass useCache: false to crop the context`);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let cache: KVCache | null = null;
      let input = ids;
      for (let s = 0; s < maxNewTokens; s++) {
        let logits: Tensor;
        if (useCache) [logits, cache] = model.forwardCached(input, cache);
        else {
          const T = ids.shape[1]!;
          logits = model.forward(T > model.blockSize ? ids.narrow(1, T - model.blockSize, model.blockSize) : ids);
        }
        const next = sampleLogits(logits.select(1, logits.shape[1]! - 1), sample).unsqueeze(1);
        ids = cat([ids, next], 1);
        input = next;
        if (eosId !== null && ids.select(1, ids.shape[1]! - 1).eq(eosId).all().item()) break;
      }
      return ids;
    });
  } finally {
    model.train(wasTraining);
  }
}
