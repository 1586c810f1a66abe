// OneCycleLR: the 1cycle policy, lr up from maxLr/divFactor to maxLr then annealed far below,
// with momentum cycled the other way.

import type { Optimizer } from "./optimizer.js";
import { resolveArgs, type Args } from "../options.js";
import { LRScheduler } from "./lr-scheduler.js";

export interface OneCycleLROptions {
  /** Peak lr, one for all groups or one per group. */
  maxLr: number | number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. */
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  /** Cycle momentum (or β₁ for Adam-like optimizers) inversely to the lr. */
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. */
  finalDivFactor?: number;
  /** Three phases as in the paper (up, down to initialLr, then to minLr) instead of fastai's two. */
  threePhase?: boolean;
  lastEpoch?: number;
}

type OneCycleDefaults = Required<Omit<OneCycleLROptions, "totalSteps" | "epochs" | "stepsPerEpoch">> & Pick<OneCycleLROptions, "totalSteps" | "epochs" | "stepsPerEpoch">;
const ONE_CYCLE: OneCycleDefaults = {
  maxLr: undefined as unknown as number, totalSteps: undefined, epochs: undefined, stepsPerEpoch: undefined, pctStart: 0.3, annealStrategy: "cos",
  cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95, divFactor: 25, finalDivFactor: 1e4, threePhase: false, lastEpoch: -1,
};

interface Phase {
  endStep: number;
  startLr: "initialLr" | "maxLr";
  endLr: "initialLr" | "maxLr" | "minLr";
  startMomentum: "maxMomentum" | "baseMomentum";
  endMomentum: "maxMomentum" | "baseMomentum";
}

/**
 * The 1cycle policy (Smith & Topin 2017, "Super-Convergence"), fastai's two-phase form by default:
 * lr anneals maxLr/divFactor → maxLr over pctStart of totalSteps, then → minLr, by cosine (or
 * linear) interpolation; momentum (or betas[0]) goes maxMomentum → baseMomentum → maxMomentum.
 * Call step() after every batch. Matches torch.optim.lr_scheduler.OneCycleLR; the groups gain
 * `initialLr`, `maxLr`, `minLr`, `maxMomentum`, `baseMomentum` (torch's keys, camelCased).
 * @example
 * const sched = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 1000 });
 */
export class OneCycleLR extends LRScheduler {
  totalSteps: number;
  annealStrategy: "cos" | "linear";
  cycleMomentum: boolean;
  useBeta1: boolean;
  phases: Phase[];

  constructor(optimizer: Optimizer, ...args: Args<[maxLr: number | number[], totalSteps: number, epochs: number, stepsPerEpoch: number, pctStart: number, annealStrategy: "cos" | "linear"], Partial<OneCycleLROptions>>) {
    const { maxLr, totalSteps, epochs, stepsPerEpoch, pctStart, annealStrategy, cycleMomentum, baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch } = resolveArgs<OneCycleDefaults>(
      "OneCycleLR", args, ["maxLr", "totalSteps", "epochs", "stepsPerEpoch", "pctStart", "annealStrategy"], ONE_CYCLE);
    super(optimizer, lastEpoch, "OneCycleLR");
    const posInt = (v: number | undefined) => v !== undefined && Number.isInteger(v) && v > 0;
    if (totalSteps !== undefined) {
      if (!posInt(totalSteps)) throw new RangeError(`OneCycleLR: expected a positive integer totalSteps, got ${totalSteps}`);
      this.totalSteps = totalSteps;
    } else if (epochs !== undefined || stepsPerEpoch !== undefined) {
      if (!posInt(epochs)) throw new RangeError(`OneCycleLR: expected a positive integer epochs, got ${epochs}`);
      if (!posInt(stepsPerEpoch)) throw new RangeError(`OneCycleLR: expected a positive integer stepsPerEpoch, got ${stepsPerEpoch}`);
      this.totalSteps = epochs! * stepsPerEpoch!;
    } else throw new Error("OneCycleLR: give either totalSteps or (epochs and stepsPerEpoch)");
    if (!(pctStart >= 0 && pctStart <= 1)) throw new RangeError(`OneCycleLR: expected pctStart between 0 and 1, got ${pctStart}`);
    if (annealStrategy !== "cos" && annealStrategy !== "linear")
      throw new Error(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got '${String(annealStrategy)}'`);
    this.annealStrategy = annealStrategy;
    const n = this.totalSteps;
    this.phases = threePhase
      ? [
          { endStep: pctStart * n - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: 2 * pctStart * n - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
          { endStep: n - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
        ]
      : [
          { endStep: pctStart * n - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" },
          { endStep: n - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
        ];

    const groups = optimizer.paramGroups;
    const perGroup = (name: string, v: number | number[]): number[] => {
      if (!Array.isArray(v)) return groups.map(() => v);
      if (v.length !== groups.length) throw new Error(`OneCycleLR: expected ${groups.length} values for ${name} (one per group), got ${v.length}`);
      return v;
    };
    if (typeof maxLr !== "number" && !Array.isArray(maxLr)) throw new TypeError("OneCycleLR: maxLr is required (new OneCycleLR(optimizer, maxLr, totalSteps) or { maxLr, totalSteps })");
    const maxLrs = perGroup("maxLr", maxLr);
    if (lastEpoch === -1)
      groups.forEach((g, i) => {
        g.initialLr = maxLrs[i]! / divFactor;
        g.maxLr = maxLrs[i]!;
        g.minLr = maxLrs[i]! / divFactor / finalDivFactor;
      });
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = "betas" in optimizer.defaults;
    if (cycleMomentum) {
      if (!("momentum" in optimizer.defaults) && !this.useBeta1)
        throw new Error("OneCycleLR: the optimizer has neither momentum nor betas; pass cycleMomentum: false");
      const maxMs = perGroup("maxMomentum", maxMomentum), baseMs = perGroup("baseMomentum", baseMomentum);
      if (lastEpoch === -1)
        groups.forEach((g, i) => {
          this.#setMomentum(g, maxMs[i]!);
          g.maxMomentum = maxMs[i]!;
          g.baseMomentum = baseMs[i]!;
        });
    }
    this.start();
  }

  #setMomentum(g: Record<string, unknown>, m: number): void {
    if (this.useBeta1) g.betas = [m, ...(g.betas as number[]).slice(1)];
    else g.momentum = m;
  }

  #anneal(start: number, end: number, pct: number): number {
    return this.annealStrategy === "cos" ? end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
  }

  protected getLr(): number[] {
    const t = this.lastEpoch;
    if (t > this.totalSteps) throw new Error(`OneCycleLR: tried to step ${t + 1} times; the specified number of total steps is ${this.totalSteps}`);
    return this.optimizer.paramGroups.map((g) => {
      let startStep = 0;
      for (const [i, ph] of this.phases.entries()) {
        if (t <= ph.endStep || i === this.phases.length - 1) {
          const pct = (t - startStep) / (ph.endStep - startStep);
          if (this.cycleMomentum) this.#setMomentum(g, this.#anneal(g[ph.startMomentum] as number, g[ph.endMomentum] as number, pct));
          return this.#anneal(g[ph.startLr] as number, g[ph.endLr] as number, pct);
        }
        startStep = ph.endStep;
      }
      throw new Error("OneCycleLR: unreachable");
    });
  }
}
