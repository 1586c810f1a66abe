// A seeded learning test for the volumetric layers: Conv3d → ReLU → MaxPool3d → AdaptiveMaxPool3d →
// Linear tells noisy volumes holding a bar along the depth axis from ones holding a bar across it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data, F, Generator, manualSeed, nn, noGrad, tensor, type Tensor } from "../src/index.js";
import { train } from "./helpers.js";

/** n volumes [1, 8, 8, 8]: noise N(0, 0.3²) plus a 4-voxel bar of height 1 at a random place, along D (label 0) or along W (label 1). */
function bars(n: number, seed: number): [Tensor, Tensor] {
  const g = new Generator(seed);
  const s = 8, vol = s * s * s;
  const x = new Float32Array(n * vol), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let v = 0; v < vol; v++) x[i * vol + v] = 0.3 * g.normal();
    const label = i % 2, at = (): number => Math.floor(g.random() * (s - 4));
    const [d, h, w] = label === 0 ? [at(), Math.floor(g.random() * s), Math.floor(g.random() * s)] : [Math.floor(g.random() * s), Math.floor(g.random() * s), at()];
    for (let t = 0; t < 4; t++) x[i * vol + (label === 0 ? (d + t) * s * s + h * s + w : d * s * s + h * s + w + t)]! += 1;
    y[i] = label;
  }
  return [tensor(x, { shape: [n, 1, s, s, s] }), tensor(y, { shape: [n], dtype: "int32" })];
}

test("Conv3d → MaxPool3d → Linear learns to tell a depth bar from a width bar (held-out accuracy ≥ 0.95; chance 0.5)", () => {
  // measured: 127/128 held out (0.992) after 8 epochs of 128 volumes, about 1 s; untrained 0.5
  manualSeed(0);
  const model = new nn.Sequential(new nn.Conv3d(1, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool3d(2), new nn.AdaptiveMaxPool3d(1), new nn.Flatten(), new nn.Linear(8, 2));
  const [xs, ys] = bars(128, 1);
  const [xt, yt] = bars(128, 2);
  const before = noGrad(() => model.forward(xt).argmax(1).eq(yt).float().mean().item());
  train(model, new data.TensorDataset(xs, ys), (o, t) => F.crossEntropy(o, t), 8, 0.03, 16);
  model.eval();
  const acc = noGrad(() => model.forward(xt).argmax(1).eq(yt).float().mean().item());
  assert.ok(acc >= 0.95, `held-out accuracy ${acc} (before training ${before})`);
});
