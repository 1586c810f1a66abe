// Sliding windows (the im2col of convolution and pooling) as composites of existing primitives,
// and the non-constant padding modes (reflect, replicate, circular). Autograd differentiates them
// with the existing rules; they remain the oracle for a fused unfold kernel.

import { tensor } from "../../ops/creation.js";
import { matmul } from "../../ops/linalg.js";
import { cat, pad, reshape, slice } from "../../ops/movement.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";

/** A size per spatial dim from a number or a tuple (torch's _pair/_single), checked to be integers ≥ min. */
export function tuple(where: string, name: string, v: number | readonly number[], n: number, min = 0): number[] {
  const out = typeof v === "number" ? Array<number>(n).fill(v) : [...v];
  if (out.length !== n || out.some((s) => !Number.isInteger(s) || s < min))
    throw new Error(`${where}: ${name} must be an integer ≥ ${min} or a tuple of ${n} of them, got ${Array.isArray(v) ? fmtShape(v as number[]) : String(v)}`);
  return out;
}

/** Output length of a sliding window: ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1 (deck 002: w' = (w − w_f + 2P)/S + 1). */
export const windowCount = (i: number, k: number, s: number, d: number): number => Math.floor((i - d * (k - 1) - 1) / s) + 1;

/**
 * Replaces dim `dim` (size i) of x by two dims [o, k]: out[..., j, t, ...] = x[..., j·s + t·d, ...].
 * Overlapping windows (s ≤ d(k − 1)) use tinygrad's trick: tile the dim ⌈k(i+d)/i⌉ times, read it
 * as k rows of length i + d (row t then starts at element t·d), keep every s-th column. Disjoint
 * windows are a reshape into [o, s] blocks. Either way it is views plus one tiling copy.
 */
export function windows1d(x: Tensor, dim: number, k: number, s: number, d: number): Tensor {
  const i = x.shape[dim]!;
  const o = windowCount(i, k, s, d);
  const lead = x.shape.slice(0, dim);
  const rest = x.shape.slice(dim + 1);
  if (s >= d * (k - 1) + 1) {
    // disjoint windows: blocks of s, of which the first d(k−1)+1 elements are read every d
    const need = o * s;
    const fitted = need <= i ? slice(x, dim, 0, need) : pad(x, padDim(x.ndim, dim, 0, need - i));
    const blocks = reshape(fitted, [...lead, o, s, ...rest]);
    return slice(blocks, dim + 1, 0, d * (k - 1) + 1, d);
  }
  const reps = Math.ceil((k * (i + d)) / i);
  const tiled = reshape(reshape(x, [...lead, 1, i, ...rest]).expand([...lead, reps, i, ...rest]), [...lead, reps * i, ...rest]);
  const rows = reshape(slice(tiled, dim, 0, k * (i + d)), [...lead, k, i + d, ...rest]);
  // columns j·s for j < o: o·s ≤ i + d holds here because s ≤ d(k − 1)
  const cols = slice(reshape(slice(rows, dim + 1, 0, o * s), [...lead, k, o, s, ...rest]), dim + 2, 0, 1);
  const ko = reshape(cols, [...lead, k, o, ...rest]);
  const perm = ko.shape.map((_, j) => (j === dim ? dim + 1 : j === dim + 1 ? dim : j));
  return ko.permute(...perm);
}

/** One spatial dim of a sliding window: kernel k, stride s, dilation d, zero padding [before, after], input spread u. */
export interface WindowDim {
  k: number;
  s: number;
  d: number;
  before: number;
  after: number;
  /** u − 1 zeros between input elements (the stride of a transposed convolution); 1 = none. */
  u: number;
}

/** Window count of a dim of size i: ⌊((i − 1)u + 1 + before + after − d(k − 1) − 1)/s⌋ + 1. */
export const windowDimCount = (i: number, w: WindowDim): number => windowCount((i - 1) * w.u + 1 + w.before + w.after, w.k, w.s, w.d);

const selections = new Map<string, Float64Array>();

/**
 * The 0/1 matrix [o·k, i] that picks window j's tap t: row j·k + t holds a 1 at the input element
 * m with m·u = j·s + t·d − before, and no 1 where that position is padding or a spread zero.
 * Cached as plain numbers: tensors made inside a training step's allocation scope are freed with it.
 */
