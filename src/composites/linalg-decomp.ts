// Decompositions: cholesky (column steps), qr (Householder), eigh/eigvalsh and svd/svdvals (Jacobi
// on the host in float64), pinv, matrixRank. Cholesky and QR are tensor steps that autograd
// differentiates; the Jacobi results get their first-order derivative from a zero-valued term.

import { resolveArgs } from "../options.js";
import { fmtShape, numel } from "../shape.js";
import { Tensor } from "../tensor.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { eye } from "../ops/creation.js";
import { where } from "../ops/elementwise.js";
import { matmul } from "../ops/linalg.js";
import { cat, expand, narrow, pad, unsqueeze } from "../ops/movement.js";
import { amax, sum } from "../ops/reduce.js";
import { floatOnly, floatTensor } from "./common.js";
import { diagonal, solve, squareSize } from "./linalg-lu.js";
import { tril, triu } from "./selection.js";

const wantsGrad = (a: Tensor): boolean => a.requiresGrad && isGradEnabled();

/** The symmetric matrix torch reads from one triangle (UPLO 'L' or 'U'); its gradient is symmetrized, as torch's. */
function symmetricFrom(a: Tensor, uplo: "L" | "U"): Tensor {
  const half = uplo === "L" ? tril(a, -1) : triu(a, 1);
  const value = half.add(half.mT).add(tril(triu(a)));
  if (!wantsGrad(a)) return value.detach();
  const sym = a.add(a.mT).div(2);
  return sym.add(value.sub(sym).detach());
}

/**
 * Lower triangular L with A = L Lᵀ (A symmetric positive-definite, read from its lower triangle),
 * column by column (Cholesky–Banachiewicz); `upper` returns Lᵀ. Matches torch.linalg.cholesky.
 */
export function cholesky(a: Tensor, opts: { upper?: boolean } = {}): Tensor {
  const { upper } = resolveArgs<{ upper: boolean }>("linalg.cholesky", [opts], [], { upper: false });
  const n = squareSize("linalg.cholesky", a);
  const s = symmetricFrom(a, "L");
  const cols: Tensor[] = [];
  const batchDims = a.shape.slice(0, -2);
  for (let j = 0; j < n; j++) {
    let col = narrow(s, -1, j, 1);
    if (j > 0) {
      const l = cat(cols, -1);
      col = col.sub(matmul(l, narrow(l, -2, j, 1).mT));
    }
    const d = narrow(col, -2, j, 1);
    const bad = [...d.detach().dataSync()].findIndex((v) => !(v > 0));
    if (bad >= 0)
      throw new Error(`linalg.cholesky: ${batchDims.length ? `(batch element ${bad}) ` : ""}the input is not positive-definite (the leading minor of order ${j + 1} is not positive-definite)`);
    const keep = floatTensor(a, Array.from({ length: n }, (_, i) => +(i >= j)), [n, 1]);
    cols.push(col.div(d.sqrt()).mul(keep));
  }
  const l = n === 0 ? a : cat(cols, -1);
  return upper ? l.mT : l;
}

export type QRMode = "reduced" | "complete" | "r";

/**
 * A = QR by Householder reflections Hₖ = I − 2vvᵀ/vᵀv with Rₖₖ = −sign(aₖₖ)‖aₖ‖ (LAPACK's geqrf
 * sign convention, so Q and R match torch's). mode 'reduced' (Q [m, k], R [k, n]), 'complete'
 * (Q [m, m]) or 'r' (Q empty). Differentiable through the reflections. Matches torch.linalg.qr.
 */
