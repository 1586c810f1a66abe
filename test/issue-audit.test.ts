// Gaps found by the audit of issues 7-10 (docs/issue-audit.md), each closed here: parity rows for
// options that had none (tools/fixtures/audit.py), float64 gradchecks that were missing, and the
// error a recurrent layer gives for a state of the wrong kind (it used to be read as "no state").

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backendByName, F, listBackends, manualSeed, nn, randn, tensor, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, decodeState, fixture, on, values, type FixtureState, type FixtureTensor } from "./helpers.js";

interface Ctor { class: string; args: unknown[]; options: Record<string, unknown>; layer?: Ctor; numLayers?: number; norm?: boolean }
interface Case {
  name: string;
  ctor: Ctor;
  train: boolean;
  calls: number;
  stateDict: FixtureState;
  inputs: FixtureTensor[];
  options: Record<string, FixtureTensor | number[]>;
  outs: FixtureTensor[];
  gradOutputs: FixtureTensor[];
  inputGrads: (FixtureTensor | null)[];
  paramGrads: FixtureState;
  stateAfter: FixtureState;
}
const fx = fixture<{ cases: Case[] }>("audit/parity.json");
const F32 = { rtol: 1e-4, atol: 1e-5 };
const GRAD = { rtol: 1e-3, atol: 1e-4 };

// the fixture names a callable activation; torch got F.silu / F.elu
const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = { "fn:silu": (x) => F.silu(x), "fn:elu": (x) => F.elu(x) };
type AnyCtor = new (...args: unknown[]) => nn.Module<never[], unknown>;
function build(c: Ctor): nn.Module<never[], unknown> {
  const cls = (nn as unknown as Record<string, AnyCtor>)[c.class]!;
  if (c.layer) return new cls(build(c.layer), c.numLayers, c.norm ? new nn.LayerNorm(c.layer.args[0] as number) : null);
  const opts = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, typeof v === "string" && v in ACTIVATIONS ? ACTIVATIONS[v] : v]));
  return new cls(...c.args, opts);
}

function call(c: Case, m: nn.Module<never[], unknown>, xs: Tensor[], device: string): Tensor[] {
  const fwd = m.forward as (...a: unknown[]) => unknown;
  let res: unknown;
  if (c.ctor.class === "MaxUnpool2d") res = fwd.call(m, xs[0], xs[1], c.options.outputSize);
  else if (c.ctor.class === "GRU" || c.ctor.class === "RNN") res = fwd.call(m, xs[0], xs[1]);
  else {
    const opts = Object.fromEntries(Object.entries(c.options).map(([k, t]) => [k, decode(t as FixtureTensor, { device })]));
    res = Object.keys(opts).length ? fwd.call(m, ...xs, opts) : fwd.call(m, ...xs);
  }
  return Array.isArray(res) ? (res as Tensor[]) : [res as Tensor];
}

for (const device of listBackends()) {
  describe(`audit parity rows match PyTorch on ${device}`, () => {
    for (const c of fx.cases)
      test(`${device} › ${c.name}`, () => on(device, () => {
        const m = build(c.ctor);
        assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.stateDict), "torch's state-dict keys in torch's order");
        m.loadStateDict(decodeState(c.stateDict));
        m.train(c.train);
        const xs = c.inputs.map((t) => decode(t, { device, requiresGrad: t.dtype === "float32" }));
        for (let i = 1; i < c.calls; i++) call(c, m, xs.map((x) => x.detach()), device);
        const outs = call(c, m, xs, device);
        assert.equal(outs.length, c.outs.length, "as many outputs as torch");
        outs.forEach((o, i) => {
          assert.deepEqual(o.shape, c.outs[i]!.shape, `${c.name} output ${i} shape`);
          assertClose(o, values(c.outs[i]!), F32, `${c.name} output ${i}`);
        });
        outs.map((o, i) => o.mul(decode(c.gradOutputs[i]!, { device })).sum()).reduce((a, b) => a.add(b)).backward();
        xs.forEach((x, i) => c.inputGrads[i] && assertClose(x.grad!, values(c.inputGrads[i]), GRAD, `${c.name} input ${i} gradient`));
        const named = Object.fromEntries(m.namedParameters());
        assert.deepEqual(Object.keys(named), Object.keys(c.paramGrads));
        for (const [k, g] of Object.entries(c.paramGrads)) assertClose(named[k]!.grad!, values(g), GRAD, `${c.name} gradient of ${k}`);
        const sd = m.stateDict();
        for (const [k, v] of Object.entries(c.stateAfter)) assertClose(sd[k]!, values(v), F32, `${c.name}: ${k} afterwards`);
      }));
  });
}

