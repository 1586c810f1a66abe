// Small generated datasets for demos and tests: XOR, two spirals, moons. Each returns a
// TensorDataset of float32 points [N, 2] and int32 labels [N].

import { resolveArgs, type Args } from "../options.js";
import { tensor } from "../ops/creation.js";
import { defaultGenerator, type Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { TensorDataset, permutation } from "./dataset.js";

export interface SyntheticOptions {
  /** Number of points (split as evenly as possible between the two classes). */
  n?: number;
  /** Standard deviation of Gaussian noise added to every coordinate (default 0). */
  noise?: number;
  /** Source of the noise (and of the shuffle, for moons); the global generator when omitted. */
  generator?: Generator;
}

function build(points: number[], labels: number[]): TensorDataset<[Tensor, Tensor]> {
  return new TensorDataset(tensor(Float32Array.from(points), { shape: [labels.length, 2] }), tensor(Int32Array.from(labels)));
}

/**
 * The four XOR points: x = [[0,0],[0,1],[1,0],[1,1]], y = [0,1,1,0] — the problem a single
 * perceptron cannot solve and one hidden layer can (Minsky & Papert 1969; course deck 004).
 */
export function xor(...args: Args<[], Record<never, never>>): TensorDataset<[Tensor, Tensor]> {
  resolveArgs("data.xor", args, [], {});
  return build([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0]);
}

/**
 * Two interleaving half circles. Outer moon (label 0): (cos t, sin t); inner moon (label 1):
 * (1 − cos t, 1 − sin t − 0.5), t evenly spaced on [0, π]; shuffled, then Gaussian noise is added.
 * Matches sklearn.datasets.make_moons(n_samples=n, noise=noise) up to the random stream.
 */
export function moons(...args: Args<[n: number, noise: number], SyntheticOptions & { shuffle?: boolean }>): TensorDataset<[Tensor, Tensor]> {
  const { n, noise, generator, shuffle } = resolveArgs("data.moons", args, ["n", "noise"], { n: 100, noise: 0, generator: defaultGenerator, shuffle: true });
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const pts: number[] = [];
  const labels: number[] = [];
  const lin = (i: number, m: number): number => (m === 1 ? 0 : (Math.PI * i) / (m - 1));
  for (let i = 0; i < nOut; i++) {
    pts.push(Math.cos(lin(i, nOut)), Math.sin(lin(i, nOut)));
    labels.push(0);
  }
  for (let i = 0; i < nIn; i++) {
    pts.push(1 - Math.cos(lin(i, nIn)), 1 - Math.sin(lin(i, nIn)) - 0.5);
    labels.push(1);
  }
  return finish(pts, labels, { noise, generator, shuffle });
}

/**
 * The two-spirals benchmark (Lang & Witbrock, 1988): for i = 0..m−1 with t = i/(m−1),
 * angle φ = t·turns·2π and radius r = 6.5·(104 − 96t)/104; spiral 0 is (r sin φ, r cos φ) and
 * spiral 1 its negation. The defaults (n = 194, turns = 3, noise 0) give the original 2 × 97 points.
 */
export function twoSpirals(...args: Args<[n: number, noise: number], SyntheticOptions & { turns?: number; shuffle?: boolean }>): TensorDataset<[Tensor, Tensor]> {
  const { n, noise, generator, turns, shuffle } = resolveArgs("data.twoSpirals", args, ["n", "noise"], { n: 194, noise: 0, generator: defaultGenerator, turns: 3, shuffle: false });
  const m = Math.floor(n / 2);
  const pts: number[] = [];
  const labels: number[] = [];
  for (let k = 0; k < 2; k++) {
    const count = k === 0 ? m : n - m;
    for (let i = 0; i < count; i++) {
      const t = count === 1 ? 0 : i / (count - 1);
      const phi = t * turns * 2 * Math.PI;
      const r = (6.5 * (104 - 96 * t)) / 104;
      const s = k === 0 ? 1 : -1;
      pts.push(s * r * Math.sin(phi), s * r * Math.cos(phi));
      labels.push(k);
    }
  }
  return finish(pts, labels, { noise, generator, shuffle });
}

function finish(pts: number[], labels: number[], { noise, generator, shuffle }: { noise: number; generator: Generator; shuffle: boolean }): TensorDataset<[Tensor, Tensor]> {
  if (noise < 0) throw new Error(`synthetic dataset: noise must be non-negative, got ${noise}`);
  let p = pts;
  let l = labels;
  if (shuffle) {
    const perm = permutation(labels.length, generator);
    p = perm.flatMap((i) => [pts[2 * i]!, pts[2 * i + 1]!]);
    l = perm.map((i) => labels[i]!);
  }
  if (noise > 0) p = p.map((v) => v + noise * generator.normal());
  return build(p, l);
}
