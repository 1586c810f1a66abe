// Spatial resizing for nn.Upsample: nearest and (bi)linear with torch's source-index formulas,
// separable along each spatial dim (index selects and a lerp). F.interpolate can take this over.

import { tensor } from "../../ops/creation.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";

export type UpsampleMode = "nearest" | "linear" | "bilinear";

export interface UpsampleOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: UpsampleMode;
  /** Linear modes: map corner pixel centres onto each other (scale (in − 1)/(out − 1)). */
  alignCorners?: boolean | null;
}

/** torch's nearest source index: ⌊dst·scale⌋ clipped, scale = 1/scaleFactor when given, else in/out. */
function nearestIndex(inSize: number, outSize: number, factor: number | null): Int32Array {
  const scale = factor !== null ? 1 / factor : inSize / outSize;
  return Int32Array.from({ length: outSize }, (_, i) => Math.min(Math.floor(Math.fround(i * scale)), inSize - 1));
}

/** torch's area_pixel_compute_source_index and the two neighbours with their weights. */
function linearTaps(inSize: number, outSize: number, factor: number | null, alignCorners: boolean): [Int32Array, Int32Array, Float64Array] {
  const scale = alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : factor !== null ? 1 / factor : inSize / outSize;
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize), l1 = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = alignCorners ? scale * i : Math.max(scale * (i + 0.5) - 0.5, 0);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[i] = lo;
    i1[i] = lo < inSize - 1 ? lo + 1 : lo;
    l1[i] = src - lo;
  }
  return [i0, i1, l1];
}

/**
 * Resizes the trailing spatial dims of x [N, C, ...] (1 or 2 of them) to `size`, or by
 * `scaleFactor` (output ⌊in·factor⌋). 'nearest' copies the source pixel ⌊dst·in/out⌋; 'linear'
 * (3-D input) and 'bilinear' (4-D) interpolate between the two nearest source pixels. Matches
 * torch.nn.functional.upsample / interpolate (input, size, scale_factor, mode, align_corners).
 */
export function upsample(x: Tensor, ...args: Args<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: UpsampleMode, alignCorners: boolean | null], UpsampleOptions>): Tensor {
  const where = "F.upsample";
  const o = resolveArgs<Required<UpsampleOptions>>(where, args, ["size", "scaleFactor", "mode", "alignCorners"], {
    size: null, scaleFactor: null, mode: "nearest", alignCorners: null,
  });
  const nsp = x.ndim - 2;
  if (nsp < 1 || nsp > 2) throw new Error(`${where}: expected a 3-D [N, C, L] or 4-D [N, C, H, W] input, got ${fmtShape(x.shape)}`);
  if (!["nearest", "linear", "bilinear"].includes(o.mode)) throw new Error(`${where}: mode must be 'nearest', 'linear' or 'bilinear', got '${String(o.mode)}'`);
  if ((o.mode === "linear" && nsp !== 1) || (o.mode === "bilinear" && nsp !== 2))
    throw new Error(`${where}: mode '${o.mode}' expects a ${o.mode === "linear" ? "3" : "4"}-D input, got ${fmtShape(x.shape)}`);
  if (o.mode === "nearest" && o.alignCorners !== null) throw new Error(`${where}: alignCorners only applies to the linear modes, not 'nearest'`);
  if ((o.size === null) === (o.scaleFactor === null)) throw new Error(`${where}: give exactly one of size and scaleFactor`);
  const inSp = x.shape.slice(2);
  const list = (v: number | readonly number[], name: string): number[] => {
    const a = typeof v === "number" ? Array<number>(nsp).fill(v) : [...v];
    if (a.length !== nsp || a.some((s) => !(s > 0))) throw new Error(`${where}: ${name} must be positive, one per spatial dim (${nsp}), got ${String(v)}`);
    return a;
  };
  const factors = o.scaleFactor !== null ? list(o.scaleFactor, "scaleFactor") : null;
  const outSp = o.size !== null ? list(o.size, "size") : inSp.map((s, j) => Math.floor(s * factors![j]!));
  if (outSp.some((s) => !Number.isInteger(s) || s < 1)) throw new Error(`${where}: output size ${fmtShape(outSp)} must hold positive integers`);
  let y = x;
  outSp.forEach((out, j) => {
    const dim = 2 + j, inSize = inSp[j]!, factor = factors ? factors[j]! : null;
    const idx = (a: Int32Array): Tensor => tensor(a, { dtype: "int32", device: x.device });
    if (o.mode === "nearest") {
      if (out !== inSize) y = y.indexSelect(dim, idx(nearestIndex(inSize, out, factor)));
      return;
    }
    const [i0, i1, l1] = linearTaps(inSize, out, factor, o.alignCorners ?? false);
    const wShape = y.shape.map((_, d) => (d === dim ? out : 1));
    const w1 = tensor(l1, { shape: wShape, dtype: x.dtype, device: x.device });
    const w0 = tensor(l1.map((v) => 1 - v), { shape: wShape, dtype: x.dtype, device: x.device });
    y = y.indexSelect(dim, idx(i0)).mul(w0).add(y.indexSelect(dim, idx(i1)).mul(w1));
  });
  return y;
}
