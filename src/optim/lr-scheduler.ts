// Learning-rate schedulers that set each group's `lr` once per step(): the LRScheduler base and the
// schedules with closed forms or short recurrences (torch.optim.lr_scheduler). OneCycleLR and
// ReduceLROnPlateau live in one-cycle.ts and plateau.ts.

import { resolveArgs, type Args } from "../options.js";
import { Optimizer, type ParamGroup } from "./optimizer.js";


/** The serializable state of a scheduler: its numeric fields (torch's scheduler.state_dict()). */
export type SchedulerStateDict = Record<string, unknown>;

/** The group's learning rate, or a clear error for optimizers without one (COCOB). */
export function lrOf(name: string, g: ParamGroup, i: number): number {
  if (typeof g.lr !== "number") throw new Error(`${name}: parameter group ${i} has no learning rate to schedule`);
  return g.lr;
}

/**
 * Base of the epoch-indexed schedulers: `step()` advances `lastEpoch` and writes `getLr()` into every
 * group's `lr`. Constructing one performs the first step (lastEpoch −1 → 0), as torch does; each
 * group remembers its starting lr as `initialLr` (torch's `initial_lr`), the schedule's `baseLrs`.
 * Matches torch.optim.lr_scheduler.LRScheduler.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer;
  /** The index of the last step taken (−1 before the first; 0 after construction). */
  lastEpoch: number;
  /** Each group's `initialLr`. */
  baseLrs: number[] = [];
  /** How many times step() has run (torch's _step_count; CosineAnnealingLR reads it). */
  stepCount = 0;
  /** The lrs the last step() set. */
  lastLr: number[] = [];
  protected readonly name: string;

  constructor(optimizer: Optimizer, lastEpoch: number, name: string) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${name}: expected an Optimizer, got ${typeof optimizer}`);
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new RangeError(`${name}: invalid lastEpoch ${lastEpoch}; expected -1 (start) or the index of the last step`);
    this.optimizer = optimizer;
    this.lastEpoch = lastEpoch;
    this.name = name;
  }

  /** The lrs for the current `lastEpoch` (called by step() after it increments). */
  protected abstract getLr(): number[];

  /** Fills `initialLr`, reads `baseLrs` and takes the first step; subclasses call it last in their constructor. */
  protected start(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      if (this.lastEpoch === -1) g.initialLr ??= lrOf(this.name, g, i);
      else if (typeof g.initialLr !== "number")
        throw new Error(`${this.name}: parameter group ${i} has no initialLr; resuming with lastEpoch ${this.lastEpoch} needs the optimizer state the schedule started from`);
    });
    this.baseLrs = this.optimizer.paramGroups.map((g) => g.initialLr as number);
    this.stepCount = 0;
    this.step();
  }

  /**
   * The lrs at `lastEpoch` from the schedule's closed form (torch's _get_closed_form_lr), for
   * step(epoch); null where there is none (getLr is then used at that epoch, as torch does).
   */
  protected closedForm(): number[] | null {
    return null;
  }

  /**
   * Advances one epoch (or batch) and sets every group's lr. With `epoch` (deprecated in torch
   * but honoured there, and used by SequentialLR at its milestones) it jumps to that epoch instead,
   * by the closed form where the schedule has one.
   */
  step(epoch?: number): void {
    if (epoch !== undefined && !(typeof epoch === "number" && Number.isFinite(epoch)))
      throw new TypeError(`${this.name}.step: epoch must be a finite number, got ${String(epoch)}`);
    this.stepCount++;
    if (epoch === undefined) this.lastEpoch++;
    else this.lastEpoch = epoch;
    const lrs = (epoch === undefined ? null : this.closedForm()) ?? this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** The learning rates set by the last step(), one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The group lrs as they are now. */
  protected groupLrs(): number[] {
    return this.optimizer.paramGroups.map((g, i) => lrOf(this.name, g, i));
  }

  /** Every numeric/array field (not the optimizer nor functions), like torch's state_dict(). */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this))
      if (k !== "optimizer" && k !== "name" && typeof v !== "function" && !(Array.isArray(v) && v.some((x) => typeof x === "function")))
        out[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
    return out;
  }

  /** Restores the fields saved by stateDict(). */
  loadStateDict(sd: SchedulerStateDict): void {
    for (const [k, v] of Object.entries(sd)) {
      if (!(k in this) || k === "optimizer" || k === "name") throw new Error(`${this.name}.loadStateDict: unexpected key '${k}'`);
      (this as Record<string, unknown>)[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
    }
  }
}

export type LrLambda = (epoch: number) => number;
export type LambdaArgs = Args<[lrLambda: LrLambda | LrLambda[], lastEpoch: number], { lrLambda?: LrLambda | LrLambda[]; lastEpoch?: number }>;

/** LambdaLR's and MultiplicativeLR's arguments: lrLambda (required: one λ, or one per group) and lastEpoch. */
export function lambdaArgs(name: string, args: LambdaArgs): { lrLambda: LrLambda | LrLambda[]; lastEpoch: number } {
  const r = resolveArgs<{ lrLambda: LrLambda | LrLambda[]; lastEpoch: number }>(name, args, ["lrLambda", "lastEpoch"], { lrLambda: undefined as unknown as LrLambda, lastEpoch: -1 });
  if (typeof r.lrLambda !== "function" && !Array.isArray(r.lrLambda)) throw new TypeError(`${name}: lrLambda (a function of the epoch, or one per group) is required`);
  return r;
}

/** One λ per param group: the given array (its length checked against the groups) or the one λ repeated. */
export function perGroup(name: string, optimizer: Optimizer, lrLambda: LrLambda | LrLambda[]): LrLambda[] {
  const n = optimizer.paramGroups.length;
  if (Array.isArray(lrLambda) && lrLambda.length !== n) throw new Error(`${name}: expected ${n} lrLambdas (one per group), got ${lrLambda.length}`);
  return Array.isArray(lrLambda) ? [...lrLambda] : new Array<LrLambda>(n).fill(lrLambda);
}

/**
 * lr = initialLr · λ(epoch), with one λ for all groups or one per group. Matches
 * torch.optim.lr_scheduler.LambdaLR (the functions are not part of the state dict).
 * @example
 * const sched = new optim.lrScheduler.LambdaLR(opt, { lrLambda: (e) => 0.95 ** e });
 */
export class LambdaLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, ...args: LambdaArgs) {
    const { lrLambda, lastEpoch } = lambdaArgs("LambdaLR", args);
    super(optimizer, lastEpoch, "LambdaLR");
    this.lrLambdas = perGroup("LambdaLR", optimizer, lrLambda);
    this.start();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i]!(this.lastEpoch));
  }
}

/**
 * Multiplies the lr by gamma every stepSize epochs: lr = initialLr · γ^⌊epoch/stepSize⌋.
 * Matches torch.optim.lr_scheduler.StepLR (its recurrence form).
 * @example
 * const sched = new optim.lrScheduler.StepLR(opt, { stepSize: 30, gamma: 0.1 });
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer, ...args: Args<[stepSize: number, gamma: number, lastEpoch: number], { stepSize?: number; gamma?: number; lastEpoch?: number }>) {
    const { stepSize, gamma, lastEpoch } = resolveArgs("StepLR", args, ["stepSize", "gamma", "lastEpoch"], { stepSize: undefined as unknown as number, gamma: 0.1, lastEpoch: -1 });
    super(optimizer, lastEpoch, "StepLR");
    if (!(Number.isInteger(stepSize) && stepSize >= 1)) throw new RangeError(`StepLR: invalid stepSize ${stepSize}; expected an integer >= 1`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.start();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedForm(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/**
 * Multiplies the lr by gamma at each milestone epoch (a milestone listed twice applies γ²).
 * Matches torch.optim.lr_scheduler.MultiStepLR.
 * @example
 * const sched = new optim.lrScheduler.MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;

  constructor(optimizer: Optimizer, ...args: Args<[milestones: number[], gamma: number, lastEpoch: number], { milestones?: number[]; gamma?: number; lastEpoch?: number }>) {
    const { milestones, gamma, lastEpoch } = resolveArgs("MultiStepLR", args, ["milestones", "gamma", "lastEpoch"], { milestones: undefined as unknown as number[], gamma: 0.1, lastEpoch: -1 });
    if (!Array.isArray(milestones)) throw new TypeError("MultiStepLR: milestones (an array of epochs) is required");
    super(optimizer, lastEpoch, "MultiStepLR");
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.start();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.groupLrs();
    return hits === 0 ? lrs : lrs.map((lr) => lr * this.gamma ** hits);
  }

  protected override closedForm(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

/**
 * Multiplies the lr by gamma every epoch: lr = initialLr · γ^epoch.
 * Matches torch.optim.lr_scheduler.ExponentialLR.
 * @example
 * const sched = new optim.lrScheduler.ExponentialLR(opt, { gamma: 0.9 });
 */
export class ExponentialLR extends LRScheduler {
  gamma: number;

  constructor(optimizer: Optimizer, ...args: Args<[gamma: number, lastEpoch: number], { gamma?: number; lastEpoch?: number }>) {
    const { gamma, lastEpoch } = resolveArgs("ExponentialLR", args, ["gamma", "lastEpoch"], { gamma: undefined as unknown as number, lastEpoch: -1 });
    if (typeof gamma !== "number") throw new TypeError("ExponentialLR: gamma is required");
    super(optimizer, lastEpoch, "ExponentialLR");
    this.gamma = gamma;
    this.start();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch === 0 ? lrs : lrs.map((lr) => lr * this.gamma);
  }

  protected override closedForm(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/**
 * Cosine annealing from initialLr down to etaMin over tMax epochs (SGDR without restarts; after
 * tMax the cosine climbs back). lr = etaMin + (initialLr − etaMin)(1 + cos(π·epoch/tMax))/2,
 * computed by torch's recurrence so that it composes with other lr changes.
 * Matches torch.optim.lr_scheduler.CosineAnnealingLR (T_max → tMax, eta_min → etaMin).
 * @example
 * const sched = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 100 });
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer, ...args: Args<[tMax: number, etaMin: number, lastEpoch: number], { tMax?: number; etaMin?: number; lastEpoch?: number }>) {
    const { tMax, etaMin, lastEpoch } = resolveArgs("CosineAnnealingLR", args, ["tMax", "etaMin", "lastEpoch"], { tMax: undefined as unknown as number, etaMin: 0, lastEpoch: -1 });
    super(optimizer, lastEpoch, "CosineAnnealingLR");
    if (!(tMax > 0)) throw new RangeError(`CosineAnnealingLR: invalid tMax ${tMax}; expected tMax > 0`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.start();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs;
    if (this.stepCount === 1 && e > 0) return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    if ((e - 1 - T) % (2 * T) === 0) return lrs.map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    return lrs.map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
  }

  protected override closedForm(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

/**
 * Scales the lr by a factor moving linearly from startFactor to endFactor over totalIters epochs
 * (warm-up when startFactor < endFactor). Matches torch.optim.lr_scheduler.LinearLR (its recurrence).
 * @example
 * const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 10 });
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, ...args: Args<[startFactor: number, endFactor: number, totalIters: number, lastEpoch: number], { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number }>) {
    const { startFactor, endFactor, totalIters, lastEpoch } = resolveArgs("LinearLR", args, ["startFactor", "endFactor", "totalIters", "lastEpoch"], { startFactor: 1 / 3, endFactor: 1, totalIters: 5, lastEpoch: -1 });
    super(optimizer, lastEpoch, "LinearLR");
    if (!(startFactor > 0 && startFactor <= 1)) throw new RangeError(`LinearLR: invalid startFactor ${startFactor}; expected 0 < startFactor <= 1`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new RangeError(`LinearLR: invalid endFactor ${endFactor}; expected 0 <= endFactor <= 1`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.start();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    const lrs = this.groupLrs();
    if (e === 0) return lrs.map((lr) => lr * s);
    if (e > n) return lrs;
    return lrs.map((lr) => lr * (1 + (f - s) / (n * s + (e - 1) * (f - s))));
  }

  protected override closedForm(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, e)) / n));
  }
}
