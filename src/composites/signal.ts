// torch's window functions (hann, hamming, blackman, bartlett, kaiser), frexp and histogram.
// Windows and histogram bins are computed on the host in float64 (they hold no gradient); frexp's
// mantissa is x times a host-computed power of two, so its gradient is torch's grad / 2^exponent.

import { isFloating, type DType } from "../dtype.js";
import { tensor, type CreateOptions } from "../ops/creation.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape } from "../shape.js";
import { Tensor } from "../tensor.js";
import { installMethods } from "./methods.js";

type WindowOptions = { periodic?: boolean } & CreateOptions;
const CREATE = { dtype: undefined as DType | undefined, device: undefined as string | undefined, requiresGrad: false };

/** Builds a window of `length` from w(n, N) on the symmetric grid of N points (N = length + 1 when periodic, last point dropped). */
function makeWindow(op: string, length: number, periodic: boolean, opts: CreateOptions, w: (n: number, N: number) => number): Tensor {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`${op}: windowLength must be a non-negative integer, got ${length}`);
  const dtype = opts.dtype ?? "float32";
  if (!isFloating(dtype)) throw new TypeError(`${op}: expected a floating dtype, got ${dtype}`);
  const N = periodic ? length + 1 : length;
  const values = length === 1 ? [1] : Array.from({ length }, (_, n) => w(n, N));
  return tensor(values, { dtype, device: opts.device, requiresGrad: opts.requiresGrad, shape: [length] });
}

/**
 * The Hann window: w[n] = 0.5 − 0.5·cos(2πn/(N − 1)); periodic (default) builds N = length + 1
 * points and drops the last, for spectral analysis. Matches torch.hann_window.
 */
export function hannWindow(windowLength: number, ...args: Args<[periodic: boolean], WindowOptions>): Tensor {
  const { periodic, ...o } = resolveArgs("hannWindow", args, ["periodic"], { periodic: true, ...CREATE });
  return makeWindow("hannWindow", windowLength, periodic, o, (n, N) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (N - 1)));
}

/** The Hamming window: w[n] = α − β·cos(2πn/(N − 1)), α = 0.54, β = 0.46 by default. Matches torch.hamming_window. */
export function hammingWindow(windowLength: number, ...args: Args<[periodic: boolean, alpha: number, beta: number], WindowOptions & { alpha?: number; beta?: number }>): Tensor {
  const { periodic, alpha, beta, ...o } = resolveArgs("hammingWindow", args, ["periodic", "alpha", "beta"], { periodic: true, alpha: 0.54, beta: 0.46, ...CREATE });
  return makeWindow("hammingWindow", windowLength, periodic, o, (n, N) => alpha - beta * Math.cos((2 * Math.PI * n) / (N - 1)));
}

/** The Blackman window: w[n] = 0.42 − 0.5·cos(2πn/(N − 1)) + 0.08·cos(4πn/(N − 1)). Matches torch.blackman_window. */
export function blackmanWindow(windowLength: number, ...args: Args<[periodic: boolean], WindowOptions>): Tensor {
  const { periodic, ...o } = resolveArgs("blackmanWindow", args, ["periodic"], { periodic: true, ...CREATE });
  return makeWindow("blackmanWindow", windowLength, periodic, o, (n, N) => 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / (N - 1)) + 0.08 * Math.cos((4 * Math.PI * n) / (N - 1)));
}

/** The triangular Bartlett window: w[n] = 1 − |2n/(N − 1) − 1|. Matches torch.bartlett_window. */
export function bartlettWindow(windowLength: number, ...args: Args<[periodic: boolean], WindowOptions>): Tensor {
  const { periodic, ...o } = resolveArgs("bartlettWindow", args, ["periodic"], { periodic: true, ...CREATE });
  return makeWindow("bartlettWindow", windowLength, periodic, o, (n, N) => 1 - Math.abs((2 * n) / (N - 1) - 1));
}

/**
 * The Kaiser window: w[n] = I₀(β·√(1 − ((n − α)/α)²)) / I₀(β), α = (N − 1)/2, β = 12 by default
 * (I₀ the modified Bessel function of order 0). Matches torch.kaiser_window.
 */
export function kaiserWindow(windowLength: number, ...args: Args<[periodic: boolean, beta: number], WindowOptions & { beta?: number }>): Tensor {
  const { periodic, beta, ...o } = resolveArgs("kaiserWindow", args, ["periodic", "beta"], { periodic: true, beta: 12, ...CREATE });
  if (!(beta >= 0)) throw new RangeError(`kaiserWindow: beta must be non-negative, got ${beta}`);
  const i0b = besselI0(beta);
  return makeWindow("kaiserWindow", windowLength, periodic, o, (n, N) => {
    const a = (N - 1) / 2, r = (n - a) / a;
    return besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0b;
  });
}

