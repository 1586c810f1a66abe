// resumeFromCheckpoint: one call that puts a ModelCheckpoint folder back into a model, its
// optimizer, LR scheduler and random generators, checking each against what was saved first.

import { loadCheckpoint, type Checkpoint } from "../io/node/checkpoint.js";
import type { JsonValue } from "../io/state.js";
import type { AnyModule } from "../nn/module.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import type { History, OptimizerLike } from "./fit.js";

/** A scheduler whose state a checkpoint can carry (every optim.lrScheduler class). */
export interface StatefulScheduler {
  stateDict(): unknown;
  loadStateDict(state: never): void;
}

export interface ResumeTargets {
  /** The freshly built model; gets the checkpoint's weights. */
  model: AnyModule;
  /** The freshly built optimizer over model.parameters(); gets the checkpoint's state (lr included). */
  optimizer: OptimizerLike;
  /** The LR scheduler, when the run had one (required then: a run must not resume at a constant lr). */
  scheduler?: StatefulScheduler;
  /** The generators given to ModelCheckpoint's `generators` option, under the same names. */
  generators?: Record<string, Generator>;
}

/** What fit's `resume` option takes: the epochs done, their history, and the loaded weights. */
export interface ResumeState {
  epoch: number;
  history: History;
  model: Record<string, Tensor>;
  optimizer: unknown;
}

/** The class name of an optimizer or scheduler ("AdamW", "CosineAnnealingLR"). */
export const typeName = (x: object): string => (x.constructor as { name?: string } | undefined)?.name ?? "Object";

const isObject = (v: JsonValue | undefined): v is { [key: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
const fmt = (shape: readonly number[]): string => `[${shape.join(", ")}]`;
const list = (xs: string[], max = 6): string => (xs.length > max ? `${xs.slice(0, max).join(", ")} and ${xs.length - max} more` : xs.join(", "));

/** Names, shapes and dtypes of `saved` against the model's own state; every difference, or []. */
function modelProblems(model: AnyModule, saved: Record<string, Tensor>): string[] {
  const own = model.stateDict();
  const problems: string[] = [];
  const missing = Object.keys(own).filter((k) => !(k in saved));
  const unexpected = Object.keys(saved).filter((k) => !(k in own));
  if (missing.length) problems.push(`the model has ${list(missing)}, which the checkpoint lacks`);
  if (unexpected.length) problems.push(`the checkpoint has ${list(unexpected)}, which the model lacks`);
  for (const [k, t] of Object.entries(own)) {
    const s = saved[k];
    if (!s) continue;
    if (s.shape.join() !== t.shape.join()) problems.push(`${k} is ${fmt(s.shape)} in the checkpoint and ${fmt(t.shape)} in the model`);
    else if (s.dtype !== t.dtype) problems.push(`${k} is ${s.dtype} in the checkpoint and ${t.dtype} in the model`);
  }
  return problems;
}

/**
 * Resumes training from a checkpoint folder written by ModelCheckpoint (or saveCheckpoint): loads
 * the weights into `model`, the state into `optimizer` (and `scheduler`), puts the random
 * generators back where they were, and returns what fit's `resume` option takes. Everything is
 * checked before anything is changed: parameter names, shapes and dtypes, the optimizer's and the
 * scheduler's class (recorded by ModelCheckpoint), and the generators the checkpoint holds; a
 * mismatch throws an error naming the difference. PyTorch's equivalent is the hand-written
 * `ck = torch.load(path); model.load_state_dict(ck["model"]); opt.load_state_dict(ck["optimizer"])…`.
 * @example
 * const resume = resumeFromCheckpoint("runs/a/checkpoint", { model, optimizer, scheduler, generators: { shuffle } });
 * await fit(model, { train, optimizer, epochs: 20, callbacks, resume }); // continues after epoch resume.epoch
 */
export function resumeFromCheckpoint(dir: string, targets: ResumeTargets): ResumeState {
  const { model, optimizer, scheduler, generators = {} } = targets;
  const err = (msg: string): Error => new Error(`resumeFromCheckpoint: ${dir}: ${msg}`);
  const ck: Checkpoint = loadCheckpoint(dir);
  const config = isObject(ck.config ?? undefined) ? (ck.config as { [key: string]: JsonValue }) : {};

  const problems = modelProblems(model, ck.model);
  if (problems.length) throw err(`the checkpoint's weights do not fit this model:\n  ${problems.join("\n  ")}`);

  if (!ck.optimizer) throw err("the checkpoint holds no optimizer state (saved without one), so the optimizer would restart from scratch");
  const savedOpt = config["optimizerType"];
  if (typeof savedOpt === "string" && savedOpt !== typeName(optimizer)) throw err(`the run was trained with ${savedOpt}, this optimizer is ${typeName(optimizer)}`);

  const savedSched = isObject(config["scheduler"]) ? config["scheduler"] : null;
  // { type, state } from ModelCheckpoint; runs of the CLI before it saved the bare state, type unknown
  const schedType = typeof savedSched?.["type"] === "string" ? savedSched["type"] : null;
  const schedState = schedType === null ? savedSched : savedSched!["state"];
  if (scheduler && !savedSched) throw err(`the checkpoint holds no LR scheduler state, but a ${typeName(scheduler)} was passed (save with ModelCheckpoint's scheduler option)`);
  if (!scheduler && savedSched) throw err(`the run used ${schedType ? `a ${schedType}` : "an"} LR scheduler; pass it as { scheduler } so the learning rate continues where it was`);
  if (scheduler && schedType !== null && schedType !== typeName(scheduler)) throw err(`the run used a ${schedType} LR scheduler, this one is ${typeName(scheduler)}`);

  const savedGens = isObject(config["generators"]) ? config["generators"] : {};
  const absent = Object.keys(generators).filter((k) => !Array.isArray(savedGens[k]));
  if (absent.length) throw err(`the checkpoint has no state for generator(s) ${absent.join(", ")} (saved: ${Object.keys(savedGens).join(", ") || "none"})`);
  const unclaimed = Object.keys(savedGens).filter((k) => !(k in generators));
  if (unclaimed.length) throw err(`the checkpoint saved the state of generator(s) ${unclaimed.join(", ")}; pass them as { generators } so shuffling and dropout continue where they were`);

  // optimizer and scheduler validate as they load; on a failure both go back to where they were
  const before = { optimizer: optimizer.stateDict(), scheduler: scheduler?.stateDict() };
  try {
    optimizer.loadStateDict(ck.optimizer as never);
  } catch (e) {
    throw err(`the optimizer state does not fit: ${(e as Error).message}`);
  }
  if (scheduler && schedState) {
    try {
      scheduler.loadStateDict(schedState as never);
    } catch (e) {
      optimizer.loadStateDict(before.optimizer as never);
      scheduler.loadStateDict(before.scheduler as never);
      throw err(`the LR scheduler state does not fit: ${(e as Error).message}`);
    }
  }
  model.loadStateDict(ck.model);
  for (const [k, g] of Object.entries(generators)) g.setState(savedGens[k] as number[]);
  const history = (ck.history ?? { epoch: [], history: {} }) as unknown as History;
  return { epoch: ck.epoch, history, model: ck.model, optimizer: ck.optimizer };
}
