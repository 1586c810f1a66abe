// Pooling: F.maxPool1d/2d (the fused op of ops/fused/pool.ts), and F.avgPool1d/2d,
// F.adaptiveAvgPool1d/2d, F.adaptiveMaxPool2d and F.maxUnpool2d as composites of sliding windows
// (windows.ts), reductions and gathers.

import { tensor } from "../../ops/creation.js";
import { where as select } from "../../ops/elementwise.js";
import { applyFused } from "../../ops/fused/table.js";
import { scatterAddNew } from "../../ops/indexing.js";
import { cat, reshape, slice, squeeze, unsqueeze } from "../../ops/movement.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { selectWindows, tuple, windows1d, type WindowDim } from "./windows.js";
import type { Size } from "./conv.js";

export interface MaxPoolOptions {
  /** Default: the kernel size. */
  stride?: Size | null;
  padding?: Size;
  dilation?: Size;
  /** Round the output size up, so a partial window at the end still produces an output. */
  ceilMode?: boolean;
  /** Also return the flat index (h·W + w) of each maximum, for maxUnpool2d. */
  returnIndices?: boolean;
}

export interface AvgPoolOptions {
  stride?: Size | null;
  padding?: Size;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor. */
  countIncludePad?: boolean;
  /** Divide every window sum by this number instead. */
  divisorOverride?: number | null;
}

