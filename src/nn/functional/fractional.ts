// Fractional max pooling (Graham, 2015): F.fractionalMaxPool2d/3d. Pseudo-random overlapping
// windows of a fixed size whose starts come from torch's interval formula; the argmax of each
// window is found on the host and the values gathered from it, so autograd needs nothing new.

import { rand } from "../../ops/creation.js";
import { gather } from "../../ops/indexing.js";
import { reshape } from "../../ops/movement.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import type { Size } from "./conv.js";
import { batched } from "./pooling.js";

export interface FractionalMaxPoolOptions {
  /** The output's spatial size; give this or outputRatio. */
  outputSize?: Size | null;
  /** The output size as a fraction of the input's: floor(size · ratio) per dim. */
  outputRatio?: number | readonly number[] | null;
  returnIndices?: boolean;
  /**
   * torch's `_random_samples`: [N, C, 2] (or [N, C, 3] for 3-D) numbers in [0, 1] of the input's
   * dtype, one per plane and spatial dim, that place the windows. Default: drawn from myelin's
   * seeded generator (manualSeed), as torch draws them with torch.rand.
   */
  randomSamples?: Tensor | null;
}
type PoolArgs = [outputSize: Size | null, outputRatio: number | readonly number[] | null, returnIndices: boolean, randomSamples: Tensor | null];
type FracArgs = Args<PoolArgs, FractionalMaxPoolOptions>;
type FracIndexArgs = Args<[outputSize: Size | null, outputRatio: number | readonly number[] | null, returnIndices: true, randomSamples: Tensor | null], FractionalMaxPoolOptions & { returnIndices: true }>;

/** One value per spatial dim from an int or a tuple, checked by `ok`. */
function perDim(where: string, name: string, v: number | readonly number[], nsp: number, ok: (u: number) => boolean, want: string): number[] {
  const list = typeof v === "number" ? Array<number>(nsp).fill(v) : [...v];
  if (list.length !== nsp || !list.every(ok)) throw new RangeError(`${where}: ${name} must be ${want} or a tuple of ${nsp}, got ${JSON.stringify(v)}`);
  return list;
}

/**
 * The window starts along one dim, torch's generate_intervals (aten/src/ATen/native/
 * FractionalMaxPool2d.cpp) in the input's precision: α = (in − k)/(out − 1),
 * start_i = ⌊(i + u)α⌋ − ⌊uα⌋ for i < out − 1, and the last window flush with the end, in − k.
 */
export function fractionalIntervals(u: number, inSize: number, outSize: number, k: number, float32: boolean): number[] {
  const r = float32 ? Math.fround : (v: number): number => v;
  const starts = Array<number>(outSize).fill(inSize - k);
  if (outSize > 1) {
    const alpha = r((inSize - k) / (outSize - 1));
    for (let i = 0; i < outSize - 1; i++) starts[i] = Math.trunc(r(r(i + u) * alpha)) - Math.trunc(r(u * alpha));
  }
  return starts;
}

