// CosineSimilarity, PairwiseDistance, GLU, Softmax2d, Unfold, Fold, UpsamplingNearest2d and
// UpsamplingBilinear2d against torch 1.13 (tools/fixtures/nn_wrappers.py) on both backends, float64
// gradchecks, errors; and the channel dropouts (Dropout1d, Dropout3d, FeatureAlphaDropout) by their masks' statistics.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, listBackends, manualSeed, nn, arange, ones, randn, zeros, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

interface Case { name: string; args: unknown[]; x: FixtureTensor[]; y: FixtureTensor; grad: FixtureTensor[] }
const fx = fixture<{ cases: Case[] }>("nn/nn-wrappers.json");

/** |got − want| ≤ 1e-5·max(1, |want|∞) elementwise: float32 summation orders differ between backends and torch. */
function close(what: string, got: ArrayLike<number>, want: number[]): void {
  assert.equal(got.length, want.length, `${what}: length`);
  const tol = 1e-5 * Math.max(1, ...want.map(Math.abs));
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

type Ctor = new (...a: unknown[]) => nn.Module<Tensor[], Tensor>;
const build = (c: Case): nn.Module<Tensor[], Tensor> => new ((nn as unknown as Record<string, Ctor>)[c.name]!)(...c.args.map((a) => (a === "inf" ? Infinity : a)));

describe("wrapper layers match torch", () => {
  for (const device of listBackends())
    for (const c of fx.cases)
      it(`${device}: ${c.name}(${JSON.stringify(c.args)}) on ${c.x.map((x) => JSON.stringify(x.shape)).join(", ")}`, () => on(device, () => {
        const xs = c.x.map((x) => decode(x, { requiresGrad: true }));
        const y = build(c).forward(...xs);
        assert.deepEqual(y.shape, c.y.shape);
        close("y", y.dataSync(), values(c.y));
        y.mul(arange(y.numel).reshape(y.shape)).sum().backward();
        xs.forEach((x, i) => close(`grad ${i}`, x.grad!.dataSync(), values(c.grad[i]!)));
      }));

  it("gradcheck (float64)", () => on("cpu", () => {
    const r = (...s: number[]): Tensor => randn(s, { dtype: "float64", requiresGrad: true });
    for (const p of [2, 1, 3, Infinity]) assert.ok(gradcheck((a, b) => F.pairwiseDistance(a, b, p), [r(3, 4), r(3, 4)]), `pairwiseDistance p=${p}`);
    assert.ok(gradcheck((a, b) => new nn.CosineSimilarity(-1).forward(a, b), [r(2, 3, 4), r(3, 4)]));
    assert.ok(gradcheck((t) => F.glu(t, 1), [r(2, 4, 3)]));
    assert.ok(gradcheck((t) => new nn.Softmax2d().forward(t), [r(2, 3, 2, 2)]));
    assert.ok(gradcheck((t) => new nn.Unfold([2, 3], 2, 1, [2, 1]).forward(t), [r(1, 2, 4, 5)]));
    assert.ok(gradcheck((t) => new nn.Fold([4, 5], 2).forward(t), [r(2, 8, 12)]));
    assert.ok(gradcheck((t) => new nn.UpsamplingBilinear2d([4, 5]).forward(t), [r(1, 2, 3, 2)]));
    assert.ok(gradcheck((t) => new nn.UpsamplingNearest2d(null, 2).forward(t), [r(1, 1, 2, 3)]));
  }));

  it("prints its arguments; the printed defaults are torch's", () => {
    assert.equal(new nn.PairwiseDistance().toString(), "PairwiseDistance(p=2, eps=1e-6, keepdim=false)");
    assert.equal(new nn.CosineSimilarity().toString(), "CosineSimilarity(dim=1, eps=1e-8)");
    assert.equal(new nn.GLU().toString(), "GLU(dim=-1)");
    assert.equal(new nn.Fold([4, 5], 2).toString(), "Fold(outputSize=[4, 5], kernelSize=2, dilation=1, padding=0, stride=1)");
    assert.equal(new nn.UpsamplingBilinear2d(null, 2).toString(), "UpsamplingBilinear2d(scaleFactor=2)");
  });

  it("errors name the layer and the shapes", () => {
    assert.throws(() => new nn.GLU().forward(zeros([2, 3])), /F.glu: halving dimension must be even, but dimension 1 of \[2,3\] is size 3/);
    assert.throws(() => new nn.Softmax2d().forward(zeros([2, 3])), /nn.Softmax2d: expected a 3-D \[C, H, W\] or 4-D \[N, C, H, W\] input, got \[2,3\]/);
    assert.throws(() => new nn.PairwiseDistance().forward(zeros([2, 3]), zeros([2, 4])), /F.pairwiseDistance/);
    assert.throws(() => new nn.UpsamplingBilinear2d(null, 2).forward(zeros([1, 2, 3])), /nn.UpsamplingBilinear2d: mode 'bilinear' expects 4-D input/);
    assert.throws(() => new nn.UpsamplingNearest2d().forward(zeros([1, 1, 2, 2])), /nn.UpsamplingNearest2d: give exactly one of size and scaleFactor/);
    assert.throws(() => new nn.PairwiseDistance({ p_norm: 1 } as never), /nn.PairwiseDistance: unknown option 'p_norm'/);
  });
});

describe("channel dropouts: whole channels, scaled survivors, identity in eval", () => {
  /** Per (sample, channel) slice of y [N, C, ...]: the set of its distinct values. */
  const slices = (y: Tensor): number[][] => {
    const [n, c] = [y.shape[0]!, y.shape[1]!];
    const v = y.dataSync(), per = v.length / (n * c);
    return Array.from({ length: n * c }, (_, i) => [...new Set(Array.from(v.slice(i * per, (i + 1) * per)))]);
  };
  for (const device of listBackends())
    it(`${device}: Dropout1d, Dropout3d, batched and unbatched`, () => on(device, () => {
      manualSeed(1);
      const cases: [nn.Module<[Tensor], Tensor>, number[], boolean][] = [
        [new nn.Dropout1d(0.3), [40, 50, 3], true], [new nn.Dropout3d(0.3), [40, 50, 2, 1, 2], true],
        [new nn.Dropout1d(0.3), [2000, 3], false], [new nn.Dropout3d(0.3), [2000, 1, 2, 2], false],
      ];
      for (const [m, shape, batched] of cases) {
        const x = ones(shape);
        const y = m.forward(x);
        assert.deepEqual(y.shape, x.shape);
        const s = slices(batched ? y : y.unsqueeze(0));
        const zeroed = s.filter((u) => u.length === 1 && u[0] === 0).length;
        assert.ok(s.every((u) => u.length === 1 && (u[0] === 0 || Math.abs(u[0]! - 1 / 0.7) < 1e-6)), `${m.constructor.name} ${JSON.stringify(shape)}: each channel all 0 or all 1/(1-p)`);
        assert.ok(Math.abs(zeroed / s.length - 0.3) < 0.04, `${m.constructor.name}: dropped ${zeroed}/${s.length}`);
        m.eval();
        assert.equal(m.forward(x), x);
      }
      assert.throws(() => new nn.Dropout1d().forward(zeros([1, 2, 3, 4])), /F.dropout1d: expected 2-D \(unbatched \[C, …\]\) or 3-D \(batched \[N, C, …\]\) input, got \[1,2,3,4\]/);
      assert.throws(() => F.dropout3d(zeros([2, 3])), /F.dropout3d: expected 4-D/);
    }));

  it("FeatureAlphaDropout keeps zero mean and unit variance, one value per dropped channel", () => on("cpu", () => {
    manualSeed(2);
    const m = new nn.FeatureAlphaDropout(0.2);
    const x = randn([400, 50, 4]);
    const y = m.forward(x);
    const mean = y.mean().item(), variance = y.var().item();
    assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.05, `mean ${mean}, var ${variance}`);
    const alpha = 1.7580993408473766, a = 1 / Math.sqrt((alpha * alpha * 0.2 + 1) * 0.8);
    const dropped = slices(y).filter((u) => u.length === 1);
    assert.ok(dropped.every((u) => Math.abs(u[0]! - alpha * a * (0.2 - 1)) < 1e-6));
    assert.ok(Math.abs(dropped.length / (400 * 50) - 0.2) < 0.02, `dropped ${dropped.length}`);
    assert.equal(F.featureAlphaDropout(x, 0.2), x, "the functional form defaults to training=false, as torch");
    m.eval();
    assert.equal(m.forward(x), x);
    assert.throws(() => F.featureAlphaDropout(zeros([3]), 0.5, true), /F.featureAlphaDropout: feature dropout requires at least 2 dims/);
  }));
});