/** torch's pooling_output_shape: ⌊(i + 2p − d(k − 1) − 1 [+ s − 1 in ceil mode])/s⌋ + 1, minus one if the last window starts past the input and left padding. */
export function poolOutputSize(i: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((i + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= i + p) o--;
  return o;
}

export interface PoolGeometry { n: number; kernel: number[]; stride: number[]; padding: number[]; dilation: number[]; inSp: number[]; outSp: number[] }

/** Checks a pooling call and returns its geometry; `x` is [N, C, ...spatial] here. */
export function geometry(where: string, x: Tensor, nsp: number, kernelSize: Size, o: { stride: Size | null; padding: Size; dilation?: Size; ceilMode: boolean }): PoolGeometry {
  const kernel = tuple(where, "kernelSize", kernelSize, nsp, 1);
  const stride = o.stride === null || (Array.isArray(o.stride) && o.stride.length === 0) ? kernel : tuple(where, "stride", o.stride, nsp, 1);
  const padding = tuple(where, "padding", o.padding, nsp);
  const dilation = tuple(where, "dilation", o.dilation ?? 1, nsp, 1);
  padding.forEach((p, j) => {
    if (p > Math.floor(kernel[j]! / 2))
      throw new Error(`${where}: padding ${fmtShape(padding)} should be at most half of the kernel size ${fmtShape(kernel)}`);
  });
  const inSp = x.shape.slice(2);
  const outSp = inSp.map((i, j) => poolOutputSize(i, kernel[j]!, stride[j]!, padding[j]!, dilation[j]!, o.ceilMode));
  if (outSp.some((v) => v < 1))
    throw new Error(`${where}: the kernel ${fmtShape(kernel)} (padding ${fmtShape(padding)}, dilation ${fmtShape(dilation)}) is larger than the input ${fmtShape(x.shape)}; the output would be ${fmtShape(outSp)}`);
  return { n: nsp, kernel, stride, padding, dilation, inSp, outSp };
}

/** Batched input [N, C, ...] from [N, C, ...] or an unbatched [C, ...]. */
export function batched(where: string, x: Tensor, nsp: number): [Tensor, boolean] {
  if (x.ndim === nsp + 2) return [x, false];
  if (x.ndim === nsp + 1) return [unsqueeze(x, 0), true];
  throw new Error(`${where}: expected a ${nsp + 1}-D or ${nsp + 2}-D input ([N, C, ${["L", "H, W", "D, H, W"][nsp - 1]}]), got ${fmtShape(x.shape)}`);
}

/** The windows [N, C, ...out, K] with the pooling padding and the ceil-mode overhang implicit: positions outside the input hold 0. */
function poolWindows(x: Tensor, g: PoolGeometry): Tensor {
  const dims: WindowDim[] = g.inSp.map((i, j) => ({
    k: g.kernel[j]!, s: g.stride[j]!, d: g.dilation[j]!, u: 1, before: g.padding[j]!,
    after: (g.outSp[j]! - 1) * g.stride[j]! + g.dilation[j]! * (g.kernel[j]! - 1) + 1 - i - g.padding[j]!,
  }));
  // windows that tile the input exactly (the usual 2x2, stride 2) are a reshape; others a selection
  const tiles = dims.every((w, j) => w.d === 1 && w.s === w.k && w.before === 0 && w.after === 0 && g.inSp[j]! === g.outSp[j]! * w.k);
  let w = x;
  for (let j = 0; j < g.n; j++) w = tiles ? windows1d(w, 2 + 2 * j, dims[j]!.k, dims[j]!.s, 1) : selectWindows(w, 2 + 2 * j, dims[j]!);
  const perm = [0, 1, ...g.outSp.map((_, j) => 2 + 2 * j), ...g.kernel.map((_, j) => 3 + 2 * j)];
  return reshape(w.permute(...perm), [...w.shape.slice(0, 2), ...g.outSp, -1]);
}

function maxPool(where: string, nsp: number, input: Tensor, kernelSize: Size, args: readonly unknown[], relu = false): Tensor | [Tensor, Tensor] {
  const o = resolveArgs<Required<MaxPoolOptions>>(where, args, ["stride", "padding", "dilation", "ceilMode", "returnIndices"], {
    stride: null, padding: 0, dilation: 1, ceilMode: false, returnIndices: false,
  });
  const [x, unbatched] = batched(where, input, nsp);
  const g = geometry(where, x, nsp, kernelSize, o);
  // the fused op (ops/fused/pool.ts): one pass, the gradient to each window's first maximum as torch
  const two = (v: readonly number[], fill: number): [number, number] => (nsp === 1 ? [fill, v[0]!] : [v[0]!, v[1]!]);
  const attrs = { kernel: two(g.kernel, 1), stride: two(g.stride, 1), dilation: two(g.dilation, 1), pad: two(g.padding, 0), out: two(g.outSp, 1), relu };
  const [v, i] = applyFused("maxPool2d", [nsp === 1 ? x.unsqueeze(2) : x], attrs).map((t) => (nsp === 1 ? squeeze(t, 2) : t));
  const [values, indices] = unbatched ? [squeeze(v!, 0), squeeze(i!, 0)] : [v!, i!];
  return o.returnIndices ? [values, indices] : values;
}

type MaxPoolArgs = Args<[stride: Size | null, padding: Size, dilation: Size, ceilMode: boolean, returnIndices: false], MaxPoolOptions & { returnIndices?: false }>;
type MaxPoolIndexArgs = Args<[stride: Size | null, padding: Size, dilation: Size, ceilMode: boolean, returnIndices: true], MaxPoolOptions & { returnIndices: true }>;

/**
 * Max pooling over kH×kW windows of x [N, C, H, W] (or [C, H, W]); padding counts as −∞. With
 * returnIndices, returns [values, indices] where indices are flat positions h·W + w in the input.
 * The gradient flows to each window's maximum (deck 002's max-pool backward), to the first one on
 * ties, as torch (the fused op ops/fused/pool.ts). Matches
 * torch.nn.functional.max_pool2d (input, kernel_size, stride, padding, dilation, ceil_mode, return_indices).
 */
export function maxPool2d(x: Tensor, kernelSize: Size, ...args: MaxPoolArgs): Tensor;
export function maxPool2d(x: Tensor, kernelSize: Size, ...args: MaxPoolIndexArgs): [Tensor, Tensor];
export function maxPool2d(x: Tensor, kernelSize: Size, ...args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  return maxPool("F.maxPool2d", 2, x, kernelSize, args);
}

/** Max pooling over windows of x [N, C, L] (or [C, L]). Matches torch.nn.functional.max_pool1d. */
export function maxPool1d(x: Tensor, kernelSize: Size, ...args: MaxPoolArgs): Tensor;
export function maxPool1d(x: Tensor, kernelSize: Size, ...args: MaxPoolIndexArgs): [Tensor, Tensor];
export function maxPool1d(x: Tensor, kernelSize: Size, ...args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  return maxPool("F.maxPool1d", 1, x, kernelSize, args);
}

/** The pooling behind the MaxPool modules (either return form); relu: of relu(x), as one op (max and ReLU commute). */
export const maxPoolNd = (where: string, nsp: number, x: Tensor, kernelSize: Size, args: readonly unknown[], relu = false): Tensor | [Tensor, Tensor] =>
  maxPool(where, nsp, x, kernelSize, args, relu);

function avgPool(where: string, nsp: number, input: Tensor, kernelSize: Size, args: readonly unknown[]): Tensor {
  const positional = nsp === 2 ? ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"] as const : ["stride", "padding", "ceilMode", "countIncludePad"] as const;
  const o = resolveArgs<Required<AvgPoolOptions>>(where, args, [...positional], {
    stride: null, padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: null,
  });
  if (o.divisorOverride !== null && (!Number.isFinite(o.divisorOverride) || o.divisorOverride === 0))
    throw new Error(`${where}: divisorOverride must be a non-zero number, got ${o.divisorOverride}`);
  const [x, unbatched] = batched(where, input, nsp);
  const g = geometry(where, x, nsp, kernelSize, o);
  const sums = poolWindows(x, g).sum(-1);
  // torch's divisor: the window clipped to the padded input (countIncludePad) or to the input
  const L = g.outSp.reduce((p, q) => p * q, 1);
  const div = new Float64Array(L);
  for (let e = 0; e < L; e++) {
    let rem = e, all = 1, inside = 1;
    for (let j = 0; j < nsp; j++) {
      const stride = g.outSp.slice(j + 1).reduce((p, q) => p * q, 1);
      const pos = Math.floor(rem / stride);
      rem %= stride;
      const start = pos * g.stride[j]! - g.padding[j]!;
      const end = Math.min(start + g.kernel[j]!, g.inSp[j]! + g.padding[j]!);
      all *= end - start;
      inside *= Math.min(end, g.inSp[j]!) - Math.max(start, 0);
    }
    div[e] = o.divisorOverride ?? (o.countIncludePad ? all : inside);
  }
  const y = sums.div(tensor(div, { shape: g.outSp, dtype: x.dtype, device: x.device }));
  return unbatched ? squeeze(y, 0) : y;
}

/**
 * Average pooling of x [N, C, H, W] (or [C, H, W]): each window's sum over its divisor (deck 002:
 * in the backward pass each cell gets g/(kH·kW)). Matches torch.nn.functional.avg_pool2d (input,
 * kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override).
 */
export function avgPool2d(x: Tensor, kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolOptions>): Tensor {
  return avgPool("F.avgPool2d", 2, x, kernelSize, args);
}

/** Average pooling of x [N, C, L] (or [C, L]). Matches torch.nn.functional.avg_pool1d (no divisorOverride, as torch). */
export function avgPool1d(x: Tensor, kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean], Omit<AvgPoolOptions, "divisorOverride">>): Tensor {
  return avgPool("F.avgPool1d", 1, x, kernelSize, args);
}

