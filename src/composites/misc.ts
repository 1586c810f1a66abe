// The last of torch's common real-valued functions: allclose and equal (booleans), empty, logspace,
// range and vander (creation), msort and renorm, and the samplers bernoulli, normal and poisson.
// Composites of the primitives (the samplers draw on the host from a Generator, like rand).

import { noGrad } from "../autograd/grad-mode.js";
import { allocArray, isFloating, type DType } from "../dtype.js";
import { linspace, onesLike, rand, randn, tensor, zeros, type CreateOptions } from "../ops/creation.js";
import { where } from "../ops/elementwise.js";
import { cat } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { defaultGenerator, type Generator } from "../random.js";
import { broadcastShapes, fmtShape, normDim, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { isclose } from "./math.js";
import { installMethods } from "./methods.js";

/** Whether every element is close (isclose's rule, NaN unequal unless equalNan). Matches torch.allclose. */
export function allclose(a: Tensor, b: Tensor, ...args: Args<[rtol: number, atol: number, equalNan: boolean], { rtol?: number; atol?: number; equalNan?: boolean }>): boolean {
  const { rtol, atol, equalNan } = resolveArgs("allclose", args, ["rtol", "atol", "equalNan"], { rtol: 1e-5, atol: 1e-8, equalNan: false });
  return noGrad(() => isclose(a, b, rtol, atol, equalNan).all().item() !== 0);
}

/** Same shape and the same values (NaN never equal). Matches torch.equal. */
export function equal(a: Tensor, b: Tensor): boolean {
  return shapesEqual(a.shape, b.shape) && noGrad(() => a.eq(b).all().item() !== 0);
}

/** A tensor of the given shape; its values are zeros here (torch leaves them unspecified). Matches torch.empty. */
export function empty(shape: readonly number[], opts: CreateOptions = {}): Tensor {
  return zeros(shape, opts);
}

/** base^linspace(start, end, steps): steps points evenly spaced on a log scale. Matches torch.logspace. */
export function logspace(start: number, end: number, steps: number, ...args: Args<[base: number], { base?: number } & CreateOptions>): Tensor {
  const { base, ...opts } = resolveArgs("logspace", args, ["base"], { base: 10, dtype: undefined as DType | undefined, device: undefined as string | undefined, requiresGrad: false });
  const exps = linspace(start, end, steps, { dtype: "float64", device: opts.device });
  const out = exps.mul(Math.log(base)).exp().to(exps.device, opts.dtype ?? "float32");
  if (opts.requiresGrad) out.requiresGrad = true;
  return out;
}

/** start, start + step, … up to and including end (torch's deprecated range, float32). Matches torch.range. */
export function range(start: number, end: number, ...args: Args<[step: number], { step?: number } & CreateOptions>): Tensor {
  const { step, ...opts } = resolveArgs("range", args, ["step"], { step: 1, dtype: undefined as DType | undefined, device: undefined as string | undefined, requiresGrad: false });
  if (!(step !== 0 && Number.isFinite(step))) throw new RangeError(`range: step must be a nonzero finite number, got ${step}`);
  if ((end - start) / step < 0) throw new RangeError(`range: upper bound and larger bound inconsistent with step sign (start ${start}, end ${end}, step ${step})`);
  const n = Math.floor((end - start) / step) + 1;
  return tensor(Float64Array.from({ length: n }, (_, i) => start + i * step), { dtype: opts.dtype ?? "float32", device: opts.device, requiresGrad: opts.requiresGrad });
}

/**
 * The Vandermonde matrix of a 1-D x: column j is x^(N−1−j) (x^j when increasing), N columns
 * (default len(x)). Matches torch.vander.
 */
export function vander(x: Tensor, ...args: Args<[N: number | null, increasing: boolean], { N?: number | null; increasing?: boolean }>): Tensor {
  const { N, increasing } = resolveArgs("vander", args, ["N", "increasing"], { N: null as number | null, increasing: false });
  if (x.ndim !== 1) throw new Error(`vander: x must be 1-D, got ${fmtShape(x.shape)}`);
  const n = N ?? x.shape[0]!;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`vander: N must be a non-negative integer, got ${n}`);
  const powers = Array.from({ length: n }, (_, j) => (increasing ? j : n - 1 - j));
  if (n === 0) return zeros([x.shape[0]!, 0], { dtype: x.dtype, device: x.device });
  const cols = powers.map((k) => (k === 0 ? onesLike(x) : x.pow(k)).reshape([-1, 1]));
  return cat(cols, 1);
}

/** The values of x sorted along dim 0. Matches torch.msort. */
export function msort(x: Tensor): Tensor {
  return x.sort(0)[0];
}

/**
 * Each slice along `dim` whose p-norm exceeds maxnorm scaled down to norm maxnorm (factor
 * maxnorm / (norm + 1e−7)); the others unchanged. Matches torch.renorm.
 */
export function renorm(x: Tensor, p: number, dim: number, maxnorm: number): Tensor {
  if (!(p > 0)) throw new RangeError(`renorm: p must be positive, got ${p}`);
  if (!(maxnorm >= 0)) throw new RangeError(`renorm: maxnorm must be non-negative, got ${maxnorm}`);
  const d = normDim("renorm", dim, x.ndim);
  const others = x.shape.map((_, i) => i).filter((i) => i !== d);
  const norms = others.length ? x.norm(p, others, true) : x.abs();
  // the factor depends on x through the norm: the gradient goes through it, as torch's renorm_backward
  return x.mul(where(norms.gt(maxnorm), norms.add(1e-7).reciprocal().mul(maxnorm), 1));
}

