// LU factorization with partial pivoting and what is built on it: luFactor, lu, det, slogdet, logdet,
// solve, inv. Elimination runs as n tensor steps whose pivot choice reads the host (as LAPACK's
// getrf), so autograd differentiates every result through the steps with no new rules.

import { resolveArgs } from "../options.js";
import { broadcastShapes, fmtShape, numel } from "../shape.js";
import { Tensor } from "../tensor.js";
import { eye } from "../ops/creation.js";
import { where } from "../ops/elementwise.js";
import { gather, indexSelect } from "../ops/indexing.js";
import { matmul } from "../ops/linalg.js";
import { cat, expand, narrow, reshape, unsqueeze } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { floatOnly, floatTensor, int32Tensor } from "./common.js";
import { tril, triu } from "./selection.js";

/** Checks a batch of square float matrices [..., n, n]; returns n. */
export function squareSize(op: string, a: Tensor): number {
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2])
    throw new Error(`${op}: expects a batch of square matrices [..., n, n], got ${fmtShape(a.shape)}`);
  floatOnly(op, a);
  return a.shape[a.ndim - 1]!;
}

/** The diagonals of the last two dims: [..., min(m, n)]. */
export function diagonal(x: Tensor): Tensor {
  const m = x.shape[x.ndim - 2]!, n = x.shape[x.ndim - 1]!;
  const idx = Array.from({ length: Math.min(m, n) }, (_, i) => i * (n + 1));
  return indexSelect(reshape(x, [...x.shape.slice(0, -2), m * n]), x.ndim - 2, int32Tensor(x, idx, [idx.length]));
}

/** Rows of each matrix reordered: out[b][i] = x[b][rows[b·n + i]]. */
function permuteRows(x: Tensor, rows: Int32Array): Tensor {
  const k = x.shape[x.ndim - 1]!;
  const idx = new Int32Array(x.numel);
  for (let r = 0; r < rows.length; r++) idx.fill(rows[r]!, r * k, r * k + k);
  return gather(x, x.ndim - 2, int32Tensor(x, idx, x.shape));
}

export interface LUResult {
  /** L (unit lower, below the diagonal) and U (on and above it) packed as LAPACK's getrf. */
  lu: Tensor;
  /** Per batch element: the original row at each position of PA. */
  perm: Int32Array;
  /** LAPACK's 1-based pivots: row k was swapped with row pivots[k]. */
  pivots: Int32Array;
  /** Per batch element: the permutation's sign. */
  sign: Float64Array;
}

/** PA = LU with partial pivoting (the first largest |entry| of each column, as LAPACK's idamax). */
export function luDecompose(op: string, a: Tensor): LUResult {
  const n = squareSize(op, a);
  const batch = numel(a.shape.slice(0, -2));
  const perm = new Int32Array(batch * n).map((_, i) => i % n);
  const pivots = new Int32Array(batch * n);
  const sign = new Float64Array(batch).fill(1);
  let w = a;
  for (let k = 0; k < n; k++) {
    const data = narrow(w, -1, k, 1).detach().dataSync();
    const rows = new Int32Array(batch * n).map((_, i) => i % n);
    let swapped = false;
    for (let b = 0; b < batch; b++) {
      let p = k;
      for (let i = k + 1; i < n; i++) if (Math.abs(data[b * n + i]!) > Math.abs(data[b * n + p]!)) p = i;
      pivots[b * n + k] = p + 1;
      if (p === k) continue;
      swapped = true;
      [rows[b * n + k], rows[b * n + p]] = [p, k];
      [perm[b * n + k], perm[b * n + p]] = [perm[b * n + p]!, perm[b * n + k]!];
      sign[b] = -sign[b]!;
    }
    if (swapped) w = permuteRows(w, rows);
    if (k === n - 1) break;
    const pivotRow = narrow(w, -2, k, 1), bottom = narrow(w, -2, k + 1, n - k - 1);
    const pivot = narrow(pivotRow, -1, k, 1);
    // a zero pivot means the whole column below is zero: its multipliers stay 0 (LAPACK goes on too)
    const l = narrow(bottom, -1, k, 1).div(where(pivot.eq(0), 1, pivot));
    const right = narrow(bottom, -1, k + 1, n - k - 1).sub(l.mul(narrow(pivotRow, -1, k + 1, n - k - 1)));
    const newBottom = cat([...(k > 0 ? [narrow(bottom, -1, 0, k)] : []), l, right], -1);
    w = cat([narrow(w, -2, 0, k + 1), newBottom], -2);
  }
  return { lu: w, perm, pivots, sign };
}

