// Reductions with PyTorch's names and `dim`/`keepdim` semantics, plus the numerically stable
// softmax family. Primitives always keep reduced dims; the keepdim=false squeeze happens here.

import { applyFused } from "./fused/table.js";
import { isFloating } from "../dtype.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape, normDim, normDims } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { apply } from "./dispatch.js";
import { cast, where } from "./elementwise.js";
import { gather } from "./indexing.js";
import { reshape } from "./movement.js";
import type { ReduceOp } from "./primitives.js";

export type Dims = number | readonly number[] | undefined;

/** Applies a reduce primitive over `dims` keeping them; an empty list is the identity. */
export function reduceKeep(op: ReduceOp, x: Tensor, dims: readonly number[]): Tensor {
  // a 0-d tensor accepts dim 0 (as torch does) but has no dimension for a kernel to reduce
  const real = dims.filter((d) => d < x.ndim);
  return real.length === 0 ? x : apply(op, [x], { dims: real });
}

const dropDims = (x: Tensor, dims: readonly number[], keepdim: boolean): Tensor =>
  keepdim ? x : reshape(x, x.shape.filter((_, d) => !dims.includes(d)));

function reduceOp(name: string, op: ReduceOp, x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const dims = normDims(name, dim, x.ndim);
  if ((op === "max" || op === "min") && dims.some((d) => x.shape[d] === 0))
    throw new Error(`${name}: cannot reduce over an empty dimension of ${fmtShape(x.shape)}`);
  if ((op === "sum" || op === "prod") && !isFloating(x.dtype)) return dropDims(intReduce(name, op, x, dims), dims, keepdim);
  if (op === "sum" && !keepdim && x.ndim > 0 && dims.length === x.ndim) return apply("sum", [x], { dims, scalar: true });
  return dropDims(reduceKeep(op, x, dims), dims, keepdim);
}

/**
 * Integer sums and products. torch accumulates int32 and bool into int64, which myelin does not
 * have, so the result is int32 when it fits and an error when it does not: computed exactly in
 * float64 (integers to 2⁵³), checked, then cast, instead of wrapping silently at 2³¹.
 */
function intReduce(name: string, op: "sum" | "prod", x: Tensor, dims: readonly number[]): Tensor {
  if (!x.backend.supportsFloat64) return reduceKeep(op, cast(x, "int32"), dims);
  const wide = reduceKeep(op, cast(x, "float64"), dims);
  const values = wide.backend.readSync(wide);
  if (values)
    for (const v of values)
      if (!(v >= -2147483648 && v <= 2147483647))
        throw new RangeError(`${name}: the result ${v} overflows int32 (torch would use int64, which myelin does not have); cast to float64 first: x.double().${name}()`);
  return cast(wide, "int32");
}

/** Σ over `dim` (all dims when omitted). Bool/int sums are int32. */
export const sum = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduceOp("sum", "sum", x, dim, keepdim);
export const prod = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduceOp("prod", "prod", x, dim, keepdim);
/** Max over dims; ties share the gradient evenly (torch.amax). */
export const amax = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduceOp("amax", "max", x, dim, keepdim);
export const amin = (x: Tensor, dim?: Dims, keepdim = false): Tensor => reduceOp("amin", "min", x, dim, keepdim);

