// Activations: F.x and nn.X against PyTorch (forward and input gradient, options included, also at
// the exact kink points), float64 gradchecks away from the kinks, and the decks' own activations
// against their formulas.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { F, Generator, nn, tensor, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, fixture, values, type FixtureTensor } from "./helpers.js";

interface Run { out: FixtureTensor; gradOutput: FixtureTensor; gradInput: FixtureTensor }
interface Case { name: string; options: Record<string, unknown>; main: Run; kinks?: Run }
const fx = fixture<{ x: FixtureTensor; kinks: FixtureTensor; cases: Case[] }>("nn/activations.json");

type Fn = (x: Tensor) => Tensor;
const fns = F as unknown as Record<string, (x: Tensor, ...rest: unknown[]) => Tensor>;

/** The functional form of a fixture case, called the way myelin spells it. */
function functional(c: Case): Fn {
  const f = fns[c.name];
  assert.ok(f, `F.${c.name} exists`);
  const { dim, args, ...opts } = c.options as { dim?: number; args?: number[] };
  if (dim !== undefined) return (x) => f(x, dim);
  if (args) return (x) => f(x, ...args);
  return (x) => f(x, opts);
}

/** The module form of the same case. */
const MODULES: Record<string, (o: Record<string, unknown>) => nn.Module> = {
  relu: () => new nn.ReLU(), relu6: () => new nn.ReLU6(), leakyRelu: (o) => new nn.LeakyReLU(o),
  rrelu: (o) => new nn.RReLU(o).eval(), elu: (o) => new nn.ELU(o), selu: () => new nn.SELU(),
  celu: (o) => new nn.CELU(o), gelu: (o) => new nn.GELU(o), silu: () => new nn.SiLU(), mish: () => new nn.Mish(),
  softplus: (o) => new nn.Softplus(o), softsign: () => new nn.Softsign(), sigmoid: () => new nn.Sigmoid(),
  logsigmoid: () => new nn.LogSigmoid(), tanh: () => new nn.Tanh(), hardtanh: (o) => new nn.Hardtanh(o),
  hardsigmoid: () => new nn.Hardsigmoid(), hardswish: () => new nn.Hardswish(), tanhshrink: () => new nn.Tanhshrink(),
  softshrink: (o) => new nn.Softshrink(o), hardshrink: (o) => new nn.Hardshrink(o),
  threshold: (o) => new nn.Threshold(...((o.args as [number, number]))), softmax: (o) => new nn.Softmax(o.dim as number),
  logSoftmax: (o) => new nn.LogSoftmax(o.dim as number), softmin: (o) => new nn.Softmin(o.dim as number),
};

function checkRun(fn: Fn, input: FixtureTensor, run: Run, what: string): void {
  const x = decode(input, { requiresGrad: true });
  const y = fn(x);
  assertClose(y, values(run.out), { rtol: 1e-5, atol: 1e-6 }, `${what} forward`);
  y.backward(decode(run.gradOutput));
  assertClose(x.grad!, values(run.gradInput), { rtol: 1e-4, atol: 1e-4 }, `${what} gradient`);
}

const label = (c: Case): string => `${c.name}(${JSON.stringify(c.options)})`;

describe("activations match PyTorch", () => {
  for (const c of fx.cases) {
    test(`F.${label(c)}`, () => {
      checkRun(functional(c), fx.x, c.main, label(c));
      if (c.kinks) checkRun(functional(c), fx.kinks, c.kinks, `${label(c)} at the kinks`);
    });
    test(`nn module for ${label(c)}`, () => {
      const make = MODULES[c.name];
      assert.ok(make, `a module for ${c.name}`);
      const { args, dim, ...opts } = c.options;
      const m = make({ ...opts, ...(args === undefined ? {} : { args }), ...(dim === undefined ? {} : { dim }) });
      checkRun((x) => m.forward(x), fx.x, c.main, `module ${label(c)}`);
    });
  }
});

