// Gradient hooks: Tensor.registerHook / registerPostAccumulateGradHook checked against the same
// computation written without hooks, and Module.registerFullBackwardHook / PreHook against torch's
// gradInput/gradOutput (tools/fixtures/grad_hooks.py), on both backends.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { enableGrad, grad, nn, randn, tensor, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { gradHooks } from "../src/autograd/tape.js";
import { afterGc, decode, decodeState, fixture, on, type FixtureState, type FixtureTensor } from "./helpers.js";

const DEVICES = ["cpu", "wasm"];
const arr = (t: Tensor | null): number[] => [...t!.dataSync()];
/** A fresh leaf with the same values (for the computation written without hooks). */
const twin = (t: Tensor): Tensor => {
  const c = t.detach().clone();
  c.requiresGrad = true;
  return c;
};

// First in the file, before other tests leave hooked tensors for the collector.
test("the hooks of a collected tensor stop counting: the walk skips the seam (and keeps its scope) again", async () => {
  assert.equal(gradHooks.run, null);
  (() => void randn([2], { requiresGrad: true }).registerHook((g) => g))();
  assert.notEqual(gradHooks.run, null);
  assert.equal(await afterGc(() => gradHooks.run), null);
  const h = randn([2], { requiresGrad: true }).registerHook((g) => g);
  h.remove();
  assert.equal(gradHooks.run, null);
});