describe("float64 gradchecks the audit found missing (reference backend)", () => {
  const cpu = listBackends().find((b) => backendByName(b).supportsFloat64)!;
  const R = { maxFullOutputs: 0 };
  test("TransformerDecoderLayer (post-LN and normFirst, causal target mask, memory key padding): target, memory and parameters", () => on(cpu, () => {
    manualSeed(21);
    const o = { dtype: "float64" as const, requiresGrad: true };
    const tgt = randn([3, 2, 4], o), mem = randn([5, 2, 4], o);
    const causal = nn.Transformer.generateSquareSubsequentMask(3, { dtype: "float64" });
    const kpm = tensor([[false, false, false, true, true], [false, true, false, false, false]], { dtype: "bool" });
    for (const normFirst of [false, true]) {
      const layer = new nn.TransformerDecoderLayer(4, 2, 6, 0, "gelu", { normFirst, dtype: "float64" }).eval();
      assert.ok(gradcheck((t, m) => layer.forward(t, m, { tgtMask: causal, memoryKeyPaddingMask: kpm }), [tgt, mem], R), `normFirst ${normFirst}: inputs`);
      const [td, md] = [tgt.detach(), mem.detach()];
      const ca = layer.multiheadAttn;
      assert.ok(gradcheck((w, l1, n3) => {
        [ca.inProjWeight, layer.linear1.weight, layer.norm3.weight] = [w, l1, n3];
        return layer.forward(td, md, { tgtMask: causal, memoryKeyPaddingMask: kpm });
      }, [ca.inProjWeight!, layer.linear1.weight, layer.norm3.weight!], R), `normFirst ${normFirst}: parameters`);
    }
  }));
  test("MaxUnpool2d (kernel 2, stride 2, padding 1, outputSize; torch's gather gradient is the derivative where no index repeats)", () => on(cpu, () => {
    manualSeed(22);
    const [pooled, idx] = F.maxPool2d(randn([1, 2, 6, 7], { dtype: "float64" }), 2, 2, 1, { returnIndices: true });
    const x = Object.assign(pooled.detach(), { requiresGrad: true });
    const unpool = new nn.MaxUnpool2d(2, 2, 1);
    assert.ok(gradcheck((a) => unpool.forward(a, idx, [6, 7]), [x], R));
  }));
  test("MaxUnpool2d writes a maximum that overlapping windows share once (torch assigns; it used to be added twice)", () => {
    const x = tensor([[[[1, 2, 3], [4, 9, 5], [6, 7, 8]]]]);
    const [pooled, idx] = F.maxPool2d(x, 2, 1, { returnIndices: true }); // 9 wins all four windows
    assert.deepEqual([...idx.dataSync()], [4, 4, 4, 4]);
    const p = Object.assign(pooled.detach(), { requiresGrad: true });
    const y = new nn.MaxUnpool2d(2, 1).forward(p, idx);
    assert.deepEqual(y.toArray(), [[[[0, 0, 0], [0, 9, 0], [0, 0, 0]]]]);
    y.mul(tensor([[[[0, 0, 0], [0, 5, 0], [0, 0, 0]]]])).sum().backward();
    assert.deepEqual([...p.grad!.dataSync()], [5, 5, 5, 5], "every copy gets the whole gradient (torch's gather)");
  });
  // an infinite or NaN maximum is written as it is (not inf − inf = NaN, nor NaN·0 spread), and
  // every copy still gets g[i] (torch 1.13: grad [5, 5, 5, 5]; the infinite copies used to get 0)
  for (const device of listBackends())
    test(`${device} › MaxUnpool2d with an infinite or NaN maximum shared by overlapping windows: value and every copy's gradient`, () => on(device, () => {
      for (const v of [Infinity, -Infinity, NaN]) {
        const x = v === -Infinity ? tensor([[[[v, v, v], [v, v, v], [v, v, v]]]]) : tensor([[[[1, 2, 3], [4, v, 5], [6, 7, 8]]]]);
        const [pv, iv] = F.maxPool2d(x, 2, 1, { returnIndices: true });
        const p = Object.assign(pv.detach(), { requiresGrad: true });
        const y = new nn.MaxUnpool2d(2, 1).forward(p, iv);
        const at = [...iv.dataSync()];
        assert.deepEqual([...y.dataSync()], [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => (at.includes(k) ? v : 0)), `max ${v}: value`);
        y.mul(tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])).sum().backward();
        assert.deepEqual([...p.grad!.dataSync()], at.map((k) => k + 1), `max ${v}: each copy gets g at its index`);
      }
    }));
});

