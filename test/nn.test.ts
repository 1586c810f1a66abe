// Module parity with PyTorch: each layer loads the fixture's state dict, runs the same input, and
// must reproduce output, input and parameter gradients and the updated buffers. Also state-dict
// keys of containers, loadStateDict's errors, and summary's parameter counts.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { nn, randn, tensor, zeros, type Tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { decode, decodeState, fixture, values, type FixtureState, type FixtureTensor, type LayerCase } from "./helpers.js";

interface Fx {
  layers: LayerCase[];
  cumulative: { stateDict: FixtureState; inputs: FixtureTensor[]; stateAfter: FixtureState; evalOut: FixtureTensor };
  containers: Record<string, { keys: [string, number[]][]; numParameters: number }>;
  gains: [string, number | null, number][];
  fans: { shape: number[]; fanIn: number; fanOut: number }[];
}
const fx = fixture<Fx>("nn/layers.json");

type Ctor = new (...args: unknown[]) => nn.Module;
const build = (c: LayerCase["ctor"]): nn.Module => new ((nn as unknown as Record<string, Ctor>)[c.class]!)(...c.args, c.options);
const F32 = { rtol: 1e-5, atol: 1e-6 };
const GRAD = { rtol: 1e-4, atol: 1e-4 };

function checkState(m: nn.Module, expected: FixtureState, what: string): void {
  const sd = m.stateDict();
  assert.deepEqual(Object.keys(sd), Object.keys(expected), `${what}: state-dict keys`);
  for (const [k, v] of Object.entries(expected)) {
    assert.deepEqual(sd[k]!.shape, v.shape, `${what}: shape of ${k}`);
    assertClose(sd[k]!, values(v), F32, `${what}: ${k}`);
  }
}

describe("layers match PyTorch (weights loaded from the fixture's state dict)", () => {
  for (const c of fx.layers) {
    test(c.name, () => {
      const m = build(c.ctor);
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.stateDict), "fresh module has torch's keys in torch's order");
      assert.deepEqual(m.namedParameters().map(([k]) => k), Object.keys(c.paramGrads));
      m.loadStateDict(decodeState(c.stateDict));
      m.train(c.train);
      const x = decode(c.input, { requiresGrad: c.input.dtype === "float32" });
      const y = m.forward(x);
      assertClose(y, values(c.out), F32, `${c.name} forward`);
      y.backward(decode(c.gradOutput));
      if (c.gradInput) assertClose(x.grad!, values(c.gradInput), GRAD, `${c.name} input gradient`);
      for (const [k, p] of m.namedParameters()) assertClose(p.grad!, values(c.paramGrads[k]!), GRAD, `${c.name} gradient of ${k}`);
      if (c.stateAfter) checkState(m, c.stateAfter, `${c.name} after the step`);
    });
  }

  test("stateDict round trip reproduces the output", () => {
    const c = fx.layers.find((l) => l.name === "BatchNorm1d eval")!;
    const a = build(c.ctor).eval();
    a.loadStateDict(decodeState(c.stateDict));
    const b = build(c.ctor).eval();
    b.loadStateDict(a.stateDict());
    const x = decode(c.input);
    assertClose(b.forward(x), (a.forward(x)).dataSync(), { rtol: 0, atol: 0 }, "round trip");
  });

  test("BatchNorm1d with momentum null keeps a cumulative average", () => {
    const { stateDict, inputs, stateAfter, evalOut } = fx.cumulative;
    const bn = new nn.BatchNorm1d(2, { momentum: null });
    bn.loadStateDict(decodeState(stateDict));
    for (const x of inputs) bn.forward(decode(x));
    checkState(bn, stateAfter, "cumulative BatchNorm1d");
    bn.eval();
    assertClose(bn.forward(decode(inputs[0]!)), values(evalOut), F32, "cumulative BatchNorm1d eval");
  });
});

