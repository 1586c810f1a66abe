// Sliding windows from movement primitives only (the im2col of convolution and pooling), and the
// non-constant padding modes (reflect, replicate, circular). Composites: every step is a view, a
// copy or a pad, so autograd differentiates them with the existing rules, and they remain the
// oracle for a fused unfold kernel.

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
