// The subcommands of `myelin`: train, eval, predict, summary, gradients. Each declares its parseArgs
// options and usage text; all of them are thin shells over recipes and fit().

import { join } from "node:path";
import { nn, noGrad } from "../index.js";
import { loadSafetensors } from "../node.js";
import { evaluate } from "../train/index.js";
import { recipeByName, type Recipe } from "./recipes.js";
import { common, commonHelp, loader, num, readConfig, str, useBackend, type Command, type RunConfig } from "./shared.js";
import { train } from "./train.js";
import { gradients } from "./gradients.js";

export type { Command } from "./shared.js";

function openRun(runDir: string | undefined): { recipe: Recipe; model: ReturnType<Recipe["model"]>; config: RunConfig } {
  if (!runDir) throw new Error("expected a run folder (the one 'myelin train' printed at the end)");
  const config = readConfig(runDir);
  const recipe = recipeByName(config.recipe);
  const model = recipe.model();
  model.loadStateDict(loadSafetensors(join(runDir, "model.safetensors")));
  model.eval();
  return { recipe, model, config };
}

/** A 28×28 image as text, two characters per pixel so it keeps its aspect ratio. */
function asciiImage(pixels: ArrayLike<number>, side = 28): string {
  const ramp = " .:-=+*#%@";
  const rows: string[] = [];
  for (let r = 0; r < side; r += 2) {
    let line = "";
    for (let c = 0; c < side; c++) line += ramp[Math.min(9, Math.floor(Math.max(pixels[r * side + c]!, pixels[(r + 1) * side + c] ?? 0) * 10))]!;
    rows.push(line);
  }
  return rows.join("\n");
}

const evalCmd: Command = {
  summary: "evaluate a trained run on its recipe's test set",
  get usage() {
    return `myelin eval <run-dir> [options]\n${commonHelp()}`;
  },
  options: common,
  async run(v, [runDir]) {
    useBackend(v);
    const { recipe, model } = openRun(runDir);
    const ds = recipe.data({ dataDir: str(v, "data-dir") });
    const logs = await evaluate(model, loader(ds.test, 1000), { loss: recipe.loss(), metrics: recipe.metrics });
    console.log(`${recipe.name} (${runDir}): ${Object.entries(logs).map(([k, x]) => `${k} ${k === "accuracy" ? `${(x * 100).toFixed(2)}%` : x.toFixed(4)}`).join(" · ")}`);
  },
};

const predict: Command = {
  summary: "show a trained run's predictions on test samples",
  get usage() {
    return `myelin predict <run-dir> [input…] [options]   (inputs: for text recipes such as numerals)
  --index N           first test sample (default 0)
  --count N           how many samples (default 5)
  --no-image          do not draw 28×28 inputs as text
${commonHelp()}`;
  },
  options: { ...common, index: { type: "string" }, count: { type: "string" }, "no-image": { type: "boolean" } },
  // eslint-disable-next-line @typescript-eslint/require-await -- commands share one async signature
  async run(v, [runDir, ...inputs]) {
    useBackend(v);
    const { recipe, model } = openRun(runDir);
    if (recipe.predictText && inputs.length) return void inputs.forEach((t) => console.log(recipe.predictText!(model, t)));
    const { test, classes } = recipe.data({ dataDir: str(v, "data-dir") });
    const start = num(v, "index", 0, { integer: true, min: 0 });
    const count = num(v, "count", 5, { integer: true, min: 1 });
    if (start + count > test.length) throw new Error(`--index ${start} --count ${count} goes past the ${test.length} test samples`);
    for (let i = start; i < start + count; i++) {
      const [x, y] = test.get(i);
      const out = noGrad(() => model.forward(x.unsqueeze(0)));
      const binary = out.shape[1] === 1;
      const probs = binary ? out.reshape([1]) : out.softmax(1).reshape([-1]);
      const pred = binary ? +(probs.item() > 0.5) : probs.argmax().item();
      const conf = binary ? (pred ? probs.item() : 1 - probs.item()) : probs.dataSync()[pred]!;
      const name = (k: number): string => classes?.[k] ?? String(k);
      const truth = y.numel === 1 ? Math.round(y.item()) : -1;
      if (x.numel === 784 && !v["no-image"]) console.log(asciiImage(x.dataSync()));
      console.log(`sample ${i}: predicted ${name(pred)} (${(conf * 100).toFixed(1)}%) · true ${name(truth)} ${pred === truth ? "✓" : "✗"}\n`);
    }
  },
};

const summaryCmd: Command = {
  summary: "print a recipe's layers, output shapes and parameter counts",
  usage: `myelin summary [recipe]   (default: digits)`,
  options: {},
  // eslint-disable-next-line @typescript-eslint/require-await -- commands share one async signature
  async run(_v, [name = "digits"]) {
    const recipe = recipeByName(name);
    console.log(nn.summary(recipe.model(), [1, ...recipe.inputShape]));
  },
};

export const commands: Record<string, Command> = { train, eval: evalCmd, predict, summary: summaryCmd, gradients };
