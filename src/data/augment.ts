// Batch image augmentation beyond the shifts of transforms.ts: random affine (rotation, scaling,
// translation), random resized crops, elastic distortions (Simard et al. 2003), flips and colour
// jitter. Typed-array loops over [N, C, H, W], [C, H, W] or flattened [N, C·H·W] batches.

import { resolveArgs, type Args } from "../options.js";
import { allocArray, isFloating } from "../dtype.js";
import { tensor } from "../ops/creation.js";
import { defaultGenerator, type Generator } from "../random.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import type { Transform } from "./transforms.js";

type Buf = { [i: number]: number; length: number };
type Pair = readonly [number, number];

/** Options every augmentation takes. */
export interface AugmentOptions {
  /** Source of randomness (torch.Generator); the global generator when omitted. */
  generator?: Generator;
  /** [H, W] (or one number for square images) of flattened [N, C·H·W] inputs such as MNIST rows. */
  imageSize?: number | Pair;
}

interface Layout {
  n: number;
  c: number;
  h: number;
  w: number;
}

/** Reads the batch layout: [C,H,W], [N,C,H,W], or [N, C·H·W] with imageSize given. */
function layout(op: string, x: Tensor, imageSize: number | Pair | undefined): Layout {
  if (!isFloating(x.dtype)) throw new TypeError(`${op}: expected a floating-point image batch, got ${x.dtype}`);
  const size = imageSize === undefined ? undefined : typeof imageSize === "number" ? [imageSize, imageSize] : imageSize;
  if (x.ndim === 2) {
    if (size === undefined) throw new Error(`${op}: a flattened batch ${fmtShape(x.shape)} needs the imageSize option ([H, W])`);
    const [h, w] = size as Pair;
    const d = x.shape[1]!;
    if (!(h > 0 && w > 0) || d % (h * w) !== 0) throw new Error(`${op}: rows of ${d} values are not C·${h}·${w} for imageSize [${h}, ${w}]`);
    return { n: x.shape[0]!, c: d / (h * w), h, w };
  }
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`${op}: expected [C, H, W], [N, C, H, W] or a flattened [N, C·H·W] batch, got ${fmtShape(x.shape)}`);
  const [c, h, w] = x.shape.slice(-3) as [number, number, number];
  if (size !== undefined && (size[0] !== h || size[1] !== w)) throw new Error(`${op}: imageSize [${size.join(", ")}] does not match the input ${fmtShape(x.shape)}`);
  return { n: x.ndim === 4 ? x.shape[0]! : 1, c, h, w };
}

/** Runs fn per image with views into the source and a fresh output of the same shape. */
function perImage(op: string, x: Tensor, imageSize: number | Pair | undefined, fn: (src: Float64Array | Float32Array, out: Buf, l: Layout) => void): Tensor {
  const l = layout(op, x, imageSize);
  const size = l.c * l.h * l.w;
  const src = x.dataSync() as Float32Array | Float64Array;
  const out = allocArray(x.dtype, src.length) as Float32Array | Float64Array;
  for (let i = 0; i < l.n; i++) fn(src.subarray(i * size, (i + 1) * size), out.subarray(i * size, (i + 1) * size), l);
  return tensor(out, { shape: x.shape, dtype: x.dtype, device: x.device });
}

const snap = (v: number): number => (Math.abs(v - Math.round(v)) < 1e-9 ? Math.round(v) : v);

/**
 * Bilinear sampling of every channel at source coordinates (sy[p], sx[p]) for each output pixel p
 * (oh·ow of them); reads outside the image give `fill`, or the nearest edge pixel when fill is null.
 */
