// More pooling: F.lpPool1d/2d (power-average pooling over avgPool), and F.adaptiveMaxPool1d and
// F.maxUnpool1d as the 2-D ones on a height-1 image (so indices are the same flat positions).

import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import type { Size } from "./conv.js";
import { adaptiveMaxPool2d, avgPool1d, avgPool2d, maxUnpool2d } from "./pooling.js";

export interface LPPoolOptions {
  /** Default: the kernel size. */
  stride?: Size | null;
  ceilMode?: boolean;
}
type LPPoolArgs = Args<[stride: Size | null, ceilMode: boolean], LPPoolOptions>;

function lpPool(where: string, nsp: 1 | 2, x: Tensor, normType: number, kernelSize: Size, args: readonly unknown[]): Tensor {
  const { stride, ceilMode } = resolveArgs<Required<LPPoolOptions>>(where, args, ["stride", "ceilMode"], { stride: null, ceilMode: false });
  if (typeof normType !== "number" || !(normType > 0)) throw new RangeError(`${where}: normType must be a positive number, got ${String(normType)}`);
  if (x.ndim !== nsp + 1 && x.ndim !== nsp + 2) throw new Error(`${where}: expected ${nsp + 1}-D (unbatched) or ${nsp + 2}-D (batched) input, got ${fmtShape(x.shape)}`);
  const k = typeof kernelSize === "number" ? Array<number>(nsp).fill(kernelSize) : [...kernelSize];
  const xp = x.pow(normType);
  const o = { stride: stride ?? kernelSize, padding: 0, ceilMode };
  const out = nsp === 1 ? avgPool1d(xp, kernelSize, o) : avgPool2d(xp, kernelSize, o);
  // torch's exact composite: sign(out)·relu(|out|) is out, with gradient 0 where out is 0
  return out.sign().mul(out.abs().relu()).mul(k.reduce((a, b) => a * b, 1)).pow(1 / normType);
}

/**
 * (Σ over each window of xᵖ)^(1/p) over [N, C, L] or [C, L]: p = 1 is sum pooling, p → ∞ max
 * pooling. Computed as torch does, from the window average times the kernel size. Matches
 * torch.nn.functional.lp_pool1d (input, norm_type, kernel_size, stride=None, ceil_mode=False).
 */
export function lpPool1d(x: Tensor, normType: number, kernelSize: number, ...args: LPPoolArgs): Tensor {
  return lpPool("F.lpPool1d", 1, x, normType, kernelSize, args);
}

/**
 * (Σ over each kH×kW window of xᵖ)^(1/p) over [N, C, H, W] or [C, H, W]. Matches
 * torch.nn.functional.lp_pool2d (input, norm_type, kernel_size, stride=None, ceil_mode=False).
 */
export function lpPool2d(x: Tensor, normType: number, kernelSize: Size, ...args: LPPoolArgs): Tensor {
  return lpPool("F.lpPool2d", 2, x, normType, kernelSize, args);
}

const check1d = (where: string, x: Tensor, what = "input"): void => {
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${where}: expected a 2-D [C, L] or 3-D [N, C, L] ${what}, got ${fmtShape(x.shape)}`);
};
const single = (where: string, name: string, v: Size | null): number | null => {
  if (v === null) return null;
  const u = typeof v === "number" ? v : v.length === 1 ? v[0]! : NaN;
  if (!Number.isInteger(u)) throw new Error(`${where}: ${name} must be an integer or a 1-tuple, got ${JSON.stringify(v)}`);
  return u;
};

/**
 * The maximum of each adaptive bin of [N, C, L] (or [C, L]) → [..., outputSize]; with returnIndices
 * also each maximum's position in L. Matches torch.nn.functional.adaptive_max_pool1d (input,
 * output_size, return_indices=False).
 */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number, ...args: Args<[returnIndices: boolean], { returnIndices?: boolean }>): Tensor | [Tensor, Tensor] {
  const where = "F.adaptiveMaxPool1d";
  const { returnIndices } = resolveArgs(where, args, ["returnIndices"], { returnIndices: false });
  check1d(where, input);
  const out = single(where, "outputSize", outputSize);
  if (out === null || out < 1) throw new Error(`${where}: outputSize must be a positive integer, got ${String(outputSize)}`);
  const r = adaptiveMaxPool2d(input.unsqueeze(-2), [1, out], returnIndices);
  return Array.isArray(r) ? [r[0].squeeze(-2), r[1].squeeze(-2)] : r.squeeze(-2);
}

export interface MaxUnpool1dOptions {
  stride?: Size | null;
  padding?: Size;
  /** The output length (or a shape ending in it), to undo a pooling whose input length is ambiguous. */
  outputSize?: readonly number[] | null;
}

/**
 * Puts each value of [N, C, L] (or [C, L]) at its index from maxPool1d(..., returnIndices), zeros
 * elsewhere: L' = (L − 1)s − 2p + k unless outputSize says otherwise. Matches
 * torch.nn.functional.max_unpool1d (input, indices, kernel_size, stride=None, padding=0, output_size=None).
 */
export function maxUnpool1d(input: Tensor, indices: Tensor, kernelSize: Size, ...args: Args<[stride: Size | null, padding: Size, outputSize: readonly number[] | null], MaxUnpool1dOptions>): Tensor {
  const where = "F.maxUnpool1d";
  const o = resolveArgs<Required<MaxUnpool1dOptions>>(where, args, ["stride", "padding", "outputSize"], { stride: null, padding: 0, outputSize: null });
  check1d(where, input);
  if (!indices.shape.every((s, j) => s === input.shape[j]) || indices.ndim !== input.ndim)
    throw new Error(`${where}: indices ${fmtShape(indices.shape)} must have the input's shape ${fmtShape(input.shape)}`);
  const k = single(where, "kernelSize", kernelSize)!, s = single(where, "stride", o.stride) ?? k, p = single(where, "padding", o.padding)!;
  const length = o.outputSize ? o.outputSize[o.outputSize.length - 1] : null;
  if (length !== null && length !== undefined && !(Number.isInteger(length) && length > 0)) throw new Error(`${where}: outputSize ${fmtShape(o.outputSize!)} must end in a positive length`);
  const y = maxUnpool2d(input.unsqueeze(-2), indices.unsqueeze(-2), [1, k], [1, s], [0, p], length == null ? null : [1, length]);
  return y.squeeze(-2);
}
