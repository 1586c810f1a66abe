// Volumetric pooling: F.maxPool3d (the fused 2-D max pool per depth slice, then a max over depth
// taps), F.avgPool3d (separable window sums), F.adaptiveAvgPool3d,
// F.adaptiveMaxPool3d (separable bin maxima) and F.maxUnpool3d. Composites: autograd needs nothing new.

import { noGrad } from "../../autograd/grad-mode.js";
import { arange, tensor } from "../../ops/creation.js";
import { gather } from "../../ops/indexing.js";
import { matmul } from "../../ops/linalg.js";
import { cat, reshape, slice, squeeze } from "../../ops/movement.js";
import { resolveArgs, type Args } from "../../options.js";
import type { Tensor } from "../../tensor.js";
import type { Size } from "./conv.js";
import {
  adaptiveBins, adaptiveMean, batched, geometry, maxPool2d, maxUnpoolNd, outputSizes,
  type AvgPoolOptions, type MaxPoolOptions, type MaxUnpoolOptions,
} from "./pooling.js";
import { padSpatial, windows1d } from "./windows.js";

type OutSize = number | null | readonly (number | null)[];

function maxPool3dImpl(input: Tensor, kernelSize: Size, args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  const where = "F.maxPool3d";
  const o = resolveArgs<Required<MaxPoolOptions>>(where, args, ["stride", "padding", "dilation", "ceilMode", "returnIndices"], {
    stride: null, padding: 0, dilation: 1, ceilMode: false, returnIndices: false,
  });
  const [x, unbatched] = batched(where, input, 3);
  const g = geometry(where, x, 3, kernelSize, o);
  const [n, c, d, h, w] = x.shape as [number, number, number, number, number];
  const [od, oh, ow] = g.outSp as [number, number, number];
  const [k, s, dl, p] = [g.kernel[0]!, g.stride[0]!, g.dilation[0]!, g.padding[0]!];
  // each depth slice pooled over (h, w) by the fused op: the first maximum of each window in row-major order
  const [v2, i2] = maxPool2d(reshape(x, [n, c * d, h, w]), g.kernel.slice(1), {
    stride: g.stride.slice(1), padding: g.padding.slice(1), dilation: g.dilation.slice(1), ceilMode: o.ceilMode, returnIndices: true,
  });
  // then the depth taps, padded with −∞ (and the ceil-mode overhang); max() keeps the first maximal
  // tap, so the winner is the first maximum in (d, h, w) order, as torch's
  const after = (od - 1) * s + dl * (k - 1) + 1 - d - p;
  const vp = padSpatial(where, reshape(v2, [n, c, d, oh, ow]), [[p, Math.max(after, 0)], [0, 0], [0, 0]], "zeros", -Infinity);
  const [values, tap] = slice(windows1d(vp, 2, k, s, dl), 2, 0, od).max(3);
  const out = unbatched ? squeeze(values, 0) : values;
  if (!o.returnIndices) return out;
  const starts = reshape(arange(0, od * s, s, { dtype: "int32", device: x.device }).sub(p), [1, 1, od, 1, 1]);
  const depth = tap.mul(dl).add(starts).clamp(0, d - 1); // the clamp only matters for windows of −∞ alone
  const indices = depth.mul(h * w).add(gather(reshape(i2, [n, c, d, oh, ow]), 2, depth));
  return [out, unbatched ? squeeze(indices, 0) : indices];
}

type MaxPoolArgs = Args<[stride: Size | null, padding: Size, dilation: Size, ceilMode: boolean, returnIndices: false], MaxPoolOptions & { returnIndices?: false }>;
type MaxPoolIndexArgs = Args<[stride: Size | null, padding: Size, dilation: Size, ceilMode: boolean, returnIndices: true], MaxPoolOptions & { returnIndices: true }>;

/**
 * Max pooling over kD×kH×kW windows of x [N, C, D, H, W] (or [C, D, H, W]); padding counts as −∞.
 * With returnIndices, returns [values, indices], indices flat positions d·H·W + h·W + w in the
 * input. The gradient goes to each window's first maximum, as torch's. Matches
 * torch.nn.functional.max_pool3d (input, kernel_size, stride, padding, dilation, ceil_mode, return_indices).
 */