function sample(src: ArrayLike<number>, out: Buf, c: number, h: number, w: number, sy: Float64Array, sx: Float64Array, fill: number | null): void {
  const np = sy.length;
  for (let p = 0; p < np; p++) {
    let y = snap(sy[p]!), x = snap(sx[p]!);
    if (fill === null) {
      y = Math.min(h - 1, Math.max(0, y));
      x = Math.min(w - 1, Math.max(0, x));
    }
    const y0 = Math.floor(y), x0 = Math.floor(x);
    const fy = y - y0, fx = x - x0;
    const in00 = y0 >= 0 && y0 < h && x0 >= 0 && x0 < w, in01 = y0 >= 0 && y0 < h && x0 + 1 < w && x0 + 1 >= 0;
    const in10 = y0 + 1 < h && y0 + 1 >= 0 && x0 >= 0 && x0 < w, in11 = y0 + 1 < h && y0 + 1 >= 0 && x0 + 1 < w && x0 + 1 >= 0;
    const w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
    const f = fill ?? 0;
    for (let k = 0, base = y0 * w + x0; k < c; k++, base += h * w) {
      let v = 0;
      if (w00 !== 0) v += w00 * (in00 ? src[base]! : f);
      if (w01 !== 0) v += w01 * (in01 ? src[base + 1]! : f);
      if (w10 !== 0) v += w10 * (in10 ? src[base + w]! : f);
      if (w11 !== 0) v += w11 * (in11 ? src[base + w + 1]! : f);
      out[k * np + p] = v;
    }
  }
}

function range(op: string, name: string, v: number | Pair, symmetric: (v: number) => Pair): Pair {
  const r = typeof v === "number" ? symmetric(v) : v;
  if (!Array.isArray(r) || r.length !== 2 || !(r[0] <= r[1])) throw new Error(`${op}: ${name} must be a number or a [min, max] pair with min ≤ max, got ${JSON.stringify(v)}`);
  return [r[0], r[1]];
}

export interface RandomAffineOptions extends AugmentOptions {
  degrees?: number | Pair;
  translate?: Pair | null;
  scale?: Pair | null;
  /** Value of pixels that come from outside the image (default 0). */
  fill?: number;
}

/**
 * Random rotation, translation and scaling about the image centre ((H−1)/2, (W−1)/2), sampled
 * bilinearly; each image draws θ ~ U(degrees), t ~ U(±translate·[W, H]) and s ~ U(scale).
 * Output pixel (y, x) reads source (cy + (dx·sinθ + dy·cosθ)/s, cx + (dx·cosθ − dy·sinθ)/s) with
 * dy = y − cy − ty, dx = x − cx − tx (θ counter-clockwise, as `rotate`).
 * Matches torchvision.transforms.RandomAffine(degrees, translate, scale) up to the random stream.
 * @example new data.RandomAffine(15, [0.1, 0.1], [0.9, 1.1], { imageSize: 28 }).forward(xFlat)
 */
export class RandomAffine implements Transform {
  readonly degrees: Pair;
  readonly translate: Pair | null;
  readonly scale: Pair | null;
  readonly fill: number;
  readonly generator: Generator;
  readonly imageSize: number | Pair | undefined;
  constructor(...args: Args<[degrees: number | Pair, translate: Pair | null, scale: Pair | null], RandomAffineOptions>) {
    const o = resolveArgs("data.RandomAffine", args, ["degrees", "translate", "scale"], {
      degrees: 0, translate: null as Pair | null, scale: null as Pair | null, fill: 0, generator: defaultGenerator, imageSize: undefined as number | Pair | undefined,
    });
    this.degrees = range("RandomAffine", "degrees", o.degrees, (d) => [-Math.abs(d), Math.abs(d)]);
    if (o.translate !== null && !(o.translate.length === 2 && o.translate.every((t) => t >= 0 && t <= 1)))
      throw new Error(`RandomAffine: translate must be [a, b] fractions in [0, 1], got ${JSON.stringify(o.translate)}`);
    if (o.scale !== null && !(o.scale.length === 2 && o.scale[0] > 0 && o.scale[0] <= o.scale[1]))
      throw new Error(`RandomAffine: scale must be [min, max] with 0 < min ≤ max, got ${JSON.stringify(o.scale)}`);
    [this.translate, this.scale, this.fill, this.generator, this.imageSize] = [o.translate, o.scale, o.fill, o.generator, o.imageSize];
  }
  forward(x: Tensor): Tensor {
    const g = this.generator;
    let sy = new Float64Array(0), sx = sy;
    return perImage("RandomAffine", x, this.imageSize, (src, out, { c, h, w }) => {
      if (sy.length !== h * w) [sy, sx] = [new Float64Array(h * w), new Float64Array(h * w)];
      const [dlo, dhi] = this.degrees;
      const th = ((dlo + (dhi - dlo) * g.random()) * Math.PI) / 180;
      const tx = this.translate ? Math.round((2 * g.random() - 1) * this.translate[0] * w) : 0;
      const ty = this.translate ? Math.round((2 * g.random() - 1) * this.translate[1] * h) : 0;
      const s = this.scale ? this.scale[0] + (this.scale[1] - this.scale[0]) * g.random() : 1;
      const cos = Math.cos(th) / s, sin = Math.sin(th) / s;
      const cy = (h - 1) / 2, cx = (w - 1) / 2;
      for (let y = 0, p = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++, p++) {
          const dy = y - cy - ty, dx = xx - cx - tx;
          sy[p] = cy + dx * sin + dy * cos;
          sx[p] = cx + dx * cos - dy * sin;
        }
      sample(src, out, c, h, w, sy, sx, this.fill);
    });
  }
}