/** 1 with probability p (elementwise, p in [0, 1]), else 0, as p's dtype. Matches torch.bernoulli. */
export function bernoulli(p: Tensor, ...args: Args<[generator: Generator], { generator?: Generator }>): Tensor {
  const { generator } = resolveArgs("bernoulli", args, ["generator"], { generator: undefined as Generator | undefined });
  if (!isFloating(p.dtype)) throw new TypeError(`bernoulli: p must be a floating tensor, got ${p.dtype}`);
  const pv = p.dataSync();
  for (const v of pv) if (!(v >= 0 && v <= 1)) throw new RangeError(`bernoulli: every probability must be in [0, 1], got ${v}`);
  return noGrad(() => rand(p.shape, { dtype: p.dtype, device: p.device, generator }).lt(p.detach()).to(p.device, p.dtype));
}

/**
 * Normal samples: normal(mean, std) with tensors (broadcast) or numbers and a `size`.
 * Matches torch.normal's overloads (no gradient, as torch's).
 */
export function normal(mean: Tensor | number, std: Tensor | number, ...args: Args<[size: readonly number[]], { size?: readonly number[]; generator?: Generator } & CreateOptions>): Tensor {
  const { size, generator, ...opts } = resolveArgs("normal", args, ["size"], { size: undefined as readonly number[] | undefined, generator: undefined as Generator | undefined, dtype: undefined as DType | undefined, device: undefined as string | undefined, requiresGrad: false });
  const like = mean instanceof Tensor ? mean : std instanceof Tensor ? std : null;
  if (!like && !size) throw new Error("normal: with a number mean and std, pass the size (normal(0, 1, [2, 3]))");
  if (typeof std === "number" ? std < 0 : noGrad(() => std.lt(0).any().item() !== 0)) throw new RangeError("normal: std must be non-negative");
  const shape = size ?? broadcastShapes("normal", ...[mean, std].flatMap((t) => (t instanceof Tensor ? [t.shape] : [])));
  const [m, sd] = [mean, std].map((t) => (t instanceof Tensor ? t.detach() : t)) as [Tensor | number, Tensor | number];
  const out = noGrad(() => randn(shape, { dtype: opts.dtype ?? like?.dtype ?? "float32", device: opts.device ?? like?.device, generator }).mul(sd).add(m));
  if (opts.requiresGrad) out.requiresGrad = true;
  return out;
}

/**
 * Poisson samples with the rates in `rates` (≥ 0): Knuth's product of uniforms below rate 30,
 * Hörmann's PTRS (transformed rejection) above it. Matches torch.poisson's distribution.
 */
export function poisson(rates: Tensor, ...args: Args<[generator: Generator], { generator?: Generator }>): Tensor {
  const { generator } = resolveArgs("poisson", args, ["generator"], { generator: undefined as Generator | undefined });
  const g = generator ?? defaultGenerator;
  const r = rates.dataSync(), out = allocArray(rates.dtype, r.length);
  for (let i = 0; i < r.length; i++) {
    const lam = Number(r[i]);
    if (!(lam >= 0)) throw new RangeError(`poisson: rates must be non-negative, got ${lam}`);
    out[i] = lam < 30 ? knuth(lam, g) : ptrs(lam, g);
  }
  return Tensor.fromArray(out, rates.shape, rates.backend, rates.dtype);
}

function knuth(lam: number, g: Generator): number {
  const limit = Math.exp(-lam);
  let k = 0, prod = g.random();
  while (prod > limit) {
    k++;
    prod *= g.random();
  }
  return k;
}

// Hörmann (1993), "The transformed rejection method for generating Poisson random variables", PTRS.
function ptrs(lam: number, g: Generator): number {
  const slam = Math.sqrt(lam), loglam = Math.log(lam), b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    const u = g.random() - 0.5, v = g.random(), us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lam + k * loglam - lgammaInt(k + 1)) return k;
  }
}
/** log Γ(n) for a positive integer n (log (n − 1)!), exact summation below 50, Stirling above. */
function lgammaInt(n: number): number {
  if (n < 50) {
    let s = 0;
    for (let i = 2; i < n; i++) s += Math.log(i);
    return s;
  }
  const x = n - 1;
  return x * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI * x) + 1 / (12 * x) - 1 / (360 * x ** 3);
}

declare module "../tensor.js" {
  interface Tensor {
    allclose(other: Tensor, ...args: Args<[rtol: number, atol: number, equalNan: boolean], { rtol?: number; atol?: number; equalNan?: boolean }>): boolean;
    equal(other: Tensor): boolean;
    msort(): Tensor;
    renorm(p: number, dim: number, maxnorm: number): Tensor;
    bernoulli(...args: Args<[generator: Generator], { generator?: Generator }>): Tensor;
  }
}
installMethods({
  allclose(this: Tensor, other: Tensor, ...args: Args<[rtol: number, atol: number, equalNan: boolean], { rtol?: number; atol?: number; equalNan?: boolean }>) { return allclose(this, other, ...args); },
  equal(this: Tensor, other: Tensor) { return equal(this, other); },
  msort(this: Tensor) { return msort(this); },
  renorm(this: Tensor, p: number, dim: number, maxnorm: number) { return renorm(this, p, dim, maxnorm); },
  bernoulli(this: Tensor, ...args: Args<[generator: Generator], { generator?: Generator }>) { return bernoulli(this, ...args); },
});
