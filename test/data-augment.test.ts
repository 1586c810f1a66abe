// Batch augmentation (data/augment.ts): exact checks (a 90° rotation, flips, identities at zero
// strength, brightness on a constant image), invariants (elastic α = 0, mass roughly conserved),
// determinism under a seed, flattened [N, H·W] batches, and option errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data, Generator, rand, tensor, type Tensor } from "../src/index.js";

const { RandomAffine, RandomResizedCrop, ElasticTransform, RandomVerticalFlip, ColorJitter, hflip, vflip, rotate } = data;
const vals = (t: Tensor): number[] => Array.from(t.dataSync());
const close = (a: number[], b: number[], tol = 1e-6, msg = ""): void => {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) <= tol, `${msg} at ${i}: ${a[i]} vs ${b[i]}`);
};
/** A 2-image, 2-channel 4x5 batch of distinct values. */
const batch = (): Tensor => tensor(Float32Array.from({ length: 2 * 2 * 4 * 5 }, (_, i) => (i * 7919) % 97 / 97), { shape: [2, 2, 4, 5] });

test("RandomAffine at 90° is rot90 (counter-clockwise) of a known image, on [N,C,H,W] and flattened rows", () => {
  const img = tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]], { shape: [1, 1, 3, 3] });
  const r90 = [3, 6, 9, 2, 5, 8, 1, 4, 7]; // torch.rot90(img, 1, [2, 3])
  close(vals(new RandomAffine([90, 90]).forward(img)), r90, 1e-6);
  close(vals(new RandomAffine([90, 90], { imageSize: 3 }).forward(img.reshape(1, 9))), r90, 1e-6);
  // agrees with transforms.ts's deterministic rotate (same convention) at an arbitrary angle, up to interpolation
  const b = batch();
  close(vals(new RandomAffine([33, 33]).forward(b)), vals(rotate(b, 33, { interpolation: "bilinear" })), 1e-5, "vs rotate");
});

test("RandomAffine identities: degrees 0 and scale [1, 1] return the input exactly; a scale-2 zoom reads the centre", () => {
  const b = batch();
  assert.deepEqual(vals(new RandomAffine(0).forward(b)), vals(b));
  assert.deepEqual(vals(new RandomAffine(0, null, [1, 1]).forward(b)), vals(b));
  // 5x5, centre 2: zoom 2 maps output (y, x) to source 2 + (y − 2)/2, so output (0, 0) reads (1, 1) and (4, 4) reads (3, 3)
  const img = tensor(Float32Array.from({ length: 25 }, (_, i) => i), { shape: [1, 5, 5] });
  const z = vals(new RandomAffine(0, null, [2, 2]).forward(img));
  assert.equal(z[0], 6);
  assert.equal(z[24], 18);
  assert.equal(z[12], 12);
  assert.equal(z[1], 6.5); // source (1, 1.5): bilinear mean of 6 and 7
});

test("RandomAffine: translation moves a lit pixel by whole pixels within range; seeded draws repeat", () => {
  const n = 100;
  const lit = new Float32Array(n * 49);
  for (let i = 0; i < n; i++) lit[i * 49 + 24] = 1;
  const x = tensor(lit, { shape: [n, 49] });
  const t = (): Tensor => new RandomAffine(0, [0.3, 0.3], null, { imageSize: [7, 7], generator: new Generator(3) }).forward(x);
  const out = vals(t());
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const img = out.slice(i * 49, (i + 1) * 49);
    assert.equal(img.reduce((a, b) => a + b, 0), 1);
    const at = img.indexOf(1);
    assert.ok(Math.abs(Math.floor(at / 7) - 3) <= 2 && Math.abs((at % 7) - 3) <= 2);
    seen.add(at);
  }
  assert.ok(seen.size > 10, `${seen.size} distinct positions`);
  assert.deepEqual(vals(t()), out);
  assert.notDeepEqual(vals(new RandomAffine(0, [0.3, 0.3], null, { imageSize: 7, generator: new Generator(4) }).forward(x)), out);
});