test("InstanceNorm takes an unbatched input as torch does; other shapes still name the layer", () => {
  const x = randn([3, 4, 5]);
  const m = new nn.InstanceNorm2d(3);
  assert.deepEqual(m.forward(x).dataSync(), m.forward(x.unsqueeze(0)).squeeze(0).dataSync());
  assert.throws(() => m.forward(randn([4, 4, 5])), /InstanceNorm2d\(3\): expected input \[N, 3, H, W\] or unbatched \[3, H, W\], got \[4,4,5\]/);
  assert.throws(() => new nn.InstanceNorm1d(2).forward(randn([2])), /InstanceNorm1d\(2\): expected input \[N, 2, L\] or unbatched \[2, L\], got \[2\]/);
});

describe("a recurrent state of the wrong kind is an error naming the layer", () => {
  test("an LSTM or LSTMCell given one tensor (it used to be read as no state), others given an array", () => {
    const x = randn([5, 2, 3]), h = randn([1, 2, 4]);
    assert.throws(() => new nn.LSTM(3, 4).forward(x, h as never), /nn\.LSTM: expected hx as a pair \[h0, c0\] of tensors \(torch's tuple\), got a tensor \[1,2,4\]/);
    assert.throws(() => new nn.LSTMCell(3, 4).forward(randn([2, 3]), randn([2, 4]) as never), /nn\.LSTMCell: expected hx as a pair \[h0, c0\].*got a tensor \[2,4\]/);
    assert.throws(() => new nn.LSTMCell(3, 4).forward(randn([2, 3]), [randn([2, 4])] as never), /nn\.LSTMCell: expected hx as a pair .*got an array of 1/);
    assert.throws(() => new nn.GRU(3, 4).forward(x, [h] as never), /nn\.GRU: expected hx as one tensor h0, got an array of 1/);
    assert.throws(() => new nn.RNN(3, 4).forward(x, [h, h] as never), /nn\.RNN: expected hx as one tensor h0, got an array of 2/);
    assert.throws(() => new nn.GRUCell(3, 4).forward(randn([2, 3]), [randn([2, 4])] as never), /nn\.GRUCell: expected hx as one tensor h0, got an array of 1/);
    assert.throws(() => new nn.RNNCell(3, 4).forward(randn([2, 3]), [randn([2, 4])] as never), /nn\.RNNCell: expected hx as one tensor h0/);
    // the right kinds still work
    assert.deepEqual(new nn.LSTM(3, 4).forward(x, [h, h])[0].shape, [5, 2, 4]);
    assert.deepEqual(new nn.LSTMCell(3, 4).forward(randn([2, 3]), [randn([2, 4]), randn([2, 4])])[0].shape, [2, 4]);
  });
});
