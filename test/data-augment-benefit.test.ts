// Augmentation pays on small data: a 784-128-10 MLP trained on 300 MNIST digits for 60 epochs
// reaches a higher test accuracy when every batch goes through RandomAffine (rotation ±12°,
// translation ±10%, scale 0.9-1.1) than on the same digits unaugmented, everything seeded.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data, Generator, manualSeed, nn, noGrad, optim, tensor, type Tensor } from "../src/index.js";
import { loadMnist } from "../src/node.js";

function trainAndTest(augment: boolean): number {
  const { train, test: held } = loadMnist({ trainSize: 300, testSize: 2000, flatten: true });
  const [xTr, yTr] = train.tensors, [xTe, yTe] = held.tensors;
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const loss = new nn.CrossEntropyLoss();
  const g = new Generator(1);
  const aug = new data.RandomAffine(12, [0.1, 0.1], [0.9, 1.1], { imageSize: 28, generator: g });
  for (let epoch = 0; epoch < 60; epoch++) {
    const perm = data.permutation(300, g);
    for (let b = 0; b < 300; b += 50) {
      const ix = tensor(Int32Array.from(perm.slice(b, b + 50)), { dtype: "int32" });
      let xb: Tensor = xTr.indexSelect(0, ix);
      if (augment) xb = aug.forward(xb);
      opt.zeroGrad();
      loss.forward(model.forward(xb), yTr.indexSelect(0, ix)).backward();
      opt.step();
    }
  }
  const pred = Array.from(noGrad(() => model.forward(xTe).argmax(1)).dataSync()), truth = Array.from(yTe.dataSync());
  return pred.filter((p, i) => p === truth[i]).length / truth.length;
}

test("RandomAffine raises test accuracy on 300 MNIST digits by more than a point", () => {
  const plain = trainAndTest(false), augmented = trainAndTest(true);
  // measured: 0.856 → 0.8735 (seed 0 as here) and 0.856 → 0.884 (model seed 1, augmentation seed 2)
  assert.ok(augmented > plain + 0.01, `augmented ${augmented} vs plain ${plain}`);
});