/** torch's adaptive bins: [⌊i·in/out⌋, ⌈(i + 1)·in/out⌉) for i < out. */
export const adaptiveBins = (size: number, out: number): [number, number][] =>
  Array.from({ length: out }, (_, i) => [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)]);

export function outputSizes(where: string, x: Tensor, outputSize: number | null | readonly (number | null)[], nsp: number): number[] {
  const raw = typeof outputSize === "number" || outputSize === null ? Array<number | null>(nsp).fill(outputSize) : [...outputSize];
  if (raw.length !== nsp) throw new Error(`${where}: outputSize must be a number or a tuple of ${nsp}, got ${fmtShape(raw.map(Number))}`);
  return raw.map((v, j) => {
    const s = v ?? x.shape[x.ndim - nsp + j]!;
    if (!Number.isInteger(s) || s < 1) throw new Error(`${where}: outputSize ${String(v)} must be a positive integer`);
    return s;
  });
}

/** Mean over torch's adaptive bins along one dim: a reshape when the bins are equal, else one slice per bin. */
export function adaptiveMean(x: Tensor, dim: number, out: number): Tensor {
  const size = x.shape[dim]!;
  if (size % out === 0) return reshape(x, [...x.shape.slice(0, dim), out, size / out, ...x.shape.slice(dim + 1)]).mean(dim + 1);
  return cat(adaptiveBins(size, out).map(([a, b]) => slice(x, dim, a, b).mean(dim, true)), dim);
}

