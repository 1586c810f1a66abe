// Fixes found in review (issue 7, point 6), each checked on every backend: NaN through relu-like
// activations, torch's alpha on add/sub, 0·∞ in matmul, assign() on a recorded tensor, and
// dispose() of storage shared through assign().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { add, F, listBackends, matmul, nn, noGrad, sub, tensor } from "../src/index.js";

for (const device of listBackends()) {
  describe(`review fixes on ${device}`, () => {
    it("F.relu, nn.ReLU, threshold and hardshrink keep NaN (as Tensor.relu and torch do)", () => {
      const x = tensor([NaN, -1, 0, 2], { device });
      assert.deepEqual(F.relu(x).toArray(), [NaN, 0, 0, 2]);
      assert.deepEqual(new nn.ReLU().forward(x).toArray(), [NaN, 0, 0, 2]);
      assert.deepEqual(F.threshold(x, 0.5, -3).toArray(), [NaN, -3, -3, 2]);
      assert.deepEqual(F.hardshrink(x, { lambd: 1 }).toArray(), [NaN, 0, 0, 2]);
      // gradients at the kinks stay torch's: relu' (0) = 0, hardshrink' (±λ) = 0, threshold' (t) = 0
      const k = tensor([0, 1, -1, 0.5, 2], { device, requiresGrad: true });
      F.relu(k).add(F.hardshrink(k, { lambd: 1 })).add(F.threshold(k, 0.5, 7)).sum().backward();
      assert.deepEqual(k.grad!.toArray(), [0, 2, 0, 1, 3]);
    });

    it("add and sub take torch's alpha as functions and methods, and reject unknown options", () => {
      const a = tensor([1, 2], { device }), b = tensor([3, 4], { device });
      assert.deepEqual(add(a, b, { alpha: 2 }).toArray(), [7, 10]);
      assert.deepEqual(sub(a, b, { alpha: 0.5 }).toArray(), [-0.5, 0]);
      assert.deepEqual(a.add(b, { alpha: -1 }).toArray(), [-2, -2]);
      assert.deepEqual(add(a, 3, { alpha: 2 }).toArray(), [7, 8]);
      assert.throws(() => add(a, b, { aplha: 2 } as never), /add: unknown option 'aplha' \(did you mean 'alpha'\?\)/);
    });

    it("matmul propagates 0·∞ = NaN (the reference kernel skipped zeros)", () => {
      assert.deepEqual(matmul(tensor([[0, 1]], { device }), tensor([[Infinity], [1]], { device })).toArray(), [[NaN]]);
      assert.deepEqual(
        matmul(tensor([[0, 1]], { device, dtype: "float64" }), tensor([[Infinity], [NaN]], { device, dtype: "float64" })).toArray(),
        [[NaN]],
      );
    });

    it("assign() on a recorded tensor throws under grad mode instead of corrupting its gradient", () => {
      const w = tensor([1, 2, 3], { device, requiresGrad: true });
      const h = w.mul(2);
      assert.throws(() => h.assign(tensor([0, 0, 0], { device })), /assign: this tensor \[3\] is the output of a recorded 'mul' op/);
    });

    it("assign() under noGrad to an output its gradient needs makes backward throw", () => {
      const w = tensor([1, 2, 3], { device, requiresGrad: true });
      const e = w.exp();
      const loss = e.sum();
      noGrad(() => e.assign(tensor([0, 0, 0], { device })));
      assert.throws(() => loss.backward(), /backward: the output \[3\] of 'exp' was modified by assign\(\)/);
      // an input its gradient needs was already checked
      const v = tensor([1, 2, 3], { device, requiresGrad: true });
      const m = v.mul(2);
      const l2 = m.mul(m).sum();
      noGrad(() => m.assign(tensor([0, 0, 0], { device })));
      assert.throws(() => l2.backward(), /an input \[3\] of 'mul' was modified by assign\(\)/);
    });

    it("dispose() of one owner of storage shared through assign() leaves the other intact", () => {
      const a = tensor([1, 2], { device });
      const b = tensor([0, 0], { device });
      b.assign(a);
      a.dispose();
      assert.deepEqual(b.toArray(), [1, 2]);
      const model = new nn.Linear(2, 1);
      const state = Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.clone()]));
      const expected = model.forward(tensor([[1, 2]])).toArray();
      model.loadStateDict(state);
      for (const t of Object.values(state)) t.dispose();
      assert.deepEqual(model.forward(tensor([[1, 2]])).toArray(), expected);
    });
  });
}
