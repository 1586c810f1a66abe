// nn.Bilinear / F.bilinear against torch 1.13 (tools/fixtures/bilinear.py) on both backends, a
// float64 gradcheck, torch's initialisation bounds and state-dict keys, and the errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, listBackends, nn, arange, randn, zeros } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

interface Case { x1: FixtureTensor; x2: FixtureTensor; weight: FixtureTensor; bias: FixtureTensor | null; y: FixtureTensor; gx1: FixtureTensor; gx2: FixtureTensor; gw: FixtureTensor; gb: FixtureTensor | null }
const fx = fixture<{ cases: Case[] }>("nn/bilinear.json");

describe("Bilinear matches torch", () => {
  for (const device of listBackends())
    for (const c of fx.cases)
      it(`${device}: x1 ${JSON.stringify(c.x1.shape)}, x2 ${JSON.stringify(c.x2.shape)}, weight ${JSON.stringify(c.weight.shape)}${c.bias ? "" : ", no bias"}`, () => on(device, () => {
        const [x1, x2] = [decode(c.x1, { requiresGrad: true }), decode(c.x2, { requiresGrad: true })];
        const [out, in1, in2] = c.weight.shape as [number, number, number];
        const m = new nn.Bilinear(in1, in2, out, c.bias !== null);
        assert.deepEqual(Object.keys(m.stateDict()), c.bias ? ["weight", "bias"] : ["weight"]);
        m.loadStateDict(c.bias ? { weight: decode(c.weight), bias: decode(c.bias) } : { weight: decode(c.weight) });
        const y = m.forward(x1, x2);
        assert.deepEqual(y.shape, c.y.shape);
        assertClose(y, values(c.y), { rtol: 1e-5, atol: 1e-5 }, "forward");
        y.mul(arange(y.numel).reshape(y.shape)).sum().backward();
        assertClose(x1.grad!, values(c.gx1), { rtol: 1e-5, atol: 1e-4 }, "grad x1");
        assertClose(x2.grad!, values(c.gx2), { rtol: 1e-5, atol: 1e-4 }, "grad x2");
        assertClose(m.weight.grad!, values(c.gw), { rtol: 1e-5, atol: 1e-4 }, "grad weight");
        if (c.gb) assertClose(m.bias!.grad!, values(c.gb), { rtol: 1e-5, atol: 1e-4 }, "grad bias");
      }));

  it("gradcheck (float64) in all four arguments", () => on("cpu", () => {
    const g = (shape: number[]) => randn(shape, { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((a, b, w, bias) => F.bilinear(a, b, w, bias), [g([2, 3, 2]), g([2, 3, 4]), g([3, 2, 4]), g([3])]));
    assert.ok(gradcheck((a, b, w) => F.bilinear(a, b, w), [g([2]), g([3]), g([2, 2, 3])]));
  }));

  it("initialises weight and bias in U(−1/√in1, 1/√in1), as torch", () => {
    const m = new nn.Bilinear(16, 3, 300);
    const bound = 1 / 4;
    for (const p of [m.weight, m.bias!]) {
      const v = [...p.dataSync()];
      assert.ok(v.every((x) => Math.abs(x) <= bound), "within the bound");
      assert.ok(Math.max(...v.map(Math.abs)) > 0.9 * bound, "fills the range");
    }
    assert.equal(new nn.Bilinear(2, 4, 3, false).bias, null);
    assert.equal(new nn.Bilinear(2, 4, 3, { bias: false, dtype: "float64" }).weight.dtype, "float64");
    assert.equal(new nn.Bilinear(2, 4, 3).toString(), "Bilinear(in1Features=2, in2Features=4, outFeatures=3, bias=true)");
  });

  it("errors name the function and the shapes", () => {
    const w = zeros([3, 2, 4]);
    assert.throws(() => F.bilinear(zeros([5, 2]), zeros([1, 4]), w), /F.bilinear: the inputs' leading dims must match, got \[5,2\] and \[1,4\]/);
    assert.throws(() => F.bilinear(zeros([5, 2]), zeros([5, 3]), w), /F.bilinear: expected inputs \[\.\.\., 2\] and \[\.\.\., 4\] for weight \[3,2,4\], got \[5,2\] and \[5,3\]/);
    assert.throws(() => F.bilinear(zeros([5, 2]), zeros([5, 4]), zeros([3, 8])), /weight must be 3-D/);
    assert.throws(() => F.bilinear(zeros([5, 2]), zeros([5, 4]), w, zeros([2])), /bias must be \[3\], got \[2\]/);
    assert.throws(() => new nn.Bilinear(2, 4, 3, { in1_features: 2 } as never), /nn.Bilinear: unknown option 'in1_features'/);
  });
});
