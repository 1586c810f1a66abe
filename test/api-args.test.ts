// Issue 12, "options and arguments are silently ignored": each trap as a test (PyTorch's
// positionals in PyTorch's order, unknown or snake_case options rejected by name), plus tables that
// make every nn module constructor and every F function reject an unknown option.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { data, eye, F, fit, manualSeed, nn, ones, optim, randn, tensor, zeros, type Tensor } from "../src/index.js";

const close = (a: number, b: number, tol = 1e-6, what = ""): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

describe("the issue's traps now do what PyTorch does", () => {
  test("new nn.LeakyReLU(0.2) has slope 0.2, like F.leakyRelu(x, 0.2)", () => {
    const x = tensor([-1, 2]);
    assert.deepEqual([...new nn.LeakyReLU(0.2).forward(x).dataSync()].map((v) => +v.toFixed(6)), [-0.2, 2]);
    assert.equal(new nn.LeakyReLU(0.2).negativeSlope, 0.2);
    close(F.leakyRelu(x, 0.2).dataSync()[0]!, -0.2, 1e-6, "F.leakyRelu");
  });

  test("new nn.Linear(4, 2, false) has no bias", () => {
    assert.equal(new nn.Linear(4, 2, false).bias, null);
  });

  test("DataLoader(dataset, batchSize, shuffle) in torch's order; { batch_size } is an error naming batchSize", () => {
    const ds = new data.TensorDataset(zeros(10, 2), zeros(10));
    assert.equal(new data.DataLoader(ds, 4).batchSize, 4);
    assert.equal([...new data.DataLoader(ds, 4)].length, 3);
    assert.equal(new data.DataLoader(ds, 4, true).shuffle, true);
    assert.throws(() => new data.DataLoader(ds, { batch_size: 64 } as never), /data\.DataLoader: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
    assert.throws(() => new data.DataLoader(ds, { collate_fn: (s: unknown) => s } as never), /did you mean 'collateFn'\?/);
  });

  test("{ label_smoothing } is an error; labelSmoothing and torch's positional weight work", () => {
    assert.throws(() => new nn.CrossEntropyLoss({ label_smoothing: 0.1 } as never), /nn\.CrossEntropyLoss: unknown option 'label_smoothing' \(did you mean 'labelSmoothing'\?\)/);
    const x = tensor([[1, 2, 3], [0, 1, -1]]);
    const y = tensor([2, 0], { dtype: "int32" });
    const smooth = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 }).forward(x, y).item();
    close(smooth, F.crossEntropy(x, y, { labelSmoothing: 0.1 }).item(), 1e-6, "labelSmoothing");
    assert.notEqual(smooth.toFixed(5), F.crossEntropy(x, y).item().toFixed(5));
    const w = tensor([1, 2, 3]);
    const weighted = new nn.CrossEntropyLoss(w).forward(x, y).item();
    close(weighted, F.crossEntropy(x, y, w).item(), 1e-6, "positional weight");
    close(weighted, F.crossEntropy(x, y, { weight: w }).item(), 1e-6, "weight option");
    assert.equal(String(new nn.CrossEntropyLoss(w, { reduction: "sum" }).reduction), "sum");
  });

  test("fit(model, { epoch: 5 }) is an error naming epochs", async () => {
    const model = new nn.Linear(2, 1);
    const common = { train: [[zeros(4, 2), zeros(4, 1)]] as [Tensor, Tensor][], loss: new nn.MSELoss(), optimizer: new optim.SGD(model.parameters(), 0.1), verbose: 0 as const };
    await assert.rejects(fit(model, { ...common, epoch: 5 } as never), /fit: unknown option 'epoch' \(did you mean 'epochs'\?\)/);
    const h = await fit(model, { ...common, epochs: 3 });
    assert.deepEqual(h.epoch, [0, 1, 2]);
  });

  test("new optim.Adam(params, 0.01) trains at lr 0.01; SGD(params, 0.1, 0.9) has momentum 0.9", () => {
    const p = nn.Parameter(zeros(3));
    assert.equal(new optim.Adam([p], 0.01).paramGroups[0]!.lr, 0.01);
    const sgd = new optim.SGD([p], 0.1, 0.9);
    assert.equal(sgd.paramGroups[0]!.lr, 0.1);
    assert.equal(sgd.paramGroups[0]!.momentum, 0.9);
    assert.deepEqual(new optim.Adam([p], 0.01, [0.8, 0.9]).paramGroups[0]!.betas, [0.8, 0.9]);
    assert.equal(new optim.AdamW([p], 0.01).paramGroups[0]!.weightDecay, 0.01);
    assert.equal(new optim.RMSprop([p], 0.05, 0.9).paramGroups[0]!.alpha, 0.9);
    assert.throws(() => new optim.SGD([p], { lr: 0.1, weight_decay: 1 } as never), /optim\.SGD: unknown option 'weight_decay' \(did you mean 'weightDecay'\?\)/);
    assert.throws(() => new optim.Adam([{ params: [p], learning_rate: 1 } as never]), /optim\.Adam parameter group: unknown option 'learning_rate'/);
  });

  test("schedulers take torch's positionals: StepLR(opt, 10, 0.5), ExponentialLR(opt, 0.9), OneCycleLR(opt, 0.1, 100)", () => {
    const opt = new optim.SGD([nn.Parameter(zeros(2))], 1);
    const step = new optim.lrScheduler.StepLR(opt, 10, 0.5);
    assert.deepEqual([step.stepSize, step.gamma], [10, 0.5]);
    assert.equal(new optim.lrScheduler.ExponentialLR(new optim.SGD([nn.Parameter(zeros(2))], 1), 0.9).gamma, 0.9);
    assert.equal(new optim.lrScheduler.OneCycleLR(new optim.SGD([nn.Parameter(zeros(2))], 1, 0.9), 0.1, 100).totalSteps, 100);
    assert.equal(new optim.lrScheduler.ReduceLROnPlateau(opt, "max", 0.5).factor, 0.5);
    assert.throws(() => new optim.lrScheduler.StepLR(opt, { step_size: 10 } as never), /StepLR: unknown option 'step_size' \(did you mean 'stepSize'\?\)/);
  });

  test("x.var(0, false) and x.std(0, false) are the biased estimates", () => {
    const x = tensor([[1, 2], [3, 6]]);
    assert.deepEqual([...x.var(0, false).dataSync()], [1, 4]);
    assert.deepEqual([...x.var(0).dataSync()], [2, 8]);
    assert.deepEqual([...x.std(0, false).dataSync()], [1, 2]);
    close(x.var(false).item(), 3.5, 1e-6, "var(false)");
    assert.deepEqual(x.var(0, false, true).shape, [1, 2]);
    assert.throws(() => x.var(0, { unbiased: false, correction: 1 }), /var: give either unbiased or correction/);
  });

  test("F.dropout(x, 0.9) drops about 90%; nn.Dropout(0.5) has p 0.5", () => {
    manualSeed(0);
    const kept = F.dropout(ones(10000), 0.9).ne(0).sum().item();
    assert.ok(kept > 850 && kept < 1150, `kept ${kept} of 10000`);
    assert.equal(F.dropout(ones(5), 0.9, false).sum().item(), 5);
    assert.equal(new nn.Dropout(0.3).p, 0.3);
  });

  test("x.norm('fro') and x.norm(2, 1) as torch", () => {
    const x = tensor([[3, 4], [6, 8]]);
    close(x.norm("fro").item(), Math.sqrt(125), 1e-5, "fro");
    close(x.norm().item(), Math.sqrt(125), 1e-5, "default");
    assert.deepEqual([...x.norm(2, 1).dataSync()], [5, 10]);
    assert.deepEqual([...x.norm(1, 0).dataSync()], [9, 12]);
    assert.throws(() => x.norm("nuc" as never), /norm: the nuclear norm/);
  });

  test("F.crossEntropy(x, y, 'sum') is an error: torch's third argument is the weight", () => {
    const x = tensor([[1, 2, 3]]);
    const y = tensor([1], { dtype: "int32" });
    assert.throws(() => F.crossEntropy(x, y, "sum" as never), /F\.crossEntropy: weight must be a Tensor or null, got string 'sum'.*\{ reduction: 'sum' \}/);
    assert.throws(() => new nn.CrossEntropyLoss("sum" as never), /nn\.CrossEntropyLoss: weight must be a Tensor or null/);
    close(F.crossEntropy(x, y, null, { reduction: "sum" }).item(), F.crossEntropy(x, y).item(), 1e-6, "sum of one");
  });

  test("other torch positionals: Flatten, LayerNorm, Embedding, Hardtanh, Softplus, ELU, HuberLoss, MultiMarginLoss, layerNorm, init", () => {
    assert.deepEqual(new nn.Flatten(0).forward(zeros(2, 3, 4)).shape, [24]);
    assert.equal(new nn.LayerNorm(4, 1e-3).eps, 1e-3);
    assert.equal(new nn.LayerNorm(4, 1e-5, false).weight, null);
    assert.equal(new nn.Embedding(10, 3, 0).paddingIdx, 0);
    assert.equal(new nn.Hardtanh(-2, 2).maxVal, 2);
    assert.equal(new nn.Softplus(2, 10).threshold, 10);
    assert.equal(new nn.ELU(0.5).alpha, 0.5);
    assert.equal(new nn.HuberLoss("sum", 0.5).delta, 0.5);
    assert.equal(new nn.MultiMarginLoss(2, 0.5).p, 2);
    assert.equal(new nn.BatchNorm1d(4, 1e-3, null).momentum, null);
    const x = randn(2, 4);
    close(F.layerNorm(x, [4], null, null, 1e-5).sum().item(), F.layerNorm(x, [4]).sum().item(), 1e-5, "layerNorm positionals");
    const w = zeros(3, 3);
    nn.init.uniform(w, 2, 3);
    assert.ok(w.min().item() >= 2);
    assert.throws(() => nn.init.kaimingUniform(w, { nonLinearity: "relu" } as never), /init\.kaimingUniform: unknown option 'nonLinearity' \(did you mean 'nonlinearity'\?\)/);
    assert.throws(() => new nn.Linear(2, 2).loadStateDict({}, { stric: false } as never), /Module\.loadStateDict: unknown option 'stric'/);
  });
});

