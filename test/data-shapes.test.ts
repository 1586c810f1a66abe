// The generated 32x32x3 coloured-shapes set (deck 002): determinism under a seed, shapes, dtypes,
// value range and label balance, and that a one-layer convolution learns it far above chance.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data, F, Generator, manualSeed, nn, noGrad, optim, tensor, type Tensor } from "../src/index.js";

const { coloredShapes, SHAPE_CLASSES } = data;

test("coloredShapes: float32 [N, 3, 32, 32] in [0, 1], int32 balanced labels, deterministic for a seed", () => {
  const ds = coloredShapes(100, { generator: new Generator(3) });
  const [x, y] = ds.tensors;
  assert.deepEqual([...x.shape], [100, 3, 32, 32]);
  assert.equal(x.dtype, "float32");
  assert.deepEqual([...y.shape], [100]);
  assert.equal(y.dtype, "int32");
  assert.equal(ds.length, 100);
  const xs = x.dataSync();
  assert.ok(xs.every((v) => v >= 0 && v <= 1));
  const counts = new Array<number>(SHAPE_CLASSES.length).fill(0);
  for (const l of y.dataSync()) counts[l] = counts[l]! + 1;
  assert.deepEqual(counts, [17, 17, 17, 17, 16, 16]);
  const again = coloredShapes(100, { generator: new Generator(3) }).tensors;
  assert.deepEqual([...again[0].dataSync()], [...xs]);
  assert.deepEqual([...again[1].dataSync()], [...y.dataSync()]);
  assert.notDeepEqual([...coloredShapes(100, { generator: new Generator(4) }).tensors[1].dataSync()], [...y.dataSync()]);
  // the images differ from one another (random colours, positions, textures)
  assert.notDeepEqual([...xs.subarray(0, 3072)], [...xs.subarray(3072, 6144)]);
  assert.deepEqual([...coloredShapes(12, { size: 16, noise: 0, generator: new Generator(0) }).tensors[0].shape], [12, 3, 16, 16]);
  assert.throws(() => coloredShapes(10, { nosie: 0.1 } as never), /data.coloredShapes: unknown option 'nosie' \(did you mean 'noise'\?\)/);
  assert.throws(() => coloredShapes(0), /data.coloredShapes: n must be a positive integer/);
});

/** |x − the image's border colour| summed over channels: a colour-invariant silhouette [N, 1, H, W]. */
function silhouette(x: Tensor): Tensor {
  const [n, , h, w] = x.shape as [number, number, number, number];
  const xs = x.dataSync(), out = new Float32Array(n * h * w);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < 3; c++) {
      const o = (i * 3 + c) * h * w;
      let m = 0;
      for (let j = 0; j < w; j++) m += xs[o + j]! + xs[o + (h - 1) * w + j]!;
      for (let j = 0; j < h; j++) m += xs[o + j * w]! + xs[o + j * w + w - 1]!;
      m /= 2 * (h + w);
      for (let p = 0; p < h * w; p++) out[i * h * w + p] = out[i * h * w + p]! + Math.abs(xs[o + p]! - m);
    }
  return tensor(out, { shape: [n, 1, h, w] });
}

test("coloredShapes is learnable: a one-layer conv (unfold + linear + global max pool) beats chance (1/6) by far in seconds", () => {
  const [x, y] = coloredShapes(900, { generator: new Generator(0) }).tensors;
  const s = silhouette(x);
  const ix = (a: number, b: number): Tensor => tensor(Int32Array.from({ length: b - a }, (_, i) => a + i), { dtype: "int32" });
  const [xTr, yTr, xTe, yTe] = [s.indexSelect(0, ix(0, 600)), y.indexSelect(0, ix(0, 600)), s.indexSelect(0, ix(600, 900)), y.indexSelect(0, ix(600, 900))];
  manualSeed(0);
  const conv = new nn.Linear(25, 16), head = new nn.Linear(16, SHAPE_CLASSES.length);
  // 16 5x5 filters at stride 2, ReLU, the max over positions (translation invariant), a linear head
  const forward = (xb: Tensor): Tensor => head.forward(conv.forward(F.unfold(xb, 5, { stride: 2 }).transpose(1, 2)).relu().amax(1));
  const opt = new optim.Adam([...conv.parameters(), ...head.parameters()], { lr: 1e-2 });
  const loss = new nn.CrossEntropyLoss();
  for (let epoch = 0; epoch < 10; epoch++)
    for (let b = 0; b < 600; b += 50) {
      opt.zeroGrad();
      loss.forward(forward(xTr.indexSelect(0, ix(b, b + 50))), yTr.indexSelect(0, ix(b, b + 50))).backward();
      opt.step();
    }
  const pred = Array.from(noGrad(() => forward(xTe).argmax(1)).dataSync()), truth = Array.from(yTe.dataSync());
  const acc = pred.filter((p, i) => p === truth[i]).length / 300;
  // measured 0.83 with seed 0 (a raw-pixel 3072-64-6 MLP reaches only ~0.21: position and colour vary)
  assert.ok(acc > 0.65, `test accuracy ${acc}`);
});
