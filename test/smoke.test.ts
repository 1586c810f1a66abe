// Smoke test of the demo's path: XOR is learnable with the engine alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, noGrad, randn, tensor, zeros } from "../src/index.js";

test("a 2-4-1 tanh/sigmoid network learns XOR with plain gradient descent", () => {
  manualSeed(0);
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const params = [randn([2, 4], { requiresGrad: true }), zeros([4], { requiresGrad: true }), randn([4, 1], { requiresGrad: true }), zeros([1], { requiresGrad: true })];
  const [w1, b1, w2, b2] = params as [ReturnType<typeof zeros>, ReturnType<typeof zeros>, ReturnType<typeof zeros>, ReturnType<typeof zeros>];
  const forward = () => x.matmul(w1).add(b1).tanh().matmul(w2).add(b2).sigmoid();
  for (let i = 0; i < 1500; i++) {
    const loss = forward().sub(y).square().mean();
    params.forEach((p) => (p.grad = null));
    loss.backward();
    noGrad(() => params.forEach((p) => p.assign(p.sub(p.grad!.mul(2)))));
  }
  const pred = forward().dataSync();
  assert.deepEqual(Array.from(pred, (v) => (v > 0.5 ? 1 : 0)), [0, 1, 1, 0]);
});