/** The first zero on U's diagonal (1-based), per batch element, or 0. */
function zeroPivot(lu: Tensor): { batch: number; at: number } | null {
  const d = diagonal(lu).detach().dataSync(), n = lu.shape[lu.ndim - 1]!;
  for (let i = 0; i < d.length; i++) if (d[i] === 0) return { batch: Math.floor(i / n), at: (i % n) + 1 };
  return null;
}

/** [LU, pivots]: L and U packed in one matrix and LAPACK's 1-based int32 pivots. Matches torch.linalg.lu_factor. */
export function luFactor(a: Tensor, opts: { pivot?: boolean } = {}): [Tensor, Tensor] {
  const { pivot } = resolveArgs<{ pivot: boolean }>("linalg.luFactor", [opts], [], { pivot: true });
  if (!pivot) throw new Error("linalg.luFactor: LU without pivoting is not supported (torch supports it on CUDA only)");
  const r = luDecompose("linalg.luFactor", a);
  return [r.lu, int32Tensor(a, r.pivots, a.shape.slice(0, -1))];
}

/** [P, L, U] with A = P L U, L unit lower triangular. Matches torch.linalg.lu (square inputs). */
export function lu(a: Tensor, opts: { pivot?: boolean } = {}): [Tensor, Tensor, Tensor] {
  const { pivot } = resolveArgs<{ pivot: boolean }>("linalg.lu", [opts], [], { pivot: true });
  if (!pivot) throw new Error("linalg.lu: LU without pivoting is not supported (torch supports it on CUDA only)");
  const r = luDecompose("linalg.lu", a);
  const n = a.shape[a.ndim - 1]!, batch = r.sign.length;
  const p = new Float64Array(batch * n * n);
  for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) p[b * n * n + r.perm[b * n + i]! * n + i] = 1;
  const I = eye(n, { dtype: a.dtype, device: a.device });
  return [floatTensor(a, p, a.shape), tril(r.lu, -1).add(I), triu(r.lu)];
}

/** Product of the last dim's entries as a chain of multiplications (exact gradients at zeros). */
function chainProd(d: Tensor): Tensor {
  let out = narrow(d, -1, 0, 1);
  for (let i = 1; i < d.shape[d.ndim - 1]!; i++) out = out.mul(narrow(d, -1, i, 1));
  return out.squeeze(-1);
}

/** det A = sign(P)·Πᵢ Uᵢᵢ from PA = LU. Matches torch.linalg.det. */
export function det(a: Tensor): Tensor {
  const n = squareSize("linalg.det", a);
  if (n === 0) return expand(floatTensor(a, [1], []), a.shape.slice(0, -2));
  const r = luDecompose("linalg.det", a);
  return chainProd(diagonal(r.lu)).mul(floatTensor(a, r.sign, a.shape.slice(0, -2)));
}

/** [sign, log|det A|]: sign ∈ {−1, 0, 1} and Σ log|Uᵢᵢ|. Matches torch.linalg.slogdet. */
export function slogdet(a: Tensor): [Tensor, Tensor] {
  squareSize("linalg.slogdet", a);
  const r = luDecompose("linalg.slogdet", a);
  const d = diagonal(r.lu);
  const s = chainProd(d.detach().sign()).mul(floatTensor(a, r.sign, a.shape.slice(0, -2)));
  return [s, sum(d.abs().log(), -1)];
}