/** Required arguments of each nn module class (the rest are optional); containers take modules, not options. */
const MODULE_ARGS: Record<string, unknown[]> = {
  Linear: [4, 2], Bilinear: [2, 3, 4], Threshold: [0.1, 0], Softmax: [1], LogSoftmax: [1], Softmin: [1], LayerNorm: [4], BatchNorm1d: [4],
  Embedding: [10, 3], EmbeddingBag: [10, 3], Unflatten: [1, [2, 2]], PixelShuffle: [2], PixelUnshuffle: [2], GCNConv: [4, 2], LIF: [0.9],
  RNN: [3, 4], LSTM: [3, 4], GRU: [3, 4], RNNCell: [3, 4], LSTMCell: [3, 4], GRUCell: [3, 4],
  JordanRNN: [3, 4, 2], FullyRecurrent: [3, 4], SigmoidRNN: [3, 4, 2],
  MultiheadAttention: [4, 2], AdditiveAttention: [4, 3, 5], Attention: [],
  SinusoidalPositionalEncoding: [4], LearnedPositionalEncoding: [8, 4], GPT: [10],
  TransformerEncoderLayer: [4, 2], TransformerDecoderLayer: [4, 2],
  TransformerEncoder: [new nn.TransformerEncoderLayer(4, 2), 1], TransformerDecoder: [new nn.TransformerDecoderLayer(4, 2), 1],
  BertEncoder: [10], BertForMaskedLM: [new nn.BertEncoder(10)], BertForSequenceClassification: [new nn.BertEncoder(10), 2],
  PatchEmbedding: [4, 2, 1, 3], VisionTransformer: [4, 2],
  // Convolutions, pooling, feature-map normalization: 2 → 3 channels, 3-wide kernels, 2-wide windows.
  Conv1d: [2, 3, 3], Conv2d: [2, 3, 3], ConvTranspose1d: [2, 3, 3], ConvTranspose2d: [2, 3, 3],
  MaxPool1d: [2], MaxPool2d: [2], MaxUnpool2d: [2], AvgPool1d: [2], AvgPool2d: [2],
  AdaptiveAvgPool1d: [2], AdaptiveAvgPool2d: [2], AdaptiveMaxPool2d: [2],
  BatchNorm2d: [4], GroupNorm: [2, 4], InstanceNorm1d: [4], InstanceNorm2d: [4], BasicBlock: [4, 4],
  // Padding layers: one pad on every side; ConstantPad also takes its (required) value.
  ...Object.fromEntries(["ZeroPad", "ReflectionPad", "ReplicationPad", "CircularPad"].flatMap((k) => [1, 2, 3].map((d) => [`${k}${d}d`, [1]]))),
  ConstantPad1d: [1, 0], ConstantPad2d: [1, 0], ConstantPad3d: [1, 0],
  Unfold: [2], Fold: [[4, 4], 2],
  LazyLinear: [3],
  LPPool1d: [2, 2], LPPool2d: [2, 2], AdaptiveMaxPool1d: [2], MaxUnpool1d: [2], LocalResponseNorm: [2], ChannelShuffle: [2],
  MultiLabelSoftMarginLoss: [null], TripletMarginLoss: [1, 2, 1e-6, false], PoissonNLLLoss: [true, false], CTCLoss: [0, "mean", false],
  AdaptiveLogSoftmaxWithLoss: [8, 20, [5, 12], 2, false],
  Conv3d: [2, 3, 3], ConvTranspose3d: [2, 3, 3], MaxPool3d: [2], MaxUnpool3d: [2], AvgPool3d: [2],
  AdaptiveAvgPool3d: [2], AdaptiveMaxPool3d: [2], BatchNorm3d: [4], InstanceNorm3d: [4],
  FractionalMaxPool2d: [2, 3], FractionalMaxPool3d: [2, null, 0.5],
  ...Object.fromEntries([1, 2, 3].flatMap((d) => [[`LazyConv${d}d`, [3, 3]], [`LazyConvTranspose${d}d`, [3, 3]]])),
};
// Containers take modules (or parameters), not options. RNNBase is the abstract base of RNN, LSTM and GRU: its
// constructor is protected and takes a resolved mode and options record, so it cannot be built directly.
const CONTAINERS = ["Sequential", "ModuleList", "ModuleDict", "Residual", "RNNBase", "ParameterList", "ParameterDict"];

