// `myelin predict` (src/cli/predict.ts): every recipe declares what a prediction is, so none falls
// silently into the classifier view; the regression, captioning, sequence, text and language-model
// recipes print their own lines (checked against the data they came from); the rest fail clearly.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { data, Generator, manualSeed, noGrad, zeros, type Tensor } from "../src/index.js";
import { recipeByName, recipes } from "../src/cli/recipes.js";
import { predictionOf, predictLines } from "../src/cli/predict.js";
import { captionSet, SpaceRestorer, spaceRestorationSet } from "../src/cli/recipes-encoder-decoder.js";
import { t5Chars } from "../src/cli/recipes-transformers.js";
import { CharLM, forecastSplits, textSplits, asciiText, TEXT_ALPHABET } from "../src/cli/recipes-rnn.js";
import { segmentSplits, BoundaryTagger, g2pSplits, Grapheme2Phoneme } from "../src/cli/recipes-seq2seq.js";
import { toRoman } from "../src/cli/recipes-attention.js";
import { repoRoot } from "./helpers.js";
import { modelOrMissingPackage } from "./data-packages.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url)); // dist/test → dist/src/cli
const myelin = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, MYELIN_BACKEND: "" } }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr })));

const moby = (): string => readFileSync(`${repoRoot}test/fixtures/rnn/moby-dick-chapters-1-2.txt`, "utf8");

