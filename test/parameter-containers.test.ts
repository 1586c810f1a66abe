// nn.ParameterList, nn.ParameterDict and nn.LazyLinear: state-dict keys, parameter order and
// values against torch 1.13 (tools/fixtures/parameter_containers.py) on both backends, container
// behaviour, saving and loading, and what a lazy layer does before it has parameters.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { io, listBackends, manualSeed, nn, optim, randn, zeros, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { decode, decodeState, fixture, on, values, type FixtureState, type FixtureTensor } from "./helpers.js";

interface Doc { names?: string[]; keysBefore?: string[]; state: FixtureState; x: FixtureTensor; y: FixtureTensor; repr?: string[] }
const fx = fixture<{ holder: Doc; lazy: Doc }>("nn/parameter-containers.json");

function close(what: string, got: ArrayLike<number>, want: number[], tol = 1e-5): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${what}[${i}]: ${got[i]} vs ${want[i]}`);
}

/** The fixture's Holder: a parameter, a ParameterList, a ParameterDict and a Linear. */
class Holder extends nn.Module {
  scale = nn.Parameter(zeros([3]));
  plist = new nn.ParameterList([zeros([3, 3]), nn.Parameter(zeros([3]))]);
  pdict = new nn.ParameterDict({ zeta: zeros([3]), alpha: zeros([3]) });
  fc = new nn.Linear(3, 2);
  constructor() {
    super();
    this.plist.append(zeros([3]));
    this.pdict.set("zeta", nn.Parameter(zeros([3])));
  }
  forward(x: Tensor): Tensor {
    let h = x.mul(this.scale);
    for (const p of this.plist) h = p.ndim === 2 ? h.matmul(p) : h.add(p);
    return this.fc.forward(h.mul(this.pdict.get("zeta")).add(this.pdict.get("alpha")));
  }
}

describe("ParameterList and ParameterDict match torch", () => {
  for (const device of listBackends())
    it(`${device}: names, state-dict keys, loading and forward`, () => on(device, () => {
      const m = new Holder();
      assert.deepEqual(m.namedParameters().map(([n]) => n), fx.holder.names);
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(fx.holder.state));
      m.loadStateDict(decodeState(fx.holder.state, device));
      const y = m.forward(decode(fx.holder.x));
      close("y", y.dataSync(), values(fx.holder.y));
      y.sum().backward();
      assert.ok(m.parameters().every((p) => p.grad !== null), "every held parameter gets a gradient");
      assert.equal(new optim.SGD(m.parameters(), 0.1).paramGroups[0]!.params.length, 8);
    }));

  it("gradcheck (float64) through held parameters", () => on("cpu", () => {
    const list = new nn.ParameterList([randn([3, 3], { dtype: "float64" })]);
    assert.ok(gradcheck((x, w) => x.matmul(w), [randn([2, 3], { dtype: "float64", requiresGrad: true }), list.at(0)]));
  }));

  it("ParameterList: append, extend, at, set, iteration, printing, errors", () => {
    const frozen = nn.Parameter(zeros([2]), false);
    const list = new nn.ParameterList().append(zeros([2, 3])).extend([frozen, zeros([])]);
    assert.equal(list.length, 3);
    assert.equal(list.at(1), frozen);
    assert.equal(list.at(-1), list.at(2));
    assert.equal(frozen.requiresGrad, false, "a parameter is kept as it is");
    assert.equal(list.at(0).requiresGrad, true, "a plain tensor becomes a parameter");
    const replacement = zeros([4]);
    list.set(0, replacement);
    assert.deepEqual(Object.keys(list.stateDict()), ["0", "1", "2"]);
    assert.deepEqual(list.stateDict()["0"]!.shape, [4]);
    assert.deepEqual([...list].map((p) => p.shape), [[4], [2], []]);
    assert.equal(list.toString(), "ParameterList(\n  (0): Parameter containing: [float32 of size 4]\n  (1): Parameter containing: [float32 of size 2]\n  (2): Parameter containing: [float32]\n)");
    assert.throws(() => list.at(3), /nn.ParameterList: index 3 is out of range for 3 parameters/);
    assert.throws(() => list.append(3 as never), /nn.ParameterList: expected a Tensor at 3, got number/);
    assert.throws(() => list.forward(), /nn.ParameterList has no forward/);
  });

  it("ParameterDict: torch's key order, get, has, delete, pop, update, errors", () => {
    const d = new nn.ParameterDict({ b: zeros([1]), a: zeros([2]) });
    assert.deepEqual(d.keys(), ["a", "b"], "a record is taken in sorted key order, as torch 1.13 takes a dict");
    d.update([["z", zeros([3])], ["c", zeros([4])]]);
    assert.deepEqual(d.keys(), ["a", "b", "z", "c"], "pairs keep their order");
    d.set("a", zeros([5]));
    assert.deepEqual(Object.keys(d.stateDict()), ["a", "b", "z", "c"], "replacing keeps the position");
    assert.deepEqual(d.pop("b").shape, [1]);
    assert.equal(d.delete("b"), false);
    assert.deepEqual(Object.keys(d.stateDict()), ["a", "z", "c"]);
    assert.equal(d.has("z") && !d.has("b"), true);
    assert.equal(d.size, 3);
    assert.throws(() => d.get("b"), /nn.ParameterDict: no parameter named 'b' \(have: a, z, c\)/);
    assert.throws(() => d.set("x.y", zeros([1])), /parameter name 'x.y' must be a non-empty string without '.'/);
    d.clear();
    assert.deepEqual(d.parameters(), []);
  });

  it("save and load rebuild the containers with their values", () => {
    const list = new nn.ParameterList([randn([2, 2]), randn([3])]);
    const back = io.deserializeModel(io.serializeModel(list)) as nn.ParameterList;
    assert.deepEqual([...back].map((p) => [...p.dataSync()]), [...list].map((p) => [...p.dataSync()]));
    const dict = new nn.ParameterDict(new Map([["w", randn([2])], ["a", randn([1])]]));
    const dback = io.deserializeModel(io.serializeModel(dict)) as nn.ParameterDict;
    assert.deepEqual(dback.keys(), ["w", "a"]);
    assert.deepEqual([...dback.get("w").dataSync()], [...dict.get("w").dataSync()]);
  });
});

describe("LazyLinear", () => {
  const lazyNet = (): nn.Sequential => new nn.Sequential(new nn.LazyLinear(3), new nn.Tanh(), new nn.LazyLinear(2, false));

  for (const device of listBackends())
    it(`${device}: no parameters before the dry run; torch's keys after; torch's output once loaded`, () => on(device, () => {
      const net = lazyNet();
      assert.deepEqual(Object.keys(net.stateDict()), [], `torch lists ${JSON.stringify(fx.lazy.keysBefore)} as uninitialized parameters; myelin has none yet`);
      const x = decode(fx.lazy.x);
      net.forward(x);
      assert.deepEqual(Object.keys(net.stateDict()), Object.keys(fx.lazy.state));
      for (const [k, t] of Object.entries(net.stateDict())) assert.deepEqual(t.shape, fx.lazy.state[k]!.shape, k);
      net.loadStateDict(decodeState(fx.lazy.state, device));
      close("y", net.forward(x).dataSync(), values(fx.lazy.y));
    }));

  it("loadStateDict materializes from the saved weight's shape (as torch), save/load round-trips", () => {
    const net = lazyNet();
    net.loadStateDict(decodeState(fx.lazy.state));
    close("y", net.forward(decode(fx.lazy.x)).dataSync(), values(fx.lazy.y));
    const back = io.deserializeModel(io.serializeModel(net)) as nn.Sequential;
    close("reloaded", back.forward(decode(fx.lazy.x)).dataSync(), values(fx.lazy.y));
  });

  it("initialises as nn.Linear, prints like torch, and errors before and after materialization", () => {
    manualSeed(0);
    const fc = new nn.LazyLinear(50, { dtype: "float64" });
    assert.equal(fc.hasUninitializedParams(), true);
    assert.equal(fc.toString(), "LazyLinear(inFeatures=0, outFeatures=50, bias=true)");
    assert.throws(() => new optim.SGD(fc.parameters(), 0.1), /got an empty parameter list/, "an optimizer built before the dry run has nothing to train");
    fc.forward(zeros([2, 16], { dtype: "float64" }));
    assert.equal(fc.hasUninitializedParams(), false);
    assert.equal(fc.toString(), "LazyLinear(inFeatures=16, outFeatures=50, bias=true)");
    assert.deepEqual(fc.weight!.shape, [50, 16]);
    assert.equal(fc.weight!.dtype, "float64");
    const w = [...fc.weight!.dataSync()];
    assert.ok(w.every((v) => Math.abs(v) <= 0.25) && Math.max(...w) > 0.2, "U(−1/√16, 1/√16)");
    assert.equal(new optim.SGD(fc.parameters(), 0.1).paramGroups[0]!.params.length, 2);
    assert.throws(() => fc.forward(zeros([2, 8], { dtype: "float64" })), /LazyLinear\(inFeatures=16, outFeatures=50, bias=true\): expected input \[..., 16\], got \[2,8\]/);
    assert.throws(() => new nn.LazyLinear(3).forward(zeros([2, 0])), /nn.LazyLinear: cannot infer inFeatures from an input of shape \[2,0\]/);
    assert.throws(() => new nn.LazyLinear(3, { in_features: 2 } as never), /nn.LazyLinear: unknown option 'in_features'/);
    const plain = new nn.LazyLinear(2);
    plain.forward(zeros([1, 3], { dtype: "float64", device: "cpu" }));
    assert.deepEqual([plain.weight!.dtype, plain.weight!.device, plain.bias!.device], ["float64", "cpu", "cpu"], "without a dtype option: the first input's dtype and device");
  });
});