export interface RandomResizedCropOptions extends AugmentOptions {
  scale?: Pair;
  ratio?: Pair;
}

/**
 * Crops a random box of area fraction ~ U(scale) and aspect ratio with log-uniform ~ ratio, then
 * resizes it bilinearly to size (align_corners = false: source = top + (y + ½)·boxH/outH − ½,
 * clamped to the image). After 10 failed draws it takes the central crop, as torchvision.
 * Matches torchvision.transforms.RandomResizedCrop(size, scale, ratio) up to the random stream.
 */
export class RandomResizedCrop implements Transform {
  readonly size: Pair;
  readonly scale: Pair;
  readonly ratio: Pair;
  readonly generator: Generator;
  readonly imageSize: number | Pair | undefined;
  constructor(size: number | Pair, ...args: Args<[scale: Pair, ratio: Pair], RandomResizedCropOptions>) {
    const o = resolveArgs("data.RandomResizedCrop", args, ["scale", "ratio"], {
      scale: [0.08, 1] as Pair, ratio: [3 / 4, 4 / 3] as Pair, generator: defaultGenerator, imageSize: undefined as number | Pair | undefined,
    });
    this.size = typeof size === "number" ? [size, size] : [size[0], size[1]];
    if (!this.size.every((v) => Number.isInteger(v) && v > 0)) throw new Error(`RandomResizedCrop: size must be positive integers, got ${JSON.stringify(size)}`);
    this.scale = range("RandomResizedCrop", "scale", o.scale, (v) => [v, v]);
    this.ratio = range("RandomResizedCrop", "ratio", o.ratio, (v) => [v, v]);
    if (this.scale[0] <= 0 || this.ratio[0] <= 0) throw new Error(`RandomResizedCrop: scale and ratio must be positive, got ${JSON.stringify(o.scale)}, ${JSON.stringify(o.ratio)}`);
    this.generator = o.generator;
    this.imageSize = o.imageSize;
  }
  /** The crop box [top, left, height, width] for an h×w image (torchvision's get_params). */
  box(h: number, w: number): [number, number, number, number] {
    const g = this.generator, area = h * w;
    const [lr0, lr1] = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    for (let t = 0; t < 10; t++) {
      const target = area * (this.scale[0] + (this.scale[1] - this.scale[0]) * g.random());
      const ar = Math.exp(lr0 + (lr1 - lr0) * g.random());
      const cw = Math.round(Math.sqrt(target * ar)), ch = Math.round(Math.sqrt(target / ar));
      if (cw > 0 && cw <= w && ch > 0 && ch <= h) return [g.integer(0, h - ch + 1), g.integer(0, w - cw + 1), ch, cw];
    }
    const inRatio = w / h;
    const [cw, ch] = inRatio < this.ratio[0] ? [w, Math.round(w / this.ratio[0])] : inRatio > this.ratio[1] ? [Math.round(h * this.ratio[1]), h] : [w, h];
    return [Math.floor((h - ch) / 2), Math.floor((w - cw) / 2), ch, cw];
  }
  forward(x: Tensor): Tensor {
    const l = layout("RandomResizedCrop", x, this.imageSize);
    const [oh, ow] = this.size;
    const src = x.dataSync();
    const inSize = l.c * l.h * l.w, outSize = l.c * oh * ow;
    const out = allocArray(x.dtype, l.n * outSize) as Float32Array | Float64Array;
    const sy = new Float64Array(oh * ow), sx = new Float64Array(oh * ow);
    for (let i = 0; i < l.n; i++) {
      const [top, left, ch, cw] = this.box(l.h, l.w);
      for (let y = 0, p = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++, p++) {
          sy[p] = top + ((y + 0.5) * ch) / oh - 0.5;
          sx[p] = left + ((xx + 0.5) * cw) / ow - 0.5;
        }
      // Clamp to the crop box, then to the image (fill = null), as torch's resize clamps at the edges.
      for (let p = 0; p < sy.length; p++) {
        sy[p] = Math.min(top + ch - 1, Math.max(top, sy[p]!));
        sx[p] = Math.min(left + cw - 1, Math.max(left, sx[p]!));
      }
      sample((src as Float32Array).subarray(i * inSize, (i + 1) * inSize), out.subarray(i * outSize, (i + 1) * outSize), l.c, l.h, l.w, sy, sx, null);
    }
    const shape = x.ndim === 2 ? [l.n, outSize] : [...x.shape.slice(0, -2), oh, ow];
    return tensor(out, { shape, dtype: x.dtype, device: x.device });
  }
}

