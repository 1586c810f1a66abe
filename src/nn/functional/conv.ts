// Convolutions: F.conv1d/conv2d and F.convTranspose1d/convTranspose2d as composites (im2col from
// movement primitives, then one grouped matmul). The composite is the oracle a fused kernel will
// be checked against; its gradients come from the existing rules.

import { isGradEnabled } from "../../autograd/grad-mode.js";
import { resolveArgs, type Args } from "../../options.js";
import { matmul } from "../../ops/linalg.js";
import { applyFused } from "../../ops/fused/table.js";
import { cat, reshape, split } from "../../ops/movement.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { selectWindows, tuple, windowDimCount, type PaddingMode, type WindowDim } from "./windows.js";

export type Size = number | readonly number[];

/** Elements of the largest im2col built at once (16 MiB of float32); larger batches run in chunks. */
export const MAX_COLUMNS = 1 << 22;

export interface ConvOptions {
  bias?: Tensor | null;
  stride?: Size;
  /** Implicit zero padding per side, or 'valid' (none) or 'same' (output size = input size; stride 1 only). */
  padding?: Size | "same" | "valid";
  dilation?: Size;
  groups?: number;
}

export interface ConvTransposeOptions {
  bias?: Tensor | null;
  stride?: Size;
  padding?: Size;
  /** Extra size added to one side of the output, to pick among the sizes a strided conv maps to the input size. */
  outputPadding?: Size;
  groups?: number;
  dilation?: Size;
}

/**
 * [before, after] padding per spatial dim for padding 'same': the total d(k − 1) is split with the
 * smaller half first, as torch does for even kernels.
 */
