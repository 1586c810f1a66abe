// torch's top-level linear-algebra functions outside torch.linalg (det, logdet, slogdet, inverse,
// cholesky, qr, svd, pinverse, cross) with their older argument conventions, and the Tensor methods.

import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { det, inv, logdet, slogdet } from "./linalg-lu.js";
import { cholesky as linalgCholesky, pinv, qr as linalgQr, svd as linalgSvd } from "./linalg-decomp.js";
import { cross as linalgCross } from "./linalg.js";
import { installMethods } from "./methods.js";

export { det, logdet, slogdet };
/** A⁻¹ (torch.inverse; the same as linalg.inv). */
export const inverse = (a: Tensor): Tensor => inv(a);

/** Cholesky factor, lower (or upper when `upper`). Matches torch.cholesky. */
export function cholesky(a: Tensor, ...args: Args<[upper: boolean], { upper?: boolean }>): Tensor {
  const { upper } = resolveArgs<{ upper: boolean }>("cholesky", args, ["upper"], { upper: false });
  return linalgCholesky(a, { upper });
}

/** [Q, R]: reduced when `some` (default), complete otherwise. Matches torch.qr. */
export function qr(a: Tensor, ...args: Args<[some: boolean], { some?: boolean }>): [Tensor, Tensor] {
  const { some } = resolveArgs<{ some: boolean }>("qr", args, ["some"], { some: true });
  return linalgQr(a, some ? "reduced" : "complete");
}

/**
 * [U, S, V] with A = U diag(S) Vᵀ (V, not Vh); reduced when `some` (default). With computeUv = false
 * U and V are zero-filled, as torch. Matches torch.svd.
 */
export function svd(a: Tensor, ...args: Args<[some: boolean, computeUv: boolean], { some?: boolean; computeUv?: boolean }>): [Tensor, Tensor, Tensor] {
  const { some, computeUv } = resolveArgs<{ some: boolean; computeUv: boolean }>("svd", args, ["some", "computeUv"], { some: true, computeUv: true });
  const [u, s, vh] = linalgSvd(a, { fullMatrices: !some });
  return computeUv ? [u, s, vh.mT] : [u.mul(0).detach(), s, vh.mT.mul(0).detach()];
}

/** Pseudo-inverse dropping singular values below rcond·σ₁. Matches torch.pinverse. */
export function pinverse(a: Tensor, ...args: Args<[rcond: number], { rcond?: number }>): Tensor {
  const { rcond } = resolveArgs<{ rcond: number }>("pinverse", args, ["rcond"], { rcond: 1e-15 });
  return pinv(a, { rtol: rcond });
}

/** Cross product along dim; without a dim, the first dim of size 3 (torch's older default). Matches torch.cross. */
export function cross(a: Tensor, b: Tensor, ...args: Args<[dim: number | null], { dim?: number | null }>): Tensor {
  const { dim } = resolveArgs<{ dim: number | null }>("cross", args, ["dim"], { dim: null });
  if (dim !== null) return linalgCross(a, b, { dim });
  const d = a.shape.findIndex((s, i) => s === 3 && (b.shape[i] ?? 3) === 3);
  if (d < 0) throw new Error(`cross: no dimension of size 3 in ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  return linalgCross(a, b, { dim: d });
}

declare module "../tensor.js" {
  interface Tensor {
    det(): Tensor;
    logdet(): Tensor;
    slogdet(): [Tensor, Tensor];
    inverse(): Tensor;
    cholesky(...args: Args<[upper: boolean], { upper?: boolean }>): Tensor;
    qr(...args: Args<[some: boolean], { some?: boolean }>): [Tensor, Tensor];
    svd(...args: Args<[some: boolean, computeUv: boolean], { some?: boolean; computeUv?: boolean }>): [Tensor, Tensor, Tensor];
    pinverse(...args: Args<[rcond: number], { rcond?: number }>): Tensor;
    cross(other: Tensor, ...args: Args<[dim: number | null], { dim?: number | null }>): Tensor;
  }
}

installMethods({
  det(this: Tensor) { return det(this); },
  logdet(this: Tensor) { return logdet(this); },
  slogdet(this: Tensor) { return slogdet(this); },
  inverse(this: Tensor) { return inv(this); },
  cholesky(this: Tensor, ...args: Args<[upper: boolean], { upper?: boolean }>) { return cholesky(this, ...args); },
  qr(this: Tensor, ...args: Args<[some: boolean], { some?: boolean }>) { return qr(this, ...args); },
  svd(this: Tensor, ...args: Args<[some: boolean, computeUv: boolean], { some?: boolean; computeUv?: boolean }>) { return svd(this, ...args); },
  pinverse(this: Tensor, ...args: Args<[rcond: number], { rcond?: number }>) { return pinverse(this, ...args); },
  cross(this: Tensor, other: Tensor, ...args: Args<[dim: number | null], { dim?: number | null }>) { return cross(this, other, ...args); },
});
