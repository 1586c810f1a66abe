// General Boltzmann machine: hidden units let it learn the even-parity distribution over 3 bits,
// which has no pairwise correlations and so is beyond any machine without hidden units.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, models, tensor } from "../src/index.js";

// the four 3-bit patterns of even parity, equally likely: p(v) = 1/4, best NLL ln 4 ≈ 1.386
const parity = tensor([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]);

test("Boltzmann machine with hidden units learns 3-bit parity; without them it cannot beat uniform", () => {
  const withHidden = new models.BoltzmannMachine(3, 4, { generator: new Generator(0) });
  const nll = withHidden.fit(parity, { epochs: 1000, lr: 1 });
  console.log(`  NLL with 4 hidden units: ${nll[0]!.toFixed(3)} → ${nll.at(-1)!.toFixed(3)} (optimum ln 4 = ${Math.log(4).toFixed(3)})`);
  assert.ok(nll.at(-1)! < Math.log(4) + 0.1, `NLL ${nll.at(-1)} within 0.1 nats of ln 4`);
  assert.ok(nll.at(-1)! < nll[0]! - 1, "learning lowered the NLL by more than a nat");
  const pv = withHidden.visibleDistribution();
  const even = [0, 3, 5, 6].reduce((a, v) => a + pv[v]!, 0); // visible bits as integers: 000, 110, 101, 011
  assert.ok(even > 0.9, `probability mass on even parity ${even}`);
  // Gibbs samples agree with the exact distribution
  const samples = withHidden.sample(400, { burnIn: 20, generator: new Generator(1) });
  const evenSamples = Array.from({ length: 400 }, (_, r) => samples.index(r).sum().item() % 2 === 0).filter(Boolean).length / 400;
  assert.ok(Math.abs(evenSamples - even) < 0.08, `sampled even-parity fraction ${evenSamples} vs exact ${even}`);

  const visibleOnly = new models.BoltzmannMachine(3, 0, { generator: new Generator(0) });
  const nll0 = visibleOnly.fit(parity, { epochs: 400, lr: 1 });
  assert.ok(nll0.at(-1)! > Math.log(8) - 0.01, `without hidden units NLL stays at ln 8 (uniform): ${nll0.at(-1)}`);
  assert.throws(() => withHidden.fit(parity, { epoch: 3 } as never), /epochs/);
});

test("Boltzmann machine: forward gives each row's exact log p(v); weight and bias are float64 buffers that save and load the machine", () => {
  const bm = new models.BoltzmannMachine(3, 2, { generator: new Generator(2) });
  bm.fit(parity, { epochs: 20, lr: 1 });
  const logp = bm.forward(parity);
  assert.equal(logp.dtype, "float64");
  const pv = bm.visibleDistribution();
  assert.deepEqual(Array.from(logp.dataSync()), [0, 6, 5, 3].map((v) => Math.log(pv[v]!)));
  assert.ok(Math.abs(bm.nll(parity) + logp.mean().item()) < 1e-12);
  assert.deepEqual(Object.keys(bm.stateDict()), ["weight", "bias"]);
  assert.deepEqual([bm.weight.shape, bm.weight.dtype, bm.bias.shape], [[5, 5], "float64", [5]]);
  const copy = new models.BoltzmannMachine(3, 2, { generator: new Generator(9) });
  assert.notDeepEqual(Array.from(copy.visibleDistribution()), Array.from(pv));
  copy.loadStateDict(bm.stateDict());
  assert.deepEqual(Array.from(copy.visibleDistribution()), Array.from(pv));
  assert.throws(() => bm.forward(tensor([[0, 1]])), /BoltzmannMachine.forward: expected data \[batch, 3\] of 0\/1, got \[1,2\]/);
});
