// `myelin train`: trains a recipe with a validation split held out of its training data, reports
// the test set once at the end, and writes a run folder that --resume continues.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { data, Generator, getBackend, manualSeed, type optim, type Tensor } from "../index.js";
import { cliProgressBar, CSVLogger, ModelCheckpoint, resumeFromCheckpoint, saveSafetensors, type ResumeState } from "../node.js";
import { EarlyStopping, evaluate, fit, LRSchedulerCallback, plotHistory, Progress, type Batches, type Callback } from "../train/index.js";
import { recipeByName, recipes } from "./recipes.js";
import { CNN_PICTURES } from "./cnn-pictures.js";
import { backendLine, common, commonHelp, loader, num, readConfig, str, useBackend, wrap, type Command, type RunConfig, type Values } from "./shared.js";

/** What a run folder holds; --overwrite removes exactly these, nothing else. */
export const RUN_FILES = ["config.json", "model.safetensors", "history.json", "history.csv", "history.svg", "checkpoint", ...CNN_PICTURES];

const stamp = (): string => new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);

/** runs/<recipe>-<date>-<time>, with -2, -3… when a run started in the same second. */
function defaultOut(recipe: string): string {
  const base = resolve("runs", `${recipe}-${stamp()}`);
  let out = base;
  for (let i = 2; existsSync(out); i++) out = `${base}-${i}`;
  return out;
}

/**
 * Refuses to write into a folder that holds anything unless it is the run being resumed, or
 * --overwrite was given; returns what clears the previous run's files (and only those) then.
 */
function checkOut(out: string, { resumeDir, overwrite }: { resumeDir?: string; overwrite: boolean }): () => void {
  const inPlace = resumeDir !== undefined && resolve(resumeDir) === out;
  if (inPlace && overwrite) throw new Error(`--overwrite would erase the run being resumed (${out}); drop --overwrite to continue it, or pass --out elsewhere`);
  const present = existsSync(out) ? readdirSync(out) : [];
  if (inPlace || present.length === 0) return () => {};
  if (!overwrite)
    throw new Error(`--out ${out} is not empty (it holds ${present.slice(0, 5).join(", ")}${present.length > 5 ? ", …" : ""}); pass --overwrite to replace the run in it, or choose another folder`);
  // a run lists what it wrote in config.json (recipes draw pictures of their own); older runs fall back to RUN_FILES
  const listed = readRunFiles(out);
  const foreign = present.filter((f) => !RUN_FILES.includes(f) && !listed.includes(f));
  if (foreign.length) throw new Error(`--overwrite: ${out} holds files that are not part of a run (${foreign.slice(0, 5).join(", ")}); refusing to write a run over them`);
  return () => present.forEach((f) => rmSync(join(out, f), { recursive: true, force: true }));
}

/** The files a finished run recorded in its config.json (none for runs from before the record, or a foreign config). */
function readRunFiles(out: string): string[] {
  try {
    const files = (JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { files?: unknown }).files;
    return Array.isArray(files) ? files.filter((f): f is string => typeof f === "string") : [];
  } catch {
    return [];
  }
}

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

/** An explicit setting that differs from the run being resumed is an error, not a silent change. */
function setting(v: Values, flag: string, saved: number | undefined, fallback: number, opts: Parameters<typeof num>[3], resumeDir?: string): number {
  const n = num(v, flag, saved ?? fallback, opts);
  if (resumeDir !== undefined && saved !== undefined && str(v, flag) !== undefined && n !== saved)
    throw new Error(`--${flag} ${n} conflicts with the run being resumed: ${resumeDir} was trained with --${flag} ${saved} (a resumed run keeps its settings; only --epochs may change)`);
  return n;
}

const recipeHelp = (): string => {
  const col = 5 + Math.max(...Object.values(recipes).map((r) => r.name.length)); // the longest name sets the column
  return Object.values(recipes)
    .map((r) => {
      const d = r.defaults;
      const settings = `(${d.epochs} epochs, batch ${d.batchSize}, lr ${d.lr}, ${d.valSplit ? `${d.valSplit * 100}% held out for validation` : "no validation split"})`;
      return `    ${r.name.padEnd(col - 5)} ${wrap(r.description, col)}\n${" ".repeat(col)}${settings}`;
    })
    .join("\n");
};