test("flips: hflip/vflip exact on a known image, twice is identity, RandomVerticalFlip p = 0 / 1", () => {
  const img = tensor([[1, 2, 3], [4, 5, 6]], { shape: [1, 2, 3] });
  assert.deepEqual(vals(hflip(img)), [3, 2, 1, 6, 5, 4]);
  assert.deepEqual(vals(vflip(img)), [4, 5, 6, 1, 2, 3]);
  assert.deepEqual(vals(vflip(img.reshape(1, 6), { imageSize: [2, 3] })), [4, 5, 6, 1, 2, 3]);
  const b = batch();
  assert.deepEqual(vals(hflip(hflip(b))), vals(b));
  assert.deepEqual(vals(new RandomVerticalFlip(0).forward(b)), vals(b));
  assert.deepEqual(vals(new RandomVerticalFlip(1).forward(b)), vals(vflip(b)));
  assert.deepEqual(vals(new RandomVerticalFlip(1, { horizontal: true }).forward(b)), vals(hflip(b)));
  // p = 0.5: some images flipped, some not, same choice for a repeated seed
  const many = rand([64, 1, 2, 2], { generator: new Generator(1) });
  const f = vals(new RandomVerticalFlip(0.5, { generator: new Generator(9) }).forward(many));
  const src = vals(many), flipped = vals(vflip(many));
  let nFlip = 0;
  for (let i = 0; i < 64; i++) {
    const s = f.slice(i * 4, i * 4 + 4);
    if (s.join() === flipped.slice(i * 4, i * 4 + 4).join()) nFlip++;
    else assert.deepEqual(s, src.slice(i * 4, i * 4 + 4));
  }
  assert.ok(nFlip > 16 && nFlip < 48, `${nFlip} of 64 flipped`);
  assert.deepEqual(vals(new RandomVerticalFlip(0.5, { generator: new Generator(9) }).forward(many)), f);
});

test("RandomResizedCrop: scale 1 and the image's ratio is the identity; output size; crops come from the image", () => {
  const b = batch();
  assert.deepEqual(vals(new RandomResizedCrop([4, 5], [1, 1], [5 / 4, 5 / 4]).forward(b)), vals(b));
  const img = tensor(Float32Array.from({ length: 64 }, (_, i) => i), { shape: [1, 1, 8, 8] });
  const rrc = new RandomResizedCrop(4, [0.25, 0.25], [1, 1], { generator: new Generator(2) });
  for (let t = 0; t < 5; t++) {
    // a 4x4 box resized to 4x4 is a pure crop: values form a contiguous 4x4 window of the source
    const o = vals(rrc.forward(img));
    const top = Math.floor(o[0]! / 8), left = o[0]! % 8;
    assert.deepEqual(o, Array.from({ length: 16 }, (_, i) => (top + Math.floor(i / 4)) * 8 + left + (i % 4)));
  }
  // flattened MNIST-like rows resize to [N, 14·14]; upscaling a constant image keeps it constant
  const flat = tensor(new Float32Array(3 * 784).fill(0.25), { shape: [3, 784] });
  const up = new RandomResizedCrop(14, { imageSize: 28, generator: new Generator(0) }).forward(flat);
  assert.deepEqual([...up.shape], [3, 196]);
  close(vals(up), new Array<number>(3 * 196).fill(0.25), 1e-7);
});