test("every nn module constructor rejects an unknown option, naming the class", () => {
  const classes = Object.entries(nn).filter(([, v]) => typeof v === "function" && v.prototype instanceof nn.Module) as [string, new (...a: unknown[]) => nn.Module][];
  assert.ok(classes.length > 50, `found ${classes.length} module classes`);
  for (const [name, Cls] of classes) {
    if (CONTAINERS.includes(name)) continue;
    const required = MODULE_ARGS[name] ?? [];
    assert.doesNotThrow(() => new Cls(...required), `${name} builds from its required arguments`);
    const cls = Cls.name; // nn.Swish is nn.SiLU
    assert.throws(() => new Cls(...required, { bogusOption: 1 }), new RegExp(`nn\\.${cls}: unknown option 'bogusOption'`), `${name} rejects an unknown option`);
  }
});

const x23 = (): Tensor => randn(2, 3);
const int = (v: number[]): Tensor => tensor(v, { dtype: "int32" });
/** Leading arguments of each F function; the rest are optional. */
const F_ARGS: Record<string, () => unknown[]> = {
  prelu: () => [x23(), tensor([0.25])], threshold: () => [x23(), 0.1, 0], softmax: () => [x23(), 1], logSoftmax: () => [x23(), 1],
  softmin: () => [x23(), 1], linear: () => [x23(), zeros(2, 3)], bilinear: () => [x23(), randn(2, 4), zeros(5, 3, 4)], layerNorm: () => [x23(), [3]], batchNorm: () => [x23(), null, null],
  embedding: () => [int([0, 1]), zeros(3, 2)], embeddingBag: () => [int([0, 1]), zeros(3, 2), int([0])],
  mseLoss: () => [x23(), x23()], l1Loss: () => [x23(), x23()], huberLoss: () => [x23(), x23()], smoothL1Loss: () => [x23(), x23()],
  binaryCrossEntropy: () => [zeros(2), zeros(2)], binaryCrossEntropyWithLogits: () => [zeros(2), zeros(2)],
  hingeLoss: () => [zeros(2), ones(2)], hingeEmbeddingLoss: () => [zeros(2), ones(2)],
  marginRankingLoss: () => [zeros(2), zeros(2), ones(2)], cosineEmbeddingLoss: () => [zeros(2, 3), zeros(2, 3), ones(2)],
  nllLoss: () => [x23(), int([0, 1])], crossEntropy: () => [x23(), int([0, 1])], multiMarginLoss: () => [x23(), int([0, 1])],
  klDiv: () => [x23(), x23()],
  cosineSimilarity: () => [x23(), x23()], unfold: () => [zeros(1, 1, 4, 4), 2], fold: () => [zeros(1, 4, 9), [4, 4], 2],
  interpolate: () => [zeros(1, 1, 4), 8],
  // Attention: query [2, 3], key/value [4, 3]; trailing optional positionals are given so that the options object comes last.
  dotProductScores: () => [x23(), randn(4, 3)], scaledDotProductScores: () => [x23(), randn(4, 3)], cosineScores: () => [x23(), randn(4, 3)],
  additiveScores: () => [x23(), randn(4, 3), randn(5, 3), randn(5, 3), randn(5)],
  attend: () => [randn(2, 4), randn(4, 3)], causalMask: () => [3, 3, undefined],
  maskToBias: () => ["F.maskToBias", tensor([true, false, true, true], { dtype: "bool" }), [2, 4], "float32"],
  scaledDotProductAttention: () => [x23(), randn(4, 3), randn(4, 3)], linearAttention: () => [x23(), randn(4, 3), randn(4, 3)],
  // Recurrent cells: input [2, 3], hidden size 4.
  rnnTanhCell: () => [x23(), randn(2, 4), randn(4, 3), randn(4, 4), null, null],
  rnnReluCell: () => [x23(), randn(2, 4), randn(4, 3), randn(4, 4), null, null],
  gruCell: () => [x23(), randn(2, 4), randn(12, 3), randn(12, 4), null, null],
  lstmCell: () => [x23(), [randn(2, 4), randn(2, 4)], randn(16, 3), randn(16, 4), null, null, null],
  jordanCell: () => [x23(), randn(2, 5), randn(4, 3), randn(4, 5), null, randn(5, 4), null, "tanh", "identity"],
  fullyRecurrentCell: () => [x23(), randn(2, 4), randn(4, 7), null, "tanh"],
  sigmoidRnnCell: () => [x23(), randn(2, 4), randn(4, 3), randn(4, 4), randn(5, 4), null, null],
  // Convolutions and pooling: [1, 2, 5] / [1, 2, 5, 5] inputs, 2 → 3 channels, 3-wide kernels, 2-wide windows.
  conv1d: () => [randn(1, 2, 5), randn(3, 2, 3)], conv2d: () => [randn(1, 2, 5, 5), randn(3, 2, 3, 3)],
  convTranspose1d: () => [randn(1, 2, 5), randn(2, 3, 3)], convTranspose2d: () => [randn(1, 2, 5, 5), randn(2, 3, 3, 3)],
  maxPool1d: () => [randn(1, 2, 4), 2], maxPool2d: () => [randn(1, 2, 4, 4), 2],
  avgPool1d: () => [randn(1, 2, 4), 2], avgPool2d: () => [randn(1, 2, 4, 4), 2],
  adaptiveAvgPool1d: () => [randn(1, 2, 4), 2], adaptiveAvgPool2d: () => [randn(1, 2, 4, 4), 2], adaptiveMaxPool2d: () => [randn(1, 2, 4, 4), 2],
  maxUnpool2d: () => [...F.maxPool2d(randn(1, 2, 4, 4), 2, { returnIndices: true }), 2],
  groupNorm: () => [randn(2, 4, 3), 2], instanceNorm: () => [randn(2, 3, 4)], upsample: () => [randn(1, 2, 4), 8],
  dropout2d: () => [randn(1, 2, 3, 3)], pad: () => [x23(), [1, 1]],
  pixelShuffle: () => [randn(1, 4, 2, 3), 2], pixelUnshuffle: () => [randn(1, 1, 4, 6), 2],
  glu: () => [randn(2, 4)], dropout3d: () => [randn(1, 2, 2, 2)],
  lpPool1d: () => [randn(1, 2, 4), 2, 2], lpPool2d: () => [randn(1, 2, 4, 4), 2, 2], adaptiveMaxPool1d: () => [randn(1, 2, 4), 2],
  maxUnpool1d: () => [...F.maxPool1d(randn(1, 2, 4), 2, { returnIndices: true }), 2], localResponseNorm: () => [randn(1, 4, 3), 2],
  channelShuffle: () => [randn(1, 4, 3), 2],
  softMarginLoss: () => [x23(), ones(2, 3)], multilabelSoftMarginLoss: () => [x23(), ones(2, 3), null],
  multilabelMarginLoss: () => [x23(), int([0, 1, -1, 2, -1, 0]).reshape(2, 3)], pairwiseDistance: () => [x23(), x23(), 2, 1e-6, false],
  tripletMarginLoss: () => [x23(), x23(), x23(), 1, 2, 1e-6, false], tripletMarginWithDistanceLoss: () => [x23(), x23(), x23()],
  gaussianNllLoss: () => [x23(), x23(), ones(2, 3), false, 1e-6, "mean"], poissonNllLoss: () => [x23(), ones(2, 3), true, false],
  ctcLoss: () => [randn(4, 2, 3).logSoftmax(-1), int([1, 2, 2, 1]).reshape(2, 2), [4, 4], [2, 2], 0, "mean", false],
  // Volumetric: [1, 2, 4, 4, 4] inputs, 2 → 3 channels, 3-wide kernels, 2-wide windows.
  conv3d: () => [randn(1, 2, 4, 4, 4), randn(3, 2, 3, 3, 3)], convTranspose3d: () => [randn(1, 2, 4, 4, 4), randn(2, 3, 3, 3, 3)],
  maxPool3d: () => [randn(1, 2, 4, 4, 4), 2], avgPool3d: () => [randn(1, 2, 4, 4, 4), 2],
  adaptiveAvgPool3d: () => [randn(1, 2, 4, 4, 4), 2], adaptiveMaxPool3d: () => [randn(1, 2, 4, 4, 4), 2],
  maxUnpool3d: () => [...F.maxPool3d(randn(1, 2, 4, 4, 4), 2, { returnIndices: true }), 2],
  fractionalMaxPool2d: () => [randn(1, 2, 5, 5), 2, 3], fractionalMaxPool3d: () => [randn(1, 2, 4, 4, 4), 2, null, 0.5],
  oneHot: () => [int([0, 2]), 3], maxPool1dWithIndices: () => [randn(1, 2, 4), 2, null, 0, 1, false], maxPool2dWithIndices: () => [randn(1, 2, 4, 4), 2],
  maxPool3dWithIndices: () => [randn(1, 2, 4, 4, 4), 2], adaptiveMaxPool1dWithIndices: () => [randn(1, 2, 4), 2],
  adaptiveMaxPool2dWithIndices: () => [randn(1, 2, 4, 4), 2], adaptiveMaxPool3dWithIndices: () => [randn(1, 2, 4, 4, 4), 2],
  affineGrid: () => [randn(1, 2, 3), [1, 1, 2, 2], false], gridSample: () => [randn(1, 1, 3, 3), zeros(1, 2, 2, 2), "bilinear", "zeros", false],
  upsampleNearest: () => [randn(1, 1, 2, 2), 4, null], upsampleBilinear: () => [randn(1, 1, 2, 2), 4, null],
  normalize: () => [x23(), 2, 1, 1e-12], gumbelSoftmax: () => [x23(), 1, false, 1e-10, -1], pdist: () => [x23(), 2],
};

