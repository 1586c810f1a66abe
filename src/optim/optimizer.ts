// The Optimizer base: parameter groups with the optimizer's defaults filled in (as torch does),
// the step loop under noGrad, lazy per-parameter state, zeroGrad, and torch-layout state dicts.
// Each optimizer in this folder subclasses it and writes one `update`.

import type { Tensor } from "../tensor.js";
import { enableGrad, noGrad } from "../autograd/grad-mode.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { checkOptionNames, resolveArgs, type Args } from "../options.js";
import { withScope } from "../scope.js";

/** One entry of an optimizer's per-parameter state: a tensor buffer, a counter, or a list of them (LBFGS's history; null where torch's list holds None). */
export type StateValue = Tensor | number | (Tensor | number | null)[];
/** The state of one parameter, keyed by torch's names (`step`, `exp_avg`, `momentum_buffer`, …). */
export type ParamState = Record<string, StateValue>;

/** Options every optimizer has: none in common (COCOB has no learning rate), `lr` in all others. */
export type BaseOptions = object;

/**
 * A parameter group after construction: its tensors plus every option, the group's own values
 * where given and the optimizer's defaults elsewhere. `lr` is what schedulers change; they may add
 * keys of their own (`initialLr`, `maxLr`, …), as torch's schedulers add `initial_lr`.
 */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & { params: Tensor[]; lr?: number; [extra: string]: unknown };

/** A group as passed in: its tensors, and options that differ from the optimizer's. */
export type ParamGroupSpec<O extends BaseOptions = BaseOptions> = Partial<O> & { params: Iterable<Tensor> | Tensor };

/** What optimizers take: tensors, or parameter groups (torch's `[{ params, lr }, …]`). */
export type Params<O extends BaseOptions = BaseOptions> = Iterable<Tensor> | Iterable<ParamGroupSpec<O>>;

