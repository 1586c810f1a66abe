// Convolution, pooling, feature-map normalization and up-sampling layers against PyTorch (fixtures
// from tools/fixtures/conv.py) on every backend: forward, input and parameter gradients, state-dict
// keys, updated buffers, max-pool indices; then float64 gradchecks on the reference backend.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backendByName } from "../src/backend/registry.js";
import { listBackends, nn, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, decodeState, fixture, values, type FixtureTensor, on } from "./helpers.js";
import { buildLayer as build, checkFunctionalCase, checkLayerCase, F32, GRAD, type ConvLayerCase, type FnCase } from "./conv-cases.js";

interface Fx {
  layers: ConvLayerCase[];
  unpool: { input: FixtureTensor; indices: FixtureTensor; outputSize: number[]; out: FixtureTensor; gradOutput: FixtureTensor; gradInput: FixtureTensor };
  functional: FnCase[];
}
const fx = fixture<Fx>("conv/layers.json");


for (const device of listBackends()) {
  describe(`conv layers match PyTorch on ${device}`, () => {
    for (const c of fx.layers) {
      test(`${device} › ${c.name}`, () => on(device, () => checkLayerCase(c)));
    }

    test(`${device} › MaxUnpool2d undoes MaxPool2d's indices`, () => on(device, () => {
      const u = fx.unpool;
      const x = decode(u.input, { requiresGrad: true });
      const y = new nn.MaxUnpool2d(2).forward(x, decode(u.indices, { dtype: "int32" }), u.outputSize);
      assertClose(y, values(u.out), F32, "unpool forward");
      y.backward(decode(u.gradOutput));
      assertClose(x.grad!, values(u.gradInput), GRAD, "unpool gradient");
    }));

    for (const c of fx.functional)
      test(`${device} › F.${c.fn} with positional arguments`, () => on(device, () => checkFunctionalCase(c)));
  });
}

describe("float64 gradcheck of every layer case (reference backend)", () => {
  const cpu = listBackends().find((b) => backendByName(b).supportsFloat64)!;
  for (const c of fx.layers) {
    test(`gradcheck › ${c.name}`, () => on(cpu, () => {
      const m = build(c.ctor).double();
      m.loadStateDict(decodeState(c.stateDict));
      m.train(c.train);
      // direct parameters become gradcheck inputs; nested modules (BasicBlock) are checked through x
      const own = m.namedParameters().filter(([k]) => !k.includes("."));
      const params = own.map(([, p]) => Object.assign(p.detach().double(), { requiresGrad: true }));
      // one sample keeps the numerical Jacobian cheap (unbatched inputs stay whole)
      const full = decode(c.input, { dtype: "float64" });
      const batched = full.ndim === (c.ctor.class.endsWith("1d") ? 3 : 4);
      const x = Object.assign(batched ? full.narrow(0, 0, 1).contiguous() : full, { requiresGrad: true });
      const run = (xi: Tensor, ...ps: Tensor[]): Tensor => {
        const saved = own.map(([k]) => (m as unknown as Record<string, Tensor>)[k]!);
        own.forEach(([k], i) => { (m as unknown as Record<string, Tensor>)[k] = ps[i]!; });
        try {
          const r = m.forward(xi);
          return Array.isArray(r) ? r[0] : r;
        } finally {
          own.forEach(([k], i) => { (m as unknown as Record<string, Tensor>)[k] = saved[i]!; });
        }
      };
      assert.ok(gradcheck(run, [x, ...params], { maxFullOutputs: 0 }));
    }));
  }
});
