// GAN (two optimizers through fit's trainStep), DDPM and k-means/DEC pieces on 2-D data: blobs at (±2, 1)
// with σ = 0.3; the samples must cover both blobs (no mode collapse) and lie on them.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data, Generator, manualSeed, models, nn, optim, randn, tensor, type Tensor } from "../src/index.js";
import { fit, OptimizerGroup } from "../src/train/index.js";

const N = 1024;
const x = tensor(Array.from({ length: N }, (_, i) => [i % 2 ? 2 : -2, 1]).flat()).reshape([N, 2]).add(randn([N, 2], { generator: new Generator(0) }).mul(0.3));
const loader = (): data.DataLoader<[Tensor]> => new data.DataLoader(new data.TensorDataset(x), { batchSize: 128, shuffle: true, generator: new Generator(2) });

/** Share of samples on the left blob, and share within 0.9 (3σ) of a blob centre (the data: 0.5 and ≈ 0.99). */
function blobStats(s: Tensor): { left: number; near: number; meanY: number; stdY: number } {
  const v = Array.from(s.dataSync());
  const n = v.length / 2;
  let left = 0;
  let near = 0;
  let sy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const [a, b] = [v[2 * i]!, v[2 * i + 1]!];
    if (a < 0) left++;
    if (Math.hypot(a - (a < 0 ? -2 : 2), b - 1) < 0.9) near++;
    sy += b;
    syy += b * b;
  }
  return { left: left / n, near: near / n, meanY: sy / n, stdY: Math.sqrt(syy / n - (sy / n) ** 2) };
}

test("GAN on two 2-D blobs, trained by ganStep with an OptimizerGroup: both blobs get 25–75% of the samples, ≥ 70% lie on a blob", async () => {
  // a plain GAN can collapse onto one blob: with lr 1e-3 seeds 1, 2, 3 cover both, seed 0 does not
  manualSeed(2);
  const G = new nn.Sequential(new nn.Linear(2, 32), new nn.ReLU(), new nn.Linear(32, 32), new nn.ReLU(), new nn.Linear(32, 2));
  const D = new nn.Sequential(new nn.Linear(2, 32), new nn.LeakyReLU(0.2), new nn.Linear(32, 32), new nn.LeakyReLU(0.2), new nn.Linear(32, 1));
  const gan = new models.GAN(G, D, 2, { generator: new Generator(1) });
  const adam = (m: nn.AnyModule): optim.Adam => new optim.Adam(m.parameters(), { lr: 1e-3, betas: [0.5, 0.999] });
  const h = await fit(gan, { train: loader(), optimizer: new OptimizerGroup({ generator: adam(G), discriminator: adam(D) }), epochs: 40, verbose: 0, manualOptimization: true, trainStep: models.ganStep(gan) });
  assert.deepEqual(Object.keys(h.history).sort(), ["dFake", "dReal", "lossD", "lossG"]);
  const s = blobStats(gan.sample(2000));
  // measured (seed 2): left 0.49, near 0.94 (seeds 1 and 3: 0.45 / 0.86, 0.50 / 0.86)
  assert.ok(s.left > 0.25 && s.left < 0.75, `mode collapse: ${s.left} of the samples on the left blob`);
  assert.ok(s.near > 0.7, `only ${s.near} of the samples within 3σ of a blob`);
  assert.deepEqual(Object.keys(gan.stateDict()).filter((k) => k.endsWith("weight")).length, 6);
  await assert.rejects(fit(gan, { train: loader(), optimizer: adam(G), epochs: 1, verbose: 0, manualOptimization: true, trainStep: models.ganStep(gan) }), /must be an OptimizerGroup with 'discriminator' \(has: optimizer\)/);
});

