// A generated captioned image set for deck 003's image captioning: one shape per image, of a named
// size, colour and kind, at a random place on a noisy background, with its true caption ("big red circle").

import { resolveArgs, type Args } from "../options.js";
import { tensor } from "../ops/creation.js";
import { defaultGenerator, type Generator } from "../random.js";
import type { Tensor } from "../tensor.js";

export const CAPTION_SIZES = ["small", "big"] as const;
export const CAPTION_COLOURS = ["red", "green", "blue", "yellow", "white"] as const;
export const CAPTION_SHAPES = ["circle", "square", "triangle", "cross"] as const;
const RGB: Record<(typeof CAPTION_COLOURS)[number], number[]> = { red: [0.9, 0.1, 0.1], green: [0.1, 0.8, 0.2], blue: [0.15, 0.25, 0.95], yellow: [0.95, 0.9, 0.1], white: [0.95, 0.95, 0.95] };

export interface CaptionedShapesOptions {
  /** Number of images (default 1000). */
  n?: number;
  /** Side of the square images in pixels (default 24). */
  size?: number;
  /** Standard deviation of the per-pixel Gaussian noise (default 0.05). */
  noise?: number;
  /** Source of every random draw; the global generator when omitted. */
  generator?: Generator;
}

function inside(kind: number, u: number, v: number): boolean {
  const au = Math.abs(u), av = Math.abs(v);
  if (kind === 0) return u * u + v * v <= 1;
  if (kind === 1) return Math.max(au, av) <= 0.85;
  if (kind === 2) return v >= -1 && v <= 0.8 && au <= (0.9 * (v + 1)) / 1.8;
  return (au <= 0.3 || av <= 0.3) && Math.max(au, av) <= 1;
}

/**
 * n images [n, 3, size, size] (float32 in [0, 1], a dark noisy background) and their captions
 * "<size> <colour> <shape>" (CAPTION_SIZES × CAPTION_COLOURS × CAPTION_SHAPES, uniformly drawn).
 */
export function captionedShapes(...args: Args<[], CaptionedShapesOptions>): { images: Tensor; captions: string[] } {
  const { n, size, noise, generator } = resolveArgs<CaptionedShapesOptions>("data.captionedShapes", args, [], { n: 1000, size: 24, noise: 0.05, generator: undefined });
  const g = generator ?? defaultGenerator;
  const S = size!;
  const pick = (k: number): number => Math.floor(g.random() * k);
  const px = new Float32Array(n! * 3 * S * S);
  const captions: string[] = [];
  for (let i = 0; i < n!; i++) {
    const sz = pick(2), col = pick(CAPTION_COLOURS.length), kind = pick(CAPTION_SHAPES.length);
    const r = S * (sz ? 0.32 : 0.16);
    const cx = r + g.random() * (S - 2 * r), cy = r + g.random() * (S - 2 * r);
    const rgb = RGB[CAPTION_COLOURS[col]!];
    for (let y = 0; y < S; y++)
      for (let x = 0; x < S; x++) {
        const on = inside(kind, (x + 0.5 - cx) / r, (y + 0.5 - cy) / r);
        for (let c = 0; c < 3; c++) {
          const v = (on ? rgb[c]! : 0.15) + noise! * g.normal();
          px[((i * 3 + c) * S + y) * S + x] = Math.min(1, Math.max(0, v));
        }
      }
    captions.push(`${CAPTION_SIZES[sz]} ${CAPTION_COLOURS[col]} ${CAPTION_SHAPES[kind]}`);
  }
  return { images: tensor(px, { shape: [n!, 3, S, S] }), captions };
}
