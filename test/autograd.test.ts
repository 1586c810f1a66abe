// Autograd semantics against PyTorch's: accumulation, retained graphs, grad modes, detach,
// higher-order gradients, versions after assign(), shared inputs and broadcasting.

import { test } from "node:test";
import assert from "node:assert/strict";
import { enableGrad, grad, isGradEnabled, noGrad, ones, tensor, type Tensor } from "../src/index.js";

const vals = (t: Tensor | null): number[] => Array.from(t!.dataSync());
const f64 = (v: number | number[] | number[][], requiresGrad = true): Tensor => tensor(v, { dtype: "float64", requiresGrad });
function close(a: number[], b: number[], tol = 1e-12): void {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) <= tol * Math.max(1, Math.abs(b[i]!)), `[${i}] got ${v}, expected ${b[i]}`));
}

test("gradients accumulate into .grad across backward calls", () => {
  const x = f64([1, 2]);
  x.mul(3).sum().backward();
  x.square().sum().backward();
  close(vals(x.grad), [3 + 2, 3 + 4]);
  x.grad = null;
  x.sum().backward();
  close(vals(x.grad), [1, 1]);
});

test("retainGraph: a second backward needs it", () => {
  const x = f64(2);
  const y = x.exp().mul(x);
  y.backward(undefined, { retainGraph: true });
  y.backward();
  close(vals(x.grad), [2 * (Math.exp(2) * 3)]);
  assert.throws(() => y.backward(), /backward through the graph a second time/);
});

test("noGrad / enableGrad nest, and results made under noGrad do not require grad", () => {
  const x = f64([1, 2]);
  assert.equal(isGradEnabled(), true);
  const outer = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    const inner = enableGrad(() => {
      assert.equal(isGradEnabled(), true);
      return x.mul(2);
    });
    assert.equal(isGradEnabled(), false);
    return [x.mul(2), inner] as const;
  });
  assert.equal(isGradEnabled(), true);
  assert.equal(outer[0].requiresGrad, false);
  assert.equal(outer[0].gradFn, null);
  assert.equal(outer[1].requiresGrad, true);
  assert.equal(outer[1].gradFn?.op, "mul");
  // the mode is restored when the function throws
  assert.throws(() => noGrad(() => { throw new Error("boom"); }), /boom/);
  assert.equal(isGradEnabled(), true);
});

test("detach cuts the graph but shares the data", () => {
  const x = f64([1, 2]);
  const d = x.mul(2).detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(d.gradFn, null);
  const y = x.mul(d).sum(); // d is a constant: dy/dx = d
  y.backward();
  close(vals(x.grad), [2, 4]);
  const e = x.detach();
  assert.equal(e.storage, x.storage);
});

test("requiresGrad only on floating-point leaves", () => {
  assert.throws(() => { tensor([1], { dtype: "int32" }).requiresGrad = true; }, /only floating-point tensors can require gradients/);
  assert.throws(() => { tensor([true]).requiresGrad = true; }, /this one is bool/);
  const y = f64([1]).mul(2);
  assert.throws(() => { y.requiresGrad = false; }, /cannot turn off gradients of a non-leaf tensor; use detach\(\)/);
  assert.equal(y.isLeaf, false);
});

test("retainGrad keeps the gradient of a non-leaf", () => {
  const x = f64([1, 2]);
  const h = x.mul(3);
  const h2 = x.mul(4).retainGrad();
  h.mul(h2).sum().backward();
  assert.equal(h.grad, null); // non-leaves drop their gradient by default
  close(vals(h2.grad), [3, 6]);
  close(vals(x.grad), [24, 48]); // d(12x²)/dx
});

test("backward(gradient) for a non-scalar output, and the error without it", () => {
  const x = f64([1, 2, 3]);
  const y = x.square();
  assert.throws(() => y.backward(), /grad can be implicitly created only for scalar outputs/);
  y.backward(tensor([1, 0.5, -1], { dtype: "float64" }));
  close(vals(x.grad), [2, 2, -6]);
});

