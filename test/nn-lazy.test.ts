// The lazy modules (src/nn/lazy-more.ts) against torch 1.13's (tools/fixtures/api_names.py): state
// keys, a training-mode forward and backward from torch's materialized state, and the running
// statistics after it, on both backends; then materialization by forward, seeding and errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { grad, listBackends, manualSeed, nn, optim, randn, type Tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { decode, decodeState, fixture, on, type FixtureState, type FixtureTensor } from "./helpers.js";

interface LazyFx {
  class: string; args: number[]; options: Record<string, unknown>; init: FixtureState; input: FixtureTensor; out: FixtureTensor;
  gradOutput: FixtureTensor; gradInput: FixtureTensor; paramGrads: FixtureState; stateAfter: FixtureState;
}
const cases = fixture<{ lazy: LazyFx[] }>("fns/api.json").lazy;
type Lazy = nn.Module & { forward(x: Tensor): Tensor; hasUninitializedParams(): boolean };
const make = (c: LazyFx): Lazy => new (nn as unknown as Record<string, new (...a: unknown[]) => Lazy>)[c.class]!(...c.args, c.options);
const tol = { atol: 1e-5, rtol: 1e-4 };

describe("lazy modules match torch 1.13's", () => {
  for (const device of listBackends())
    for (const c of cases)
      it(`${device} › ${c.class}`, () => on(device, () => {
        const fresh = make(c);
        assert.equal(fresh.hasUninitializedParams(), true);
        assert.deepEqual(Object.keys(fresh.stateDict()), [], "nothing before materialization");
        fresh.forward(decode(c.input));
        assert.deepEqual(Object.keys(fresh.stateDict()), Object.keys(c.init), "torch's state-dict keys, in its order");
        for (const [k, v] of Object.entries(fresh.stateDict())) assert.deepEqual([...v.shape], c.init[k]!.shape, `${k} shape`);

        const m = make(c);
        m.loadStateDict(decodeState(c.init, device)); // materializes from the saved shapes
        assert.equal(m.hasUninitializedParams(), false);
        const x = decode(c.input, { requiresGrad: true });
        const y = m.forward(x);
        assertClose(y, decode(c.out), tol, `${c.class} output`);
        const params = m.namedParameters();
        const gs = grad([y], [x, ...params.map(([, p]) => p)], { gradOutputs: [decode(c.gradOutput)] });
        assertClose(gs[0]!, decode(c.gradInput), tol, `${c.class} input gradient`);
        params.forEach(([k], i) => assertClose(gs[i + 1]!, decode(c.paramGrads[k]!), tol, `${c.class} ${k} gradient`));
        for (const [k, v] of Object.entries(m.stateDict())) assertClose(v, decode(c.stateAfter[k]!), tol, `${c.class} ${k} after the step`);
      }));

  it("a forward materializes the eager layer's initialisation (same seed, same draws), and an optimizer built after sees it", () => {
    const x = randn(2, 3, 6, 6);
    manualSeed(5);
    const lazy = new nn.LazyConv2d(4, 3, 1, 1);
    const y = lazy.forward(x);
    manualSeed(5);
    const eager = new nn.Conv2d(3, 4, 3, 1, 1);
    assertClose(y, eager.forward(x), { atol: 0, rtol: 0 }, "same output");
    assert.equal(lazy.inChannels, 3);
    assert.equal(lazy.toString(), "LazyConv2d(outChannels=4, kernelSize=3, stride=1, padding=1)");
    const opt = new optim.SGD(lazy.parameters(), { lr: 0.1 });
    lazy.forward(x).sum().backward();
    const before = lazy.weight!.clone();
    opt.step();
    assert.ok(lazy.weight!.sub(before).abs().sum().item() > 0, "the step moved the adopted weight");
    lazy.forward(x); // still the same tensors
    const bn = new nn.LazyBatchNorm1d();
    bn.forward(randn(8, 5));
    assert.equal(bn.numFeatures, 5);
    bn.eval();
    const z = randn(2, 5);
    const want = z.sub(bn.runningMean!).div(bn.runningVar!.add(1e-5).sqrt()).mul(bn.weight!).add(bn.bias!);
    assertClose(bn.forward(z), want, { atol: 1e-6, rtol: 1e-5 }, "eval mode normalizes with the running statistics");
    assert.equal(new nn.LazyConv1d(2, 3, { dtype: "float64" }).forward(randn(1, 2, 5)).dtype, "float64");
  });

  it("errors name the lazy class", () => {
    assert.throws(() => new nn.LazyConv2d(4, 3, { padding_mode: "zeros" } as never), /nn\.LazyConv2d: unknown option 'padding_mode' \(did you mean 'paddingMode'\?\)/);
    assert.throws(() => new nn.LazyBatchNorm2d({ eps: 1e-5, afine: false } as never), /nn\.LazyBatchNorm2d: unknown option 'afine'/);
    assert.throws(() => new nn.LazyConv2d(4, 3).forward(randn(3, 5)), /nn\.LazyConv2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got \[3, ?5\]/);
    assert.throws(() => new nn.LazyConv1d(0, 3), /nn\.LazyConv1d: outChannels must be a positive integer, got 0/);
  });
});