/** torch.optim.Optimizer.state_dict()'s layout: state keyed by parameter index, groups with indices. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

function isTensor(x: unknown): x is Tensor {
  // Duck-typed so this file does not need the Tensor class at runtime (tensor.ts imports ops).
  return typeof x === "object" && x !== null && "shape" in x && "dtype" in x && typeof (x as Tensor).assign === "function";
}

/**
 * Base class of every optimizer: owns `paramGroups`, lazy per-parameter `state`, `zeroGrad`,
 * `step(closure?)`, `addParamGroup`, `stateDict` and `loadStateDict`. Subclasses give their
 * defaults, `initState` and `update`. Matches torch.optim.Optimizer.
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions, S extends ParamState = ParamState> {
  /** The options every group falls back to. */
  readonly defaults: Readonly<O>;
  /** The parameter groups; schedulers write `lr` (and momentum) here. */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on a parameter's first step. */
  readonly state = new Map<Tensor, S>();
  /** The class name used in error messages. */
  protected readonly name: string;

  /**
   * `args` are the constructor's arguments after `params`: torch's positionals (`positional`, in
   * torch's order), then an options object, resolved against `defaults` by the shared resolveArgs
   * (unknown and snake_case names throw with the intended name).
   */
  constructor(params: Params<O>, name: string, args: readonly unknown[], positional: readonly (keyof O & string)[], defaults: O) {
    this.name = name;
    this.defaults = Object.freeze(resolveArgs(`optim.${name}`, args, positional, defaults));
    const list = [...(params as Iterable<Tensor | ParamGroupSpec<O>>)];
    if (list.length === 0) throw new Error(`${name}: got an empty parameter list`);
    const groups = list.every(isTensor) ? [{ params: list } as unknown as ParamGroupSpec<O>] : list;
    for (const g of groups) {
      if (isTensor(g)) throw new TypeError(`${name}: give either tensors or parameter groups ({ params, ...options }), not a mix`);
      this.addParamGroup(g);
    }
  }

  /** Checks one group's options; throws with the option's name and value. */
  protected abstract validate(group: O): void;
  /** The fresh state of parameter `p` (zeros buffers, `step: 0`). */
  protected abstract initState(p: Tensor, group: ParamGroup<O>): S;
  /**
   * One update of parameter `p` with gradient `g` (already negated when `maximize`): returns the
   * new value and updates `state` (assign new tensors to its keys). `step` is `state.step` after
   * the increment, 1 on the first call, or 0 for optimizers without a step counter.
   */
  protected abstract update(p: Tensor, g: Tensor, state: S, group: ParamGroup<O>, step: number): Tensor;


  /** Adds a group of parameters with its own options (torch.optim.Optimizer.add_param_group). */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    const params = isTensor(spec.params) ? [spec.params] : [...spec.params];
    for (const [i, p] of params.entries()) {
      if (!isTensor(p)) throw new TypeError(`${this.name}: can only optimize Tensors, but parameter ${i} of group ${this.paramGroups.length} is ${typeof p}`);
      if (!p.isLeaf) throw new Error(`${this.name}: cannot optimize a non-leaf tensor (parameter ${i} of group ${this.paramGroups.length}); pass leaves, e.g. detach() them and set requiresGrad`);
    }
    const { params: _params, ...given } = spec;
    checkOptionNames(`optim.${this.name} parameter group`, given, Object.keys(this.defaults));
    if (new Set(params).size !== params.length) throw new Error(`${this.name}: a parameter group contains the same tensor twice`);
    for (const g of this.paramGroups)
      if (g.params.some((p) => params.includes(p))) throw new Error(`${this.name}: some parameters appear in more than one parameter group`);
    const group = { ...this.defaults, ...spec, params } as ParamGroup<O>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /** Clears gradients: sets `.grad` to null (default, as torch 2.x) or, with `setToNone` false, to zeros. */
  zeroGrad(...args: Args<[setToNone: boolean], { setToNone?: boolean }>): void {
    const { setToNone } = resolveArgs(`optim.${this.name}.zeroGrad`, args, ["setToNone"], { setToNone: true });
    for (const group of this.paramGroups)
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => p.grad!.assign(0));
      }
  }

  /**
   * Updates every parameter that has a gradient. `closure`, if given, re-evaluates the loss (with
   * grad on) before the update, and its result is returned. Parameters without `.grad` are skipped.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    // The update's temporaries are freed as soon as the step ends (see scope.ts); what survives is
    // the parameters, their gradients and the state.
    const backends = this.paramGroups.flatMap((g) => g.params.map((p) => p.backend));
    withScope(backends, () => noGrad(() => {
      for (const group of this.paramGroups)
        for (const p of group.params) {
          if (!p.grad) continue;
          // never p.grad itself: a state that kept it would change when zeroGrad or clipping assigns to it
          const g = group.maximize === true ? p.grad.neg() : p.grad.detach();
          let state = this.state.get(p);
          if (!state) this.state.set(p, (state = this.initState(p, group)));
          if (typeof state.step === "number") (state as ParamState).step = state.step + 1;
          const next = this.update(p, g, state, group, typeof state.step === "number" ? state.step : 0);
          if (next === p) p.version++; // updated in place (Adam, when p's storage is provably its own)
          else p.assign(next);
        }
    }), () => [this.paramGroups.map((g) => g.params), this.state, loss]);
    return loss;
  }

  /**
   * The optimizer's state in torch's layout: `state` keyed by the parameter's index (counting
   * through the groups in order), `paramGroups` with every option and `params` as indices. Tensors
   * are shared, not copied (Adam's in-place update then writes fresh buffers).
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      return { ...structuredCloneOptions(opts), params: params.map((p) => (index.has(p) ? index.get(p)! : (index.set(p, index.size), index.size - 1))) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from stateDict(): group options (lr included) and per-parameter state,
   * matched by position. Throws when the number of groups, of parameters per group, or a state
   * tensor's shape differs. Matches torch.optim.Optimizer.load_state_dict.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const n = this.name;
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== "object")
      throw new Error(`${n}.loadStateDict: expected { state, paramGroups } as returned by stateDict()`);
    if (sd.paramGroups.length !== this.paramGroups.length)
      throw new Error(`${n}.loadStateDict: the state dict has ${sd.paramGroups.length} parameter groups, this optimizer has ${this.paramGroups.length}`);
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((saved, gi) => {
      const mine = this.paramGroups[gi]!.params;
      if (saved.params.length !== mine.length)
        throw new Error(`${n}.loadStateDict: parameter group ${gi} has ${saved.params.length} parameters in the state dict and ${mine.length} here`);
      saved.params.forEach((idx, j) => byIndex.set(idx, mine[j]!));
    });
    const state = new Map<Tensor, S>();
    for (const [key, saved] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (!p) throw new Error(`${n}.loadStateDict: state for parameter index ${key}, which no group lists`);
      const s: ParamState = {};
      for (const [name, v] of Object.entries(saved)) {
        if (isTensor(v)) {
          if (v.numel !== 1 && !shapesEqual(v.shape, p.shape))
            throw new Error(`${n}.loadStateDict: state '${name}' of parameter ${key} has shape ${fmtShape(v.shape)}, the parameter has shape ${fmtShape(p.shape)}`);
          s[name] = v.dtype === p.dtype ? v : noGrad(() => v.to(p.dtype));
        } else if (typeof v === "number") s[name] = v;
        else throw new TypeError(`${n}.loadStateDict: state '${name}' of parameter ${key} is neither a Tensor nor a number`);
      }
      state.set(p, s as S);
    }
    this.paramGroups = sd.paramGroups.map((saved, gi) => {
      const { params: _indices, ...opts } = saved;
      return { ...this.defaults, ...structuredCloneOptions(opts), params: this.paramGroups[gi]!.params };
    });
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }
}

/** Copies option values so a saved state dict does not alias live arrays (betas). */
function structuredCloneOptions(opts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) out[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
  return out;
}

// ---- option checks shared by the optimizers (torch's messages, with the option's TS name) -------

/** Throws unless `value >= 0` (lr, eps, weightDecay, momentum …). */
export function checkNonNegative(opt: string, key: string, value: number): void {
  if (!(typeof value === "number" && value >= 0)) throw new RangeError(`${opt}: invalid ${key} ${value}; expected ${key} >= 0`);
}

/** Throws unless `lo <= value <= hi` (or `< hi` when `openHigh`). */
export function checkRange(opt: string, key: string, value: number, lo: number, hi: number, openHigh = false): void {
  const ok = typeof value === "number" && value >= lo && (openHigh ? value < hi : value <= hi);
  if (!ok) throw new RangeError(`${opt}: invalid ${key} ${value}; expected ${lo} <= ${key} ${openHigh ? "<" : "<="} ${hi}`);
}

/** Throws unless `betas` is a pair in [0, 1). */
export function checkBetas(opt: string, betas: readonly [number, number]): void {
  if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError(`${opt}: betas must be a pair [beta1, beta2], got ${String(betas)}`);
  betas.forEach((b, i) => checkRange(opt, `betas[${i}]`, b, 0, 1, true));
}
