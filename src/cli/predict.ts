// `myelin predict`'s logic: what each recipe shows for one test sample. Every recipe declares it
// (Recipe.predict): a classifier's argmax, its own lines for one sample, or why predicting one
// sample makes no sense there; a recipe that declares nothing is an error, never a guess.

import { readdirSync } from "node:fs";
import { noGrad, type data, type nn, type Tensor } from "../index.js";

type Model = nn.Module<[Tensor], Tensor>;

/**
 * How `myelin predict <run-dir>` shows a recipe's test samples:
 * - `"classifier"`: the output's argmax (one output unit: a sigmoid probability above 0.5) with its
 *   confidence and the true class, named by `data().classes`; only for recipes whose output is one
 *   score per class (or one probability) and whose metrics include accuracy;
 * - `{ sample }`: the recipe's own lines for the test sample (x, y): its input, the model's
 *   prediction and the truth (regression, captions, sequences, text);
 * - `{ unsupported }`: why a per-sample prediction means nothing for this recipe (it generates
 *   samples, or is a demonstration); predict then fails with it and lists the run folder's results.
 */
export type Prediction = "classifier" | { sample(model: Model, x: Tensor, y: Tensor): string } | { unsupported: string };

/** For recipes that make new samples instead of predicting: their pictures are their results. */
export const generatesSamples: Prediction = { unsupported: "generates or reconstructs samples rather than predicting an output for each test input" };

/** For demonstrations whose point is a picture or a table that `myelin train` prints and writes. */
export const demonstration = (what: string): Prediction => ({ unsupported: `is a demonstration (${what}), not a model that predicts for test inputs` });

/** A 28×28 image as text, two characters per pixel so it keeps its aspect ratio. */
export function asciiImage(pixels: ArrayLike<number>, side = 28): string {
  const ramp = " .:-=+*#%@";
  const rows: string[] = [];
  for (let r = 0; r < side; r += 2) {
    let line = "";
    for (let c = 0; c < side; c++) line += ramp[Math.min(9, Math.floor(Math.max(pixels[r * side + c]!, pixels[(r + 1) * side + c] ?? 0) * 10))]!;
    rows.push(line);
  }
  return rows.join("\n");
}

/** A classifier's line for one sample: predicted class (confidence) · true class ✓/✗. */
export function classifierLine(model: Model, x: Tensor, y: Tensor, classes?: readonly string[]): string {
  const out = noGrad(() => model.forward(x.unsqueeze(0)));
  if (out.ndim !== 2 || out.shape[0] !== 1) throw new Error(`predict: a classifier's output for one sample should be [1, classes], got [${out.shape.join(", ")}]`);
  const binary = out.shape[1] === 1;
  const probs = binary ? out.reshape([1]) : out.softmax(1).reshape([-1]);
  const pred = binary ? +(probs.item() > 0.5) : probs.argmax().item();
  const conf = binary ? (pred ? probs.item() : 1 - probs.item()) : probs.dataSync()[pred]!;
  const name = (k: number): string => classes?.[k] ?? String(k);
  const truth = Math.round(y.reshape([-1]).item());
  return `predicted ${name(pred)} (${(conf * 100).toFixed(1)}%) · true ${name(truth)} ${pred === truth ? "✓" : "✗"}`;
}

/** The pictures, pages and notes a run folder holds (what a recipe without per-sample predictions has to show). */
const results = (runDir: string): string[] => readdirSync(runDir).filter((f) => /\.(png|svg|html|md)$/.test(f)).sort();

export interface PredictRecipe {
  name: string;
  predict?: Prediction;
}

/** The recipe's Prediction, or the error that says why `myelin predict` has nothing to show for it. */
export function predictionOf(recipe: PredictRecipe, runDir?: string): Exclude<Prediction, { unsupported: string }> {
  const p = recipe.predict;
  if (p === undefined) throw new Error(`predict: recipe '${recipe.name}' does not declare what a prediction is (Recipe.predict); use 'myelin eval ${runDir ?? "<run-dir>"}' for its test scores`);
  if (typeof p === "object" && "unsupported" in p) {
    const files = runDir ? results(runDir) : [];
    const where = `its results are the test lines 'myelin train ${recipe.name}' printed and ${files.length ? `the files in ${runDir}: ${files.join(", ")}` : "the pictures and samples it writes into the run folder"}`;
    throw new Error(`predict: recipe '${recipe.name}' ${p.unsupported}; ${where}`);
  }
  return p;
}

/**
 * The lines `myelin predict` prints for test samples start … start + count - 1 of a run's model:
 * "sample i: …" and, for 784-pixel inputs unless `image` is false, the picture drawn as text.
 */
export function predictLines(recipe: PredictRecipe, model: Model, test: data.Dataset<[Tensor, Tensor]>, { start = 0, count = 5, classes, image = true, runDir }: { start?: number; count?: number; classes?: readonly string[]; image?: boolean; runDir?: string } = {}): string[] {
  const how = predictionOf(recipe, runDir);
  if (start + count > test.length) throw new Error(`--index ${start} --count ${count} goes past the ${test.length} test samples`);
  const lines: string[] = [];
  for (let i = start; i < start + count; i++) {
    const [x, y] = test.get(i);
    if (how === "classifier") {
      if (x.numel === 784 && image) lines.push(asciiImage(x.dataSync()));
      lines.push(`sample ${i}: ${classifierLine(model, x, y, classes)}`, "");
    } else lines.push(`sample ${i}: ${noGrad(() => how.sample(model, x, y))}`, "");
  }
  return lines;
}
