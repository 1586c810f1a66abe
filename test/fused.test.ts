// The fused-op table's one generic test: on every backend, every entry's kernel (or the reference,
// where a backend has none) against its composite reference written in primitives: values, input
// gradients through its one rule versus autograd through the reference, and a float64 gradcheck.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backendByName } from "../src/backend/registry.js";
import { Generator, grad, listBackends, tensor, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { applyFused, fusedOps, kernelRuns, type FusedAttrs, type FusedName } from "../src/ops/fused/table.js";

/** A float input uniform in [lo, hi] (requires grad unless `grad` is false), or explicit int32 values. */
interface Spec {
  shape: number[];
  ints?: number[];
  bools?: boolean[];
  /** explicit float values (no gradient) */
  vals?: number[];
  lo?: number;
  hi?: number;
  grad?: boolean;
}
interface Case<K extends FusedName> {
  name: string;
  inputs: Spec[];
  attrs: FusedAttrs<K>;
  /** Why a numerical gradient cannot agree (a gradient cut on purpose); omit to gradcheck. */
  noGradcheck?: string;
}

const f = (shape: number[], lo = -2, hi = 2, grad = true): Spec => ({ shape, lo, hi, grad });
const ints = (shape: number[], values: number[]): Spec => ({ shape, ints: values });
const conv = { stride: [1, 1], dilation: [1, 1], pad: [0, 0, 0, 0], groups: 1 } as const;
const bools = (shape: number[], pattern: (i: number) => boolean): Spec => ({ shape, bools: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => pattern(i)) });
const sdpa = (scale: number, causal: boolean, mask: "none" | "bool" | "float", dropout = 0) => ({ scale, causal, mask, dropout });
const vals = (shape: number[], at: (i: number) => number): Spec => ({ shape, vals: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => at(i)) });
const keep = (shape: number[]): Spec => vals(shape, (i) => ((i * 7) % 5 === 2 ? 0 : 1));
const hyper = { beta1: 0.9, beta2: 0.999, eps: 1e-8, stepSize: 0.01, bc2Sqrt: 0.05, weightDecay: 0, decay: 1 };

