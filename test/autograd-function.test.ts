// autograd.Function (custom backward) and autograd.functional (jacobian, hessian, vjp, jvp, hvp, vhp)
// against closed-form derivatives and float64 gradcheck, on both backends.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { autograd, grad, listBackends, randn, tensor, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { on } from "./helpers.js";

class Exp extends autograd.Function {
  static override forward(ctx: autograd.FunctionCtx, x: Tensor): Tensor {
    const y = x.exp();
    ctx.saveForBackward(y);
    return y;
  }
  static override backward(ctx: autograd.FunctionCtx, g: Tensor | null): Tensor {
    return g!.mul(ctx.savedTensors[0]!);
  }
}

/** Two outputs (x·s, x + s) from a tensor and a plain number; the number gets no gradient. */
class ScaleShift extends autograd.Function {
  static override forward(ctx: autograd.FunctionCtx, x: Tensor, s: number): Tensor[] {
    ctx.s = s;
    return [x.mul(s), x.add(s)];
  }
  static override backward(ctx: autograd.FunctionCtx, ga: Tensor | null, gb: Tensor | null): (Tensor | null)[] {
    return [ga!.mul(ctx.s as number).add(gb!), null];
  }
}

const tol = { rtol: 1e-5, atol: 1e-6 };

describe("autograd.Function", () => {
  for (const device of listBackends())
    it(`${device}: a custom backward drives backward(), several outputs, a non-tensor argument, double backward`, () => on(device, () => {
      const x = randn([3, 4], { requiresGrad: true });
      const y = Exp.apply(x);
      assert.equal(y.gradFn?.op, "Exp");
      y.sum().backward();
      assertClose(x.grad!, x.detach().exp(), tol, "d exp");
      const z = randn([5], { requiresGrad: true });
      const [a, b] = ScaleShift.apply(z, 3);
      a!.sum().add(b!.mul(2).sum()).backward();
      assertClose(z.grad!, tensor([5, 5, 5, 5, 5]), { rtol: 0, atol: 0 }, "3 + 2 from the two outputs");
      // only the first output used: backward still gets zeros for the second (materializeGrads)
      const w = randn([2], { requiresGrad: true });
      ScaleShift.apply(w, 4)[0]!.sum().backward();
      assertClose(w.grad!, tensor([4, 4]), { rtol: 0, atol: 0 }, "materialized zeros");
      // backward written with tensor ops is differentiable again: d²/dx² exp = exp
      const v = randn([3], { requiresGrad: true });
      const [g1] = grad(Exp.apply(v).sum(), v, { createGraph: true });
      const [g2] = grad(g1!.sum(), v);
      assertClose(g2!, v.detach().exp(), tol, "second derivative");
    }));

  it("gradcheck in float64; without grad mode nothing is recorded; a bad backward is an error naming the function", () => {
    assert.ok(gradcheck((x) => Exp.apply(x), [randn([2, 3], { dtype: "float64", requiresGrad: true })]));
    assert.equal(Exp.apply(randn([2])).gradFn, null, "no input requires grad");
    class Wrong extends autograd.Function {
      static override forward(_ctx: autograd.FunctionCtx, x: Tensor): Tensor { return x.mul(2); }
      static override backward(_ctx: autograd.FunctionCtx, g: Tensor | null): Tensor { return g!.sum(); }
    }
    assert.throws(() => Wrong.apply(randn([3], { requiresGrad: true })).sum().backward(), /Wrong\.backward returned a gradient of shape \[\] for argument 0 of shape \[3\]/);
    class TooMany extends autograd.Function {
      static override forward(_ctx: autograd.FunctionCtx, x: Tensor): Tensor { return x.mul(2); }
      static override backward(_ctx: autograd.FunctionCtx, g: Tensor | null): Tensor[] { return [g!, g!]; }
    }
    assert.throws(() => TooMany.apply(randn([3], { requiresGrad: true })).sum().backward(), /TooMany\.backward returned 2 gradient\(s\), but forward took 1 argument\(s\)/);
    class NoForward extends autograd.Function {}
    assert.throws(() => NoForward.apply(), /NoForward\.forward: a subclass of autograd\.Function must define static forward/);
  });
});

