// Running and differencing ops with torch's names: cummax, cummin, logcumsumexp, diff, trapezoid,
// cumulativeTrapezoid. Composites of gather, pad, cat and elementwise ops, so autograd needs no rules.

import { resolveArgs, type Args } from "../options.js";
import { fmtShape, normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { maximum, where } from "../ops/elementwise.js";
import { gather } from "../ops/indexing.js";
import { cat, expand, narrow, pad, reshape } from "../ops/movement.js";
import { sum } from "../ops/reduce.js";
import { cumsum } from "./selection.js";
import { dimLast, floatOnly, hostRows, int32Tensor, lastToDim } from "./common.js";
import { installMethods } from "./methods.js";

/** Running extreme along dim with the index of its latest occurrence (ties and NaN as torch). */
function cumExtreme(op: "cummax" | "cummin", x: Tensor, dim: number): [Tensor, Tensor] {
  const d = normDim(op, dim, x.ndim);
  if (x.ndim === 0) return [x, int32Tensor(x, [0], [])];
  const v = dimLast(x, d);
  const { data, rows, n } = hostRows(v);
  const idx = new Int32Array(data.length);
  const better = op === "cummax" ? (a: number, b: number) => a >= b : (a: number, b: number) => a <= b;
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 0; j < n; j++) {
      const a = data[r * n + j]!, b = data[r * n + best]!;
      // torch: every NaN takes over (NaN propagates with the latest NaN's index); ties move to the later index
      if (Number.isNaN(a) || (!Number.isNaN(b) && better(a, b))) best = j;
      idx[r * n + j] = best;
    }
  }
  const index = int32Tensor(x, idx, v.shape);
  return [lastToDim(gather(v, v.ndim - 1, index), d), lastToDim(index, d)];
}

/** [values, indices]: yᵢ = max_{j≤i} xⱼ and the (latest) j attaining it; NaN propagates. Matches torch.cummax. */
export const cummax = (x: Tensor, dim: number): [Tensor, Tensor] => cumExtreme("cummax", x, dim);
/** [values, indices]: yᵢ = min_{j≤i} xⱼ and the (latest) j attaining it. Matches torch.cummin. */
export const cummin = (x: Tensor, dim: number): [Tensor, Tensor] => cumExtreme("cummin", x, dim);

/**
 * log(eᵃ + eᵇ) = max + log1p(e^(−|a − b|)); equal arguments (also both ±∞) use a − b = 0, so
 * −∞ stays −∞ and +∞ stays +∞ instead of ∞ − ∞; the tie's gradient splits evenly.
 */
function logaddexp(a: Tensor, b: Tensor): Tensor {
  const d = where(a.eq(b), 0, a.sub(b));
  return maximum(a, b).add(d.abs().neg().exp().log1p());
}

/**
 * yᵢ = log Σ_{j≤i} exp(xⱼ) along dim, as ⌈log₂ n⌉ shifted log-add-exp steps (Hillis & Steele),
 * so no partial sum under- or overflows. Matches torch.logcumsumexp.
 */
export function logcumsumexp(x: Tensor, dim: number): Tensor {
  floatOnly("logcumsumexp", x);
  const d = normDim("logcumsumexp", dim, x.ndim);
  if (x.ndim === 0) return x;
  let y = x;
  for (let k = 1; k < x.shape[d]!; k *= 2) {
    const padding = Array<number>(2 * (y.ndim - d)).fill(0);
    padding[padding.length - 2] = k;
    padding[padding.length - 1] = -k;
    y = logaddexp(y, pad(y, padding, -Infinity));
  }
  return y;
}

export interface DiffOptions { n?: number; dim?: number; prepend?: Tensor | null; append?: Tensor | null }

/**
 * n-th forward difference along dim (default −1): out[i] = x[i+1] − x[i], applied n times after
 * concatenating prepend and append; bool inputs use ≠ (xor). Matches torch.diff.
 */