function adaptiveAvg(where: string, nsp: number, input: Tensor, outputSize: number | null | readonly (number | null)[]): Tensor {
  const [x, unbatched] = batched(where, input, nsp);
  const out = outputSizes(where, x, outputSize, nsp);
  let y = x;
  out.forEach((o, j) => { y = adaptiveMean(y, 2 + j, o); });
  return unbatched ? squeeze(y, 0) : y;
}

/** Averages over torch's adaptive bins so that x [N, C, H, W] becomes [N, C, oH, oW]. Matches torch.nn.functional.adaptive_avg_pool2d. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | null | readonly (number | null)[], ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.adaptiveAvgPool2d", args, [], {});
  return adaptiveAvg("F.adaptiveAvgPool2d", 2, x, outputSize);
}

/** Averages over adaptive bins so that x [N, C, L] becomes [N, C, oL]. Matches torch.nn.functional.adaptive_avg_pool1d. */
export function adaptiveAvgPool1d(x: Tensor, outputSize: number, ...args: Args<[], Record<never, never>>): Tensor {
  resolveArgs("F.adaptiveAvgPool1d", args, [], {});
  return adaptiveAvg("F.adaptiveAvgPool1d", 1, x, outputSize);
}

/**
 * The maximum of each adaptive bin of x [N, C, H, W] → [N, C, oH, oW], one gather per bin so that
 * the gradient goes to the first maximum in row-major order, as torch's. With returnIndices also
 * the flat positions h·W + w. Matches torch.nn.functional.adaptive_max_pool2d.
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: number | null | readonly (number | null)[], ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>): Tensor | [Tensor, Tensor] {
  const where = "F.adaptiveMaxPool2d";
  const { returnIndices } = resolveArgs(where, args, ["returnIndices"], { returnIndices: false });
  const [x, unbatched] = batched(where, input, 2);
  const [oh, ow] = outputSizes(where, x, outputSize, 2) as [number, number];
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const rows = adaptiveBins(h, oh), cols = adaptiveBins(w, ow);
  const vals: Tensor[] = [];
  const args2: Tensor[] = [];
  for (const [r0, r1] of rows)
    for (const [c0, c1] of cols) {
      const [v, a] = reshape(slice(slice(x, 2, r0, r1), 3, c0, c1), [n, c, -1]).max(-1);
      vals.push(v);
      args2.push(a);
    }
  const y = reshape(vals.length === 1 ? unsqueeze(vals[0]!, -1) : cat(vals.map((v) => unsqueeze(v, -1)), -1), [n, c, oh, ow]);
  const out = unbatched ? squeeze(y, 0) : y;
  if (!returnIndices) return out;
  const idx = new Int32Array(n * c * oh * ow);
  args2.forEach((a, cell) => {
    const [r0] = rows[Math.floor(cell / ow)]!, [c0, c1] = cols[cell % ow]!;
    a.dataSync().forEach((t, nc) => { idx[nc * oh * ow + cell] = (r0 + Math.floor(t / (c1 - c0))) * w + c0 + (t % (c1 - c0)); });
  });
  const indices = tensor(idx, { shape: [n, c, oh, ow], dtype: "int32", device: x.device });
  return [out, unbatched ? squeeze(indices, 0) : indices];
}

export interface MaxUnpoolOptions {
  stride?: Size | null;
  padding?: Size;
  /** The spatial output size, to undo a pooling whose input size is ambiguous. */
  outputSize?: readonly number[] | null;
}

