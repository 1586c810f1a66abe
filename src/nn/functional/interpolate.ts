// Resampling (F.interpolate, its deprecated alias F.upsample, and nn.Upsample's forward): nearest,
// linear and bilinear, separable along each spatial dim. Source indices and weights are computed on the
// host in float32 exactly as PyTorch's CPU kernels do, then applied with indexSelect and a weighted
// sum, so autograd gives the adjoint (a scatter-add).

import { Tensor } from "../../tensor.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";

const f32 = Math.fround;

export type InterpolateMode = "nearest" | "linear" | "bilinear";

export interface InterpolateOptions {
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** Linear modes only: map the corner pixels' centres onto each other (default false). */
  alignCorners?: boolean | null;
  /** Derive the kernel's scale from the output size instead of using scaleFactor (torch's flag). */
  recomputeScaleFactor?: boolean | null;
}

const SPATIAL: Record<InterpolateMode, readonly number[]> = { nearest: [1, 2, 3], linear: [1], bilinear: [2] };

/** torch's compute_scales_value: 1/scale when a scale factor drives the kernel, in/out otherwise (float32). */
const scaleValue = (scale: number | null, inSize: number, outSize: number): number =>
  scale !== null && scale > 0 ? f32(1 / scale) : f32(inSize / outSize);

/** Nearest source index of every output index (torch's nearest_idx). */
function nearestIndex(inSize: number, outSize: number, scale: number | null): Int32Array {
  const out = new Int32Array(outSize);
  const s = scaleValue(scale, inSize, outSize);
  for (let i = 0; i < outSize; i++)
    out[i] = outSize === inSize ? i : outSize === 2 * inSize ? i >> 1 : Math.min(Math.floor(f32(i * s)), inSize - 1);
  return out;
}

/** Both neighbours and weights of every output index (torch's compute_indices_weights_linear). */
function linearWeights(inSize: number, outSize: number, scale: number | null, alignCorners: boolean) {
  const s = alignCorners ? (outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : 0) : scaleValue(scale, inSize, outSize);
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize), w1 = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const real = alignCorners ? f32(s * i) : Math.max(f32(f32(s * f32(i + 0.5)) - 0.5), 0);
    const lo = Math.trunc(real);
    const lambda = Math.min(Math.max(f32(real - lo), 0), 1);
    i0[i] = lo;
    i1[i] = lo + (lo < inSize - 1 ? 1 : 0);
    w1[i] = lambda;
    w0[i] = f32(1 - lambda);
  }
  return { i0, i1, w0, w1 };
}

/**
 * Resizes the spatial dims of [N, C, *spatial] to `size`, or to ⌊in·scaleFactor⌋. Modes: 'nearest'
 * (1-3 spatial dims), 'linear' (1), 'bilinear' (2), with alignCorners for the linear modes.
 * Matches torch.nn.functional.interpolate (mode 'nearest' is PyTorch's, not 'nearest-exact').
 */
export function interpolate(
  input: Tensor,
  ...args: Args<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null, mode: InterpolateMode, alignCorners: boolean | null], InterpolateOptions>
): Tensor {
  return resample("F.interpolate", input, resolveArgs<InterpolateOptions>("F.interpolate", args, ["size", "scaleFactor", "mode", "alignCorners"], {
    size: null, scaleFactor: null, mode: "nearest", alignCorners: null, recomputeScaleFactor: null,
  }));
}

/** torch.nn.functional.upsample, which torch keeps as a deprecated alias of interpolate: the same function. */
export const upsample = interpolate;
/**
 * interpolate(input, size, scaleFactor, 'nearest'): torch's deprecated F.upsample_nearest.
 * Matches torch.nn.functional.upsample_nearest.
 */
