// The cyclical schedules of torch.optim.lr_scheduler: CosineAnnealingWarmRestarts (SGDR, with
// fractional epochs) and CyclicLR (triangular / triangular2 / exp_range, with momentum cycling).

import { resolveArgs, type Args } from "../options.js";
import type { Optimizer } from "./optimizer.js";
import { LRScheduler } from "./lr-scheduler.js";

/**
 * SGDR (Loshchilov & Hutter, 2017): cosine annealing from initialLr to etaMin over T_i epochs,
 * restarting with T_{i+1} = tMult·T_i (T_0 = t0): lr = etaMin + (initialLr − etaMin)(1 + cos(π·T_cur/T_i))/2.
 * step(epoch) takes fractional epochs (epoch + batch/batches) as torch's does.
 * Matches torch.optim.lr_scheduler.CosineAnnealingWarmRestarts (T_0 → t0, T_mult → tMult).
 * @example
 * const sched = new optim.lrScheduler.CosineAnnealingWarmRestarts(opt, { t0: 10, tMult: 2 });
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  t0: number;
  tI: number;
  tMult: number;
  etaMin: number;
  tCur: number;

  constructor(optimizer: Optimizer, ...args: Args<[t0: number, tMult: number, etaMin: number, lastEpoch: number], { t0?: number; tMult?: number; etaMin?: number; lastEpoch?: number }>) {
    const { t0, tMult, etaMin, lastEpoch } = resolveArgs("CosineAnnealingWarmRestarts", args, ["t0", "tMult", "etaMin", "lastEpoch"], { t0: undefined as unknown as number, tMult: 1, etaMin: 0, lastEpoch: -1 });
    super(optimizer, lastEpoch, "CosineAnnealingWarmRestarts");
    if (!(Number.isInteger(t0) && t0 > 0)) throw new RangeError(`CosineAnnealingWarmRestarts: expected a positive integer t0, got ${t0}`);
    if (!(Number.isInteger(tMult) && tMult >= 1)) throw new RangeError(`CosineAnnealingWarmRestarts: expected an integer tMult >= 1, got ${tMult}`);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this.start();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  /** Advances one epoch (or to `epoch`, which may be fractional) and sets every group's lr. */
  override step(epoch?: number): void {
    if (epoch !== undefined && !(typeof epoch === "number" && epoch >= 0 && Number.isFinite(epoch)))
      throw new RangeError(`CosineAnnealingWarmRestarts.step: expected a non-negative epoch, got ${String(epoch)}`);
    this.stepCount++;
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur++;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else if (epoch >= this.t0) {
      if (this.tMult === 1) this.tCur = epoch % this.t0;
      else {
        const n = Math.trunc(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
        this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
        this.tI = this.t0 * this.tMult ** n;
      }
    } else {
      this.tI = this.t0;
      this.tCur = epoch;
    }
    this.lastEpoch = Math.floor(epoch);
    const lrs = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }
}

export interface CyclicLROptions {
  baseLr: number | number[];
  maxLr: number | number[];
  stepSizeUp: number;
  stepSizeDown: number | null;
  mode: "triangular" | "triangular2" | "exp_range";
  gamma: number;
  scaleFn: ((x: number) => number) | null;
  scaleMode: "cycle" | "iterations";
  cycleMomentum: boolean;
  baseMomentum: number | number[];
  maxMomentum: number | number[];
  lastEpoch: number;
}

const CYCLIC: CyclicLROptions = {
  baseLr: undefined as unknown as number, maxLr: undefined as unknown as number, stepSizeUp: 2000, stepSizeDown: null, mode: "triangular", gamma: 1,
  scaleFn: null, scaleMode: "cycle", cycleMomentum: true, baseMomentum: 0.8, maxMomentum: 0.9, lastEpoch: -1,
};

/**
 * Cyclical learning rates (Smith, 2017): the lr climbs from baseLr to maxLr over stepSizeUp
 * iterations and back over stepSizeDown (default stepSizeUp), the amplitude scaled per cycle
 * (triangular: 1, triangular2: halved each cycle) or per iteration (exp_range: gamma^iteration), or by
 * a custom scaleFn; momentum cycles inversely between maxMomentum and baseMomentum. Call step()
 * after every batch. Constructing it sets each group's lr to baseLr (and momentum to baseMomentum).
 * Matches torch.optim.lr_scheduler.CyclicLR (torch 1.13: cycling momentum needs an optimizer with a
 * `momentum` option, so Adam needs cycleMomentum false).
 * @example
 * const sched = new optim.lrScheduler.CyclicLR(opt, 0.001, 0.1, { stepSizeUp: 200, mode: "triangular2" });
 */
