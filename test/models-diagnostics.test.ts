// Deck 004's vanishing gradients: through 20 sigmoid layers the gradient reaching the first layer
// is orders of magnitude smaller than at the last; through 20 ReLU layers (He init) it is not.

import { test } from "node:test";
import assert from "node:assert/strict";
import { init, manualSeed, models, nn, randn, sigmoid, linspace } from "../src/index.js";

const deep = (act: () => nn.AnyModule, relu: boolean): nn.Sequential => {
  const layers: nn.AnyModule[] = [];
  for (let i = 0; i < 20; i++) {
    const lin = new nn.Linear(32, 32);
    if (relu) init.kaimingNormal(lin.weight, { nonlinearity: "relu" });
    else init.xavierNormal(lin.weight);
    layers.push(lin, act());
  }
  return new nn.Sequential(...layers, new nn.Linear(32, 1));
};

test("σ'(z) = σ(z)(1 − σ(z)) never exceeds ¼", () => {
  const z = linspace(-10, 10, 2001);
  z.requiresGrad = true;
  sigmoid(z).sum().backward();
  assert.ok(Math.abs(z.grad!.amax().item() - 0.25) < 1e-6);
});

test("gradient norms through 20 sigmoid layers vanish towards the input; through 20 ReLU layers they do not", () => {
  manualSeed(0);
  const x = randn([64, 32]);
  const mse = (out: ReturnType<typeof randn>): ReturnType<typeof randn> => out.square().mean();
  const sig = models.layerGradientNorms(deep(() => new nn.Sigmoid(), false), x, mse);
  const rel = models.layerGradientNorms(deep(() => new nn.ReLU(), true), x, mse);
  assert.equal(sig.length, 21);
  const ratio = (g: number[]): number => g[0]! / g[19]!;
  console.log(`  first/last hidden-layer gradient norm: sigmoid ${ratio(sig).toExponential(1)}, ReLU ${ratio(rel).toExponential(1)}`);
  assert.ok(ratio(sig) < 1e-6, `sigmoid ratio ${ratio(sig)} < 1e-6`);
  assert.ok(ratio(rel) > 1e-2, `ReLU ratio ${ratio(rel)} > 1e-2`);
});
