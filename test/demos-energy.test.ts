// The decks' demonstrations (src/cli/recipes-demos.ts) through `myelin train` in process, each with a
// measured bar and its picture: decision boundaries by depth, double descent, images ranked by a
// neuron, and deck 001's orange/apple table.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { train as trainCommand } from "../src/cli/train.js";
import { recipes } from "../src/cli/recipes.js";
import { doubleDescent, FRUIT, minNormFit, topPurity } from "../src/cli/recipes-demos.js";
import { Generator, rand, randn, tensor, type Tensor } from "../src/index.js";
import { loadSafetensors } from "../src/node.js";

const tmp = mkdtempSync(join(tmpdir(), "myelin-demos-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Trains `recipe` into a fresh folder, silently; returns the test logs, the printed lines and the folder. */
async function train(recipe: string): Promise<{ test: Record<string, number>; lines: string[]; out: string }> {
  const out = join(tmp, recipe);
  const lines: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => void lines.push(a.join(" "));
  try {
    await trainCommand.run({ out }, [recipe]);
  } finally {
    console.log = log;
  }
  return { test: (JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { test: Record<string, number> }).test, lines, out };
}
const pngSize = (path: string): [number, number] => {
  const png = readFileSync(path);
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
};

test("boundaries: no hidden layer stays near a line's accuracy, 3 hidden layers follow the spirals, 20 at default init do not train", async () => {
  const { test: t, out } = await train("boundaries");
  console.log(`  test accuracy: 0 hidden ${(t.accuracy0! * 100).toFixed(1)}%, 3 hidden ${(t.accuracy3! * 100).toFixed(1)}%, 20 hidden ${(t.accuracy20! * 100).toFixed(1)}%`);
  assert.ok(t.accuracy0! <= 0.75, `0 hidden layers: ${t.accuracy0}`);
  assert.ok(t.accuracy3! >= 0.93, `3 hidden layers: ${t.accuracy3}`);
  assert.ok(t.accuracy20! <= 0.6, `20 hidden layers: ${t.accuracy20}`);
  assert.deepEqual(pngSize(join(out, "boundaries.png")), [3 * 128, 120]);
});

test("minNormFit: least squares below n features, the interpolating solution of least norm above", () => {
  const g = new Generator(4);
  const y = randn([10], { generator: g });
  const narrow = randn([10, 4], { generator: g, dtype: "float64" });
  const w = minNormFit(narrow, y);
  // the normal equations hold: Φᵀ(Φw − y) = 0
  assert.ok(narrow.t().matmul(narrow.matmul(w).sub(y.double())).abs().amax().item() < 1e-9);
  const wide = randn([10, 30], { generator: g, dtype: "float64" });
  const v = minNormFit(wide, y);
  assert.ok(wide.matmul(v).sub(y.double()).abs().amax().item() < 1e-9, "interpolates");
  // least norm: adding any null-space direction of Φ makes w longer
  const z = randn([30], { generator: g, dtype: "float64" });
  const nullDir = z.sub(minNormFit(wide, wide.matmul(z)));
  assert.ok(wide.matmul(nullDir).abs().amax().item() < 1e-9);
  assert.ok(v.add(nullDir.mul(0.1)).norm().item() > v.norm().item());
});

test("double-descent: test error peaks at the interpolation threshold (width = n = 40) and falls again beyond it", async () => {
  const { test: t, out } = await train("double-descent");
  const e = (w: number): number => t[`testError${w}`]!;
  console.log(`  test MSE: width 10 ${e(10).toFixed(2)}, 40 ${e(40).toFixed(1)}, 400 ${e(400).toFixed(2)}`);
  assert.ok(t.peakWidth! >= 35 && t.peakWidth! <= 45, `peak at width ${t.peakWidth}`);
  assert.ok(e(40) > 20 * e(10) && e(40) > 20 * e(400), "a sharp peak between two descents");
  assert.ok(e(400) < e(60) && e(60) < e(45), "the second descent");
  assert.match(readFileSync(join(out, "double-descent.svg"), "utf8"), /<polyline[^>]*#d62728/);
  // the training error is zero from the threshold on, and not before it
  const x = randn([20, 3], { generator: new Generator(1) });
  const curve = doubleDescent(x, x.sum(1), x, x.sum(1), [10, 20, 40], 2);
  assert.ok(curve.trainError[0]! > 1e-3 && curve.trainError[1]! < 1e-8 && curve.trainError[2]! < 1e-8, curve.trainError.join(", "));
});

test("neuron-ranking: a hidden unit's 16 most exciting test images share a class ≥ 40% of the time (random rankings: < 30%)", async () => {
  const { test: t, lines, out } = await train("neuron-ranking");
  const line = lines.find((l) => l.includes("share one class"))!;
  const purity = Number(/in (\d+)% of cases/.exec(line)![1]) / 100;
  const [, y] = (recipes["neuron-ranking"]!.data({}).test as unknown as { tensors: [Tensor, Tensor] }).tensors;
  const random = topPurity(rand([y.shape[0]!, 32], { generator: new Generator(9) }), y);
  const base = random.reduce((a, b) => a + b) / random.length;
  console.log(`  top-16 purity ${(purity * 100).toFixed(0)}% (random ranking ${(base * 100).toFixed(0)}%), accuracy ${(t.accuracy! * 100).toFixed(1)}%`);
  assert.ok(purity >= 0.4 && base < 0.3, `${purity} vs ${base}`);
  assert.ok(t.accuracy! >= 0.85);
  assert.deepEqual(pngSize(join(out, "ranking.png")), [10 * 30 * 2, 8 * 30 * 2]);
});

test("fruit-table: one logistic neuron learns deck 001's four fruits and calls a new 160 g bumpy fruit an orange, a 135 g smooth one an apple", async () => {
  const { test: t, out } = await train("fruit-table");
  assert.equal(t.accuracy, 1);
  const model = recipes["fruit-table"]!.model();
  model.loadStateDict(loadSafetensors(join(out, "model.safetensors")));
  const p = model.forward(tensor([[1.6, 1], [1.35, 0]])).softmax(1).dataSync();
  assert.ok(p[1]! > 0.5 && p[3]! < 0.5, `P(orange): ${p[1]}, ${p[3]}`);
  const svg = readFileSync(join(out, "table.svg"), "utf8");
  assert.equal(svg.match(/P\(orange\) = /g)?.length, FRUIT.y.length);
});

test("vanishing-grad: through 20 sigmoid layers the first layer's gradient is < 10⁻⁶ of the last's and the net stays at chance; ReLU (He) learns", async () => {
  const { test: t, out } = await train("vanishing-grad");
  console.log(`  first/last gradient norm: sigmoid ${t.firstOverLastSigmoid!.toExponential(1)}, ReLU ${t.firstOverLastRelu!.toExponential(1)}; accuracy sigmoid ${(t.accuracySigmoid! * 100).toFixed(1)}%, ReLU ${(t.accuracyRelu! * 100).toFixed(1)}%`);
  assert.ok(t.firstOverLastSigmoid! < 1e-6 && t.firstOverLastRelu! > 1e-2);
  assert.ok(t.accuracySigmoid! <= 0.2 && t.accuracyRelu! >= 0.7, `${t.accuracySigmoid} vs ${t.accuracyRelu}`);
  assert.equal(readFileSync(join(out, "gradients.svg"), "utf8").match(/<polyline/g)?.length, 2);
});