export function qr(a: Tensor, ...args: [mode?: QRMode] | [opts: { mode?: QRMode }]): [Tensor, Tensor] {
  const { mode } = resolveArgs<{ mode: QRMode }>("linalg.qr", args, ["mode"], { mode: "reduced" });
  if (mode !== "reduced" && mode !== "complete" && mode !== "r") throw new TypeError(`linalg.qr: mode must be 'reduced', 'complete' or 'r', got '${String(mode)}'`);
  if (a.ndim < 2) throw new Error(`linalg.qr: expects a batch of matrices [..., m, n], got ${fmtShape(a.shape)}`);
  floatOnly("linalg.qr", a);
  const m = a.shape[a.ndim - 2]!, n = a.shape[a.ndim - 1]!, k = Math.min(m, n);
  let r = a;
  let q = expand(eye(m, { dtype: a.dtype, device: a.device }), [...a.shape.slice(0, -2), m, m]);
  for (let j = 0; j < Math.min(m - 1, n); j++) {
    const x = narrow(narrow(r, -1, j, 1), -2, j, m - j); // [..., m − j, 1]
    const alpha = narrow(x, -2, 0, 1);
    const below = sum(narrow(x, -2, 1, m - j - 1).square(), -2, true);
    const flat = below.eq(0); // nothing to eliminate: H = I (LAPACK's tau = 0)
    const s = where(alpha.detach().lt(0), -1, 1);
    const norm = where(flat, 1, alpha.square().add(below)).sqrt();
    const v0 = alpha.add(s.mul(norm)); // alpha − beta with beta = −sign(alpha)·‖x‖
    const v = pad(cat([v0, narrow(x, -2, 1, m - j - 1)], -2), [0, 0, j, 0]); // [..., m, 1]
    const vtv = sum(v.square(), -2, true);
    const scale = where(flat, 0, where(flat, 1, vtv).reciprocal().mul(2));
    r = r.sub(matmul(v, matmul(v.mT, r)).mul(scale));
    q = q.sub(matmul(matmul(q, v), v.mT).mul(scale));
  }
  r = triu(r);
  if (mode === "complete") return [q, r];
  const rk = narrow(r, -2, 0, k);
  return [mode === "r" ? floatTensor(a, [], [0]) : narrow(q, -1, 0, k), rk];
}

/** Cyclic Jacobi on a symmetric n×n (row-major, float64): eigenvalues ascending and eigenvectors as columns. */
function jacobiEigh(a: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const total = a.reduce((s, x) => s + x * x, 0);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off <= 1e-32 * total || off === 0) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!, akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!, aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
          const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const w = Float64Array.from(order, (i) => a[i * n + i]!);
  const vs = new Float64Array(n * n);
  order.forEach((src, dst) => {
    // a deterministic sign: the largest entry of each eigenvector is positive (LAPACK's is arbitrary too)
    let big = 0;
    for (let k = 0; k < n; k++) if (Math.abs(v[k * n + src]!) > Math.abs(big)) big = v[k * n + src]!;
    for (let k = 0; k < n; k++) vs[k * n + dst] = big < 0 ? -v[k * n + src]! : v[k * n + src]!;
  });
  return { w, v: vs };
}

/** Per batch element, host float64 copies of the matrices. */
function hostMatrices(x: Tensor): Float64Array[] {
  const m = x.shape[x.ndim - 2]!, n = x.shape[x.ndim - 1]!, data = x.detach().dataSync();
  return Array.from({ length: numel(x.shape.slice(0, -2)) }, (_, b) => Float64Array.from(data.subarray(b * m * n, (b + 1) * m * n)));
}

/** 1/(λⱼ − λᵢ) off the diagonal (0 on it); throws naming `op` when two are equal and a gradient is wanted. */
function gapMatrix(op: string, lam: Tensor, squared: boolean): Tensor {
  const l = squared ? lam.square() : lam;
  const diff = unsqueeze(l, -2).sub(unsqueeze(l, -1)); // [i][j] = λⱼ − λᵢ
  const n = lam.shape[lam.ndim - 1]!;
  const off = floatTensor(lam, Array.from({ length: n * n }, (_, i) => +(Math.floor(i / n) !== i % n)), [n, n]).bool();
  const d = diff.detach().dataSync(), o = off.dataSync();
  for (let i = 0; i < d.length; i++)
    if (o[i % (n * n)] && d[i] === 0)
      throw new Error(`${op}: the gradient is not supported for repeated ${squared ? "singular values" : "eigenvalues"} (it is infinite there)`);
  return where(off, where(off, diff, 1).reciprocal(), 0);
}