function fractionalMaxPool(where: string, nsp: 2 | 3, input: Tensor, kernelSize: Size, args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  const o = resolveArgs<Required<FractionalMaxPoolOptions>>(where, args, ["outputSize", "outputRatio", "returnIndices", "randomSamples"], {
    outputSize: null, outputRatio: null, returnIndices: false, randomSamples: null,
  });
  if (!input.isFloatingPoint()) throw new TypeError(`${where}: expected a floating-point input, got ${input.dtype} ${fmtShape(input.shape)}`);
  const [x, unbatched] = batched(where, input, nsp);
  const [n, c] = x.shape as [number, number];
  const inSp = x.shape.slice(2);
  if (x.numel === 0) throw new Error(`${where}: expected a non-empty input, got ${fmtShape(input.shape)}`);
  const k = perDim(where, "kernelSize", kernelSize, nsp, (u) => Number.isInteger(u) && u >= 1, "a positive integer");
  if (o.outputSize === null && o.outputRatio === null) throw new Error(`${where}: requires specifying either an outputSize or an outputRatio`);
  if (o.outputSize !== null && o.outputRatio !== null) throw new Error(`${where}: give either outputSize or outputRatio, not both`);
  const outSp = o.outputSize !== null
    ? perDim(where, "outputSize", o.outputSize, nsp, (u) => Number.isInteger(u) && u >= 0, "a non-negative integer")
    : perDim(where, "outputRatio", o.outputRatio!, nsp, (u) => u > 0 && Number.isFinite(u), "a positive number").map((r, j) => Math.trunc(inSp[j]! * r));
  const names = nsp === 2 ? ["height", "width"] : ["time", "height", "width"];
  outSp.forEach((s, j) => {
    if (s + k[j]! - 1 > inSp[j]!) throw new RangeError(`${where}: pool ${names[j]} ${k[j]} too large relative to input ${names[j]} ${inSp[j]} for output ${names[j]} ${s} (needs output + kernel − 1 ≤ input)`);
  });
  const samples = o.randomSamples ?? rand([n, c, nsp], { dtype: x.dtype, device: x.device });
  if (samples.ndim !== 3 || samples.shape[0] !== n || samples.shape[1] !== c || samples.shape[2] !== nsp)
    throw new Error(`${where}: randomSamples must be [N, C, ${nsp}] = [${n}, ${c}, ${nsp}] for the input ${fmtShape(input.shape)}, got ${fmtShape(samples.shape)}`);
  if (samples.dtype !== x.dtype) throw new TypeError(`${where}: randomSamples (${samples.dtype}) must have the input's dtype (${x.dtype})`);
  const u = samples.dataSync();
  if (u.some((v) => !(v >= 0 && v <= 1))) throw new RangeError(`${where}: randomSamples must lie in [0, 1]`);

  const planeSize = inSp.reduce((a, b) => a * b, 1), outSize = outSp.reduce((a, b) => a * b, 1);
  const data = x.detach().dataSync();
  const index = new Int32Array(n * c * outSize);
  const strides = (sizes: number[]): number[] => sizes.map((_, j) => sizes.slice(j + 1).reduce((a, b) => a * b, 1));
  const inStrides = strides(inSp), outStrides = strides(outSp);
  for (let plane = 0; plane < n * c; plane++) {
    // torch's sample order: [W, H] for 2-D, [T, H, W] for 3-D
    const sampleOf = (j: number): number => u[plane * nsp + (nsp === 2 ? 1 - j : j)]!;
    const starts = outSp.map((s, j) => fractionalIntervals(sampleOf(j), inSp[j]!, s, k[j]!, x.dtype === "float32"));
    for (let q = 0; q < outSize; q++) {
      const lo = outStrides.map((st, j) => starts[j]![Math.floor(q / st) % outSp[j]!]!);
      const first = lo.reduce((a, l, j) => a + l * inStrides[j]!, 0);
      // torch's scan: row-major over the window, a larger value or any NaN takes over
      let best = -Infinity, at = first;
      const scan = (j: number, offset: number): void => {
        for (let t = lo[j]!; t < lo[j]! + k[j]!; t++) {
          const p = offset + t * inStrides[j]!;
          if (j < nsp - 1) scan(j + 1, p);
          else {
            const v = data[plane * planeSize + p]!;
            if (v > best || Number.isNaN(v)) [best, at] = [v, p];
          }
        }
      };
      scan(0, 0);
      index[plane * outSize + q] = at;
    }
  }
  const idx = Tensor.fromArray(index, [n, c, outSize], x.backend, "int32");
  const values = reshape(gather(reshape(x, [n, c, planeSize]), 2, idx), [n, c, ...outSp]);
  const indices = reshape(idx, [n, c, ...outSp]);
  const strip = (t: Tensor): Tensor => (unbatched ? reshape(t, t.shape.slice(1)) : t);
  return o.returnIndices ? [strip(values), strip(indices)] : strip(values);
}

/**
 * Fractional max pooling over kH×kW windows of [N, C, H, W] (or [C, H, W]) to an output of
 * outputSize (or ⌊size · outputRatio⌋): window starts per plane from torch's interval formula
 * (see fractionalIntervals) with one random sample per plane and dim. With returnIndices, returns
 * [values, indices], indices flat positions h·W + w in each plane (int32). The gradient goes to
 * each window's maximum (the last NaN if any). Matches torch.nn.functional.fractional_max_pool2d
 * (input, kernel_size, output_size=None, output_ratio=None, return_indices=False, _random_samples=None).
 */
export function fractionalMaxPool2d(x: Tensor, kernelSize: Size, ...args: FracIndexArgs): [Tensor, Tensor];
export function fractionalMaxPool2d(x: Tensor, kernelSize: Size, ...args: FracArgs): Tensor;
export function fractionalMaxPool2d(x: Tensor, kernelSize: Size, ...args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  return fractionalMaxPool("F.fractionalMaxPool2d", 2, x, kernelSize, args);
}

/**
 * Fractional max pooling over kT×kH×kW windows of [N, C, T, H, W] (or [C, T, H, W]); as
 * fractionalMaxPool2d with samples [N, C, 3] and indices t·H·W + h·W + w. Matches
 * torch.nn.functional.fractional_max_pool3d (input, kernel_size, output_size=None,
 * output_ratio=None, return_indices=False, _random_samples=None).
 */
export function fractionalMaxPool3d(x: Tensor, kernelSize: Size, ...args: FracIndexArgs): [Tensor, Tensor];
export function fractionalMaxPool3d(x: Tensor, kernelSize: Size, ...args: FracArgs): Tensor;
export function fractionalMaxPool3d(x: Tensor, kernelSize: Size, ...args: readonly unknown[]): Tensor | [Tensor, Tensor] {
  return fractionalMaxPool("F.fractionalMaxPool3d", 3, x, kernelSize, args);
}