export interface ElasticOptions extends AugmentOptions {
  alpha?: number;
  sigma?: number;
  fill?: number;
}

/**
 * Separable Gaussian smoothing of an h×w field in place (rows, then columns), edges clamped: each
 * line is copied into `line` with r clamped pixels either side, so the tap loop has no bounds checks.
 */
function blur(f: Float64Array, line: Float64Array, h: number, w: number, kernel: Float64Array): void {
  blurLines(f, line, h, w, 1, w, kernel); // rows: line i starts at i·w, steps by 1
  blurLines(f, line, w, h, w, 1, kernel); // columns: line i starts at i, steps by w
}

function blurLines(f: Float64Array, line: Float64Array, count: number, len: number, step: number, lineStride: number, kernel: Float64Array): void {
  const taps = kernel.length, r = (taps - 1) / 2;
  for (let i = 0; i < count; i++) {
    const o = i * lineStride;
    for (let j = -r; j < len + r; j++) line[j + r] = f[o + (j < 0 ? 0 : j >= len ? len - 1 : j) * step]!;
    for (let j = 0; j < len; j++) {
      let v = 0;
      for (let k = 0; k < taps; k++) v += kernel[k]! * line[j + k]!;
      f[o + j * step] = v;
    }
  }
}

/**
 * Elastic distortion (Simard, Steinkraus & Platt 2003, "Best practices for convolutional neural
 * networks applied to visual document analysis", cited in deck 002): per image, two fields of
 * uniform U(−1, 1) values are smoothed by a Gaussian of standard deviation σ pixels and scaled by
 * α, giving displacements (Δy, Δx); output (y, x) samples the source bilinearly at (y + Δy, x + Δx).
 * Simard used σ = 4, α = 34 on 28×28 digits. α = 0 is the identity.
 * Close to torchvision.transforms.v2.ElasticTransform(alpha, sigma), whose α is in units of
 * half the image size rather than pixels.
 */
