// Spatial transformers: F.affineGrid (sampling grids from affine matrices) and F.gridSample
// (bilinear or nearest sampling of [N, C, H, W] at grid points, with zeros, border or reflection
// padding). Composites of gather and elementwise ops, so both the input and the grid get gradients.

import { linspace } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { stack } from "../../ops/movement.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";

/** The normalized coordinates of n points in [−1, 1]: the corner pixels' centres when alignCorners, else the pixels' centres of a grid whose edges are ±1. */
function base(n: number, alignCorners: boolean, like: Tensor): Tensor {
  const o = { dtype: like.dtype, device: like.device };
  if (n <= 1) return linspace(0, 0, n, o); // torch: a single point sits at 0
  const g = linspace(-1, 1, n, o);
  return alignCorners ? g : g.mul((n - 1) / n);
}

/**
 * The sampling grid of an affine map: grid[n, h, w] = θₙ·[x_w, y_h, 1] for θ [N, 2, 3] and
 * size [N, C, H, W] → [N, H, W, 2] (x first); θ [N, 3, 4] and [N, C, D, H, W] → [N, D, H, W, 3].
 * Matches torch.nn.functional.affine_grid (alignCorners defaults to false, as torch's).
 */
export function affineGrid(theta: Tensor, size: readonly number[], ...args: Args<[alignCorners: boolean], { alignCorners?: boolean }>): Tensor {
  const { alignCorners } = resolveArgs("F.affineGrid", args, ["alignCorners"], { alignCorners: false });
  if (!theta.isFloatingPoint()) throw new TypeError(`F.affineGrid: theta must be a floating tensor, got ${theta.dtype}`);
  const nsp = size.length - 2;
  if ((nsp !== 2 && nsp !== 3) || theta.ndim !== 3 || theta.shape[0] !== size[0] || theta.shape[1] !== nsp || theta.shape[2] !== nsp + 1)
    throw new Error(`F.affineGrid: expected theta [N, 2, 3] with size [N, C, H, W] or theta [N, 3, 4] with size [N, C, D, H, W]; got theta ${fmtShape(theta.shape)} and size ${fmtShape(size)}`);
  const spatial = size.slice(2); // [H, W] or [D, H, W]
  // one coordinate per spatial dim, broadcast over the others; x is the last dim's, so reverse
  const coords = spatial.map((len, d) => base(len, alignCorners, theta).reshape(spatial.map((s, e) => (e === d ? s : 1))).expand(spatial)).reverse();
  const ones = coords[0]!.mul(0).add(1);
  const points = stack([...coords, ones], -1).reshape([1, -1, nsp + 1]); // [1, P, nsp + 1]: [x, y, (z,) 1] per point
  return points.matmul(theta.mT).reshape([size[0]!, ...spatial, nsp]);
}

export type GridSampleMode = "bilinear" | "nearest";
export type GridPaddingMode = "zeros" | "border" | "reflection";
export interface GridSampleOptions { mode?: GridSampleMode; paddingMode?: GridPaddingMode; alignCorners?: boolean }

/** Pixel coordinate of normalized c along a dim of n pixels (torch's grid_sampler_unnormalize). */
const unnormalize = (c: Tensor, n: number, alignCorners: boolean): Tensor => (alignCorners ? c.add(1).mul((n - 1) / 2) : c.add(1).mul(n).sub(1).div(2));

/** Reflects c into [lo2/2, hi2/2] (torch's reflect_coordinates, in doubled units so half-pixels stay exact). */
function reflect(c: Tensor, lo2: number, hi2: number): Tensor {
  if (lo2 === hi2) return c.mul(0);
  const min = lo2 / 2, span = (hi2 - lo2) / 2;
  const d = c.sub(min).abs();
  const flips = d.div(span).floor();
  const extra = d.sub(flips.mul(span)); // fmod(d, span) with d ≥ 0, gradient 1 in d
  return where(flips.remainder(2).eq(0), extra.add(min), extra.neg().add(span + min));
}

/** The padding mode applied to a pixel coordinate along a dim of n pixels (torch's compute_coordinates). */
function pad(c: Tensor, n: number, mode: GridPaddingMode, alignCorners: boolean): Tensor {
  if (mode === "zeros") return c;
  const r = mode === "reflection" ? (alignCorners ? reflect(c, 0, 2 * (n - 1)) : reflect(c, -1, 2 * n - 1)) : c;
  return r.clamp(0, n - 1);
}

