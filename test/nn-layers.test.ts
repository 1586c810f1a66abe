// Layer behaviour that PyTorch's RNG cannot pin down: Dropout and AlphaDropout statistics and
// gradchecks with a fixed mask, default initialisations, Embedding's padding row, Residual, and the
// Module base (train/eval, apply, zeroGrad, dtype conversion).

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { F, Generator, manualSeed, nn, randn, tensor, zeros } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";

const meanStd = (v: ArrayLike<number>): [number, number] => {
  let s = 0, s2 = 0;
  for (let i = 0; i < v.length; i++) {
    s += v[i]!;
    s2 += v[i]! * v[i]!;
  }
  const m = s / v.length;
  return [m, Math.sqrt(s2 / v.length - m * m)];
};

describe("Dropout", () => {
  test("training: zeroes a fraction p and scales the rest by 1/(1−p)", () => {
    manualSeed(1);
    const d = new nn.Dropout(0.3);
    const y = d.forward(tensor(Array(20000).fill(2))).dataSync();
    let zerosN = 0;
    for (const v of y) {
      if (v === 0) zerosN++;
      else assert.ok(Math.abs(v - 2 / 0.7) < 1e-6, `survivor ${v}`);
    }
    assert.ok(Math.abs(zerosN / y.length - 0.3) < 0.015, `dropped ${zerosN / y.length}`);
  });
  test("eval mode and p = 0 are the identity; p = 1 zeroes; bad p is an error", () => {
    const x = randn([3, 4]);
    assert.equal(new nn.Dropout(0.5).eval().forward(x), x);
    assert.equal(F.dropout(x, { p: 0 }), x);
    assert.ok(F.dropout(x, { p: 1 }).dataSync().every((v) => v === 0));
    assert.throws(() => new nn.Dropout(1.5), /Dropout: dropout probability has to be between 0 and 1, but got 1.5/);
    assert.throws(() => F.dropout(x, { p: -0.1 }), /dropout: dropout probability/);
  });
  test("a seeded generator reproduces the mask; gradcheck with a fixed mask", () => {
    const x = randn([50]);
    const a = new nn.Dropout(0.5, { generator: new Generator(5) }).forward(x).dataSync();
    const b = new nn.Dropout(0.5, { generator: new Generator(5) }).forward(x).dataSync();
    assert.deepEqual(a, b);
    const xd = randn([8], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((t) => F.dropout(t, { p: 0.4, generator: new Generator(9) }), [xd]));
  });
});

describe("AlphaDropout", () => {
  test("keeps zero mean and unit variance of standard-normal (SELU) activations", () => {
    const x = randn([40000], { generator: new Generator(2) });
    for (const p of [0.1, 0.3, 0.5]) {
      const y = new nn.AlphaDropout(p, { generator: new Generator(3) }).forward(x).dataSync();
      const [m, s] = meanStd(y);
      assert.ok(Math.abs(m) < 0.03 && Math.abs(s - 1) < 0.03, `p=${p}: mean ${m}, std ${s}`);
    }
  });
  test("kept units become a·x + αap, dropped ones −αa + αap (torch's affine correction)", () => {
    const p = 0.25, alpha = 1.7580993408473766;
    const a = 1 / Math.sqrt((alpha * alpha * p + 1) * (1 - p));
    const x = randn([200], { generator: new Generator(4) });
    const yDrop = F.alphaDropout(zeros([200]).sub(1e6), { p, training: true, generator: new Generator(6) }).dataSync();
    const y = F.alphaDropout(x, { p, training: true, generator: new Generator(6) }).dataSync();
    const xv = x.dataSync();
    let dropped = 0;
    for (let i = 0; i < 200; i++) {
      const kept = yDrop[i]! < -1000; // the same mask, read off a huge negative input
      const want = kept ? a * xv[i]! + alpha * a * p : -alpha * a + alpha * a * p;
      if (!kept) dropped++;
      assert.ok(Math.abs(y[i]! - want) < 1e-5, `element ${i}: ${y[i]} vs ${want}`);
    }
    assert.ok(dropped > 20 && dropped < 80);
  });
  test("eval mode is the identity (and F's training defaults to false, as torch); gradcheck with a fixed mask", () => {
    const x = randn([5]);
    assert.equal(new nn.AlphaDropout(0.5).eval().forward(x), x);
    assert.equal(F.alphaDropout(x, { p: 0.5 }), x);
    const xd = randn([6], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((t) => F.alphaDropout(t, { p: 0.3, training: true, generator: new Generator(8) }), [xd]));
  });
});