export function upsampleNearest(input: Tensor, ...args: Args<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null], { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null }>): Tensor {
  const o = resolveArgs<InterpolateOptions>("F.upsampleNearest", args, ["size", "scaleFactor"], { size: null, scaleFactor: null });
  return resample("F.upsampleNearest", input, { ...o, mode: "nearest", alignCorners: null, recomputeScaleFactor: null });
}
/**
 * interpolate(input, size, scaleFactor, 'bilinear', alignCorners = true): torch's deprecated
 * F.upsample_bilinear (4-D inputs). Matches torch.nn.functional.upsample_bilinear.
 */
export function upsampleBilinear(input: Tensor, ...args: Args<[size: number | readonly number[] | null, scaleFactor: number | readonly number[] | null], { size?: number | readonly number[] | null; scaleFactor?: number | readonly number[] | null }>): Tensor {
  const o = resolveArgs<InterpolateOptions>("F.upsampleBilinear", args, ["size", "scaleFactor"], { size: null, scaleFactor: null });
  return resample("F.upsampleBilinear", input, { ...o, mode: "bilinear", alignCorners: true, recomputeScaleFactor: null });
}
/** @deprecated the names of F.upsample's days as its own function; use InterpolateMode / InterpolateOptions. */
export type UpsampleMode = InterpolateMode;
/** @deprecated use InterpolateOptions. */
export type UpsampleOptions = InterpolateOptions;

/** F.interpolate's work on resolved options; `where` names the caller (F.interpolate or nn.Upsample) in errors. */
export function resample(where: string, input: Tensor, o: InterpolateOptions): Tensor {
  const mode = o.mode ?? "nearest";
  if (!(mode in SPATIAL)) throw new Error(`${where}: mode '${mode}' is not supported (nearest, linear, bilinear)`);
  const nd = input.ndim - 2;
  if (!SPATIAL[mode].includes(nd))
    throw new Error(`${where}: mode '${mode}' expects ${SPATIAL[mode].map((k) => `${k + 2}-D`).join(" or ")} input [N, C, …], got ${fmtShape(input.shape)}`);
  if (mode === "nearest" && o.alignCorners != null)
    throw new Error(`${where}: alignCorners can only be set with the interpolating modes (linear, bilinear)`);
  if ((o.size == null) === (o.scaleFactor == null)) throw new Error(`${where}: give exactly one of size and scaleFactor`);
  const perDim = (v: number | readonly number[], name: string): number[] => {
    const list = typeof v === "number" ? Array<number>(nd).fill(v) : [...v];
    if (list.length !== nd) throw new Error(`${where}: ${name} ${JSON.stringify(v)} must have ${nd} entries for input ${fmtShape(input.shape)}`);
    return list;
  };
  const inSizes = input.shape.slice(2);
  const factors = o.scaleFactor != null ? perDim(o.scaleFactor, "scaleFactor") : null;
  const sizes = o.size != null ? perDim(o.size, "size") : inSizes.map((s, i) => Math.floor(s * factors![i]!));
  if (sizes.some((s) => !Number.isInteger(s) || s < 1)) throw new Error(`${where}: output size ${fmtShape(sizes)} must be positive integers`);
  const alignCorners = o.alignCorners ?? false;
  let out = input;
  // the last spatial dim first: the order in which torch's kernels combine the weights
  for (let i = nd - 1; i >= 0; i--) {
    const d = i + 2, inSize = inSizes[i]!, outSize = sizes[i]!;
    const scale = factors && !o.recomputeScaleFactor ? factors[i]! : null;
    const index = (a: Int32Array): Tensor => Tensor.fromArray(a, [a.length], input.backend, "int32");
    if (mode === "nearest") {
      out = out.indexSelect(d, index(nearestIndex(inSize, outSize, scale)));
      continue;
    }
    const { i0, i1, w0, w1 } = linearWeights(inSize, outSize, scale, alignCorners);
    const along = out.shape.map((_, k) => (k === d ? outSize : 1));
    const weight = (w: Float64Array): Tensor => Tensor.fromArray(w, along, input.backend, input.dtype);
    out = out.indexSelect(d, index(i0)).mul(weight(w0)).add(out.indexSelect(d, index(i1)).mul(weight(w1)));
  }
  return out;
}
