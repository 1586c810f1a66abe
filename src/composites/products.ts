// Products with torch's names: outer/ger, inner, kron, tensordot, mv, addmm, addmv, addr, addbmm,
// baddbmm, addcmul, addcdiv, vdot, chainMatmul, matrixPower, and the distances cdist, pdist, dist.
// Composites of matmul, broadcasting and reductions, so autograd needs no new rules.

import { resolveArgs, type Args } from "../options.js";
import { broadcastShapes, fmtShape, normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { eye } from "../ops/creation.js";
import { where } from "../ops/elementwise.js";
import { indexSelect } from "../ops/indexing.js";
import { matmul } from "../ops/linalg.js";
import { expand, permute, reshape, unsqueeze } from "../ops/movement.js";
import { norm, sum } from "../ops/reduce.js";
import { int32Tensor } from "./common.js";
import { inv } from "./linalg-lu.js";
import { multiDot } from "./linalg.js";
import { installMethods } from "./methods.js";

function need(op: string, t: Tensor, ndim: number, name: string): void {
  if (t.ndim !== ndim) throw new Error(`${op}: ${name} must be ${ndim}-D, got ${fmtShape(t.shape)}`);
}

/** Outer product of two vectors: out[i][j] = a[i]·b[j]. Matches torch.outer (and torch.ger). */
export function outer(a: Tensor, b: Tensor): Tensor {
  need("outer", a, 1, "input");
  need("outer", b, 1, "vec2");
  return unsqueeze(a, 1).mul(unsqueeze(b, 0));
}
/** Alias of outer (torch.ger). */
export const ger = outer;

/**
 * Sum over the last dims of a and b: out[i…, j…] = Σₖ a[i…, k]·b[j…, k] (a product with a scalar
 * when either is 0-d). Matches torch.inner.
 */
export function inner(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) return a.mul(b);
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 1])
    throw new Error(`inner: the last dims of ${fmtShape(a.shape)} and ${fmtShape(b.shape)} must match`);
  return tensordot(a, b, [[a.ndim - 1], [b.ndim - 1]]);
}

/** Kronecker product: out[i·m + k] = a[i]·b[k] in every dim (shapes padded with leading 1s). Matches torch.kron. */
export function kron(a: Tensor, b: Tensor): Tensor {
  const n = Math.max(a.ndim, b.ndim);
  const sa = [...Array<number>(n - a.ndim).fill(1), ...a.shape], sb = [...Array<number>(n - b.ndim).fill(1), ...b.shape];
  const ai = reshape(a, sa.flatMap((s) => [s, 1])), bi = reshape(b, sb.flatMap((s) => [1, s]));
  return reshape(ai.mul(bi), sa.map((s, i) => s * sb[i]!));
}

export type TensordotDims = number | [readonly number[], readonly number[]];

/**
 * Contracts dims of a with dims of b: an integer n pairs a's last n dims with b's first n; two lists
 * pair them one by one. The result has a's free dims, then b's. Matches torch.tensordot.
 */
