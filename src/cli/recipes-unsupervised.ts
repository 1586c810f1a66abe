// Recipes that learn from unlabelled digits: the clustering auto-encoder (DEC: pre-training, k-means
// on the codes, then self-training) in phases through fit's trainStep, and a GAN on 14×14 digits
// whose samples a digit classifier judges, and semi-supervised learning (a denoising auto-encoder
// pre-trained on all images, then fine-tuned on 100 labels with virtual adversarial training), and a DDPM on the 14×14 digits; each leaves its pictures in the run folder.

import { data, F, Generator, models, nn, noGrad, optim, stack, type Tensor } from "../index.js";
import { loadMnist } from "../node.js";
import { type Logs } from "../train/index.js";
import type { Recipe } from "./recipes.js";
import { generatesSamples } from "./predict.js";
import { imageGridPng } from "./images.js";
import { all, asModel, digits, first, ganTraining, shape, stepsOf, type Samples, type Splits } from "./recipes-generative.js";
import { picture } from "./recipe-parts.js";

/** The first n inputs of any dataset of [x, y] samples, stacked. */
export function inputsOf(ds: Samples, n = ds.length): Tensor {
  return stack(Array.from({ length: Math.min(n, ds.length) }, (_, i) => ds.get(i)[0]));
}

/** An auto-encoder and DEC sharing its encoder: the recipe's model (state dict `ae.*`, `dec.centroids`). */
export class ClusteringAE extends nn.Module<[Tensor], Tensor> {
  ae: models.AutoEncoder;
  dec: models.DEC;
  constructor(readonly clusters = 10, readonly codeSize = 10) {
    super();
    this.ae = new models.AutoEncoder([784, 256, codeSize], { codeActivation: "none" });
    this.dec = new models.DEC(this.ae.encoder, clusters, codeSize);
  }
  forward(x: Tensor): Tensor {
    return this.dec.forward(x);
  }
}

/** The share of fit's epochs that pre-trains the auto-encoder before DEC's self-training (at least one of each). */
const PRETRAIN_SHARE = 0.6;
export const pretrainEpochs = (epochs: number): number => Math.max(1, Math.min(epochs - 1, Math.round(epochs * PRETRAIN_SHARE)));

const clusteringAe: Recipe = {
  ...shape,
  name: "clustering-ae",
  predict: { unsupported: "clusters the digits without labels (its clusters are named after the fact)" },
  description:
    "a clustering auto-encoder (DEC, Xie et al. 2016): a 784-256-10 auto-encoder pre-trained for 60% of the epochs, k-means on its codes, " +
    "then self-training on KL(P‖Q) into 10 clusters; loss: reconstruction MSE, then KL; test: cluster purity; each cluster's digits as a picture",
  defaults: { epochs: 20, batchSize: 128, lr: 1e-3, valSplit: 0.1 },
  data: digits,
  model: () => asModel(new ClusteringAE()),
  generative: {
    steps: (m, run) => {
      const c = m as ClusteringAE;
      const pretrain = pretrainEpochs(run?.epochs ?? 2);
      // soft cluster frequencies f_j over the training set, refreshed each DEC epoch: a batch's own are too noisy for P
      let frequencies: Tensor | undefined;
      // loss is the phase's objective; rec and kl are logged in both phases so history has one set of columns
      const logs = (x: Tensor, dec: boolean): Record<string, Tensor> => {
        const code = c.ae.encode(x);
        const rec = F.mseLoss(c.ae.decode(code), x);
        const q = models.softAssign(code, c.dec.centroids, c.dec.alpha);
        const kl = models.decLoss(q, noGrad(() => models.targetDistribution(q.detach(), frequencies)));
        return dec ? { loss: kl, rec: rec.detach(), kl } : { loss: rec, rec, kl: kl.detach() };
      };
      return {
        trainStep: (b, ctx) => {
          const dec = ctx.epoch >= pretrain;
          if (dec && ctx.step === 0 && run) {
            const x = noGrad(() => inputsOf(run.train, 4000));
            // k-means on the codes once pre-training ends (a run resumed later has its centroids in the checkpoint)
            if (ctx.epoch === pretrain) {
              c.dec.initCentroids(x, { nInit: 4 });
              // DEC's phase starts from a fresh optimizer state, as the paper's separate optimizer does: Adam's second moments
              // from pre-training are far smaller than KL's gradients and would scale the first steps up to 1/√(1 − β₂) ≈ 30×
              if (ctx.optimizer instanceof optim.Optimizer) ctx.optimizer.state.clear();
            }
            frequencies = noGrad(() => c.forward(x).mean(0));
          }
          return logs(first(b), dec);
        },
        // validation scores the epoch's own objective, so that --patience compares like with like within a phase
        validationStep: (b, ctx) => logs(first(b), ctx.epoch >= pretrain),
      };
    },
    test: (m, test) => {
      const c = m as ClusteringAE;
      const [x, y] = (test as unknown as { tensors: [Tensor, Tensor] }).tensors;
      const clusters = c.dec.predict(x);
      return { loss: noGrad(() => models.decLoss(c.forward(x)).item()), purity: models.clusterPurity(clusters, Array.from(y.dataSync(), Number)) };
    },
    pictures: (m, out, ds) => {
      const c = m as ClusteringAE;
      const x = all(ds.test, ds.test.length);
      const clusters = c.dec.predict(x);
      const perRow = 12;
      const rows: number[] = [];
      const pixels = x.dataSync();
      for (let k = 0; k < c.clusters; k++) {
        const members = clusters.flatMap((j, i) => (j === k ? [i] : [])).slice(0, perRow);
        for (let r = 0; r < perRow; r++) {
          const i = members[r];
          for (let p = 0; p < 784; p++) rows.push(i === undefined ? 0 : pixels[i * 784 + p]!);
        }
      }
      return picture(out, "clusters.png", imageGridPng(rows, 28, perRow));
    },
  },
};