/**
 * Scatters x [N, C, H, W] to the positions `indices` (from maxPool2d with returnIndices) of a zero
 * tensor [N, C, H', W'], H' = (H − 1)s − 2p + k unless outputSize says otherwise. Matches
 * torch.nn.functional.max_unpool2d (input, indices, kernel_size, stride, padding, output_size).
 */
export function maxUnpool2d(input: Tensor, indices: Tensor, kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, outputSize: readonly number[] | null], MaxUnpoolOptions>): Tensor {
  return maxUnpoolNd("F.maxUnpool2d", 2, input, indices, kernelSize, args);
}

/** maxUnpool2d for nsp spatial dims (maxUnpool3d: indices are flat d·H·W + h·W + w). */
export function maxUnpoolNd(where: string, nsp: number, input: Tensor, indices: Tensor, kernelSize: Size, args: readonly unknown[]): Tensor {
  const o = resolveArgs<Required<MaxUnpoolOptions>>(where, args, ["stride", "padding", "outputSize"], { stride: null, padding: 0, outputSize: null });
  const [x, unbatched] = batched(where, input, nsp);
  const idx = unbatched ? unsqueeze(indices, 0) : indices;
  if (idx.dtype !== "int32" || idx.ndim !== nsp + 2 || idx.shape.some((s, j) => s !== x.shape[j]))
    throw new Error(`${where}: indices ${fmtShape(indices.shape)} (${indices.dtype}) must be int32 with the input's shape ${fmtShape(input.shape)}`);
  const kernel = tuple(where, "kernelSize", kernelSize, nsp, 1);
  const stride = o.stride === null ? kernel : tuple(where, "stride", o.stride, nsp, 1);
  const padding = tuple(where, "padding", o.padding, nsp);
  const out = o.outputSize ? [...o.outputSize.slice(-nsp)] : x.shape.slice(2).map((i, j) => (i - 1) * stride[j]! - 2 * padding[j]! + kernel[j]!);
  const [n, c] = x.shape as [number, number];
  const total = out.reduce((p, q) => p * q, 1);
  const iv = idx.dataSync();
  for (const v of iv)
    if (v < 0 || v >= total) throw new RangeError(`${where}: index ${v} is out of range for the output ${fmtShape([n, c, ...out])}`);
  // Overlapping windows (stride < kernel) name one maximum several times: torch writes it once
  // (out[i] = x) and gives every copy the whole gradient g[i] (a gather). So the first copy is
  // scattered as it is, and each repeat adds x − c, c = x detached where finite, else 0: the value
  // is exactly 0 for a finite x and ±∞/NaN (the maximum itself) otherwise, so out[i] stays x, and
  // the gradient is 1, so every repeat gets g[i] (an infinite one too; x − x would be NaN there).
  const per = iv.length / (n * c);
  const first = new Uint8Array(iv.length).fill(1);
  for (let r = 0, seen = new Set<number>(); r < n * c; r++, seen.clear())
    for (let j = r * per; j < (r + 1) * per; j++) if (seen.has(iv[j]!)) first[j] = 0; else seen.add(iv[j]!);
  const at = reshape(idx, [n, c, -1]), src = reshape(x, [n, c, -1]);
  let flat: Tensor;
  if (first.includes(0)) {
    const keep = tensor(first, { shape: at.shape, dtype: "bool", device: x.device }), d = src.detach();
    flat = scatterAddNew([n, c, total], 2, at, select(keep, src, src.sub(select(d.isfinite(), d, 0))));
  } else flat = scatterAddNew([n, c, total], 2, at, src);
  const y = reshape(flat, [n, c, ...out]);
  return unbatched ? squeeze(y, 0) : y;
}
