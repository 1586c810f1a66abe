// Convolution, pooling, feature-map normalization and up-sampling layers against PyTorch (fixtures
// from tools/fixtures/conv.py) on every backend: forward, input and parameter gradients, state-dict
// keys, updated buffers, max-pool indices; then float64 gradchecks on the reference backend.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backendByName } from "../src/backend/registry.js";
import { F, listBackends, nn, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, decodeState, fixture, values, type FixtureTensor, type LayerCase, on } from "./helpers.js";

interface FnCase { fn: string; tensors: FixtureTensor[]; args: unknown[]; out: FixtureTensor; gradOutput: FixtureTensor; grads: FixtureTensor[] }
interface Fx {
  layers: LayerCase[];
  unpool: { input: FixtureTensor; indices: FixtureTensor; outputSize: number[]; out: FixtureTensor; gradOutput: FixtureTensor; gradInput: FixtureTensor };
  functional: FnCase[];
}
const fx = fixture<Fx>("conv/layers.json");

type Ctor = new (...args: unknown[]) => nn.Module<[Tensor], Tensor | [Tensor, Tensor]>;
const build = (c: LayerCase["ctor"]): nn.Module<[Tensor], Tensor | [Tensor, Tensor]> =>
  new ((nn as unknown as Record<string, Ctor>)[c.class]!)(...c.args.map((a) => a ?? undefined), c.options);
const F32 = { rtol: 1e-4, atol: 1e-5 };
const GRAD = { rtol: 1e-4, atol: 1e-4 };

for (const device of listBackends()) {
  describe(`conv layers match PyTorch on ${device}`, () => {
    for (const c of fx.layers) {
      test(`${device} › ${c.name}`, () => on(device, () => {
        const m = build(c.ctor);
        assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.stateDict), "torch's state-dict keys in torch's order");
        for (const [k, v] of Object.entries(m.stateDict())) assert.deepEqual(v.shape, c.stateDict[k]!.shape, `shape of ${k}`);
        m.loadStateDict(decodeState(c.stateDict));
        m.train(c.train);
        const x = decode(c.input, { requiresGrad: true });
        const res = m.forward(x);
        const [y, idx] = Array.isArray(res) ? res : [res, null];
        assertClose(y, values(c.out), F32, `${c.name} forward`);
        if (c.indices) assert.deepEqual([...idx!.dataSync()], values(c.indices), `${c.name} indices`);
        else assert.equal(idx, null);
        y.backward(decode(c.gradOutput));
        assertClose(x.grad!, values(c.gradInput!), GRAD, `${c.name} input gradient`);
        for (const [k, p] of m.namedParameters()) assertClose(p.grad!, values(c.paramGrads[k]!), GRAD, `${c.name} gradient of ${k}`);
        if (c.stateAfter) {
          const sd = m.stateDict();
          for (const [k, v] of Object.entries(c.stateAfter)) assertClose(sd[k]!, values(v), F32, `${c.name}: ${k} after the step`);
        }
      }));
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
      test(`${device} › F.${c.fn} with positional arguments`, () => on(device, () => {
        const ts = c.tensors.map((t) => decode(t, { requiresGrad: true }));
        const fn = (F as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.fn]!;
        const y = fn(...ts, ...c.args);
        assertClose(y, values(c.out), F32, `F.${c.fn}`);
        y.backward(decode(c.gradOutput));
        ts.forEach((t, i) => assertClose(t.grad!, values(c.grads[i]!), GRAD, `F.${c.fn} gradient ${i}`));
      }));
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