test("DDPM on two 2-D blobs (T = 100, ε-prediction): samples split 40–60% between the blobs, ≥ 90% on them, y statistics match", async () => {
  manualSeed(0);
  const net = new nn.Sequential(new nn.Linear(3, 64), new nn.SiLU(), new nn.Linear(64, 64), new nn.SiLU(), new nn.Linear(64, 2));
  const m = new models.DDPM(net, { timesteps: 100, generator: new Generator(1) });
  assert.ok(m.alphaBars[99]! < 1e-3, `ᾱ_T = ${m.alphaBars[99]} must be near 0 so that x_T ~ N(0, I)`);
  const h = await fit(m, { train: loader(), optimizer: new optim.Adam(net.parameters(), { lr: 3e-3 }), epochs: 80, verbose: 0, trainStep: (b) => m.loss((b as [Tensor])[0]) });
  const s = blobStats(m.sample(2000, 2));
  // measured (seed 0, 100 epochs): left 0.51, near 0.96, mean y 0.98, std y 0.31 (data: 0.5, 0.99, 1, 0.3)
  assert.ok(s.left > 0.4 && s.left < 0.6, `left blob share ${s.left}`);
  assert.ok(s.near > 0.9, `share within 3σ of a blob ${s.near}`);
  assert.ok(Math.abs(s.meanY - 1) < 0.1 && Math.abs(s.stdY - 0.3) < 0.08, `y: mean ${s.meanY}, std ${s.stdY}`);
  assert.ok(h.history["loss"]!.at(-1)! < 0.3 * h.history["loss"]![0]!, `loss ${h.history["loss"]![0]} → ${h.history["loss"]!.at(-1)}`);
  assert.throws(() => new models.DDPM(net, { timesteps: 10 }), /need 0 < betaStart ≤ betaEnd < 1/);
});

test("kmeans finds three separated 2-D blobs (purity 1); softAssign and targetDistribution follow DEC's formulas", () => {
  const centres = [[0, 0], [5, 0], [0, 5]];
  const pts = tensor(Array.from({ length: 60 }, (_, i) => centres[i % 3]!).flat()).reshape([60, 2]).add(randn([60, 2], { generator: new Generator(6) }).mul(0.5));
  const { centroids, labels } = models.kmeans(pts, 3, { generator: new Generator(7) });
  assert.equal(models.clusterPurity(labels, Array.from({ length: 60 }, (_, i) => i % 3)), 1);
  assert.deepEqual(centroids.shape, [3, 2]);
  assert.equal(models.clusterPurity([0, 0, 1, 1], [3, 4, 4, 4]), 0.75);
  // one point z = (1, 0), centroids (0, 0) and (3, 0): kernels 1/(1 + 1) and 1/(1 + 4) (α = 1)
  const q = models.softAssign(tensor([[1, 0]]), tensor([[0, 0], [3, 0]]));
  const [a, b] = [1 / 2, 1 / 5];
  assert.deepEqual(Array.from(q.dataSync()).map((v) => +v.toFixed(6)), [a / (a + b), b / (a + b)].map((v) => +v.toFixed(6)));
  // two points: p_ij ∝ q_ij² / f_j
  const q2 = tensor([[0.8, 0.2], [0.4, 0.6]]);
  const f = [1.2, 0.8];
  const w = [[0.64 / f[0]!, 0.04 / f[1]!], [0.16 / f[0]!, 0.36 / f[1]!]];
  const want = w.flatMap((r) => r.map((v) => v / (r[0]! + r[1]!)));
  Array.from(models.targetDistribution(q2).dataSync()).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-6, `p ${i}: ${v} vs ${want[i]}`));
});

test("precisionRecall matches a brute-force count of points inside the other set's k-NN balls (Kynkäänniemi et al. 2019); noise has precision 0", () => {
  const real = randn([60, 3], { generator: new Generator(1) });
  const fake = randn([40, 3], { generator: new Generator(2) }).mul(1.5).add(0.5);
  const rows = (t: Tensor): number[][] => Array.from({ length: t.shape[0]! }, (_, i) => Array.from(t.dataSync().slice(i * 3, i * 3 + 3)));
  const d2 = (a: number[], b: number[]): number => a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
  const share = (q: number[][], s: number[][], k: number): number => {
    const radii = s.map((p, i) => s.filter((_, j) => j !== i).map((o) => d2(p, o)).sort((a, b) => a - b)[k - 1]!);
    return q.filter((p) => s.some((o, j) => d2(p, o) <= radii[j]!)).length / q.length;
  };
  const [r, f] = [rows(real), rows(fake)];
  for (const k of [1, 3, 5]) {
    const got = models.precisionRecall(real, fake, { k });
    assert.ok(Math.abs(got.precision - share(f, r, k)) < 1e-12 && Math.abs(got.recall - share(r, f, k)) < 1e-12, `k = ${k}: ${JSON.stringify(got)}`);
  }
  assert.equal(models.precisionRecall(real, randn([40, 3], { generator: new Generator(3) }).add(20)).precision, 0);
  assert.throws(() => models.precisionRecall(real, fake, { k: 40 }), /k must be an integer in \[1, 39\]/);
  assert.throws(() => models.precisionRecall(real, randn([5, 2])), /same D/);
  assert.throws(() => models.precisionRecall(real, fake, { K: 3 } as never), /K/);
});

