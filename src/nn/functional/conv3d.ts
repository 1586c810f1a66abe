// Volumetric convolutions: F.conv3d and F.convTranspose3d, composed from the fused 2-D ones by
// folding the kernel's depth taps into channels, so autograd and the GEMM kernels need nothing new.

import { noGrad } from "../../autograd/grad-mode.js";
import { tensor } from "../../ops/creation.js";
import { matmul } from "../../ops/linalg.js";
import { reshape, slice } from "../../ops/movement.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { convNd, convPadding, convTransposeNd, type ConvOptions, type ConvTransposeOptions, type Size } from "./conv.js";
import { padSpatial, tuple, windowCount, windows1d } from "./windows.js";

/**
 * The 3-D convolution (cross-correlation) of x [N, C, D, H, W] with weight [O, C/groups, kD, kH, kW],
 * zero-padded by `pads` ([before, after] per spatial dim). The depth windows of the padded input
 * (views and one tiling copy, windows1d) become channels: [N, C, oD, kD, H, W] is read as a batch
 * of N·oD images with C·kD channels, and weight [O, Cg, kD, kH, kW] as [O, Cg·kD, kH, kW], whose
 * groups stay contiguous; one fused 2-D convolution then sums over channels and depth taps at once:
 * y[n, o, z] = Σ_{c, t} conv2d(x̃[n, c, z·s + t·d], w[o, c, t]).
 */
export function conv3dFolded(
  where: string, x: Tensor, weight: Tensor, bias: Tensor | null, stride: readonly number[], dilation: readonly number[], groups: number,
  pads: readonly (readonly [number, number])[],
): Tensor {
  const [n, c, , h, w] = x.shape as [number, number, number, number, number];
  const [o, cg, kd, kh, kw] = weight.shape as [number, number, number, number, number];
  x.shape.slice(2).forEach((size, j) => {
    if (dilation[j]! * (weight.shape[2 + j]! - 1) + 1 > size + pads[j]![0] + pads[j]![1])
      throw new Error(`${where}: the kernel ${fmtShape(weight.shape.slice(2))} (dilation ${fmtShape(dilation)}) is larger than the padded input (input ${fmtShape(x.shape)}, padding ${fmtShape(pads.map(([a, b]) => a + b))} in total)`);
  });
  if (c !== cg * groups)
    throw new Error(`${where}: input ${fmtShape(x.shape)} has ${c} channels, but weight ${fmtShape(weight.shape)} with groups=${groups} expects ${cg * groups}`);
  const xp = padSpatial(where, x, [pads[0]!, [0, 0], [0, 0]], "zeros");
  const od = windowCount(xp.shape[2]!, kd, stride[0]!, dilation[0]!);
  const cols = windows1d(xp, 2, kd, stride[0]!, dilation[0]!); // [N, C, oD, kD, H, W]
  const x2 = reshape(cols.permute(0, 2, 1, 3, 4, 5), [n * od, c * kd, h, w]);
  const y2 = convNd(where, x2, reshape(weight, [o, cg * kd, kh, kw]), bias, stride.slice(1), dilation.slice(1), groups, pads.slice(1));
  return reshape(y2, [n, od, o, ...y2.shape.slice(2)]).permute(0, 2, 1, 3, 4);
}

/**
 * The transposed 3-D convolution of x [N, C, D, H, W] with weight [C, O/groups, kD, kH, kW]: each
 * input depth slice runs one fused 2-D transposed convolution with the depth taps as extra output
 * channels ([C, Og·kD, kH, kW], groups contiguous); foldDepth then adds tap t of input depth i
 * into output depth z = i·s + t·d − p (0 ≤ z < (D − 1)s − 2p + d(kD − 1) + outputPadding + 1).
 */
