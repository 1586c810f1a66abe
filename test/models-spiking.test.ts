// Spiking neurons: the spike's surrogate gradient, LIF membrane dynamics against a hand-computed
// trace, and a two-layer LIF network trained with surrogate gradients on the committed digits.

import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, models, nn, optim, randperm, tensor, Generator, type Tensor } from "../src/index.js";
import { digitsSlice } from "./digits-slice.js";

test("spike: Heaviside forward, fast-sigmoid surrogate 1/(1 + k|x|)² backward", () => {
  const x = tensor([-1, -0.1, 0, 0.05, 2]);
  x.requiresGrad = true;
  const s = nn.spike(x, 10);
  assert.deepEqual(Array.from(s.dataSync()), [0, 0, 0, 1, 1]);
  s.sum().backward();
  const expected = [-1, -0.1, 0, 0.05, 2].map((v) => 1 / (1 + 10 * Math.abs(v)) ** 2);
  Array.from(x.grad!.dataSync()).forEach((g, i) => assert.ok(Math.abs(g - expected[i]!) < 1e-6, `grad ${i}: ${g} vs ${expected[i]}`));
});

test("LIF: membrane U[t] = βU[t−1] + I[t] − θS[t−1] and spikes where U > θ (hand-computed)", () => {
  const lif = new nn.LIF(0.5, 1);
  const out = lif.forward(tensor([[0.6], [0.6], [0.6], [0.6], [0]]));
  // U: 0.6, 0.9, 1.05 (spike), 0.525 + 0.6 − 1 = 0.125, 0.0625
  assert.deepEqual(Array.from(out.dataSync()), [0, 0, 1, 0, 0]);
  Array.from(lif.membrane!.dataSync()).forEach((u, i) => assert.ok(Math.abs(u - [0.6, 0.9, 1.05, 0.125, 0.0625][i]!) < 1e-6));
  const zero = new nn.LIF(0.5, { reset: "zero" });
  zero.forward(tensor([[0.6], [0.6], [0.6], [0.6]]));
  Array.from(zero.membrane!.dataSync()).forEach((u, i) => assert.ok(Math.abs(u - [0.6, 0.9, 1.05, 0.6][i]!) < 1e-6));
  assert.throws(() => new nn.LIF(1.5), /beta in \[0, 1\]/);
  assert.throws(() => new nn.LIF(0.9, { thresh: 1 } as never), /threshold/);
});

test("a spiking 196-64-10 LIF network learns the digits with surrogate gradients (≥ 75% held out)", () => {
  manualSeed(0);
  const g = new Generator(0);
  const { x, y } = digitsSlice();
  const perm = randperm(600, { generator: g });
  const [tr, te] = [perm.narrow(0, 0, 500), perm.narrow(0, 500, 100)];
  const [xtr, ytr, xte, yte] = [x.indexSelect(0, tr), y.indexSelect(0, tr), x.indexSelect(0, te), y.indexSelect(0, te)];
  const net = new models.SpikingMLP(196, 64, 10, { steps: 8 });
  const opt = new optim.Adam(net.parameters(), { lr: 5e-3 });
  const lossFn = new nn.CrossEntropyLoss();
  for (let epoch = 0; epoch < 8; epoch++) {
    const p = randperm(500, { generator: g });
    for (let b = 0; b < 500; b += 50) {
      const idx = p.narrow(0, b, 50);
      opt.zeroGrad();
      lossFn.forward(net.forward(xtr.indexSelect(0, idx)), ytr.indexSelect(0, idx)).backward();
      opt.step();
    }
  }
  const acc = net.forward(xte).argmax(1).eq(yte).float().mean().item();
  const rate = net.lastSpikes!.mean().item();
  console.log(`  held-out accuracy ${(acc * 100).toFixed(1)}%, hidden firing rate ${rate.toFixed(3)} spikes/step`);
  assert.ok(acc >= 0.75, `accuracy ${acc} ≥ 0.75`);
  assert.ok(rate > 0.01 && rate < 0.9, "the hidden layer spikes sparsely, neither silent nor saturated");
});

test("the spiking-digits recipe builds the LIF network for flattened 784-pixel digits", async () => {
  const { recipeByName } = await import("../src/cli/recipes.js");
  const r = recipeByName("spiking-digits");
  assert.deepEqual(r.inputShape, [784]);
  const out = r.model().forward(tensor(new Float32Array(2 * 784).fill(0.5), { shape: [2, 784] }));
  assert.deepEqual(out.shape, [2, 10]);
  assert.ok(out.ge(0).all().item() && out.le(8).all().item(), "outputs are spike counts over 8 steps");
});

test("the spiking-digits recipe draws the hidden layer's spike raster: four panels of 128 neurons × 8 steps of 0/1", async () => {
  const { recipeByName } = await import("../src/cli/recipes.js");
  const { mkdtempSync, readFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "myelin-raster-"));
  try {
    const r = recipeByName("spiking-digits");
    const model = r.model();
    const lines = await r.afterTrain!(model, dir);
    assert.match(lines[0]!, /raster\.png/);
    const png = readFileSync(join(dir, "raster.png"));
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [8 * 4, 4 * (128 + 2) * 4]);
    const spikes = (model as unknown as { lastSpikes: Tensor }).lastSpikes;
    assert.deepEqual(spikes.shape, [8, 4, 128]);
    assert.ok(spikes.eq(0).logicalOr(spikes.eq(1)).all().item(), "spikes are 0 or 1");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