const floatOnly = (op: string, x: Tensor): void => { if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating-point tensor, got ${x.dtype}; cast it with .float()`); };

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  floatOnly("mean", x);
  const dims = normDims("mean", dim, x.ndim);
  const count = dims.reduce((a, d) => a * x.shape[d]!, 1);
  return sum(x, dims, keepdim).div(count);
}

export function argReduce(op: "argmax" | "argmin", x: Tensor, dim?: number, keepdim = false): Tensor {
  if (x.numel === 0 && dim === undefined) throw new Error(`${op}: cannot take the ${op} of an empty tensor`);
  if (dim === undefined) return argReduce(op, reshape(x, [-1]), 0);
  const d = normDim(op, dim, x.ndim);
  // as torch: an empty reduced dim has no answer; other empty dims give an empty result
  if (x.shape[d] === 0) throw new Error(`${op}: cannot take the ${op} over the empty dimension ${d} of ${fmtShape(x.shape)}`);
  const src = x.ndim === 0 ? reshape(x, [1]) : x;
  const out = apply(op, [src], { dim: x.ndim === 0 ? 0 : d });
  return x.ndim === 0 ? reshape(out, []) : dropDims(out, [d], keepdim);
}

/**
 * max(x, dim) → [values, indices] (torch.max with a dim). The gradient goes to the returned index
 * only, exactly as torch routes it, because values are gathered at the indices.
 */
export function maxWithIndices(op: "argmax" | "argmin", x: Tensor, dim: number, keepdim = false): [Tensor, Tensor] {
  const d = normDim(op === "argmax" ? "max" : "min", dim, x.ndim);
  if (x.shape[d] === 0) throw new Error(`${op === "argmax" ? "max" : "min"}: cannot reduce over the empty dimension ${d} of ${fmtShape(x.shape)}`);
  if (x.ndim === 0) return [x, reshape(apply(op, [reshape(x, [1])], { dim: 0 }), [])];
  const idx = apply(op, [x], { dim: d });
  const values = gather(x, d, idx);
  return [dropDims(values, [d], keepdim), dropDims(idx, [d], keepdim)];
}

export interface VarOptions {
  /** Bessel's correction: divide by N − correction (torch default 1). */
  correction?: number;
  /** torch's older flag: true is correction 1, false is correction 0. */
  unbiased?: boolean;
  keepdim?: boolean;
}

/** torch's var/std arguments: (dim?, unbiased?, keepdim?, { correction, unbiased, keepdim }), or (unbiased) alone. */
export type VarArgs = Args<[unbiased: boolean, keepdim: boolean], VarOptions>;

function varArgs(op: string, dim: Dims | boolean, args: readonly unknown[]): { dim: Dims; correction: number; keepdim: boolean } {
  if (typeof dim === "boolean") return varArgs(op, undefined, [dim, ...args]); // x.var(false), as torch
  const o = resolveArgs(op, args, ["unbiased", "keepdim"], { unbiased: undefined as boolean | undefined, correction: undefined as number | undefined, keepdim: false });
  if (o.unbiased !== undefined && typeof o.unbiased !== "boolean") throw new TypeError(`${op}: unbiased must be a boolean, got ${typeof o.unbiased}`);
  if (o.unbiased !== undefined && o.correction !== undefined) throw new TypeError(`${op}: give either unbiased or correction, not both`);
  if (o.correction !== undefined && !(typeof o.correction === "number" && o.correction >= 0)) throw new TypeError(`${op}: correction must be a non-negative number, got ${String(o.correction)}`);
  return { dim, correction: o.correction ?? (o.unbiased === false ? 0 : 1), keepdim: o.keepdim };
}

/** Variance: Σ(x − mean)² / (N − correction), as torch.var: `x.var(0, false)` is the biased (population) variance. */
export function variance(x: Tensor, dimArg?: Dims | boolean, ...args: VarArgs): Tensor {
  const { dim, correction, keepdim } = varArgs("var", dimArg, args);
  const dims = normDims("var", dim, x.ndim);
  const n = dims.reduce((a, d) => a * x.shape[d]!, 1);
  const centered = x.sub(mean(x, dims, true));
  return sum(centered.mul(centered), dims, keepdim).div(Math.max(0, n - correction));
}

/**
 * root(s) with the gradient at s = 0 set to 0, torch's subgradient for norms and std of all-zero or
 * constant slices. The plain composite would give (1/(2·0))·0 = NaN there; routing zero slices
 * through a constant keeps both the value (0) and the gradient (0) finite.
 */
function rootAtZero(s: Tensor, root: (t: Tensor) => Tensor): Tensor {
  const zero = s.eq(0);
  return where(zero, 0, root(where(zero, 1, s)));
}

/** Standard deviation: √var (torch.std); the gradient is 0 where std is 0, as in torch. */
export function std(x: Tensor, dimArg?: Dims | boolean, ...args: VarArgs): Tensor {
  const { dim, correction, keepdim } = varArgs("std", dimArg, args);
  return rootAtZero(variance(x, dim, { correction, keepdim }), (v) => v.sqrt());
}

/** log Σ exp(x), computed as m + log Σ exp(x − m) with m = max(x) so nothing overflows. */
export function logsumexp(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normDims("logsumexp", dim, x.ndim);
  // log of an empty sum is -inf (torch); there is no max to shift by
  if (dims.some((d) => x.shape[d] === 0)) return sum(x, dims, keepdim).log();
  const mRaw = amax(x.detach(), dims, true);
  const m = where(mRaw.isinf(), 0, mRaw); // all -inf (or +inf) slices must not produce inf - inf
  const out = x.sub(m).exp().sum(dims, true).log().add(m);
  return dropDims(out, dims, keepdim);
}

/** softmax(x)ᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m), m = max x (stable; torch.softmax). A fused op (ops/fused/softmax.ts). */
export function softmax(x: Tensor, dim: number): Tensor {
  floatOnly("softmax", x); // an int32 input used to give int32 zeros
  if (x.numel === 0) return x.exp(); // empty in, empty out (torch); no max to shift by
  return applyFused("softmax", [x], { dim: normDim("softmax", dim, x.ndim) })[0]!;
}

/**
 * log softmax(x) = (x − m) − log Σ exp(x − m), m = max x: never log of an underflowed 0, and the
 * shift is subtracted before the log-sum is, so large |x| keep their precision (torch.log_softmax).
 * A fused op (ops/fused/softmax.ts).
 */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  floatOnly("logSoftmax", x);
  if (x.numel === 0) return x.exp();
  return applyFused("logSoftmax", [x], { dim: normDim("logSoftmax", dim, x.ndim) })[0]!;
}

/**
 * p-norm over dims: (Σ|x|ᵖ)^(1/p); p = ±Infinity gives max/min |x|, p = 0 counts non-zeros
 * (torch.linalg.vector_norm). p = 'fro' is the 2-norm over the dims (torch.norm's default; for a
 * matrix it is the Frobenius norm). Arguments as torch.norm: (p, dim, keepdim) or an options object.
 */
export type NormArgs = Args<[p: number | "fro", dim: Dims, keepdim: boolean], { p?: number | "fro"; dim?: Dims; keepdim?: boolean }>;
export function norm(x: Tensor, ...args: NormArgs): Tensor {
  const o = resolveArgs<{ p: number | "fro"; dim: Dims; keepdim: boolean }>("norm", args, ["p", "dim", "keepdim"], { p: "fro", dim: undefined, keepdim: false });
  const { dim, keepdim } = o;
  const given = o.p as unknown;
  if (given === "nuc") throw new Error("norm: the nuclear norm ('nuc') is not implemented; it needs an SVD");
  if (given !== "fro" && typeof given !== "number") throw new TypeError(`norm: p must be a number or 'fro', got ${typeof given === "string" ? `'${given}'` : typeof given}`);
  const p = o.p === "fro" ? 2 : o.p;
  if (p === Infinity) return amax(x.abs(), dim, keepdim);
  if (p === -Infinity) return amin(x.abs(), dim, keepdim);
  if (p === 0) return cast(sum(x.ne(0), dim, keepdim), x.dtype); // the count of non-zeros; no gradient, as in torch
  if (p === 1) return sum(x.abs(), dim, keepdim);
  // all-zero slices get gradient 0, as in torch (the root's derivative is infinite there)
  if (p === 2) return rootAtZero(sum(x.mul(x), dim, keepdim), (s) => s.sqrt());
  return rootAtZero(sum(x.abs().pow(p), dim, keepdim), (s) => s.pow(1 / p));
}
