// torch.gradient: central differences of a sampled function along one or more dims, with
// first- or second-order one-sided differences at the edges. A composite of narrow and cat.

import { isFloating } from "../dtype.js";
import { cast } from "../ops/elementwise.js";
import { cat } from "../ops/movement.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape, normDim } from "../shape.js";
import type { Tensor } from "../tensor.js";

/**
 * The derivative estimate of f along each of `dim` (default: every dim), one tensor per dim:
 * (f[i+1] − f[i−1]) / 2h inside, and at the edges (f[1] − f[0]) / h (edgeOrder 1) or
 * (−3f[0] + 4f[1] − f[2]) / 2h (edgeOrder 2), mirrored at the end. `spacing` is h: one number
 * for every dim or one per dim (coordinate tensors are not supported). Integer inputs give
 * float32. Matches torch.gradient.
 */
export function gradient(f: Tensor, ...args: Args<[], { spacing?: number | readonly number[]; dim?: number | readonly number[] | null; edgeOrder?: 1 | 2 }>): Tensor[] {
  const { spacing, dim, edgeOrder } = resolveArgs<{ spacing: number | readonly number[]; dim: number | readonly number[] | null; edgeOrder: 1 | 2 }>("gradient", args, [], { spacing: 1, dim: null, edgeOrder: 1 });
  if (edgeOrder !== 1 && edgeOrder !== 2) throw new RangeError(`gradient: edgeOrder must be 1 or 2, got ${String(edgeOrder)}`);
  const dims = dim === null ? f.shape.map((_, i) => i) : (typeof dim === "number" ? [dim] : [...dim]).map((d) => normDim("gradient", d, f.ndim));
  const hs = typeof spacing === "number" ? dims.map(() => spacing) : [...spacing];
  if (hs.length !== dims.length || hs.some((h) => typeof h !== "number"))
    throw new TypeError(`gradient: spacing must be a number or one number per dim (${dims.length}); coordinate tensors are not supported, got ${JSON.stringify(spacing)}`);
  const x = isFloating(f.dtype) ? f : cast(f, "float32");
  return dims.map((d, k) => {
    const n = x.shape[d]!, h = hs[k]!;
    if (n < edgeOrder + 1) throw new Error(`gradient: expected each dimension size to be at least edgeOrder + 1 = ${edgeOrder + 1}, got dim ${d} of ${fmtShape(f.shape)}`);
    const at = (i: number, len = 1): Tensor => x.narrow(d, i, len);
    const inner = at(2, n - 2).sub(at(0, n - 2)).div(2 * h);
    const first = edgeOrder === 1 ? at(1).sub(at(0)).div(h) : at(0).mul(-1.5).add(at(1).mul(2)).sub(at(2).mul(0.5)).div(h);
    const last = edgeOrder === 1 ? at(n - 1).sub(at(n - 2)).div(h) : at(n - 1).mul(1.5).sub(at(n - 2).mul(2)).add(at(n - 3).mul(0.5)).div(h);
    return cat([first, inner, last], d);
  });
}