test("every F function rejects an unknown option, naming the function", () => {
  const fns = Object.entries(F).filter(([, v]) => typeof v === "function") as [string, (...a: unknown[]) => unknown][];
  assert.ok(fns.length > 40, `found ${fns.length} functions`);
  for (const [name, fn] of fns) {
    const lead = (F_ARGS[name] ?? (() => [x23()]))();
    assert.doesNotThrow(() => fn(...lead), `F.${name} runs on its required arguments`);
    const shown = ({ swish: "silu", upsample: "interpolate" } as Record<string, string>)[name] ?? name; // aliases report the function they are
    assert.throws(() => fn(...lead, { bogusOption: 1 }), new RegExp(`F\\.${shown}: unknown option 'bogusOption'`), `F.${name} rejects an unknown option`);
  }
});

/** Leading arguments of the top-level torch functions that take options (src/composites/). */
const TOP_ARGS: Record<string, () => unknown[]> = {
  logit: () => [x23(), 0.1], isclose: () => [x23(), x23()], isin: () => [x23(), x23()], round: () => [x23()],
  rot90: () => [x23(), 1, [0, 1]], trilIndices: () => [3, 3, 0], triuIndices: () => [3, 3, 0], meshgrid: () => [zeros(2), zeros(3)],
  combinations: () => [zeros(3), 2, false], repeatInterleave: () => [x23(), 2, 0],
  indexAdd: () => [x23(), 0, int([1]), zeros(1, 3)], scatter: () => [x23(), 0, int([0, 1, 0]).reshape(1, 3), zeros(1, 3)],
  scatterReduce: () => [x23(), 0, int([0, 1, 0]).reshape(1, 3), zeros(1, 3), "sum"], sliceScatter: () => [x23(), zeros(1, 3), 0, 0, 1, 1],
  put: () => [x23(), int([0]), zeros(1), false],
  allclose: () => [x23(), x23(), 1e-5, 1e-8, false], logspace: () => [0, 1, 3, 10], range: () => [0, 3, 1], vander: () => [zeros(3), 2, false],
  bernoulli: () => [zeros(3)], normal: () => [zeros(3), 1], poisson: () => [zeros(3)],
  max: () => [x23(), 1, false], min: () => [x23(), 1, false], argmax: () => [x23(), 1, false], argmin: () => [x23(), null, false], var: () => [x23(), 1, true, false],
  rsub: () => [x23(), 1], hannWindow: () => [5, true], hammingWindow: () => [5, true, 0.54, 0.46], blackmanWindow: () => [5, false],
  bartlettWindow: () => [5, true], kaiserWindow: () => [5, true, 12], histogram: () => [x23(), 3], choleskySolve: () => [ones(2, 1), eye(2), false],
  choleskyInverse: () => [eye(2), false], asTensor: () => [[1, 2]], emptyLike: () => [x23()],
  indexPut: () => [x23(), [int([1])], zeros(3), false], lu: () => [eye(2), true, false], triangularSolve: () => [ones(2, 1), eye(2), true, false, false],
  luUnpack: () => [eye(2), int([1, 2]), true, true], indexReduce: () => [x23(), 0, int([1]), zeros(1, 3), "amax"], gradient: () => [x23()],
};

test("every top-level torch function with options rejects an unknown option, naming the function", async () => {
  const top = (await import("../src/index.js")) as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const [name, lead] of Object.entries(TOP_ARGS)) {
    assert.doesNotThrow(() => top[name]!(...lead()), `${name} runs on its arguments`);
    assert.throws(() => top[name]!(...lead(), { bogusOption: 1 }), new RegExp(`^TypeError: ${name}: unknown option 'bogusOption'`), `${name} rejects an unknown option`);
  }
});
