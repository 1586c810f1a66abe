// The rest of torch.optim.lr_scheduler's epoch schedules: MultiplicativeLR, ConstantLR and
// PolynomialLR (chainable forms plus closed forms for step(epoch)), and the two that drive other
// schedulers, SequentialLR and ChainedScheduler.

import { resolveArgs, type Args } from "../options.js";
import type { Optimizer } from "./optimizer.js";
import { lambdaArgs, LRScheduler, lrOf, perGroup, type LambdaArgs, type LrLambda, type SchedulerStateDict } from "./lr-scheduler.js";

/**
 * Multiplies the lr by λ(epoch) at every step after the first: lr_e = lr_{e−1} · λ(e), with one λ
 * for all groups or one per group. Matches torch.optim.lr_scheduler.MultiplicativeLR.
 * @example
 * const sched = new optim.lrScheduler.MultiplicativeLR(opt, { lrLambda: () => 0.95 });
 */
export class MultiplicativeLR extends LRScheduler {
  lrLambdas: LrLambda[];

  constructor(optimizer: Optimizer, ...args: LambdaArgs) {
    const { lrLambda, lastEpoch } = lambdaArgs("MultiplicativeLR", args);
    super(optimizer, lastEpoch, "MultiplicativeLR");
    this.lrLambdas = perGroup("MultiplicativeLR", optimizer, lrLambda);
    this.start();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    return this.lastEpoch > 0 ? lrs.map((lr, i) => lr * this.lrLambdas[i]!(this.lastEpoch)) : lrs;
  }
}

/**
 * Scales the lr by `factor` (default 1/3) until epoch `totalIters` (default 5), then restores it.
 * Matches torch.optim.lr_scheduler.ConstantLR, except that factor 0 is rejected here (torch accepts
 * it and then divides by zero at totalIters).
 * @example
 * const warmup = new optim.lrScheduler.ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;

  constructor(optimizer: Optimizer, ...args: Args<[factor: number, totalIters: number, lastEpoch: number], { factor?: number; totalIters?: number; lastEpoch?: number }>) {
    const { factor, totalIters, lastEpoch } = resolveArgs("ConstantLR", args, ["factor", "totalIters", "lastEpoch"], { factor: 1 / 3, totalIters: 5, lastEpoch: -1 });
    super(optimizer, lastEpoch, "ConstantLR");
    if (!(factor > 0 && factor <= 1)) throw new RangeError(`ConstantLR: invalid factor ${factor}; expected 0 < factor <= 1`);
    if (!(Number.isInteger(totalIters) && totalIters >= 0)) throw new RangeError(`ConstantLR: invalid totalIters ${totalIters}; expected an integer >= 0`);
    this.factor = factor;
    this.totalIters = totalIters;
    this.start();
  }

  protected getLr(): number[] {
    const lrs = this.groupLrs();
    if (this.lastEpoch === 0) return lrs.map((lr) => lr * this.factor);
    return this.lastEpoch === this.totalIters ? lrs.map((lr) => lr * (1 / this.factor)) : lrs;
  }

  protected override closedForm(): number[] {
    return this.baseLrs.map((b) => b * (this.factor + (this.lastEpoch >= this.totalIters ? 1 - this.factor : 0)));
  }
}

/**
 * Polynomial decay to 0 over `totalIters` epochs (default 5): lr = initialLr · (1 − min(e, n)/n)^power
 * (power default 1), by torch's recurrence. Matches torch.optim.lr_scheduler.PolynomialLR.
 * @example
 * const sched = new optim.lrScheduler.PolynomialLR(opt, { totalIters: 100, power: 2 });
 */
export class PolynomialLR extends LRScheduler {
  totalIters: number;
  power: number;

  constructor(optimizer: Optimizer, ...args: Args<[totalIters: number, power: number, lastEpoch: number], { totalIters?: number; power?: number; lastEpoch?: number }>) {
    const { totalIters, power, lastEpoch } = resolveArgs("PolynomialLR", args, ["totalIters", "power", "lastEpoch"], { totalIters: 5, power: 1, lastEpoch: -1 });
    super(optimizer, lastEpoch, "PolynomialLR");
    if (!(Number.isInteger(totalIters) && totalIters >= 1)) throw new RangeError(`PolynomialLR: invalid totalIters ${totalIters}; expected an integer >= 1`);
    this.totalIters = totalIters;
    this.power = power;
    this.start();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    const lrs = this.groupLrs();
    if (e === 0 || e > n) return lrs;
    const decay = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return lrs.map((lr) => lr * decay);
  }

