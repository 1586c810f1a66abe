// torch's older LU and triangular-solve functions outside torch.linalg (torch.lu, lu_unpack,
// lu_solve, triangular_solve), with their argument orders, on top of linalg.luFactor/luSolve/solveTriangular.

import { eye, tensor } from "../ops/creation.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { luFactor, luSolve as linalgLuSolve, solveTriangular } from "./linalg-lu.js";
import { installMethods } from "./methods.js";

type LuArgs = Args<[pivot: boolean, getInfos: boolean], { pivot?: boolean; getInfos?: boolean }>;

/**
 * [LU, pivots] (and infos with getInfos: per matrix 0, or i when U's i-th diagonal entry, 1-based,
 * is exactly zero, as LAPACK's getrf). Matches torch.lu (deprecated in torch for linalg.luFactor).
 */
export function lu(a: Tensor, ...args: LuArgs): [Tensor, Tensor] | [Tensor, Tensor, Tensor] {
  const { pivot, getInfos } = resolveArgs("lu", args, ["pivot", "getInfos"], { pivot: true, getInfos: false });
  const [LU, piv] = luFactor(a, { pivot });
  if (!getInfos) return [LU, piv];
  const n = a.shape[a.ndim - 1]!, d = LU.diagonal(0, -2, -1).dataSync(), batch = a.shape.slice(0, -2);
  const infos = Int32Array.from({ length: d.length / Math.max(n, 1) }, (_, b) => {
    for (let i = 0; i < n; i++) if (d[b * n + i] === 0) return i + 1;
    return 0;
  });
  return [LU, piv, tensor(infos, { dtype: "int32", device: a.device, shape: batch })];
}

/**
 * [P, L, U] from lu's packed factors, A = P L U (L unit lower triangular); unpackData = false
 * leaves L and U empty, unpackPivots = false leaves P empty, as torch. Matches torch.lu_unpack.
 */
export function luUnpack(LU: Tensor, pivots: Tensor, ...args: Args<[unpackData: boolean, unpackPivots: boolean], { unpackData?: boolean; unpackPivots?: boolean }>): [Tensor, Tensor, Tensor] {
  const { unpackData, unpackPivots } = resolveArgs("luUnpack", args, ["unpackData", "unpackPivots"], { unpackData: true, unpackPivots: true });
  if (LU.ndim < 2) throw new Error(`luUnpack: LU must have at least 2 dims, got ${fmtShape(LU.shape)}`);
  const m = LU.shape[LU.ndim - 2]!, n = LU.shape[LU.ndim - 1]!, k = Math.min(m, n);
  if (pivots.dtype !== "int32" || pivots.shape[pivots.ndim - 1] !== k) throw new Error(`luUnpack: pivots must be int32 [..., ${k}], got ${pivots.dtype} ${fmtShape(pivots.shape)}`);
  const o = { dtype: LU.dtype, device: LU.device };
  const none = tensor([], { ...o, shape: [0] });
  let P = none;
  if (unpackPivots) {
    const pv = pivots.dataSync(), batch = pv.length / k, p = new Float64Array(batch * m * m);
    for (let b = 0; b < batch; b++) {
      const perm = Array.from({ length: m }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = pv[b * k + i]! - 1;
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      for (let i = 0; i < m; i++) p[b * m * m + perm[i]! * m + i] = 1; // row perm[i] of A is row i of L U
    }
    P = tensor(p, { ...o, shape: [...LU.shape.slice(0, -2), m, m] });
  }
  if (!unpackData) return [P, none, none];
  const L = LU.narrow(-1, 0, k).tril(-1).add(eye(m, k, o));
  const U = LU.narrow(-2, 0, k).triu();
  return [P, L, U];
}

/** X with A X = B, from lu's [LU, pivots] of A. Matches torch.lu_solve(B, LU, pivots). */
export const luSolve = (b: Tensor, LU: Tensor, pivots: Tensor): Tensor => linalgLuSolve(LU, pivots, b);

/**
 * [X, A] with A X = B (Aᵀ X = B with transpose) for triangular A (upper by default, as torch),
 * reading only its triangle; the second is a copy of A. Matches torch.triangular_solve(B, A).
 */
export function triangularSolve(b: Tensor, a: Tensor, ...args: Args<[upper: boolean, transpose: boolean, unitriangular: boolean], { upper?: boolean; transpose?: boolean; unitriangular?: boolean }>): [Tensor, Tensor] {
  const { upper, transpose, unitriangular } = resolveArgs("triangularSolve", args, ["upper", "transpose", "unitriangular"], { upper: true, transpose: false, unitriangular: false });
  const x = transpose ? solveTriangular(a.mT, b, { upper: !upper, unitriangular }) : solveTriangular(a, b, { upper, unitriangular });
  return [x, a.clone()];
}

declare module "../tensor.js" {
  interface Tensor {
    lu(...args: LuArgs): [Tensor, Tensor] | [Tensor, Tensor, Tensor];
    luSolve(LU: Tensor, pivots: Tensor): Tensor;
    triangularSolve(a: Tensor, ...args: Args<[upper: boolean, transpose: boolean, unitriangular: boolean], { upper?: boolean; transpose?: boolean; unitriangular?: boolean }>): [Tensor, Tensor];
  }
}
installMethods({
  lu(this: Tensor, ...args: LuArgs) { return lu(this, ...args); },
  luSolve(this: Tensor, LU: Tensor, pivots: Tensor) { return luSolve(this, LU, pivots); },
  triangularSolve(this: Tensor, a: Tensor, ...args: Args<[upper: boolean, transpose: boolean, unitriangular: boolean], { upper?: boolean; transpose?: boolean; unitriangular?: boolean }>) {
    return triangularSolve(this, a, ...args);
  },
});