export function maxPool3d(x: Tensor, kernelSize: Size, ...args: MaxPoolArgs): Tensor;
export function maxPool3d(x: Tensor, kernelSize: Size, ...args: MaxPoolIndexArgs): [Tensor, Tensor];
export function maxPool3d(x: Tensor, kernelSize: Size, ...args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  return maxPool3dImpl(x, kernelSize, args);
}

/**
 * The sums of the o windows [q·s − before, q·s − before + k) along dim `dim` of x, zero padding
 * included. A finite x takes one exact matmul with the 0/1 band matrix [o, i] (the GEMM kernel,
 * forward and backward); an x holding ±∞ or NaN takes k strided slices added up instead, slower,
 * but an infinite element then stays in its own windows, as torch's, where the band product would
 * spread 0·∞ = NaN over its row.
 */
function windowSums(where: string, x: Tensor, dim: number, k: number, s: number, before: number, o: number, finite: boolean): Tensor {
  const i = x.shape[dim]!;
  if (!finite) {
    const after = Math.max((o - 1) * s + k - i - before, 0);
    const xp = padSpatial(where, x, x.shape.slice(dim).map((_, j) => (j === 0 ? [before, after] : [0, 0])), "zeros");
    let y = slice(xp, dim, 0, (o - 1) * s + 1, s);
    for (let t = 1; t < k; t++) y = y.add(slice(xp, dim, t, t + (o - 1) * s + 1, s));
    return y;
  }
  const last = dim === x.ndim - 1;
  const band = new Float64Array(o * i); // [i, o] for the last dim, x·band; else [o, i], band·x
  for (let q = 0; q < o; q++)
    for (let m = Math.max(q * s - before, 0); m < Math.min(q * s - before + k, i); m++) band[last ? m * o + q : q * i + m] = 1;
  const opts = { dtype: x.dtype, device: x.device };
  if (last) return matmul(x, tensor(band, { ...opts, shape: [i, o] }));
  const lead = x.shape.slice(0, dim), rest = x.shape.slice(dim + 1);
  const r = rest.reduce((a, b) => a * b, 1);
  return reshape(matmul(tensor(band, { ...opts, shape: [o, i] }), reshape(x, [...lead, i, r])), [...lead, o, ...rest]);
}

/**
 * Average pooling of x [N, C, D, H, W] (or [C, D, H, W]). The box sum is separable: window sums
 * (windowSums) along D, then H, then W (window q covers [q·s − p, q·s − p + k)), then torch's divisor: the
 * window clipped to the padded input (countIncludePad), to the input, or divisorOverride. Matches
 * torch.nn.functional.avg_pool3d (input, kernel_size, stride, padding, ceil_mode,
 * count_include_pad, divisor_override).
 */
export function avgPool3d(input: Tensor, kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, ceilMode: boolean, countIncludePad: boolean, divisorOverride: number | null], AvgPoolOptions>): Tensor {
  const where = "F.avgPool3d";
  const o = resolveArgs<Required<AvgPoolOptions>>(where, args, ["stride", "padding", "ceilMode", "countIncludePad", "divisorOverride"], {
    stride: null, padding: 0, ceilMode: false, countIncludePad: true, divisorOverride: null,
  });
  if (o.divisorOverride !== null && (!Number.isFinite(o.divisorOverride) || o.divisorOverride === 0))
    throw new Error(`${where}: divisorOverride must be a non-zero number, got ${o.divisorOverride}`);
  const [x, unbatched] = batched(where, input, 3);
  const g = geometry(where, x, 3, kernelSize, o);
  // a finite sum means no ±∞ or NaN anywhere (they survive any sum); an overflowing sum only costs the slower path
  const finite = Number.isFinite(noGrad(() => x.sum().item()));
  let y = x;
  const full: number[][] = [], inside: number[][] = [];
  g.inSp.forEach((i, j) => {
    const [out, k, s, p] = [g.outSp[j]!, g.kernel[j]!, g.stride[j]!, g.padding[j]!];
    full.push([]);
    inside.push([]);
    for (let q = 0; q < out; q++) {
      const start = q * s - p, end = Math.min(start + k, i + p);
      full[j]!.push(end - start);
      inside[j]!.push(Math.min(end, i) - Math.max(start, 0));
    }
    y = windowSums(where, y, 2 + j, k, s, p, out, finite);
  });
  const [od, oh, ow] = g.outSp as [number, number, number];
  const per = o.countIncludePad ? full : inside;
  const div = new Float64Array(od * oh * ow);
  for (let a = 0; a < od; a++)
    for (let b = 0; b < oh; b++)
      for (let e = 0; e < ow; e++) div[(a * oh + b) * ow + e] = o.divisorOverride ?? per[0]![a]! * per[1]![b]! * per[2]![e]!;
  const out = y.div(tensor(div, { shape: g.outSp, dtype: x.dtype, device: x.device }));
  return unbatched ? squeeze(out, 0) : out;
}