for (const device of DEVICES)
  describe(`Tensor.registerHook (${device})`, () => {
    test("a leaf's hook doubling the gradient equals a graph that multiplies the loss by 2; .grad gets the hooked value", () =>
      on(device, () => {
        const x = randn([3, 4], { requiresGrad: true }), w = randn([4, 2]);
        const seen: number[][] = [];
        x.registerHook((g) => void seen.push(arr(g)));
        x.registerHook((g) => g.mul(2));
        x.matmul(w).tanh().sum().backward();
        const x2 = twin(x);
        x2.matmul(w).tanh().sum().mul(2).backward();
        assert.deepEqual(arr(x.grad), arr(x2.grad)); // ×2 is exact: the same bits
        assert.deepEqual(seen[0]!.map((v) => v * 2), arr(x2.grad)); // the first hook saw the plain gradient
      }));

    test("a non-leaf's hooked gradient is what flows on and what retainGrad keeps", () =>
      on(device, () => {
        const x = randn([5], { requiresGrad: true }), w = randn([5]);
        const y = x.mul(w);
        y.retainGrad();
        y.registerHook((g) => g.mul(4));
        y.tanh().sum().backward();
        const x2 = twin(x), y2 = x2.mul(w);
        y2.retainGrad();
        y2.tanh().sum().mul(4).backward();
        assert.deepEqual(arr(x.grad), arr(x2.grad));
        assert.deepEqual(arr(y.grad), arr(y2.grad));
      }));

    test("hooks run in registration order, each on the previous one's result; undefined keeps the gradient", () =>
      on(device, () => {
        const run = (hooks: ((g: Tensor) => Tensor | void)[]): number[] => {
          const x = tensor([1, 2, 3], { requiresGrad: true });
          for (const h of hooks) x.registerHook(h);
          x.mul(x).sum().backward(); // gradient 2x
          return arr(x.grad);
        };
        const plus1 = (g: Tensor): Tensor => g.add(1), times3 = (g: Tensor): Tensor => g.mul(3);
        assert.deepEqual(run([plus1, times3]), [9, 15, 21]);
        assert.deepEqual(run([times3, plus1]), [7, 13, 19]);
        let saw: number[] = [];
        assert.deepEqual(run([times3, (g) => void (saw = arr(g)), plus1]), [7, 13, 19]);
        assert.deepEqual(saw, [6, 12, 18]);
      }));

    test("remove() takes a hook off (twice is harmless); a gradient reached twice is hooked once, as its total", () =>
      on(device, () => {
        const x = tensor([1, 2], { requiresGrad: true });
        let calls = 0;
        const h = x.registerHook((g) => (calls++, g.mul(10)));
        x.add(x).sum().backward(); // x used twice: one total gradient [2, 2]
        assert.equal(calls, 1);
        assert.deepEqual(arr(x.grad), [20, 20]);
        h.remove();
        h.remove();
        x.grad = null;
        x.mul(3).sum().backward();
        assert.deepEqual(arr(x.grad), [3, 3]);
        assert.equal(calls, 1);
      }));

    test("hooks on the outputs of a multi-output op (split) each see their own slice's gradient", () =>
      on(device, () => {
        const x = randn([6], { requiresGrad: true });
        const [a, b] = x.split(3);
        a!.registerHook((g) => g.mul(2));
        b!.registerHook((g) => g.neg());
        a!.exp().sum().add(b!.square().sum()).backward();
        const x2 = twin(x), [a2, b2] = x2.split(3);
        a2!.exp().sum().mul(2).sub(b2!.square().sum()).backward();
        assert.deepEqual(arr(x.grad), arr(x2.grad));
      }));

    test("hooks on a model's parameters clamping their gradients equal clipGradValue after backward", () =>
      on(device, () => {
        const lin = new nn.Linear(4, 3), ref = new nn.Linear(4, 3);
        ref.loadStateDict(lin.stateDict());
        for (const p of lin.parameters()) p.registerHook((g) => g.clamp(-0.1, 0.1));
        const x = randn([8, 4]);
        lin.forward(x).square().sum().backward();
        ref.forward(x).square().sum().backward();
        nn.utils.clipGradValue(ref.parameters(), 0.1);
        for (const [p, q] of lin.parameters().map((p, i) => [p, ref.parameters()[i]!])) assert.deepEqual(arr(p!.grad), arr(q!.grad));
      }));

    test("a hook that keeps the gradient it sees can read it after backward", () =>
      on(device, () => {
        const x = randn([4], { requiresGrad: true });
        const y = x.exp();
        let kept: Tensor | null = null;
        y.registerHook((g) => void (kept = g.mul(1)));
        y.sum().backward();
        assert.deepEqual(arr(kept), [1, 1, 1, 1]);
      }));

    test("a wrong-shaped, wrong-dtype or non-tensor return is an error naming the hook and the shapes", () =>
      on(device, () => {
        const x = randn([2, 3], { requiresGrad: true });
        x.registerHook(function summed(g) { return g.sum(); });
        assert.throws(() => x.mul(2).sum().backward(), /registerHook: hook 0 \('summed'\) returned a float32 tensor of shape \[\] on '\w+' for the gradient of a float32 tensor of shape \[2,3\]/);
        const y = randn([2], { requiresGrad: true });
        y.registerHook(() => 3 as unknown as Tensor);
        assert.throws(() => y.sum().backward(), /registerHook: hook 0 \('anonymous'\) returned number/);
        const z = randn([2], { requiresGrad: true });
        z.registerHook((g) => g.double());
        assert.throws(() => z.sum().backward(), /returned a float64 tensor of shape \[2\]/);
        assert.throws(() => randn([2]).registerHook((g) => g), /registerHook: cannot register a hook on a tensor \[2\] that does not require grad/);
        assert.throws(() => x.registerHook(null as never), /registerHook: expected a function, got object/);
      }));

    test("grad() hands hooked gradients back for leaf and non-leaf inputs", () =>
      on(device, () => {
        const x = randn([3], { requiresGrad: true });
        const y = x.sin();
        x.registerHook((g) => g.mul(2));
        y.registerHook((g) => g.mul(8));
        const [gx, gy] = grad(y.mul(y).sum(), [x, y]);
        const x2 = twin(x), y2 = x2.sin();
        const [hx, hy] = grad(y2.mul(y2).sum().mul(16), [x2, y2]);
        assert.deepEqual(arr(gx!), arr(hx!));
        assert.deepEqual(arr(gy!), arr(hy!).map((v) => v / 2));
      }));

    test("registerPostAccumulateGradHook sees the accumulated .grad, after the gradient hooks", () =>
      on(device, () => {
        const x = tensor([1, 2], { requiresGrad: true });
        const totals: number[][] = [];
        x.registerPostAccumulateGradHook((t) => void totals.push(arr(t.grad)));
        x.registerHook((g) => g.mul(2));
        x.mul(3).sum().backward();
        x.mul(3).sum().backward();
        assert.deepEqual(totals, [[6, 6], [12, 12]]);
        assert.throws(() => x.mul(2).registerPostAccumulateGradHook(() => {}), /registerPostAccumulateGradHook: only leaf tensors .* output of 'mul'/);
      }));
  });

