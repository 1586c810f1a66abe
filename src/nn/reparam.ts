// torch.nn.utils's parameter tools: all parameters as one vector and back, and the two classic
// reparametrizations of a layer's weight, weight normalization and spectral normalization, each a
// forward pre-hook that recomputes the weight from the parameters that replace it.

import { noGrad } from "../autograd/grad-mode.js";
import { cat } from "../ops/movement.js";
import { randn } from "../ops/creation.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { stateKey, type AnyModule } from "./module.js";
import { isParameter, Parameter } from "./parameter.js";

/** The parameters flattened and joined into one 1-D tensor (differentiable). Matches torch.nn.utils.parameters_to_vector. */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const ps = [...parameters];
  if (ps.length === 0) throw new Error("nn.utils.parametersToVector: no parameters given");
  return cat(ps.map((p) => p.reshape([-1])));
}

/** Copies consecutive slices of `vec` into the parameters, in place. Matches torch.nn.utils.vector_to_parameters. */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  const ps = [...parameters], total = ps.reduce((a, p) => a + p.numel, 0);
  if (vec.ndim !== 1) throw new Error(`nn.utils.vectorToParameters: expected a 1-D vector, got shape ${fmtShape(vec.shape)}`);
  if (vec.numel !== total) throw new Error(`nn.utils.vectorToParameters: the vector has ${vec.numel} elements, the parameters ${total}`);
  noGrad(() => {
    let at = 0;
    for (const p of ps) {
      p.assign(vec.narrow(0, at, p.numel).reshape(p.shape).to(p.device, p.dtype));
      at += p.numel;
    }
  });
}

/** The module's field holding the parameter whose state-dict key is `name` (torch names: "weight", "weight_hh_l0"). */
function paramField(op: string, module: AnyModule, name: string): string {
  const field = Object.keys(module).find((f) => stateKey(f) === name);
  const value = field === undefined ? undefined : (module as unknown as Record<string, unknown>)[field];
  if (!(value instanceof Tensor) || !isParameter(value))
    throw new Error(`${op}: ${module.constructor.name} has no parameter '${name}' (its parameters: ${module.namedParameters(false).map(([k]) => k).join(", ") || "none"})`);
  return field!;
}

/** ‖v‖₂ over every dim but `dim` (kept as size-1 dims), or over all of v when dim is null: torch's norm_except_dim. */
function normExceptDim(v: Tensor, dim: number | null): Tensor {
  if (dim === null) return v.norm();
  const others = v.shape.map((_, d) => d).filter((d) => d !== dim);
  return others.length ? v.norm(2, others, true) : v.abs();
}

const undo = new WeakMap<AnyModule, Map<string, () => void>>();
function remember(module: AnyModule, key: string, fn: () => void): void {
  const m = undo.get(module) ?? new Map<string, () => void>();
  m.set(key, fn);
  undo.set(module, m);
}
function forget(op: string, module: AnyModule, key: string, what: string): void {
  const fn = undo.get(module)?.get(key);
  if (!fn) throw new Error(`${op}: ${what} of '${key.split(":")[1]}' not found in ${module.constructor.name}`);
  undo.get(module)!.delete(key);
  fn();
}

/**
 * Weight normalization (Salimans & Kingma, 2016): w = g · v/‖v‖, the norm over every dim but `dim`
 * (0: one g per output unit; null: one g for the whole weight). The weight parameter is replaced by
 * `${name}_g` and `${name}_v` (state-dict keys as torch's) and recomputed before every forward.
 * Matches torch.nn.utils.weight_norm (torch's dim −1 means "whole tensor" too).
 * @example const layer = nn.utils.weightNorm(new nn.Linear(20, 40)); // layer.weight_g: [40, 1]
 */
export function weightNorm<M extends AnyModule>(module: M, ...args: Args<[name: string, dim: number | null], { name?: string; dim?: number | null }>): M {
  const op = "nn.utils.weightNorm";
  // dim's default is 0, and null is a value (the whole tensor): undefined stands for "not given"
  const { name, dim: given } = resolveArgs(op, args, ["name", "dim"], { name: "weight", dim: undefined as number | null | undefined });
  const d = given === undefined ? 0 : given;
  if (undo.get(module)?.has(`wn:${name}`)) throw new Error(`${op}: ${module.constructor.name} already has weight normalization on '${name}'`);
  const field = paramField(op, module, name), fields = module as unknown as Record<string, Tensor>;
  const w = fields[field]!;
  const dim = d === null || d === -1 ? null : d;
  if (dim !== null && (!Number.isInteger(dim) || dim < 0 || dim >= w.ndim)) throw new RangeError(`${op}: dim ${String(d)} is out of range for '${name}' of shape ${fmtShape(w.shape)} (0 … ${w.ndim - 1}, or null / −1 for the whole tensor)`);
  const [g, v] = noGrad(() => [normExceptDim(w, dim), w.clone()]);
  module.registerParameter(`${name}_g`, g);
  module.registerParameter(`${name}_v`, v);
  const compute = (): Tensor => v.mul(g.div(normExceptDim(v, dim)));
  fields[field] = compute(); // a plain tensor now: not a parameter, not in the state dict
  const handle = module.registerForwardPreHook(() => void (fields[field] = compute()));
  remember(module, `wn:${name}`, () => {
    handle.remove();
    const weight = noGrad(() => compute());
    module.registerParameter(`${name}_g`, null);
    module.registerParameter(`${name}_v`, null);
    fields[field] = Parameter(weight);
  });
  return module;
}

