// Closeness checks for tests: |a − b| ≤ atol + rtol·|b| elementwise (torch.allclose's rule),
// with a failure message that says where and by how much.

import type { Tensor } from "../tensor.js";
import { fmtShape, shapesEqual } from "../shape.js";

export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** Treat NaN == NaN: default true in assertClose/closeMismatch (a NaN where the reference has NaN is a match), false in allclose, as torch.allclose. */
  equalNan?: boolean;
}

type Values = Tensor | ArrayLike<number>;

const valuesOf = (v: Values): ArrayLike<number> => ("dataSync" in v ? v.dataSync() : v);

/** Describes the first mismatch between `actual` and `expected`, or returns null when close. */
export function closeMismatch(actual: Values, expected: Values, { rtol = 1e-5, atol = 1e-8, equalNan = true }: CloseOptions = {}): string | null {
  if ("shape" in actual && "shape" in expected && !shapesEqual(actual.shape, expected.shape))
    return `shape ${fmtShape(actual.shape)} differs from expected ${fmtShape(expected.shape)}`;
  const a = valuesOf(actual);
  const b = valuesOf(expected);
  if (a.length !== b.length) return `${a.length} elements, expected ${b.length}`;
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(equalNan && Number.isNaN(x) && Number.isNaN(y))) {
        bad++;
        worst = i;
        worstExcess = Infinity;
      }
      continue;
    }
    if (x === y) continue; // also equal infinities
    const excess = Math.abs(x - y) - (atol + rtol * Math.abs(y));
    if (excess > 0 || !Number.isFinite(excess)) {
      bad++;
      if (worst < 0 || excess > worstExcess) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (!bad) return null;
  return `${bad} of ${a.length} elements differ (rtol ${rtol}, atol ${atol}); worst at flat index ${worst}: got ${a[worst]}, expected ${b[worst]}`;
}

/** True when every element satisfies |a − b| ≤ atol + rtol·|b|; NaN matches NaN only with equalNan (torch.allclose). */
export function allclose(actual: Values, expected: Values, opts: CloseOptions = {}): boolean {
  return closeMismatch(actual, expected, { equalNan: false, ...opts }) === null;
}

/** Throws with a description of the worst mismatch unless actual ≈ expected. */
export function assertClose(actual: Values, expected: Values, opts: CloseOptions = {}, what = "tensor"): void {
  const msg = closeMismatch(actual, expected, opts);
  if (msg) throw new Error(`${what}: ${msg}`);
}
