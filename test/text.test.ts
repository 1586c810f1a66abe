// Tokenizers: characters and byte-level BPE (Wikipedia's worked example, round trips on Unicode
// text, special tokens, JSON save/load), padding and truncation.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data } from "../src/index.js";

const { BPETokenizer, CharTokenizer, padSequences, tokenizerFromJSON } = data;

test("CharTokenizer: sorted characters after the special tokens, round trip, <unk>, padding", () => {
  const tok = CharTokenizer.fromCorpus("hello world", { specialTokens: ["<pad>", "<unk>"] });
  assert.equal(tok.vocabSize, 2 + 8); // " dehlorw"
  assert.deepEqual(tok.encode("held"), [5, 4, 6, 3]);
  assert.equal(tok.decode(tok.encode("hello world")), "hello world");
  assert.deepEqual(tok.encode("hz"), [5, 1]);
  assert.deepEqual(tok.encode("he<pad>l"), [5, 4, 0, 6]);
  assert.deepEqual(tok.encode("hello", { maxLength: 7, padding: true }), [5, 4, 6, 6, 7, 0, 0]);
  assert.deepEqual(tok.encode("hello", { maxLength: 3, truncation: true }), [5, 4, 6]);
  assert.throws(() => tok.encode("hello", { maxLength: 3 }), /CharTokenizer\.encode: 5 tokens exceed maxLength 3; pass truncation: true/);
  assert.equal(tok.decode([5, 4, 0, 0], { skipSpecialTokens: true }), "he");
  const back = tokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
  assert.deepEqual(back.encode("hello world"), tok.encode("hello world"));
  assert.throws(() => CharTokenizer.fromCorpus("ab").encode("c"), /character 'c' is not in the vocabulary and there is no <unk> token/);
});

test("BPE: Wikipedia's worked example aaabdaaabac needs three merges to five tokens, first merge 'aa'", () => {
  const tok = BPETokenizer.train("aaabdaaabac", 256 + 3);
  assert.equal(tok.merges.length, 3);
  assert.deepEqual(tok.merges[0], [97, 97]); // "aa" is the most frequent pair
  const ids = tok.encode("aaabdaaabac");
  assert.equal(ids.length, 5); // XdXac
  assert.equal(ids[0], ids[2]);
  assert.equal(tok.decode(ids), "aaabdaaabac");
});

test("BPE: trained on a corpus it compresses, round-trips any Unicode text, keeps special tokens whole, saves and loads", () => {
  const corpus = "the cat sat on the mat. the cat ate the rat. a cat is not a hat; the mat is flat. ".repeat(20);
  const tok = BPETokenizer.train(corpus, 272, { specialTokens: ["<pad>", "<eos>"] });
  assert.equal(tok.vocabSize, 272);
  assert.equal(BPETokenizer.train(corpus, 1000).vocabSize < 1000, true); // stops when no pair repeats
  const text = "the cat sat on the flat mat";
  const ids = tok.encode(text);
  assert.ok(ids.length < new TextEncoder().encode(text).length / 2, `${ids.length} tokens`);
  for (const s of [text, "Grüße, 世界! 🙂 naïve café", "", "  spaces\tand\nnewlines  "]) assert.equal(tok.decode(tok.encode(s)), s);
  const eos = tok.tokenId("<eos>");
  assert.equal(eos, 271);
  assert.deepEqual(tok.encode("the<eos>").slice(-1), [eos]);
  const back = tokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
  assert.deepEqual(back.encode(text + "<eos>"), tok.encode(text + "<eos>"));
  assert.equal(back.decode(ids), text);
  assert.throws(() => tok.decode([272]), /BPETokenizer\.decode: id 272 is outside the vocabulary \[0, 272\)/);
});

test("padSequences: right and left padding with attention masks, truncation", () => {
  assert.deepEqual(padSequences([[1, 2, 3], [4]], { padId: 0 }), { ids: [[1, 2, 3], [4, 0, 0]], attentionMask: [[true, true, true], [true, false, false]] });
  assert.deepEqual(padSequences([[1, 2, 3], [4]], { padId: 9, maxLength: 2, side: "left" }).ids, [[1, 2], [9, 4]]);
  assert.throws(() => padSequences([[1, 2, 3]], { padId: 0, maxLength: 2, truncation: false }), /exceeds maxLength 2/);
});
