// nn.utils (weight and spectral normalization, parameters ↔ vector, clipping) against torch 1.13
// (tools/fixtures/reparam.py) on both backends, and Module's forward hooks, on which both rest.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listBackends, nn, optim, randn, tensor, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, decodeState, fixture, on, type FixtureState, type FixtureTensor } from "./helpers.js";

type Kind = "Linear" | "Conv2d" | "ConvTranspose2d";
interface WnCase { kind: Kind; dim: number | null; keys: string[]; state: FixtureState; x: FixtureTensor; y: FixtureTensor; r: FixtureTensor; grads: FixtureState; gx: FixtureTensor; weight: FixtureTensor }
interface SnCase { kind: Kind; iters: number; keys: string[]; state: FixtureState; x: FixtureTensor; y1: FixtureTensor; y2: FixtureTensor; r: FixtureTensor; after: FixtureState; y3: FixtureTensor; grads: FixtureState; gx: FixtureTensor }
const fx = fixture<{ weightNorm: WnCase[]; spectralNorm: SnCase[]; vector: { state: FixtureState; vector: FixtureTensor } }>("nn/reparam.json");

const make = (kind: Kind): nn.Module => (kind === "Linear" ? new nn.Linear(5, 3) : kind === "Conv2d" ? new nn.Conv2d(2, 3, 3) : new nn.ConvTranspose2d(3, 2, 3));
const tol = { rtol: 1e-4, atol: 1e-5 };
const gradsOf = (m: nn.Module): Record<string, Tensor> => Object.fromEntries(m.namedParameters().map(([k, p]) => [k, p.grad!]));

describe("nn.utils.weightNorm / spectralNorm match torch", () => {
  for (const device of listBackends()) {
    for (const c of fx.weightNorm)
      it(`${device}: weightNorm(${c.kind}, dim ${c.dim}): keys, weight, output and gradients`, () => on(device, () => {
        const m = nn.utils.weightNorm(make(c.kind), { dim: c.dim });
        assert.deepEqual(Object.keys(m.stateDict()), c.keys);
        m.loadStateDict(decodeState(c.state));
        const x = decode(c.x, { requiresGrad: true });
        const y = m.forward(x);
        assertClose(y, decode(c.y), tol, "output");
        assertClose((m as unknown as { weight: Tensor }).weight, decode(c.weight), tol, "the recomputed weight");
        y.mul(decode(c.r)).sum().backward();
        const g = gradsOf(m);
        for (const [k, t] of Object.entries(c.grads)) assertClose(g[k]!, decode(t), tol, `grad of ${k}`);
        assertClose(x.grad!, decode(c.gx), tol, "grad of x");
      }));
    for (const c of fx.spectralNorm)
      it(`${device}: spectralNorm(${c.kind}, ${c.iters} power iterations): training updates u and v as torch, eval does not`, () => on(device, () => {
        const m = nn.utils.spectralNorm(make(c.kind), { nPowerIterations: c.iters });
        assert.deepEqual(Object.keys(m.stateDict()), c.keys);
        m.loadStateDict(decodeState(c.state));
        const x = decode(c.x, { requiresGrad: true });
        assertClose(m.forward(x), decode(c.y1), tol, "first training forward");
        const y2 = m.forward(x);
        assertClose(y2, decode(c.y2), tol, "second training forward");
        y2.mul(decode(c.r)).sum().backward();
        const after = m.stateDict();
        for (const [k, t] of Object.entries(c.after)) assertClose(after[k]!, decode(t), tol, `${k} after two forwards`);
        const g = gradsOf(m);
        for (const [k, t] of Object.entries(c.grads)) assertClose(g[k]!, decode(t), tol, `grad of ${k}`);
        assertClose(x.grad!, decode(c.gx), tol, "grad of x");
        m.eval();
        assertClose(m.forward(x), decode(c.y3), tol, "eval forward");
        assertClose(m.stateDict()["weight_u"]!, after["weight_u"]!, { rtol: 0, atol: 0 }, "eval leaves u alone");
      }));
  }

  it("parametersToVector matches torch; vectorToParameters writes it back in place", () => {
    const seq = new nn.Sequential(new nn.Linear(3, 2), new nn.Linear(2, 1));
    seq.loadStateDict(decodeState(fx.vector.state));
    const v = nn.utils.parametersToVector(seq.parameters());
    assertClose(v, decode(fx.vector.vector), { rtol: 0, atol: 0 }, "vector");
    const w = seq.parameters()[0]!;
    nn.utils.vectorToParameters(v.mul(2), seq.parameters());
    assert.equal(seq.parameters()[0], w, "the same parameter objects");
    assertClose(nn.utils.parametersToVector(seq.parameters()), v.mul(2), { rtol: 0, atol: 0 }, "written back");
    assert.throws(() => nn.utils.vectorToParameters(v.narrow(0, 0, 5), seq.parameters()), /vectorToParameters: the vector has 5 elements, the parameters 11/);
    assert.throws(() => nn.utils.vectorToParameters(v.reshape([1, 11]), seq.parameters()), /expected a 1-D vector, got shape \[1, ?11\]/);
  });

  it("weight norm: gradcheck in float64, removeWeightNorm restores a parameter with the same weight, misuse is an error", () => {
    const m = nn.utils.weightNorm(new nn.Linear(4, 3).double());
    assert.ok(gradcheck((x) => m.forward(x), [randn([2, 4], { dtype: "float64", requiresGrad: true })]));
    const before = m.forward(randn([2, 4], { dtype: "float64" }));
    assert.equal(before.shape[1], 3);
    const weight = (m as unknown as { weight: Tensor }).weight.detach();
    nn.utils.removeWeightNorm(m);
    assert.deepEqual(Object.keys(m.stateDict()), ["weight", "bias"]);
    assertClose(m.weight, weight, { rtol: 0, atol: 0 }, "weight kept");
    assert.throws(() => nn.utils.removeWeightNorm(m), /removeWeightNorm: weight normalization of 'weight' not found in Linear/);
    assert.throws(() => nn.utils.weightNorm(new nn.Linear(2, 2), "kernel"), /Linear has no parameter 'kernel' \(its parameters: weight, bias\)/);
    const twice = nn.utils.weightNorm(new nn.Linear(2, 2));
    assert.throws(() => nn.utils.weightNorm(twice), /already has weight normalization on 'weight'/);
    assert.throws(() => nn.utils.weightNorm(new nn.Linear(2, 2), { dim: 2 }), /dim 2 is out of range/);
  });

  it("spectral norm: σ of the weight goes to 1 with enough power iterations; removeSpectralNorm restores a parameter", () => {
    const m = nn.utils.spectralNorm(new nn.Linear(6, 5), { nPowerIterations: 30 });
    m.forward(randn([1, 6]));
    const w = (m as unknown as { weight: Tensor }).weight;
    // ‖W v‖ for the top right singular vector v is σ(W): after normalisation it is 1
    const s = w.t().matmul(w), x = randn([6]);
    let u = x;
    for (let k = 0; k < 200; k++) u = s.matmul(u).div(s.matmul(u).norm());
    assertClose(w.matmul(u).norm(), tensor(1), { rtol: 1e-3, atol: 0 }, "σ(W / σ)");
    nn.utils.removeSpectralNorm(m);
    assert.deepEqual(Object.keys(m.stateDict()), ["weight", "bias"]);
    assert.throws(() => nn.utils.spectralNorm(new nn.Linear(2, 2), { nPowerIterations: 0 }), /nPowerIterations must be a positive integer, got 0/);
  });

  it("torch's positionals (weightNorm(module, name, dim), …) and unknown options rejected by name", () => {
    assert.deepEqual(Object.keys(nn.utils.weightNorm(new nn.Linear(2, 2), "weight", null).stateDict()), ["bias", "weight_g", "weight_v"]);
    assert.deepEqual(Object.keys(nn.utils.removeWeightNorm(nn.utils.weightNorm(new nn.Linear(2, 2)), "weight").stateDict()), ["weight", "bias"]);
    assert.throws(() => nn.utils.weightNorm(new nn.Linear(2, 2), { bogus: 1 } as never), /nn\.utils\.weightNorm: unknown option 'bogus'/);
    assert.throws(() => nn.utils.removeWeightNorm(nn.utils.weightNorm(new nn.Linear(2, 2)), { bogus: 1 } as never), /nn\.utils\.removeWeightNorm: unknown option 'bogus'/);
    assert.throws(() => nn.utils.spectralNorm(new nn.Linear(2, 2), { n_power_iterations: 2 } as never), /nn\.utils\.spectralNorm: unknown option 'n_power_iterations' \(did you mean 'nPowerIterations'\?\)/);
    assert.throws(() => nn.utils.removeSpectralNorm(nn.utils.spectralNorm(new nn.Linear(2, 2)), { bogus: 1 } as never), /nn\.utils\.removeSpectralNorm: unknown option 'bogus'/);
  });

  it("clipGradNorm and clipGradValue are there as in torch.nn.utils (the same functions as optim's)", () => {
    assert.equal(nn.utils.clipGradNorm, optim.clipGradNorm);
    assert.equal(nn.utils.clipGradValue, optim.clipGradValue);
  });
});