export function convTranspose3dFolded(
  where: string, x: Tensor, weight: Tensor, bias: Tensor | null, stride: readonly number[], padding: readonly number[],
  outputPadding: readonly number[], dilation: readonly number[], groups: number,
): Tensor {
  const [n, c, d, h, w] = x.shape as [number, number, number, number, number];
  const [cw, og, kd, kh, kw] = weight.shape as [number, number, number, number, number];
  if (c !== cw) throw new Error(`${where}: input ${fmtShape(x.shape)} has ${c} channels, but weight ${fmtShape(weight.shape)} expects ${cw}`);
  if (c % groups !== 0) throw new Error(`${where}: ${c} input channels are not divisible by groups=${groups}`);
  outputPadding.forEach((op, j) => {
    if (op >= stride[j]! && op >= dilation[j]!)
      throw new Error(`${where}: outputPadding ${fmtShape(outputPadding)} must be smaller than either stride ${fmtShape(stride)} or dilation ${fmtShape(dilation)}`);
  });
  const size = x.shape.slice(2).map((i, j) => (i - 1) * stride[j]! - 2 * padding[j]! + dilation[j]! * (weight.shape[2 + j]! - 1) + outputPadding[j]! + 1);
  if (size.some((v) => v < 1))
    throw new Error(`${where}: input ${fmtShape(x.shape)} with weight ${fmtShape(weight.shape)}, stride ${fmtShape(stride)} and padding ${fmtShape(padding)} gives an empty output ${fmtShape(size)}`);
  const x2 = reshape(x.permute(0, 2, 1, 3, 4), [n * d, c, h, w]);
  const y2 = convTransposeNd(where, x2, reshape(weight, [c, og * kd, kh, kw]), null, stride.slice(1), padding.slice(1), outputPadding.slice(1), dilation.slice(1), groups);
  const o = og * groups;
  const cols = reshape(reshape(y2, [n, d, o, kd, size[1]! * size[2]!]).permute(0, 2, 1, 3, 4), [n, o, d * kd, size[1]! * size[2]!]);
  const y = reshape(foldDepth(where, cols, d, kd, size[0]!, stride[0]!, padding[0]!, dilation[0]!, x), [n, o, ...size]);
  return bias ? y.add(reshape(bias, [o, 1, 1, 1])) : y;
}

/**
 * The depth half of col2im: cols [N, O, D·kD, R] (tap t of input depth i at row i·kD + t) added
 * into [N, O, Dout, R] at z = i·s + t·d − p. A finite x takes one exact matmul with the constant
 * 0/1 matrix; an x holding ±∞ or NaN spreads each tap's rows by the stride and shifts them into
 * place instead (pads and slices, no products), so a non-finite value reaches only its own
 * outputs, as torch's, where 0·∞ = NaN would cover the whole depth.
 */
function foldDepth(where: string, cols: Tensor, d: number, kd: number, dout: number, s: number, p: number, dl: number, x: Tensor): Tensor {
  const [n, o, , r] = cols.shape as [number, number, number, number];
  if (!Number.isFinite(noGrad(() => x.sum().item()))) {
    const taps = reshape(cols, [n, o, d, kd, r]);
    let y: Tensor | null = null;
    for (let t = 0; t < kd; t++) {
      // tap t of input depth i at row i·s of a [D·s] run: s − 1 zero rows after each
      const spread = reshape(padSpatial(where, slice(taps, 3, t, t + 1), [[0, s - 1], [0, 0]], "zeros"), [n, o, d * s, r]);
      const lo = p - t * dl; // the run's row that lands on output depth 0
      const before = Math.max(-lo, 0), start = Math.max(lo, 0);
      const after = Math.max(start + dout - d * s - before, 0);
      const piece = slice(padSpatial(where, spread, [[before, after], [0, 0]], "zeros"), 2, start, start + dout);
      y = y ? y.add(piece) : piece;
    }
    return y!;
  }
  const fold = new Float64Array(dout * d * kd);
  for (let i = 0; i < d; i++)
    for (let t = 0; t < kd; t++) {
      const z = i * s + t * dl - p;
      if (z >= 0 && z < dout) fold[z * d * kd + i * kd + t] = 1;
    }
  return matmul(tensor(fold, { shape: [dout, d * kd], dtype: cols.dtype, device: cols.device }), cols);
}

