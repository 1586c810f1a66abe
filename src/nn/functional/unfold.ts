// im2col and col2im (F.unfold, F.fold): sliding blocks of a padded image as columns, and back.
// Each is one gather (unfold) or one scatterAdd (fold) with a precomputed int32 index, so forward
// and backward are a single kernel each, whatever the kernel size; convolutions can use them.

import { Tensor } from "../../tensor.js";
import { gather, scatterAddNew } from "../../ops/indexing.js";
import { pad } from "../../ops/movement.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";

type Pair = number | readonly [number, number];

export interface UnfoldOptions {
  dilation?: Pair;
  padding?: Pair;
  stride?: Pair;
}

const pair = (op: string, name: string, v: Pair, min: number): [number, number] => {
  const p: [number, number] = typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (p.length !== 2 || p.some((x) => !Number.isInteger(x) || x < min))
    throw new Error(`${op}: ${name} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
  return p;
};

interface Geometry {
  k: [number, number];
  d: [number, number];
  p: [number, number];
  s: [number, number];
  /** padded input size */
  hp: number;
  wp: number;
  /** number of block positions per spatial dim */
  oh: number;
  ow: number;
}

function geometry(op: string, h: number, w: number, kernelSize: Pair, o: Required<UnfoldOptions>): Geometry {
  const k = pair(op, "kernelSize", kernelSize, 1), d = pair(op, "dilation", o.dilation, 1);
  const p = pair(op, "padding", o.padding, 0), s = pair(op, "stride", o.stride, 1);
  const hp = h + 2 * p[0], wp = w + 2 * p[1];
  const oh = Math.floor((hp - d[0] * (k[0] - 1) - 1) / s[0]) + 1;
  const ow = Math.floor((wp - d[1] * (k[1] - 1) - 1) / s[1]) + 1;
  if (oh < 1 || ow < 1)
    throw new Error(
      `${op}: spatial size (${h}, ${w}) with kernelSize (${k}), dilation (${d}), padding (${p}) gives (${oh}, ${ow}) ` +
        "sliding blocks; both must be at least 1",
    );
  return { k, d, p, s, hp, wp, oh, ow };
}

/** For column row r = (c, ki, kj) and block l = (i, j): the flat position in the padded [C, Hp, Wp] image. */
function blockIndex(like: Tensor, channels: number, g: Geometry): Tensor {
  const { k, d, s, hp, wp, oh, ow } = g;
  const L = oh * ow, rows = channels * k[0] * k[1];
  const idx = new Int32Array(rows * L);
  let at = 0;
  for (let c = 0; c < channels; c++)
    for (let ki = 0; ki < k[0]; ki++)
      for (let kj = 0; kj < k[1]; kj++)
        for (let i = 0; i < oh; i++) {
          const base = c * hp * wp + (i * s[0] + ki * d[0]) * wp + kj * d[1];
          for (let j = 0; j < ow; j++) idx[at++] = base + j * s[1];
        }
  return Tensor.fromArray(idx, [1, rows * L], like.backend, "int32");
}

const resolve = (op: string, args: readonly unknown[]): Required<UnfoldOptions> =>
  resolveArgs<Required<UnfoldOptions>>(op, args, ["dilation", "padding", "stride"], { dilation: 1, padding: 0, stride: 1 });

/**
 * Extracts sliding blocks: [N, C, H, W] → [N, C·kh·kw, L] (or unbatched [C, H, W] → [C·kh·kw, L]),
 * L = the number of block positions; column l holds block l, rows ordered (c, ki, kj).
 * Matches torch.nn.functional.unfold (im2col).
 */
export function unfold(input: Tensor, kernelSize: Pair, ...args: Args<[dilation: Pair, padding: Pair, stride: Pair], UnfoldOptions>): Tensor {
  if (input.ndim !== 3 && input.ndim !== 4)
    throw new Error(`F.unfold: expects a 3-D [C, H, W] or 4-D [N, C, H, W] input, got ${fmtShape(input.shape)}`);
  const x = input.ndim === 3 ? input.unsqueeze(0) : input;
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const g = geometry("F.unfold", h, w, kernelSize, resolve("F.unfold", args));
  const padded = g.p[0] || g.p[1] ? pad(x, [g.p[1], g.p[1], g.p[0], g.p[0]]) : x;
  const idx = blockIndex(x, c, g);
  const cols = gather(padded.reshape(n, c * g.hp * g.wp), 1, idx.expand(n, idx.shape[1]!));
  const out = cols.reshape(n, c * g.k[0] * g.k[1], g.oh * g.ow);
  return input.ndim === 3 ? out.squeeze(0) : out;
}

/**
 * Sums sliding blocks back into an image (the adjoint of unfold): [N, C·kh·kw, L] → [N, C, H, W]
 * with [H, W] = outputSize (or unbatched [C·kh·kw, L] → [C, H, W]); overlapping entries add up.
 * Matches torch.nn.functional.fold (col2im).
 */
export function fold(input: Tensor, outputSize: Pair, kernelSize: Pair, ...args: Args<[dilation: Pair, padding: Pair, stride: Pair], UnfoldOptions>): Tensor {
  if (input.ndim !== 2 && input.ndim !== 3)
    throw new Error(`F.fold: expects a 2-D [C·kh·kw, L] or 3-D [N, C·kh·kw, L] input, got ${fmtShape(input.shape)}`);
  const x = input.ndim === 2 ? input.unsqueeze(0) : input;
  const [h, w] = pair("F.fold", "outputSize", outputSize, 1);
  const g = geometry("F.fold", h, w, kernelSize, resolve("F.fold", args));
  const [n, rows, L] = x.shape as [number, number, number];
  const kk = g.k[0] * g.k[1];
  if (rows % kk !== 0)
    throw new Error(`F.fold: dim 1 of the input ${fmtShape(input.shape)} must be divisible by the kernel's ${kk} positions`);
  if (L !== g.oh * g.ow)
    throw new Error(`F.fold: the input has ${L} blocks, but outputSize (${h}, ${w}) with these settings gives ${g.oh}·${g.ow} = ${g.oh * g.ow}`);
  const c = rows / kk;
  const idx = blockIndex(x, c, g);
  const flat = scatterAddNew([n, c * g.hp * g.wp], 1, idx.expand(n, idx.shape[1]!), x.reshape(n, rows * L));
  let out = flat.reshape(n, c, g.hp, g.wp);
  if (g.p[0] || g.p[1]) out = pad(out, [-g.p[1], -g.p[1], -g.p[0], -g.p[0]]);
  return input.ndim === 2 ? out.squeeze(0) : out;
}
