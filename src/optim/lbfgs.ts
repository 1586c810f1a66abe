// L-BFGS (torch.optim.LBFGS): quasi-Newton steps from a short history of gradient differences, with
// a fixed step or torch's strong-Wolfe line search; a port of torch 1.13's lbfgs.py.

import { enableGrad, noGrad } from "../autograd/grad-mode.js";
import { zerosLike } from "../ops/creation.js";
import { cat } from "../ops/movement.js";
import type { Args } from "../options.js";
import type { Tensor } from "../tensor.js";
import { checkNonNegative, Optimizer, type OptimizerStateDict, type Params, type ParamState } from "./optimizer.js";
import { strongWolfe } from "./line-search.js";

export interface LBFGSOptions {
  /** The step length (with a line search, its first trial). */
  lr?: number;
  /** Iterations per step() (default 20). */
  maxIter?: number;
  /** Closure calls per step() (default ⌊maxIter·5/4⌋). */
  maxEval?: number | null;
  /** Stop when max |g| ≤ toleranceGrad. */
  toleranceGrad?: number;
  /** Stop when the loss, the step or the directional derivative changes less than this. */
  toleranceChange?: number;
  /** The number of (s, y) pairs kept. */
  historySize?: number;
  /** null (a fixed step lr) or "strong_wolfe". */
  lineSearchFn?: "strong_wolfe" | null;
}
type Opts = Required<LBFGSOptions>;

const isTensorValue = (v: unknown): v is Tensor => typeof v === "object" && v !== null && "shape" in v && "dtype" in v && typeof (v as Tensor).item === "function";
const describe = (v: unknown): string => (isTensorValue(v) ? `a ${v.dtype} tensor [${v.shape.join(",")}]` : Array.isArray(v) ? "a list" : String(v));

/** a + alpha·x. */
const axpy = (a: Tensor, x: Tensor, alpha: number): Tensor => a.add(x.mul(alpha));

/** The history torch keeps in the first parameter's state; here in a field, beside the counters. */
interface History {
  d?: Tensor;
  t: number;
  oldDirs: Tensor[];
  oldStps: Tensor[];
  ro: number[];
  hDiag: number;
  prevFlatGrad?: Tensor;
  prevLoss: number;
  /** The two-loop's α_i, torch's `al`: historySize entries, null until first written (only for the state dict). */
  al?: (number | null)[];
}

/**
 * L-BFGS over all parameters as one flat vector x (Nocedal & Wright, Numerical Optimization, alg.
 * 7.4/7.5). Each iteration: y = g − g₋₁, s = t·d; if yᵀs > 1e−10 the pair is kept (the last
 * historySize pairs) with ρ = 1/yᵀs and H₀ = yᵀs/yᵀy; the two-loop recursion gives d = −H·g; the
 * step is x ← x + t·d with t = lr (the first iteration min(1, 1/‖g‖₁)·lr), or the strong-Wolfe
 * line search's t (c₁ = 1e−4, c₂ = 0.9, cubic interpolation). step(closure) runs up to maxIter
 * iterations and maxEval closure calls and returns the first loss. One parameter group only.
 * stateDict() holds torch's keys in state[0] (see stateDict). Matches torch.optim.LBFGS.
 * @example
 * const opt = new optim.LBFGS(model.parameters(), { lineSearchFn: "strong_wolfe" });
 * opt.step(() => { opt.zeroGrad(); const l = loss(); l.backward(); return l; });
 */
export class LBFGS extends Optimizer<Opts> {
  readonly #params: Tensor[];
  #h: History = { t: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1, prevLoss: 0 };

