// nn.FractionalMaxPool2d / 3d (F.fractionalMaxPool2d / 3d) against torch 1.13 with pinned
// `_random_samples` (tools/fixtures/fractional_pool.py) on both backends, a float64 gradcheck,
// the seeded default samples, the `_random_samples` buffer, and the errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, listBackends, manualSeed, nn, rand, randn, tensor, zeros, type Tensor } from "../src/index.js";
import { fractionalIntervals } from "../src/nn/functional/fractional.js";
import { closeMismatch, gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

interface Case {
  nsp: 2 | 3; kernel: number | number[]; outputSize: number | number[] | null; outputRatio: number | number[] | null;
  x: FixtureTensor; samples: FixtureTensor; y: FixtureTensor; indices: FixtureTensor; cot: FixtureTensor; grad: FixtureTensor;
}
const fx = fixture<{ cases: Case[] }>("nn/fractional-pool.json");

const pool = (c: Case, x: Tensor, samples: Tensor): [Tensor, Tensor] => {
  const o = { outputSize: c.outputSize, outputRatio: c.outputRatio, returnIndices: true as const, randomSamples: samples };
  return c.nsp === 2 ? F.fractionalMaxPool2d(x, c.kernel, o) : F.fractionalMaxPool3d(x, c.kernel, o);
};

describe("FractionalMaxPool2d / 3d match torch", () => {
  for (const device of listBackends())
    for (const [i, c] of fx.cases.entries())
      it(`${device}: case ${i}: ${c.nsp}-D ${JSON.stringify(c.x.shape)} ${c.x.dtype}, kernel ${JSON.stringify(c.kernel)}, ${c.outputSize !== null ? `outputSize ${JSON.stringify(c.outputSize)}` : `outputRatio ${JSON.stringify(c.outputRatio)}`}`, () => on(device, () => {
        const x = decode(c.x, { requiresGrad: true });
        const [y, idx] = pool(c, x, decode(c.samples));
        assert.deepEqual(idx.shape, c.indices.shape);
        assert.deepEqual([...idx.dataSync()], values(c.indices));
        assert.deepEqual(y.shape, c.y.shape);
        assert.deepEqual([...y.dataSync()], values(c.y));
        y.mul(decode(c.cot)).sum().backward();
        assert.equal(closeMismatch(x.grad!, decode(c.grad), { rtol: 1e-6, atol: 1e-7 }), null);
      }));

  it("the module pins its samples as torch's `_random_samples` buffer and returns indices when asked", () => {
    const c = fx.cases[0]!;
    const m = new nn.FractionalMaxPool2d<[Tensor, Tensor]>(c.kernel, c.outputSize, null, true, decode(c.samples));
    assert.deepEqual(Object.keys(m.stateDict()), ["_random_samples"]);
    const [y, idx] = m.forward(decode(c.x));
    assert.deepEqual([...y.dataSync()], values(c.y));
    assert.deepEqual([...idx.dataSync()], values(c.indices));
    const plain = new nn.FractionalMaxPool3d(2, { outputRatio: 0.5 });
    assert.deepEqual(Object.keys(plain.stateDict()), []);
    assert.deepEqual(plain.forward(zeros([1, 2, 4, 4, 6])).shape, [1, 2, 2, 2, 3]);
  });

  it("gradcheck (float64), 2-D and 3-D", () => on("cpu", () => {
    const x2 = randn([2, 2, 7, 6], { dtype: "float64", requiresGrad: true }), u2 = rand([2, 2, 2], { dtype: "float64" });
    assert.ok(gradcheck((t) => F.fractionalMaxPool2d(t, 2, { outputSize: [4, 3], randomSamples: u2 }), [x2]));
    const x3 = randn([1, 2, 5, 4, 6], { dtype: "float64", requiresGrad: true }), u3 = rand([1, 2, 3], { dtype: "float64" });
    assert.ok(gradcheck((t) => F.fractionalMaxPool3d(t, [2, 2, 3], { outputRatio: 0.5, randomSamples: u3 }), [x3]));
  }));

  it("without samples it draws them from the seeded generator: the same seed gives the same windows", () => {
    const x = randn([2, 3, 9, 9]);
    manualSeed(7);
    const a = F.fractionalMaxPool2d(x, 2, { outputSize: 5, returnIndices: true })[1];
    manualSeed(7);
    const b = F.fractionalMaxPool2d(x, 2, { outputSize: 5, returnIndices: true })[1];
    const c = F.fractionalMaxPool2d(x, 2, { outputSize: 5, returnIndices: true })[1];
    assert.deepEqual([...a.dataSync()], [...b.dataSync()]);
    assert.notDeepEqual([...a.dataSync()], [...c.dataSync()]);
  });

  it("torch's interval formula, in the input's precision (the last two fixture cases pin both)", () => {
    // α = 5/3, u = fround(0.8): float32 arithmetic starts the second window at 1, float64 at 2
    assert.deepEqual(fractionalIntervals(Math.fround(0.8), 7, 4, 2, true), [0, 1, 3, 5]);
    assert.deepEqual(fractionalIntervals(Math.fround(0.8), 7, 4, 2, false), [0, 2, 3, 5]);
    assert.deepEqual(fractionalIntervals(0.5, 7, 1, 2, true), [5]);
  });

  it("errors name the function, the shapes and what was expected", () => {
    const x = zeros([2, 3, 7, 6]);
    assert.throws(() => F.fractionalMaxPool2d(x, 2), /F.fractionalMaxPool2d: requires specifying either an outputSize or an outputRatio/);
    assert.throws(() => F.fractionalMaxPool2d(x, 2, 3, 0.5), /give either outputSize or outputRatio, not both/);
    assert.throws(() => F.fractionalMaxPool2d(x, 2, { outputSize: 7 }), /F.fractionalMaxPool2d: pool height 2 too large relative to input height 7 for output height 7/);
    assert.throws(() => F.fractionalMaxPool2d(x, 2, { outputSize: 3, randomSamples: rand([1, 3, 2]) }), /randomSamples must be \[N, C, 2\] = \[2, 3, 2\] for the input \[2,3,7,6\], got \[1,3,2\]/);
    assert.throws(() => F.fractionalMaxPool2d(x, 2, { outputSize: 3, randomSamples: rand([2, 3, 2], { dtype: "float64" }) }), /randomSamples \(float64\) must have the input's dtype \(float32\)/);
    assert.throws(() => F.fractionalMaxPool2d(x, 2, { outputSize: 3, randomSamples: rand([2, 3, 2]).add(1.5) }), /randomSamples must lie in \[0, 1\]/);
    assert.throws(() => F.fractionalMaxPool2d(zeros([7, 6]), 2, { outputSize: 3 }), /F.fractionalMaxPool2d: expected a 3-D or 4-D input/);
    assert.throws(() => F.fractionalMaxPool2d(zeros([1, 1, 4, 4], { dtype: "int32" }), 2, { outputSize: 2 }), /expected a floating-point input, got int32/);
    assert.throws(() => F.fractionalMaxPool3d(zeros([1, 1, 4, 4, 4]), [2, 2], { outputSize: 2 }), /kernelSize must be a positive integer or a tuple of 3, got \[2,2\]/);
    assert.throws(() => F.fractionalMaxPool2d(x, 0, { outputSize: 2 }), /kernelSize must be a positive integer/);
    assert.throws(() => F.fractionalMaxPool2d(x, 2, { output_size: 3 } as never), /F.fractionalMaxPool2d: unknown option 'output_size'.*outputSize/);
    assert.throws(() => new nn.FractionalMaxPool2d(2), /nn.FractionalMaxPool2d requires specifying either an output size, or a pooling ratio/);
    assert.throws(() => new nn.FractionalMaxPool2d(2, 3, 0.5), /only one of outputSize and outputRatio may be specified/);
    assert.throws(() => new nn.FractionalMaxPool3d(2, { outputRatio: [0.5, 1, 0.5] }), /nn.FractionalMaxPool3d: outputRatio must be between 0 and 1 \(got \[0.5,1,0.5\]\)/);
    assert.throws(() => new nn.FractionalMaxPool2d(2, { outputSize: 2, bogus: 1 } as never), /nn.FractionalMaxPool2d: unknown option 'bogus'/);
    assert.deepEqual(F.fractionalMaxPool2d(tensor([[[1, 2], [3, 4]]]), 1, { outputSize: 2 }).shape, [1, 2, 2]);
  });
});
