// The subcommands of `myelin`: train, eval, predict, summary, gradients. Each declares its parseArgs
// options and usage text; all of them are thin shells over recipes and fit().

import { join } from "node:path";
import { nn } from "../index.js";
import { loadSafetensors } from "../node.js";
import { evaluate } from "../train/index.js";
import { recipeByName, type Recipe } from "./recipes.js";
import { common, commonHelp, loader, num, readConfig, str, useBackend, type Command, type RunConfig } from "./shared.js";
import { train } from "./train.js";
import { gradients } from "./gradients.js";
import { predictionOf, predictLines } from "./predict.js";

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
  summary: "show a trained run's predictions on test samples (or on given inputs, for text recipes)",
  get usage() {
    return `myelin predict <run-dir> [input…] [options]
  Each recipe shows its own kind of prediction for test samples: classifiers the class and its
  probability, co2 the forecast in ppm, captioning the caption, cmudict the phonemes, segment the
  spaces put back, language models a continuation of a test prefix, text-to-text recipes (numerals,
  t5, char-gpt) their output, also for inputs given after the run folder. Generative recipes and
  demonstrations have no per-sample prediction: predict says so and lists the run folder's results.
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
    predictionOf(recipe, runDir); // a recipe without per-sample predictions fails here, before its data loads
    if (inputs.length) {
      if (!recipe.predictText) throw new Error(`predict: recipe '${recipe.name}' takes no inputs on the command line (only text recipes such as numerals, t5 and char-gpt do); drop them to see test samples`);
      return void inputs.forEach((t) => console.log(recipe.predictText!(model, t)));
    }
    const { test, classes } = recipe.data({ dataDir: str(v, "data-dir") });
    const start = num(v, "index", 0, { integer: true, min: 0 });
    const count = num(v, "count", 5, { integer: true, min: 1 });
    console.log(predictLines(recipe, model, test, { start, count, ...(classes ? { classes } : {}), image: !v["no-image"], runDir }).join("\n"));
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
