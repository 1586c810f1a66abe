// torch.linalg as a namespace (`linalg.det`, `linalg.solve`, …): the norms, cross and multiDot
// here, the LU family from linalg-lu.ts and the decompositions from linalg-decomp.ts.

import { resolveArgs, type Args } from "../options.js";
import { fmtShape, normDim, normDims } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { broadcastAll, cast } from "../ops/elementwise.js";
import { indexSelect } from "../ops/indexing.js";
import { matmul } from "../ops/linalg.js";
import { permute, reshape } from "../ops/movement.js";
import { amax, amin, norm as pnorm, sum, type Dims } from "../ops/reduce.js";
import { floatOnly, floatTensor, int32Tensor } from "./common.js";
import { matrixRank, pinv, svdvals } from "./linalg-decomp.js";
import { inv } from "./linalg-lu.js";

export { det, slogdet, inv, solve, solveTriangular, luFactor, lu, luSolve, type SolveOptions, type SolveTriangularOptions, type LuSolveOptions } from "./linalg-lu.js";
export { cholesky, qr, eigh, eigvalsh, svd, svdvals, pinv, matrixRank, type QRMode, type EighOptions, type SvdOptions, type RankOptions } from "./linalg-decomp.js";
export { matrixPower } from "./products.js";
export { matrixExp } from "./linalg-extra.js";

type Ord = number | "fro" | "nuc";
export interface NormOptions { ord?: Ord | null; dim?: Dims | null; keepdim?: boolean; dtype?: "float32" | "float64" | null }

function prepared(op: string, x: Tensor, dtype: NormOptions["dtype"]): Tensor {
  floatOnly(op, x);
  return dtype ? cast(x, dtype) : x;
}

/** (Σ|x|ᵒʳᵈ)^(1/ord) over dim (all elements by default); ±∞ give max/min |x|, 0 counts non-zeros. Matches torch.linalg.vector_norm. */
export function vectorNorm(x: Tensor, ...args: Args<[ord: number, dim: Dims | null, keepdim: boolean], NormOptions>): Tensor {
  const o = resolveArgs<Required<NormOptions>>("linalg.vectorNorm", args, ["ord", "dim", "keepdim"], { ord: 2, dim: null, keepdim: false, dtype: null });
  if (typeof o.ord !== "number") throw new TypeError(`linalg.vectorNorm: ord must be a number, got ${String(o.ord)}`);
  return pnorm(prepared("linalg.vectorNorm", x, o.dtype), o.ord, o.dim ?? undefined, o.keepdim);
}

/**
 * Matrix norms over two dims (default the last two): 'fro' √Σ|aᵢⱼ|², 'nuc' Σσᵢ, ±1 max/min column
 * sum of |a|, ±∞ max/min row sum, ±2 largest/smallest singular value. Matches torch.linalg.matrix_norm.
 */