test("every recipe declares its prediction: a real classifier, its own sample lines, or a clear refusal", () => {
  // recipes whose inputs are not float pictures or vectors: token ids (bert) and one node's index (gcn-karate)
  const input: Record<string, () => Tensor> = { bert: () => zeros([1, 16], { dtype: "int32" }), "gcn-karate": () => zeros([1], { dtype: "int32" }) };
  const kinds = { classifier: 0, sample: 0, unsupported: 0 };
  for (const r of Object.values(recipes)) {
    const p = r.predict;
    assert.ok(p !== undefined, `recipe ${r.name} does not declare predict (classifier, sample or unsupported)`);
    if (p === "classifier") {
      kinds.classifier++;
      // a classifier scores its test accuracy (plain metrics, or its own test for the generatively trained ones) and gives one score per class
      assert.ok(r.metrics.includes("accuracy") || r.generative, `${r.name}: a classifier without an accuracy metric`);
      const model = modelOrMissingPackage(r); // null: its data package is missing and the error says how to install it
      if (model) {
        const out = noGrad(() => model.eval().forward(input[r.name]?.() ?? zeros([1, ...r.inputShape])));
        assert.equal(out.ndim, 2, `${r.name}: output [${out.shape.join(", ")}]`);
        assert.equal(out.shape[0], 1, r.name);
      }
    } else if ("sample" in p) {
      kinds.sample++;
      assert.equal(typeof p.sample, "function", r.name);
    } else {
      kinds.unsupported++;
      assert.throws(() => predictionOf(r), (e: Error) => e.message.includes(`recipe '${r.name}'`) && /results are the test lines 'myelin train .* printed and the pictures and samples it writes into the run folder$/.test(e.message), r.name);
    }
  }
  assert.ok(kinds.classifier >= 17 && kinds.sample >= 10 && kinds.unsupported >= 18, JSON.stringify(kinds));
  for (const name of ["co2", "captioning", "captioning-vit", "cmudict", "segment", "numerals", "t5", "moby-dick", "names", "char-gpt"])
    assert.ok(typeof recipes[name]!.predict === "object" && "sample" in recipes[name]!.predict, `${name} has its own sample lines`);
  for (const name of ["autoencoder", "vae", "gan-digits", "ddpm-digits", "ddpm-2d", "rbm-digits", "hopfield", "boundaries", "perceptron", "qlearning-path"])
    assert.ok(typeof recipes[name]!.predict === "object" && "unsupported" in recipes[name]!.predict, `${name} refuses per-sample predictions`);
  // a recipe that declares nothing is refused, not classified
  assert.throws(() => predictionOf({ name: "new-recipe" }), /recipe 'new-recipe' does not declare what a prediction is/);
});

test("a recipe without per-sample predictions names itself and lists the run folder's results", () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-predict-"));
  try {
    for (const f of ["samples.png", "latent.svg", "config.json", "model.safetensors"]) writeFileSync(join(dir, f), "");
    const r = recipeByName("vae");
    assert.throws(() => predictLines(r, r.model(), new data.TensorDataset(zeros([2, 784]), zeros([2]))), /recipe 'vae' generates or reconstructs samples/);
    assert.throws(() => predictionOf(r, dir), new RegExp(`recipe 'vae' generates .*; its results are the test lines 'myelin train vae' printed and the files in ${dir}: latent\\.svg, samples\\.png$`));
    assert.throws(() => predictionOf(recipeByName("boundaries"), dir), /recipe 'boundaries' is a demonstration \(decision boundaries/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("co2 (regression): the forecast and the true change in ppm, the truth taken from the series", () => {
  const series = Array.from({ length: 120 }, (_, t) => 315 + 0.12 * t + 3 * Math.sin((2 * Math.PI * t) / 12));
  const { test: held } = forecastSplits(series, { window: 24, scale: 2 });
  const r = recipeByName("co2");
  manualSeed(0);
  const model = r.model().eval();
  const lines = predictLines(r, model, held, { start: 1, count: 2 });
  assert.equal(lines.length, 4);
  const nTrain = Math.floor((series.length - 24) * 0.8);
  [0, 1].forEach((k) => {
    const m = /^sample (\d+): next month vs the window's last: predicted ([+-]\d+\.\d\d) ppm · true ([+-]\d+\.\d\d) ppm · error (\d+\.\d\d) ppm \(naive last-value forecast: (\d+\.\d\d) ppm\)$/.exec(lines[2 * k]!);
    assert.ok(m, lines[2 * k]);
    const i = 1 + k, last = series[nTrain + i + 23]!, next = series[nTrain + i + 24]!;
    assert.equal(+m[1]!, i);
    assert.equal(m[3], `${next - last >= 0 ? "+" : ""}${(next - last).toFixed(2)}`);
    const pred = noGrad(() => model.forward(held.get(i)[0].unsqueeze(0)).item()) * 2;
    assert.equal(m[2], `${pred >= 0 ? "+" : ""}${pred.toFixed(2)}`);
    assert.equal(+m[5]!, +Math.abs(next - last).toFixed(2));
  });
});

for (const name of ["captioning", "captioning-vit"])
  test(`${name}: the generated caption beside the true one of the same image`, () => {
    const r = recipeByName(name);
    manualSeed(0);
    const lines = predictLines(r, r.model(), captionSet(3, 2), { count: 3 });
    const truth = data.captionedShapes({ n: 3, generator: new Generator(2) }).captions;
    truth.forEach((c, i) => {
      const m = /^sample (\d): caption "([a-z ]*)" · true "([a-z]+ [a-z]+ [a-z]+)" ([✓✗])$/.exec(lines[2 * i]!);
      assert.ok(m, lines[2 * i]);
      assert.equal(m[3], c);
      assert.equal(m[4], m[2] === c ? "✓" : "✗");
    });
  });

test("numerals (text to text): the number, the model's numeral and the true one", () => {
  const r = recipeByName("numerals");
  manualSeed(0);
  const { test: held } = r.data({});
  const lines = predictLines(r, r.model(), held, { count: 3 });
  for (let i = 0; i < 3; i++) {
    const m = /^sample \d: (\d+) → ([IVXLCDM]*) \(true ([IVXLCDM]+)\) ([✓✗])$/.exec(lines[2 * i]!);
    assert.ok(m, lines[2 * i]);
    assert.equal(m[3], toRoman(+m[1]!));
  }
});

test("t5 (text to text): the unspaced input, the model's text and the true one", () => {
  const r = recipeByName("t5");
  manualSeed(0);
  const text = moby().replace(/\s+/g, " ");
  const [line] = predictLines(r, new SpaceRestorer(16), spaceRestorationSet(t5Chars(text), 2, 1), { count: 1 });
  const m = /^sample 0: input (".*") → model (".*") · true (".*") ([✓✗])$/.exec(line!);
  assert.ok(m, line);
  const [input, got, truth] = [m[1], m[2], m[3]].map((x) => JSON.parse(x!) as string);
  assert.equal(input, truth!.replace(/ /g, ""), "the input is the true text without its spaces");
  assert.ok(text.includes(truth!), `the truth ${truth} is a window of the text`);
  assert.equal(m[4], got === truth ? "✓" : "✗");
});

test("segment and cmudict (tagging, seq2seq): restored spaces and phonemes beside the truth", () => {
  const text = moby();
  const seg = recipeByName("segment");
  manualSeed(0);
  const { test: held } = segmentSplits(text, { seqLen: 32 });
  const [first] = predictLines(seg, new BoundaryTagger({ hiddenSize: 8, numLayers: 1 }), held, { count: 1 });
  const m = /^sample 0: (\d+)\/32 letters tagged right\n {2}model: ([a-z' ]+)\n {2}true: {2}([a-z' ]+)$/.exec(first!);
  assert.ok(m, first);
  assert.ok(asciiText(text).toLowerCase().replace(/[^a-z' ]+/g, " ").replace(/ +/g, " ").includes(m[3]!.split(" ").slice(1, -1).join(" ")), `true words ${m[3]} come from the text`);
  assert.equal(m[2]!.replace(/ /g, ""), m[3]!.replace(/ /g, ""), "the model only puts spaces into the same letters");

  const g2p = recipeByName("cmudict");
  const { test: words } = g2pSplits([["CAT", ["K", "AE", "T"]], ["DOG", ["D", "AO", "G"]]], { testFraction: 0.5 });
  const [line] = predictLines(g2p, new Grapheme2Phoneme({ hiddenSize: 8 }), words, { count: 1 });
  assert.match(line!, /^sample 0: (CAT|DOG) → [A-Z ()a-z]+ · true (K AE T|D AO G) [✓✗]$/);
  assert.equal(line!.includes("CAT"), line!.includes("K AE T"), "the truth belongs to the word");
});

test("moby-dick (language model): a test chunk's prefix, the model's continuation and the true one", () => {
  const r = recipeByName("moby-dick");
  manualSeed(0);
  const { test: held } = textSplits(asciiText(moby()), new data.CharVocab(TEXT_ALPHABET));
  const [line] = predictLines(r, new CharLM({ hiddenSize: 16 }), held, { count: 1 });
  const m = /^sample 0: prefix (".*") → model (".*") · true (".*")$/.exec(line!);
  assert.ok(m, line);
  const [prefix, got, truth] = [m[1], m[2], m[3]].map((s) => JSON.parse(s!) as string);
  assert.equal(prefix! + truth!, new data.CharVocab(TEXT_ALPHABET).decode(held.get(0)[0].dataSync()), "prefix and truth are the test chunk");
  assert.equal(got!.length, truth!.length);
});

test("myelin predict on a demonstration's run exits 1 naming it; inputs on a classifier's run are refused", async () => {
  const dir = mkdtempSync(join(tmpdir(), "myelin-predict-cli-"));
  try {
    for (const [recipe, epochs] of [["perceptron", "2"], ["xor", "2"]] as const) {
      const t = await myelin(["train", recipe, "--epochs", epochs, "--out", join(dir, recipe)]);
      assert.equal(t.code, 0, t.stderr);
    }
    const p = await myelin(["predict", join(dir, "perceptron")]);
    assert.equal(p.code, 1, p.stdout);
    assert.match(p.stderr, new RegExp(`^myelin: predict: recipe 'perceptron' is a demonstration \\(the perceptron rule .*\\), not a model that predicts for test inputs; its results are the test lines 'myelin train perceptron' printed and the files in ${join(dir, "perceptron")}: history\\.svg$`, "m"));
    const x = await myelin(["predict", join(dir, "xor"), "1", "0"]);
    assert.equal(x.code, 1, x.stdout);
    assert.match(x.stderr, /predict: recipe 'xor' takes no inputs on the command line \(only text recipes such as numerals, t5 and char-gpt do\)/);
    const help = await myelin(["predict", "--help"]);
    assert.match(help.stdout, /Generative recipes and\s+demonstrations have no per-sample prediction/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
