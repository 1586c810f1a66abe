// The course-network recipes (src/cli/recipes-energy.ts, recipes-boltzmann.ts) run through `myelin train` in process, each
// seeded and held to a measured bar on its test results, and each leaves its pictures in the run folder.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { train as trainCommand } from "../src/cli/train.js";
import { recipes } from "../src/cli/recipes.js";
import { springLayout } from "../src/cli/pictures-energy.js";
import type { PatchMachines } from "../src/cli/recipes-boltzmann.js";
import { data, type models, type Tensor } from "../src/index.js";
import { loadSafetensors } from "../src/node.js";
import { modelOrMissingPackage } from "./data-packages.js";

const tmp = mkdtempSync(join(tmpdir(), "myelin-energy-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Trains `recipe` with extra flags into a fresh folder; returns the test logs and the folder. */
async function train(recipe: string, flags: Record<string, string> = {}): Promise<{ test: Record<string, number>; out: string }> {
  const out = join(tmp, recipe);
  const log = console.log;
  console.log = () => {}; // the run's progress lines; the bars below are what the test reports
  try {
    await trainCommand.run({ out, ...flags }, [recipe]);
  } finally {
    console.log = log;
  }
  const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { test: Record<string, number> };
  return { test: history.test, out };
}

/** Width and height of a PNG (IHDR), after checking its signature and that its data inflates. */
function pngSize(path: string): [number, number] {
  const png = readFileSync(path);
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
  const idat = png.indexOf("IDAT");
  inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

test("the course-network recipes are registered and declare a validation split", () => {
  for (const r of ["ntm-copy", "hopfield", "rbm-digits", "boltzmann", "gcn-karate", "qlearning-path", "perceptron", "dbn-digits"]) {
    assert.ok(recipes[r], r);
    assert.equal(typeof recipes[r].defaults.valSplit, "number", r);
  }
});

test("every recipe's model has tensors in its state dict, so a run's model.safetensors holds what it learned (boltzmann's was empty)", () => {
  // a recipe whose model needs a missing data package (bert) is checked where the package is installed
  const empty = Object.values(recipes).filter((r) => { const m = modelOrMissingPackage(r); return m !== null && Object.keys(m.stateDict()).length === 0; }).map((r) => r.name);
  assert.deepEqual(empty, []);
});

test("ntm-copy: after 300 steps the copies of held-out length-5 and length-10 sequences are < 2% and < 5% wrong bits", async () => {
  const { test: t, out } = await train("ntm-copy", { epochs: "3" });
  console.log(`  bit error ${(t.bitError5! * 100).toFixed(2)}% at length 5, ${(t.bitError10! * 100).toFixed(2)}% at length 10 (trained on 1-5)`);
  assert.ok(t.bitError5! < 0.02, `bit error ${t.bitError5} at length 5`);
  assert.ok(t.bitError10! < 0.05, `bit error ${t.bitError10} at length 10`);
  assert.deepEqual(pngSize(join(out, "copy.png")), [21 * 8, (5 + 4 + 4 + 16 + 16 + 10) * 8]);
});

test("boltzmann: 4 hidden units model held-out 3×3 digit patches better than independent pixels and than no hidden units", async () => {
  // measured at 10 epochs: 2.971 nats (hidden), 3.000 (no hidden), 5.253 (independent Bernoulli pixels)
  const { test: t, out } = await train("boltzmann", { epochs: "10" });
  console.log(`  held-out NLL ${t.nll!.toFixed(3)} nats, ${t.noHiddenNll!.toFixed(3)} without hidden units, ${t.independentNll!.toFixed(3)} independent`);
  assert.ok(t.nll! < t.independentNll! - 2, `NLL ${t.nll} vs independent ${t.independentNll}`);
  assert.ok(t.nll! < t.noHiddenNll! - 0.015, `NLL ${t.nll} vs no hidden units ${t.noHiddenNll}`);
  assert.ok(t.nll! < 3, `NLL ${t.nll}`);
  assert.deepEqual(pngSize(join(out, "patches.png")), [64 * 8, (3 + 2 + 4) * 8]);
  // model.safetensors holds both machines and the pixel counts: loaded into a fresh model, they give the same test numbers
  const saved = loadSafetensors(join(out, "model.safetensors"));
  assert.deepEqual(Object.keys(saved).sort(), ["full.bias", "full.weight", "ones", "rows", "visible_only.bias", "visible_only.weight"]);
  assert.deepEqual(saved["full.weight"]!.shape, [13, 13]);
  const loaded = recipes.boltzmann!.model() as unknown as PatchMachines;
  loaded.loadStateDict(saved);
  const testX = (recipes.boltzmann!.data({}).test as data.TensorDataset<[Tensor, Tensor]>).tensors[0];
  assert.deepEqual([loaded.full.nll(testX), loaded.visibleOnly.nll(testX), loaded.independentNll(testX)], [t.nll, t.noHiddenNll, t.independentNll]);
  assert.equal(loaded.rows.item(), 10 * 18_000); // 10 epochs of the 20,000 training patches less the 10% validation split
});

test("hopfield: the projection rule recalls all ten digits from 20% flipped pixels; Hebb's rule recalls none", async () => {
  const { test: t, out } = await train("hopfield");
  console.log(`  bits right: ${(t.bitAccuracy! * 100).toFixed(1)}% (projection), ${(t.hebbBitAccuracy! * 100).toFixed(1)}% (Hebb)`);
  assert.equal(t.recalled, 1);
  assert.ok(t.hebbRecalled! <= 0.2 && t.hebbBitAccuracy! < 0.95, `Hebb recalled ${t.hebbRecalled}, bits ${t.hebbBitAccuracy}`);
  assert.deepEqual(pngSize(join(out, "recall.png")), [10 * 30 * 2, 4 * 30 * 2]);
});

test("rbm-digits: CD-1 cuts the held-out reconstruction error at least 4× below the untrained machine's", async () => {
  const untrained = recipes["rbm-digits"]!.model() as unknown as models.RBM;
  const testX = (recipes["rbm-digits"]!.data({}).test as data.TensorDataset<[Tensor, Tensor]>).tensors[0];
  const before = untrained.reconstructionError(testX);
  const { test: t, out } = await train("rbm-digits", { epochs: "5" });
  console.log(`  reconstruction error ${before.toFixed(4)} → ${t.loss!.toFixed(4)}`);
  assert.ok(t.loss! * 4 < before, `${t.loss} vs ${before} untrained`);
  assert.deepEqual(pngSize(join(out, "filters.png")), [8 * 30 * 2, 8 * 30 * 2]);
  assert.ok(existsSync(join(out, "reconstructions.png")));
});

test("gcn-karate: ≥ 90% of the 32 unlabelled members put in their club; the graph picture marks the mistakes", async () => {
  const { test: t, out } = await train("gcn-karate");
  console.log(`  accuracy on the unlabelled members: ${(t.accuracy! * 100).toFixed(1)}%`);
  assert.ok(t.accuracy! >= 0.9, `accuracy ${t.accuracy}`);
  const svg = readFileSync(join(out, "graph.svg"), "utf8");
  assert.equal(svg.match(/<circle/g)?.length, 34);
  assert.equal(svg.match(/<line/g)?.length, 78);
  const wrong = Math.round((1 - t.accuracy!) * 32);
  assert.equal(svg.match(/stroke="#d62728"/g)?.length ?? 0, wrong);
});

test("springLayout is seeded and puts friends nearer than strangers on average", () => {
  const pos = springLayout(34, data.KARATE_EDGES);
  assert.deepEqual(pos, springLayout(34, data.KARATE_EDGES));
  const d = (a: number, b: number): number => Math.hypot(pos[a]![0] - pos[b]![0], pos[a]![1] - pos[b]![1]);
  const friends = data.KARATE_EDGES.reduce((s, [a, b]) => s + d(a, b), 0) / data.KARATE_EDGES.length;
  let all = 0;
  for (let a = 0; a < 34; a++) for (let b = a + 1; b < 34; b++) all += d(a, b);
  assert.ok(friends < 0.7 * (all / (34 * 33 / 2)), `friends ${friends}, all pairs ${all / 561}`);
});

test("qlearning-path: after 200 episodes the greedy policy walks Start → End in the 4 steps of the shortest path", async () => {
  const { test: t, out } = await train("qlearning-path");
  assert.equal(t.reachedEnd, 1);
  assert.equal(t.steps, 4);
  const svg = readFileSync(join(out, "qtable.svg"), "utf8");
  assert.equal(svg.match(/<rect x=/g)?.length, 15);
  assert.equal(svg.match(/fill="#ffe9a8"/g)?.length, 5); // the five cells of the greedy path
});

test("perceptron: the rule learns AND and OR exactly; XOR stays at most 3 of 4 right", async () => {
  const { test: t } = await train("perceptron");
  assert.equal(t.accuracyAnd, 1);
  assert.equal(t.accuracyOr, 1);
  assert.ok(t.accuracyXor! <= 0.75, `XOR accuracy ${t.accuracyXor}`);
});

test("dbn-digits: greedy CD-1 pre-training of 784-128-64, then fine-tuning, classifies held-out digits ≥ 84% from 900 labelled", async () => {
  const { test: t, out } = await train("dbn-digits");
  console.log(`  test accuracy ${(t.accuracy! * 100).toFixed(1)}%`);
  assert.ok(t.accuracy! >= 0.84, `accuracy ${t.accuracy}`);
  // both RBMs were pre-trained in turn, each for 3 epochs whose reconstruction error fell, then 10 epochs of fine-tuning
  const h = (JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { history: Record<string, number[]> }).history;
  for (const k of ["reconstructionError1", "reconstructionError2"]) assert.ok(h[k]!.length === 3 && h[k]![2]! < h[k]![0]!, `${k}: ${h[k]!.join(", ")}`);
  assert.equal(h.loss!.length, 10);
  assert.deepEqual(pngSize(join(out, "filters.png")), [16 * 30 * 2, 8 * 30 * 2]);
});