export class ElasticTransform implements Transform {
  readonly alpha: number;
  readonly sigma: number;
  readonly fill: number;
  readonly generator: Generator;
  readonly imageSize: number | Pair | undefined;
  readonly kernel: Float64Array;
  constructor(...args: Args<[alpha: number, sigma: number], ElasticOptions>) {
    const o = resolveArgs("data.ElasticTransform", args, ["alpha", "sigma"], { alpha: 34, sigma: 4, fill: 0, generator: defaultGenerator, imageSize: undefined as number | Pair | undefined });
    if (!(o.alpha >= 0) || !(o.sigma > 0)) throw new Error(`ElasticTransform: need alpha ≥ 0 and sigma > 0, got alpha ${o.alpha}, sigma ${o.sigma}`);
    [this.alpha, this.sigma, this.fill, this.generator, this.imageSize] = [o.alpha, o.sigma, o.fill, o.generator, o.imageSize];
    const r = Math.ceil(3 * o.sigma);
    const k = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * o.sigma * o.sigma)));
    const sum = k.reduce((a, b) => a + b, 0);
    this.kernel = k.map((v) => v / sum);
  }
  forward(x: Tensor): Tensor {
    const g = this.generator;
    let dy = new Float64Array(0), dx = dy, line = dy;
    return perImage("ElasticTransform", x, this.imageSize, (src, out, { c, h, w }) => {
      if (dy.length !== h * w) [dy, dx, line] = [new Float64Array(h * w), new Float64Array(h * w), new Float64Array(Math.max(h, w) + this.kernel.length)];
      for (let p = 0; p < h * w; p++) {
        dy[p] = 2 * g.random() - 1;
        dx[p] = 2 * g.random() - 1;
      }
      blur(dy, line, h, w, this.kernel);
      blur(dx, line, h, w, this.kernel);
      for (let y = 0, p = 0; y < h; y++)
        for (let xx = 0; xx < w; xx++, p++) {
          dy[p] = y + this.alpha * dy[p]!;
          dx[p] = xx + this.alpha * dx[p]!;
        }
      sample(src, out, c, h, w, dy, dx, this.fill);
    });
  }
}

function flipInto(src: ArrayLike<number>, out: Buf, { c, h, w }: Layout, horizontal: boolean): void {
  for (let k = 0; k < c; k++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) out[(k * h + y) * w + x] = horizontal ? src[(k * h + y) * w + w - 1 - x]! : src[(k * h + h - 1 - y) * w + x]!;
}

/** Mirrors images left-right: out[y][x] = x[y][W−1−x] (torchvision.transforms.functional.hflip). */
export function hflip(x: Tensor, ...args: Args<[], { imageSize?: number | Pair }>): Tensor {
  const { imageSize } = resolveArgs("data.hflip", args, [], { imageSize: undefined as number | Pair | undefined });
  return perImage("hflip", x, imageSize, (src, out, l) => flipInto(src, out, l, true));
}

/** Mirrors images top-bottom: out[y][x] = x[H−1−y][x] (torchvision.transforms.functional.vflip). */
export function vflip(x: Tensor, ...args: Args<[], { imageSize?: number | Pair }>): Tensor {
  const { imageSize } = resolveArgs("data.vflip", args, [], { imageSize: undefined as number | Pair | undefined });
  return perImage("vflip", x, imageSize, (src, out, l) => flipInto(src, out, l, false));
}

/**
 * Flips each image top-bottom with probability p. Matches torchvision.transforms.RandomVerticalFlip(p);
 * unlike transforms.ts's RandomHorizontalFlip it also takes flattened batches, and `horizontal: true`
 * makes it the left-right flip.
 */