/** The digits at 14×14 (2×2 average pooling), flattened to 196 pixels in [0, 1]: a GAN that trains in seconds. */
function digits14(): Splits {
  const { train, test } = loadMnist();
  const down = (ds: data.TensorDataset<[Tensor, Tensor]>): Samples => new data.TensorDataset(noGrad(() => F.avgPool2d(ds.tensors[0], 2).reshape([-1, 196])), ds.tensors[1]);
  return { train: down(train), test: down(test) };
}

/**
 * The judge of GAN samples: a 196-256-10 classifier trained for 5 epochs on the training digits.
 * A sample counts as recognised when the judge gives one class a probability above 0.9.
 */
export function digitJudge(train: Samples): nn.Sequential {
  const judge = new nn.Sequential(new nn.Linear(196, 256), new nn.ReLU(), new nn.Linear(256, 10));
  const opt = new optim.Adam(judge.parameters(), { lr: 1e-3 });
  const loader = new data.DataLoader(train, { batchSize: 64, shuffle: true, generator: new Generator(11) });
  for (let epoch = 0; epoch < 5; epoch++)
    for (const [x, y] of loader) {
      opt.zeroGrad();
      F.crossEntropy(judge.forward(x), y).backward();
      opt.step();
    }
  judge.eval();
  return judge;
}

/** Share of `samples` the judge recognises (max probability > 0.9) and how many of each class it recognises. */
export function judgeSamples(judge: nn.Sequential, samples: Tensor): { recognised: number; perClass: number[] } {
  const [conf, cls] = noGrad(() => judge.forward(samples).softmax(1).max(1));
  const c = conf.dataSync();
  const k = cls.dataSync();
  const perClass = new Array<number>(10).fill(0);
  for (let i = 0; i < c.length; i++) if (c[i]! > 0.9) perClass[Number(k[i])]!++;
  return { recognised: perClass.reduce((a, b) => a + b, 0) / c.length, perClass };
}

const ganDigits: Recipe = {
  ...shape,
  inputShape: [196],
  name: "gan-digits",
  predict: generatesSamples,
  description:
    "a GAN (Goodfellow et al. 2014; 64-256-196 generator, 196-256-1 discriminator with dropout 0.3 and one-sided label smoothing 0.9, one Adam each) drawing 14×14 digits; " +
    "test: the share of 1,000 samples a digit classifier recognises (p > 0.9) and how many of the ten classes they cover; a sample grid",
  defaults: { epochs: 40, batchSize: 64, lr: 1e-3, valSplit: 0 },
  data: digits14,
  model: () => {
    const G = new nn.Sequential(new nn.Linear(64, 256), new nn.LeakyReLU(0.2), new nn.Linear(256, 196), new nn.Sigmoid());
    // dropout and one-sided label smoothing keep D from overconfidence (Salimans et al. 2016): on a 2,000-digit slice they took
    // the judged samples from 5% in 5 classes to 35% in all ten
    const D = new nn.Sequential(new nn.Linear(196, 256), new nn.LeakyReLU(0.2), new nn.Dropout(0.3), new nn.Linear(256, 1));
    return asModel(new models.GAN(G, D, 64, { generator: new Generator(1) }));
  },
  generative: {
    ...ganTraining,
    steps: (m) => ({ trainStep: models.ganStep(m as models.GAN, { realLabel: 0.9 }), validationStep: () => ({}), manualOptimization: true }),
    test: (m, test, train) => {
      const g = m as models.GAN;
      const x = all(test, test.length);
      const logs: Logs = { loss: noGrad(() => models.discriminatorLoss(g.discriminator.forward(x), g.discriminator.forward(g.sample(x.shape[0]!))).item()) };
      if (!train) return logs;
      const judge = digitJudge(train);
      const { recognised, perClass } = judgeSamples(judge, g.sample(1000));
      return { ...logs, recognised, classes: perClass.filter((n) => n > 0).length, judgeAccuracy: noGrad(() => judge.forward(x).argmax(1).eq((test as data.TensorDataset<[Tensor, Tensor]>).tensors[1]).float().mean().item()) };
    },
    pictures: (m, out) => {
      return picture(out, "samples.png", imageGridPng((m as models.GAN).sample(100).dataSync() as Float32Array, 14, 10, 4));
    },
  },
};