describe("Module forward hooks (torch's register_forward_pre_hook / register_forward_hook)", () => {
  it("run in order around forward, may replace the arguments or the output, and come off with remove()", () => {
    const lin = new nn.Linear(2, 2);
    const seen: string[] = [];
    const h1 = lin.registerForwardPreHook((_m, args) => void seen.push(`pre ${args[0].shape.join("x")}`));
    const h2 = lin.registerForwardPreHook((_m, [x]) => x.mul(0));
    const h3 = lin.registerForwardHook((m, _args, out) => {
      seen.push(`post ${m === lin}`);
      return out.add(1);
    });
    const y = lin.forward(randn([3, 2]));
    assert.deepEqual(seen, ["pre 3x2", "post true"]);
    assertClose(y, lin.bias!.add(1).expand([3, 2]), { rtol: 0, atol: 1e-7 }, "zeroed input, output + 1");
    for (const h of [h1, h2, h3]) h.remove();
    const x = randn([1, 2]);
    assertClose(lin.forward(x), x.matmul(lin.weight.t()).add(lin.bias!), { rtol: 1e-6, atol: 1e-6 }, "plain again");
    assert.deepEqual(Object.keys(lin.stateDict()), ["weight", "bias"], "the wrapper is not a field");
  });

  it("a hooked layer inside Sequential still sees its own call (no fusion across it)", () => {
    const seq = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const feats: Tensor[] = [];
    seq.at(0).registerForwardHook((_m, _a, out) => void feats.push(out as Tensor));
    const x = randn([5, 4]);
    seq.forward(x);
    assert.equal(feats.length, 1);
    assertClose(feats[0]!, (seq.at(0) as nn.Linear).forward(x), { rtol: 0, atol: 0 }, "the Linear's own output, before the ReLU");
    assert.throws(() => seq.registerForwardHook(5 as never), /Sequential\.registerForwardHook: expected a function, got number/);
  });
});