/** log det A: NaN for a negative determinant, −∞ for a singular matrix. Matches torch.logdet. */
export function logdet(a: Tensor): Tensor {
  const [s, l] = slogdet(a);
  return where(s.lt(0), NaN, where(s.eq(0), -Infinity, l));
}

export interface SolveOptions { left?: boolean }

/**
 * X with A X = B (left) or X A = B (left = false), by LU with partial pivoting and two triangular
 * substitutions. B is a batch of vectors when it is 1-D or has A's shape minus the last dim; batch
 * dims broadcast. Matches torch.linalg.solve.
 */
export function solve(a: Tensor, b: Tensor, opts: SolveOptions = {}): Tensor {
  const { left } = resolveArgs<Required<SolveOptions>>("linalg.solve", [opts], [], { left: true });
  if (!left) return solve(a.mT, b.mT).mT;
  return solveLU("linalg.solve", a, b);
}

/** B as a batch of matrices: [B, wasVector] (a vector when 1-D or A's shape minus the last dim, as torch). */
function asColumns(op: string, a: Tensor, b: Tensor, n: number): [Tensor, boolean] {
  const vector = b.ndim === 1 || (b.ndim === a.ndim - 1 && b.shape.every((s, i) => s === a.shape[i]));
  const bm = vector ? unsqueeze(b, -1) : b;
  if (bm.ndim < 2 || bm.shape[bm.ndim - 2] !== n)
    throw new Error(`${op}: A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} do not fit: B needs ${n} rows`);
  return [bm, vector];
}

/** A and B expanded to their common batch dims. */
function batched(op: string, a: Tensor, b: Tensor): [Tensor, Tensor] {
  const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  return [expand(a, [...batch, ...a.shape.slice(-2)]), expand(b, [...batch, ...b.shape.slice(-2)])];
}

/** Forward (lower) or back (upper) substitution with the triangle of t, row by row as tensor steps. */
function substitute(t: Tensor, b: Tensor, lower: boolean, unit: boolean): Tensor {
  const n = t.shape[t.ndim - 1]!;
  const xs: Tensor[] = new Array<Tensor>(n);
  for (let s = 0; s < n; s++) {
    const i = lower ? s : n - 1 - s;
    const row = narrow(t, -2, i, 1);
    let r = narrow(b, -2, i, 1);
    if (s > 0) {
      const [lo, len] = lower ? [0, i] : [i + 1, n - i - 1];
      r = r.sub(matmul(narrow(row, -1, lo, len), cat(xs.slice(lo, lo + len), -2)));
    }
    xs[i] = unit ? r : r.div(narrow(row, -1, i, 1));
  }
  return n === 0 ? b : cat(xs, -2);
}

function solveLU(op: string, a: Tensor, b: Tensor): Tensor {
  const n = squareSize(op, a);
  const [bm, vector] = asColumns(op, a, b, n);
  const [A, B] = batched(op, a, bm);
  const r = luDecompose(op, A);
  const zero = zeroPivot(r.lu);
  if (zero) throw new Error(`${op}: the input matrix is singular (U[${zero.at - 1}][${zero.at - 1}] = 0${A.ndim > 2 ? ` in batch element ${zero.batch}` : ""}), so the system has no unique solution`);
  const x = substitute(r.lu, substitute(r.lu, permuteRows(B, r.perm), true, true), false, false);
  return vector ? x.squeeze(-1) : x;
}

export interface SolveTriangularOptions { upper: boolean; left?: boolean; unitriangular?: boolean }

/**
 * X with A X = B (or X A = B when left = false) for triangular A, reading only its upper or lower
 * triangle (and taking its diagonal as ones when unitriangular), by substitution. Matches
 * torch.linalg.solve_triangular (`upper` is required there too).
 */
