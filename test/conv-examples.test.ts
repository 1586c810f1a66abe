// The course's convolution worked examples (decks 002 and 004) to the printed digits, and the
// errors that bad shapes raise (naming the layer and the shapes).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { F, nn, ones, randn, tensor, type Tensor } from "../src/index.js";
import { loadMnist } from "../src/data/node/index.js";

const grid = (t: Tensor): number[][] => t.reshape([t.shape[t.ndim - 2]!, t.shape[t.ndim - 1]!]).toArray() as number[][];
const img = (rows: number[][]): Tensor => tensor(rows).reshape([1, 1, rows.length, rows[0]!.length]);

const EDGE = [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]];
const SHARPEN = [[0, -1, 0], [-1, 5, -1], [0, -1, 0]];
const BLUR = [[1, 1, 1], [1, 1, 1], [1, 1, 1]].map((r) => r.map((v) => v / 9));

describe("deck 002: convolution as image preprocessing", () => {
  test("the 5x4 image with the sharpen kernel and padding 1 gives the printed matrix", () => {
    const x = img([[1, 2, 3, 4, 5], [6, 7, 8, 9, 0], [1, 3, 5, 7, 9], [0, 2, 4, 6, 8]]);
    const y = F.conv2d(x, img(SHARPEN), null, 1, 1);
    assert.deepEqual(grid(y), [[-3, -1, 1, 3, 21], [21, 16, 16, 26, -23], [-4, 0, 3, 6, 30], [-3, 3, 7, 11, 25]]);
  });

  test("edge detection, sharpen and box blur on a real MNIST digit match a direct sliding-window sum", () => {
    const digit = loadMnist({ trainSize: 1, testSize: 0 }).train.tensors[0].narrow(0, 0, 1);
    const px = digit.dataSync();
    for (const [name, k] of [["edge", EDGE], ["sharpen", SHARPEN], ["blur", BLUR]] as const) {
      const y = F.conv2d(digit, img(k), { padding: 1 }).dataSync();
      for (let i = 0; i < 28; i++)
        for (let j = 0; j < 28; j++) {
          let s = 0;
          for (let a = -1; a <= 1; a++)
            for (let b = -1; b <= 1; b++) {
              const r = i + a, c = j + b;
              if (r >= 0 && r < 28 && c >= 0 && c < 28) s += px[r * 28 + c]! * k[a + 1]![b + 1]!;
            }
          assert.ok(Math.abs(y[i * 28 + j]! - s) < 1e-5, `${name} at (${i}, ${j}): ${y[i * 28 + j]} vs ${s}`);
        }
    }
    // on a flat region: edges vanish, sharpen and blur keep the level
    const flat = ones([1, 1, 5, 5]).mul(0.5);
    assert.ok(F.conv2d(flat, img(EDGE)).dataSync().every((v) => Math.abs(v) < 1e-6));
    assert.ok(F.conv2d(flat, img(SHARPEN)).dataSync().every((v) => Math.abs(v - 0.5) < 1e-6));
    assert.ok(F.conv2d(flat, img(BLUR)).dataSync().every((v) => Math.abs(v - 0.5) < 1e-6));
  });

  test("six 5x5 kernels on a 32x32x3 input: 456 parameters, output 28x28x6", () => {
    const conv = new nn.Conv2d(3, 6, 5);
    assert.equal(conv.numParameters(), 456); // 5·5·3·6 + 6
    assert.deepEqual(conv.forward(randn([1, 3, 32, 32])).shape, [1, 6, 28, 28]);
  });

  test("conv backward: filter [[1,−1],[−2,3]], upstream [[1,2],[3,4]], ReLU off at O22 → ∂J/∂I22 = −4, ∂J/∂I12 = 1", () => {
    // an input whose pre-activations are 9, 5, 2 and −5: ReLU passes O11, O12, O21 and blocks O22
    const input = img([[3, 4, 0], [1, 4, 3], [2, 3, 0]]);
    const x = Object.assign(input, { requiresGrad: true });
    const pre = F.conv2d(x, img([[1, -1], [-2, 3]]), tensor([0]));
    assert.deepEqual(grid(pre), [[9, 5], [2, -5]]);
    pre.relu().mul(img([[1, 2], [3, 4]])).sum().backward();
    const g = grid(x.grad!);
    assert.equal(g[1]![1], -4);
    assert.equal(g[0]![1], 1);
  });

  test("max-pool backward: 2x2 windows, stride 1, on 3x3 → ∂J/∂I22 = 8, ∂J/∂I12 = 0", () => {
    // I22 = 8 wins windows 11, 21 and 22; window 12 is won by another cell (the deck labels it
    // I23, which cannot beat I22 in window 12 and lose to it in window 22, so I13 wins here)
    const x = Object.assign(img([[1, 2, 9], [3, 8, 5], [4, 2, 1]]), { requiresGrad: true });
    const y = F.maxPool2d(x, 2, 1);
    assert.deepEqual(grid(y), [[8, 9], [8, 8]]);
    y.mul(img([[1, 2], [3, 4]])).sum().backward();
    const g = grid(x.grad!);
    assert.equal(g[1]![1], 8);
    assert.equal(g[0]![1], 0);
  });

  test("max-pool ties: the gradient goes to the first maximum, with or without returnIndices (torch)", () => {
    const x = Object.assign(img([[5, 5], [1, 5]]), { requiresGrad: true });
    const [v, idx] = F.maxPool2d(x, 2, { returnIndices: true });
    assert.deepEqual([...idx.dataSync()], [0]);
    v.sum().backward();
    assert.deepEqual(grid(x.grad!), [[1, 0], [0, 0]]);
    const x2 = Object.assign(img([[5, 5], [1, 5]]), { requiresGrad: true });
    F.maxPool2d(x2, 2).sum().backward();
    assert.deepEqual(grid(x2.grad!), [[1, 0], [0, 0]]);
  });

  test("average-pool backward: each cell gets g/(w_f·h_f)", () => {
    const x = Object.assign(randn([1, 1, 4, 6]), { requiresGrad: true });
    const up = tensor([[1, 2, 3], [4, 5, 6]]).reshape([1, 1, 2, 3]);
    F.avgPool2d(x, [2, 2]).mul(up).sum().backward();
    const g = grid(x.grad!);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 6; j++) assert.equal(g[i]![j], up.dataSync()[Math.floor(i / 2) * 3 + Math.floor(j / 2)]! / 4);
  });
});

