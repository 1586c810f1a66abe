// L1/L2 parameter penalties (deck 004, "Parameter Penalty"): their gradients, and one SGD step of
// fit with each penalty against the deck's update rules, in float64 so the comparison is tight.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data, Generator, nn, optim, randn, tensor, type Tensor } from "../src/index.js";
import { fit, penalty } from "../src/train/index.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const close = (a: number[], b: number[], tol: number, what: string): void => {
  assert.equal(a.length, b.length, what);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)), `${what}[${i}]: ${x} vs ${b[i]}`));
};

const W = [[0.5, -1.5, 0.25], [-0.75, 2, -0.125]];

test("L2 penalty ½α‖w‖₂²: value and gradient α·w", () => {
  const w = tensor(W, { dtype: "float64", requiresGrad: true });
  const p = penalty([w], { l2: 0.3 })!;
  const flat = W.flat();
  close([p.item()], [0.5 * 0.3 * flat.reduce((s, v) => s + v * v, 0)], 1e-14, "value");
  p.backward();
  close(vals(w.grad!), flat.map((v) => 0.3 * v), 1e-14, "grad");
});

test("L1 penalty α‖w‖₁: value and gradient α·sign(w)", () => {
  const w = tensor(W, { dtype: "float64", requiresGrad: true });
  const p = penalty([w], { l1: 0.2 })!;
  const flat = W.flat();
  close([p.item()], [0.2 * flat.reduce((s, v) => s + Math.abs(v), 0)], 1e-14, "value");
  p.backward();
  close(vals(w.grad!), flat.map((v) => 0.2 * Math.sign(v)), 1e-14, "grad");
});

test("penalties add over parameters and combine (elastic net); none is null; gradient adds to ∇J", () => {
  const w = tensor(W, { dtype: "float64", requiresGrad: true });
  const v = tensor([1, -2], { dtype: "float64", requiresGrad: true });
  const p = penalty([w, v], { l1: 0.1, l2: 0.4 })!;
  const all = [...W.flat(), 1, -2];
  close([p.item()], [all.reduce((s, x) => s + 0.1 * Math.abs(x) + 0.2 * x * x, 0)], 1e-14, "value");
  assert.equal(penalty([w], {}), null);
  assert.equal(penalty([w], { l1: 0, l2: 0 }), null);
  // J(w) = Σ w³ has ∇J = 3w²; J + ½α‖w‖² has 3w² + αw
  const j = w.pow(3).sum().add(penalty([w], { l2: 0.5 })!);
  w.grad = null;
  j.backward();
  close(vals(w.grad!), W.flat().map((x) => 3 * x * x + 0.5 * x), 1e-14, "∇(J + penalty)");
});

test("negative (and NaN, infinite) coefficients are rejected", () => {
  const w = tensor(W, { requiresGrad: true });
  assert.throws(() => penalty([w], { l2: -0.1 }), /regularization: coefficients must be finite and non-negative, got l1=0, l2=-0.1/);
  assert.throws(() => penalty([w], { l1: -1 }), /non-negative, got l1=-1/);
  assert.throws(() => penalty([w], { l1: Number.NaN }), /non-negative, got l1=NaN/);
  assert.throws(() => penalty([w], { l2: Infinity }), /non-negative, got l1=0, l2=Infinity/);
});

/** One full-batch SGD step of fit with the given penalty; returns weights before/after, ∇J, and the logged loss. */
async function oneStep(reg: { l1?: number; l2?: number }, lr: number) {
  const g = new Generator(3);
  const x = randn([6, 3], { generator: g, dtype: "float64" });
  const y = randn([6, 2], { generator: g, dtype: "float64" });
  const model = new nn.Linear(3, 2, { dtype: "float64" });
  const w0 = vals(model.weight);
  const b0 = vals(model.bias!);
  // ∇J at the starting weights, from a copy
  const copy = new nn.Linear(3, 2, { dtype: "float64" });
  copy.loadStateDict(model.stateDict());
  const j = new nn.MSELoss().forward(copy.forward(x), y);
  j.backward();
  const h = await fit(model, {
    train: new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 6 }),
    loss: new nn.MSELoss(),
    optimizer: new optim.SGD(model.parameters(), { lr }),
    regularization: reg,
    epochs: 1,
  });
  return { w0, b0, w1: vals(model.weight), b1: vals(model.bias!), gw: vals(copy.weight.grad!), gb: vals(copy.bias!.grad!), j: j.item(), logged: h.history.loss![0]! };
}

test("fit with l2: one SGD step is deck 004's w ← (1 − εα)w − ε∇J; biases (1-D) are not penalized", async () => {
  const [eps, alpha] = [0.1, 0.5];
  const r = await oneStep({ l2: alpha }, eps);
  close(r.w1, r.w0.map((w, i) => (1 - eps * alpha) * w - eps * r.gw[i]!), 1e-13, "weight");
  close(r.b1, r.b0.map((b, i) => b - eps * r.gb[i]!), 1e-13, "bias");
  close([r.logged], [r.j + 0.5 * alpha * r.w0.reduce((s, w) => s + w * w, 0)], 1e-13, "logged loss includes the penalty");
});

test("fit with l1: one SGD step is w − εα·sign(w) − ε∇J; biases are not penalized", async () => {
  const [eps, alpha] = [0.1, 0.05];
  const r = await oneStep({ l1: alpha }, eps);
  close(r.w1, r.w0.map((w, i) => w - eps * alpha * Math.sign(w) - eps * r.gw[i]!), 1e-13, "weight");
  close(r.b1, r.b0.map((b, i) => b - eps * r.gb[i]!), 1e-13, "bias");
  close([r.logged], [r.j + alpha * r.w0.reduce((s, w) => s + Math.abs(w), 0)], 1e-13, "logged loss includes the penalty");
});

test("fit: regularization.params chooses what is penalized (here the bias too); negative α rejected by fit", async () => {
  const x = tensor([[1, 2]], { dtype: "float64" });
  const y = tensor([[0.5]], { dtype: "float64" });
  const model = new nn.Linear(2, 1, { dtype: "float64" });
  const b0 = model.bias!.item();
  const copy = new nn.Linear(2, 1, { dtype: "float64" });
  copy.loadStateDict(model.stateDict());
  new nn.MSELoss().forward(copy.forward(x), y).backward();
  await fit(model, {
    train: [[x, y]],
    loss: new nn.MSELoss(),
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
    regularization: { l2: 1, params: model.parameters() },
  });
  close([model.bias!.item()], [(1 - 0.1) * b0 - 0.1 * copy.bias!.grad!.item()], 1e-13, "penalized bias");
  await assert.rejects(
    fit(model, { train: [[x, y]], loss: new nn.MSELoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), regularization: { l1: -1 } }),
    /coefficients must be finite and non-negative, got l1=-1/,
  );
});