test("grad() with createGraph: second derivatives of x³, sigmoid and tanh", () => {
  const xs = [-1.3, 0.2, 2.1];
  const x = f64(xs);
  const [d1] = grad(x.pow(3).sum(), x, { createGraph: true });
  close(vals(d1!), xs.map((v) => 3 * v * v));
  const [d2] = grad(d1!.sum(), x);
  close(vals(d2!), xs.map((v) => 6 * v));

  const s = (v: number): number => 1 / (1 + Math.exp(-v));
  const [g1] = grad(x.sigmoid().sum(), x, { createGraph: true });
  const [g2] = grad(g1!.sum(), x);
  close(vals(g2!), xs.map((v) => s(v) * (1 - s(v)) * (1 - 2 * s(v))));

  const [t1] = grad(x.tanh().sum(), x, { createGraph: true });
  close(vals(t1!), xs.map((v) => 1 - Math.tanh(v) ** 2));
  const [t2] = grad(t1!.sum(), x, { createGraph: true });
  close(vals(t2!), xs.map((v) => -2 * Math.tanh(v) * (1 - Math.tanh(v) ** 2)));
  // and a third: d³ tanh = −2 sech²(x)(1 − 3 tanh²x)
  const [t3] = grad(t2!.sum(), x);
  close(vals(t3!), xs.map((v) => -2 * (1 - Math.tanh(v) ** 2) * (1 - 3 * Math.tanh(v) ** 2)));
  // grad() returns gradients and leaves .grad alone
  assert.equal(x.grad, null);
});

test("grad() allowUnused", () => {
  const x = f64(1);
  const unused = f64(2);
  assert.throws(() => grad(x.mul(2), [x, unused]), /grad: input 1 \[\] was not used to compute the outputs; pass \{ allowUnused: true \}/);
  const [gx, gu] = grad(x.mul(2), [x, unused], { allowUnused: true });
  close(vals(gx!), [2]);
  assert.equal(gu, null);
});

test("assign on a leaf that requires grad throws under grad mode, works under noGrad and bumps the version", () => {
  const w = f64([1, 2]);
  assert.throws(() => w.assign(tensor([3, 4], { dtype: "float64" })), /assign: a leaf tensor that requires grad cannot be modified while grad mode is on/);
  const v0 = w.version;
  noGrad(() => w.assign(tensor([3, 4])));
  assert.equal(w.version, v0 + 1);
  assert.equal(w.dtype, "float64"); // converted to the target's dtype
  close(vals(w), [3, 4]);
  assert.throws(() => w.assign(ones([3])), /assign: cannot assign a tensor of shape \[3\] to one of shape \[2\]/);
});

test("backward after assign() of a saved input throws the version error", () => {
  const w = f64([1, 2]);
  const loss = w.square().sum(); // mul saves w
  noGrad(() => w.assign(tensor([5, 6], { dtype: "float64" })));
  assert.throws(() => loss.backward(), /backward: an input \[2\] of 'mul' was modified by assign\(\) after it was used \(version 1, expected 0\)/);
  // ops that never read their inputs in backward do not care
  const b = f64([1, 2]);
  const s = b.add(1).sum();
  noGrad(() => b.assign(tensor([7, 8], { dtype: "float64" })));
  s.backward();
  close(vals(b.grad), [1, 1]);
});

test("a tensor used twice gets both contributions: d(x·x)/dx = 2x", () => {
  const x = f64([1.5, -2]);
  x.mul(x).sum().backward();
  close(vals(x.grad), [3, -4]);
});

test("a diamond graph sums both paths", () => {
  // a = 2x, b = a², c = sin a, y = b + c → dy/dx = 2(2a + cos a)
  const x = f64(0.7);
  const a = x.mul(2);
  const y = a.square().add(a.sin());
  y.backward();
  const av = 1.4;
  close(vals(x.grad), [2 * (2 * av + Math.cos(av))]);
});

test("broadcast operands get gradients reduced to their own shapes", () => {
  const a = f64([[1, 2, 3], [4, 5, 6]]);
  const row = f64([10, 20, 30]);
  const col = tensor([[1], [2]], { dtype: "float64", requiresGrad: true });
  const s = f64(3);
  a.mul(row).add(col).mul(s).sum().backward();
  assert.deepEqual(row.grad!.shape, [3]);
  assert.deepEqual(col.grad!.shape, [2, 1]);
  assert.deepEqual(s.grad!.shape, []);
  close(vals(row.grad), [3 * 5, 3 * 7, 3 * 9]);
  close(vals(col.grad), [9, 9]);
  close(vals(s.grad), [10 + 40 + 90 + 40 + 100 + 180 + 3 + 6]);
  close(vals(a.grad), [30, 60, 90, 30, 60, 90]);
  // a scalar operand contributes no gradient and keeps the shape
  const z = f64([1, 2]);
  z.add(5).mul(2).sum().backward();
  close(vals(z.grad), [2, 2]);
});

test("gradients through views: transpose, slice and expand", () => {
  const x = f64([[1, 2], [3, 4]]);
  x.t().matmul(f64([[1], [10]], false)).sum().backward();
  close(vals(x.grad), [1, 1, 10, 10]);
  const y = f64([1, 2, 3, 4, 5]);
  y.slice(0, 1, 5, 2).mul(f64([7, 9], false)).sum().backward();
  close(vals(y.grad), [0, 7, 0, 9, 0]);
  const z = f64([2]);
  z.expand(3).square().sum().backward();
  close(vals(z.grad), [12]);
});