export function matrixNorm(a: Tensor, ...args: Args<[ord: Ord, dim: readonly number[], keepdim: boolean], NormOptions>): Tensor {
  const o = resolveArgs<Required<NormOptions>>("linalg.matrixNorm", args, ["ord", "dim", "keepdim"], { ord: "fro", dim: [-2, -1], keepdim: false, dtype: null });
  const x = prepared("linalg.matrixNorm", a, o.dtype);
  const dims = o.dim === null ? [-2, -1] : typeof o.dim === "number" ? [o.dim] : o.dim;
  if (x.ndim < 2 || dims.length !== 2) throw new Error(`linalg.matrixNorm: needs a matrix and two dims, got ${fmtShape(a.shape)} and dim ${JSON.stringify(o.dim)}`);
  const [r, c] = dims.map((d) => normDim("linalg.matrixNorm", d, x.ndim)) as [number, number];
  if (r === c) throw new Error(`linalg.matrixNorm: the two dims must differ, got ${r} and ${c}`);
  const kept = x.shape.map((s, i) => (i === r || i === c ? 1 : s));
  const done = (t: Tensor): Tensor => (o.keepdim ? reshape(t, kept) : reshape(t, x.shape.filter((_, i) => i !== r && i !== c)));
  const ord = o.ord;
  if (ord === "fro") return pnorm(x, 2, [r, c], o.keepdim);
  if (ord === 1 || ord === -1 || ord === Infinity || ord === -Infinity) {
    const [inner, outer] = Math.abs(ord) === 1 ? [r, c] : [c, r];
    const sums = sum(x.abs(), inner, true);
    return done((ord > 0 ? amax : amin)(sums, outer, true));
  }
  if (ord === "nuc" || ord === 2 || ord === -2) {
    const order = [...x.shape.keys()].filter((i) => i !== r && i !== c);
    const s = svdvals(permute(x, [...order, r, c]));
    return done(ord === "nuc" ? sum(s, -1) : (ord === 2 ? amax : amin)(s, -1));
  }
  throw new TypeError(`linalg.matrixNorm: ord must be 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity, got ${String(ord)}`);
}

/**
 * torch.linalg.norm: a vector norm over one dim (or of the flattened input when ord and dim are
 * both omitted), a matrix norm over two dims or of a 2-D input with an ord.
 */
export function norm(a: Tensor, ...args: Args<[ord: Ord | null, dim: Dims | null, keepdim: boolean], NormOptions>): Tensor {
  const o = resolveArgs<Required<NormOptions>>("linalg.norm", args, ["ord", "dim", "keepdim"], { ord: null, dim: null, keepdim: false, dtype: null });
  const dims = o.dim === null ? null : typeof o.dim === "number" ? [o.dim] : [...o.dim];
  if (dims?.length === 2 || (dims === null && o.ord !== null && a.ndim === 2))
    return matrixNorm(a, o.ord ?? "fro", dims ?? [-2, -1], o.keepdim, { dtype: o.dtype });
  if (dims === null && o.ord !== null && a.ndim !== 1)
    throw new Error(`linalg.norm: with ord and no dim the input must be 1-D or 2-D, got ${fmtShape(a.shape)}`);
  if (typeof o.ord === "string") throw new TypeError(`linalg.norm: ord '${o.ord}' is a matrix norm and needs two dims`);
  if (dims !== null && dims.length !== 1) throw new Error(`linalg.norm: dim must be one or two dims, got ${JSON.stringify(o.dim)}`);
  return vectorNorm(a, o.ord ?? 2, dims === null ? null : normDims("linalg.norm", dims, a.ndim), o.keepdim, { dtype: o.dtype });
}

/** Cross product of 3-vectors along dim (default −1; a and b broadcast). Matches torch.linalg.cross. */
export function cross(a: Tensor, b: Tensor, opts: { dim?: number } = {}): Tensor {
  const { dim } = resolveArgs<{ dim: number }>("linalg.cross", [opts], [], { dim: -1 });
  const [x, y] = broadcastAll("linalg.cross", a, b) as [Tensor, Tensor];
  const d = normDim("linalg.cross", dim, x.ndim);
  if (x.shape[d] !== 3) throw new Error(`linalg.cross: dim ${dim} of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} must have size 3`);
  const at = (t: Tensor, idx: number[]): Tensor => indexSelect(t, d, int32Tensor(t, idx, [3]));
  return at(x, [1, 2, 0]).mul(at(y, [2, 0, 1])).sub(at(x, [2, 0, 1]).mul(at(y, [1, 2, 0])));
}

/**
 * The product of a chain of matrices; the first may be a 1-D row vector and the last a 1-D column
 * vector. Multiplied left to right (torch picks the cheapest order: equal up to rounding).
 * Matches torch.linalg.multi_dot.
 */
