// LocalResponseNorm, LPPool1d/2d, AdaptiveMaxPool1d, MaxUnpool1d and ChannelShuffle (and their F
// forms) against torch 1.13 (tools/fixtures/pooling_more.py) on both backends, float64 gradchecks, errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, listBackends, nn, arange, randn, zeros, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

interface Case { name: string; args: unknown[]; outputSize?: number[] | null; x: FixtureTensor[]; y: FixtureTensor | FixtureTensor[]; grad: (FixtureTensor | null)[] }
const fx = fixture<{ cases: Case[] }>("nn/pooling-more.json");

/** |got − want| ≤ 1e-5·max(1, |want|∞) elementwise (float32 sums in another order than torch's). */
function close(what: string, got: ArrayLike<number>, want: number[]): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const tol = 1e-5 * Math.max(1, ...want.map(Math.abs));
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

type Ctor = new (...a: unknown[]) => nn.Module<unknown[], Tensor | [Tensor, Tensor]>;

describe("more pooling and channel layers match torch", () => {
  for (const device of listBackends())
    for (const c of fx.cases)
      it(`${device}: ${c.name}(${JSON.stringify(c.args)}) on ${JSON.stringify(c.x[0]!.shape)}`, () => on(device, () => {
        const xs = c.x.map((x) => decode(x, { requiresGrad: x.dtype !== "int32" }));
        const m = new ((nn as unknown as Record<string, Ctor>)[c.name]!)(...c.args);
        const out = m.forward(...xs, ...(c.outputSize ? [c.outputSize] : []));
        const [y, idx] = Array.isArray(out) ? out : [out, null];
        const want = Array.isArray(c.y) ? c.y : [c.y];
        assert.deepEqual(y.shape, want[0]!.shape);
        close("y", y.dataSync(), values(want[0]!));
        if (want[1]) assert.deepEqual([...idx!.dataSync()], values(want[1]), "indices");
        y.mul(arange(y.numel).reshape(y.shape)).sum().backward();
        xs.forEach((x, i) => { if (c.grad[i]) close(`grad ${i}`, x.grad!.dataSync(), values(c.grad[i])); });
      }));

  it("gradcheck (float64)", () => on("cpu", () => {
    const r = (...s: number[]): Tensor => randn(s, { dtype: "float64", requiresGrad: true });
    const leaf = (t: Tensor): Tensor => { const d = t.detach(); d.requiresGrad = true; return d; };
    const pos = (...s: number[]): Tensor => leaf(randn(s, { dtype: "float64" }).abs().add(0.2));
    assert.ok(gradcheck((t) => F.localResponseNorm(t, 3, 0.1, 0.75, 2), [r(2, 5, 3)]), "localResponseNorm 3-D");
    assert.ok(gradcheck((t) => F.localResponseNorm(t, 4, 0.5), [r(1, 6, 2, 3)]), "localResponseNorm 4-D");
    assert.ok(gradcheck((t) => F.lpPool1d(t, 2, 3, 2), [r(2, 2, 7)]), "lpPool1d p=2");
    assert.ok(gradcheck((t) => F.lpPool2d(t, 1.5, [2, 3], null, true), [pos(1, 2, 5, 5)]), "lpPool2d p=1.5 ceilMode");
    assert.ok(gradcheck((t) => F.adaptiveMaxPool1d(t, 3), [r(2, 2, 7)]), "adaptiveMaxPool1d");
    const [v, i] = F.maxPool1d(randn([2, 3, 8], { dtype: "float64" }), 2, { returnIndices: true });
    assert.ok(gradcheck((t) => F.maxUnpool1d(t, i, 2), [leaf(v)]), "maxUnpool1d");
    assert.ok(gradcheck((t) => F.channelShuffle(t, 2), [r(2, 4, 3)]), "channelShuffle");
  }));

  it("print their arguments", () => {
    assert.equal(new nn.LocalResponseNorm(2).toString(), "LocalResponseNorm(size=2, alpha=0.0001, beta=0.75, k=1)");
    assert.equal(new nn.LPPool2d(2, 3).toString(), "LPPool2d(normType=2, kernelSize=3, ceilMode=false)");
    assert.equal(new nn.ChannelShuffle(2).toString(), "ChannelShuffle(groups=2)");
    assert.equal(new nn.AdaptiveMaxPool1d(3).toString(), "AdaptiveMaxPool1d(outputSize=3, returnIndices=false)");
  });

  it("errors name the layer and the shapes", () => {
    assert.throws(() => new nn.LocalResponseNorm(2).forward(zeros([3, 6])), /F.localResponseNorm: expected 3-D or higher input \[N, C, \*\], got \[3,6\]/);
    assert.throws(() => new nn.ChannelShuffle(2).forward(zeros([1, 3, 2])), /F.channelShuffle: the 3 channels of \[1,3,2\] are not divisible by groups = 2/);
    assert.throws(() => new nn.ChannelShuffle(2).forward(zeros([4, 3])), /F.channelShuffle: expected an input with more than 2 dims/);
    assert.throws(() => new nn.LPPool1d(2, 2).forward(zeros([1, 1, 2, 4])), /F.lpPool1d: expected 2-D \(unbatched\) or 3-D \(batched\) input, got \[1,1,2,4\]/);
    assert.throws(() => new nn.LPPool2d(0, 2).forward(zeros([1, 4, 4])), /F.lpPool2d: normType must be a positive number, got 0/);
    assert.throws(() => new nn.AdaptiveMaxPool1d(2).forward(zeros([4])), /F.adaptiveMaxPool1d: expected a 2-D \[C, L\] or 3-D \[N, C, L\] input, got \[4\]/);
    assert.throws(() => new nn.MaxUnpool1d(2).forward(zeros([1, 2, 3]), zeros([1, 2, 2], { dtype: "int32" })), /F.maxUnpool1d: indices \[1,2,2\] must have the input's shape \[1,2,3\]/);
    assert.throws(() => new nn.LocalResponseNorm(2, { k_: 1 } as never), /nn.LocalResponseNorm: unknown option 'k_'/);
  });
});
