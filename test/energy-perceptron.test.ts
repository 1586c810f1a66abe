// The perceptron rule learns AND and OR and never separates XOR; one hidden layer trained by
// backpropagation solves XOR; a linear SVM trained through the hinge loss separates two blobs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { cat, Generator, manualSeed, models, nn, optim, randn, tensor } from "../src/index.js";

const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);

test("perceptron rule learns AND and OR: an epoch with zero errors, then all four points right", () => {
  for (const [name, y] of [["AND", [0, 0, 0, 1]], ["OR", [0, 1, 1, 1]]] as const) {
    const p = new models.Perceptron(2);
    const errors = p.fit(x, tensor([...y]), { epochs: 50, lr: 1 });
    assert.equal(errors.at(-1), 0, `${name}: converged (errors per epoch ${errors.join(",")})`);
    assert.ok(errors.length <= 10, `${name} converges within 10 epochs, took ${errors.length}`);
    assert.deepEqual(Array.from(p.forward(x).dataSync()), [...y], name);
  }
});

test("perceptron rule fails on XOR: no epoch in 1,000 without an error", () => {
  const p = new models.Perceptron(2);
  const errors = p.fit(x, tensor([0, 1, 1, 0]), { epochs: 1000, lr: 1 });
  assert.equal(errors.length, 1000);
  assert.ok(Math.min(...errors) >= 1, "every epoch misclassifies at least one point");
  const right = Array.from(p.forward(x).dataSync()).filter((v, i) => v === [0, 1, 1, 0][i]).length;
  assert.ok(right <= 3, "a line gets at most 3 of the 4 XOR points right");
});

test("one hidden layer trained by backpropagation solves XOR", () => {
  manualSeed(0);
  const y = tensor([[0], [1], [1], [0]]);
  const mlp = new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Linear(4, 1), new nn.Sigmoid());
  const opt = new optim.SGD(mlp.parameters(), { lr: 0.5, momentum: 0.9 });
  const lossFn = new nn.BCELoss();
  let loss = Infinity;
  for (let step = 0; step < 300; step++) {
    opt.zeroGrad();
    const l = lossFn.forward(mlp.forward(x), y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  assert.ok(loss < 0.05, `BCE after 300 steps ${loss} < 0.05`);
  assert.deepEqual(Array.from(mlp.forward(x).gt(0.5).float().dataSync()), [0, 1, 1, 0]);
});

test("linear SVM through the hinge loss separates two Gaussian blobs with a margin", () => {
  manualSeed(1);
  const g = new Generator(1);
  const a = randn([50, 2], { generator: g }).mul(0.5).add(tensor([2, 2]));
  const b = randn([50, 2], { generator: g }).mul(0.5).add(tensor([-2, -2]));
  const inputs = cat([a, b]);
  const labels = tensor([...Array<number>(50).fill(1), ...Array<number>(50).fill(-1)]);
  const svm = new models.LinearSVM(2, { lambda: 1e-2 });
  const history = svm.fit(inputs, labels, { epochs: 200, lr: 0.1 });
  assert.ok(history.at(-1)! < history[0]! / 5, `objective fell from ${history[0]} to ${history.at(-1)}`);
  const acc = svm.forward(inputs).sign().eq(labels).float().mean().item();
  assert.equal(acc, 1, "the blobs are separable, so every point is on its side");
  // most points lie outside the margin y·f(x) ≥ 1 after training
  const outside = svm.forward(inputs).mul(labels).ge(1).float().mean().item();
  assert.ok(outside > 0.9, `fraction outside the margin ${outside}`);
  assert.throws(() => new models.LinearSVM(2, { lamda: 1 } as never), /lambda/);
});

test("perceptron and Hopfield options are checked by name", () => {
  assert.throws(() => new models.Perceptron(2).fit(x, tensor([0, 0, 0, 1]), { epoch: 3 } as never), /epochs/);
  assert.throws(() => new models.Hopfield(4).recallAsync(tensor([1, -1, 1, 1]), { max_steps: 3 } as never), /maxSteps/);
  assert.throws(() => new models.Hopfield(4).store(tensor([[1, -1, 1]])), /Hopfield.store: expected states \[4\]/);
});
