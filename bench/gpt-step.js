// The char-GPT training step that bench/myelin.js's `gpt` row times and bench/gpt-ab.js compares
// across builds, built on one build of myelin's API, `L`, on the backend and seed already set.

import { mulberry32 } from "./lib.js";

/**
 * bench_torch.py's gpt: a char GPT of 2 pre-LN nn.TransformerEncoderLayer (d 128, 4 heads, FFN 512
 * ReLU, no dropout) with a causal float mask, learned positions, untied head; context 64, batch 16,
 * Adam 1e-3, random windows of `text` (its 64 most frequent chars + 1 "other" = vocab 65).
 * Returns { step, loss (after the last step), nparams, tokens (per step) }.
 */
export function gptStep(L, text) {
  const { F, nn, optim, randn, tensor } = L;
  const B = 16, T = 64, D = 128, V = 65;
  const freq = new Map();
  for (const ch of text) freq.set(ch, (freq.get(ch) ?? 0) + 1);
  const chars = [...freq.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 64).map((e) => e[0]);
  const idx = new Map(chars.map((c, i) => [c, i]));
  const ids = Int32Array.from([...text], (c) => idx.get(c) ?? 64);
  const wte = new nn.Embedding(V, D);
  const wpe = nn.Parameter(randn([T, D]).mul(0.02));
  const blocks = [0, 1].map(() => new nn.TransformerEncoderLayer(D, 4, 512, 0, "relu", { batchFirst: true, normFirst: true }));
  const lnf = new nn.LayerNorm(D);
  const head = new nn.Linear(D, V);
  const mask = nn.Transformer.generateSquareSubsequentMask(T);
  const params = [...wte.parameters(), wpe, ...blocks.flatMap((b) => [...b.parameters()]), ...lnf.parameters(), ...head.parameters()];
  const opt = new optim.Adam(params, { lr: 1e-3 });
  const r = mulberry32(5);
  let loss = NaN;
  const step = () => {
    const xb = new Int32Array(B * T), yb = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const s = Math.floor(r() * (ids.length - T - 1));
      xb.set(ids.subarray(s, s + T), b * T);
      yb.set(ids.subarray(s + 1, s + T + 1), b * T);
    }
    opt.zeroGrad();
    let x = wte.forward(tensor(xb, { shape: [B, T] })).add(wpe);
    for (const blk of blocks) x = blk.forward(x, mask);
    const l = F.crossEntropy(head.forward(lnf.forward(x)).reshape([-1, V]), tensor(yb));
    l.backward();
    opt.step();
    loss = l.item();
  };
  return { step, loss: () => loss, nparams: params.reduce((a, p) => a + p.numel, 0), tokens: B * T };
}
