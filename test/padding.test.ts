// The padding layers (nn.ZeroPad/ConstantPad/ReflectionPad/ReplicationPad/CircularPad 1d-3d) against
// torch 1.13 (tools/fixtures/padding.py) on both backends, a float64 gradcheck, printing and errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listBackends, nn, arange, randn, zeros, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

interface Case { name: string; padding: number | number[]; value: number | null; x: FixtureTensor; y: FixtureTensor; grad: FixtureTensor }
const fx = fixture<{ cases: Case[] }>("nn/padding.json");
type PadCtor = new (padding: number | readonly number[], value?: number) => nn.Module<[Tensor], Tensor>;
const make = (name: string, padding: number | number[], value: number | null): nn.Module<[Tensor], Tensor> => {
  const Cls = (nn as unknown as Record<string, PadCtor>)[name]!;
  return value === null ? new Cls(padding) : new Cls(padding, value);
};

describe("padding layers match torch", () => {
  for (const device of listBackends())
    for (const c of fx.cases)
      it(`${device}: ${c.name}(${JSON.stringify(c.padding)}) on ${JSON.stringify(c.x.shape)}`, () => on(device, () => {
        const x = decode(c.x, { requiresGrad: true });
        const y = make(c.name, c.padding, c.value).forward(x);
        assert.deepEqual(y.shape, c.y.shape);
        assert.deepEqual([...y.dataSync()], values(c.y));
        y.mul(arange(y.numel).reshape(y.shape)).sum().backward();
        assert.deepEqual([...x.grad!.dataSync()], values(c.grad));
      }));

  it("gradcheck (float64) for every mode in 3-D", () => on("cpu", () => {
    for (const name of ["ZeroPad3d", "ReflectionPad3d", "ReplicationPad3d", "CircularPad3d"]) {
      const m = make(name, [1, 0, 1, 2, 0, 1], null);
      assert.ok(gradcheck((t) => m.forward(t), [randn([1, 2, 2, 3, 3], { dtype: "float64", requiresGrad: true })]), name);
    }
  }));

  it("prints its padding as torch's tuple, and the value for ConstantPad", () => {
    assert.equal(new nn.ZeroPad2d(1).toString(), "ZeroPad2d(padding=[1, 1, 1, 1])");
    assert.equal(new nn.ConstantPad1d(2, 3.5).toString(), "ConstantPad1d(padding=[2, 2], value=3.5)");
    assert.equal(new nn.ReflectionPad3d([1, 0, 0, 0, 2, 2]).toString(), "ReflectionPad3d(padding=[1, 0, 0, 0, 2, 2])");
  });

  it("errors name the layer, the padding and the input shape", () => {
    assert.throws(() => new nn.ReflectionPad2d([1, 2]), /nn.ReflectionPad2d: padding must be a non-negative integer or 4 of them, got \[1,2\]/);
    assert.throws(() => new nn.ReplicationPad1d(-1), /nn.ReplicationPad1d: padding must be a non-negative integer or 2 of them/);
    assert.throws(() => new nn.ZeroPad2d(1.5), /nn.ZeroPad2d: padding must be an integer or 4 of them/);
    assert.throws(() => new nn.ReflectionPad1d(1).forward(zeros([1, 2, 3, 4])), /nn.ReflectionPad1d: expected 2-D \(unbatched\) or 3-D \(batched\) input, got \[1,2,3,4\]/);
    assert.throws(() => new nn.ReflectionPad2d(1).forward(zeros([2, 3])), /expected 3-D \(unbatched\) or 4-D \(batched\) input, got \[2,3\]/);
    assert.throws(() => new nn.ConstantPad3d(1, 0).forward(zeros([2, 3])), /nn.ConstantPad3d: expected at least 3 dims, got \[2,3\]/);
    assert.throws(() => new nn.ReflectionPad1d(3).forward(zeros([1, 1, 3])), /reflect padding \(3, 3\) must be smaller than the input size 3/);
    assert.throws(() => new nn.ZeroPad2d(1, { value: 2 }), /nn.ZeroPad2d: unknown option 'value'/);
  });
});