/** The judge's hidden features (its 256 ReLU units) of images [N, 196]: the space where sample precision and recall are measured. */
export const judgeFeatures = (judge: nn.Sequential, x: Tensor): Tensor => noGrad(() => (judge.at(1) as nn.ReLU).forward((judge.at(0) as nn.Linear).forward(x)));

/**
 * n DDPM samples mapped back from the model's [−1, 1] to pixels in [0, 1]: [n, 196]. clip: clamp each step's x̂₀ to [−1, 1]
 * (off in the recipe: at full scale it narrows the samples, recall 0.35 → 0.04 for precision 0.39 → 0.48).
 */
export const ddpmDigits = (m: models.DDPM, n: number, clip = false): Tensor => m.sample(n, 196, clip ? { clipDenoised: [-1, 1] } : {}).add(1).div(2).clamp(0, 1);

const ddpmDigitsRecipe: Recipe = {
  ...shape,
  inputShape: [196],
  name: "ddpm-digits",
  predict: generatesSamples,
  description:
    "a DDPM diffusion model (Ho et al. 2020; T = 100, linear β, L_simple, ancestral sampling) drawing 14×14 digits scaled to [−1, 1]; " +
    "ε-network: a 228-512-512-196 SiLU MLP on x_t and a 32-feature sinusoidal step embedding; test: held-out L_simple, the share of 1,000 samples " +
    "the digit classifier recognises (p > 0.9), how many of the ten classes they cover, and their precision and recall (Kynkäänniemi et al. 2019, k = 3) " +
    "against 1,000 training digits in the classifier's hidden features; a sample grid",
  defaults: { epochs: 30, batchSize: 64, lr: 1e-3, valSplit: 0.1 },
  data: digits14,
  model: () => {
    const net = new nn.Sequential(new nn.Linear(196 + 32, 512), new nn.SiLU(), new nn.Linear(512, 512), new nn.SiLU(), new nn.Linear(512, 196));
    return asModel(new models.DDPM(net, { timesteps: 100, timeEmbedding: 32, generator: new Generator(1) }));
  },
  generative: {
    // the data in [0, 1] is mapped to [−1, 1], the scale of x_T ~ N(0, I), as Ho et al. do
    steps: (m) => stepsOf((x) => ({ loss: (m as models.DDPM).loss(x.mul(2).sub(1)) })),
    test: (m, test, train) => {
      const d = m as models.DDPM;
      const logs: Logs = { loss: noGrad(() => d.loss(all(test, test.length).mul(2).sub(1)).item()) };
      if (!train) return logs;
      const judge = digitJudge(train);
      const samples = ddpmDigits(d, 1000);
      const { recognised, perClass } = judgeSamples(judge, samples);
      const { precision, recall } = models.precisionRecall(judgeFeatures(judge, inputsOf(train, 1000)), judgeFeatures(judge, samples));
      return { ...logs, recognised, classes: perClass.filter((n) => n > 0).length, precision, recall };
    },
    pictures: (m, out) => {
      return picture(out, "samples.png", imageGridPng(ddpmDigits(m as models.DDPM, 100).dataSync() as Float32Array, 14, 10, 4));
    },
  },
};

/** How many training images keep their label in the semi-supervised recipe (the first ones of the split). */
export const LABELLED = 100;
/** The share of fit's epochs that pre-trains the denoising auto-encoder before fine-tuning with VAT (at least one of each). */
const SEMI_PRETRAIN_SHARE = 0.25;
export const semiPretrainEpochs = (epochs: number): number => Math.max(1, Math.min(epochs - 1, Math.round(epochs * SEMI_PRETRAIN_SHARE)));

/** A 784-512 sigmoid encoder (a denoising auto-encoder's) and a linear head on its code: state dict `ae.*`, `head.*`. */
export class SemiSupervised extends nn.Module<[Tensor], Tensor> {
  ae = new models.AutoEncoder([784, 512], { activation: "sigmoid" });
  head = new nn.Linear(512, 10);
  /** Fine-tuning steps taken on the labelled images (the baseline gets as many). */
  labelledSteps = 0;
  forward(x: Tensor): Tensor {
    return this.head.forward(this.ae.encode(x));
  }
}

