// Restricted Boltzmann machine: the free-energy gradient equals the CD statistics −⟨p(h|v) vᵀ⟩, and
// CD-1 and PCD training on the committed digits slice cut the reconstruction error by a stated factor.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, manualSeed, models, optim, randperm } from "../src/index.js";
import { digitsSlice } from "./digits-slice.js";

test("RBM free energy: its weight gradient is the positive-phase statistic −⟨p(h|v) vᵀ⟩", () => {
  manualSeed(0);
  const { x } = digitsSlice();
  const v = x.narrow(0, 0, 8);
  const rbm = new models.RBM(196, 16, { generator: new Generator(1) });
  rbm.freeEnergy(v).mean().backward();
  const expected = rbm.forward(v).detach().t().matmul(v).div(8).neg();
  assert.ok(rbm.weight.grad!.sub(expected).abs().amax().item() < 1e-5);
  const hExpected = rbm.forward(v).detach().mean(0).neg();
  assert.ok(rbm.hBias.grad!.sub(hExpected).abs().amax().item() < 1e-6);
  assert.ok(rbm.vBias.grad!.sub(v.mean(0).neg()).abs().amax().item() < 1e-6);
  assert.throws(() => rbm.contrastiveDivergence(v, { K: 2 } as never), /k/);
  assert.throws(() => rbm.forward(v.narrow(1, 0, 10)), /RBM.forward: expected visible units \[batch, 196\]/);
});

for (const persistent of [false, true]) {
  test(`RBM trained by ${persistent ? "persistent CD-1" : "CD-1"} cuts the digits' reconstruction error at least 3×`, () => {
    manualSeed(2);
    const g = new Generator(2);
    const { x } = digitsSlice();
    const rbm = new models.RBM(196, 64, { generator: g });
    const opt = new optim.SGD(rbm.parameters(), { lr: 0.1, momentum: 0.5 });
    const before = rbm.reconstructionError(x);
    for (let epoch = 0; epoch < 15; epoch++) {
      const perm = randperm(600, { generator: g });
      for (let b = 0; b < 600; b += 50) {
        const v = x.indexSelect(0, perm.narrow(0, b, 50));
        opt.zeroGrad();
        rbm.contrastiveDivergence(v, { k: 1, persistent, generator: g }).backward();
        opt.step();
      }
    }
    const after = rbm.reconstructionError(x);
    console.log(`  ${persistent ? "PCD-1" : "CD-1"}: reconstruction MSE ${before.toFixed(4)} → ${after.toFixed(4)} (${(before / after).toFixed(1)}×)`);
    assert.ok(after < before / 3, `reconstruction error ${before} → ${after}, expected at least 3× lower`);
  });
}