describe("autograd.functional", () => {
  for (const device of listBackends())
    it(`${device}: jacobian, hessian, vjp, jvp, hvp and vhp equal their closed forms`, () => on(device, () => {
      // f(x) = x² · sum(x): J = diag(2x·s) + x²·1ᵀ, with s = sum(x)
      const x = tensor([1, 2, -1]);
      const f = (t: Tensor): Tensor => t.pow(2).mul(t.sum());
      const s = 2, want = [[2 * 1 * s + 1, 1, 1], [4, 2 * 2 * s + 4, 4], [1, 1, 2 * -1 * s + 1]];
      assertClose(autograd.functional.jacobian(f, x) as Tensor, tensor(want), tol, "jacobian");
      const v = tensor([0.5, -1, 2]);
      const [out, vj] = autograd.functional.vjp(f, x, v);
      assertClose(out as Tensor, f(x), tol, "vjp's output");
      assertClose(vj as Tensor, v.reshape([1, 3]).matmul(tensor(want)).reshape([3]), tol, "vᵀJ");
      const [, jv] = autograd.functional.jvp(f, x, v);
      assertClose(jv as Tensor, tensor(want).matmul(v), tol, "Jv");
      // g(x) = sum(x³) + x₀x₁: H = diag(6x) + the x₀x₁ coupling
      const g = (t: Tensor): Tensor => t.pow(3).sum().add(t.narrow(0, 0, 1).mul(t.narrow(0, 1, 1)).sum());
      const H = tensor([[6, 1, 0], [1, 12, 0], [0, 0, -6]]);
      assertClose(autograd.functional.hessian(g, x) as Tensor, H, tol, "hessian");
      const [y, hv] = autograd.functional.hvp(g, x, v);
      assertClose(y, g(x), tol, "hvp's output");
      assertClose(hv as Tensor, H.matmul(v), tol, "Hv");
      assertClose(autograd.functional.vhp(g, x, v)[1] as Tensor, H.matmul(v), tol, "vᵀH (H symmetric)");
    }));

  it("several inputs and outputs give nested arrays; strict mode and shapes", () => {
    const a = tensor([1, 2]), b = tensor([3]);
    const jac = autograd.functional.jacobian((p, q) => [p.mul(q), p.sum().mul(q)], [a, b]) as Tensor[][];
    assertClose(jac[0]![0]!, tensor([[3, 0], [0, 3]]), tol, "d(p·q)/dp");
    assertClose(jac[0]![1]!, tensor([[1], [2]]), tol, "d(p·q)/dq");
    assertClose(jac[1]![0]!, tensor([[3, 3]]), tol, "d(Σp·q)/dp");
    assertClose(jac[1]![1]!, tensor([[3]]), tol, "d(Σp·q)/dq");
    const m = randn([2, 3]);
    assert.deepEqual((autograd.functional.jacobian((t) => t.sum([1]), m) as Tensor).shape, [2, 2, 3]);
    assertClose(autograd.functional.jacobian((t) => t.mul(0).add(1), a) as Tensor, tensor([[0, 0], [0, 0]]), tol, "zeros when independent");
    assert.throws(() => autograd.functional.jacobian(() => tensor([1, 2]), a, { strict: true }), /jacobian: the output does not depend on the inputs \(strict mode\)/);
    assert.throws(() => autograd.functional.vjp((t) => t.mul(2), a), /vjp: v is required for an output of shape \[2\]/);
    assert.throws(() => autograd.functional.hessian((t) => t.mul(2), a), /hessian: func must return a tensor with one element, got \[2\]/);
  });
});