describe("default initialisation (torch's)", () => {
  test("Linear: weight and bias in U(−1/√in, 1/√in)", () => {
    manualSeed(3);
    const l = new nn.Linear(400, 300);
    const bound = 1 / Math.sqrt(400);
    for (const t of [l.weight, l.bias!]) {
      const v = t.dataSync();
      assert.ok(v.every((x) => Math.abs(x) <= bound), "within the bound");
      const [m, s] = meanStd(v);
      assert.ok(Math.abs(m) < bound * 0.1 && Math.abs(s - bound / Math.sqrt(3)) < bound * 0.06, `mean ${m}, std ${s}`);
    }
    assert.equal(new nn.Linear(3, 2, { bias: false }).bias, null);
    assert.deepEqual(Object.keys(new nn.Linear(3, 2, { bias: false }).stateDict()), ["weight"]);
  });
  test("Embedding: N(0, 1) with the padding row zero; the padding row gets no gradient", () => {
    const e = new nn.Embedding(500, 40, { paddingIdx: -1 });
    assert.equal(e.paddingIdx, 499);
    const w = e.weight.dataSync();
    assert.ok(w.slice(499 * 40).every((v) => v === 0));
    const [m, s] = meanStd(w.slice(0, 499 * 40));
    assert.ok(Math.abs(m) < 0.03 && Math.abs(s - 1) < 0.03, `mean ${m}, std ${s}`);
    const ids = tensor([[499, 3], [3, 499]], { dtype: "int32" });
    e.forward(ids).sum().backward();
    const g = e.weight.grad!.dataSync();
    assert.ok(g.slice(499 * 40).every((v) => v === 0), "no gradient for the padding row");
    assert.ok(g.slice(3 * 40, 4 * 40).every((v) => v === 2), "row 3 used twice");
  });
  test("Embedding errors", () => {
    const e = new nn.Embedding(4, 2);
    assert.throws(() => e.forward(tensor([1, 4], { dtype: "int32" })), /embedding: index 4 is out of range for 4 embeddings \(weight \[4,2\]\)/);
    assert.throws(() => e.forward(tensor([1, 2])), /embedding: indices must be an int32 tensor, got float32/);
    assert.throws(() => new nn.Embedding(4, 2, { paddingIdx: 4 }), /paddingIdx 4 must be within \[-4, 4\)/);
  });
  test("LayerNorm and BatchNorm1d start as γ = 1, β = 0 with running stats 0 and 1", () => {
    const bn = new nn.BatchNorm1d(3);
    assert.deepEqual(Object.keys(bn.stateDict()), ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    assert.equal(bn.stateDict()["num_batches_tracked"]!.dtype, "int32");
    assert.deepEqual(bn.runningVar!.toArray(), [1, 1, 1]);
    assert.deepEqual(new nn.LayerNorm([2, 2]).weight!.toArray(), [[1, 1], [1, 1]]);
    assert.equal(new nn.BatchNorm1d(3, { trackRunningStats: false }).buffers().length, 0);
  });
});

describe("Residual (deck 001: a(L) = a(L−2) + H(x))", () => {
  test("returns x + block(x) and is differentiable end to end", () => {
    manualSeed(0);
    const block = new nn.Sequential(new nn.Linear(3, 3), new nn.Tanh()).double();
    const r = new nn.Residual(block);
    assert.deepEqual(Object.keys(r.stateDict()), ["block.0.weight", "block.0.bias"]);
    const x = randn([2, 3], { dtype: "float64", requiresGrad: true });
    assertClose(r.forward(x), x.add(block.forward(x)).dataSync(), { rtol: 0, atol: 0 }, "residual");
    assert.ok(gradcheck((t) => r.forward(t), [x]));
    const w = block.at(0) as nn.Linear;
    assert.ok(gradcheck((wt) => x.detach().add(F.linear(x.detach(), wt, w.bias).tanh()), [w.weight]));
  });
});

describe("Module base", () => {
  const model = (): nn.Sequential => new nn.Sequential(new nn.Linear(2, 4), new nn.BatchNorm1d(4), new nn.Dropout(0.2), new nn.Linear(4, 1));
  test("train()/eval() reach every descendant; apply visits children first", () => {
    const m = model().eval();
    assert.ok(m.modules().every((x) => !x.training));
    m.train();
    assert.ok(m.modules().every((x) => x.training));
    const seen: string[] = [];
    m.apply((x) => seen.push(x.constructor.name));
    assert.deepEqual(seen, ["Linear", "BatchNorm1d", "Dropout", "Linear", "Sequential"]);
  });
  test("parameters, buffers, children; zeroGrad clears gradients", () => {
    const m = model();
    assert.equal(m.parameters().length, 6);
    assert.deepEqual(m.namedBuffers().map(([k]) => k), ["1.running_mean", "1.running_var", "1.num_batches_tracked"]);
    assert.equal(m.children().length, 4);
    m.forward(randn([5, 2])).sum().backward();
    assert.ok(m.parameters().every((p) => p.grad !== null));
    m.zeroGrad();
    assert.ok(m.parameters().every((p) => p.grad === null));
  });
  test("double()/float()/to() convert floating parameters and buffers in place", () => {
    const m = model();
    const w = (m.at(0) as nn.Linear).weight;
    m.double();
    assert.equal(w.dtype, "float64");
    assert.equal((m.at(0) as nn.Linear).weight, w, "same tensor object");
    assert.equal((m.at(1) as nn.BatchNorm1d).runningMean!.dtype, "float64");
    assert.equal((m.at(1) as nn.BatchNorm1d).numBatchesTracked!.dtype, "int32");
    assert.equal(m.forward(randn([3, 2], { dtype: "float64" })).dtype, "float64");
    m.to("float32");
    assert.ok(m.parameters().every((p) => p.dtype === "float32" && p.requiresGrad));
  });
  test("PReLU has one parameter initialised to 0.25; per-channel weights need the channel count", () => {
    assert.deepEqual(new nn.PReLU().stateDict()["weight"]!.toArray(), [0.25]);
    assert.throws(() => new nn.PReLU({ numParameters: 3 }).forward(zeros([2, 4])), /prelu: weight has 3 elements but the input \[2,4\] has 4 channels \(dim 1\)/);
  });
});
