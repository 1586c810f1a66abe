// Auto-encoders on a seeded slice of the digits (1,000 training, 500 held-out images), each trained
// for seconds through fit's trainStep, against measured bars: plain and denoising AE, sparse AE, VAE.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data, F, Generator, manualSeed, models, noGrad, optim, tensor, type Tensor } from "../src/index.js";
import { loadMnist } from "../src/node.js";
import { fit } from "../src/train/index.js";

const { train, test: held } = loadMnist({ flatten: true, trainSize: 1000, testSize: 500 });
const x = train.tensors[0];
const xt = held.tensors[0];
const loader = (): data.DataLoader<[Tensor]> => new data.DataLoader(new data.TensorDataset(x), { batchSize: 50, shuffle: true, generator: new Generator(2) });

/** Trains [784, 128, 32] on clean (plain) or corrupted (denoising) inputs, always rebuilding the clean x. */
async function trainAe(denoise: boolean): Promise<models.AutoEncoder> {
  manualSeed(0);
  const m = new models.AutoEncoder([784, 128, 32]);
  const noise = new Generator(1);
  await fit(m, {
    train: loader(),
    optimizer: new optim.Adam(m.parameters(), { lr: 5e-3 }),
    epochs: 12,
    verbose: 0,
    trainStep: (batch) => {
      const [b] = batch as [Tensor];
      return { loss: F.mseLoss(m.forward(denoise ? models.corrupt(b, { level: 0.5, generator: noise }) : b), b) };
    },
  });
  m.eval();
  return m;
}

test("AutoEncoder and denoising AE on the digits: held-out reconstruction MSE < 0.035; on noisy inputs the denoiser's error is < 0.8× the plain one's", async () => {
  const plain = await trainAe(false);
  const denoiser = await trainAe(true);
  const noisy = models.corrupt(xt, "gaussian", 0.5, { generator: new Generator(5) });
  const [clean, plainNoisy, dae] = noGrad(() => [F.mseLoss(plain.forward(xt), xt).item(), F.mseLoss(plain.forward(noisy), xt).item(), F.mseLoss(denoiser.forward(noisy), xt).item()]);
  // measured (seed 0): clean 0.029, plain on noisy 0.061, denoiser on noisy 0.041
  assert.ok(clean < 0.035, `held-out reconstruction MSE ${clean}`);
  assert.ok(dae < 0.8 * plainNoisy, `noisy inputs: denoiser ${dae}, plain ${plainNoisy}`);
  assert.deepEqual(plain.encode(xt).shape, [500, 32]);
});

test("sparse AutoEncoder (hidden as wide as the input, L1 + KL(ρ‖ρ̂)): held-out mean activation within 0.01 of ρ = 0.05", async () => {
  manualSeed(0);
  const rho = 0.05;
  const m = new models.AutoEncoder([784, 784], { activation: "sigmoid" });
  const before = noGrad(() => m.encode(xt).mean().item());
  const h = await fit(m, {
    train: loader(),
    optimizer: new optim.Adam(m.parameters(), { lr: 5e-3 }),
    epochs: 8,
    verbose: 0,
    trainStep: (batch) => {
      const [b] = batch as [Tensor];
      const code = m.encode(b);
      const rec = F.mseLoss(m.decode(code), b);
      const kl = models.klSparsity(code, rho);
      const l1 = models.l1Sparsity(code);
      return { loss: rec.add(kl.mul(0.01)).add(l1.mul(1e-4)), rec, kl, l1 };
    },
  });
  m.eval();
  const [act, rec] = noGrad(() => [m.encode(xt).mean().item(), F.mseLoss(m.forward(xt), xt).item()]);
  // measured (seed 0): 0.5 before training, 0.054 after; reconstruction 0.063
  assert.ok(before > 0.3, `a sigmoid layer starts near 0.5 (${before})`);
  assert.ok(Math.abs(act - rho) < 0.01, `mean hidden activation ${act}, ρ = ${rho}`);
  assert.ok(rec < 0.08, `held-out reconstruction MSE ${rec}`);
  assert.ok(h.history["kl"]!.at(-1)! < 0.1 * h.history["kl"]![0]!, `KL penalty ${h.history["kl"]!.join(", ")}`);
});

test("klSparsity and l1Sparsity match their formulas on a hand-computed batch", () => {
  const h = tensor([0.1, 0.3, 0.5, 0.7]).reshape([2, 2]); // ρ̂ = [0.3, 0.5]
  const rho = 0.2;
  const kl = (p: number): number => rho * Math.log(rho / p) + (1 - rho) * Math.log((1 - rho) / (1 - p));
  assert.ok(Math.abs(models.klSparsity(h, rho).item() - (kl(0.3) + kl(0.5))) < 1e-6);
  assert.ok(Math.abs(models.l1Sparsity(h.sub(0.4)).item() - (0.3 + 0.1 + 0.1 + 0.3) / 2) < 1e-6);
  assert.throws(() => models.klSparsity(h, 1), /rho must lie in \(0, 1\), got 1/);
  assert.throws(() => models.corrupt(h, { kind: "salt" as "masking" }), /kind must be 'gaussian' or 'masking', got 'salt'/);
  assert.throws(() => new models.AutoEncoder([784]), /sizes must be ≥ 2 positive integers/);
  assert.throws(() => new models.AutoEncoder([784, 32], { activation_fn: "relu" } as never), /activation_fn/);
});

test("VAE on the digits (z = μ + σ·ε, closed-form KL): held-out negative ELBO < 160 nats", async () => {
  manualSeed(0);
  const m = new models.VAE(784, 200, 10, { generator: new Generator(3) });
  const h = await fit(m, {
    train: loader(),
    validation: [xt],
    optimizer: new optim.Adam(m.parameters(), { lr: 2e-3 }),
    epochs: 10,
    verbose: 0,
    trainStep: (batch) => models.vaeLoss(m.forward((batch as [Tensor])[0]), (batch as [Tensor])[0]),
    // the ELBO needs the sampled z, so validation draws z as training does (train mode, no gradients)
    validationStep: (b) => {
      m.train();
      return models.vaeLoss(m.forward(b as Tensor), b as Tensor);
    },
  });
  const elbo = h.history["val_loss"]!.at(-1)!;
  // measured (seed 0): 233 nats after epoch 1, 150 after epoch 10
  assert.ok(elbo < 160, `held-out −ELBO ${h.history["val_loss"]!.join(", ")}`);
  assert.ok(h.history["val_kl"]!.at(-1)! > 1, "the code is used: KL to the prior above 1 nat");
  const s = m.sample(4, new Generator(8));
  assert.deepEqual(s.shape, [4, 784]);
  const v = Array.from(s.dataSync());
  assert.ok(v.every((p) => p >= 0 && p <= 1));
});

test("gaussianKl is the closed form: −½ Σ (1 + log σ² − μ² − σ²), averaged over the batch", () => {
  const mu = tensor([0.5, -1, 0, 2]).reshape([2, 2]);
  const logvar = tensor([0, Math.log(2), -1, 0.5]).reshape([2, 2]);
  const m = [0.5, -1, 0, 2];
  const lv = [0, Math.log(2), -1, 0.5];
  const per = m.map((u, i) => -0.5 * (1 + lv[i]! - u * u - Math.exp(lv[i]!)));
  assert.ok(Math.abs(models.gaussianKl(mu, logvar).item() - (per[0]! + per[1]! + per[2]! + per[3]!) / 2) < 1e-5);
});
