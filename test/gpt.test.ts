// Decoder-only GPT: the KV cache gives the same logits as full recomputation, causal masking
// (future tokens do not change earlier logits), sampling rules (greedy, temperature, top-k, top-p)
// and a seeded run that learns to continue a repeating sequence.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, manualSeed, nn, optim, tensor, F } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";

test("KV cache: cached and uncached decoding give the same logits and the same tokens", () => {
  manualSeed(3);
  const model = new nn.GPT(11, { blockSize: 12, nLayer: 2, nHead: 2, nEmbd: 8 }).eval();
  const ids = tensor([[1, 4, 2, 7, 3, 9, 0, 5], [2, 2, 8, 1, 6, 3, 3, 10]], { dtype: "int32" });
  const full = model.forward(ids);
  // prefill 3 positions, then one at a time
  let [logits, cache] = model.forwardCached(ids.narrow(1, 0, 3), null);
  assertClose(logits, full.narrow(1, 0, 3).dataSync(), { rtol: 1e-4, atol: 1e-5 }, "prefill");
  for (let t = 3; t < 8; t++) {
    [logits, cache] = model.forwardCached(ids.narrow(1, t, 1), cache);
    assertClose(logits, full.narrow(1, t, 1).dataSync(), { rtol: 1e-4, atol: 1e-5 }, `step ${t}`);
  }
  const a = nn.generate(model, [1, 4, 2], 6, { greedy: true });
  const b = nn.generate(model, [1, 4, 2], 6, { greedy: true, useCache: false });
  assert.deepEqual(a.toArray(), b.toArray());
  const s1 = nn.generate(model, [1, 4], 8, { topK: 4, generator: new Generator(1) });
  const s2 = nn.generate(model, [1, 4], 8, { topK: 4, useCache: false, generator: new Generator(1) });
  assert.deepEqual(s1.toArray(), s2.toArray());
  assert.throws(() => nn.generate(model, [1, 4], 11), /generate: 2 prompt \+ 11 new tokens exceed blockSize 12/);
  assert.equal(nn.generate(model, [1, 4], 14, { useCache: false }).shape[1], 16); // crops the context
});

test("causal: changing a later token leaves earlier logits unchanged", () => {
  manualSeed(4);
  const model = new nn.GPT(7, { blockSize: 6, nLayer: 1, nHead: 2, nEmbd: 8 }).eval();
  const a = model.forward(tensor([[1, 2, 3, 4]], { dtype: "int32" }));
  const b = model.forward(tensor([[1, 2, 3, 6]], { dtype: "int32" }));
  assertClose(a.narrow(1, 0, 3), b.narrow(1, 0, 3).dataSync(), { rtol: 1e-6, atol: 1e-6 });
  assert.ok(Math.abs(a.narrow(1, 3, 1).sub(b.narrow(1, 3, 1)).abs().sum().item()) > 1e-4);
  assert.equal(model.head.weight, model.tokEmb.weight); // tied un-embedding
});

test("sampling: greedy, top-k, top-p and temperature follow their definitions", () => {
  const logits = tensor([[Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)]]).expand(2000, 4).contiguous();
  const counts = (s: number[]): number[] => [0, 1, 2, 3].map((c) => s.filter((x) => x === c).length / s.length);
  assert.deepEqual([...nn.sampleLogits(logits, { greedy: true }).dataSync().slice(0, 3)], [0, 0, 0]);
  const plain = counts(nn.sampleLogits(logits, { generator: new Generator(1) }).toArray() as number[]);
  [0.5, 0.3, 0.15, 0.05].forEach((p, i) => assert.ok(Math.abs(plain[i]! - p) < 0.04, `p${i} ${plain[i]}`));
  const k2 = counts(nn.sampleLogits(logits, { topK: 2, generator: new Generator(2) }).toArray() as number[]);
  assert.equal(k2[2]! + k2[3]!, 0);
  assert.ok(Math.abs(k2[0]! - 0.625) < 0.04, `top-2 renormalises: ${k2[0]}`);
  const p7 = counts(nn.sampleLogits(logits, { topP: 0.7, generator: new Generator(3) }).toArray() as number[]);
  assert.equal(p7[2]! + p7[3]!, 0); // 0.5 + 0.3 reaches 0.7
  const p9 = counts(nn.sampleLogits(logits, { topP: 0.9, generator: new Generator(3) }).toArray() as number[]);
  assert.ok(p9[2]! > 0.1 && p9[3] === 0); // 0.5 + 0.3 + 0.15 reaches 0.9
  const cold = counts(nn.sampleLogits(logits, { temperature: 0.1, generator: new Generator(4) }).toArray() as number[]);
  assert.ok(cold[0]! > 0.99, `cold ${cold[0]}`);
  assert.throws(() => nn.sampleLogits(logits, { temperature: 0 }), /temperature must be > 0/);
});

test("a seeded GPT learns to continue a cyclic sequence (loss bar and greedy continuation)", () => {
  manualSeed(0);
  const seq = Array.from({ length: 40 }, (_, i) => [0, 1, 2, 3, 4, 5, 6][i % 7]!);
  const model = new nn.GPT(7, { blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16 });
  const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
  let loss = 0;
  for (let step = 0; step < 60; step++) {
    const starts = [0, 5, 11, 17];
    const x = tensor(starts.map((s) => seq.slice(s, s + 16)), { dtype: "int32" });
    const y = tensor(starts.map((s) => seq.slice(s + 1, s + 17)), { dtype: "int32" });
    const l = F.crossEntropy(model.forward(x).reshape(-1, 7), y.reshape(-1));
    opt.zeroGrad();
    l.backward();
    opt.step();
    loss = l.item();
  }
  assert.ok(loss < 0.1, `loss ${loss}`); // measured 0.0075 at seed 0
  assert.deepEqual(nn.generate(model, [3, 4, 5], 8, { greedy: true }).toArray(), [[3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6]]);
});