export interface EighOptions { UPLO?: "L" | "U" }

function eighImpl(op: string, a: Tensor, opts: EighOptions, vectors: boolean): [Tensor, Tensor | null] {
  const { UPLO } = resolveArgs<Required<EighOptions>>(op, [opts], [], { UPLO: "L" });
  if (UPLO !== "L" && UPLO !== "U") throw new TypeError(`${op}: UPLO must be 'L' or 'U', got '${String(UPLO)}'`);
  const n = squareSize(op, a);
  const s = symmetricFrom(a, UPLO);
  const ws: number[] = [], vs: number[] = [];
  for (const m of hostMatrices(s)) {
    const { w, v } = jacobiEigh(m, n);
    ws.push(...w);
    vs.push(...v);
  }
  const batch = a.shape.slice(0, -2);
  let lam = floatTensor(a, ws, [...batch, n]), vec = floatTensor(a, vs, [...batch, n, n]);
  if (wantsGrad(a)) {
    // first-order terms that are exactly zero in value: dλ = diag(Vᵀ dA V), dV = V (F ∘ Vᵀ dA V), Fᵢⱼ = 1/(λⱼ − λᵢ)
    const p = matmul(matmul(vec.mT, s.sub(s.detach())), vec);
    if (vectors) vec = vec.add(matmul(vec, gapMatrix(op, lam, false).mul(p)));
    lam = lam.add(diagonal(p));
  }
  return [lam, vectors ? vec : null];
}

/**
 * Eigen-decomposition of symmetric matrices (read from the UPLO triangle): [eigenvalues ascending,
 * eigenvectors as columns], by cyclic Jacobi rotations in float64. Eigenvector signs are arbitrary,
 * as LAPACK's (here each one's largest entry is positive). Differentiable for distinct eigenvalues
 * (torch's formula). Matches torch.linalg.eigh.
 */
export function eigh(a: Tensor, opts: EighOptions = {}): [Tensor, Tensor] {
  const [w, v] = eighImpl("linalg.eigh", a, opts, true);
  return [w, v!];
}
/** The eigenvalues of symmetric matrices, ascending; gradient V diag(g) Vᵀ. Matches torch.linalg.eigvalsh. */
export const eigvalsh = (a: Tensor, opts: EighOptions = {}): Tensor => eighImpl("linalg.eigvalsh", a, opts, false)[0];

/** Orthonormal completion: appends unit vectors orthogonal to the given columns until there are `want`. */
function complete(cols: Float64Array[], m: number, want: number): Float64Array[] {
  for (let e = 0; cols.length < want && e < m; e++) {
    const v = new Float64Array(m);
    v[e] = 1;
    for (let pass = 0; pass < 2; pass++)
      for (const c of cols) {
        const dot = c.reduce((s, x, i) => s + x * v[i]!, 0);
        for (let i = 0; i < m; i++) v[i]! -= dot * c[i]!;
      }
    const nv = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    if (nv > 1e-6) cols.push(v.map((x) => x / nv));
  }
  return cols;
}

