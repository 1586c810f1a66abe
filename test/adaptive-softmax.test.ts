// nn.AdaptiveLogSoftmaxWithLoss against torch 1.13 (tools/fixtures/adaptive_softmax.py): torch's state
// dict keys, output, loss, logProb, predict, and input/parameter gradients on both backends; a float64
// gradcheck; logProb's rows are distributions; the errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listBackends, nn, randn, tensor, zeros } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, decodeState, fixture, on, type FixtureState, type FixtureTensor } from "./helpers.js";

interface Case {
  name: string; inFeatures: number; nClasses: number; cutoffs: number[]; divValue: number; headBias: boolean; state: FixtureState;
  input: FixtureTensor; target: FixtureTensor; output: FixtureTensor; loss: FixtureTensor; gradOutput: FixtureTensor;
  gradInput: FixtureTensor; gradParams: Record<string, FixtureTensor | null>; logProb: FixtureTensor; predict: FixtureTensor;
}
const fx = fixture<{ cases: Case[] }>("nn/adaptive-softmax.json");
const TOL = { rtol: 1e-5, atol: 1e-6 }, GRAD = { rtol: 1e-4, atol: 1e-5 };

describe("nn.AdaptiveLogSoftmaxWithLoss matches torch 1.13", () => {
  for (const device of listBackends())
    for (const c of fx.cases)
      it(`${device}: ${c.name}`, () => on(device, () => {
        const m = new nn.AdaptiveLogSoftmaxWithLoss(c.inFeatures, c.nClasses, c.cutoffs, c.divValue, c.headBias);
        assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.state));
        m.loadStateDict(decodeState(c.state));
        const x = decode(c.input, { requiresGrad: true });
        const { output, loss } = m.forward(x, decode(c.target));
        assert.deepEqual(output.shape, c.output.shape);
        assertClose(output, decode(c.output), TOL, "output");
        assertClose(loss, decode(c.loss), TOL, "loss");
        loss.add(output.mul(decode(c.gradOutput)).sum()).backward();
        assertClose(x.grad!, decode(c.gradInput), GRAD, "input gradient");
        for (const [k, p] of m.namedParameters()) {
          const want = c.gradParams[k];
          if (want) assertClose(p.grad!, decode(want), GRAD, `${k} gradient`);
          else assert.equal(p.grad, null, `${k}: a cluster without rows gets no gradient, as in torch`);
        }
        const x0 = decode(c.input);
        assertClose(m.logProb(x0), decode(c.logProb), TOL, "logProb");
        assert.deepEqual([...m.predict(x0).dataSync()], [...decode(c.predict).dataSync()]);
        assert.deepEqual(m.predict(x0).shape, c.predict.shape);
      }));
});

describe("nn.AdaptiveLogSoftmaxWithLoss: checks", () => {
  it("gradcheck (float64), and logProb rows sum to 1 and agree with forward", () => on("cpu", () => {
    const m = new nn.AdaptiveLogSoftmaxWithLoss(6, 10, [3, 6], { divValue: 2, headBias: true, dtype: "float64" });
    const target = tensor([0, 4, 9, 7, 2], { dtype: "int32" });
    assert.ok(gradcheck((x) => m.forward(x, target).loss, [randn([5, 6], { dtype: "float64", requiresGrad: true })]));
    const x = randn([5, 6], { dtype: "float64" });
    assertClose(m.logProb(x).exp().sum(1), tensor([1, 1, 1, 1, 1], { dtype: "float64" }), { rtol: 1e-12, atol: 1e-12 });
    assertClose(m.forward(x, target).output, m.logProb(x).gather(1, target.unsqueeze(1)).squeeze(1), { rtol: 1e-12, atol: 1e-12 });
  }));

  it("torch's defaults, and errors naming the module and the shapes", () => {
    const m = new nn.AdaptiveLogSoftmaxWithLoss(16, 20, [4, 10]);
    assert.deepEqual([m.divValue, m.headBias, m.shortlistSize, m.nClusters, m.headSize], [4, false, 4, 2, 6]);
    assert.deepEqual(m.tail.at(1).stateDict()["0.weight"]!.shape, [1, 16]); // ⌊16 / 4²⌋
    assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 20, [10, 5]), /nn.AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers sorted/);
    assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 20, [5, 20]), /between 1 and nClasses-1 \(19\)/);
    assert.throws(() => new nn.AdaptiveLogSoftmaxWithLoss(8, 20, [5], { div_value: 2 } as never), /unknown option 'div_value' \(did you mean 'divValue'\?\)/);
    assert.throws(() => m.forward(zeros(3, 16), tensor([0, 1, 2])), /target must be an int32 tensor/);
    assert.throws(() => m.forward(zeros(3, 16), tensor([0, 1], { dtype: "int32" })), /input \[3, ?16\] and target \[2\] should have the same size in the batch dimension/);
    assert.throws(() => m.forward(zeros(3, 15), tensor([0, 1, 2], { dtype: "int32" })), /input must be \[N, 16\] or \[16\], got \[3, ?15\]/);
    assert.throws(() => m.forward(zeros(3, 16), tensor([0, 1, 20], { dtype: "int32" })), /target values should be in \[0, 19\], got 20/);
  });
});