// Points away from every kink (0, ±0.5, ±1, ±2, ±3, 6) and from softplus' threshold switch.
const SMOOTH = [-4.3, -2.7, -1.6, -0.8, -0.3, 0.2, 0.7, 1.3, 2.3, 3.6, 7.1];
const smooth = (): Tensor => tensor(SMOOTH, { dtype: "float64", requiresGrad: true });

describe("activations: float64 gradcheck away from kinks", () => {
  for (const c of fx.cases) {
    test(label(c), () => {
      const f = functional(c);
      const x = c.options.dim !== undefined ? tensor([SMOOTH.slice(0, 5), SMOOTH.slice(5, 10)], { dtype: "float64", requiresGrad: true }) : smooth();
      assert.ok(gradcheck(f, [x]));
    });
  }
  for (const [name, f] of [
    ["arctan", F.arctan], ["scale", (x: Tensor) => F.scale(x, { k: -2.5 })], ["gaussian", F.gaussian],
    ["gaussian(center, sigma)", (x: Tensor) => F.gaussian(x, { center: 1, sigma: 2 })], ["multiquadratic", F.multiquadratic],
    ["multiquadratic(center, a)", (x: Tensor) => F.multiquadratic(x, { center: -1, a: 0.5 })], ["swish", F.swish],
    ["prelu", (x: Tensor) => F.prelu(x, tensor([0.3], { dtype: "float64" }))],
  ] as [string, Fn][]) {
    test(name, () => assert.ok(gradcheck(f, [smooth()])));
  }
  test("prelu weight gradient", () => {
    const w = tensor([0.1, -0.4], { dtype: "float64", requiresGrad: true });
    const x = tensor([SMOOTH.slice(0, 4), SMOOTH.slice(4, 8)], { dtype: "float64" }).reshape([2, 2, 2]);
    assert.ok(gradcheck((w) => F.prelu(x, w), [w]));
  });
});