export function diff(x: Tensor, ...args: Args<[n: number, dim: number, prepend: Tensor | null, append: Tensor | null], DiffOptions>): Tensor {
  const o = resolveArgs<Required<DiffOptions>>("diff", args, ["n", "dim", "prepend", "append"], { n: 1, dim: -1, prepend: null, append: null });
  if (x.ndim === 0) throw new Error("diff: expects a tensor with at least 1 dimension, got a 0-d tensor");
  if (!Number.isInteger(o.n) || o.n < 0) throw new RangeError(`diff: n must be a non-negative integer, got ${o.n}`);
  const d = normDim("diff", o.dim, x.ndim);
  const side = (t: Tensor | null, name: string): Tensor[] => {
    if (t === null) return [];
    if (t.ndim !== x.ndim) throw new Error(`diff: ${name} ${fmtShape(t.shape)} must have as many dims as the input ${fmtShape(x.shape)}`);
    return [t];
  };
  let y = o.prepend || o.append ? cat([...side(o.prepend, "prepend"), x, ...side(o.append, "append")], d) : x;
  for (let i = 0; i < o.n && y.shape[d]! > 0; i++) {
    const len = y.shape[d]! - 1;
    const hi = narrow(y, d, 1, len), lo = narrow(y, d, 0, len);
    y = y.dtype === "bool" ? hi.ne(lo) : hi.sub(lo);
  }
  return y;
}

export interface TrapezoidOptions { dx?: number; dim?: number }
type TrapArgs = Args<[x: Tensor | null], TrapezoidOptions>;

/** Interval widths along dim: x's differences (1-D x broadcast along dim) or the constant dx. */
function spacing(op: string, y: Tensor, args: TrapArgs): { d: number; widths: Tensor | number } {
  const o = resolveArgs<{ x: Tensor | null; dx: number | undefined; dim: number }>(op, args, ["x"], { x: null, dx: undefined, dim: -1 });
  if (y.ndim === 0) throw new Error(`${op}: expects y with at least 1 dimension, got a 0-d tensor`);
  const d = normDim(op, o.dim, y.ndim);
  if (o.x !== null && o.dx !== undefined) throw new TypeError(`${op}: give either x or dx, not both`);
  if (o.x === null) return { d, widths: o.dx ?? 1 };
  const x = o.x;
  const n = y.shape[d]!;
  if (x.ndim === 1) {
    if (x.shape[0] !== n) throw new Error(`${op}: x ${fmtShape(x.shape)} must have as many points as y ${fmtShape(y.shape)} has along dim ${d}`);
    const w = diff(x);
    const shape = y.shape.map((_, i) => (i === d ? n - 1 : 1));
    return { d, widths: reshape(w, shape) };
  }
  return { d, widths: diff(expand(x, y.shape), { dim: d }) };
}

/** Averages of neighbouring points along d: (y[i] + y[i+1]) / 2. */
const midpoints = (y: Tensor, d: number): Tensor => narrow(y, d, 0, y.shape[d]! - 1).add(narrow(y, d, 1, y.shape[d]! - 1)).div(2);

/** ∫y by the trapezoidal rule along dim: Σ Δxᵢ (yᵢ + yᵢ₊₁)/2, with Δx from x or dx (default 1). Matches torch.trapezoid. */
export function trapezoid(y: Tensor, ...args: TrapArgs): Tensor {
  const { d, widths } = spacing("trapezoid", y, args);
  if (y.shape[d]! === 0) return sum(y, d);
  return sum(midpoints(y, d).mul(widths), d);
}

/** Alias of trapezoid (torch.trapz). */
export const trapz = trapezoid;

/** Running trapezoidal integral along dim (n − 1 values). Matches torch.cumulative_trapezoid. */
export function cumulativeTrapezoid(y: Tensor, ...args: TrapArgs): Tensor {
  const { d, widths } = spacing("cumulativeTrapezoid", y, args);
  if (y.shape[d]! === 0) return y;
  return cumsum(midpoints(y, d).mul(widths), d);
}

declare module "../tensor.js" {
  interface Tensor {
    cummax(dim: number): [Tensor, Tensor];
    cummin(dim: number): [Tensor, Tensor];
    logcumsumexp(dim: number): Tensor;
    diff(...args: Args<[n: number, dim: number, prepend: Tensor | null, append: Tensor | null], DiffOptions>): Tensor;
  }
}

installMethods({
  cummax(this: Tensor, dim: number) { return cummax(this, dim); },
  cummin(this: Tensor, dim: number) { return cummin(this, dim); },
  logcumsumexp(this: Tensor, dim: number) { return logcumsumexp(this, dim); },
  diff(this: Tensor, ...args: Args<[n: number, dim: number, prepend: Tensor | null, append: Tensor | null], DiffOptions>) { return diff(this, ...args); },
});
