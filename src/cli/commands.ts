// The subcommands of `myelin`: train, eval, predict, summary. Each declares its parseArgs
// options and usage text; all of them are thin shells over recipes and fit().

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { data, Generator, getBackend, manualSeed, nn, noGrad, setBackend, type Tensor } from "../index.js";
import { CSVLogger, loadCheckpoint, loadSafetensors, ModelCheckpoint, saveSafetensors } from "../node.js";
import type { JsonValue } from "../io/index.js";
import { EarlyStopping, evaluate, fit, LambdaCallback, LRSchedulerCallback, plotHistory, Progress, type Batches, type Callback, type History } from "../train/index.js";
import { recipeByName, recipes, type Recipe } from "./recipes.js";

type Values = Record<string, string | boolean | undefined>;
type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

export interface Command {
  usage: string;
  summary: string;
  options: OptionSpec;
  run(values: Values, positionals: string[]): Promise<void>;
}

const str = (v: Values, k: string): string | undefined => (typeof v[k] === "string" ? v[k] : undefined);
function num(v: Values, k: string, fallback: number, { integer = false, min = -Infinity } = {}): number {
  const s = str(v, k);
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min)
    throw new Error(`--${k} expects ${integer ? "an integer" : "a number"}${min > -Infinity ? ` ≥ ${min}` : ""}, got '${s}'`);
  return n;
}

const common: OptionSpec = { backend: { type: "string" }, "data-dir": { type: "string" } };
const commonHelp = `  --backend NAME      compute backend: ${"cpu (reference)"}; faster ones when available
  --data-dir DIR      dataset folder (fashion: the Fashion-MNIST IDX files)`;

function useBackend(v: Values): void {
  const b = str(v, "backend") ?? process.env.MYELIN_BACKEND;
  if (b) setBackend(b);
}

const stamp = (): string => new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
/** An evaluation loader: in order, no shuffling. */
const loader = (ds: data.Dataset<[Tensor, Tensor]>, batchSize: number) => new data.DataLoader(ds, { batchSize });

interface RunConfig {
  recipe: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
}

function readConfig(runDir: string): RunConfig {
  const path = join(runDir, "config.json");
  if (!existsSync(path)) throw new Error(`${runDir} is not a run folder: it has no config.json`);
  return JSON.parse(readFileSync(path, "utf8")) as RunConfig;
}

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

