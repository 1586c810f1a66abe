// torch.cholesky_solve, torch.cholesky_inverse and torch.matrix_exp (also linalg.matrixExp):
// composites of matmul and the LU solver, so autograd needs no new rule.

import { noGrad } from "../autograd/grad-mode.js";
import { eye } from "../ops/creation.js";
import { matmul } from "../ops/linalg.js";
import { expand } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { inv, solve } from "./linalg-lu.js";
import { installMethods } from "./methods.js";

function squareSize(op: string, a: Tensor, name = "input"): number {
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) throw new Error(`${op}: ${name} must be a batch of square matrices [..., n, n], got ${fmtShape(a.shape)}`);
  return a.shape[a.ndim - 1]!;
}

/**
 * A = L Lᵀ (or Uᵀ U) from a Cholesky factor. The value reads only the factor's triangle, as
 * LAPACK does; the gradient reaches every entry, as torch's backward (which differentiates L Lᵀ).
 */
function gram(op: string, factor: Tensor, upper: boolean): Tensor {
  squareSize(op, factor, upper ? "the upper factor" : "the lower factor");
  const other = upper ? factor.tril(-1) : factor.triu(1);
  const f = factor.sub(other.detach());
  return upper ? matmul(f.mT, f) : matmul(f, f.mT);
}

/**
 * X with A X = B for A = L Lᵀ (or Uᵀ U when `upper`) given its Cholesky factor; batch dims
 * broadcast. Matches torch.cholesky_solve(B, L, upper).
 */
export function choleskySolve(b: Tensor, factor: Tensor, ...args: Args<[upper: boolean], { upper?: boolean }>): Tensor {
  const { upper } = resolveArgs("choleskySolve", args, ["upper"], { upper: false });
  if (b.ndim < 2) throw new Error(`choleskySolve: B must have at least 2 dims [..., n, k], got ${fmtShape(b.shape)}`);
  const n = squareSize("choleskySolve", factor, "the factor");
  if (b.shape[b.ndim - 2] !== n) throw new Error(`choleskySolve: B ${fmtShape(b.shape)} needs ${n} rows to match the factor ${fmtShape(factor.shape)}`);
  return solve(gram("choleskySolve", factor, upper), b);
}

/** (L Lᵀ)⁻¹ (or (Uᵀ U)⁻¹) from a Cholesky factor. Matches torch.cholesky_inverse. */
export function choleskyInverse(factor: Tensor, ...args: Args<[upper: boolean], { upper?: boolean }>): Tensor {
  const { upper } = resolveArgs("choleskyInverse", args, ["upper"], { upper: false });
  return inv(gram("choleskyInverse", factor, upper));
}

/**
 * e^A = Σₖ Aᵏ/k! of square matrices (batched), by scaling and squaring: A/2^s with ‖A/2^s‖₁ ≤ ½,
 * a degree-18 Taylor polynomial (Horner; the remainder is below 1e-22 there), then s squarings.
 * Matches torch.matrix_exp (torch uses Padé-type polynomials; both are exact to rounding).
 */
export function matrixExp(a: Tensor): Tensor {
  const n = squareSize("matrixExp", a);
  if (!a.isFloatingPoint()) throw new TypeError(`matrixExp: expects a floating tensor, got ${a.dtype}`);
  if (n === 0 || a.numel === 0) return a.clone();
  const norm1 = noGrad(() => a.abs().sum(-2).amax().item()); // the largest column sum over the batch
  const s = norm1 > 0.5 ? Math.ceil(Math.log2(norm1 / 0.5)) : 0;
  const x = s ? a.div(2 ** s) : a;
  const id = expand(eye(n, { dtype: a.dtype, device: a.device }), a.shape);
  let p = id;
  for (let k = 18; k >= 1; k--) p = id.add(matmul(x, p).div(k));
  for (let i = 0; i < s; i++) p = matmul(p, p);
  return p;
}

declare module "../tensor.js" {
  interface Tensor {
    choleskySolve(factor: Tensor, ...args: Args<[upper: boolean], { upper?: boolean }>): Tensor;
    choleskyInverse(...args: Args<[upper: boolean], { upper?: boolean }>): Tensor;
    matrixExp(): Tensor;
  }
}
installMethods({
  choleskySolve(this: Tensor, factor: Tensor, ...args: Args<[upper: boolean], { upper?: boolean }>) { return choleskySolve(this, factor, ...args); },
  choleskyInverse(this: Tensor, ...args: Args<[upper: boolean], { upper?: boolean }>) { return choleskyInverse(this, ...args); },
  matrixExp(this: Tensor) { return matrixExp(this); },
});
