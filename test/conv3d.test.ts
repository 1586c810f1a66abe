// Volumetric layers (Conv3d, ConvTranspose3d, Max/Avg/Adaptive pooling, BatchNorm3d,
// InstanceNorm3d, MaxUnpool3d and their F forms) against PyTorch 1.13 (tools/fixtures/conv3d.py)
// on every backend; the window-selection composite as a second oracle; float64 gradchecks; errors.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backendByName } from "../src/backend/registry.js";
import { F, io, listBackends, nn, randn, type Tensor } from "../src/index.js";
import { convTransposeNd, convWindows } from "../src/nn/functional/conv.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, decodeState, fixture, values, type FixtureState, type FixtureTensor, on } from "./helpers.js";
import { buildLayer as build, checkFunctionalCase, checkLayerCase, F32, GRAD, type ConvLayerCase, type FnCase } from "./conv-cases.js";

interface Unpool { kernel: number; stride: number; padding: number; input: FixtureTensor; indices: FixtureTensor; outputSize: number[]; out: FixtureTensor; gradOutput: FixtureTensor; gradInput: FixtureTensor }
interface Fx {
  layers: ConvLayerCase[];
  unpool: Unpool[];
  functional: FnCase[];
  network: { stateDict: FixtureState; input: FixtureTensor; out: FixtureTensor };
}
const fx = fixture<Fx>("conv/layers3d.json");


for (const device of listBackends()) {
  describe(`volumetric layers match PyTorch on ${device}`, () => {
    for (const c of fx.layers) {
      test(`${device} › ${c.name}`, () => on(device, () => checkLayerCase(c)));
    }

    for (const [i, u] of fx.unpool.entries())
      test(`${device} › MaxUnpool3d undoes MaxPool3d's indices (case ${i}: kernel ${u.kernel}, stride ${u.stride})`, () => on(device, () => {
        const x = decode(u.input, { requiresGrad: true });
        const y = new nn.MaxUnpool3d(u.kernel, u.stride, u.padding).forward(x, decode(u.indices, { dtype: "int32" }), u.outputSize);
        assertClose(y, values(u.out), F32, "unpool forward");
        y.backward(decode(u.gradOutput));
        assertClose(x.grad!, values(u.gradInput), GRAD, "unpool gradient");
      }));

    test(`${device} › maxPool3d → maxUnpool3d → maxPool3d round trip keeps values and indices`, () => on(device, () => {
      const x = randn(2, 3, 5, 4, 6).abs().add(1); // positive, so the unpooled zeros never win
      const [p, i] = F.maxPool3d(x, 2, { returnIndices: true });
      const u = new nn.MaxUnpool3d(2).forward(p, i, [5, 4, 6]);
      assert.deepEqual(u.shape, [2, 3, 5, 4, 6]);
      const [p2, i2] = F.maxPool3d(u, 2, { returnIndices: true });
      assert.deepEqual([...p2.dataSync()], [...p.dataSync()]);
      assert.deepEqual([...i2.dataSync()], [...i.dataSync()]);
    }));

    for (const c of fx.functional)
      test(`${device} › F.${c.fn}(${JSON.stringify(c.args)}) with positional arguments`, () => on(device, () => checkFunctionalCase(c)));

    test(`${device} › a torch state dict of a Conv3d/BatchNorm3d/MaxPool3d/ConvTranspose3d/InstanceNorm3d net loads`, () => on(device, () => {
      const net = new nn.Sequential(new nn.Conv3d(2, 3, 3, { padding: 1 }), new nn.BatchNorm3d(3), new nn.ReLU(), new nn.MaxPool3d(2),
        new nn.ConvTranspose3d(3, 2, 2, { stride: 2 }), new nn.InstanceNorm3d(2, { affine: true, trackRunningStats: true }));
      assert.deepEqual(Object.keys(net.stateDict()), Object.keys(fx.network.stateDict));
      net.loadStateDict(decodeState(fx.network.stateDict));
      net.eval();
      assertClose(net.forward(decode(fx.network.input)), values(fx.network.out), F32, "network output");
      // and saveModel's format rebuilds every layer from its recorded arguments
      const again = io.deserializeModel(io.serializeModel(net)) as nn.Sequential;
      again.eval();
      assert.equal(String(again), String(net));
      assertClose(again.forward(decode(fx.network.input)), values(fx.network.out), F32, "network output after serializeModel/deserializeModel");
    }));
  });
}