const train: Command = {
  summary: "train a recipe (default: digits) and save the run",
  usage: `myelin train [recipe] [options]
  recipes: ${Object.values(recipes).map((r) => `\n    ${r.name.padEnd(14)} ${r.description}`).join("")}
  --epochs N          epochs (recipe default)
  --batch-size N      batch size (recipe default)
  --lr X              learning rate (recipe default)
  --seed N            random seed (default 0)
  --out DIR           run folder (default runs/<recipe>-<date>-<time>)
  --resume DIR        continue an interrupted run from DIR/checkpoint
  --patience N        stop when val_loss has not improved for N epochs, keeping the best weights
${commonHelp}`,
  options: { ...common, epochs: { type: "string" }, "batch-size": { type: "string" }, lr: { type: "string" }, seed: { type: "string" }, out: { type: "string" }, resume: { type: "string" }, patience: { type: "string" } },
  async run(v, [name = "digits", ...extra]) {
    if (extra.length) throw new Error(`train takes one recipe, got ${[name, ...extra].join(" ")}`);
    useBackend(v);
    const recipe = recipeByName(name);
    const resumeDir = str(v, "resume");
    const prior = resumeDir ? readConfig(resumeDir) : undefined;
    if (prior && prior.recipe !== recipe.name) throw new Error(`--resume ${resumeDir} is a run of '${prior.recipe}', not of '${recipe.name}'`);
    const seed = num(v, "seed", prior?.seed ?? 0, { integer: true });
    const epochs = num(v, "epochs", prior?.epochs ?? recipe.defaults.epochs, { integer: true, min: 1 });
    const batchSize = num(v, "batch-size", prior?.batchSize ?? recipe.defaults.batchSize, { integer: true, min: 1 });
    const lr = num(v, "lr", prior?.lr ?? recipe.defaults.lr, { min: 0 });
    const dropoutRng = manualSeed(seed);
    const shuffleRng = new Generator(seed);
    // a resumed run continues both random streams where the checkpoint left them
    const generators = { shuffle: shuffleRng, default: dropoutRng };
    const out = resolve(str(v, "out") ?? resumeDir ?? join("runs", `${recipe.name}-${stamp()}`));
    const ds = recipe.data({ dataDir: str(v, "data-dir") });
    const model = recipe.model();
    const optimizer = recipe.optimizer(model.parameters(), lr);
    const scheduler = recipe.scheduler?.(optimizer, epochs);
    let resume: { epoch: number; history?: History; optimizer?: unknown } | undefined;
    if (resumeDir) {
      const ck = loadCheckpoint(join(resumeDir, "checkpoint"));
      model.loadStateDict(ck.model);
      ModelCheckpoint.restoreGenerators(ck, generators);
      const saved = (ck.config as { scheduler?: unknown } | null)?.scheduler;
      if (scheduler && saved) scheduler.loadStateDict(saved as Parameters<typeof scheduler.loadStateDict>[0]);
      resume = { epoch: ck.epoch, history: ck.history as unknown as History, optimizer: ck.optimizer };
      console.log(`resuming from epoch ${ck.epoch} of ${resumeDir}`);
    }
    mkdirSync(out, { recursive: true });
    const config: RunConfig = { recipe: recipe.name, epochs, batchSize, lr, seed };
    writeFileSync(join(out, "config.json"), JSON.stringify({ ...config, backend: getBackend().name }, null, 2) + "\n");
    console.log(`${recipe.name}: ${recipe.description}`);
    console.log(`${model.numParameters().toLocaleString("en-US")} parameters · ${epochs} epochs · batch ${batchSize} · lr ${lr} · backend ${getBackend().name}`);
    // the checkpoint's config carries the schedule's state, refreshed after the scheduler steps
    const ckConfig: Record<string, unknown> = { ...config };
    const callbacks: Callback[] = [new Progress()];
    if (scheduler)
      callbacks.push(new LRSchedulerCallback(scheduler), new LambdaCallback({ onEpochEnd: () => void (ckConfig.scheduler = scheduler.stateDict()) }));
    callbacks.push(new ModelCheckpoint(join(out, "checkpoint"), { config: ckConfig as JsonValue, generators }), new CSVLogger(join(out, "history.csv"), { append: Boolean(resume) }));
    const patience = str(v, "patience");
    if (patience !== undefined) callbacks.push(new EarlyStopping({ patience: num(v, "patience", 0, { integer: true, min: 0 }), restoreBestWeights: true }));
    const history = await fit(model, {
      train: augmented(new data.DataLoader(ds.train, { batchSize, shuffle: true, generator: shuffleRng }), recipe.augment?.()),
      validation: loader(ds.test, 1000),
      loss: recipe.loss(),
      optimizer,
      epochs,
      metrics: recipe.metrics,
      callbacks,
      resume,
    });
    const test = await evaluate(model, loader(ds.test, 1000), { loss: recipe.loss(), metrics: recipe.metrics });
    saveSafetensors(join(out, "model.safetensors"), model.stateDict(), { recipe: recipe.name });
    writeFileSync(join(out, "history.json"), JSON.stringify(history, null, 2) + "\n");
    writeFileSync(join(out, "history.svg"), await plotHistory(history, `${recipe.name}: loss and accuracy per epoch`));
    const acc = test.accuracy === undefined ? "" : ` · test accuracy ${(test.accuracy * 100).toFixed(2)}%`;
    console.log(`test loss ${test.loss!.toFixed(4)}${acc}`);
    for (const line of (await recipe.afterTrain?.(model, out)) ?? []) console.log(line);
    console.log(`run saved to ${out}\n  model.safetensors  config.json  history.json  history.csv  history.svg  checkpoint/`);
  },
};

/** The loader with `transform` applied to every batch's inputs (length kept for the progress bar). */
function augmented(loader: data.DataLoader<[Tensor, Tensor], [Tensor, Tensor]>, transform?: data.Transform): Batches {
  if (!transform) return loader;
  return {
    length: loader.length,
    *[Symbol.iterator]() {
      for (const [x, y] of loader) yield [transform.forward(x), y] as const;
    },
  } as Batches;
}

const evalCmd: Command = {
  summary: "evaluate a trained run on its recipe's test set",
  usage: `myelin eval <run-dir> [options]\n${commonHelp}`,
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
  usage: `myelin predict <run-dir> [input…] [options]   (inputs: for text recipes such as numerals)
  --index N           first test sample (default 0)
  --count N           how many samples (default 5)
  --no-image          do not draw 28×28 inputs as text
${commonHelp}`,
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

export const commands: Record<string, Command> = { train, eval: evalCmd, predict, summary: summaryCmd };