// One row per entry at least: the type makes a missing entry a compile error.
const CASES: { [K in FusedName]: Case<K>[] } = {
  linear: [
    { name: "with bias", inputs: [f([4, 5]), f([3, 5]), f([3])], attrs: { activation: "none" } },
    { name: "no bias, 3-D input", inputs: [f([2, 4, 5]), f([3, 5])], attrs: { activation: "none" } },
    { name: "relu", inputs: [f([6, 5]), f([3, 5]), f([3])], attrs: { activation: "relu" } },
    { name: "relu, 10 outputs (SIMD and tail), 3-D input", inputs: [f([2, 9, 7]), f([10, 7]), f([10])], attrs: { activation: "relu" } },
    { name: "relu, no bias", inputs: [f([5, 6]), f([9, 6])], attrs: { activation: "relu" } },
    { name: "tanh", inputs: [f([4, 5]), f([3, 5]), f([3])], attrs: { activation: "tanh" } },
    { name: "sigmoid, 1-D input", inputs: [f([5]), f([3, 5]), f([3])], attrs: { activation: "sigmoid" } },
  ],
  softmax: [
    { name: "last dim", inputs: [f([4, 6], -5, 5)], attrs: { dim: 1 } },
    { name: "middle dim", inputs: [f([2, 3, 4], -5, 5)], attrs: { dim: 1 } },
  ],
  logSoftmax: [
    { name: "last dim", inputs: [f([4, 6], -5, 5)], attrs: { dim: 1 } },
    { name: "first dim", inputs: [f([3, 4], -5, 5)], attrs: { dim: 0 } },
  ],
  crossEntropy: [
    { name: "mean", inputs: [f([5, 4]), ints([5], [0, 3, 1, 1, 2])], attrs: { ignoreIndex: -100, labelSmoothing: 0, reduction: "mean", weighted: false } },
    { name: "mean, 7 classes (SIMD and tail), wide range", inputs: [f([5, 7], -30, 30), ints([5], [0, 6, 1, 4, 2])], attrs: { ignoreIndex: -100, labelSmoothing: 0, reduction: "mean", weighted: false } },
    {
      name: "weights, smoothing, ignoreIndex, mean",
      inputs: [f([5, 4]), ints([5], [0, 3, -1, 1, 2]), f([4], 0.2, 2, false)],
      attrs: { ignoreIndex: -1, labelSmoothing: 0.1, reduction: "mean", weighted: true },
    },
    { name: "sum, smoothing", inputs: [f([3, 4]), ints([3], [2, 0, 3])], attrs: { ignoreIndex: -100, labelSmoothing: 0.2, reduction: "sum", weighted: false } },
    { name: "none, weights", inputs: [f([3, 4]), ints([3], [2, 0, 3]), f([4], 0.2, 2, false)], attrs: { ignoreIndex: -100, labelSmoothing: 0, reduction: "none", weighted: true } },
    // unweighted rows of 9 classes (wasm: SIMD rows with a scalar tail, jobs 44/45)
    { name: "9 classes, smoothing, ignoreIndex, mean", inputs: [f([6, 9], -6, 6), ints([6], [8, 0, -1, 4, 8, 3])], attrs: { ignoreIndex: -1, labelSmoothing: 0.1, reduction: "mean", weighted: false } },
    { name: "9 classes, none", inputs: [f([4, 9], -6, 6), ints([4], [8, 0, 4, 7])], attrs: { ignoreIndex: -100, labelSmoothing: 0, reduction: "none", weighted: false } },
  ],
  crossEntropyBackward: [
    { name: "mean", inputs: [f([]), f([5, 4], -4, 4), ints([5], [0, 3, 1, 1, 2])], attrs: { ignoreIndex: -100, labelSmoothing: 0, reduction: "mean", weighted: false } },
    { name: "mean, 7 classes (SIMD and tail), wide range", inputs: [f([]), f([5, 7], -30, 30), ints([5], [0, 6, 1, 4, 2])], attrs: { ignoreIndex: -100, labelSmoothing: 0, reduction: "mean", weighted: false } },
    {
      name: "weights, smoothing, ignoreIndex, mean",
      inputs: [f([]), f([5, 4], -4, 4), ints([5], [0, 3, -1, 1, 2]), f([4], 0.2, 2, false)],
      attrs: { ignoreIndex: -1, labelSmoothing: 0.1, reduction: "mean", weighted: true },
    },
    { name: "sum, smoothing", inputs: [f([]), f([3, 4]), ints([3], [2, 0, 3])], attrs: { ignoreIndex: -100, labelSmoothing: 0.2, reduction: "sum", weighted: false } },
    { name: "none, weights, ignoreIndex", inputs: [f([3]), f([3, 4]), ints([3], [2, -100, 3]), f([4], 0.2, 2, false)], attrs: { ignoreIndex: -100, labelSmoothing: 0, reduction: "none", weighted: true } },
    { name: "9 classes, smoothing, ignoreIndex, mean", inputs: [f([]), f([6, 9], -6, 6), ints([6], [8, 0, -1, 4, 8, 3])], attrs: { ignoreIndex: -1, labelSmoothing: 0.1, reduction: "mean", weighted: false } },
    { name: "9 classes, none, ignoreIndex", inputs: [f([4]), f([4, 9], -6, 6), ints([4], [8, -100, 4, 7])], attrs: { ignoreIndex: -100, labelSmoothing: 0, reduction: "none", weighted: false } },
  ],
  layerNorm: [
    { name: "weight and bias", inputs: [f([4, 6]), f([6]), f([6])], attrs: { k: 1, eps: 1e-5, weight: true, bias: true } },
    { name: "two dims, no affine", inputs: [f([2, 3, 4])], attrs: { k: 2, eps: 1e-5, weight: false, bias: false } },
    { name: "bias only", inputs: [f([3, 5]), f([5])], attrs: { k: 1, eps: 1e-3, weight: false, bias: true } },
    { name: "rows of 21 (SIMD pairs, a group of 4, a tail)", inputs: [f([3, 21]), f([21]), f([21])], attrs: { k: 1, eps: 1e-5, weight: true, bias: true } },
  ],
  adamStep: [
    { name: "Adam", inputs: [f([7, 3], -2, 2, false), f([7, 3], -2, 2, false), f([7, 3], -1, 1, false), f([7, 3], 0, 1, false)], attrs: hyper },
    { name: "AdamW", inputs: [f([9], -2, 2, false), f([9], -2, 2, false), f([9], -1, 1, false), f([9], 0, 1, false)], attrs: { ...hyper, decay: 0.999 } },
    { name: "L2 decay", inputs: [f([9], -2, 2, false), f([9], -2, 2, false), f([9], -1, 1, false), f([9], 0, 1, false)], attrs: { ...hyper, weightDecay: 0.1 } },
    { name: "m and v in place", inputs: [f([4, 5], -2, 2, false), f([4, 5], -2, 2, false), f([4, 5], -1, 1, false), f([4, 5], 0, 1, false)], attrs: { ...hyper, inPlace: true } },
  ],
  split: [
    { name: "sections along dim 1", inputs: [f([3, 6])], attrs: { dim: 1, sizes: [1, 3, 2] } },
    { name: "equal parts along dim 0", inputs: [f([4, 2])], attrs: { dim: 0, sizes: [2, 2] } },
  ],
  tanhBackward: [{ name: "g·(1 − y²)", inputs: [f([4, 5]), f([4, 5], -0.99, 0.99)], attrs: null }],
  sigmoidBackward: [{ name: "g·y·(1 − y)", inputs: [f([4, 5]), f([4, 5], 0.01, 0.99)], attrs: null }],
  embedding: [
    { name: "rows", inputs: [f([5, 3]), ints([4], [1, 0, 4, 1])], attrs: { paddingIdx: -1 } },
    {
      name: "padding row gets no gradient", inputs: [f([5, 3]), ints([5], [1, 0, 4, 1, 2])], attrs: { paddingIdx: 1 },
      noGradcheck: "the padding row's gradient is cut on purpose (torch.nn.functional.embedding's padding_idx)",
    },
  ],
  embeddingBackward: [
    { name: "repeated rows add up", inputs: [f([4, 3]), ints([4], [1, 0, 4, 1])], attrs: { n: 5, paddingIdx: -1 } },
    { name: "padding row stays zero", inputs: [f([4, 3]), ints([4], [1, 0, 4, 1])], attrs: { n: 5, paddingIdx: 0 } },
  ],
  conv2d: [
    { name: "bias, padding 1", inputs: [f([2, 3, 5, 6]), f([4, 3, 3, 3]), f([4])], attrs: { ...conv, pad: [1, 1, 1, 1], bias: true } },
    { name: "groups 2, the forward's columns kept for the weight gradient", inputs: [f([2, 4, 5, 5]), f([6, 2, 3, 2]), f([6])], attrs: { ...conv, pad: [1, 0, 0, 1], groups: 2, bias: true, keep: true } },
    { name: "stride 2, dilation (2, 1), asymmetric padding", inputs: [f([2, 2, 7, 6]), f([3, 2, 2, 3])], attrs: { ...conv, stride: [2, 2], dilation: [2, 1], pad: [0, 1, 2, 0], bias: false } },
    { name: "groups 2", inputs: [f([1, 4, 5, 5]), f([6, 2, 3, 2]), f([6])], attrs: { ...conv, groups: 2, bias: true } },
    { name: "depthwise, stride (1, 2)", inputs: [f([2, 3, 6, 7]), f([3, 1, 3, 3])], attrs: { ...conv, stride: [1, 2], pad: [1, 1, 1, 1], groups: 3, bias: false } },
    { name: "1-D as [N, C, 1, L]", inputs: [f([2, 2, 1, 9]), f([3, 2, 1, 4]), f([3])], attrs: { ...conv, stride: [1, 2], pad: [0, 0, 2, 1], bias: true } },
  ],
  conv2dInput: [
    { name: "padding 1", inputs: [f([2, 4, 5, 6]), f([4, 3, 3, 3])], attrs: { ...conv, pad: [1, 1, 1, 1], size: [5, 6] } },
    { name: "stride 2, dilation, groups 2", inputs: [f([2, 4, 3, 3]), f([4, 1, 2, 3])], attrs: { ...conv, stride: [2, 2], dilation: [1, 2], groups: 2, size: [6, 9] } },
    { name: "fewer windows than the size allows (outputPadding)", inputs: [f([1, 2, 3, 3]), f([2, 3, 3, 3])], attrs: { ...conv, stride: [2, 3], dilation: [3, 2], size: [13, 13] } },
  ],
  conv2dWeight: [
    { name: "padding 1", inputs: [f([2, 3, 5, 6]), f([2, 4, 5, 6])], attrs: { ...conv, pad: [1, 1, 1, 1], kernel: [3, 3] } },
    { name: "stride 2, dilation, groups 3", inputs: [f([2, 3, 7, 6]), f([2, 6, 3, 2])], attrs: { ...conv, stride: [2, 2], dilation: [1, 2], groups: 3, kernel: [2, 2] } },
  ],
  maxPool2d: [
    { name: "2x2, stride 2", inputs: [f([2, 3, 4, 6])], attrs: { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], pad: [0, 0], out: [2, 3] } },
    { name: "3x2, stride (2, 1), padding, dilation, ceil-mode overhang", inputs: [f([1, 2, 7, 5])], attrs: { kernel: [3, 2], stride: [2, 1], dilation: [1, 2], pad: [1, 1], out: [4, 5] } },
  ],
  maxPool2dBackward: [
    { name: "repeated positions add up", inputs: [f([1, 2, 2, 2]), ints([1, 2, 2, 2], [0, 5, 5, 8, 1, 1, 7, 3])], attrs: { size: [3, 3] } },
  ],
  relu: [{ name: "max(x, 0)", inputs: [f([5, 7])], attrs: null }],
  reluBackward: [{ name: "g where y > 0", inputs: [f([5, 7]), f([5, 7], -1, 1, false)], attrs: null }],
  scaledDotProductAttention: [
    { name: "no mask, [N, H, L, E]", inputs: [f([2, 2, 3, 4]), f([2, 2, 5, 4]), f([2, 2, 5, 3])], attrs: sdpa(0.5, false, "none") },
    { name: "causal, L = S", inputs: [f([2, 4, 3]), f([2, 4, 3]), f([2, 4, 2])], attrs: sdpa(0.6, true, "none") },
    { name: "causal, L < S", inputs: [f([3, 4]), f([5, 4]), f([5, 2])], attrs: sdpa(0.5, true, "none") },
    { name: "bool mask [L, S] broadcast", inputs: [f([2, 3, 4]), f([2, 5, 4]), f([2, 5, 3]), bools([3, 5], (i) => i % 5 !== 1 && i % 7 !== 3)], attrs: sdpa(0.5, false, "bool") },
    { name: "float mask [N, 1, 1, S] (key padding), gradient to the mask", inputs: [f([2, 2, 3, 4]), f([2, 2, 4, 4]), f([2, 2, 4, 3]), f([2, 1, 1, 4], -3, 1)], attrs: sdpa(0.5, false, "float") },
    { name: "float mask, full shape, causal too", inputs: [f([2, 3, 4]), f([2, 3, 4]), f([2, 3, 2]), f([2, 3, 3], -1, 1)], attrs: sdpa(0.7, true, "float") },
    { name: "key and value broadcast over the batch", inputs: [f([2, 3, 4]), f([4, 4]), f([4, 2])], attrs: sdpa(0.5, false, "none") },
    { name: "causal, E 20, Ev 36 (whole SIMD blocks)", inputs: [f([2, 9, 20]), f([2, 9, 20]), f([2, 9, 36])], attrs: sdpa(0.3, true, "none") },
    { name: "float mask −∞ above the diagonal (runs as causal)", inputs: [f([2, 6, 8]), f([2, 6, 8]), f([2, 6, 5]), vals([6, 6], (i) => (i % 6 > Math.floor(i / 6) ? -Infinity : (i % 3) / 4))], attrs: sdpa(0.4, false, "float") },
    { name: "dropout, bool mask", inputs: [f([2, 2, 3, 4]), f([2, 2, 5, 4]), f([2, 2, 5, 3]), bools([3, 5], (i) => i % 5 !== 1), keep([2, 2, 3, 5])], attrs: sdpa(0.5, false, "bool", 0.25) },
    { name: "dropout, causal, E 8", inputs: [f([2, 6, 8]), f([2, 6, 8]), f([2, 6, 8]), keep([2, 6, 6])], attrs: sdpa(0.4, true, "none", 0.5) },
    { name: "generateSquareSubsequentMask (0 on and below the diagonal: causal, the mask is not added)", inputs: [f([2, 6, 8]), f([2, 6, 8]), f([2, 6, 5]), vals([6, 6], (i) => (i % 6 > Math.floor(i / 6) ? -Infinity : 0))], attrs: sdpa(0.4, false, "float") },
    // wasm: query rows run in blocks of 8 (a partial last block; S not a multiple of 4 or 8)
    { name: "L 19 > S 13 in 8-row blocks, float mask, dropout", inputs: [f([2, 19, 6]), f([2, 13, 6]), f([2, 13, 5]), f([19, 13], -1, 1), keep([2, 19, 13])], attrs: sdpa(0.5, false, "float", 0.3) },
    { name: "causal L = S = 21 in 8-row blocks, E 12, Ev 9, dropout", inputs: [f([1, 21, 12]), f([1, 21, 12]), f([1, 21, 9]), keep([1, 21, 21])], attrs: sdpa(0.4, true, "none", 0.2) },
    { name: "bool mask, L 10, S 17", inputs: [f([2, 10, 4]), f([2, 17, 4]), f([2, 17, 8]), bools([10, 17], (i) => i % 4 !== 1)], attrs: sdpa(0.5, false, "bool") },
  ],
  rnn: [
    { name: "LSTM", inputs: [f([4, 3, 5], -1, 1), f([3, 6], -1, 1), f([3, 6], -1, 1), f([24, 5], -0.5, 0.5), f([24, 6], -0.5, 0.5), f([24], -0.5, 0.5), f([24], -0.5, 0.5)], attrs: { mode: "LSTM", reverse: false, bias: true } },
    { name: "LSTM reversed, no bias", inputs: [f([3, 2, 4], -1, 1), f([2, 5], -1, 1), f([2, 5], -1, 1), f([20, 4], -0.5, 0.5), f([20, 5], -0.5, 0.5)], attrs: { mode: "LSTM", reverse: true, bias: false } },
    { name: "LSTM, H = 8 (wasm: the SIMD step kernels)", inputs: [f([5, 3, 4], -1, 1), f([3, 8], -1, 1), f([3, 8], -1, 1), f([32, 4], -0.5, 0.5), f([32, 8], -0.5, 0.5), f([32], -0.5, 0.5), f([32], -0.5, 0.5)], attrs: { mode: "LSTM", reverse: false, bias: true } },
    { name: "LSTM, H = 4, reversed, no bias (SIMD)", inputs: [f([4, 2, 3], -1, 1), f([2, 4], -1, 1), f([2, 4], -1, 1), f([16, 3], -0.5, 0.5), f([16, 4], -0.5, 0.5)], attrs: { mode: "LSTM", reverse: true, bias: false } },
    { name: "GRU", inputs: [f([4, 3, 5], -1, 1), f([3, 6], -1, 1), f([18, 5], -0.5, 0.5), f([18, 6], -0.5, 0.5), f([18], -0.5, 0.5), f([18], -0.5, 0.5)], attrs: { mode: "GRU", reverse: false, bias: true } },
    { name: "GRU reversed", inputs: [f([3, 2, 4], -1, 1), f([2, 5], -1, 1), f([15, 4], -0.5, 0.5), f([15, 5], -0.5, 0.5), f([15], -0.5, 0.5), f([15], -0.5, 0.5)], attrs: { mode: "GRU", reverse: true, bias: true } },
    { name: "GRU, H = 8 (wasm: the sequence kernels)", inputs: [f([5, 3, 4], -1, 1), f([3, 8], -1, 1), f([24, 4], -0.5, 0.5), f([24, 8], -0.5, 0.5), f([24], -0.5, 0.5), f([24], -0.5, 0.5)], attrs: { mode: "GRU", reverse: false, bias: true } },
    { name: "GRU, H = 4, reversed, no bias (sequence kernels)", inputs: [f([4, 5, 3], -1, 1), f([5, 4], -1, 1), f([12, 3], -0.5, 0.5), f([12, 4], -0.5, 0.5)], attrs: { mode: "GRU", reverse: true, bias: false } },
    { name: "Elman tanh, H = 8 (sequence kernels)", inputs: [f([5, 3, 4], -1, 1), f([3, 8], -1, 1), f([8, 4], -0.5, 0.5), f([8, 8], -0.5, 0.5), f([8], -0.5, 0.5), f([8], -0.5, 0.5)], attrs: { mode: "RNN_TANH", reverse: false, bias: true } },
    { name: "Elman relu, H = 4, reversed (sequence kernels)", inputs: [f([4, 5, 3], -1, 1), f([5, 4], -1, 1), f([4, 3], -0.5, 0.5), f([4, 4], -0.5, 0.5), f([4], -0.5, 0.5), f([4], -0.5, 0.5)], attrs: { mode: "RNN_RELU", reverse: true, bias: true } },
    { name: "Elman tanh", inputs: [f([5, 3, 4], -1, 1), f([3, 6], -1, 1), f([6, 4], -0.5, 0.5), f([6, 6], -0.5, 0.5), f([6], -0.5, 0.5), f([6], -0.5, 0.5)], attrs: { mode: "RNN_TANH", reverse: false, bias: true } },
    { name: "Elman relu reversed", inputs: [f([4, 2, 3], -1, 1), f([2, 5], -1, 1), f([5, 3], -0.5, 0.5), f([5, 5], -0.5, 0.5)], attrs: { mode: "RNN_RELU", reverse: true, bias: false } },
  ],
  unbind: [
    { name: "dim 0", inputs: [f([3, 4])], attrs: { dim: 0 } },
    { name: "dim 1", inputs: [f([2, 3, 2])], attrs: { dim: 1 } },
  ],
};