  protected override closedForm(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

function checkSameOptimizer(name: string, optimizer: Optimizer, schedulers: readonly LRScheduler[]): void {
  if (!Array.isArray(schedulers) || schedulers.length === 0) throw new TypeError(`${name}: expected a non-empty array of schedulers`);
  schedulers.forEach((s, i) => {
    if (!(s instanceof LRScheduler)) throw new TypeError(`${name}: scheduler ${i} is not an epoch scheduler (ReduceLROnPlateau cannot be chained)`);
    if (s.optimizer !== optimizer) throw new Error(`${name}: expects all schedulers to belong to the same optimizer, but scheduler ${i} has a different one`);
  });
}

/**
 * Runs `schedulers` one after another: the i-th from epoch milestones[i−1] on, restarted there at
 * its epoch 0 (step(0), its closed form). Constructing it undoes the first step each scheduler took
 * when it was built and restarts the first from the groups' initialLr.
 * Matches torch.optim.lr_scheduler.SequentialLR.
 * @example
 * const warmup = new optim.lrScheduler.LinearLR(opt, { startFactor: 0.1, totalIters: 5 });
 * const decay = new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: 95 });
 * const sched = new optim.lrScheduler.SequentialLR(opt, [warmup, decay], [5]);
 */
export class SequentialLR {
  readonly optimizer: Optimizer;
  readonly schedulers: LRScheduler[];
  milestones: number[];
  lastEpoch: number;
  lastLr: number[];

  constructor(optimizer: Optimizer, schedulers: LRScheduler[], milestones: number[], ...args: Args<[lastEpoch: number], { lastEpoch?: number }>) {
    const { lastEpoch } = resolveArgs("SequentialLR", args, ["lastEpoch"], { lastEpoch: -1 });
    checkSameOptimizer("SequentialLR", optimizer, schedulers);
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1)
      throw new Error(`SequentialLR: expects one milestone fewer than schedulers, got ${schedulers.length} schedulers and ${Array.isArray(milestones) ? milestones.length : String(milestones)} milestones`);
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    optimizer.paramGroups.forEach((g, i) => (g.lr = typeof g.initialLr === "number" ? g.initialLr : lrOf("SequentialLR", g, i)));
    for (const s of this.schedulers) s.lastEpoch -= 1;
    const first = this.schedulers[0]!;
    first.stepCount = 0;
    first.step();
    this.lastLr = first.getLastLr();
  }

  /** Advances one epoch, stepping the scheduler whose stretch this is. */
  step(): void {
    this.lastEpoch++;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this.lastLr = s.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Its own fields plus every scheduler's stateDict (torch's layout). */
  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, milestones: [...this.milestones], lastLr: [...this.lastLr], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    loadComposite("SequentialLR", this, sd, ["lastEpoch", "milestones", "lastLr"]);
  }
}

/**
 * Steps every scheduler in `schedulers` at each step(), so that their chainable forms compose
 * (warm-up times decay, …). Matches torch.optim.lr_scheduler.ChainedScheduler.
 * @example
 * const sched = new optim.lrScheduler.ChainedScheduler([new ConstantLR(opt, { factor: 0.1, totalIters: 2 }), new ExponentialLR(opt, 0.9)]);
 */
export class ChainedScheduler {
  readonly optimizer: Optimizer;
  readonly schedulers: LRScheduler[];
  lastLr: number[];

  constructor(schedulers: LRScheduler[], ...args: Args<[], Record<never, never>>) {
    resolveArgs("ChainedScheduler", args, [], {});
    checkSameOptimizer("ChainedScheduler", schedulers?.[0]?.optimizer as Optimizer, schedulers);
    this.optimizer = schedulers[0]!.optimizer;
    this.schedulers = [...schedulers];
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  step(): void {
    for (const s of this.schedulers) s.step();
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return { lastLr: [...this.lastLr], schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    loadComposite("ChainedScheduler", this, sd, ["lastLr"]);
  }
}

function loadComposite(name: string, target: { schedulers: LRScheduler[] }, sd: SchedulerStateDict, own: string[]): void {
  for (const [k, v] of Object.entries(sd)) {
    if (k === "schedulers") {
      if (!Array.isArray(v) || v.length !== target.schedulers.length)
        throw new Error(`${name}.loadStateDict: expected ${target.schedulers.length} scheduler states, got ${Array.isArray(v) ? v.length : typeof v}`);
      v.forEach((s, i) => target.schedulers[i]!.loadStateDict(s as SchedulerStateDict));
    } else if (own.includes(k)) (target as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
    else throw new Error(`${name}.loadStateDict: unexpected key '${k}'`);
  }
}