export class RandomVerticalFlip implements Transform {
  readonly p: number;
  readonly horizontal: boolean;
  readonly generator: Generator;
  readonly imageSize: number | Pair | undefined;
  constructor(...args: Args<[p: number], AugmentOptions & { horizontal?: boolean }>) {
    const o = resolveArgs("data.RandomVerticalFlip", args, ["p"], { p: 0.5, horizontal: false, generator: defaultGenerator, imageSize: undefined as number | Pair | undefined });
    if (!(o.p >= 0 && o.p <= 1)) throw new Error(`RandomVerticalFlip: p must be in [0, 1], got ${o.p}`);
    [this.p, this.horizontal, this.generator, this.imageSize] = [o.p, o.horizontal, o.generator, o.imageSize];
  }
  forward(x: Tensor): Tensor {
    return perImage("RandomVerticalFlip", x, this.imageSize, (src, out, l) => {
      if (this.generator.random() < this.p) flipInto(src, out, l, this.horizontal);
      else for (let i = 0; i < src.length; i++) out[i] = src[i]!;
    });
  }
}

/**
 * Random brightness, contrast and saturation, applied in that order, each factor f ~ U(max(0, 1 − v), 1 + v)
 * (or U(min, max) for a pair) and the result clamped to [0, 1] after each step, as torchvision:
 * brightness x·f; contrast f·x + (1 − f)·mean(gray); saturation f·x + (1 − f)·gray per pixel,
 * gray = 0.299R + 0.587G + 0.114B (ITU-R 601). Saturation needs C = 3; on one channel it is skipped.
 * Matches torchvision.transforms.ColorJitter(brightness, contrast, saturation), hue omitted and the
 * order fixed rather than shuffled.
 */
export class ColorJitter implements Transform {
  readonly factors: [Pair | null, Pair | null, Pair | null];
  readonly generator: Generator;
  readonly imageSize: number | Pair | undefined;
  constructor(...args: Args<[brightness: number | Pair, contrast: number | Pair, saturation: number | Pair], AugmentOptions>) {
    const o = resolveArgs("data.ColorJitter", args, ["brightness", "contrast", "saturation"], {
      brightness: 0, contrast: 0, saturation: 0, generator: defaultGenerator, imageSize: undefined as number | Pair | undefined,
    });
    const f = (name: string, v: number | Pair): Pair | null => {
      const r = range("ColorJitter", name, v, (d) => {
        if (d < 0) throw new Error(`ColorJitter: ${name} must be non-negative, got ${d}`);
        return [Math.max(0, 1 - d), 1 + d];
      });
      if (r[0] < 0) throw new Error(`ColorJitter: ${name} range must be non-negative, got [${r.join(", ")}]`);
      return r[0] === 1 && r[1] === 1 ? null : r;
    };
    this.factors = [f("brightness", o.brightness), f("contrast", o.contrast), f("saturation", o.saturation)];
    this.generator = o.generator;
    this.imageSize = o.imageSize;
  }
  forward(x: Tensor): Tensor {
    const g = this.generator;
    const draw = (r: Pair | null): number => (r === null ? 1 : r[0] + (r[1] - r[0]) * g.random());
    const [fb, fc, fs] = this.factors;
    const clamp = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
    return perImage("ColorJitter", x, this.imageSize, (src, out, { c, h, w }) => {
      const b = draw(fb), ct = draw(fc), s = draw(fs);
      const hw = h * w, len = src.length;
      for (let i = 0; i < len; i++) out[i] = fb ? clamp(src[i]! * b) : src[i]!;
      if (fc) {
        let m = 0;
        if (c === 3) for (let p = 0; p < hw; p++) m += 0.299 * out[p]! + 0.587 * out[hw + p]! + 0.114 * out[2 * hw + p]!;
        else for (let p = 0; p < hw; p++) m += out[p]!;
        m = ((1 - ct) * m) / hw;
        for (let i = 0; i < len; i++) out[i] = clamp(ct * out[i]! + m);
      }
      if (fs && c === 3)
        for (let p = 0; p < hw; p++) {
          const gr = (1 - s) * (0.299 * out[p]! + 0.587 * out[hw + p]! + 0.114 * out[2 * hw + p]!);
          for (let k = 0; k < 3; k++) out[k * hw + p] = clamp(s * out[k * hw + p]! + gr);
        }
    });
  }
}