function make(specs: Spec[], device: string, dtype: "float32" | "float64", seed: number): Tensor[] {
  const gen = new Generator(seed);
  return specs.map((s) => {
    if (s.bools) return tensor(s.bools, { shape: s.shape, dtype: "bool", device });
    if (s.vals) return tensor(Float64Array.from(s.vals), { shape: s.shape, dtype, device });
    if (s.ints) return tensor(Int32Array.from(s.ints), { shape: s.shape, dtype: "int32", device });
    const n = s.shape.reduce((a, b) => a * b, 1);
    const data = Float64Array.from({ length: n }, () => s.lo! + (s.hi! - s.lo!) * gen.random());
    return tensor(data, { shape: s.shape, dtype, device, requiresGrad: s.grad !== false });
  });
}

function close(what: string, got: Tensor, want: Tensor, atol: number, rtol: number): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const a = got.dataSync(), b = want.dataSync();
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i]! - b[i]!) <= atol + rtol * Math.abs(b[i]!) || (Number.isNaN(a[i]) && Number.isNaN(b[i])), `${what}: element ${i}: ${a[i]} vs ${b[i]}`);
}

for (const device of listBackends()) {
  describe(`fused ops on ${device}`, () => {
    const ops = fusedOps();
    for (const name of Object.keys(CASES) as FusedName[]) {
      const def = ops[name];
      for (const c of CASES[name] as Case<typeof name>[]) {
        it(`${device} › ${name} › ${c.name}: kernel equals the reference (values and gradients)`, () => {
          const kernel = def.kernels?.[device];
          const before = kernelRuns.get(kernel) ?? 0;
          const xs = make(c.inputs, device, "float32", 7);
          const outs = applyFused(name, xs, c.attrs);
          if (kernel) assert.ok((kernelRuns.get(kernel) ?? 0) > before, `the ${device} kernel of ${name} did not run`);
          const refXs = make(c.inputs, device, "float32", 7);
          const refs = (def.reference as (xs: Tensor[], a: unknown) => Tensor[])(refXs, c.attrs);
          assert.equal(outs.length, refs.length);
          outs.forEach((o, i) => close(`output ${i}`, o, refs[i]!, 1e-5, 1e-4));
          if (!def.backward) return;
          // a random linear functional of every float output, differentiated both ways
          const loss = (ys: Tensor[], gen = new Generator(11)): Tensor =>
            ys.filter((y) => y.isFloatingPoint()).map((y) => y.mul(tensor(Float64Array.from({ length: y.numel }, () => gen.normal()), { shape: y.shape, device })).sum()).reduce((a, b) => a.add(b));
          const wanted = (ts: Tensor[]): Tensor[] => ts.filter((t) => t.requiresGrad);
          const gk = grad(loss(outs), wanted(xs), { allowUnused: true });
          const gr = grad(loss(refs), wanted(refXs), { allowUnused: true });
          gk.forEach((g, i) => close(`grad of input ${i}`, g!, gr[i]!, 1e-4, 1e-3));
        });
        if (def.backward && !c.noGradcheck && backendByName(device).supportsFloat64)
          it(`${device} › ${name} › ${c.name}: float64 gradcheck`, () => {
            const xs = make(c.inputs, device, "float64", 3);
            assert.ok(gradcheck((...ts: Tensor[]) => applyFused(name, ts, c.attrs), xs));
          });
      }
    }
  });
}

describe("fused-op table", () => {
  it("lists every entry with a reference, and a rule or an explicit null", () => {
    for (const [name, def] of Object.entries(fusedOps())) {
      assert.equal(typeof def.reference, "function", name);
      assert.ok(def.backward === null || typeof def.backward === "function", name);
    }
  });
});