/** Averages over torch's adaptive bins so that x [N, C, D, H, W] becomes [N, C, oD, oH, oW]. Matches torch.nn.functional.adaptive_avg_pool3d. */
export function adaptiveAvgPool3d(input: Tensor, outputSize: OutSize, ...args: Args<[], Record<never, never>>): Tensor {
  const where = "F.adaptiveAvgPool3d";
  resolveArgs(where, args, [], {});
  const [x, unbatched] = batched(where, input, 3);
  let y = x;
  outputSizes(where, x, outputSize, 3).forEach((o, j) => { y = adaptiveMean(y, 2 + j, o); });
  return unbatched ? squeeze(y, 0) : y;
}

/**
 * The maximum of each adaptive bin of x [N, C, D, H, W] → [N, C, oD, oH, oW]. The box maximum is
 * separable: bins along W, then H, then D, each a max over a slice that keeps the first maximum,
 * so the gradient goes to the first maximum in (d, h, w) order, as torch's. With returnIndices also
 * the flat positions d·H·W + h·W + w, composed through the same steps. Matches
 * torch.nn.functional.adaptive_max_pool3d (input, output_size, return_indices).
 */
export function adaptiveMaxPool3d(input: Tensor, outputSize: OutSize, ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>): Tensor | [Tensor, Tensor] {
  const where = "F.adaptiveMaxPool3d";
  const { returnIndices } = resolveArgs(where, args, ["returnIndices"], { returnIndices: false });
  const [x, unbatched] = batched(where, input, 3);
  const out = outputSizes(where, x, outputSize, 3);
  const [, , , h, w] = x.shape as number[];
  let v = x;
  let idx: Tensor | null = null;
  for (const [dim, scale] of [[4, 1], [3, w!], [2, h! * w!]] as const) {
    const vals: Tensor[] = [], ids: Tensor[] = [];
    for (const [a, b] of adaptiveBins(v.shape[dim]!, out[dim - 2]!)) {
      const [m, t] = slice(v, dim, a, b).max(dim, true);
      vals.push(m);
      if (!returnIndices) continue;
      const at = t.add(a).mul(scale);
      ids.push(idx ? at.add(gather(slice(idx, dim, a, b), dim, t)) : at);
    }
    v = vals.length === 1 ? vals[0]! : cat(vals, dim);
    if (returnIndices) idx = ids.length === 1 ? ids[0]! : cat(ids, dim);
  }
  const y = unbatched ? squeeze(v, 0) : v;
  if (!returnIndices) return y;
  return [y, unbatched ? squeeze(idx!, 0) : idx!];
}

/**
 * Scatters x [N, C, D, H, W] to the positions `indices` (from maxPool3d with returnIndices) of a
 * zero tensor [N, C, D', H', W'], D' = (D − 1)s − 2p + k unless outputSize says otherwise; repeated
 * indices behave as in maxUnpool2d. Matches torch.nn.functional.max_unpool3d (input, indices,
 * kernel_size, stride, padding, output_size).
 */
export function maxUnpool3d(input: Tensor, indices: Tensor, kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, outputSize: readonly number[] | null], MaxUnpoolOptions>): Tensor {
  return maxUnpoolNd("F.maxUnpool3d", 3, input, indices, kernelSize, args);
}