function checkArgs(where: string, x: Tensor, weight: Tensor, groups: number): void {
  if (x.ndim !== 5) throw new Error(`${where}: expected a 5-D input [N, C, D, H, W], got ${fmtShape(x.shape)}`);
  if (weight.ndim !== 5) throw new Error(`${where}: expected a 5-D weight, got ${fmtShape(weight.shape)}`);
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${where}: groups must be a positive integer, got ${groups}`);
}

/**
 * 3-D convolution of x [N, C, D, H, W] with weight [O, C/groups, kD, kH, kW] → [N, O, D', H', W'],
 * D' = ⌊(D + 2p − d(kD − 1) − 1)/s⌋ + 1 per spatial dim. Matches torch.nn.functional.conv3d
 * (input, weight, bias, stride, padding, dilation, groups); padding may be 'same' (stride 1) or 'valid'.
 */
export function conv3d(x: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null, stride: Size, padding: Size | "same" | "valid", dilation: Size, groups: number], ConvOptions>): Tensor {
  const where = "F.conv3d";
  const o = resolveArgs<Required<ConvOptions>>(where, args, ["bias", "stride", "padding", "dilation", "groups"], {
    bias: null, stride: 1, padding: 0, dilation: 1, groups: 1,
  });
  checkArgs(where, x, weight, o.groups);
  if (o.bias && (o.bias.ndim !== 1 || o.bias.shape[0] !== weight.shape[0]))
    throw new Error(`${where}: bias ${fmtShape(o.bias.shape)} must be 1-D with ${weight.shape[0]} elements`);
  if (weight.shape[0]! % o.groups !== 0)
    throw new Error(`${where}: weight ${fmtShape(weight.shape)} has ${weight.shape[0]} output channels, not divisible by groups=${o.groups}`);
  const stride = tuple(where, "stride", o.stride, 3, 1);
  const dilation = tuple(where, "dilation", o.dilation, 3, 1);
  return conv3dFolded(where, x, weight, o.bias, stride, dilation, o.groups, convPadding(where, o.padding, weight.shape.slice(2), stride, dilation));
}

/**
 * Transposed 3-D convolution of x [N, C, D, H, W] with weight [C, O/groups, kD, kH, kW] →
 * [N, O, D', H', W'], D' = (D − 1)s − 2p + d(kD − 1) + outputPadding + 1. Matches
 * torch.nn.functional.conv_transpose3d (input, weight, bias, stride, padding, output_padding, groups, dilation).
 */
export function convTranspose3d(x: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null, stride: Size, padding: Size, outputPadding: Size, groups: number, dilation: Size], ConvTransposeOptions>): Tensor {
  const where = "F.convTranspose3d";
  const o = resolveArgs<Required<ConvTransposeOptions>>(where, args, ["bias", "stride", "padding", "outputPadding", "groups", "dilation"], {
    bias: null, stride: 1, padding: 0, outputPadding: 0, groups: 1, dilation: 1,
  });
  checkArgs(where, x, weight, o.groups);
  const og = weight.shape[1]!;
  if (o.bias && (o.bias.ndim !== 1 || o.bias.shape[0] !== og * o.groups))
    throw new Error(`${where}: bias ${fmtShape(o.bias.shape)} must be 1-D with ${og * o.groups} elements`);
  return convTranspose3dFolded(where, x, weight, o.bias, tuple(where, "stride", o.stride, 3, 1), tuple(where, "padding", o.padding, 3),
    tuple(where, "outputPadding", o.outputPadding, 3), tuple(where, "dilation", o.dilation, 3, 1), o.groups);
}