export function samePadding(kernel: readonly number[], dilation: readonly number[]): [number, number][] {
  return kernel.map((k, j) => {
    const total = dilation[j]! * (k - 1);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

/** Resolves padding (number, tuple, 'same', 'valid') into [before, after] pairs per spatial dim. */
export function convPadding(where: string, padding: Size | string, kernel: readonly number[], stride: readonly number[], dilation: readonly number[]): [number, number][] {
  const n = kernel.length;
  if (padding === "valid") return kernel.map(() => [0, 0]);
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) throw new Error(`${where}: padding='same' is not supported for strided convolutions (stride ${fmtShape(stride)})`);
    return samePadding(kernel, dilation);
  }
  if (typeof padding === "string") throw new Error(`${where}: padding must be a number, a tuple, 'same' or 'valid', got '${padding}'`);
  return tuple(where, "padding", padding, n).map((p) => [p, p]);
}

/**
 * The convolution (cross-correlation, as in torch and deck 002) of x [N, C, ...spatial] with
 * weight [O, C/groups, ...kernel]: y[n, o, p] = Σ_{c,t} w[o, c, t]·x̃[n, c, p·s + t·d], where x̃ is x
 * zero-padded by `pads`. 1-D and 2-D run the fused conv2d (ops/fused/conv.ts: im2col and the
 * backend's GEMM); `composite` (and more spatial dims) runs convWindows.
 */
export function convNd(
  where: string, x: Tensor, weight: Tensor, bias: Tensor | null, stride: readonly number[], dilation: readonly number[], groups: number,
  pads: readonly (readonly [number, number])[] = stride.map(() => [0, 0]), composite = false, relu = false, pool = false,
): Tensor {
  const nsp = stride.length;
  const c = x.shape[1]!;
  const cg = weight.shape[1]!;
  const kernel = weight.shape.slice(2);
  const dims: WindowDim[] = kernel.map((k, j) => ({ k, s: stride[j]!, d: dilation[j]!, before: pads[j]![0], after: pads[j]![1], u: 1 }));
  x.shape.slice(2).forEach((size, j) => {
    const w = dims[j]!;
    if (w.d * (w.k - 1) + 1 > (size - 1) * w.u + 1 + w.before + w.after)
      throw new Error(`${where}: the kernel ${fmtShape(kernel)} (dilation ${fmtShape(dilation)}) is larger than the padded input (input ${fmtShape(x.shape)}, padding ${fmtShape(pads.map(([a, b]) => a + b))} in total)`);
  });
  const g = groups;
  if (c !== cg * g)
    throw new Error(`${where}: input ${fmtShape(x.shape)} has ${c} channels, but weight ${fmtShape(weight.shape)} with groups=${g} expects ${cg * g}`);
  if (nsp <= 2 && !composite) return fusedConv(x, weight, bias, stride, dilation, groups, pads, relu, pool);
  const y = convWindows(x, weight, bias, dims, groups);
  return relu ? applyFused("relu", [y], null)[0]! : y;
}

/**
 * The fused 2-D convolution (ops/fused/conv.ts), with the ReLU after it where `relu` is set; a 1-D
 * one is a 2-D one of height 1. pool: a 2x2 max pool of relu(y) follows (Sequential), which the
 * kernel may make while each output plane is in cache.
 */
function fusedConv(x: Tensor, weight: Tensor, bias: Tensor | null, stride: readonly number[], dilation: readonly number[], groups: number, pads: readonly (readonly [number, number])[], relu: boolean, pool: boolean): Tensor {
  const one = stride.length === 1;
  const [[a, b], [c, d]] = one ? [[0, 0], pads[0]!] : [pads[0]!, pads[1]!];
  const attrs = {
    stride: (one ? [1, stride[0]!] : stride) as [number, number],
    dilation: (one ? [1, dilation[0]!] : dilation) as [number, number],
    pad: [a, b, c, d] as const,
    groups,
    bias: bias !== null,
    keep: isGradEnabled() && weight.requiresGrad,
    relu,
    pool: pool && !one,
  };
  const y = applyFused("conv2d", [one ? x.unsqueeze(2) : x, one ? weight.unsqueeze(2) : weight, ...(bias ? [bias] : [])], attrs)[0]!;
  return one ? y.squeeze(2) : y;
}

/**
 * The composite convolution (window-selection matmuls, see selectWindows) for any number of
 * spatial dims and input spread: an independent oracle of the fused one (test/conv-fused.test.ts).
 */
export function convWindows(x: Tensor, weight: Tensor, bias: Tensor | null, dims: readonly WindowDim[], groups: number): Tensor {
  const nsp = dims.length;
  const [n, c] = x.shape as [number, number];
  const [o, cg] = weight.shape as [number, number];
  const kernel = weight.shape.slice(2);
  const g = groups;
  const outSp = x.shape.slice(2).map((size, j) => windowDimCount(size, dims[j]!));
  const perSample = c * outSp.reduce((p, q) => p * q, 1) * kernel.reduce((p, q) => p * q, 1);
  if (n > 1 && n * perSample > MAX_COLUMNS) {
    // big batches (evaluation) go in chunks, so that one im2col never holds more than MAX_COLUMNS
    const per = Math.max(1, Math.floor(MAX_COLUMNS / perSample));
    return cat(split(x, per, 0).map((xc) => convWindows(xc, weight, bias, dims, groups)), 0);
  }
  // windows: [N, C, o1, k1, o2, k2, ...]
  let cols = x;
  for (let j = 0; j < nsp; j++) cols = selectWindows(cols, 2 + 2 * j, dims[j]!);
  const grouped = reshape(cols, [n, g, cg, ...cols.shape.slice(2)]);
  // → [G, N, o..., Cg, k...]
  const perm = [1, 0, ...outSp.map((_, j) => 3 + 2 * j), 2, ...kernel.map((_, j) => 4 + 2 * j)];
  const L = outSp.reduce((a, b) => a * b, 1);
  const K = kernel.reduce((a, b) => a * b, 1);
  const a = reshape(grouped.permute(...perm), [g, n * L, cg * K]);
  const w = reshape(weight, [g, o / g, cg * K]).transpose(1, 2);
  // the bias joins before the layout change, so its gradient is a sum over one run of rows
  const y = bias ? matmul(a, w).add(reshape(bias, [g, 1, o / g])) : matmul(a, w); // [G, N·L, O/G]
  return reshape(reshape(y, [g, n, L, o / g]).permute(1, 0, 3, 2), [n, o, ...outSp]);
}

function checkConvArgs(where: string, x: Tensor, weight: Tensor, bias: Tensor | null, nsp: number, groups: number): void {
  if (x.ndim !== nsp + 2)
    throw new Error(`${where}: expected a ${nsp + 2}-D input [N, C, ${nsp === 1 ? "L" : "H, W"}], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== nsp + 2) throw new Error(`${where}: expected a ${nsp + 2}-D weight, got ${fmtShape(weight.shape)}`);
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${where}: groups must be a positive integer, got ${groups}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]))
    throw new Error(`${where}: bias ${fmtShape(bias.shape)} must be 1-D with ${weight.shape[0]} elements`);
}

function conv(where: string, nsp: number, x: Tensor, weight: Tensor, args: readonly unknown[]): Tensor {
  const o = resolveArgs<Required<ConvOptions>>(where, args, ["bias", "stride", "padding", "dilation", "groups"], {
    bias: null, stride: 1, padding: 0, dilation: 1, groups: 1,
  });
  checkConvArgs(where, x, weight, o.bias, nsp, o.groups);
  if (weight.shape[0]! % o.groups !== 0)
    throw new Error(`${where}: weight ${fmtShape(weight.shape)} has ${weight.shape[0]} output channels, not divisible by groups=${o.groups}`);
  const stride = tuple(where, "stride", o.stride, nsp, 1);
  const dilation = tuple(where, "dilation", o.dilation, nsp, 1);
  const pads = convPadding(where, o.padding, weight.shape.slice(2), stride, dilation);
  return convNd(where, x, weight, o.bias, stride, dilation, o.groups, pads);
}

/**
 * 2-D convolution of x [N, C, H, W] with weight [O, C/groups, kH, kW] → [N, O, H', W'],
 * H' = ⌊(H + 2p − d(kH − 1) − 1)/s⌋ + 1. Matches torch.nn.functional.conv2d
 * (input, weight, bias, stride, padding, dilation, groups).
 */
export function conv2d(x: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null, stride: Size, padding: Size | "same" | "valid", dilation: Size, groups: number], ConvOptions>): Tensor {
  return conv("F.conv2d", 2, x, weight, args);
}

/** 1-D convolution of x [N, C, L] with weight [O, C/groups, k]. Matches torch.nn.functional.conv1d. */
export function conv1d(x: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null, stride: Size, padding: Size | "same" | "valid", dilation: Size, groups: number], ConvOptions>): Tensor {
  return conv("F.conv1d", 1, x, weight, args);
}

/**
 * The transposed convolution (the gradient of conv with respect to its input) as a convolution:
 * the input spread by the stride (s − 1 zeros between elements) and padded on each side by
 * d(k − 1) − p (negative pads crop) plus outputPadding after (both implicit in the window
 * selection), correlated with the spatially flipped weight
 * whose in/out channel roles are swapped per group. Output size (i − 1)s − 2p + d(k − 1) + op + 1.
 * Runs the fused conv2dInput; `composite` runs the window-selection form instead (a test oracle).
 */
export function convTransposeNd(where: string, x: Tensor, weight: Tensor, bias: Tensor | null, stride: readonly number[], padding: readonly number[], outputPadding: readonly number[], dilation: readonly number[], groups: number, composite = false): Tensor {
  const c = x.shape[1]!;
  const [cw, og] = weight.shape as [number, number];
  const kernel = weight.shape.slice(2);
  if (c !== cw) throw new Error(`${where}: input ${fmtShape(x.shape)} has ${c} channels, but weight ${fmtShape(weight.shape)} expects ${cw}`);
  if (c % groups !== 0) throw new Error(`${where}: ${c} input channels are not divisible by groups=${groups}`);
  outputPadding.forEach((op, j) => {
    if (op >= stride[j]! && op >= dilation[j]!)
      throw new Error(`${where}: outputPadding ${fmtShape(outputPadding)} must be smaller than either stride ${fmtShape(stride)} or dilation ${fmtShape(dilation)}`);
  });
  if (kernel.length <= 2 && !composite) {
    // the gradient of a convolution with respect to its input (ops/fused/conv.ts); 1-D as height 1
    const one = kernel.length === 1;
    const two = (v: readonly number[], fill: number): [number, number] => (one ? [fill, v[0]!] : [v[0]!, v[1]!]);
    const size = x.shape.slice(2).map((i, j) => (i - 1) * stride[j]! - 2 * padding[j]! + dilation[j]! * (kernel[j]! - 1) + outputPadding[j]! + 1);
    if (size.some((v) => v < 1))
      throw new Error(`${where}: input ${fmtShape(x.shape)} with weight ${fmtShape(weight.shape)}, stride ${fmtShape(stride)} and padding ${fmtShape(padding)} gives an empty output ${fmtShape(size)}`);
    const [ph, pw] = two(padding, 0);
    const attrs = { stride: two(stride, 1), dilation: two(dilation, 1), pad: [ph, ph, pw, pw] as [number, number, number, number], groups, size: two(size, 1) };
    const y = applyFused("conv2dInput", [one ? x.unsqueeze(2) : x, one ? weight.unsqueeze(2) : weight], attrs)[0]!;
    const out = one ? y.squeeze(2) : y;
    return bias ? out.add(reshape(bias, [-1, ...kernel.map(() => 1)])) : out;
  }
  // the input spread by the stride and padded by d(k − 1) − p (+ outputPadding after); negative pads crop
  const pads = kernel.map((k, j) => {
    const e = dilation[j]! * (k - 1) - padding[j]!;
    return [e, e + outputPadding[j]!] as [number, number];
  });
  const cg = c / groups;
  const sp = kernel.map((_, j) => 3 + j);
  const w = reshape(reshape(weight, [groups, cg, og, ...kernel]).permute(0, 2, 1, ...sp), [groups * og, cg, ...kernel]).flip(kernel.map((_, j) => 2 + j));
  const dims = kernel.map((k, j) => ({ k, s: 1, d: dilation[j]!, before: pads[j]![0], after: pads[j]![1], u: stride[j]! }));
  const out = convWindows(x, w, null, dims, groups);
  return bias ? out.add(reshape(bias, [groups * og, ...kernel.map(() => 1)])) : out;
}

function convTranspose(where: string, nsp: number, x: Tensor, weight: Tensor, args: readonly unknown[]): Tensor {
  const o = resolveArgs<Required<ConvTransposeOptions>>(where, args, ["bias", "stride", "padding", "outputPadding", "groups", "dilation"], {
    bias: null, stride: 1, padding: 0, outputPadding: 0, groups: 1, dilation: 1,
  });
  checkConvArgs(where, x, weight, null, nsp, o.groups);
  const og = weight.shape[1]!;
  if (o.bias && (o.bias.ndim !== 1 || o.bias.shape[0] !== og * o.groups))
    throw new Error(`${where}: bias ${fmtShape(o.bias.shape)} must be 1-D with ${og * o.groups} elements`);
  return convTransposeNd(where, x, weight, o.bias, tuple(where, "stride", o.stride, nsp, 1), tuple(where, "padding", o.padding, nsp),
    tuple(where, "outputPadding", o.outputPadding, nsp), tuple(where, "dilation", o.dilation, nsp, 1), o.groups);
}

/**
 * Transposed 2-D convolution of x [N, C, H, W] with weight [C, O/groups, kH, kW] → [N, O, H', W'],
 * H' = (H − 1)s − 2p + d(kH − 1) + outputPadding + 1. Matches torch.nn.functional.conv_transpose2d
 * (input, weight, bias, stride, padding, output_padding, groups, dilation).
 */
export function convTranspose2d(x: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null, stride: Size, padding: Size, outputPadding: Size, groups: number, dilation: Size], ConvTransposeOptions>): Tensor {
  return convTranspose("F.convTranspose2d", 2, x, weight, args);
}

/** Transposed 1-D convolution of x [N, C, L] with weight [C, O/groups, k]. Matches torch.nn.functional.conv_transpose1d. */
export function convTranspose1d(x: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null, stride: Size, padding: Size, outputPadding: Size, groups: number, dilation: Size], ConvTransposeOptions>): Tensor {
  return convTranspose("F.convTranspose1d", 1, x, weight, args);
}

export type { PaddingMode };