export class CyclicLR extends LRScheduler {
  maxLrs: number[];
  totalSize: number;
  stepRatio: number;
  mode: CyclicLROptions["mode"];
  gamma: number;
  scaleMode: CyclicLROptions["scaleMode"];
  cycleMomentum: boolean;
  baseMomentums: number[] = [];
  maxMomentums: number[] = [];
  readonly scaleFn: ((x: number) => number) | null;

  constructor(optimizer: Optimizer, ...args: Args<[baseLr: number | number[], maxLr: number | number[], stepSizeUp: number, stepSizeDown: number | null, mode: CyclicLROptions["mode"], gamma: number, scaleFn: ((x: number) => number) | null, scaleMode: CyclicLROptions["scaleMode"], cycleMomentum: boolean, baseMomentum: number | number[], maxMomentum: number | number[], lastEpoch: number], Partial<CyclicLROptions>>) {
    const o = resolveArgs<CyclicLROptions>("CyclicLR", args, ["baseLr", "maxLr", "stepSizeUp", "stepSizeDown", "mode", "gamma", "scaleFn", "scaleMode", "cycleMomentum", "baseMomentum", "maxMomentum", "lastEpoch"], CYCLIC);
    super(optimizer, o.lastEpoch, "CyclicLR");
    const perGroup = (name: string, v: number | number[]): number[] => {
      const n = optimizer.paramGroups.length;
      if (Array.isArray(v)) {
        if (v.length !== n) throw new Error(`CyclicLR: expected ${n} values for ${name}, got ${v.length}`);
        return [...v];
      }
      if (typeof v !== "number") throw new TypeError(`CyclicLR: ${name} is required (a number, or one per group)`);
      return new Array<number>(n).fill(v);
    };
    const baseLrs = perGroup("baseLr", o.baseLr);
    if (o.lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.lr = baseLrs[i]!));
    this.maxLrs = perGroup("maxLr", o.maxLr);
    if (!(o.stepSizeUp > 0) || (o.stepSizeDown !== null && !(o.stepSizeDown >= 0)))
      throw new RangeError(`CyclicLR: invalid stepSizeUp ${o.stepSizeUp} / stepSizeDown ${o.stepSizeDown}; expected stepSizeUp > 0 and stepSizeDown >= 0`);
    this.totalSize = o.stepSizeUp + (o.stepSizeDown ?? o.stepSizeUp);
    this.stepRatio = o.stepSizeUp / this.totalSize;
    if (!["triangular", "triangular2", "exp_range"].includes(o.mode) && o.scaleFn === null)
      throw new Error(`CyclicLR: mode '${o.mode}' is invalid (expected 'triangular', 'triangular2' or 'exp_range') and scaleFn is null`);
    this.mode = o.mode;
    this.gamma = o.gamma;
    this.scaleFn = o.scaleFn;
    this.scaleMode = o.scaleFn !== null ? o.scaleMode : o.mode === "exp_range" ? "iterations" : "cycle";
    this.cycleMomentum = o.cycleMomentum;
    if (o.cycleMomentum) {
      if (!("momentum" in optimizer.defaults))
        throw new Error("CyclicLR: the optimizer must have a momentum option to cycle it (cycleMomentum: true); pass cycleMomentum: false");
      const baseMomentums = perGroup("baseMomentum", o.baseMomentum);
      if (o.lastEpoch === -1) optimizer.paramGroups.forEach((g, i) => (g.momentum = baseMomentums[i]!));
      this.baseMomentums = optimizer.paramGroups.map((g) => g.momentum as number);
      this.maxMomentums = perGroup("maxMomentum", o.maxMomentum);
    }
    this.start();
    this.baseLrs = baseLrs;
  }

  #scale(x: number): number {
    if (this.scaleFn) return this.scaleFn(x);
    if (this.mode === "triangular2") return 1 / 2 ** (x - 1);
    return this.mode === "exp_range" ? this.gamma ** x : 1;
  }

  protected getLr(): number[] {
    const e = this.lastEpoch;
    const cycle = Math.floor(1 + e / this.totalSize);
    const x = 1 + e / this.totalSize - cycle;
    const scaleFactor = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    const s = this.#scale(this.scaleMode === "cycle" ? cycle : e);
    const lrs = this.baseLrs.map((b, i) => b + (this.maxLrs[i]! - b) * scaleFactor * s);
    if (this.cycleMomentum)
      this.optimizer.paramGroups.forEach((g, i) => (g.momentum = this.maxMomentums[i]! - (this.maxMomentums[i]! - this.baseMomentums[i]!) * scaleFactor * s));
    return lrs;
  }
}