  constructor(
    params: Params<Opts>,
    ...args: Args<[lr: number, maxIter: number, maxEval: number | null, toleranceGrad: number, toleranceChange: number, historySize: number, lineSearchFn: "strong_wolfe" | null], LBFGSOptions>
  ) {
    super(params, "LBFGS", args, ["lr", "maxIter", "maxEval", "toleranceGrad", "toleranceChange", "historySize", "lineSearchFn"],
      { lr: 1, maxIter: 20, maxEval: null, toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null });
    if (this.paramGroups.length !== 1) throw new Error("LBFGS: parameter groups are not supported (torch's LBFGS takes one group)");
    this.#params = this.paramGroups[0]!.params;
  }

  protected validate(g: Opts): void {
    checkNonNegative("LBFGS", "lr", g.lr);
    for (const k of ["maxIter", "historySize"] as const)
      if (!(Number.isInteger(g[k]) && g[k] >= 1)) throw new RangeError(`LBFGS: ${k} must be a positive integer, got ${g[k]}`);
    g.maxEval ??= Math.floor((g.maxIter * 5) / 4);
    if (!(Number.isInteger(g.maxEval) && g.maxEval >= 1)) throw new RangeError(`LBFGS: maxEval must be a positive integer, got ${g.maxEval}`);
    if (g.lineSearchFn !== null && g.lineSearchFn !== "strong_wolfe") throw new Error(`LBFGS: lineSearchFn must be null or 'strong_wolfe', got ${String(g.lineSearchFn)}`);
  }

  protected initState(): Record<string, number> {
    return {};
  }

  protected update(p: Tensor): Tensor {
    return p; // never called: step() is LBFGS's own
  }

  /**
   * torch's layout: state[0] (the first parameter's) holds func_evals and n_iter and, after a step
   * that iterated, d, t, old_dirs, old_stps, ro, H_diag, prev_flat_grad, prev_loss and (once the
   * two-loop recursion ran) al. torch's 0-d tensors (t, ro, H_diag, al) are numbers here, as
   * myelin's optimizers keep `step`; the tensors are shared, not copied (a step replaces them).
   */
  override stateDict(): OptimizerStateDict {
    const sd = super.stateDict();
    const h = this.#h, s0 = sd.state[0];
    if (s0 && h.d && h.prevFlatGrad) {
      Object.assign(s0, { d: h.d, t: h.t, old_dirs: [...h.oldDirs], old_stps: [...h.oldStps], ro: [...h.ro], H_diag: h.hDiag, prev_flat_grad: h.prevFlatGrad, prev_loss: h.prevLoss });
      if (h.al) s0.al = [...h.al];
    }
    return sd;
  }