for (const device of DEVICES)
  describe(`Tensor.registerHook under createGraph (${device})`, () => {
    test("a hook made of differentiable ops is recorded: float64 gradcheck of the hooked gradient", () =>
      on(device, () => {
        const x = randn([4], { dtype: "float64", requiresGrad: true });
        // gradcheck's numerical side calls f under noGrad with inputs that do not require grad
        const f = (x0: Tensor): Tensor =>
          enableGrad(() => {
            const x = x0.requiresGrad ? x0 : twin(x0);
            const y = x.mul(x);
            // one-shot: a second backward through this graph (gradcheck's) reaches y again
            const h = y.registerHook((g) => (h.remove(), g.mul(y.sin())));
            return grad(y.sum(), x, { createGraph: true })[0]!;
          });
        assertClose(f(x), x.mul(2).mul(x.mul(x).sin()), { atol: 1e-12 });
        assert.ok(gradcheck(f, [x]));
      }));
    test("second derivatives through a leaf's hook match the graph written without it", () =>
      on(device, () => {
        const x = randn([3], { dtype: "float64", requiresGrad: true });
        const h = x.registerHook((g) => g.mul(x));
        const [g1] = grad(x.pow(3).sum(), x, { createGraph: true }); // 3x² · x
        h.remove();
        g1!.sum().backward();
        const x2 = twin(x);
        const [r1] = grad(x2.pow(3).sum(), x2, { createGraph: true });
        r1!.mul(x2).sum().backward();
        assertClose(g1!, r1!.mul(x2), { atol: 1e-12 });
        assertClose(x.grad!, x2.grad!, { atol: 1e-12 });
      }));
  });

// ---- module backward hooks --------------------------------------------------------------------

type Seen = { gradInput: (FixtureTensor | null)[]; gradOutput: (FixtureTensor | null)[] };
interface MlpCase {
  xRequiresGrad: boolean;
  scaleRelu: number | null;
  state: FixtureState;
  x: FixtureTensor;
  r: FixtureTensor;
  y: FixtureTensor;
  hooks: Record<string, Seen>;
  grads: FixtureState;
  gx: FixtureTensor | null;
}
interface MultiCase { useSecond: boolean; a: FixtureTensor; b: FixtureTensor; c: FixtureTensor; hooks: Seen[]; ga: FixtureTensor; gc: FixtureTensor }
const fx = fixture<{ mlp: MlpCase[]; multi: MultiCase[] }>("autograd/grad-hooks.json");

const closeGrads = (got: readonly (Tensor | null)[], want: readonly (FixtureTensor | null)[], what: string): void => {
  assert.equal(got.length, want.length, `${what}: length`);
  want.forEach((w, i) => {
    if (w === null) assert.equal(got[i], null, `${what}[${i}] should be null`);
    else assertClose(got[i]!, decode(w), { atol: 1e-6 }, `${what}[${i}]`);
  });
};
const mlp = (state: FixtureState, device: string): nn.Sequential => {
  const m = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
  m.loadStateDict(decodeState(state, device));
  return m;
};

class Multi extends nn.Module<[Tensor, Tensor, Tensor, number], Tensor[]> {
  forward(a: Tensor, b: Tensor, _c: Tensor, k: number): Tensor[] {
    return [a.mul(b).mul(k), a.sum()];
  }
}

