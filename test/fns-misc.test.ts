// allclose, equal, empty, logspace, range, vander, msort and renorm against torch 1.13
// (tools/fixtures/misc_fns.py) on both backends; bernoulli, normal and poisson by their moments.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { allclose, bernoulli, empty, equal, Generator, listBackends, logspace, msort, normal, poisson, range, renorm, full, tensor, vander } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, type FixtureTensor } from "./helpers.js";

interface Fx {
  logspace: { args: [number, number, number, number]; y: FixtureTensor }[];
  range: { args: [number, number, number]; y: FixtureTensor }[];
  x: FixtureTensor;
  vander: { N: number | null; increasing: boolean; y: FixtureTensor }[];
  m: FixtureTensor;
  msort: FixtureTensor;
  renorm: { p: number; dim: number; maxnorm: number; x: FixtureTensor; y: FixtureTensor; r: FixtureTensor; grad: FixtureTensor }[];
  a: FixtureTensor;
  b: FixtureTensor;
  allclose: { rtol: number; atol: number; equalNan: boolean; y: boolean }[];
  equal: [boolean, boolean];
}
const fx = fixture<Fx>("fns/misc.json");
const tol = { rtol: 1e-5, atol: 1e-6 };

describe("misc torch functions match torch", () => {
  for (const device of listBackends())
    it(`${device}: logspace, range, vander, msort, renorm (with gradients), allclose, equal`, () => on(device, () => {
      for (const c of fx.logspace) assertClose(logspace(c.args[0], c.args[1], c.args[2], c.args[3]), decode(c.y), tol, `logspace ${c.args.join(", ")}`);
      for (const c of fx.range) assertClose(range(...c.args), decode(c.y), { rtol: 0, atol: 0 }, `range ${c.args.join(", ")}`);
      for (const c of fx.vander) assertClose(vander(decode(fx.x), c.N, c.increasing), decode(c.y), tol, `vander N=${c.N} ${c.increasing}`);
      assertClose(msort(decode(fx.m)), decode(fx.msort), { rtol: 0, atol: 0 }, "msort");
      for (const c of fx.renorm) {
        const x = decode(c.x, { requiresGrad: true });
        const y = renorm(x, c.p, c.dim, c.maxnorm);
        assertClose(y, decode(c.y), tol, `renorm p=${c.p} dim=${c.dim}`);
        y.mul(decode(c.r)).sum().backward();
        assertClose(x.grad!, decode(c.grad), { rtol: 1e-4, atol: 1e-5 }, `renorm gradient p=${c.p} dim=${c.dim}`);
      }
      const [a, b] = [decode(fx.a), decode(fx.b)];
      for (const c of fx.allclose) assert.equal(allclose(a, b, c.rtol, c.atol, c.equalNan), c.y, `allclose ${JSON.stringify(c)}`);
      assert.equal(a.allclose(b, { equalNan: true }), true);
      assert.deepEqual([equal(a.narrow(0, 0, 2), full([2], 1)), equal(tensor([1, 2]), tensor([1, 2]))], fx.equal);
      assert.equal(equal(tensor([1, 2]), tensor([[1, 2]])), false, "different shapes");
      assert.deepEqual(empty([2, 3]).shape, [2, 3]);
    }));

  it("renorm gradcheck in float64; errors name the function", () => {
    const x = tensor([[1, -2, 0.5], [3, 0.2, -1]], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((t) => renorm(t, 2, 0, 1.5), [x]));
    assert.throws(() => vander(tensor([[1, 2]])), /vander: x must be 1-D, got \[1, ?2\]/);
    assert.throws(() => range(0, 5, -1), /range: upper bound and larger bound inconsistent with step sign/);
    assert.throws(() => bernoulli(tensor([0.5, 1.5])), /bernoulli: every probability must be in \[0, 1\], got 1.5/);
    assert.throws(() => poisson(tensor([-1])), /poisson: rates must be non-negative, got -1/);
    assert.throws(() => normal(0, 1), /normal: with a number mean and std, pass the size/);
  });
});

describe("samplers: bernoulli, normal, poisson by their moments", () => {
  it("bernoulli's mean is p; normal's mean and std are its arguments; poisson's mean and variance are its rate", () => {
    const g = new Generator(7);
    const b = bernoulli(full([40000], 0.3), { generator: g });
    assert.ok(Math.abs(b.mean().item() - 0.3) < 4 * Math.sqrt(0.21 / 40000), `bernoulli mean ${b.mean().item()}`);
    assert.deepEqual([...new Set(b.dataSync())].sort(), [0, 1]);
    const n = normal(tensor([1, -2]).reshape([2, 1]).expand([2, 20000]), 3, { generator: g });
    for (const [row, mu] of [[0, 1], [1, -2]] as const) {
      const r = n.select(0, row);
      assert.ok(Math.abs(r.mean().item() - mu) < 4 * (3 / Math.sqrt(20000)), `normal mean ${r.mean().item()}`);
      assert.ok(Math.abs(r.std().item() - 3) < 0.06, `normal std ${r.std().item()}`);
    }
    assert.deepEqual(normal(0, 1, [3, 4]).shape, [3, 4]);
    assert.equal(normal(0, 1, [2], { requiresGrad: true }).requiresGrad, true, "requiresGrad is honoured");
    for (const lam of [0.5, 3, 45, 400]) {
      const s = poisson(full([30000], lam), { generator: g });
      const v = Array.from(s.dataSync());
      assert.ok(v.every((k) => Number.isInteger(k) && k >= 0), "non-negative integers");
      const m = v.reduce((x, y) => x + y, 0) / v.length, var_ = v.reduce((x, y) => x + (y - m) ** 2, 0) / v.length;
      assert.ok(Math.abs(m - lam) < 4 * Math.sqrt(lam / v.length), `poisson(${lam}) mean ${m}`);
      assert.ok(Math.abs(var_ / lam - 1) < 0.05, `poisson(${lam}) variance ${var_}`);
    }
    assert.deepEqual(Array.from(poisson(tensor([0, 0])).dataSync()), [0, 0]);
  });
});
