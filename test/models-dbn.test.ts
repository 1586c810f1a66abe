// Deep belief network: greedy layer-wise RBM pre-training on unlabelled digits, then fine-tuning on
// 10 labelled digits per class, beats the same network from random initialisation on held-out digits.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, manualSeed, models, nn, optim, tensor, type Tensor } from "../src/index.js";
import { digitsSlice } from "./digits-slice.js";

/** Rows of the slice: for each digit d, images 60d + from … 60d + to − 1. */
const rows = (from: number, to: number): Tensor =>
  tensor(Int32Array.from(Array.from({ length: 10 }, (_, d) => Array.from({ length: to - from }, (_, i) => 60 * d + from + i)).flat()));

/** The same fine-tuning for both networks: 200 full-batch steps of SGD with momentum on the labelled digits. */
function fineTune(net: nn.Sequential, x: Tensor, y: Tensor): void {
  const opt = new optim.SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  for (let step = 0; step < 200; step++) {
    opt.zeroGrad();
    lossFn.forward(net.forward(x), y).backward();
    opt.step();
  }
}

const accuracy = (net: nn.Sequential, x: Tensor, y: Tensor): number => net.forward(x).argmax(1).eq(y).float().mean().item();

const SIZES = [196, 128, 64];
test("DBN pre-training then fine-tuning beats random initialisation with 10 labels per digit", () => {
  const { x, y } = digitsSlice();
  const unlabelled = x.indexSelect(0, rows(0, 30)); // 300 training images, labels unused
  const lx = x.indexSelect(0, rows(0, 10)), ly = y.indexSelect(0, rows(0, 10)); // 100 labelled
  const tx = x.indexSelect(0, rows(30, 60)), ty = y.indexSelect(0, rows(30, 60)); // 300 held out

  manualSeed(0);
  const dbn = new models.DBN(SIZES, { generator: new Generator(0) });
  const errors = dbn.pretrain(unlabelled, { epochs: 20, batchSize: 30, lr: 0.1, generator: new Generator(1) });
  assert.ok(errors[0]! < 0.1, `first RBM reconstructs the digits (MSE ${errors[0]})`);
  assert.deepEqual(dbn.forward(tx).shape, [300, 64]);
  
  const pretrained = dbn.classifier(10);
  fineTune(pretrained, lx, ly);

  manualSeed(0);
  const random = new models.DBN(SIZES).classifier(10); // same architecture, torch's init
  fineTune(random, lx, ly);

  const [a, b] = [accuracy(pretrained, tx, ty), accuracy(random, tx, ty)];
  console.log(`  held-out accuracy: pre-trained ${(a * 100).toFixed(1)}%, random init ${(b * 100).toFixed(1)}%`);
  assert.ok(a >= b + 0.1, `pre-trained ${a} should beat random init ${b} by at least 10 points`);
  assert.ok(a >= 0.6, `pre-trained accuracy ${a} ≥ 0.6`);
});