for (const device of DEVICES)
  describe(`Module full backward hooks (${device})`, () => {
    for (const c of fx.mlp)
      test(`Linear/ReLU/Linear: gradInput and gradOutput as torch's (x requires grad: ${c.xRequiresGrad}, ReLU gradInput ×${c.scaleRelu ?? 1})`, () =>
        on(device, () => {
          const model = mlp(c.state, device);
          const seen: Record<string, { gradInput: readonly (Tensor | null)[]; gradOutput: readonly (Tensor | null)[] }> = {};
          for (const [name, m] of model.namedChildren())
            m.registerFullBackwardHook((_m, gradInput, gradOutput) => {
              seen[name] = { gradInput, gradOutput };
              if (name === "1" && c.scaleRelu) return gradInput.map((g) => g && g.mul(c.scaleRelu!));
            });
          const x = decode(c.x, { device, requiresGrad: c.xRequiresGrad });
          const y = model.forward(x);
          assertClose(y, decode(c.y), { atol: 1e-6 });
          y.mul(decode(c.r, { device })).sum().backward();
          assert.deepEqual(Object.keys(seen).sort(), ["0", "1", "2"]); // hooked layers are not fused
          for (const name of ["0", "1", "2"]) {
            closeGrads(seen[name]!.gradInput, c.hooks[name]!.gradInput, `${name}.gradInput`);
            closeGrads(seen[name]!.gradOutput, c.hooks[name]!.gradOutput, `${name}.gradOutput`);
          }
          for (const [k, p] of model.namedParameters()) assertClose(p.grad!, decode(c.grads[k]!), { atol: 1e-5 }, k);
          if (c.gx) assertClose(x.grad!, decode(c.gx), { atol: 1e-5 });
          else assert.equal(x.grad, null);
        }));

    for (const c of fx.multi)
      test(`several arguments and outputs: zeros for tensors that got none, null for a number and an unused output (second output used: ${c.useSecond})`, () =>
        on(device, () => {
          const m = new Multi();
          const seen: { gradInput: readonly (Tensor | null)[]; gradOutput: readonly (Tensor | null)[] }[] = [];
          m.registerFullBackwardHook((_m, gradInput, gradOutput) => void seen.push({ gradInput, gradOutput }));
          const a = decode(c.a, { device, requiresGrad: true }), b = decode(c.b, { device }), cc = decode(c.c, { device, requiresGrad: true });
          const [o1, o2] = m.forward(a, b, cc, 2);
          (c.useSecond ? o1!.sum().add(o2!) : o1!.sum()).backward();
          assert.equal(seen.length, 1);
          closeGrads(seen[0]!.gradInput, c.hooks[0]!.gradInput, "gradInput");
          closeGrads(seen[0]!.gradOutput, c.hooks[0]!.gradOutput, "gradOutput");
          assertClose(a.grad!, decode(c.ga), { atol: 1e-6 });
          assertClose(cc.grad!, decode(c.gc), { atol: 1e-6 }); // torch's zeros for the unused argument
        }));

    test("a pre-hook doubling gradOutput equals a loss multiplied by 2; the full hook sees the replaced gradOutput", () =>
      on(device, () => {
        const c = fx.mlp[0]!;
        const model = mlp(c.state, device), ref = mlp(c.state, device);
        let seenOut: readonly (Tensor | null)[] = [];
        const last = model.at(2) as nn.Linear;
        last.registerFullBackwardPreHook((_m, gradOutput) => gradOutput.map((g) => g && g.mul(2)));
        last.registerFullBackwardHook((_m, _gi, gradOutput) => void (seenOut = gradOutput));
        const x = decode(c.x, { device, requiresGrad: true }), x2 = decode(c.x, { device, requiresGrad: true });
        const r = decode(c.r, { device });
        model.forward(x).mul(r).sum().backward();
        ref.forward(x2).mul(r).sum().mul(2).backward();
        assert.deepEqual(arr(x.grad), arr(x2.grad));
        for (const [[k, p], [, q]] of model.namedParameters().map((e, i) => [e, ref.namedParameters()[i]!] as const)) assert.deepEqual(arr(p.grad), arr(q.grad), k);
        assert.deepEqual(arr(seenOut[0]!), arr(r.mul(2)));
      }));

    test("remove() takes module backward hooks off; hooks run in registration order", () =>
      on(device, () => {
        const lin = new nn.Linear(3, 2);
        const order: string[] = [];
        const h1 = lin.registerFullBackwardHook(() => void order.push("a"));
        lin.registerFullBackwardHook(() => void order.push("b"));
        const p = lin.registerFullBackwardPreHook(() => void order.push("pre"));
        lin.forward(randn([2, 3], { requiresGrad: true })).sum().backward();
        assert.deepEqual(order, ["pre", "a", "b"]);
        h1.remove();
        p.remove();
        lin.forward(randn([2, 3], { requiresGrad: true })).sum().backward();
        assert.deepEqual(order, ["pre", "a", "b", "b"]);
      }));

    test("wrong returns are errors naming the module: count, shape, and gradients where no input requires grad", () =>
      on(device, () => {
        const x = randn([2, 3], { requiresGrad: true });
        const a = new nn.Linear(3, 2);
        a.registerFullBackwardHook((_m, gi) => [...gi, null]);
        assert.throws(() => a.forward(x).sum().backward(), /Linear full backward hook returned an invalid number of gradInput, got 2, but expected 1/);
        const b = new nn.Linear(3, 2);
        b.registerFullBackwardHook(() => [randn([3])]);
        assert.throws(() => b.forward(x).sum().backward(), /Linear full backward hook returned a gradient of shape \[3\] for gradInput\[0\], expected shape \[2,3\]/);
        const c = new nn.Linear(3, 2);
        c.registerFullBackwardPreHook(() => [randn([2, 3]), null]);
        assert.throws(() => c.forward(x).sum().backward(), /Linear full backward pre-hook returned an invalid number of gradOutput, got 2, but expected 1/);
        const d = new nn.Linear(3, 2);
        d.registerFullBackwardHook(() => [randn([2, 3])]);
        assert.throws(() => d.forward(randn([2, 3])).sum().backward(), /Linear full backward hook: no input of this module requires grad, so the hook must return undefined or nulls/);
        assert.throws(() => d.registerFullBackwardHook(3 as never), /Linear.registerFullBackwardHook: expected a function, got number/);
      }));
  });