export const train: Command = {
  summary: "train a recipe (default: digits) and save the run",
  get usage() {
    return `myelin train [recipe] [options]

A recipe is a ready-made training job: a data set, a model, and settings that train it well.
Pick one by name (digits if none); the options below change its settings.
  recipes:
${recipeHelp()}

The recipe's training data is split once, at random from --seed, into a part to train on and a
validation part (--val-split) that measures each epoch and that --patience watches. The test set
is used once, at the end, and its loss and accuracy go into history.json.

  --epochs N          epochs (recipe default)
  --batch-size N      batch size (recipe default)
  --lr X              learning rate (recipe default)
  --seed N            random seed for the weights, dropout, shuffling and the validation split
                      (default 0)
  --val-split F       fraction of the training data held out for validation, 0 ≤ F < 1
                      (recipe default)
  --patience N        stop when val_loss has not improved for N epochs, keeping the best weights
  --out DIR           run folder (default runs/<recipe>-<date>-<time>); it must be empty or new
  --overwrite         replace the run already in --out (its run files only)
  --resume DIR        continue the run in DIR from its checkpoint, with its recipe and settings;
                      --epochs may raise the total, other settings must match. Writes into DIR
                      unless --out is given
${commonHelp()}`;
  },
  options: {
    ...common,
    epochs: { type: "string" },
    "batch-size": { type: "string" },
    lr: { type: "string" },
    seed: { type: "string" },
    "val-split": { type: "string" },
    out: { type: "string" },
    overwrite: { type: "boolean" },
    resume: { type: "string" },
    patience: { type: "string" },
  },
  async run(v, positionals) {
    if (positionals.length > 1) throw new Error(`train takes one recipe, got ${positionals.join(" ")}`);
    useBackend(v);
    const resumeDir = str(v, "resume");
    const prior = resumeDir ? readConfig(resumeDir) : undefined;
    const [asked] = positionals;
    if (prior && asked !== undefined && asked !== prior.recipe)
      throw new Error(`--resume ${resumeDir} is a run of '${prior.recipe}', not of '${asked}' (leave the recipe out to continue it)`);
    const recipe = recipeByName(asked ?? prior?.recipe ?? "digits");
    const d = recipe.defaults;
    const seed = setting(v, "seed", prior?.seed, 0, { integer: true }, resumeDir);
    const epochs = num(v, "epochs", prior?.epochs ?? d.epochs, { integer: true, min: 1 });
    const batchSize = setting(v, "batch-size", prior?.batchSize, d.batchSize, { integer: true, min: 1 }, resumeDir);
    const lr = setting(v, "lr", prior?.lr, d.lr, { min: 0 }, resumeDir);
    const valSplit = setting(v, "val-split", prior?.valSplit, d.valSplit, { min: 0, below: 1 }, resumeDir);
    const patience = str(v, "patience") === undefined ? undefined : num(v, "patience", 0, { integer: true, min: 0 });
    if (patience !== undefined && valSplit === 0) throw new Error(`--patience watches the validation loss, but ${recipe.name} holds no validation split here; pass --val-split F (0 < F < 1)`);
    const out = str(v, "out") ? resolve(str(v, "out")!) : resumeDir ? resolve(resumeDir) : defaultOut(recipe.name);
    if (v["overwrite"] && !str(v, "out")) throw new Error("--overwrite replaces the run in --out; without --out it has nothing to replace");
    const clearOut = checkOut(out, { resumeDir, overwrite: v["overwrite"] === true });

    const dropoutRng = manualSeed(seed);
    const shuffleRng = new Generator(seed);
    const ds = recipe.data({ dataDir: str(v, "data-dir") });
    // the split is drawn first from the shuffling stream, so --seed alone fixes it (a resumed run redraws it identically)
    const nVal = Math.round(ds.train.length * valSplit);
    if (valSplit > 0 && (nVal < 1 || nVal >= ds.train.length)) throw new Error(`--val-split ${valSplit} leaves ${nVal} of ${ds.train.length} training samples for validation; choose a fraction that keeps at least one on each side`);
    const [trainSet, valSet] = nVal ? data.randomSplit(ds.train, [ds.train.length - nVal, nVal], { generator: shuffleRng }) : [ds.train, undefined];
    const model = recipe.model();
    if (!resumeDir) for (const line of recipe.pretrain?.(model) ?? []) console.log(line);
    const optimizer = (recipe.generative?.optimizer?.(model, lr) ?? recipe.optimizer(model.parameters(), lr)) as optim.Optimizer;
    const scheduler = recipe.scheduler?.(optimizer, epochs);
    const generators = { shuffle: shuffleRng, default: dropoutRng };
    let resume: ResumeState | undefined;
    if (resumeDir) {
      resume = resumeFromCheckpoint(join(resumeDir, "checkpoint"), { model, optimizer, scheduler, generators });
      if (resume.epoch > epochs) throw new Error(`--epochs ${epochs}: ${resumeDir} has already trained ${resume.epoch} epochs; pass --epochs ${resume.epoch + 1} or more to train further`);
      console.log(`resuming from epoch ${resume.epoch} of ${resumeDir}`);
    }
    clearOut();
    mkdirSync(out, { recursive: true });
    const config: RunConfig = { recipe: recipe.name, epochs, batchSize, lr, seed, valSplit };
    writeFileSync(join(out, "config.json"), JSON.stringify({ ...config, backend: getBackend().name }, null, 2) + "\n");
    const n = (k: number): string => k.toLocaleString("en-US");
    console.log(`${recipe.name}: ${recipe.description}`);
    console.log(`data: ${n(trainSet.length)} to train on · ${valSet ? `${n(valSet.length)} for validation` : "no validation split"} · ${n(ds.test.length)} for the test at the end`);
    console.log(`${n(model.numParameters())} parameters · ${epochs} epochs · batch ${batchSize} · lr ${lr} · backend ${backendLine()}`);

    const callbacks: Callback[] = [new Progress({ barFactory: cliProgressBar })];
    if (scheduler) callbacks.push(new LRSchedulerCallback(scheduler));
    callbacks.push(new ModelCheckpoint(join(out, "checkpoint"), { config: { ...config }, generators, scheduler }), new CSVLogger(join(out, "history.csv"), { append: Boolean(resume) }));
    if (patience !== undefined) callbacks.push(new EarlyStopping({ patience, restoreBestWeights: true }));
    const history = await fit(model, {
      train: augmented(new data.DataLoader(trainSet, { batchSize, shuffle: true, generator: shuffleRng }), recipe.augment?.()),
      ...(valSet ? { validation: loader(valSet, 1000) } : {}),
      ...(recipe.generative ? recipe.generative.steps(model, { train: trainSet, epochs }) : { loss: recipe.loss(), metrics: recipe.metrics }),
      optimizer,
      epochs,
      callbacks,
      resume,
    });
    const test = recipe.generative ? recipe.generative.test(model, ds.test, trainSet) : await evaluate(model, loader(ds.test, 1000), { loss: recipe.loss(), metrics: recipe.metrics });
    saveSafetensors(join(out, "model.safetensors"), model.stateDict(), { recipe: recipe.name });
    writeFileSync(join(out, "history.json"), JSON.stringify({ ...history, test }, null, 2) + "\n");
    writeFileSync(join(out, "history.svg"), await plotHistory(history, `${recipe.name}: loss and accuracy per epoch`));
    const drawn = recipe.pictures?.(model, out, ds);
    const pictures = recipe.generative?.pictures(model, out, ds) ?? drawn?.files ?? [];
    const acc = test.accuracy === undefined ? "" : ` · test accuracy ${(test.accuracy * 100).toFixed(2)}%`;
    const more = Object.entries(test).filter(([k]) => k !== "loss" && k !== "accuracy").map(([k, v]) => ` · ${k} ${v.toFixed(4)}`).join("");
    console.log(`test loss ${test.loss!.toFixed(4)}${acc}${more}`);
    if (recipe.report) console.log(recipe.report(model, ds));
    for (const line of drawn?.lines ?? []) console.log(line);
    for (const line of (await recipe.afterTrain?.(model, out)) ?? []) console.log(line);
    // everything in the folder now is this run's, so a later --overwrite may replace it
    writeFileSync(join(out, "config.json"), JSON.stringify({ ...config, backend: getBackend().name, files: readdirSync(out).sort() }, null, 2) + "\n");
    console.log(`run saved to ${out}\n  model.safetensors  config.json  history.json  history.csv  history.svg  ${pictures.map((f) => f + "  ").join("")}checkpoint/`);
  },
};
