// The ddpm-digits recipe end to end, in-process: its data, model, optimizer, steps, test and pictures
// on a small seeded slice of the 14×14 digits, scored by precision in the gan-digits judge's features.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { data, Generator, manualSeed, models, type Tensor } from "../src/index.js";
import { fit } from "../src/train/index.js";
import { recipeByName } from "../src/cli/recipes.js";
import { ddpmDigits, digitJudge, judgeFeatures, judgeSamples } from "../src/cli/recipes-unsupervised.js";

type Samples = data.TensorDataset<[Tensor, Tensor]>;
const tmp = mkdtempSync(join(tmpdir(), "myelin-recipes-ddpm-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const head = (ds: Samples, n: number): Samples => new data.TensorDataset(ds.tensors[0].narrow(0, 0, n), ds.tensors[1].narrow(0, 0, n));
const TRAIN = 2000;
const EPOCHS = 12;
const meanImage = (x: Tensor): Tensor => x.mean(0);

test("ddpm-digits recipe: 2,000 14×14 digits, 12 epochs of batch 32: held-out L_simple < 0.3 (untrained ≈ 1); in the judge's features, precision > 0.2 where untrained samples score < 0.01 and real held-out digits > 0.8", async () => {
  const t0 = performance.now();
  const r = recipeByName("ddpm-digits");
  const g = r.generative!;
  manualSeed(0);
  const ds = r.data({}) as { train: Samples; test: Samples };
  const splits = { train: head(ds.train, TRAIN), test: head(ds.test, 500) };
  const untrained = r.model() as unknown as models.DDPM;
  const judge = digitJudge(splits.train);
  manualSeed(0);
  const model = r.model();
  const optimizer = r.optimizer(model.parameters(), 2e-3);
  const train = new data.DataLoader(splits.train, { batchSize: 32, shuffle: true, generator: new Generator(0) });
  const history = await fit(model, { train, optimizer, epochs: EPOCHS, verbose: 0, ...g.steps(model, { train: splits.train, epochs: EPOCHS }) });
  const t1 = performance.now();
  // sampled with x̂₀ clamped to [−1, 1] (Ho et al.'s clip_denoised): the slice's under-trained ε-network saturates unclamped samples
  // (precision 0.004); the full recipe samples unclamped
  const [start, end] = [ddpmDigits(untrained, 500, true), ddpmDigits(model as unknown as models.DDPM, 500, true)];
  // improved precision and recall (Kynkäänniemi et al. 2019, k = 3) against 1,000 training digits in the judge's hidden features
  const reals = judgeFeatures(judge, splits.train.tensors[0].narrow(0, 0, 1000));
  const score = (x: Tensor): { precision: number; recall: number } => models.precisionRecall(reals, judgeFeatures(judge, x));
  const [before, after, real] = [score(start), score(end), score(splits.test.tensors[0])];
  const recognised = [judgeSamples(judge, start), judgeSamples(judge, end)];
  const held = g.test(model, splits.test);
  const heldBefore = g.test(untrained, splits.test);
  const mse = (s: Tensor): number => meanImage(s).sub(meanImage(splits.train.tensors[0])).square().mean().item();
  const pictures = g.pictures(model, tmp, splits);
  if (process.env.MYELIN_SHOW)
    console.log(`ddpm-digits: loss ${history.history["loss"]!.map((v) => v.toFixed(3)).join(" ")}; held-out ${heldBefore["loss"]} → ${held["loss"]}; mean-image MSE ${mse(start)} → ${mse(end)}; ` +
      `precision/recall untrained ${JSON.stringify(before)}, trained ${JSON.stringify(after)}, real held-out ${JSON.stringify(real)}; recognised ${recognised[0]!.recognised} → ${recognised[1]!.recognised} [${recognised[1]!.perClass.join(" ")}]; ` +
      `train ${((t1 - t0) / 1000).toFixed(1)} s, total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // measured (seed 0, about 15 s idle, 60 s on a loaded machine): held-out L_simple 0.999 → 0.237; precision untrained 0.000, trained 0.300,
  // real held-out digits 0.896 (recall 0.000, 0.007, 0.905: the slice's samples are still noisy strokes of few shapes); 30 epochs: precision 0.714.
  // The judge's p > 0.9 rate was a weak bar: it passes 12% of the untrained model's clamped noise and 2% of these noisy samples.
  // The full recipe (7,200 digits, 30 epochs, unclamped sampling, about 8 min on a loaded machine): precision 0.509, recall 0.389, where
  // real test digits score 0.892 and 0.879 the same way; the judge recognises 47.8% of its samples, in all ten classes
  assert.ok(held["loss"]! < 0.3 && heldBefore["loss"]! > 0.8, `held-out L_simple ${heldBefore["loss"]} → ${held["loss"]}`);
  assert.ok(real.precision > 0.8 && before.precision < 0.01, `precision: real held-out ${real.precision}, untrained ${before.precision}`);
  assert.ok(after.precision > 0.2, `precision of the trained model's samples ${after.precision}`);
  assert.deepEqual(pictures, ["samples.png"]);
  assert.ok(existsSync(join(tmp, "samples.png")));
});

test("DDPM timeEmbedding: the Transformer's sinusoidal features of t (sin(t·ω_i), cos(t·ω_i), ω_i = 10000^(−2i/d)); odd sizes rejected", () => {
  const net = { forward: (x: Tensor) => x } as unknown as ConstructorParameters<typeof models.DDPM>[0];
  const e = new models.DDPM(net, { timesteps: 100, timeEmbedding: 4 }).embed([0, 7]);
  const w = [1, 0.01]; // 10000^0, 10000^(−2/4)
  const expected = [0, 0, 1, 1, Math.sin(7 * w[0]!), Math.sin(7 * w[1]!), Math.cos(7 * w[0]!), Math.cos(7 * w[1]!)];
  assert.deepEqual(e.shape, [2, 4]);
  Array.from(e.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6, `feature ${i}: ${v}, expected ${expected[i]}`));
  assert.throws(() => new models.DDPM(net, { timeEmbedding: 3 }), /timeEmbedding must be 0 \(the feature t\/T\) or an even number/);
});