describe("containers: PyTorch's state-dict keys", () => {
  const mlp = (): nn.Sequential =>
    new nn.Sequential(new nn.Linear(784, 16), new nn.Sigmoid(), new nn.Linear(16, 16), new nn.Sigmoid(), new nn.Linear(16, 10));

  class Net extends nn.Module {
    embed = new nn.Embedding(7, 4);
    layers = new nn.ModuleList([new nn.Linear(4, 4), new nn.LayerNorm(4)]);
    heads = new nn.ModuleDict({ cls: new nn.Linear(4, 2), reg: new nn.Linear(4, 1) });
    body = new nn.Sequential({ fc: new nn.Linear(4, 4), bn: new nn.BatchNorm1d(4), act: new nn.ReLU() });
    forward(ids: Tensor): Tensor {
      let h = this.embed.forward(ids);
      for (const l of this.layers) h = l.forward(h);
      return this.heads.get("cls").forward(this.body.forward(h));
    }
  }
  const shapes = (m: nn.Module): [string, number[]][] => Object.entries(m.stateDict()).map(([k, v]) => [k, [...v.shape]]);

  test("the 784-16-16-10 network: keys, shapes and 13,002 parameters", () => {
    assert.deepEqual(shapes(mlp()), fx.containers.mlp!.keys);
    assert.equal(mlp().numParameters(), 13002);
    assert.equal(fx.containers.mlp!.numParameters, 13002);
  });
  test("Sequential of named modules, ModuleList, ModuleDict inside a model", () => {
    const net = new Net();
    assert.deepEqual(shapes(net), fx.containers.net!.keys);
    assert.equal(net.numParameters(), fx.containers.net!.numParameters);
    assert.deepEqual(net.forward(tensor([1, 2, 3], { dtype: "int32" })).shape, [3, 2]);
  });
  test("Sequential indexing, iteration, append", () => {
    const s = mlp();
    assert.equal(s.length, 5);
    assert.ok(s.at(-1) instanceof nn.Linear);
    assert.deepEqual([...s].map((m) => m.constructor.name), ["Linear", "Sigmoid", "Linear", "Sigmoid", "Linear"]);
    s.append(new nn.Softmax(1));
    assert.deepEqual(s.forward(zeros([2, 784])).shape, [2, 10]);
    assert.throws(() => s.at(6), /Sequential: index 6 is out of range for 6 modules/);
    assert.deepEqual(s.namedChildren().map(([k]) => k), ["0", "1", "2", "3", "4", "5"]);
  });
  test("ModuleList and ModuleDict", () => {
    const l = new nn.ModuleList([new nn.ReLU()]).append(new nn.Linear(2, 3));
    assert.equal(l.length, 2);
    assert.deepEqual(Object.keys(l.stateDict()), ["1.weight", "1.bias"]);
    assert.throws(() => l.forward(), /ModuleList has no forward/);
    const d = new nn.ModuleDict({ a: new nn.Linear(1, 1) });
    d.set("b", new nn.Linear(1, 2)).set("a", new nn.Linear(1, 3));
    assert.deepEqual(d.keys(), ["a", "b"]);
    assert.deepEqual(Object.keys(d.stateDict()), ["a.weight", "a.bias", "b.weight", "b.bias"]);
    assert.deepEqual(d.get("a").stateDict()["weight"]!.shape, [3, 1]);
    assert.throws(() => d.get("c"), /ModuleDict: no module named 'c' \(have: a, b\)/);
    assert.throws(() => d.set("x.y", new nn.Linear(1, 1)), /must be non-empty and contain no '\.'/);
  });
  test("summary reports 13,002 parameters with layer rows and output shapes", () => {
    const m = mlp();
    const text = nn.summary(m, [1, 784]);
    assert.match(text, /Total params: 13,002/);
    assert.match(text, /Trainable params: 13,002/);
    assert.match(text, /Non-trainable params: 0/);
    assert.match(text, /0 \(Linear\)\s+\[1, 16\]\s+12,560/);
    assert.match(text, /3 \(Sigmoid\)\s+\[1, 16\]\s+0/);
    assert.match(text, /4 \(Linear\)\s+\[1, 10\]\s+170/);
    assert.equal(m.training, true, "training mode restored");
    assert.equal(Object.prototype.hasOwnProperty.call(m.at(0), "forward"), false, "forward hooks removed");
  });
  test("summary of a nested model counts frozen parameters and leaves buffers alone", () => {
    const net = new Net();
    net.embed.weight.requiresGrad = false;
    const before = net.body.at(1).stateDict()["running_mean"]!.dataSync().slice();
    const text = nn.summary(net, [5], { dtype: "int32" });
    const total = fx.containers.net!.numParameters;
    assert.match(text, new RegExp(`Total params: ${total}\\n`));
    assert.match(text, new RegExp(`Trainable params: ${total - 28}\\n`));
    assert.match(text, /Non-trainable params: 28\n/);
    assert.match(text, /\n {2}body\.fc \(Linear\)\s+\[5, 4\]\s+20\n/);
    assert.match(text, /\nbody \(Sequential\)\s+\[5, 4\]\s+28\n/);
    assert.deepEqual(net.body.at(1).stateDict()["running_mean"]!.dataSync(), before);
    assert.equal(nn.formatCount(1234567), "1,234,567");
  });
});

