// Hopfield network: recall from 20% flipped bits (async and sync), energy that never rises under
// asynchronous updates, and a measured recall curve whose collapse sits near 0.14·N.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, models, tensor, type Tensor } from "../src/index.js";

/** P random ±1 patterns of N bits. */
function patterns(p: number, n: number, g: Generator): Tensor {
  return tensor(Float32Array.from({ length: p * n }, () => (g.random() < 0.5 ? -1 : 1)), { shape: [p, n] });
}

/** Flips `k` distinct random bits of each row. */
function corrupt(x: Tensor, k: number, g: Generator): Tensor {
  const [p, n] = x.shape as [number, number];
  const d = Float32Array.from(x.dataSync());
  for (let r = 0; r < p; r++) {
    const idx = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(g.random() * (n - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
      d[r * n + idx[i]!]! *= -1;
    }
  }
  return tensor(d, { shape: [p, n] });
}

/** Overlap m = (1/N) ξ·s per row. */
const overlaps = (a: Tensor, b: Tensor): number[] => Array.from(a.mul(b).mean(-1).dataSync());

test("Hopfield recalls 5 stored patterns of 100 bits from 20% flipped bits (async and sync)", () => {
  const g = new Generator(1);
  const xi = patterns(5, 100, g);
  const net = new models.Hopfield(100).store(xi);
  const noisy = corrupt(xi, 20, g);
  assert.deepEqual(overlaps(noisy, xi).map((m) => Math.round(m * 100) / 100), [0.6, 0.6, 0.6, 0.6, 0.6]);
  assert.deepEqual(overlaps(net.recallAsync(noisy, { generator: g }), xi), [1, 1, 1, 1, 1]);
  assert.deepEqual(overlaps(net.recallSync(noisy), xi), [1, 1, 1, 1, 1]);
  // the stored patterns are fixed points and the weight is symmetric with a zero diagonal
  assert.deepEqual(Array.from(net.forward(xi).dataSync()), Array.from(xi.dataSync()));
  const w = net.weight;
  assert.equal(w.sub(w.t()).abs().amax().item(), 0);
  for (let i = 0; i < 100; i += 17) assert.equal(w.index(i).index(i).item(), 0);
  assert.deepEqual(Object.keys(net.stateDict()), ["weight"]);
});

test("Hopfield energy never rises under asynchronous updates and is lowest at the stored pattern", () => {
  const g = new Generator(2);
  const xi = patterns(12, 100, g); // heavily loaded: recall is imperfect, but E must still fall
  const net = new models.Hopfield(100).store(xi);
  const start = corrupt(xi, 30, g);
  const trace: number[] = [];
  const end = net.recallAsync(start.index(0), { generator: g, onEnergy: (e) => trace.push(e) });
  assert.ok(trace.length >= 100);
  for (let i = 1; i < trace.length; i++) assert.ok(trace[i]! <= trace[i - 1]! + 1e-9, `energy rose at update ${i}: ${trace[i - 1]} → ${trace[i]}`);
  // the incrementally tracked energy agrees with E = −½ sᵀWs
  assert.ok(Math.abs(trace.at(-1)! - net.energy(end).item()) < 1e-4);
  assert.ok(net.energy(end).item() < net.energy(start.index(0)).item() - 1);
  assert.ok(net.energy(xi.index(0)).item() < net.energy(start.index(0)).item());
});

test("Hopfield capacity: the measured recall curve collapses near 0.14·N", () => {
  const n = 400;
  const g = new Generator(3);
  const curve: [number, number][] = [];
  for (const alpha of [0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25]) {
    const p = Math.round(alpha * n);
    const xi = patterns(p, n, g);
    const net = new models.Hopfield(n).store(xi);
    // start at each stored pattern with 5% noise; recalled = final overlap ≥ 0.97 (at most 1.5% wrong bits, the retrieval error at capacity)
    const m = overlaps(net.recallAsync(corrupt(xi, 20, g), { generator: g }), xi);
    curve.push([alpha, m.filter((v) => v >= 0.97).length / p]);
  }
  console.log("  recall fraction by P/N:", curve.map(([a, f]) => `${a}: ${f.toFixed(2)}`).join(", "));
  const at = (a: number): number => curve.find(([x]) => x === a)![1];
  assert.ok(at(0.05) >= 0.99 && at(0.075) >= 0.95, "nearly every pattern is recalled well below capacity");
  assert.ok(at(0.25) <= 0.2, "recall collapses well above capacity");
  // the capacity estimate: the load where the curve crosses one half, linearly interpolated
  const i = curve.findIndex(([, f]) => f < 0.5);
  const [[a0, f0], [a1, f1]] = [curve[i - 1]!, curve[i]!];
  const cap = a0 + ((f0 - 0.5) / (f0 - f1)) * (a1 - a0);
  console.log(`  capacity estimate ${cap.toFixed(3)}·N (theory 0.138·N)`);
  assert.ok(cap >= 0.12 && cap <= 0.17, `capacity ${cap}·N should be near 0.14·N`);
});

test("the projection rule W = Ξᵀ(ΞΞᵀ)⁻¹Ξ makes strongly correlated patterns fixed points, where Hebb's rule does not", () => {
  const g = new Generator(11);
  // 12 patterns of 100 bits sharing 70 bits (overlap ≈ 0.7, like digits sharing their background)
  const common = patterns(1, 70, g);
  const xi = tensor(Array.from({ length: 12 }, () => [...common.dataSync(), ...patterns(1, 30, g).dataSync()]).flat(), { shape: [12, 100] });
  const fixed = (net: models.Hopfield): number => net.forward(xi).eq(xi).all(1).float().mean().item();
  assert.equal(fixed(new models.Hopfield(100).store(xi, { rule: "projection" })), 1);
  assert.ok(fixed(new models.Hopfield(100).store(xi)) < 0.5);
  // W is the projection onto the patterns' span with its diagonal removed: W ξ = ξ − diag(P) ξ
  const w = new models.Hopfield(100).store(xi, { rule: "projection" }).weight;
  assert.ok(w.sub(w.t()).abs().amax().item() < 1e-4, "symmetric");
  assert.throws(() => new models.Hopfield(100).store(xi, { rul: "projection" } as never), /Hopfield.store: unknown option 'rul'/);
  assert.throws(() => new models.Hopfield(100).store(xi.narrow(0, 0, 1).repeat([2, 1]), { rule: "projection" }), /linearly dependent/);
});