function selection(i: number, o: number, w: WindowDim): Float64Array {
  const key = `${i},${o},${w.k},${w.s},${w.d},${w.before},${w.u}`;
  let m = selections.get(key);
  if (!m) {
    m = new Float64Array(o * w.k * i);
    for (let j = 0; j < o; j++)
      for (let t = 0; t < w.k; t++) {
        const q = j * w.s + t * w.d - w.before;
        if (q >= 0 && q % w.u === 0 && q / w.u < i) m[(j * w.k + t) * i + q / w.u] = 1;
      }
    if (selections.size > 256) selections.clear();
    selections.set(key, m);
  }
  return m;
}

/**
 * Replaces dim `dim` (size i) of x by two dims [o, k] holding the windows, zero padding and spread
 * included, as one matmul with the selection matrix: x's dim contracted against [o·k, i]. Matmuls
 * with a constant 0/1 matrix are exact, run on the GEMM kernel forward and backward (the input
 * gradient is the transposed product), and replace the copies, pads and scatters an index-based
 * unfold needs. The price: a non-finite input element spreads NaN over its row (0·∞), and the work
 * grows with i·o·k, which suits images of tens of pixels, not hundreds.
 */
export function selectWindows(x: Tensor, dim: number, w: WindowDim): Tensor {
  const i = x.shape[dim]!;
  const o = windowDimCount(i, w);
  const sel = selection(i, o, w);
  const lead = x.shape.slice(0, dim);
  const rest = x.shape.slice(dim + 1);
  const opts = { dtype: x.dtype, device: x.device };
  if (rest.length === 0) {
    const st = tensor(transpose2(sel, o * w.k, i), { ...opts, shape: [i, o * w.k] });
    return reshape(matmul(x, st), [...lead, o, w.k]);
  }
  const r = rest.reduce((a, b) => a * b, 1);
  const y = matmul(tensor(sel, { ...opts, shape: [o * w.k, i] }), reshape(x, [...lead, i, r]));
  return reshape(y, [...lead, o, w.k, ...rest]);
}

function transpose2(m: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

/** torch.nn.functional.pad's flat list for one dim of an n-d tensor. */
function padDim(ndim: number, dim: number, before: number, after: number): number[] {
  const out = Array<number>(2 * (ndim - dim)).fill(0);
  out[2 * (ndim - 1 - dim)] = before;
  out[2 * (ndim - 1 - dim) + 1] = after;
  return out;
}

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/**
 * Pads the trailing spatial dims with [before, after] pairs, first spatial dim first, in one of
 * torch's modes: zeros (or `value`), reflect (mirror without repeating the edge), replicate (repeat
 * the edge), circular (wrap around).
 */
export function padSpatial(where: string, x: Tensor, pads: readonly (readonly [number, number])[], mode: PaddingMode, value = 0): Tensor {
  const first = x.ndim - pads.length;
  if (mode === "zeros") {
    if (pads.every(([a, b]) => a === 0 && b === 0)) return x;
    return pad(x, pads.flatMap((_, j) => [...pads[pads.length - 1 - j]!]), value);
  }
  let y = x;
  pads.forEach(([before, after], j) => {
    const dim = first + j;
    const n = y.shape[dim]!;
    if (before === 0 && after === 0) return;
    if (mode === "reflect" && (before >= n || after >= n))
      throw new Error(`${where}: reflect padding (${before}, ${after}) must be smaller than the input size ${n} of dim ${dim} in ${fmtShape(x.shape)}`);
    if (mode === "circular" && (before > n || after > n))
      throw new Error(`${where}: circular padding (${before}, ${after}) must not exceed the input size ${n} of dim ${dim} in ${fmtShape(x.shape)}`);
    const edge = (start: number, len: number): Tensor => {
      if (mode === "reflect") return slice(y, dim, start, start + len).flip(dim);
      if (mode === "replicate") return slice(y, dim, start, start + 1).expand(y.shape.map((s, t) => (t === dim ? len : s)));
      return slice(y, dim, start, start + len);
    };
    const parts: Tensor[] = [];
    if (before > 0) parts.push(mode === "reflect" ? edge(1, before) : mode === "replicate" ? edge(0, before) : edge(n - before, before));
    parts.push(y);
    if (after > 0) parts.push(mode === "reflect" ? edge(n - 1 - after, after) : mode === "replicate" ? edge(n - 1, after) : edge(0, after));
    y = cat(parts, dim);
  });
  return y;
}