export function multiDot(tensors: readonly Tensor[]): Tensor {
  if (tensors.length < 2) throw new Error(`linalg.multiDot: expects at least 2 tensors, got ${tensors.length}`);
  tensors.forEach((t, i) => {
    const ok = t.ndim === 2 || (t.ndim === 1 && (i === 0 || i === tensors.length - 1));
    if (!ok) throw new Error(`linalg.multiDot: tensor ${i} must be 2-D${i === 0 || i === tensors.length - 1 ? " or 1-D" : ""}, got ${fmtShape(t.shape)}`);
  });
  let out = tensors[0]!;
  for (let i = 1; i < tensors.length; i++) {
    const next = tensors[i]!;
    if (out.shape[out.ndim - 1] !== next.shape[0])
      throw new Error(`linalg.multiDot: tensor ${i - 1} and tensor ${i} cannot be multiplied: ${fmtShape(tensors[i - 1]!.shape)} and ${fmtShape(next.shape)}`);
    out = matmul(out, next);
  }
  return out;
}

/** Σ x·y along dim (default −1; x and y broadcast). Matches torch.linalg.vecdot. */
export function vecdot(x: Tensor, y: Tensor, opts: { dim?: number } = {}): Tensor {
  const { dim } = resolveArgs<{ dim: number }>("linalg.vecdot", [opts], [], { dim: -1 });
  const [a, b] = broadcastAll("linalg.vecdot", x, y) as [Tensor, Tensor];
  return sum(a.mul(b), normDim("linalg.vecdot", dim, a.ndim));
}

/**
 * Condition number κ(A) = ‖A‖ₚ·‖A⁻¹‖ₚ; for p = 2 (the default) and −2, σ₁/σₙ and σₙ/σ₁ from the
 * singular values. Matches torch.linalg.cond.
 */
export function cond(a: Tensor, ...args: Args<[p: Ord | null], { p?: Ord | null }>): Tensor {
  const { p } = resolveArgs<{ p: Ord | null }>("linalg.cond", args, ["p"], { p: null });
  if (a.ndim < 2) throw new Error(`linalg.cond: expects a batch of matrices [..., m, n], got ${fmtShape(a.shape)}`);
  if (p === null || p === 2 || p === -2) {
    const s = svdvals(a);
    const ratio = amax(s, -1).div(amin(s, -1));
    return p === -2 ? ratio.reciprocal() : ratio;
  }
  return matrixNorm(a, p).mul(matrixNorm(inv(a), p));
}

export interface LstsqOptions { rcond?: number | null; driver?: "gelsy" | "gelsd" | "gelss" | "gels" | null }

/**
 * Least-squares solution X = argmin ‖A X − B‖ (the minimum-norm one when A is rank-deficient or
 * wide) as pinv(A) B, with singular values below rcond·σ₁ (default eps·max(m, n)) dropped:
 * [solution, residuals, rank, singularValues] with torch's CPU default driver 'gelsy', which returns
 * empty residuals and singular values. Matches torch.linalg.lstsq.
 */
export function lstsq(a: Tensor, b: Tensor, ...args: Args<[rcond: number | null], LstsqOptions>): [Tensor, Tensor, Tensor, Tensor] {
  const o = resolveArgs<Required<LstsqOptions>>("linalg.lstsq", args, ["rcond"], { rcond: null, driver: null });
  if (o.driver !== null && o.driver !== "gelsy") throw new Error(`linalg.lstsq: only the driver 'gelsy' (torch's CPU default) is supported, got '${String(o.driver)}'`);
  if (a.ndim < 2 || b.ndim < 2 || a.shape[a.ndim - 2] !== b.shape[b.ndim - 2])
    throw new Error(`linalg.lstsq: A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} must be [..., m, n] and [..., m, k] with the same m`);
  const tol = o.rcond === null ? {} : { rtol: o.rcond };
  const empty = floatTensor(a, [], [0]);
  return [matmul(pinv(a, tol), b), empty, matrixRank(a, tol), empty];
}