/** Undoes weightNorm: the weight is a parameter again, with the current g·v/‖v‖. Matches torch.nn.utils.remove_weight_norm. */
export function removeWeightNorm<M extends AnyModule>(module: M, ...args: Args<[name: string], { name?: string }>): M {
  const { name } = resolveArgs("nn.utils.removeWeightNorm", args, ["name"], { name: "weight" });
  forget("nn.utils.removeWeightNorm", module, `wn:${name}`, "weight normalization");
  return module;
}

export interface SpectralNormOptions {
  name?: string;
  nPowerIterations?: number;
  eps?: number;
  /** The output dim (default 0; 1 for ConvTranspose layers, as torch). */
  dim?: number | null;
}

/**
 * Spectral normalization (Miyato et al., 2018): w = W / σ(W), σ the largest singular value of W
 * viewed as a matrix [size of `dim`, rest], estimated by power iteration: in training mode each
 * forward runs `nPowerIterations` steps v ← normalize(Wᵀu), u ← normalize(Wv) (no gradient through
 * them) and σ = uᵀWv; eval reuses the stored u and v. State-dict keys as torch's: `${name}_orig`
 * (the parameter), `${name}_u` and `${name}_v` (buffers). Matches torch.nn.utils.spectral_norm
 * (u and v start from myelin's random stream, not torch's).
 * @example const critic = nn.utils.spectralNorm(new nn.Linear(128, 1));
 */
export function spectralNorm<M extends AnyModule>(module: M, ...args: Args<[name: string, nPowerIterations: number, eps: number, dim: number | null], SpectralNormOptions>): M {
  const op = "nn.utils.spectralNorm";
  const o = resolveArgs(op, args, ["name", "nPowerIterations", "eps", "dim"], { name: "weight", nPowerIterations: 1, eps: 1e-12, dim: null as number | null });
  const { name, nPowerIterations: n, eps } = o;
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${op}: nPowerIterations must be a positive integer, got ${n}`);
  if (undo.get(module)?.has(`sn:${name}`)) throw new Error(`${op}: ${module.constructor.name} already has spectral normalization on '${name}'`);
  const field = paramField(op, module, name), fields = module as unknown as Record<string, Tensor>;
  const w = fields[field]!;
  const dim = o.dim ?? (/^ConvTranspose/.test(module.constructor.name) ? 1 : 0);
  if (!Number.isInteger(dim) || dim < 0 || dim >= w.ndim) throw new RangeError(`${op}: dim ${dim} is out of range for '${name}' of shape ${fmtShape(w.shape)}`);
  // the weight as a matrix [h, rest]: `dim` moved to the front
  const asMatrix = (t: Tensor): Tensor => (dim === 0 ? t : t.permute([dim, ...t.shape.map((_, i) => i).filter((i) => i !== dim)])).reshape([t.shape[dim]!, -1]);
  const normalize = (t: Tensor): Tensor => t.div(t.norm().clamp(eps, null));
  const [h, rest] = asMatrix(w).shape as [number, number];
  const u = noGrad(() => normalize(randn([h], { dtype: w.dtype, device: w.device })));
  const v = noGrad(() => normalize(randn([rest], { dtype: w.dtype, device: w.device })));
  module.registerParameter(`${name}_orig`, w);
  module.registerBuffer(`${name}_u`, u);
  module.registerBuffer(`${name}_v`, v);
  const compute = (train: boolean): Tensor => {
    const m = asMatrix(w);
    if (train)
      noGrad(() => {
        for (let k = 0; k < n; k++) {
          v.assign(normalize(m.t().matmul(u)));
          u.assign(normalize(m.matmul(v)));
        }
      });
    // torch clones u and v here so the assignments of the next forward leave this graph intact
    const sigma = u.clone().dot(m.matmul(v.clone()));
    return w.div(sigma);
  };
  fields[field] = w.detach(); // a plain tensor, the raw weight until the first forward (as torch's apply)
  const handle = module.registerForwardPreHook((mod) => void (fields[field] = compute(mod.training)));
  remember(module, `sn:${name}`, () => {
    handle.remove();
    const weight = noGrad(() => compute(false));
    module.registerParameter(`${name}_orig`, null);
    module.registerBuffer(`${name}_u`, null);
    module.registerBuffer(`${name}_v`, null);
    fields[field] = Parameter(weight);
  });
  return module;
}

/** Undoes spectralNorm: the weight is a parameter again, W/σ with the stored u, v. Matches torch.nn.utils.remove_spectral_norm. */
export function removeSpectralNorm<M extends AnyModule>(module: M, ...args: Args<[name: string], { name?: string }>): M {
  const { name } = resolveArgs("nn.utils.removeSpectralNorm", args, ["name"], { name: "weight" });
  forget("nn.utils.removeSpectralNorm", module, `sn:${name}`, "spectral normalization");
  return module;
}

