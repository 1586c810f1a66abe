// Image transforms: shapes, determinism under a seed, and invariants (flip twice = identity,
// rotation by 0 = identity, 90° = rot90, a shift moves a single lit pixel by the shift).

import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, data, Generator, rand, tensor, zeros } from "../src/index.js";

const { RandomShift, RandomCrop, RandomHorizontalFlip, RandomRotation, GaussianNoise, Normalize, Compose, shift, rotate } = data;

test("shift moves a single lit pixel by (dy, dx) and fills with zeros", () => {
  const img = zeros([1, 5, 5]).add(tensor(Float32Array.from({ length: 25 }, (_, i) => (i === 2 * 5 + 2 ? 1 : 0)), { shape: [1, 5, 5] }));
  const out = [...shift(img, 1, -2).dataSync()];
  assert.equal(out.reduce((a, b) => a + b, 0), 1);
  assert.equal(out[3 * 5 + 0], 1);
  assert.equal([...shift(img, 3, 0).dataSync()].reduce((a, b) => a + b, 0), 0); // shifted out of the frame
});

test("RandomShift: per-image shifts within range, every shift reachable, deterministic under a seed", () => {
  const n = 200;
  const lit = new Float32Array(n * 7 * 7);
  for (let i = 0; i < n; i++) lit[i * 49 + 3 * 7 + 3] = 1;
  const batch = tensor(lit, { shape: [n, 1, 7, 7] });
  const out = new RandomShift(2, { generator: new Generator(4) }).forward(batch);
  assert.deepEqual([...out.shape], [n, 1, 7, 7]);
  const d = out.dataSync();
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const at = d.subarray(i * 49, (i + 1) * 49).indexOf(1);
    const dy = Math.floor(at / 7) - 3, dx = (at % 7) - 3;
    assert.ok(Math.abs(dy) <= 2 && Math.abs(dx) <= 2);
    seen.add(`${dy},${dx}`);
  }
  assert.equal(seen.size, 25);
  assert.deepEqual([...new RandomShift(2, { generator: new Generator(4) }).forward(batch).dataSync()], [...d]);
});

test("RandomCrop with padding: output size, content comes from the padded image", () => {
  const img = arange(1, 17).reshape(1, 4, 4);
  const out = new RandomCrop(3, { padding: 1, generator: new Generator(0) }).forward(img);
  assert.deepEqual([...out.shape], [1, 3, 3]);
  const all = new Set([0, ...Array.from({ length: 16 }, (_, i) => i + 1)]);
  for (const v of out.dataSync()) assert.ok(all.has(v));
  const crop4 = new RandomCrop(4).forward(img); // no padding, full size: identity
  assert.deepEqual(crop4.toArray(), img.toArray());
  assert.throws(() => new RandomCrop(7, { padding: 1 }).forward(img), /RandomCrop: crop 7x7 is larger than the padded image 6x6/);
});

test("RandomHorizontalFlip: p=1 twice is the identity, p=1 equals flip, p=0 is the identity", () => {
  const x = rand([3, 2, 4, 5], { generator: new Generator(1) });
  const f = new RandomHorizontalFlip(1);
  assert.deepEqual(f.forward(x).toArray(), x.flip(-1).toArray());
  assert.deepEqual(f.forward(f.forward(x)).toArray(), x.toArray());
  assert.deepEqual(new RandomHorizontalFlip(0).forward(x).toArray(), x.toArray());
  const half = new RandomHorizontalFlip(0.5, { generator: new Generator(2) }).forward(rand([100, 1, 2, 2]));
  assert.deepEqual([...half.shape], [100, 1, 2, 2]);
});

test("rotate: 0° is the identity, 90° is torch.rot90 (counter-clockwise), bilinear agrees at right angles", () => {
  const x = arange(0, 32).reshape(2, 4, 4);
  assert.deepEqual(rotate(x, 0).toArray(), x.toArray());
  const rot90 = x.transpose(-1, -2).flip(-2); // torch.rot90(x, 1, [-2, -1])
  assert.deepEqual(rotate(x, 90).toArray(), rot90.toArray());
  const bil = rotate(x, 90, { interpolation: "bilinear" }).dataSync();
  rot90.contiguous().dataSync().forEach((v, i) => assert.ok(Math.abs(bil[i]! - v) < 1e-4));
  assert.deepEqual(rotate(rotate(x, 180), 180).toArray(), x.toArray());
  assert.throws(() => rotate(zeros([4, 4]), 10), /rotate: expected an image \[C, H, W\] or a batch \[N, C, H, W\], got \[4,4\]/);
});

test("RandomRotation: range and determinism; small angles keep a centred blob centred", () => {
  const img = zeros([1, 9, 9]).add(tensor(Float32Array.from({ length: 81 }, (_, i) => (i === 40 ? 1 : 0)), { shape: [1, 9, 9] }));
  const r = new RandomRotation(15, { generator: new Generator(3) });
  const a = r.forward(img.unsqueeze(0).expand(8, 1, 9, 9));
  assert.deepEqual([...a.shape], [8, 1, 9, 9]);
  for (let i = 0; i < 8; i++) assert.equal(a.dataSync()[i * 81 + 40], 1); // the centre pixel maps to itself
  assert.deepEqual(new RandomRotation(15, { generator: new Generator(3) }).forward(img.unsqueeze(0).expand(8, 1, 9, 9)).toArray(), a.toArray());
  assert.deepEqual(new RandomRotation([0, 0]).forward(img).toArray(), img.toArray());
});

test("GaussianNoise: seeded, statistics match sigma, clipping keeps [0, 1]", () => {
  const x = zeros([1, 100, 100]).add(0.5);
  const y = new GaussianNoise(0.1, { clip: false, generator: new Generator(9) }).forward(x);
  const diff = y.sub(x);
  assert.ok(Math.abs(diff.mean().item()) < 0.005);
  assert.ok(Math.abs(diff.std().item() - 0.1) < 0.005);
  assert.deepEqual(new GaussianNoise(0.1, { clip: false, generator: new Generator(9) }).forward(x).toArray(), y.toArray());
  const clipped = new GaussianNoise(2, { generator: new Generator(1) }).forward(x).dataSync();
  assert.ok(clipped.every((v) => v >= 0 && v <= 1));
});

test("Normalize and Compose", () => {
  const x = arange(0, 8).reshape(2, 2, 2);
  const n = new Normalize([1, 2], [2, 4]).forward(x);
  assert.deepEqual(n.toArray(), [[[-0.5, 0], [0.5, 1]], [[0.5, 0.75], [1, 1.25]]]);
  assert.throws(() => new Normalize([0.5], [0]), /std contains a zero/);
  const c = new Compose([new RandomHorizontalFlip(1), (t) => t.mul(2), new RandomHorizontalFlip(1)]);
  assert.deepEqual(c.forward(x).toArray(), x.mul(2).toArray());
});