/** One-sided Jacobi (Hestenes) on an m×n (m ≥ n) matrix: U [m, n], S descending, V [n, n]. */
function jacobiSvd(a: Float64Array, m: number, n: number): { u: Float64Array[]; s: number[]; v: Float64Array[] } {
  const cu = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => a[i * n + j]!));
  const cv = Array.from({ length: n }, (_, j) => Float64Array.from({ length: n }, (_, i) => +(i === j)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const up = cu[p]!, uq = cu[q]!;
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) [alpha, beta, gamma] = [alpha + up[i]! ** 2, beta + uq[i]! ** 2, gamma + up[i]! * uq[i]!];
        if (gamma === 0 || Math.abs(gamma) <= 1e-16 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (const [x, y] of [[up, uq], [cv[p]!, cv[q]!]] as const)
          for (let i = 0; i < x.length; i++) [x[i], y[i]] = [c * x[i]! - s * y[i]!, s * x[i]! + c * y[i]!];
      }
    if (!rotated) break;
  }
  const s = cu.map((c) => Math.sqrt(c.reduce((acc, x) => acc + x * x, 0)));
  const order = s.map((_, i) => i).sort((i, j) => s[j]! - s[i]!);
  const u: Float64Array[] = [];
  for (const i of order) if (s[i]! > 0) u.push(cu[i]!.map((x) => x / s[i]!));
  return { u, s: order.map((i) => s[i]!), v: order.map((i) => cv[i]!) };
}

export interface SvdOptions { fullMatrices?: boolean }

/**
 * A = U diag(S) Vh with S descending, by one-sided Jacobi in float64: [U, S, Vh]; fullMatrices
 * (default true, as torch) completes U or Vh to square. Signs of singular vector pairs are arbitrary,
 * as LAPACK's. Differentiable with fullMatrices = false (or square A) and distinct singular values
 * (torch's formula). Matches torch.linalg.svd.
 */
export function svd(a: Tensor, ...args: [fullMatrices?: boolean] | [opts: SvdOptions]): [Tensor, Tensor, Tensor] {
  const { fullMatrices } = resolveArgs<Required<SvdOptions>>("linalg.svd", args, ["fullMatrices"], { fullMatrices: true });
  return svdImpl("linalg.svd", a, fullMatrices, true) as [Tensor, Tensor, Tensor];
}
/** The singular values, descending; gradient U diag(g) Vᵀ. Matches torch.linalg.svdvals. */
export const svdvals = (a: Tensor): Tensor => svdImpl("linalg.svdvals", a, false, false)[1];

function svdImpl(op: string, a: Tensor, full: boolean, vectors: boolean): [Tensor | null, Tensor, Tensor | null] {
  if (a.ndim < 2) throw new Error(`${op}: expects a batch of matrices [..., m, n], got ${fmtShape(a.shape)}`);
  floatOnly(op, a);
  const m = a.shape[a.ndim - 2]!, n = a.shape[a.ndim - 1]!;
  if (m < n) {
    const [u, s, vh] = svdImpl(op, a.mT, full, vectors);
    return [vh && vh.mT, s, u && u.mT];
  }
  const k = n, batch = a.shape.slice(0, -2), grad = wantsGrad(a);
  if (grad && vectors && full && m !== n)
    throw new Error(`${op}: the gradient is not supported with fullMatrices = true for a non-square input ${fmtShape(a.shape)} (the completed vectors are not unique); use fullMatrices = false`);
  const us: number[] = [], ss: number[] = [], vs: number[] = [];
  const width = full ? m : k;
  for (const mat of hostMatrices(a)) {
    const r = jacobiSvd(mat, m, n);
    const u = complete(r.u, m, width);
    for (let i = 0; i < m; i++) for (let j = 0; j < width; j++) us.push(u[j]![i]!);
    ss.push(...r.s);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) vs.push(r.v[i]![j]!); // rows of Vh
  }
  let U = floatTensor(a, us, [...batch, m, width]), S = floatTensor(a, ss, [...batch, k]), Vh = floatTensor(a, vs, [...batch, k, n]);
  if (grad) {
    const Uk = narrow(U, -1, 0, k), V = Vh.mT, dA = a.sub(a.detach());
    const p = matmul(matmul(Uk.mT, dA), V); // Uᵀ dA V, zero in value
    if (vectors) {
      // Townsend (2016): dU = U (F ∘ (dP S + S dPᵀ)) + (I − UUᵀ) dA V S⁻¹, dV = V (F ∘ (S dP + dPᵀ S)), Fᵢⱼ = 1/(sⱼ² − sᵢ²)
      const f = gapMatrix(op, S, true), sr = unsqueeze(S, -2), sc = unsqueeze(S, -1);
      if ([...S.detach().dataSync()].some((v) => v === 0))
        throw new Error(`${op}: the gradient is not supported for a rank-deficient input (a zero singular value)`);
      const dU = matmul(Uk, f.mul(p.mul(sr).add(p.mT.mul(sc)))).add(matmul(dA, V).sub(matmul(Uk, p)).div(sr));
      const dV = matmul(V, f.mul(p.mul(sc).add(p.mT.mul(sr))));
      U = full ? cat([Uk.add(dU), narrow(U, -1, k, m - k)], -1) : U.add(dU);
      Vh = Vh.add(dV.mT);
    }
    S = S.add(diagonal(p));
  }
  return [vectors ? U : null, S, vectors ? Vh : null];
}