test("DDPM.sample with clipDenoised: through x̂₀ and the posterior mean, equal to Algorithm 2 when nothing is clamped; inside [lo, hi] at the end", () => {
  const net = new nn.Sequential(new nn.Linear(3, 8), new nn.Tanh(), new nn.Linear(8, 2));
  const ddpm = new models.DDPM(net, { timesteps: 50, generator: new Generator(4) });
  const draw = (o?: { clipDenoised: [number, number] }): Tensor => ((ddpm.rng = new Generator(4)), ddpm.sample(16, 2, o));
  const [plain, wide] = [draw(), draw({ clipDenoised: [-1e6, 1e6] })];
  // float32 rounding only: the x̂₀ path divides by √ᾱ_t (≈ 0.003 at t = T) before multiplying back
  assert.ok(wide.sub(plain).abs().max().item() < 3e-3, `unclamped x̂₀ path differs by ${wide.sub(plain).abs().max().item()}`);
  const clipped = ddpm.sample(16, 2, { clipDenoised: [-0.5, 0.5] });
  assert.ok(clipped.abs().max().item() <= 0.5 + 1e-6, `the last step returns x̂₀ clamped: ${clipped.abs().max().item()}`);
  assert.throws(() => ddpm.sample(4, 2, { clipDenoised: [1, -1] }), /clipDenoised must be \[lo, hi\] with lo < hi/);
  assert.throws(() => ddpm.sample(4, 2, { clip: [0, 1] } as never), /clip/);
});

test("vatLoss (Miyato et al. 2018): its power-iteration direction beats random ones of the same norm; trains the parameters", () => {
  manualSeed(0);
  const x = randn([16, 5], { generator: new Generator(6) });
  const model = new nn.Sequential(new nn.Linear(5, 16), new nn.Tanh(), new nn.Linear(16, 3));
  const p = model.forward(x);
  const kl = (r: Tensor): number => {
    const q = model.forward(x.add(r));
    return p.softmax(1).mul(p.logSoftmax(1).sub(q.logSoftmax(1))).sum(1).mean().item();
  };
  const vat = models.vatLoss(model, x, { eps: 0.5, generator: new Generator(7) }).item();
  const random = Array.from({ length: 5 }, (_, i) => {
    const d = randn([16, 5], { generator: new Generator(20 + i) });
    return kl(d.div(d.norm(2, 1, true)).mul(0.5));
  });
  assert.ok(random.every((v) => vat > 1.5 * v), `VAT's KL ${vat} against random directions' ${random.join(", ")}`);
  const loss = models.vatLoss(model, x, { eps: 0.5, generator: new Generator(7) });
  loss.backward();
  assert.ok((model.at(0) as nn.Linear).weight.grad!.abs().sum().item() > 0, "the loss reaches the parameters");
  assert.throws(() => models.vatLoss(model, x, { epsilon: 1 } as never), /epsilon/);
});

test("discriminatorLoss with realLabel (one-sided label smoothing): −[y·log σ(r) + (1 − y)·log(1 − σ(r))] − log(1 − σ(f)); ganStep checks its options", () => {
  const [r, f] = [tensor([[0.7], [-1.2]]), tensor([[0.3], [-0.4]])];
  const s = (v: number): number => 1 / (1 + Math.exp(-v));
  const bce = (v: number, y: number): number => -(y * Math.log(s(v)) + (1 - y) * Math.log(1 - s(v)));
  const expected = (bce(0.7, 0.9) + bce(-1.2, 0.9)) / 2 + (bce(0.3, 0) + bce(-0.4, 0)) / 2;
  assert.ok(Math.abs(models.discriminatorLoss(r, f, 0.9).item() - expected) < 1e-6, `${models.discriminatorLoss(r, f, 0.9).item()} against ${expected}`);
  const gan = new models.GAN(new nn.Linear(2, 2), new nn.Linear(2, 1), 2);
  assert.throws(() => models.ganStep(gan, { realLabel: 0 }), /realLabel must be in \(0, 1\]/);
  assert.throws(() => models.ganStep(gan, { smoothing: 0.9 } as never), /smoothing/);
});