describe("errors", () => {
  test("Linear names the layer and the shapes", () => {
    assert.throws(() => new nn.Linear(784, 16).forward(zeros([32, 100])), {
      message: "Linear(inFeatures=784, outFeatures=16, bias=true): expected input [..., 784], got [32,100]",
    });
  });
  test("loadStateDict: missing, unexpected and size-mismatched keys", () => {
    const m = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
    const sd = m.stateDict();
    const { ["1.running_var"]: _dropped, ...missing } = sd;
    assert.throws(() => m.loadStateDict(missing), /loadStateDict: error\(s\) loading state dict for Sequential:\n {2}missing keys: 1\.running_var/);
    assert.throws(() => m.loadStateDict({ ...sd, "2.weight": zeros([1]) }), /unexpected keys: 2\.weight/);
    assert.throws(
      () => m.loadStateDict({ ...sd, "0.weight": zeros([3, 2]) }),
      /size mismatch for 0\.weight: copying a tensor of shape \[3,2\] from the state dict, the shape in this model is \[2,3\]/,
    );
    const res = m.loadStateDict({ ...missing, extra: zeros([1]) }, { strict: false });
    assert.deepEqual(res, { missingKeys: ["1.running_var"], unexpectedKeys: ["extra"] });
  });
  test("shape errors of the normalization layers and Residual", () => {
    assert.throws(() => new nn.BatchNorm1d(3).forward(zeros([4, 5])), /BatchNorm1d\(3\): expected input \[N, 3\] or \[N, 3, L\], got \[4,5\]/);
    assert.throws(() => new nn.LayerNorm([2, 3]).forward(zeros([4, 3, 2])), /LayerNorm\(\[2,3\]\): expected input \[\.\.\., 2,3\], got \[4,3,2\]/);
    assert.throws(() => new nn.Residual(new nn.Linear(4, 3)).forward(randn([2, 4])), /Residual: the block \(Linear\) maps \[2,4\] to \[2,3\]/);
    assert.throws(() => new nn.BatchNorm1d(2).forward(randn([1, 2])), /expected more than 1 value per channel when training/);
  });
});

describe("torch's positional arguments of Parameter, registerBuffer (were silently ignored)", () => {
  test("nn.Parameter(t, false) does not require grad; registerBuffer(key, t, false) stays out of the state dict", () => {
    assert.equal(nn.Parameter(zeros([2]), false).requiresGrad, false);
    assert.equal(nn.Parameter(zeros([2])).requiresGrad, true);
    class WithStats extends nn.Module {
      constructor() {
        super();
        this.registerBuffer("kept", zeros([2]));
        this.registerBuffer("scratch", zeros([2]), false);
        this.registerBuffer("scratch2", zeros([2]), { persistent: false });
      }
      forward(x: Tensor): Tensor { return x; }
    }
    const m = new WithStats();
    assert.deepEqual(Object.keys(m.stateDict()), ["kept"]);
    assert.deepEqual(m.namedBuffers().map(([k]) => k), ["kept", "scratch", "scratch2"]);
    assert.throws(() => m.registerBuffer("x", zeros([1]), { persistant: false } as never), /persistent/);
    assert.throws(() => nn.Parameter(zeros([1]), { requires_grad: false } as never), /requiresGrad/);
  });

  test("Transformer.generateSquareSubsequentMask(sz, device, dtype) as torch 2.x", () => {
    const m = nn.Transformer.generateSquareSubsequentMask(3, "cpu", "float64");
    assert.equal(m.dtype, "float64");
    assert.equal(m.device, "cpu");
    assert.deepEqual([...m.dataSync()], [0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
    assert.equal(nn.Transformer.generateSquareSubsequentMask(2, { dtype: "float64" }).dtype, "float64");
    assert.throws(() => nn.Transformer.generateSquareSubsequentMask(2, { dype: "float64" } as never), /dtype/);
  });
});
