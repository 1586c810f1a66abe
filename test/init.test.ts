// nn.init: calculateGain and fans against PyTorch, and the distributions of the seven
// initialisations of deck 001 (bounds, standard deviations on large tensors, orthogonality).

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { Generator, nn, tensor, zeros, type Tensor } from "../src/index.js";
import { fixture } from "./helpers.js";

const { init } = nn;
const fx = fixture<{ gains: [string, number | null, number][]; fans: { shape: number[]; fanIn: number; fanOut: number }[] }>("nn/layers.json");

const stats = (t: Tensor): { mean: number; std: number; min: number; max: number } => {
  const v = t.dataSync();
  let s = 0, s2 = 0, min = Infinity, max = -Infinity;
  for (const x of v) {
    s += x;
    s2 += x * x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = s / v.length;
  return { mean, std: Math.sqrt(s2 / v.length - mean * mean), min, max };
};
const near = (got: number, want: number, rel: number, what: string): void =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: ${got} vs ${want} (±${rel * 100}%)`);
const param = (shape: number[]): Tensor => nn.Parameter(zeros(shape));
const g = (): Generator => new Generator(17);

describe("calculateGain and fans match PyTorch", () => {
  for (const [name, p, want] of fx.gains) {
    test(`calculateGain('${name}'${p === null ? "" : `, ${p}`})`, () => {
      assert.ok(Math.abs(init.calculateGain(name as nn.init.Nonlinearity, p ?? undefined) - want) < 1e-15);
    });
  }
  test("camelCase alias and unknown names", () => {
    assert.equal(init.calculateGain("leakyRelu", 0.2), init.calculateGain("leaky_relu", 0.2));
    assert.throws(() => init.calculateGain("swish" as nn.init.Nonlinearity), /calculateGain: unsupported nonlinearity 'swish'/);
  });
  for (const { shape, fanIn, fanOut } of fx.fans) {
    test(`fans of [${shape.join(",")}] (Linear and conv-shaped weights)`, () => {
      assert.deepEqual(init.calculateFanInAndFanOut(zeros(shape)), { fanIn, fanOut });
    });
  }
  test("fans need at least 2 dims", () => {
    assert.throws(() => init.kaimingUniform(zeros([5])), /fan in and fan out cannot be computed for a tensor with fewer than 2 dims, got \[5\]/);
  });
});

describe("initialisers (mutate through assign, return the tensor)", () => {
  test("zeros, ones, constant on a parameter that requires grad", () => {
    const p = param([3, 2]);
    assert.equal(init.ones(p), p);
    assert.deepEqual(p.toArray(), [[1, 1], [1, 1], [1, 1]]);
    init.constant(p, 0.5);
    assert.ok(p.dataSync().every((v) => v === 0.5));
    init.zeros(p);
    assert.ok(p.dataSync().every((v) => v === 0));
    assert.ok(p.requiresGrad && p.isLeaf);
  });
  test("uniform: within [a, b), mean and std of U(a, b)", () => {
    const s = stats(init.uniform(param([200, 100]), { a: -2, b: 3, generator: g() }));
    assert.ok(s.min >= -2 && s.max < 3);
    near(s.mean, 0.5, 0.03, "mean");
    near(s.std, 5 / Math.sqrt(12), 0.02, "std");
  });
  test("normal: mean and std", () => {
    const s = stats(init.normal(param([200, 100]), { mean: 1, std: 0.2, generator: g() }));
    near(s.mean, 1, 0.01, "mean");
    near(s.std, 0.2, 0.02, "std");
  });
  test("xavierUniform: bound gain·√(6/(fanIn+fanOut))", () => {
    const t = init.xavierUniform(param([300, 200]), { gain: 2, generator: g() });
    const bound = 2 * Math.sqrt(6 / 500);
    const s = stats(t);
    assert.ok(s.max <= bound && s.min >= -bound);
    near(s.max, bound, 0.01, "max reaches the bound");
    near(s.std, bound / Math.sqrt(3), 0.02, "std");
  });
  test("xavierNormal: std gain·√(2/(fanIn+fanOut)) on a conv-shaped tensor", () => {
    const s = stats(init.xavierNormal(param([64, 32, 3, 3]), { generator: g() }));
    near(s.std, Math.sqrt(2 / (32 * 9 + 64 * 9)), 0.02, "std");
  });
  test("kaimingUniform: bound gain·√(3/fan), both fan modes", () => {
    const a = stats(init.kaimingUniform(param([200, 400]), { nonlinearity: "relu", generator: g() }));
    const bIn = Math.SQRT2 * Math.sqrt(3 / 400);
    assert.ok(a.max <= bIn && a.min >= -bIn);
    near(a.std, bIn / Math.sqrt(3), 0.02, "fanIn std");
    const b = stats(init.kaimingUniform(param([200, 400]), { mode: "fanOut", nonlinearity: "relu", generator: g() }));
    near(b.std, (Math.SQRT2 * Math.sqrt(3 / 200)) / Math.sqrt(3), 0.02, "fanOut std");
    const c = stats(init.kaimingUniform(param([200, 400]), { a: Math.sqrt(5), generator: g() }));
    assert.ok(c.max <= 1 / Math.sqrt(400), "a = √5 gives torch's Linear bound 1/√fanIn");
    assert.throws(() => init.kaimingUniform(param([2, 2]), { mode: "fan" as nn.init.FanMode }), /mode must be 'fanIn' or 'fanOut', got 'fan'/);
  });
  test("kaimingNormal: std gain/√fan with leaky_relu's slope and torch's fan_out spelling", () => {
    const s = stats(init.kaimingNormal(param([128, 64, 3, 3]), { a: 0.1, mode: "fan_out", generator: g() }));
    near(s.std, Math.sqrt(2 / 1.01) / Math.sqrt(128 * 9), 0.02, "std");
  });
  test("orthogonal: QᵀQ = I (tall), QQᵀ = I (wide), scaled by gain, flattened trailing dims", () => {
    const gram = (t: Tensor, rowsOrtho: boolean): Tensor => {
      const m = t.reshape([t.shape[0]!, -1]).double();
      return rowsOrtho ? m.matmul(m.t()) : m.t().matmul(m);
    };
    const closeToEye = (m: Tensor, scale: number, what: string): void => {
      const n = m.shape[0]!;
      const v = m.dataSync();
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) assert.ok(Math.abs(v[i * n + j]! - (i === j ? scale : 0)) < 1e-5, `${what} [${i},${j}] = ${v[i * n + j]}`);
    };
    closeToEye(gram(init.orthogonal(param([20, 8]), { generator: g() }), false), 1, "tall QᵀQ");
    closeToEye(gram(init.orthogonal(param([6, 15]), { gain: 2, generator: g() }), true), 4, "wide QQᵀ with gain 2");
    closeToEye(gram(init.orthogonal(param([4, 2, 3, 3]), { generator: g() }), true), 1, "conv-shaped");
    const sq = init.orthogonal(zeros([5, 5], { dtype: "float64" }), { generator: g() });
    closeToEye(gram(sq, false), 1, "square QᵀQ");
    closeToEye(gram(sq, true), 1, "square QQᵀ");
    assert.throws(() => init.orthogonal(zeros([4])), /only tensors with 2 or more dims are supported, got \[4\]/);
  });
  test("seeded generators reproduce; float64 tensors keep their dtype", () => {
    const a = init.normal(zeros([10], { dtype: "float64" }), { generator: new Generator(1) });
    const b = init.normal(zeros([10], { dtype: "float64" }), { generator: new Generator(1) });
    assert.equal(a.dtype, "float64");
    assert.deepEqual(a.dataSync(), b.dataSync());
    assert.notDeepEqual(a.dataSync(), init.normal(zeros([10], { dtype: "float64" })).dataSync());
    assert.throws(() => init.uniform(tensor([1]), { a: 2, b: 1 }), /expected a ≤ b/);
  });
});