/** I₀(x) = Σₖ ((x/2)^k / k!)², summed until the terms stop changing the sum (all terms are positive). */
function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1, sum = 1;
  for (let k = 1; k < 500 && term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

/**
 * [mantissa, exponent] with x = mantissa·2^exponent, |mantissa| in [0.5, 1) (0, ±∞ and NaN keep
 * exponent 0 and mantissa x); exponent is int32. Matches torch.frexp (float inputs only, as torch).
 */
export function frexp(x: Tensor): [Tensor, Tensor] {
  if (!isFloating(x.dtype)) throw new TypeError(`frexp: only supports floating-point dtypes, got ${x.dtype}`);
  const v = x.dataSync();
  const e = new Int32Array(v.length), scale = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    let k = 0;
    if (a > 0 && Number.isFinite(a)) {
      k = Math.floor(Math.log2(a)) + 1;
      if (a * 2 ** -k >= 1) k++; // log2 rounds near powers of two
      else if (a * 2 ** -k < 0.5) k--;
    }
    e[i] = k;
    scale[i] = 2 ** -k;
  }
  const s = tensor(scale, { dtype: x.dtype, device: x.device, shape: x.shape });
  return [x.mul(s), tensor(e, { dtype: "int32", device: x.device, shape: x.shape })];
}

/**
 * [hist, binEdges]: counts (or summed weights) of x's elements in `bins` equal bins over `range`
 * (default [min, max], widened by ±0.5 when they are equal), or in the bins between the given
 * increasing edges. Bins are half-open [eᵢ, eᵢ₊₁) except the last, which also holds its right
 * edge; elements outside are not counted. density divides by total·width. Matches torch.histogram.
 */
export function histogram(
  x: Tensor,
  ...args: Args<[bins: number | Tensor], { bins?: number | Tensor; range?: readonly [number, number] | null; weight?: Tensor | null; density?: boolean }>
): [Tensor, Tensor] {
  const { bins, range, weight, density } = resolveArgs<{ bins: number | Tensor; range: readonly [number, number] | null; weight: Tensor | null; density: boolean }>("histogram", args, ["bins"], { bins: 100, range: null, weight: null, density: false });
  if (!isFloating(x.dtype)) throw new TypeError(`histogram: input must be a floating tensor, got ${x.dtype}`);
  if (weight && (weight.dtype !== x.dtype || weight.shape.join() !== x.shape.join())) throw new Error(`histogram: weight ${fmtShape(weight.shape)} ${weight.dtype} must have the input's shape ${fmtShape(x.shape)} and dtype ${x.dtype}`);
  const v = x.dataSync(), w = weight?.dataSync();
  let edges: number[];
  if (bins instanceof Tensor) {
    if (bins.ndim !== 1 || bins.numel < 1) throw new Error(`histogram: bins must be a 1-D tensor of edges, got ${fmtShape(bins.shape)}`);
    if (range) throw new TypeError("histogram: range is only for an integer bins count");
    edges = Array.from(bins.dataSync(), Number);
    if (edges.some((e, i) => i > 0 && !(e >= edges[i - 1]!))) throw new Error("histogram: bin edges must be increasing");
  } else {
    if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram: bins must be a positive integer, got ${bins}`);
    let [lo, hi] = range ?? (v.length ? [Math.min(...v), Math.max(...v)] : [0, 0]);
    if (!(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`histogram: range [${lo}, ${hi}] must be finite with min ≤ max`);
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    // torch.linspace's two-sided formula, rounded to x's dtype like torch's edges
    const step = (hi - lo) / bins, round = x.dtype === "float32" ? Math.fround : (t: number) => t;
    edges = Array.from({ length: bins + 1 }, (_, i) => round(i < (bins + 1) / 2 ? lo + step * i : hi - step * (bins - i)));
  }
  const nb = edges.length - 1, hist = new Float64Array(Math.max(nb, 0));
  for (let i = 0; i < v.length; i++) {
    const e = v[i]!;
    if (!(e >= edges[0]! && e <= edges[nb]!) || nb < 1) continue;
    let lo = 0, hi = nb; // the last edge ≤ e, by bisection
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! <= e) lo = mid;
      else hi = mid;
    }
    hist[lo]! += w ? w[i]! : 1;
  }
  if (density) {
    const total = hist.reduce((a, b) => a + b, 0);
    for (let i = 0; i < nb; i++) hist[i] = hist[i]! / (total * (edges[i + 1]! - edges[i]!));
  }
  const o = { dtype: x.dtype, device: x.device };
  return [tensor(hist, { ...o, shape: [nb] }), tensor(edges, { ...o, shape: [edges.length] })];
}

declare module "../tensor.js" {
  interface Tensor {
    frexp(): [Tensor, Tensor];
    histogram(...args: Parameters<typeof histogram> extends [Tensor, ...infer R] ? R : never): [Tensor, Tensor];
  }
}
installMethods({
  frexp(this: Tensor) { return frexp(this); },
  histogram(this: Tensor, ...args: Parameters<typeof histogram> extends [Tensor, ...infer R] ? R : never) { return histogram(this, ...args); },
});