export interface RankOptions { atol?: number | null; rtol?: number | null; hermitian?: boolean }

/** Singular values above max(atol, rtol·σ₁); rtol defaults to eps·max(m, n) when atol is not given (torch's rule). */
function tolerance(a: Tensor, s: Tensor, o: Required<RankOptions>): Tensor {
  const eps = a.dtype === "float64" ? 2.220446049250313e-16 : 1.1920928955078125e-7;
  const m = a.shape[a.ndim - 2]!, n = a.shape[a.ndim - 1]!;
  const rtol = o.rtol ?? (o.atol !== null && o.atol > 0 ? 0 : eps * Math.max(m, n));
  const top = s.shape[s.ndim - 1] === 0 ? s.sum(-1, true) : amax(s, -1, true);
  return top.mul(rtol).maximum(o.atol ?? 0);
}

/** Number of singular values above the tolerance, int32. Matches torch.linalg.matrix_rank. */
export function matrixRank(a: Tensor, opts: RankOptions = {}): Tensor {
  const o = resolveArgs<Required<RankOptions>>("linalg.matrixRank", [opts], [], { atol: null, rtol: null, hermitian: false });
  const s = o.hermitian ? eigvalsh(a.detach()).abs() : svdvals(a.detach());
  return sum(s.gt(tolerance(a, s, o)), -1);
}

/**
 * Moore–Penrose pseudo-inverse V diag(1/σ) Uᵀ over the singular values above the tolerance. Its
 * gradient comes from (AᵀA)⁻¹Aᵀ (or Aᵀ(AAᵀ)⁻¹), valid at full rank; a rank-deficient input that
 * requires grad is refused. Matches torch.linalg.pinv.
 */
export function pinv(a: Tensor, opts: RankOptions = {}): Tensor {
  const o = resolveArgs<Required<RankOptions>>("linalg.pinv", [opts], [], { atol: null, rtol: null, hermitian: false });
  if (a.ndim < 2) throw new Error(`linalg.pinv: expects a batch of matrices [..., m, n], got ${fmtShape(a.shape)}`);
  const m = a.shape[a.ndim - 2]!, n = a.shape[a.ndim - 1]!;
  const src = o.hermitian ? symmetricFrom(a, "L") : a; // torch reads a hermitian input's lower triangle
  const [u, s, vh] = svd(src.detach(), false);
  const keep = s.gt(tolerance(a, s, o));
  const inv = where(keep, where(keep, s, 1).reciprocal(), 0);
  const value = matmul(vh.mT.mul(unsqueeze(inv, -2)), u.mT);
  if (!wantsGrad(a)) return value;
  if (![...keep.dataSync()].every(Boolean)) throw new Error(`linalg.pinv: the gradient is not supported for a rank-deficient input ${fmtShape(a.shape)}`);
  // torch's pinv gradient is the general one, also for hermitian = true: from a itself, not its triangle
  const formula = m >= n ? solve(matmul(a.mT, a), a.mT) : solve(matmul(a, a.mT), a).mT;
  return value.add(formula.sub(formula.detach()));
}