describe("volumetric layers: float64 checks on the reference backend", () => {
  const cpu = listBackends().find((b) => backendByName(b).supportsFloat64)!;
  // one case per option family (the rest are checked against torch's gradients above): a numerical
  // Jacobian costs two forwards per input element
  const chosen = /rectangular|valid|depthwise|no bias|reflect, same|ConvTranspose3d (stride|groups)|MaxPool3d (unbatched|returnIndices,)|AvgPool3d (unbatched|countInclude|divisor)|upsampling|AdaptiveMaxPool3d unbatched|Norm3d/;
  for (const c of fx.layers.filter((l) => chosen.test(l.name))) {
    test(`gradcheck › ${c.name}`, () => on(cpu, () => {
      const m = build(c.ctor).double();
      m.loadStateDict(decodeState(c.stateDict));
      m.train(c.train);
      const own = m.namedParameters();
      const params = own.map(([, p]) => Object.assign(p.detach().double(), { requiresGrad: true }));
      const full = decode(c.input, { dtype: "float64" });
      // one sample keeps the numerical Jacobian cheap (unbatched inputs stay whole)
      const x = Object.assign(full.ndim === 5 ? full.narrow(0, 0, 1).contiguous() : full, { requiresGrad: true });
      const run = (xi: Tensor, ...ps: Tensor[]): Tensor => {
        const saved = own.map(([k]) => (m as unknown as Record<string, Tensor>)[k]!);
        own.forEach(([k], i) => { (m as unknown as Record<string, Tensor>)[k] = ps[i]!; });
        try {
          const r = m.forward(xi, ...c.forwardArgs);
          return Array.isArray(r) ? r[0] : r;
        } finally {
          own.forEach(([k], i) => { (m as unknown as Record<string, Tensor>)[k] = saved[i]!; });
        }
      };
      assert.ok(gradcheck(run, [x, ...params], { maxFullOutputs: 0 }));
    }));
  }

  test("the depth-folded conv3d and convTranspose3d equal the window-selection composite (float64)", () => on(cpu, () => {
    const opts = { dtype: "float64" as const };
    const x = randn([2, 4, 5, 4, 6], opts), w = randn([6, 2, 3, 2, 3], opts), b = randn([6], opts);
    const dims = [{ k: 3, s: 2, d: 1, before: 1, after: 1, u: 1 }, { k: 2, s: 1, d: 2, before: 0, after: 0, u: 1 }, { k: 3, s: 1, d: 1, before: 2, after: 2, u: 1 }];
    const ref = convWindows(x, w, b, dims, 2);
    assertClose(F.conv3d(x, w, b, [2, 1, 1], [1, 0, 2], [1, 2, 1], 2), [...ref.dataSync()], { rtol: 1e-12, atol: 1e-12 }, "conv3d");
    const wt = randn([4, 3, 2, 3, 2], opts), bt = randn([6], opts);
    const refT = convTransposeNd("ref", x, wt, bt, [2, 1, 3], [1, 0, 1], [1, 0, 2], [1, 2, 1], 2, true);
    const yT = F.convTranspose3d(x, wt, bt, [2, 1, 3], [1, 0, 1], [1, 0, 2], 2, [1, 2, 1]);
    assert.deepEqual(yT.shape, refT.shape);
    assertClose(yT, [...refT.dataSync()], { rtol: 1e-12, atol: 1e-12 }, "convTranspose3d");
  }));

  test("gradcheck of every F function on tiny volumes", () => on(cpu, () => {
    const r = (...s: number[]): Tensor => randn(s, { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((x, w, b) => F.conv3d(x, w, b, 2, 1, 1, 2), [r(1, 2, 3, 4, 3), r(2, 1, 2, 2, 3), r(2)], { maxFullOutputs: 0 }));
    assert.ok(gradcheck((x, w, b) => F.convTranspose3d(x, w, b, [2, 1, 2], 1, [1, 0, 1], 1, 1), [r(1, 2, 2, 3, 2), r(2, 2, 2, 3, 2), r(2)], { maxFullOutputs: 0 }));
    assert.ok(gradcheck((x) => F.maxPool3d(x, 2, 1, 1, 1, true), [r(1, 2, 3, 3, 4)], { maxFullOutputs: 0 }));
    assert.ok(gradcheck((x) => F.avgPool3d(x, 3, 2, 1, true, false), [r(1, 2, 4, 3, 4)], { maxFullOutputs: 0 }));
    assert.ok(gradcheck((x) => F.adaptiveAvgPool3d(x, [2, 3, 1]), [r(1, 2, 3, 4, 3)], { maxFullOutputs: 0 }));
    assert.ok(gradcheck((x) => F.adaptiveMaxPool3d(x, [2, 2, 3]), [r(1, 2, 3, 5, 4)], { maxFullOutputs: 0 }));
    const [p, i] = F.maxPool3d(randn([1, 2, 4, 4, 4], { dtype: "float64" }), 2, { returnIndices: true });
    assert.ok(gradcheck((v) => F.maxUnpool3d(v, i, 2), [Object.assign(p, { requiresGrad: true })], { maxFullOutputs: 0 }));
  }));
});

describe("volumetric layers: errors name the layer, the shapes and what was expected", () => {
  test("shapes and options", () => {
    assert.throws(() => new nn.Conv3d(2, 3, 3).forward(randn(1, 2, 4, 4)), /nn\.Conv3d\(2, 3, kernelSize=\[3,3,3\].*expected input \[N, 2, D, H, W\], got \[1,2,4,4\]/);
    assert.throws(() => F.conv3d(randn(1, 2, 2, 4, 4), randn(3, 2, 3, 3, 3)), /F\.conv3d: the kernel \[3,3,3\].*larger than the padded input/);
    assert.throws(() => F.conv3d(randn(1, 2, 4, 4, 4), randn(3, 2, 3, 3, 3), null, 2, "same"), /F\.conv3d: padding='same' is not supported for strided convolutions/);
    assert.throws(() => F.conv3d(randn(1, 2, 4, 4, 4), randn(3, 3, 3, 3, 3)), /F\.conv3d: input \[1,2,4,4,4\] has 2 channels, but weight \[3,3,3,3,3\] with groups=1 expects 3/);
    assert.throws(() => F.conv3d(randn(1, 2, 4, 4), randn(3, 2, 3, 3)), /F\.conv3d: expected a 5-D input \[N, C, D, H, W\]/);
    assert.throws(() => new nn.Conv3d(3, 4, 3, { groups: 2 }), /nn\.Conv3d: inChannels 3 must be divisible by groups 2/);
    assert.throws(() => new nn.Conv3d(2, 4, 3, { padding_mode: "reflect" } as never), /nn\.Conv3d: unknown option 'padding_mode' \(did you mean 'paddingMode'\?\)/);
    assert.throws(() => F.convTranspose3d(randn(1, 2, 3, 3, 3), randn(2, 2, 3, 3, 3), null, 1, 0, 1), /F\.convTranspose3d: outputPadding \[1,1,1\] must be smaller than either stride/);
    assert.throws(() => new nn.ConvTranspose3d(2, 2, 3, { stride: 2 }).forward(randn(1, 2, 3, 3, 3), [9, 9, 9]), /outputSize \[9,9,9\] cannot be reached/);
    assert.throws(() => F.maxPool3d(randn(1, 2, 4, 4, 4), 2, 2, 2), /F\.maxPool3d: padding \[2,2,2\] should be at most half of the kernel size/);
    assert.throws(() => F.avgPool3d(randn(2, 4, 4), 2), /F\.avgPool3d: expected a 4-D or 5-D input \(\[N, C, D, H, W\]\)/);
    assert.throws(() => F.avgPool3d(randn(1, 2, 4, 4, 4), 2, { divisorOverride: 0 }), /F\.avgPool3d: divisorOverride must be a non-zero number/);
    assert.throws(() => F.adaptiveMaxPool3d(randn(1, 2, 4, 4, 4), [2, 2]), /F\.adaptiveMaxPool3d: outputSize must be a number or a tuple of 3/);
    assert.throws(() => F.maxUnpool3d(randn(1, 2, 2, 2, 2), randn(1, 2, 2, 2, 2), 2), /F\.maxUnpool3d: indices \[1,2,2,2,2\] \(float32\) must be int32/);
    assert.throws(() => new nn.BatchNorm3d(3).forward(randn(2, 3, 4, 4)), /BatchNorm3d\(3\): expected input \[N, 3, D, H, W\], got \[2,3,4,4\]/);
    assert.throws(() => new nn.InstanceNorm3d(3).forward(randn(2, 2, 4, 4, 4)), /InstanceNorm3d\(3\): expected input \[N, 3, D, H, W\]/);
  });
});