export function solveTriangular(a: Tensor, b: Tensor, opts: SolveTriangularOptions): Tensor {
  const o = resolveArgs<{ upper: boolean | undefined; left: boolean; unitriangular: boolean }>("linalg.solveTriangular", [opts ?? {}], [], { upper: undefined, left: true, unitriangular: false });
  if (typeof o.upper !== "boolean") throw new TypeError("linalg.solveTriangular: the option 'upper' (true or false) is required");
  if (!o.left) return solveTriangular(a.mT, b.mT, { upper: !o.upper, unitriangular: o.unitriangular }).mT;
  const n = squareSize("linalg.solveTriangular", a);
  if (b.ndim < 2 || b.shape[b.ndim - 2] !== n) throw new Error(`linalg.solveTriangular: A ${fmtShape(a.shape)} and B ${fmtShape(b.shape)} do not fit: B needs ${n} rows`);
  const [A, B] = batched("linalg.solveTriangular", a, b);
  return substitute(A, B, !o.upper, o.unitriangular);
}

export interface LuSolveOptions { left?: boolean; adjoint?: boolean }

/**
 * X with A X = B from luFactor's [LU, pivots] (Aᴴ X = B with adjoint; X A = B with left = false).
 * Matches torch.linalg.lu_solve.
 */
export function luSolve(LU: Tensor, pivots: Tensor, b: Tensor, opts: LuSolveOptions = {}): Tensor {
  const o = resolveArgs<Required<LuSolveOptions>>("linalg.luSolve", [opts], [], { left: true, adjoint: false });
  if (!o.left) return luSolve(LU, pivots, b.mT, { adjoint: !o.adjoint }).mT;
  const n = squareSize("linalg.luSolve", LU);
  if (pivots.dtype !== "int32" || pivots.shape.length !== LU.ndim - 1 || pivots.shape.some((s, i) => s !== LU.shape[i]))
    throw new Error(`linalg.luSolve: pivots must be int32 of shape ${fmtShape(LU.shape.slice(0, -1))}, got ${pivots.dtype} ${fmtShape(pivots.shape)}`);
  if (b.ndim < 2 || b.shape[b.ndim - 2] !== n) throw new Error(`linalg.luSolve: LU ${fmtShape(LU.shape)} and B ${fmtShape(b.shape)} do not fit: B needs ${n} rows`);
  const [lu, B] = batched("linalg.luSolve", LU, b);
  const piv = expand(pivots, lu.shape.slice(0, -1)).contiguous().dataSync();
  const perm = new Int32Array(piv.length).map((_, i) => i % n);
  for (let base = 0; base < piv.length; base += n)
    for (let k = 0; k < n; k++) {
      const p = base + piv[base + k]! - 1;
      if (p < base || p >= base + n) throw new RangeError(`linalg.luSolve: pivot ${piv[base + k]} is out of range 1..${n}`);
      [perm[base + k], perm[p]] = [perm[p]!, perm[base + k]!];
    }
  if (!o.adjoint) return substitute(lu, substitute(lu, permuteRows(B, perm), true, true), false, false);
  // Aᵀ = Uᵀ Lᵀ P with PA = LU: solve Uᵀ, then Lᵀ, then undo the permutation
  const z = substitute(lu.mT, substitute(lu.mT, B, true, false), false, true);
  const inverse = new Int32Array(perm.length);
  for (let base = 0; base < perm.length; base += n) for (let i = 0; i < n; i++) inverse[base + perm[base + i]!] = i;
  return permuteRows(z, inverse);
}

/** A⁻¹ = solve(A, I). Matches torch.linalg.inv (and torch.inverse). */
export function inv(a: Tensor): Tensor {
  const n = squareSize("linalg.inv", a);
  return solveLU("linalg.inv", a, expand(eye(n, { dtype: a.dtype, device: a.device }), a.shape));
}