describe("activations from the decks (no PyTorch counterpart)", () => {
  const xs = [-2, -0.5, 0, 0.5, 3];
  const x = (): Tensor => tensor(xs, { dtype: "float64", requiresGrad: true });
  const formula = (f: Fn, ref: (v: number) => number, what: string): void =>
    assertClose(f(x()), xs.map(ref), { rtol: 1e-12, atol: 1e-12 }, what);

  test("arctan is (2/π)·atan(x) with derivative (2/π)/(1+x²) (deck 002)", () => {
    formula(F.arctan, (v) => (2 / Math.PI) * Math.atan(v), "arctan");
    const t = x();
    F.arctan(t).sum().backward();
    assertClose(t.grad!, xs.map((v) => 2 / Math.PI / (1 + v * v)), { rtol: 1e-12 }, "arctan'");
    assertClose(new nn.Arctan().forward(x()), xs.map((v) => (2 / Math.PI) * Math.atan(v)), { rtol: 1e-12 }, "nn.Arctan");
  });
  test("atan primitive: values and gradient", () => {
    const big = tensor([-1e6, -3, -1, 0, 1e-3, 1, 40], { dtype: "float64", requiresGrad: true });
    assertClose(big.atan(), [-1e6, -3, -1, 0, 1e-3, 1, 40].map(Math.atan), { rtol: 1e-15 }, "atan");
    assert.ok(gradcheck((t) => t.atan(), [tensor([-3, -0.4, 0, 0.9, 5], { dtype: "float64", requiresGrad: true })]));
    assert.equal(tensor([1, 2], { dtype: "int32" }).atan().dtype, "float32");
  });
  test("scale is k·x with derivative k (deck 002 linear function)", () => {
    formula((t) => new nn.Scale({ k: 3 }).forward(t), (v) => 3 * v, "scale");
    const t = x();
    F.scale(t, { k: 3 }).sum().backward();
    assertClose(t.grad!, xs.map(() => 3), {}, "scale'");
    formula((t) => new nn.Scale().forward(t), (v) => v, "scale default k = 1");
  });
  test("gaussian: e^{−x²} by default, exp(−(x−c)²/(2σ²)) in general", () => {
    formula(F.gaussian, (v) => Math.exp(-v * v), "gaussian default");
    formula((t) => new nn.Gaussian({ center: 0.5, sigma: 2 }).forward(t), (v) => Math.exp(-((v - 0.5) ** 2) / 8), "nn.Gaussian");
    assert.throws(() => F.gaussian(x(), { sigma: 0 }), /gaussian: sigma must be positive, got 0/);
  });
  test("multiquadratic: √((x−c)² + a²)", () => {
    formula(F.multiquadratic, (v) => Math.sqrt(v * v + 1), "multiquadratic default");
    formula((t) => new nn.Multiquadratic({ center: 1, a: 2 }).forward(t), (v) => Math.sqrt((v - 1) ** 2 + 4), "nn.Multiquadratic");
  });
  for (const [name, f, ref] of [
    ["heaviside", F.heaviside, (v: number) => (v < 0 ? 0 : 1)],
    ["sign", F.sign, (v: number) => (v < 0 ? -1 : 1)],
  ] as const) {
    test(`${name}: values (with H(0) = 1), zero gradient, straight-through option`, () => {
      formula((t) => f(t), ref, name);
      const t = x();
      f(t).mul(tensor([1, 2, 3, 4, 5], { dtype: "float64" })).sum().backward();
      assert.deepEqual([...t.grad!.dataSync()], [0, 0, 0, 0, 0]);
      const s = x();
      const y = f(s, { straightThrough: true });
      assertClose(y, xs.map(ref), {}, `${name} straight-through forward`);
      y.mul(tensor([1, 2, 3, 4, 5], { dtype: "float64" })).sum().backward();
      assert.deepEqual([...s.grad!.dataSync()], [1, 2, 3, 4, 5]);
      assert.equal(f(tensor([-1, 2])).dtype, "float32");
    });
  }
  test("nn.Heaviside and nn.Sign (the perceptron's activation)", () => {
    assert.deepEqual(new nn.Heaviside().forward(tensor([-1, 0, 2])).toArray(), [0, 1, 1]);
    assert.deepEqual(new nn.Sign().forward(tensor([-1, 0, 2])).toArray(), [-1, 1, 1]);
    const t = tensor([-1, 0.5], { requiresGrad: true });
    new nn.Sign({ straightThrough: true }).forward(t).sum().backward();
    assert.deepEqual(t.grad!.toArray(), [1, 1]);
  });
  test("Swish is SiLU", () => {
    assert.equal(nn.Swish, nn.SiLU);
    assert.equal(F.swish, F.silu);
  });
});

describe("RReLU", () => {
  test("training: slopes ~ U(lower, upper) on negatives, identity on positives", () => {
    const n = 4000;
    const x = tensor(Array.from({ length: n }, (_, i) => (i % 2 ? 1 + (i % 7) : -1 - (i % 5))));
    const m = new nn.RReLU({ lower: 0.1, upper: 0.3, generator: new Generator(3) });
    const y = m.forward(x).dataSync();
    const xv = x.dataSync();
    let sum = 0, count = 0;
    for (let i = 0; i < n; i++) {
      if (xv[i]! > 0) assert.equal(y[i], xv[i]);
      else {
        const a = y[i]! / xv[i]!;
        assert.ok(a >= 0.1 - 1e-7 && a <= 0.3 + 1e-7, `slope ${a} out of [0.1, 0.3]`);
        sum += a;
        count++;
      }
    }
    assert.ok(Math.abs(sum / count - 0.2) < 0.005, `mean slope ${sum / count}`);
    // random slopes differ from element to element
    assert.ok(new Set(Array.from(y.slice(0, 40).filter((_, i) => i % 2 === 0))).size > 10);
  });
  test("eval: the fixed slope (lower + upper)/2", () => {
    const m = new nn.RReLU({ lower: 0.1, upper: 0.3 }).eval();
    assertClose(m.forward(tensor([-2, 3])), [-0.4, 3], { rtol: 1e-6 }, "rrelu eval");
  });
  test("gradcheck with a fixed noise draw (reseeded each call)", () => {
    const f = (x: Tensor): Tensor => F.rrelu(x, { training: true, generator: new Generator(11) });
    assert.ok(gradcheck(f, [smooth()]));
  });
});
