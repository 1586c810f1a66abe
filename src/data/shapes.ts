// A generated colour image set for deck 002's 32x32x3 classification: coloured shapes (circle,
// square, triangle, cross, ring, diamond) on striped, noisy backgrounds, with their true labels.
// No colour image set ships on the package registries, so the package draws one, seeded.

import { resolveArgs, type Args } from "../options.js";
import { tensor } from "../ops/creation.js";
import { defaultGenerator, type Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { TensorDataset } from "./dataset.js";

/** Class names of `coloredShapes`, by label. */
export const SHAPE_CLASSES = ["circle", "square", "triangle", "cross", "ring", "diamond"] as const;

export interface ColoredShapesOptions {
  /** Number of images (default 1000); labels are balanced: each class gets ⌊n/6⌋ or one more. */
  n?: number;
  /** Side of the square images in pixels (default 32, deck 002's 32x32x3). */
  size?: number;
  /** Standard deviation of per-pixel Gaussian noise (default 0.05). */
  noise?: number;
  /** Source of every random draw; the global generator when omitted. */
  generator?: Generator;
}

/** Whether normalised offset (u, v) = (x − cx, y − cy)/r lies inside the shape of class `label`. */
function inside(label: number, u: number, v: number): boolean {
  const au = Math.abs(u), av = Math.abs(v), d2 = u * u + v * v;
  switch (label) {
    case 0: return d2 <= 1;
    case 1: return Math.max(au, av) <= 0.8;
    case 2: return v >= -1 && v <= 0.8 && au <= (0.9 * (v + 1)) / 1.8; // apex up, base at v = 0.8
    case 3: return (au <= 0.3 || av <= 0.3) && Math.max(au, av) <= 1;
    case 4: return d2 <= 1 && d2 >= 0.55 * 0.55;
    default: return au + av <= 1;
  }
}

/**
 * n images [n, 3, size, size] (float32 in [0, 1]) and labels [n] (int32, indices into SHAPE_CLASSES).
 * Each image: a background colour b ~ U(0, 1)³ with stripes of amplitude 0.15 at a random
 * frequency, angle and phase; one shape of half-size r ~ U(0.2, 0.4)·size at a random position that
 * keeps it inside the frame, in a colour at least 0.5 away (Euclidean, RGB) from b; then Gaussian
 * noise of σ = noise, clamped to [0, 1]. Labels are balanced and shuffled.
 * @example const ds = data.coloredShapes(600, { generator: new Generator(0) }); const [x, y] = ds.tensors;
 */
export function coloredShapes(...args: Args<[n: number], ColoredShapesOptions>): TensorDataset<[Tensor, Tensor]> {
  const { n, size, noise, generator: g } = resolveArgs("data.coloredShapes", args, ["n"], { n: 1000, size: 32, noise: 0.05, generator: defaultGenerator });
  if (!Number.isInteger(n) || n < 1) throw new Error(`data.coloredShapes: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(size) || size < 8) throw new Error(`data.coloredShapes: size must be an integer ≥ 8, got ${size}`);
  if (!(noise >= 0)) throw new Error(`data.coloredShapes: noise must be ≥ 0, got ${noise}`);
  const k = SHAPE_CLASSES.length;
  const labels = Int32Array.from({ length: n }, (_, i) => i % k);
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  const hw = size * size;
  const x = new Float32Array(n * 3 * hw);
  for (let i = 0; i < n; i++) {
    const bg = [g.random(), g.random(), g.random()];
    let fg = [g.random(), g.random(), g.random()];
    while (Math.hypot(fg[0]! - bg[0]!, fg[1]! - bg[1]!, fg[2]! - bg[2]!) < 0.5) fg = [g.random(), g.random(), g.random()];
    const freq = (2 * Math.PI * (1 + 4 * g.random())) / size, angle = Math.PI * g.random(), phase = 2 * Math.PI * g.random();
    const [fy, fx] = [freq * Math.sin(angle), freq * Math.cos(angle)];
    const r = size * (0.2 + 0.2 * g.random());
    const cy = r + (size - 1 - 2 * r) * g.random(), cx = r + (size - 1 - 2 * r) * g.random();
    const label = labels[i]!;
    const img = x.subarray(i * 3 * hw, (i + 1) * 3 * hw);
    for (let y = 0, p = 0; y < size; y++)
      for (let xx = 0; xx < size; xx++, p++) {
        const on = inside(label, (xx - cx) / r, (y - cy) / r);
        const stripe = 0.15 * Math.sin(fy * y + fx * xx + phase);
        for (let c = 0; c < 3; c++) {
          const v = (on ? fg[c]! : bg[c]! + stripe) + noise * g.normal();
          img[c * hw + p] = Math.min(1, Math.max(0, v));
        }
      }
  }
  return new TensorDataset(tensor(x, { shape: [n, 3, size, size] }), tensor(labels, { dtype: "int32" }));
}