export function tensordot(a: Tensor, b: Tensor, ...args: Args<[dims: TensordotDims], { dims?: TensordotDims }>): Tensor {
  const { dims } = resolveArgs<{ dims: TensordotDims }>("tensordot", args, ["dims"], { dims: 2 });
  let da: number[], db: number[];
  if (typeof dims === "number") {
    if (!Number.isInteger(dims) || dims < 0 || dims > a.ndim || dims > b.ndim)
      throw new RangeError(`tensordot: dims = ${dims} must be an integer in 0..${Math.min(a.ndim, b.ndim)} for ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
    da = Array.from({ length: dims }, (_, i) => a.ndim - dims + i);
    db = Array.from({ length: dims }, (_, i) => i);
  } else {
    if (!Array.isArray(dims) || dims.length !== 2 || dims[0].length !== dims[1].length)
      throw new TypeError("tensordot: dims must be an integer or two lists of equal length");
    da = dims[0].map((d) => normDim("tensordot", d, a.ndim));
    db = dims[1].map((d) => normDim("tensordot", d, b.ndim));
  }
  da.forEach((d, i) => {
    if (a.shape[d] !== b.shape[db[i]!])
      throw new Error(`tensordot: contracted dim ${d} of ${fmtShape(a.shape)} (size ${a.shape[d]}) and dim ${db[i]} of ${fmtShape(b.shape)} (size ${b.shape[db[i]!]}) differ`);
  });
  const freeA = [...a.shape.keys()].filter((d) => !da.includes(d)), freeB = [...b.shape.keys()].filter((d) => !db.includes(d));
  const k = da.reduce((p, d) => p * a.shape[d]!, 1);
  const am = reshape(permute(a, [...freeA, ...da]), [-1, k]);
  const bm = reshape(permute(b, [...db, ...freeB]), [k, -1]);
  return reshape(matmul(am, bm), [...freeA.map((d) => a.shape[d]!), ...freeB.map((d) => b.shape[d]!)]);
}

/** Matrix–vector product of a 2-D matrix and a 1-D vector. Matches torch.mv. */
export function mv(mat: Tensor, vec: Tensor): Tensor {
  need("mv", mat, 2, "input");
  need("mv", vec, 1, "vec");
  return matmul(mat, vec);
}

export interface BetaAlphaOptions { beta?: number; alpha?: number }

/** β·input + α·product, broadcasting input; β = 0 ignores input (its NaN and ∞ too), as torch. */
function scaledAdd(op: string, input: Tensor, product: Tensor, opts: BetaAlphaOptions | undefined): Tensor {
  const { beta, alpha } = resolveArgs<Required<BetaAlphaOptions>>(op, opts === undefined ? [] : [opts], [], { beta: 1, alpha: 1 });
  const shape = broadcastShapes(op, input.shape, product.shape);
  if (shape.length !== product.ndim || shape.some((s, i) => s !== product.shape[i]))
    throw new Error(`${op}: input ${fmtShape(input.shape)} must broadcast to the product's shape ${fmtShape(product.shape)}`);
  const p = alpha === 1 ? product : product.mul(alpha);
  if (beta === 0) return p;
  return (beta === 1 ? input : input.mul(beta)).add(p);
}

/** β·input + α·(mat1 @ mat2) for 2-D matrices. Matches torch.addmm. */
export function addmm(input: Tensor, mat1: Tensor, mat2: Tensor, opts?: BetaAlphaOptions): Tensor {
  need("addmm", mat1, 2, "mat1");
  need("addmm", mat2, 2, "mat2");
  return scaledAdd("addmm", input, matmul(mat1, mat2), opts);
}
/** β·input + α·(mat @ vec). Matches torch.addmv. */
export function addmv(input: Tensor, mat: Tensor, vec: Tensor, opts?: BetaAlphaOptions): Tensor {
  return scaledAdd("addmv", input, mv(mat, vec), opts);
}
/** β·input + α·outer(vec1, vec2). Matches torch.addr. */
export function addr(input: Tensor, vec1: Tensor, vec2: Tensor, opts?: BetaAlphaOptions): Tensor {
  return scaledAdd("addr", input, outer(vec1, vec2), opts);
}

function batches(op: string, b1: Tensor, b2: Tensor): Tensor {
  if (b1.ndim !== 3 || b2.ndim !== 3 || b1.shape[0] !== b2.shape[0])
    throw new Error(`${op}: batch1 and batch2 must be 3-D with equal batch sizes, got ${fmtShape(b1.shape)} and ${fmtShape(b2.shape)}`);
  return matmul(b1, b2);
}
/** β·input + α·Σᵦ batch1[b] @ batch2[b]. Matches torch.addbmm. */
export function addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts?: BetaAlphaOptions): Tensor {
  return scaledAdd("addbmm", input, sum(batches("addbmm", batch1, batch2), 0), opts);
}
/** β·input + α·(batch1 @ batch2) per batch. Matches torch.baddbmm. */
export function baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, opts?: BetaAlphaOptions): Tensor {
  return scaledAdd("baddbmm", input, batches("baddbmm", batch1, batch2), opts);
}

/** input + value·t1·t2 (broadcast). Matches torch.addcmul. */
export function addcmul(input: Tensor, t1: Tensor, t2: Tensor, opts: { value?: number } = {}): Tensor {
  const { value } = resolveArgs<{ value: number }>("addcmul", [opts], [], { value: 1 });
  return input.add((value === 1 ? t1 : t1.mul(value)).mul(t2));
}
/** input + value·t1/t2 (broadcast; integer t1 and t2 are refused, as torch). Matches torch.addcdiv. */
export function addcdiv(input: Tensor, t1: Tensor, t2: Tensor, opts: { value?: number } = {}): Tensor {
  const { value } = resolveArgs<{ value: number }>("addcdiv", [opts], [], { value: 1 });
  if (!t1.isFloatingPoint() && !t2.isFloatingPoint())
    throw new TypeError(`addcdiv: integer division of ${t1.dtype} tensors is not supported (as in torch); cast tensor1 or tensor2 to float`);
  return input.add((value === 1 ? t1 : t1.mul(value)).div(t2));
}

