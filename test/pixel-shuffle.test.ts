// nn.PixelShuffle / nn.PixelUnshuffle (F.pixelShuffle / F.pixelUnshuffle) against torch 1.13
// (tools/fixtures/pixel_shuffle.py) on both backends, a float64 gradcheck, and their errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, listBackends, nn, arange, randn, zeros } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

interface Case { fn: "pixelShuffle" | "pixelUnshuffle"; factor: number; x: FixtureTensor; y: FixtureTensor; grad: FixtureTensor }
const fx = fixture<{ cases: Case[] }>("nn/pixel-shuffle.json");

describe("PixelShuffle / PixelUnshuffle match torch", () => {
  for (const device of listBackends())
    for (const c of fx.cases)
      it(`${device}: ${c.fn}(${JSON.stringify(c.x.shape)}, ${c.factor})`, () => on(device, () => {
        const x = decode(c.x, { requiresGrad: true });
        const m = c.fn === "pixelShuffle" ? new nn.PixelShuffle(c.factor) : new nn.PixelUnshuffle(c.factor);
        const y = m.forward(x);
        assert.deepEqual(y.shape, c.y.shape);
        assert.deepEqual([...y.dataSync()], values(c.y));
        y.mul(arange(y.numel).reshape(y.shape)).sum().backward();
        assert.deepEqual([...x.grad!.dataSync()], values(c.grad));
      }));

  it("gradcheck (float64), and unshuffle inverts shuffle", () => on("cpu", () => {
    const x = randn([2, 8, 2, 3], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((t) => F.pixelShuffle(t, 2), [x]));
    assert.ok(gradcheck((t) => F.pixelUnshuffle(t, 2), [randn([1, 2, 4, 6], { dtype: "float64", requiresGrad: true })]));
    assert.deepEqual([...F.pixelUnshuffle(F.pixelShuffle(x, 2), 2).dataSync()], [...x.dataSync()]);
  }));

  it("errors name the function and the shapes", () => {
    assert.throws(() => F.pixelShuffle(zeros([1, 5, 2, 2]), 2), /F.pixelShuffle: the channel dim of \[1,5,2,2\] \(5\) is not divisible by upscaleFactor² = 4/);
    assert.throws(() => F.pixelUnshuffle(zeros([1, 1, 3, 4]), 2), /F.pixelUnshuffle: the spatial size of \[1,1,3,4\] is not divisible by downscaleFactor 2/);
    assert.throws(() => F.pixelShuffle(zeros([4, 2]), 2), /at least 3 dims/);
    assert.throws(() => new nn.PixelShuffle(0).forward(zeros([1, 4, 1, 1])), /the factor must be a positive integer, got 0/);
    assert.throws(() => new nn.PixelShuffle(2, { upscale_factor: 2 }), /nn.PixelShuffle: unknown option 'upscale_factor'/);
  });
});