/**
 * Samples input [N, C, H, W] at grid [N, Ho, Wo, 2] (x, y in [−1, 1]; −1 is the left/top edge or
 * pixel centre, see alignCorners) → [N, C, Ho, Wo]. bilinear interpolates the four neighbours,
 * nearest rounds half to even; points outside read zeros, the border pixels, or the reflected
 * image. Gradients reach the input and (bilinear) the grid. Matches
 * torch.nn.functional.grid_sample for 4-D inputs (bicubic and 5-D inputs are not implemented).
 */
export function gridSample(input: Tensor, grid: Tensor, ...args: Args<[mode: GridSampleMode, paddingMode: GridPaddingMode, alignCorners: boolean], GridSampleOptions>): Tensor {
  const { mode, paddingMode, alignCorners } = resolveArgs<Required<GridSampleOptions>>("F.gridSample", args, ["mode", "paddingMode", "alignCorners"], { mode: "bilinear", paddingMode: "zeros", alignCorners: false });
  if (mode !== "bilinear" && mode !== "nearest") throw new Error(`F.gridSample: mode must be 'bilinear' or 'nearest', got '${String(mode)}'${String(mode) === "bicubic" ? " (bicubic is not implemented)" : ""}`);
  if (!["zeros", "border", "reflection"].includes(paddingMode)) throw new Error(`F.gridSample: paddingMode must be 'zeros', 'border' or 'reflection', got '${String(paddingMode)}'`);
  if (input.ndim !== 4) throw new Error(`F.gridSample: expected a 4-D input [N, C, H, W], got ${fmtShape(input.shape)}${input.ndim === 5 ? " (5-D volumetric sampling is not implemented)" : ""}`);
  const [n, c, h, w] = input.shape as [number, number, number, number];
  if (grid.ndim !== 4 || grid.shape[0] !== n || grid.shape[3] !== 2) throw new Error(`F.gridSample: expected grid [${n}, Ho, Wo, 2] for input ${fmtShape(input.shape)}, got ${fmtShape(grid.shape)}`);
  if (!input.isFloatingPoint() || grid.dtype !== input.dtype) throw new TypeError(`F.gridSample: input and grid must share one floating dtype, got ${input.dtype} and ${grid.dtype}`);
  const [ho, wo] = [grid.shape[1]!, grid.shape[2]!];
  const ix = pad(unnormalize(grid.select(-1, 0), w, alignCorners), w, paddingMode, alignCorners).reshape([n, 1, ho * wo]);
  const iy = pad(unnormalize(grid.select(-1, 1), h, alignCorners), h, paddingMode, alignCorners).reshape([n, 1, ho * wo]);
  const flat = input.reshape([n, c, h * w]);
  /** input at integer pixel (x, y) [N, 1, P] (float-valued), zero where outside the image. */
  const at = (x: Tensor, y: Tensor): Tensor => {
    const inside = x.ge(0).logicalAnd(x.le(w - 1)).logicalAnd(y.ge(0)).logicalAnd(y.le(h - 1));
    const idx = where(inside, y.mul(w).add(x), 0).int().expand([n, c, ho * wo]);
    return where(inside, flat.gather(2, idx), 0);
  };
  let out: Tensor;
  if (mode === "nearest") {
    out = at(roundHalfEven(ix).detach(), roundHalfEven(iy).detach());
  } else {
    const x0 = ix.floor().detach(), y0 = iy.floor().detach();
    const tx = ix.sub(x0), ty = iy.sub(y0); // the grid's gradient flows through these weights
    const x1 = x0.add(1), y1 = y0.add(1);
    out = at(x0, y0).mul(tx.neg().add(1).mul(ty.neg().add(1)))
      .add(at(x1, y0).mul(tx.mul(ty.neg().add(1))))
      .add(at(x0, y1).mul(tx.neg().add(1).mul(ty)))
      .add(at(x1, y1).mul(tx.mul(ty)));
  }
  return out.reshape([n, c, ho, wo]);
}

/** Rounds half to even (std::nearbyint in the default rounding mode, as torch's nearest). */
function roundHalfEven(x: Tensor): Tensor {
  const f = x.floor(), diff = x.sub(f);
  const up = diff.gt(0.5).logicalOr(diff.eq(0.5).logicalAnd(f.remainder(2).ne(0)));
  return where(up, f.add(1), f);
}