/** Σ aᵢ·bᵢ of two 1-D tensors (real: the same as dot). Matches torch.vdot. */
export function vdot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1 || a.shape[0] !== b.shape[0])
    throw new Error(`vdot: expected two 1-D tensors of equal length, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return reshape(matmul(a, b), []);
}

/** The product of 2-D matrices in order (torch.chain_matmul; deprecated there for linalg.multiDot). */
export function chainMatmul(...matrices: Tensor[]): Tensor {
  if (matrices.length === 0) throw new Error("chainMatmul: expects at least one matrix");
  matrices.forEach((m, i) => need("chainMatmul", m, 2, `matrix ${i}`));
  return matrices.length === 1 ? matrices[0]! : multiDot(matrices);
}

/**
 * Aⁿ of square matrices [..., n, n] by repeated squaring; n = 0 gives I and n < 0 is (A⁻¹)^|n|.
 * Matches torch.matrix_power (torch.linalg.matrix_power).
 */
export function matrixPower(a: Tensor, n: number): Tensor {
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2])
    throw new Error(`matrixPower: expects square matrices [..., n, n], got ${fmtShape(a.shape)}`);
  if (!Number.isInteger(n)) throw new TypeError(`matrixPower: the exponent must be an integer, got ${n}`);
  if (n === 0) return expand(eye(a.shape[a.ndim - 1]!, { dtype: a.dtype, device: a.device }), a.shape).contiguous();
  let base = n < 0 ? inv(a) : a;
  let k = Math.abs(n), out: Tensor | null = null;
  for (;;) {
    if (k & 1) out = out === null ? base : matmul(out, base);
    k >>= 1;
    if (k === 0) return out!;
    base = matmul(base, base);
  }
}

export type CdistMode = "use_mm_for_euclid_dist_if_necessary" | "use_mm_for_euclid_dist" | "donot_use_mm_for_euclid_dist";

/** p-norm distance of every row pair ‖x1[i] − x2[j]‖ₚ over the last dims (batch dims broadcast). Zero distances get gradient 0, as torch. */
export function cdist(x1: Tensor, x2: Tensor, ...args: Args<[p: number, computeMode: CdistMode], { p?: number; computeMode?: CdistMode }>): Tensor {
  const o = resolveArgs<{ p: number; computeMode: CdistMode }>("cdist", args, ["p", "computeMode"], { p: 2, computeMode: "use_mm_for_euclid_dist_if_necessary" });
  if (!["use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist"].includes(o.computeMode))
    throw new TypeError(`cdist: computeMode must be one of use_mm_for_euclid_dist_if_necessary, use_mm_for_euclid_dist, donot_use_mm_for_euclid_dist; got '${String(o.computeMode)}'`);
  if (x1.ndim < 2 || x2.ndim < 2 || x1.shape[x1.ndim - 1] !== x2.shape[x2.ndim - 1])
    throw new Error(`cdist: x1 ${fmtShape(x1.shape)} and x2 ${fmtShape(x2.shape)} must be [..., P, M] and [..., R, M] with the same M`);
  if (!(o.p >= 0)) throw new RangeError(`cdist: p must be non-negative, got ${o.p}`);
  const rows = Math.max(x1.shape[x1.ndim - 2]!, x2.shape[x2.ndim - 2]!);
  if (o.p === 2 && (o.computeMode === "use_mm_for_euclid_dist" || (o.computeMode === "use_mm_for_euclid_dist_if_necessary" && rows > 25)))
    return euclideanByMatmul(x1, x2);
  // differences of all pairs: exact for every p, memory P·R·M
  return pnorm(unsqueeze(x1, -2).sub(unsqueeze(x2, -3)), o.p);
}

/**
 * torch's matmul route for p = 2: ‖a − b‖ = √max(0, ‖a‖² + ‖b‖² − 2a·b), one GEMM instead of P·R·M
 * differences. A zero distance gets gradient 0, as torch's _euclidean_dist.
 */
function euclideanByMatmul(x1: Tensor, x2: Tensor): Tensor {
  const n1 = x1.square().sum(-1, true), n2 = x2.square().sum(-1, true);
  const sq = n1.add(n2.mT).sub(matmul(x1, x2.mT).mul(2)).clamp(0);
  const zero = sq.eq(0);
  return where(zero, 0, where(zero, 1, sq).sqrt());
}

const pnorm = (d: Tensor, p: number): Tensor => norm(d, p, -1);

/** Distances of all row pairs i < j of a 2-D input, in row-major order: N(N − 1)/2 values. Matches torch.pdist. */
export function pdist(x: Tensor, ...args: Args<[p: number], { p?: number }>): Tensor {
  const { p } = resolveArgs<{ p: number }>("pdist", args, ["p"], { p: 2 });
  need("pdist", x, 2, "input");
  if (!(p >= 0)) throw new RangeError(`pdist: p must be non-negative, got ${p}`);
  const n = x.shape[0]!, is: number[] = [], js: number[] = [];
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      is.push(i);
      js.push(j);
    }
  const rows = (idx: number[]): Tensor => indexSelect(x, 0, int32Tensor(x, idx, [idx.length]));
  return pnorm(rows(is).sub(rows(js)), p);
}

/** ‖a − b‖ₚ over all elements (a and b broadcast). Matches torch.dist. */
export function dist(a: Tensor, b: Tensor, ...args: Args<[p: number], { p?: number }>): Tensor {
  const { p } = resolveArgs<{ p: number }>("dist", args, ["p"], { p: 2 });
  return norm(a.sub(b), p);
}

declare module "../tensor.js" {
  interface Tensor {
    outer(vec2: Tensor): Tensor;
    ger(vec2: Tensor): Tensor;
    inner(other: Tensor): Tensor;
    kron(other: Tensor): Tensor;
    mv(vec: Tensor): Tensor;
    addmm(mat1: Tensor, mat2: Tensor, opts?: BetaAlphaOptions): Tensor;
    addmv(mat: Tensor, vec: Tensor, opts?: BetaAlphaOptions): Tensor;
    addr(vec1: Tensor, vec2: Tensor, opts?: BetaAlphaOptions): Tensor;
    addbmm(batch1: Tensor, batch2: Tensor, opts?: BetaAlphaOptions): Tensor;
    baddbmm(batch1: Tensor, batch2: Tensor, opts?: BetaAlphaOptions): Tensor;
    addcmul(t1: Tensor, t2: Tensor, opts?: { value?: number }): Tensor;
    addcdiv(t1: Tensor, t2: Tensor, opts?: { value?: number }): Tensor;
    vdot(other: Tensor): Tensor;
    matrixPower(n: number): Tensor;
    dist(other: Tensor, ...args: Args<[p: number], { p?: number }>): Tensor;
  }
}

installMethods({
  outer(this: Tensor, v: Tensor) { return outer(this, v); },
  ger(this: Tensor, v: Tensor) { return outer(this, v); },
  inner(this: Tensor, o: Tensor) { return inner(this, o); },
  kron(this: Tensor, o: Tensor) { return kron(this, o); },
  mv(this: Tensor, v: Tensor) { return mv(this, v); },
  addmm(this: Tensor, m1: Tensor, m2: Tensor, opts?: BetaAlphaOptions) { return addmm(this, m1, m2, opts); },
  addmv(this: Tensor, m: Tensor, v: Tensor, opts?: BetaAlphaOptions) { return addmv(this, m, v, opts); },
  addr(this: Tensor, v1: Tensor, v2: Tensor, opts?: BetaAlphaOptions) { return addr(this, v1, v2, opts); },
  addbmm(this: Tensor, b1: Tensor, b2: Tensor, opts?: BetaAlphaOptions) { return addbmm(this, b1, b2, opts); },
  baddbmm(this: Tensor, b1: Tensor, b2: Tensor, opts?: BetaAlphaOptions) { return baddbmm(this, b1, b2, opts); },
  addcmul(this: Tensor, t1: Tensor, t2: Tensor, opts?: { value?: number }) { return addcmul(this, t1, t2, opts); },
  addcdiv(this: Tensor, t1: Tensor, t2: Tensor, opts?: { value?: number }) { return addcdiv(this, t1, t2, opts); },
  vdot(this: Tensor, o: Tensor) { return vdot(this, o); },
  matrixPower(this: Tensor, n: number) { return matrixPower(this, n); },
  dist(this: Tensor, o: Tensor, ...args: Args<[p: number], { p?: number }>) { return dist(this, o, ...args); },
});
