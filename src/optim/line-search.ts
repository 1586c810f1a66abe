// The strong-Wolfe line search LBFGS uses (torch.optim.lbfgs._strong_wolfe, itself a port of
// torch7's lswolfe.lua): bracket a step satisfying both Wolfe conditions, then zoom in by cubic
// interpolation.

import type { Tensor } from "../tensor.js";

/**
 * The minimizer of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds` (default
 * the interval between x1 and x2); the bounds' midpoint when the cubic has no minimum.
 */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number]): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2sq = d1 * d1 - g1 * g2;
  if (d2sq < 0) return (lo + hi) / 2;
  const d2 = Math.sqrt(d2sq);
  const min = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
  return Math.min(Math.max(min, lo), hi);
}

/** The objective along the line: (x, t, d) ↦ [f(x + t·d), ∇f(x + t·d)], leaving the parameters at x. */
export type LineObjective = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

/**
 * A step t along d from x (loss f, gradient g, slope gtd = gᵀd < 0) satisfying the strong Wolfe
 * conditions f(t) ≤ f + c₁·t·gtd and |g(t)ᵀd| ≤ −c₂·gtd, within maxLs evaluations. Returns the
 * loss and gradient there, t, and the number of evaluations. `r` rounds a scalar as the
 * parameters' dtype would (torch keeps the slopes as 0-d tensors).
 */
export function strongWolfe(
  obj: LineObjective, x: Tensor[], t: number, d: Tensor, f: number, g: Tensor, gtd: number,
  { c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25, r = (v: number): number => v } = {},
): { loss: number; grad: Tensor; t: number; evals: number } {
  const dNorm = d.abs().max().item();
  let [fNew, gNew] = obj(x, t, d);
  let evals = 1;
  let gtdNew = gNew.dot(d).item();
  let [tPrev, fPrev, gPrev, gtdPrev] = [0, f, g, gtd];
  let done = false;
  let ls = 0;
  let bracket: number[] = [];
  let bf: number[] = [];
  let bg: Tensor[] = [];
  let bgtd: number[] = [];
  // compared in the parameters' dtype, as torch compares a float with a 0-d tensor
  const armijo = (tt: number, fn: number): boolean => r(fn) > r(r(f) + r(r(c1 * tt) * gtd));
  while (ls < maxLs) {
    if (armijo(t, fNew) || (ls > 1 && fNew >= fPrev)) {
      [bracket, bf, bg, bgtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    if (Math.abs(gtdNew) <= r(-c2 * gtd)) {
      [bracket, bf, bg, done] = [[t], [fNew], [gNew], true];
      break;
    }
    if (gtdNew >= 0) {
      [bracket, bf, bg, bgtd] = [[tPrev, t], [fPrev, fNew], [gPrev, gNew], [gtdPrev, gtdNew]];
      break;
    }
    // extrapolate: a cubic step between 1.01·t and 10·t
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [t + 0.01 * (t - tPrev), t * 10]);
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, gNew, gtdNew];
    [fNew, gNew] = obj(x, t, d);
    evals++;
    gtdNew = gNew.dot(d).item();
    ls++;
  }
  if (ls === maxLs) [bracket, bf, bg] = [[0, t], [f, fNew], [g, gNew]];

  // zoom: shrink the bracket until a point satisfies both conditions
  let insufficient = false;
  let [low, high] = bf[0]! <= bf.at(-1)! ? [0, 1] : [1, 0];
  while (!done && ls < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bf[0]!, bgtd[0]!, bracket[1]!, bf[1]!, bgtd[1]!);
    // a trial too close to an end (twice, or outside) moves to 0.1 of the bracket from it
    const [bMax, bMin] = [Math.max(...bracket), Math.min(...bracket)];
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufficient || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufficient = false;
      } else insufficient = true;
    } else insufficient = false;
    [fNew, gNew] = obj(x, t, d);
    evals++;
    gtdNew = gNew.dot(d).item();
    ls++;
    if (armijo(t, fNew) || fNew >= bf[low]!) {
      [bracket[high], bf[high], bg[high], bgtd[high]] = [t, fNew, gNew, gtdNew];
      [low, high] = bf[0]! <= bf[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= r(-c2 * gtd)) done = true;
      else if (gtdNew * (bracket[high]! - bracket[low]!) >= 0)
        [bracket[high], bf[high], bg[high], bgtd[high]] = [bracket[low]!, bf[low]!, bg[low]!, bgtd[low]!];
      [bracket[low], bf[low], bg[low], bgtd[low]] = [t, fNew, gNew, gtdNew];
    }
  }
  return { loss: bf[low]!, grad: bg[low]!, t: bracket[low]!, evals };
}