test("ElasticTransform: α = 0 is the identity; mass roughly conserved on a blob; seeded; displaces pixels", () => {
  const b = batch();
  assert.deepEqual(vals(new ElasticTransform(0, 4).forward(b)), vals(b));
  // a 28x28 batch of centred blobs, Simard's α = 34, σ = 4: a displacement field compresses and
  // stretches locally (each image's mass moves by up to ~±30%), but on average mass is kept
  const n = 64, blob = new Float32Array(n * 784);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) blob[i * 784 + y * 28 + x] = Math.exp(-((y - 13.5) ** 2 + (x - 13.5) ** 2) / 40);
  const x = tensor(blob, { shape: [n, 784] });
  const el = (): Tensor => new ElasticTransform(34, 4, { imageSize: 28, generator: new Generator(5) }).forward(x);
  const out = vals(el());
  let meanRatio = 0;
  for (let i = 0; i < n; i++) {
    const m0 = blob.subarray(i * 784, (i + 1) * 784).reduce((a, c) => a + c, 0);
    const m1 = out.slice(i * 784, (i + 1) * 784).reduce((a, c) => a + c, 0);
    assert.ok(Math.abs(m1 / m0 - 1) < 0.6, `image ${i}: mass ${m1} vs ${m0}`);
    meanRatio += m1 / m0 / n;
  }
  assert.ok(Math.abs(meanRatio - 1) < 0.05, `mean mass ratio ${meanRatio}`);
  // bilinear weights sum to one: a constant image with fill equal to it stays constant
  const flat = vals(new ElasticTransform(34, 4, { fill: 0.7, generator: new Generator(1) }).forward(tensor(new Float32Array(2 * 3 * 100).fill(0.7), { shape: [2, 3, 10, 10] })));
  close(flat, new Array<number>(600).fill(0.7), 1e-6);
  const diff = out.reduce((s, v, i) => s + Math.abs(v - blob[i]!), 0) / out.length;
  assert.ok(diff > 0.005, `mean |Δ| ${diff}: the distortion must move pixels`);
  assert.deepEqual(vals(el()), out);
});

test("ColorJitter: brightness factor on a constant image, contrast towards the mean, saturation towards gray, identity at 0", () => {
  const b = batch();
  assert.deepEqual(vals(new ColorJitter().forward(b)), vals(b));
  const c = tensor(new Float32Array(3 * 4).fill(0.4), { shape: [1, 3, 2, 2] });
  close(vals(new ColorJitter([1.5, 1.5]).forward(c)), new Array<number>(12).fill(0.6), 1e-6);
  close(vals(new ColorJitter([3, 3]).forward(c)), new Array<number>(12).fill(1), 0); // clamped at 1
  // contrast 0 gives every pixel the mean gray; saturation 0 gives each pixel its own gray
  const rgb = tensor([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0], { shape: [1, 3, 2, 2] });
  const gray = [0.299, 0.587, 0.114, 0];
  close(vals(new ColorJitter(0, [0, 0]).forward(rgb)), new Array<number>(12).fill(0.25), 1e-6);
  close(vals(new ColorJitter(0, 0, [0, 0]).forward(rgb)), [...gray, ...gray, ...gray], 1e-6);
  // random factors within range: brightness 0.5 scales a constant image by U(0.5, 1.5), seeded
  const cj = (): number[] => vals(new ColorJitter(0.5, { generator: new Generator(8) }).forward(tensor(new Float32Array(50 * 3).fill(0.5), { shape: [50, 3, 1, 1] })));
  const f = cj();
  for (let i = 0; i < 50; i++) {
    assert.ok(f[i * 3]! >= 0.25 && f[i * 3]! <= 0.75);
    assert.equal(f[i * 3], f[i * 3 + 2]);
  }
  assert.ok(new Set(f).size > 40);
  assert.deepEqual(cj(), f);
});

test("augmentations reject bad inputs and option names, naming the transform", () => {
  assert.throws(() => new RandomAffine(10).forward(rand([4, 784])), /RandomAffine: a flattened batch \[4, ?784\] needs the imageSize option/);
  assert.throws(() => new ElasticTransform(1, 1, { imageSize: 27 }).forward(rand([4, 784])), /ElasticTransform: rows of 784 values are not C·27·27/);
  assert.throws(() => new ElasticTransform(1, 1, { image_size: 28 } as never), /unknown option 'image_size' \(did you mean 'imageSize'\?\)/);
  assert.throws(() => new ColorJitter(0.2, 0.2, 0.2, { hue: 0.1 } as never), /ColorJitter: unknown option 'hue'/);
  assert.throws(() => new RandomAffine(0, null, [0, 1]), /RandomAffine: scale must be/);
  assert.throws(() => hflip(rand([2, 3, 4, 5, 6])), /hflip: expected \[C, H, W\], \[N, C, H, W\]/);
  assert.throws(() => new RandomVerticalFlip(2), /RandomVerticalFlip: p must be in \[0, 1\]/);
});