describe("deck 004: computing a convolution kernel", () => {
  test("the 5x5 binary image with the 3x3 filter: a 3x3 feature map whose first entry is 4", () => {
    const image = img([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]);
    const y = F.conv2d(image, img([[1, 0, 1], [0, 1, 0], [1, 0, 1]]), tensor([0]));
    assert.deepEqual(y.shape, [1, 1, 3, 3]);
    assert.equal(grid(y)[0]![0], 4);
  });
});

describe("bad shapes name the layer and the shapes", () => {
  test("a 3-D input to Conv2d", () => {
    assert.throws(() => new nn.Conv2d(3, 6, 5).forward(randn([3, 32, 32])),
      /nn\.Conv2d\(3, 6, kernelSize=\[5,5\], stride=\[1,1\]\): expected input \[N, 3, H, W\], got \[3,32,32\]/);
  });
  test("a kernel larger than the padded input", () => {
    assert.throws(() => new nn.Conv2d(1, 2, 5, { padding: 1 }).forward(randn([1, 1, 2, 8])),
      /nn\.Conv2d\(1, 2, kernelSize=\[5,5\].*the kernel \[5,5\] \(dilation \[1,1\]\) is larger than the padded input \(input \[1,1,2,8\], padding \[2,2\] in total\)/);
    assert.throws(() => F.conv2d(randn([1, 1, 3, 3]), randn([1, 1, 4, 2])), /conv2d: the kernel \[4,2\] \(dilation \[1,1\]\) is larger than the padded input \(input \[1,1,3,3\], padding \[0,0\] in total\)/);
    assert.throws(() => F.maxPool2d(randn([1, 1, 2, 2]), 3, { padding: 1, dilation: 2 }), /maxPool2d: the kernel \[3,3\].*larger than the input \[1,1,2,2\]/);
  });
  test("groups that don't divide the channels", () => {
    assert.throws(() => new nn.Conv2d(6, 4, 3, { groups: 4 }), /nn\.Conv2d: inChannels 6 must be divisible by groups 4/);
    assert.throws(() => new nn.Conv2d(4, 6, 3, { groups: 4 }), /nn\.Conv2d: outChannels 6 must be divisible by groups 4/);
    assert.throws(() => F.conv2d(randn([1, 6, 5, 5]), randn([4, 4, 3, 3]), { groups: 2 }),
      /conv2d: input \[1,6,5,5\] has 6 channels, but weight \[4,4,3,3\] with groups=2 expects 8/);
    assert.throws(() => new nn.GroupNorm(4, 6), /nn\.GroupNorm: numChannels 6 must be divisible by numGroups 4/);
  });
  test("options: unknown names, 'same' with a stride, bad modes", () => {
    assert.throws(() => new nn.Conv2d(1, 1, 3, { padding_mode: "reflect" } as never), /nn\.Conv2d: unknown option 'padding_mode' \(did you mean 'paddingMode'\?\)/);
    assert.throws(() => new nn.Conv2d(1, 1, 3, 2, "same"), /nn\.Conv2d: padding='same' is not supported for strided convolutions/);
    assert.throws(() => new nn.Conv2d(1, 1, 3, { paddingMode: "mirror" as never }), /paddingMode must be one of zeros, reflect, replicate, circular/);
    assert.throws(() => new nn.MaxPool2d(2, { padding: 2 }).forward(randn([1, 1, 8, 8])), /padding \[2,2\] should be at most half of the kernel size \[2,2\]/);
    assert.throws(() => new nn.ConvTranspose2d(1, 1, 3, { stride: 2, outputPadding: 2 }).forward(randn([1, 1, 3, 3])), /outputPadding \[2,2\] must be smaller than either stride/);
    assert.throws(() => new nn.BatchNorm2d(3).forward(randn([2, 3, 4])), /BatchNorm2d\(3\): expected input \[N, 3, H, W\], got \[2,3,4\]/);
    assert.throws(() => new nn.Upsample({ scaleFactor: 2, mode: "bilinear" }).forward(randn([1, 2, 5])), /nn\.Upsample: mode 'bilinear' expects 4-D input \[N, C, …\], got \[1,2,5\]/);
  });
});

describe("layers beyond the fixtures", () => {
  test("a batch whose im2col exceeds MAX_COLUMNS runs in chunks with the same result", () => {
    const conv = new nn.Conv2d(8, 4, 3, { padding: 1 });
    const x = randn([80, 8, 28, 28]); // 80·8·784·9 > 2²² columns: chunks of 74 and 6
    const y = conv.forward(x).dataSync();
    const per = 4 * 784;
    for (const i of [0, 73, 74, 79]) {
      const yi = conv.forward(x.narrow(0, i, 1)).dataSync();
      for (let j = 0; j < per; j++) assert.ok(Math.abs(y[i * per + j]! - yi[j]!) < 1e-5, `sample ${i}, element ${j}`);
    }
  });
  test("Dropout2d zeroes whole channels with probability p and scales the rest; identity in eval", () => {
    const d = new nn.Dropout2d(0.25);
    const y = d.forward(ones([40, 50, 3, 3])).reshape([2000, 9]).toArray() as number[][];
    let dropped = 0;
    for (const ch of y) {
      assert.ok(ch.every((v) => v === ch[0]), "a channel is dropped or kept whole");
      if (ch[0] === 0) dropped++;
      else assert.ok(Math.abs(ch[0]! - 1 / 0.75) < 1e-6);
    }
    assert.ok(Math.abs(dropped / 2000 - 0.25) < 0.03, `dropped ${dropped / 2000}`);
    const x = randn([2, 3, 4, 4]);
    assert.equal(d.eval().forward(x), x);
  });
  test("ConvTranspose2d's outputSize picks the output padding, and undoes a strided Conv2d's shape", () => {
    const down = new nn.Conv2d(2, 4, 3, { stride: 2, padding: 1 });
    const up = new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1 });
    const x = randn([1, 2, 8, 7]);
    assert.deepEqual(up.forward(down.forward(x), [8, 7]).shape, [1, 2, 8, 7]);
    assert.deepEqual(up.forward(down.forward(x)).shape, [1, 2, 7, 7]);
  });
});
