// ReduceLROnPlateau: cut the lr by a factor when a monitored metric stops improving.

import type { Tensor } from "../tensor.js";
import { resolveArgs, type Args } from "../options.js";
import { Optimizer } from "./optimizer.js";
import { lrOf, type SchedulerStateDict } from "./lr-scheduler.js";

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should fall (a loss); 'max': rise (an accuracy). */
  mode?: "min" | "max";
  /** new lr = lr · factor. */
  factor?: number;
  /** Epochs without improvement tolerated before the lr is cut. */
  patience?: number;
  /** How much better counts as better, relative or absolute per thresholdMode. */
  threshold?: number;
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a cut before counting bad epochs again. */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group. */
  minLr?: number | number[];
  /** Cuts smaller than eps are skipped. */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` once the metric passed to step() has not improved for more
 * than `patience` epochs; "improved" means below best·(1 − threshold) in min/rel mode, below
 * best − threshold in min/abs mode (mirrored for max). Matches
 * torch.optim.lr_scheduler.ReduceLROnPlateau.
 * @example
 * const sched = new optim.lrScheduler.ReduceLROnPlateau(opt, { patience: 5 });
 * sched.step(validationLoss);
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer;
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  lastLr: number[];

  constructor(optimizer: Optimizer, ...args: Args<[mode: "min" | "max", factor: number, patience: number, threshold: number, thresholdMode: "rel" | "abs", cooldown: number, minLr: number | number[], eps: number], ReduceLROnPlateauOptions>) {
    const { mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps } = resolveArgs<Required<ReduceLROnPlateauOptions>>(
      "ReduceLROnPlateau", args, ["mode", "factor", "patience", "threshold", "thresholdMode", "cooldown", "minLr", "eps"],
      { mode: "min", factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: "rel", cooldown: 0, minLr: 0, eps: 1e-8 });
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`ReduceLROnPlateau: expected an Optimizer, got ${typeof optimizer}`);
    if (!(factor < 1)) throw new RangeError(`ReduceLROnPlateau: invalid factor ${factor}; expected factor < 1`);
    if (mode !== "min" && mode !== "max") throw new Error(`ReduceLROnPlateau: mode must be 'min' or 'max', got '${String(mode)}'`);
    if (thresholdMode !== "rel" && thresholdMode !== "abs") throw new Error(`ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got '${String(thresholdMode)}'`);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(minLr) && minLr.length !== n) throw new Error(`ReduceLROnPlateau: expected ${n} minLrs (one per group), got ${minLr.length}`);
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(n).fill(minLr);
    this.eps = eps;
    this.best = mode === "min" ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((g, i) => lrOf("ReduceLROnPlateau", g, i));
  }

  #isBetter(a: number): boolean {
    const { best, threshold: t } = this;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === "rel" ? a > best * (1 + t) : a > best + t;
  }

  /**
   * Records one epoch's metric (a number or a one-element tensor) and cuts the lr if it has
   * plateaued. `epoch` (deprecated in torch) sets lastEpoch instead of counting up.
   */
  step(metric: number | Tensor, epoch?: number): void {
    const current = typeof metric === "number" ? metric : metric.item();
    this.lastEpoch = epoch ?? this.lastEpoch + 1;
    if (this.#isBetter(current)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const old = lrOf("ReduceLROnPlateau", g, i);
        const next = Math.max(old * this.factor, this.minLrs[i]!);
        if (old - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr as number);
  }

  /** The learning rates after the last step(), one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    const { optimizer: _o, ...rest } = this;
    return { ...rest, minLrs: [...this.minLrs], lastLr: [...this.lastLr] };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    for (const [k, v] of Object.entries(sd)) {
      if (!(k in this) || k === "optimizer") throw new Error(`ReduceLROnPlateau.loadStateDict: unexpected key '${k}'`);
      (this as Record<string, unknown>)[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
    }
  }
}