/** The first n [x, y] samples of a dataset, stacked. */
const labelled = (ds: Samples, n: number): [Tensor, Tensor] => {
  const items = Array.from({ length: Math.min(n, ds.length) }, (_, i) => ds.get(i));
  return [stack(items.map((s) => s[0])), stack(items.map((s) => s[1]))];
};

/** An endless stream of shuffled mini-batches of 20 of the labelled images (seeded: the recipe and its baseline see the same ones). */
function labelledBatches(x: Tensor, y: Tensor): () => [Tensor, Tensor] {
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 20, shuffle: true, generator: new Generator(5) });
  let batches: Iterator<[Tensor, Tensor]> | undefined;
  return () => {
    let r = batches?.next();
    if (!r || r.done) r = (batches = loader[Symbol.iterator]()).next();
    return r.value as [Tensor, Tensor];
  };
}

/** The baseline: the same network trained from scratch on the labelled images alone, for `steps` Adam steps of the same batches. */
export function supervisedOnly(x: Tensor, y: Tensor, steps: number, lr = 1e-3): SemiSupervised {
  const m = new SemiSupervised();
  const opt = new optim.Adam(m.parameters(), { lr });
  const next = labelledBatches(x, y);
  for (let i = 0; i < steps; i++) {
    const [xb, yb] = next();
    opt.zeroGrad();
    F.crossEntropy(m.forward(xb), yb).backward();
    opt.step();
  }
  m.eval();
  return m;
}

const accuracy = (m: nn.Module<[Tensor], Tensor>, x: Tensor, y: Tensor): number => noGrad(() => m.forward(x).argmax(1).eq(y).float().mean().item());

const semiSupervised: Recipe = {
  ...shape,
  name: "semi-supervised",
  predict: "classifier",
  description:
    `semi-supervised digits: a denoising auto-encoder (784-512 sigmoid, masking noise 0.25) pre-trained on all training images for 25% of the epochs, ` +
    `then the whole network with a linear head fine-tuned on only ${LABELLED} labelled images plus virtual adversarial training (Miyato et al. 2018, ε = 6) ` +
    `on fit's unlabelled batches; test: its accuracy beside the same network trained as many steps on the ${LABELLED} labels alone`,
  defaults: { epochs: 20, batchSize: 64, lr: 1e-3, valSplit: 0.1 },
  data: digits,
  model: () => asModel(new SemiSupervised()),
  generative: {
    steps: (m, run) => {
      const s = m as SemiSupervised;
      const pretrain = semiPretrainEpochs(run?.epochs ?? 2);
      const noise = new Generator(1);
      const vatNoise = new Generator(2);
      const next = run ? labelledBatches(...labelled(run.train, LABELLED)) : undefined;
      return {
        // phase 1 reconstructs fit's batches from masked copies (their labels unused); phase 2 fits the labelled images, and fit's batches,
        // as unlabelled inputs, through the VAT loss
        trainStep: (b, ctx) => {
          const x = first(b);
          if (ctx.epoch < pretrain || !next) return { loss: F.mseLoss(s.ae.forward(models.corrupt(x, "masking", 0.25, { generator: noise })), x) };
          s.labelledSteps++;
          const [xl, yl] = next();
          const ce = F.crossEntropy(s.forward(xl), yl);
          const vat = models.vatLoss(s, x, { generator: vatNoise });
          return { loss: ce.add(vat) };
        },
        validationStep: (b, ctx) => ({ loss: ctx.epoch < pretrain ? F.mseLoss(s.ae.forward(first(b)), first(b)) : F.crossEntropy(s.forward(first(b)), (b as [Tensor, Tensor])[1]) }),
      };
    },
    test: (m, test, train) => {
      const s = m as SemiSupervised;
      const [x, y] = (test as data.TensorDataset<[Tensor, Tensor]>).tensors;
      const logs: Logs = { loss: noGrad(() => F.crossEntropy(s.forward(x), y).item()), accuracy: accuracy(s, x, y) };
      if (!train) return logs;
      // labelledSteps is counted in this process (a resumed run's earlier steps are not): 1,000 steps then
      return { ...logs, supervisedOnlyAccuracy: accuracy(supervisedOnly(...labelled(train, LABELLED), s.labelledSteps || 1000), x, y), labelledSteps: s.labelledSteps };
    },
    pictures: (m, out, ds) => {
      const s = m as SemiSupervised;
      const x = all(ds.test, 16);
      const rows = [x, noGrad(() => s.ae.forward(x))].flatMap((t) => Array.from(t.dataSync()));
      return picture(out, "reconstructions.png", imageGridPng(rows, 28, 16));
    },
  },
};

export const unsupervisedRecipes: Recipe[] = [clusteringAe, ganDigits, ddpmDigitsRecipe, semiSupervised];
