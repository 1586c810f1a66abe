// Image transforms and augmentation (torchvision.transforms): shifts, crops, flips, rotations,
// Gaussian noise, Normalize, Compose. They take one image [C, H, W] or a batch [N, C, H, W]; in a
// batch every image draws its own random parameters. Not differentiable (they run on host arrays).

import { checkOptionNames } from "../options.js";
import { allocArray, isFloating } from "../dtype.js";
import { tensor } from "../ops/creation.js";
import { defaultGenerator, type Generator } from "../random.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";

/** Anything with forward(x) → y, like a torchvision transform module. */
export interface Transform {
  forward(x: Tensor): Tensor;
}
export type TransformLike = Transform | ((x: Tensor) => Tensor);

const run = (t: TransformLike, x: Tensor): Tensor => (typeof t === "function" ? t(x) : t.forward(x));

/** Per-image map over [C,H,W] or [N,C,H,W]: fn fills `out` (one image, C·H·W) from `src`. */
function mapImages(op: string, x: Tensor, fn: (src: ArrayLike<number>, out: { [i: number]: number }, c: number, h: number, w: number) => void): Tensor {
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${op}: expected an image [C, H, W] or a batch [N, C, H, W], got ${fmtShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating-point image, got ${x.dtype}`);
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  const n = x.ndim === 4 ? x.shape[0]! : 1;
  const size = c * h * w;
  const src = x.dataSync();
  const out = allocArray(x.dtype, src.length);
  for (let i = 0; i < n; i++) fn(src.subarray(i * size, (i + 1) * size), out.subarray(i * size, (i + 1) * size), c, h, w);
  return tensor(out, { shape: x.shape, dtype: x.dtype, device: x.device });
}

/**
 * Translates an image by (dy, dx) pixels (down and right positive), filling uncovered pixels with
 * `fill`: out[y][x] = x[y − dy][x − dx].
 */
export function shift(x: Tensor, dy: number, dx: number, fill = 0): Tensor {
  if (!Number.isInteger(dy) || !Number.isInteger(dx)) throw new Error(`shift: dy and dx must be integers, got ${dy}, ${dx}`);
  return mapImages("shift", x, (src, out, c, h, w) => shiftInto(src, out, c, h, w, dy, dx, fill));
}

function shiftInto(src: ArrayLike<number>, out: { [i: number]: number }, c: number, h: number, w: number, dy: number, dx: number, fill: number): void {
  for (let k = 0; k < c; k++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const sy = y - dy, sx = x - dx;
        out[(k * h + y) * w + x] = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[(k * h + sy) * w + sx]! : fill;
      }
}

/**
 * Random translation by up to `maxShift` pixels in each direction (dy, dx uniform integers in
 * [−maxShift, maxShift]), zero-filled: torchvision's RandomCrop(size=H×W, padding=maxShift).
 */
export class RandomShift implements Transform {
  constructor(readonly maxShift: number, readonly opts: { fill?: number; generator?: Generator } = {}) {
    checkOptionNames("data.RandomShift", opts, ["fill", "generator"]);
  }
  forward(x: Tensor): Tensor {
    const { fill = 0, generator = defaultGenerator } = this.opts;
    const m = this.maxShift;
    return mapImages("RandomShift", x, (src, out, c, h, w) => {
      const dy = generator.integer(-m, m + 1);
      const dx = generator.integer(-m, m + 1);
      shiftInto(src, out, c, h, w, dy, dx, fill);
    });
  }
}

/**
 * Pads every side by `padding` (with `fill`) and crops a random size[0]×size[1] window.
 * Matches torchvision.transforms.RandomCrop(size, padding, fill=fill).
 */
export class RandomCrop implements Transform {
  readonly size: [number, number];
  constructor(size: number | readonly [number, number], readonly opts: { padding?: number; fill?: number; generator?: Generator } = {}) {
    checkOptionNames("data.RandomCrop", opts, ["padding", "fill", "generator"]);
    this.size = typeof size === "number" ? [size, size] : [size[0], size[1]];
  }
  forward(x: Tensor): Tensor {
    const { padding: p = 0, fill = 0, generator = defaultGenerator } = this.opts;
    const [oh, ow] = this.size;
    const [c, h, w] = x.shape.slice(-3) as [number, number, number];
    if (oh > h + 2 * p || ow > w + 2 * p) throw new Error(`RandomCrop: crop ${oh}x${ow} is larger than the padded image ${h + 2 * p}x${w + 2 * p}`);
    const n = x.ndim === 4 ? x.shape[0]! : 1;
    const src = x.dataSync();
    const out = allocArray(x.dtype, n * c * oh * ow);
    for (let i = 0; i < n; i++) {
      const top = generator.integer(0, h + 2 * p - oh + 1) - p;
      const left = generator.integer(0, w + 2 * p - ow + 1) - p;
      for (let k = 0; k < c; k++)
        for (let y = 0; y < oh; y++)
          for (let xx = 0; xx < ow; xx++) {
            const sy = y + top, sx = xx + left;
            out[((i * c + k) * oh + y) * ow + xx] = sy >= 0 && sy < h && sx >= 0 && sx < w ? src[((i * c + k) * h + sy) * w + sx]! : fill;
          }
    }
    return tensor(out, { shape: [...x.shape.slice(0, -2), oh, ow], dtype: x.dtype, device: x.device });
  }
}

/** Mirrors each image left-right with probability p. Matches torchvision.transforms.RandomHorizontalFlip(p). */
export class RandomHorizontalFlip implements Transform {
  constructor(readonly p = 0.5, readonly opts: { generator?: Generator } = {}) {
    checkOptionNames("data.RandomHorizontalFlip", opts, ["generator"]);
  }
  forward(x: Tensor): Tensor {
    const { generator = defaultGenerator } = this.opts;
    return mapImages("RandomHorizontalFlip", x, (src, out, c, h, w) => {
      const flip = generator.random() < this.p;
      for (let r = 0; r < c * h; r++)
        for (let xx = 0; xx < w; xx++) out[r * w + xx] = src[r * w + (flip ? w - 1 - xx : xx)]!;
    });
  }
}

/**
 * Rotates an image counter-clockwise by `degrees` about its centre ((H−1)/2, (W−1)/2), sampling
 * the source by nearest neighbour (torchvision's default) or bilinearly; outside pixels get `fill`.
 * Output pixel (y, x) reads source (cy + dx·sinθ + dy·cosθ, cx + dx·cosθ − dy·sinθ), dy = y − cy, dx = x − cx.
 */
export function rotate(x: Tensor, degrees: number, { interpolation = "nearest", fill = 0 }: { interpolation?: "nearest" | "bilinear"; fill?: number } = {}): Tensor {
  return mapImages("rotate", x, (src, out, c, h, w) => rotateInto(src, out, c, h, w, degrees, interpolation, fill));
}

function rotateInto(src: ArrayLike<number>, out: { [i: number]: number }, c: number, h: number, w: number, degrees: number, interpolation: "nearest" | "bilinear", fill: number): void {
  const th = (degrees * Math.PI) / 180;
  const cos = Math.cos(th), sin = Math.sin(th);
  const cy = (h - 1) / 2, cx = (w - 1) / 2;
  const at = (k: number, y: number, x: number): number => (y >= 0 && y < h && x >= 0 && x < w ? src[(k * h + y) * w + x]! : fill);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const dy = y - cy, dx = x - cx;
      const sy = cy + dx * sin + dy * cos;
      const sx = cx + dx * cos - dy * sin;
      for (let k = 0; k < c; k++) {
        let v: number;
        if (interpolation === "nearest") {
          v = at(k, Math.round(sy), Math.round(sx));
        } else {
          const y0 = Math.floor(sy), x0 = Math.floor(sx);
          const fy = sy - y0, fx = sx - x0;
          v = (1 - fy) * ((1 - fx) * at(k, y0, x0) + fx * at(k, y0, x0 + 1)) + fy * ((1 - fx) * at(k, y0 + 1, x0) + fx * at(k, y0 + 1, x0 + 1));
        }
        out[(k * h + y) * w + x] = v;
      }
    }
}

/**
 * Rotates each image by an angle drawn uniformly from [−degrees, degrees] (or [min, max]).
 * Matches torchvision.transforms.RandomRotation(degrees, interpolation, fill=fill), except that
 * the centre is the middle of the pixel grid ((H−1)/2, (W−1)/2).
 */
export class RandomRotation implements Transform {
  readonly range: [number, number];
  constructor(degrees: number | readonly [number, number], readonly opts: { interpolation?: "nearest" | "bilinear"; fill?: number; generator?: Generator } = {}) {
    checkOptionNames("data.RandomRotation", opts, ["interpolation", "fill", "generator"]);
    this.range = typeof degrees === "number" ? [-Math.abs(degrees), Math.abs(degrees)] : [degrees[0], degrees[1]];
  }
  forward(x: Tensor): Tensor {
    const { interpolation = "nearest", fill = 0, generator = defaultGenerator } = this.opts;
    const [lo, hi] = this.range;
    return mapImages("RandomRotation", x, (src, out, c, h, w) => rotateInto(src, out, c, h, w, lo + (hi - lo) * generator.random(), interpolation, fill));
  }
}

/**
 * Adds Gaussian noise: x + mean + sigma·ε, ε ~ N(0, 1), then clamps to [0, 1] when `clip`.
 * Matches torchvision.transforms.v2.GaussianNoise(mean, sigma, clip).
 */
export class GaussianNoise implements Transform {
  constructor(readonly sigma = 0.1, readonly opts: { mean?: number; clip?: boolean; generator?: Generator } = {}) {
    checkOptionNames("data.GaussianNoise", opts, ["mean", "clip", "generator"]);
  }
  forward(x: Tensor): Tensor {
    const { mean = 0, clip = true, generator = defaultGenerator } = this.opts;
    if (!isFloating(x.dtype)) throw new TypeError(`GaussianNoise: expected a floating-point tensor, got ${x.dtype}`);
    const src = x.dataSync();
    const out = allocArray(x.dtype, src.length);
    for (let i = 0; i < src.length; i++) {
      const v = src[i]! + mean + this.sigma * generator.normal();
      out[i] = clip ? Math.min(1, Math.max(0, v)) : v;
    }
    return tensor(out, { shape: x.shape, dtype: x.dtype, device: x.device });
  }
}

/** (x − mean[c]) / std[c] per channel. Matches torchvision.transforms.Normalize(mean, std). */
export class Normalize implements Transform {
  constructor(readonly mean: readonly number[], readonly std: readonly number[]) {
    if (mean.length !== std.length) throw new Error(`Normalize: mean has ${mean.length} channels but std has ${std.length}`);
    if (std.some((s) => s === 0)) throw new Error("Normalize: std contains a zero, which would divide by zero");
  }
  forward(x: Tensor): Tensor {
    const c = x.shape[x.ndim - 3];
    if (x.ndim < 3 || (c !== this.mean.length && this.mean.length !== 1))
      throw new Error(`Normalize: expected [..., C, H, W] with C = ${this.mean.length}, got ${fmtShape(x.shape)}`);
    const shape = [this.mean.length, 1, 1];
    return x.sub(tensor([...this.mean], { shape, dtype: x.dtype })).div(tensor([...this.std], { shape, dtype: x.dtype }));
  }
}

/** Applies transforms in order. Matches torchvision.transforms.Compose. */
export class Compose implements Transform {
  constructor(readonly transforms: readonly TransformLike[]) {}
  forward(x: Tensor): Tensor {
    return this.transforms.reduce((y, t) => run(t, y), x);
  }
}