  /**
   * Restores stateDict()'s output, or torch's LBFGS state_dict with its group options in camelCase:
   * 0-d (or one-element) tensors are read as numbers, tensors are moved to the parameters' device
   * and dtype, and every length is checked against the parameters' total size.
   */
  override loadStateDict(sd: OptimizerStateDict): void {
    const where = "LBFGS.loadStateDict";
    if (!sd || typeof sd.state !== "object" || sd.state === null) throw new Error(`${where}: expected { state, paramGroups } as returned by stateDict()`);
    const extra = Object.keys(sd.state).filter((k) => k !== "0");
    if (extra.length) throw new Error(`${where}: LBFGS keeps its state on parameter 0 only, got state for parameter(s) ${extra.join(", ")}`);
    const saved: ParamState = sd.state[0] ?? {};
    const known = ["func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss", "al"];
    const unknown = Object.keys(saved).filter((k) => !known.includes(k));
    if (unknown.length) throw new Error(`${where}: unknown state key(s) ${unknown.join(", ")} (expected ${known.join(", ")})`);
    const p0 = this.#params[0]!, size = this.#params.reduce((a, p) => a + p.numel, 0);
    const num = (key: string, v: unknown): number => {
      if (typeof v === "number") return v;
      if (isTensorValue(v) && v.numel === 1) return v.item();
      throw new TypeError(`${where}: state '${key}' must be a number or a one-element tensor, got ${describe(v)}`);
    };
    const vec = (key: string, v: unknown): Tensor => {
      if (!isTensorValue(v) || v.ndim !== 1 || v.numel !== size)
        throw new Error(`${where}: state '${key}' must be a 1-D tensor of the parameters' total size ${size}, got ${describe(v)}`);
      return noGrad(() => v.to(p0.device).to(p0.dtype));
    };
    const list = (key: string, v: unknown): unknown[] => {
      if (!Array.isArray(v)) throw new TypeError(`${where}: state '${key}' must be a list, got ${describe(v)}`);
      return v as unknown[];
    };
    const counters: ParamState = {};
    for (const k of ["func_evals", "n_iter"]) if (k in saved) counters[k] = num(k, saved[k]);
    const h: History = { t: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1, prevLoss: 0 };
    if ("d" in saved) {
      const missing = known.slice(2, 10).filter((k) => !(k in saved));
      if (missing.length) throw new Error(`${where}: state has 'd' but not ${missing.join(", ")}`);
      h.d = vec("d", saved.d);
      h.prevFlatGrad = vec("prev_flat_grad", saved.prev_flat_grad);
      [h.t, h.hDiag, h.prevLoss] = [num("t", saved.t), num("H_diag", saved.H_diag), num("prev_loss", saved.prev_loss)];
      h.oldDirs = list("old_dirs", saved.old_dirs).map((v, i) => vec(`old_dirs[${i}]`, v));
      h.oldStps = list("old_stps", saved.old_stps).map((v, i) => vec(`old_stps[${i}]`, v));
      h.ro = list("ro", saved.ro).map((v, i) => num(`ro[${i}]`, v));
      if (h.oldStps.length !== h.oldDirs.length || h.ro.length !== h.oldDirs.length)
        throw new Error(`${where}: old_dirs, old_stps and ro must have one entry per pair, got ${h.oldDirs.length}, ${h.oldStps.length} and ${h.ro.length}`);
      if (saved.al !== undefined) h.al = list("al", saved.al).map((v, i) => (v === null ? null : num(`al[${i}]`, v)));
    }
    const historySize = sd.paramGroups?.[0]?.historySize ?? this.paramGroups[0]!.historySize;
    if (typeof historySize === "number" && h.oldDirs.length > historySize)
      throw new Error(`${where}: the state holds ${h.oldDirs.length} pairs, more than historySize ${historySize}`);
    super.loadStateDict({ paramGroups: sd.paramGroups, state: "func_evals" in counters || "n_iter" in counters ? { 0: counters } : {} });
    this.#h = h;
  }

  #flatGrad(): Tensor {
    return cat(this.#params.map((p) => (p.grad ?? zerosLike(p)).reshape([-1])));
  }

