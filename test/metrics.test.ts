// Metrics: accuracy, 0-1 loss and the confusion matrix on hand-checkable cases (sklearn's
// definitions and its documented confusion-matrix example), and the streaming accumulators.

import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor } from "../src/index.js";
import { Accuracy, Mean, RunningAverage, accuracy, confusionMatrix, predictLabels, zeroOneLoss } from "../src/train/metrics.js";

const i32 = (v: number[]): ReturnType<typeof tensor> => tensor(v, { dtype: "int32" });

// Rows' argmax: 0, 1, 0, 2 against truth 0, 1, 2, 2 → 3 of 4 right.
const logits = tensor([[2, 1, 0], [0, 3, 1], [1, 0, 0.5], [0, 0, 5]], { requiresGrad: true });
const truth = i32([0, 1, 2, 2]);

test("accuracy and zeroOneLoss of multi-class scores take the argmax over dim 1", () => {
  assert.equal(accuracy(logits, truth), 0.75);
  assert.equal(zeroOneLoss(logits, truth), 0.25);
  assert.equal(zeroOneLoss(logits, truth, { normalize: false }), 1);
  assert.deepEqual(predictLabels(logits).toArray(), [0, 1, 0, 2]);
  // One-hot (float) targets are reduced by argmax too; int32 labels as output are compared directly.
  const oneHot = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1]]);
  assert.equal(accuracy(logits, oneHot), 0.75);
  assert.equal(accuracy(i32([0, 1, 0, 2]), truth), 0.75);
  assert.equal(logits.grad, null);
});

test("binary accuracy thresholds probabilities (p > threshold) or logits with fromLogits", () => {
  const p = tensor([0.9, 0.2, 0.5, 0.7]);
  const y = tensor([1, 0, 1, 0]);
  assert.equal(accuracy(p, y), 0.5); // predictions 1, 0, 0 (0.5 is not > 0.5), 1
  assert.equal(accuracy(p, y, { threshold: 0.8 }), 0.75); // predictions 1, 0, 0, 0
  assert.equal(accuracy(p.reshape(4, 1), i32([1, 0, 1, 0]).reshape(4, 1)), 0.5);
  const z = tensor([[2], [-1], [0], [0.3]]); // σ: 0.88, 0.27, 0.5, 0.57 → 1, 0, 0, 1
  assert.equal(accuracy(z, tensor([1, 0, 1, 1]), { fromLogits: true }), 0.75);
  assert.equal(zeroOneLoss(z, tensor([1, 0, 1, 1]), { fromLogits: true, normalize: false }), 1);
});

test("confusionMatrix follows sklearn: rows are true classes, columns predictions", () => {
  // sklearn.metrics.confusion_matrix's documented example.
  const cm = confusionMatrix(i32([0, 0, 2, 2, 0, 2]), i32([2, 0, 2, 2, 0, 1]));
  assert.equal(cm.dtype, "int32");
  assert.deepEqual(cm.toArray(), [[2, 0, 0], [0, 0, 1], [1, 0, 2]]);
  assert.deepEqual(confusionMatrix(logits, truth, 4).toArray(), [[1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]);
  // Binary probabilities become labels 0/1: TN FP / FN TP.
  assert.deepEqual(confusionMatrix(tensor([0.9, 0.2, 0.5, 0.7]), tensor([1, 0, 1, 0])).toArray(), [[1, 1], [1, 1]]);
});

test("metric errors name the metric and the shapes", () => {
  assert.throws(() => accuracy(logits, i32([0, 1, 2])), {
    message: "accuracy: target [3] does not match the predictions [4] made from output [4,3]",
  });
  assert.throws(() => accuracy(tensor(0.5), tensor(1)), { message: "accuracy: output must have a batch dimension, got a 0-d tensor" });
  assert.throws(() => accuracy(tensor([0.2]), tensor([0.5])), { message: "accuracy: target labels must be integers, got 0.5" });
  assert.throws(() => confusionMatrix(i32([0, 3]), i32([0, 1]), 3), { message: "confusionMatrix: predicted class 3 is out of range for 3 classes" });
  assert.throws(() => confusionMatrix(i32([0, 1]), i32([-1, 1]), 3), { message: "confusionMatrix: true class -1 is out of range for 3 classes" });
  assert.throws(() => new Mean().update(tensor([1, 2])), { message: "Mean.update: expected a number or a one-element tensor, got shape [2]" });
  assert.throws(() => new RunningAverage({ alpha: 0 }), { message: "RunningAverage: alpha must be in (0, 1], got 0" });
});

test("Mean is the weighted mean of the values seen since reset()", () => {
  const m = new Mean();
  assert.ok(Number.isNaN(m.compute()));
  m.update(2);
  m.update(tensor(4), 3); // (2·1 + 4·3) / 4
  assert.equal(m.compute(), 3.5);
  m.reset();
  m.update(1);
  assert.equal(m.compute(), 1);
});

test("RunningAverage is an exponential moving average starting at the first value", () => {
  const r = new RunningAverage({ alpha: 0.5 });
  r.update(1);
  assert.equal(r.compute(), 1);
  r.update(3);
  assert.equal(r.compute(), 2);
  r.update(tensor([5]));
  assert.equal(r.compute(), 3.5);
  r.reset();
  assert.ok(Number.isNaN(r.compute()));
  assert.equal(new RunningAverage().alpha, 0.98);
});

test("Accuracy accumulates correct predictions over batches", () => {
  const acc = new Accuracy();
  assert.ok(Number.isNaN(acc.compute()));
  acc.update(logits, truth); // 3 of 4
  acc.update(tensor([[0, 1], [1, 0]]), i32([0, 0])); // 1 of 2 (binary task as 2-class scores)
  assert.equal(acc.compute(), 4 / 6);
  acc.reset();
  const bin = new Accuracy({ fromLogits: true });
  bin.update(tensor([3, -3]), tensor([1, 1]));
  assert.equal(bin.compute(), 0.5);
});
