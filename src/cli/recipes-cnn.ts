// The convolutional recipes (decks 000-004: LeNet, a small BatchNorm CNN, ResNet BasicBlocks, deck
// 002's 32x32x3 colour images): `myelin train lenet | fashion-cnn | resnet-mini | shapes-cnn`. Their
// networks are exported for the tests and for tools/cnn_torch.py's PyTorch twins, which must stay
// layer for layer the same. Each run folder gets the filters, feature maps and confusion matrix.

import { data, Generator, nn, optim, type Tensor } from "../index.js";
import { loadFashionMnist, loadMnist } from "../node.js";
import { cnnPictures } from "./cnn-pictures.js";
import type { Recipe } from "./recipes.js";

type Model = nn.Module<[Tensor], Tensor>;

/** LeNet-5 as in ../shared/bench-peers: conv 6@5x5 pad 2, ReLU, max-pool 2, conv 16@5x5, ReLU, max-pool 2, fc 120-84-10 (61,706 parameters). */
export const lenet = (): Model => new nn.Sequential(
  new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
);

/**
 * Two conv (3x3) + BatchNorm + ReLU + max-pool stages (32, 64 channels), dropout 0.25, fc 128,
 * dropout 0.5, fc 10. The 16/32-channel version with dropout 0.25/0.25 reached 90.58% in PyTorch in
 * 5 epochs; this one, 10 epochs with a cosine schedule and left-right flips, is PyTorch-checked in
 * tools/cnn_torch.py.
 */
export const fashionCnn = (): Model => new nn.Sequential(
  new nn.Conv2d(1, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.BatchNorm2d(64), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Dropout(0.25), new nn.Linear(64 * 7 * 7, 128), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(128, 10),
);

/** A stem conv + BN + ReLU, three BasicBlocks (8, 16 and 32 channels; the last two stride 2), global average pooling, fc 10. */
export const resnetMini = (): Model => new nn.Sequential(
  new nn.Conv2d(1, 8, 3, { padding: 1, bias: false }), new nn.BatchNorm2d(8), new nn.ReLU(),
  new nn.BasicBlock(8, 8), new nn.BasicBlock(8, 16, 2), new nn.BasicBlock(16, 32, 2),
  new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(32, 10),
);

/** Three conv (3x3) + BatchNorm + ReLU + max-pool stages (16, 32, 64 channels) on 32x32x3, dropout, fc 6. */
export const shapesCnn = (): Model => new nn.Sequential(
  new nn.Conv2d(3, 16, 3, { padding: 1 }), new nn.BatchNorm2d(16), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.BatchNorm2d(32), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(32, 64, 3, { padding: 1 }), new nn.BatchNorm2d(64), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Dropout(0.25), new nn.Linear(64 * 4 * 4, data.SHAPE_CLASSES.length),
);

/** The coloured-shapes split: 5,000 training and 1,000 test images drawn from two fixed seeds. */
export const shapesData = (trainSize = 5000, testSize = 1000): { train: data.TensorDataset<[Tensor, Tensor]>; test: data.TensorDataset<[Tensor, Tensor]>; classes: readonly string[] } => ({
  train: data.coloredShapes(trainSize, { generator: new Generator(0) }),
  test: data.coloredShapes(testSize, { generator: new Generator(1) }),
  classes: data.SHAPE_CLASSES,
});

const fashion = (dataDir?: string): ReturnType<typeof loadFashionMnist> => loadFashionMnist(dataDir ? { dir: dataDir } : {});

export const cnnRecipes: Recipe[] = [
  {
    name: "lenet",
    description: "LeNet-5 (conv 6@5x5, max-pool, conv 16@5x5, max-pool, fc 120-84-10) on the 10,000 MNIST digits (8,000 train / 2,000 test), Adam",
    defaults: { epochs: 10, batchSize: 64, lr: 1e-3, valSplit: 0.1 },
    inputShape: [1, 28, 28],
    data: () => loadMnist(),
    model: lenet,
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: ["accuracy"],
    predict: "classifier",
    pictures: (m, out, ds) => cnnPictures(m, out, ds, "lenet"),
  },
  {
    name: "fashion-cnn",
    description: "Conv 32-64 (3x3) with BatchNorm, max-pooling and dropout, fc 128, on Fashion-MNIST (60,000 / 10,000), Adam with a cosine schedule, left-right flips",
    defaults: { epochs: 10, batchSize: 128, lr: 1e-3, valSplit: 0.1 },
    inputShape: [1, 28, 28],
    data: ({ dataDir }) => fashion(dataDir),
    model: fashionCnn,
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    scheduler: (opt, epochs) => new optim.lrScheduler.CosineAnnealingLR(opt, { tMax: epochs }),
    augment: () => new data.RandomVerticalFlip(0.5, { horizontal: true }),
    metrics: ["accuracy"],
    predict: "classifier",
    pictures: (m, out, ds) => cnnPictures(m, out, ds, "fashion-cnn"),
  },
  {
    name: "resnet-mini",
    description: "A small ResNet (stem + 3 BasicBlocks of 8/16/32 channels, global average pooling) on Fashion-MNIST, Adam",
    defaults: { epochs: 2, batchSize: 128, lr: 2e-3, valSplit: 0.1 },
    inputShape: [1, 28, 28],
    data: ({ dataDir }) => fashion(dataDir),
    model: resnetMini,
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    metrics: ["accuracy"],
    predict: "classifier",
    pictures: (m, out, ds) => cnnPictures(m, out, ds, "resnet-mini"),
  },
  {
    name: "shapes-cnn",
    description: "tell six shapes apart (circle, square, triangle, cross, ring, diamond) in 32x32 colour images, drawn in any colour " +
      "on a striped, noisy background (generated by data.coloredShapes: 5,000 train / 1,000 test), with a conv 16-32-64 network with BatchNorm, Adam",
    defaults: { epochs: 8, batchSize: 64, lr: 2e-3, valSplit: 0.1 },
    inputShape: [3, 32, 32],
    data: () => shapesData(),
    model: shapesCnn,
    loss: () => new nn.CrossEntropyLoss(),
    optimizer: (params, lr) => new optim.Adam(params, { lr }),
    augment: () => new data.RandomVerticalFlip(0.5, { horizontal: true }),
    metrics: ["accuracy"],
    predict: "classifier",
    pictures: (m, out, ds) => cnnPictures(m, out, ds, "shapes-cnn"),
  },
];