  /** x ← x + t·d, d split over the parameters. */
  #addGrad(t: number, d: Tensor): void {
    let off = 0;
    for (const p of this.#params) {
      p.assign(axpy(p, d.slice(0, off, off + p.numel).reshape(p.shape), t));
      off += p.numel;
    }
  }

  /** Runs up to maxIter L-BFGS iterations; `closure` zeroes the grads, computes the loss, calls backward and returns it. */
  override step(closure?: () => Tensor): Tensor {
    if (!closure) throw new Error("LBFGS.step: a closure is required (it re-evaluates the loss and its gradients)");
    if (this.paramGroups.length !== 1) throw new Error(`LBFGS.step: one parameter group is supported, got ${this.paramGroups.length} (after addParamGroup)`);
    const group = this.paramGroups[0]!;
    const { lr, maxIter, toleranceGrad, toleranceChange, historySize, lineSearchFn } = group;
    const maxEval = group.maxEval!;
    const f32 = this.#params[0]!.dtype === "float32";
    // torch keeps these scalars as 0-d tensors of the parameters' dtype
    const r = f32 ? Math.fround : (v: number): number => v;
    const evaluate = (): number => enableGrad(closure).item();
    const counters = (this.state.get(this.#params[0]!) ?? { func_evals: 0, n_iter: 0 }) as { func_evals: number; n_iter: number };
    this.state.set(this.#params[0]!, counters);
    const h = this.#h;

    return noGrad(() => {
      const origLoss = enableGrad(closure);
      let loss = origLoss.item();
      let evals = 1;
      counters.func_evals += 1;
      let flatGrad = this.#flatGrad();
      const maxAbs = (v: Tensor): number => v.abs().max().item();
      if (maxAbs(flatGrad) <= toleranceGrad) return origLoss;
      let d = h.d!;
      let t = h.t;
      for (let nIter = 1; nIter <= maxIter; nIter++) {
        counters.n_iter += 1;
        if (counters.n_iter === 1) {
          d = flatGrad.neg();
          [h.oldDirs, h.oldStps, h.ro, h.hDiag] = [[], [], [], 1];
        } else {
          const y = flatGrad.sub(h.prevFlatGrad!);
          const s = d.mul(t);
          const ys = y.dot(s).item();
          if (ys > 1e-10) {
            if (h.oldDirs.length === historySize) {
              h.oldDirs.shift();
              h.oldStps.shift();
              h.ro.shift();
            }
            h.oldDirs.push(y);
            h.oldStps.push(s);
            h.ro.push(r(1 / ys));
            h.hDiag = r(ys / y.dot(y).item());
          }
          // the two-loop recursion: d = −H·g
          const al: number[] = [];
          let q = flatGrad.neg();
          for (let i = h.oldDirs.length - 1; i >= 0; i--) {
            al[i] = r(h.oldStps[i]!.dot(q).item() * h.ro[i]!);
            q = axpy(q, h.oldDirs[i]!, -al[i]!);
          }
          d = q.mul(h.hDiag);
          for (let i = 0; i < h.oldDirs.length; i++) {
            const be = r(h.oldDirs[i]!.dot(d).item() * h.ro[i]!);
            d = axpy(d, h.oldStps[i]!, r(al[i]! - be));
          }
          // torch keeps α in the state, a list of historySize entries written in place
          h.al ??= Array<number | null>(historySize).fill(null);
          al.forEach((a, i) => (h.al![i] = a));
        }
        h.prevFlatGrad = flatGrad;
        h.prevLoss = loss;
        t = counters.n_iter === 1 ? r(Math.min(1, r(1 / flatGrad.abs().sum().item())) * lr) : lr;
        const gtd = flatGrad.dot(d).item();
        if (gtd > -toleranceChange) break;
        let lsEvals = 0;
        let optimal = false;
        if (lineSearchFn === "strong_wolfe") {
          const x0 = this.#params.map((p) => p.clone());
          const obj = (x: Tensor[], step: number, dir: Tensor): [number, Tensor] => {
            this.#addGrad(step, dir);
            const f = evaluate();
            const g = this.#flatGrad();
            this.#params.forEach((p, i) => p.assign(x[i]!));
            return [f, g];
          };
          ({ loss, grad: flatGrad, t, evals: lsEvals } = strongWolfe(obj, x0, t, d, loss, flatGrad, gtd, { toleranceChange, r }));
          this.#addGrad(t, d);
          optimal = maxAbs(flatGrad) <= toleranceGrad;
        } else {
          this.#addGrad(t, d);
          if (nIter !== maxIter) {
            // torch re-evaluates only between iterations (a last evaluation is the next step's first)
            loss = evaluate();
            flatGrad = this.#flatGrad();
            optimal = maxAbs(flatGrad) <= toleranceGrad;
            lsEvals = 1;
          }
        }
        evals += lsEvals;
        counters.func_evals += lsEvals;
        if (nIter === maxIter || evals >= maxEval || optimal) break;
        if (maxAbs(d.mul(t)) <= toleranceChange || Math.abs(loss - h.prevLoss) < toleranceChange) break;
      }
      [h.d, h.t] = [d, t];
      return origLoss;
    });
  }
}
