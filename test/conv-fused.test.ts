// The fused convolution (ops/fused/conv.ts, behind F.conv1d/conv2d/convTranspose1d/2d) against the
// window-selection composite it replaced (nn/functional/conv.ts convWindows), an independent
// oracle: values and gradients of input, weight and bias on every backend, over strides, padding,
// dilation, groups and batches large enough to run in chunks.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Generator, grad, listBackends, randn, type Tensor } from "../src/index.js";
import { convNd, convTransposeNd } from "../src/nn/functional/conv.js";
import { MAX_COLUMNS } from "../src/ops/fused/conv.js";
import { kernelRuns, fusedOps } from "../src/ops/fused/table.js";
import { assertClose } from "../src/testing/index.js";
import { on } from "./helpers.js";

interface Case { name: string; x: number[]; w: number[]; stride: number[]; pads: [number, number][]; dilation: number[]; groups: number; bias: boolean }
const CASES: Case[] = [
  { name: "LeNet conv1", x: [4, 1, 28, 28], w: [6, 1, 5, 5], stride: [1, 1], pads: [[2, 2], [2, 2]], dilation: [1, 1], groups: 1, bias: true },
  { name: "stride 2, dilation 2, asymmetric 'same'-like padding", x: [2, 4, 9, 8], w: [6, 4, 2, 3], stride: [2, 1], pads: [[0, 1], [1, 1]], dilation: [2, 2], groups: 1, bias: true },
  { name: "depthwise", x: [3, 5, 7, 7], w: [5, 1, 3, 3], stride: [1, 1], pads: [[1, 1], [1, 1]], dilation: [1, 1], groups: 5, bias: false },
  { name: "1x1, groups 2", x: [2, 4, 5, 6], w: [8, 2, 1, 1], stride: [1, 1], pads: [[0, 0], [0, 0]], dilation: [1, 1], groups: 2, bias: true },
  { name: "1-D, stride 3", x: [3, 2, 17], w: [4, 2, 4], stride: [3], pads: [[2, 1]], dilation: [2], groups: 1, bias: true },
];

function inputs(c: Case, device: string): Tensor[] {
  const gen = new Generator(5);
  const o = c.w[0]!;
  return [randn(c.x, { generator: gen, device, requiresGrad: true }), randn(c.w, { generator: gen, device, requiresGrad: true }), randn([o], { generator: gen, device, requiresGrad: true })];
}

function compare(what: string, f: (xs: Tensor[], composite: boolean) => Tensor, xs: Tensor[], ys: Tensor[], g: Tensor): void {
  const a = f(xs, false), b = f(ys, true);
  assertClose(a, b, { rtol: 1e-4, atol: 1e-4 }, `${what} forward`);
  const ga = grad(a.mul(g).sum(), xs, { allowUnused: true }), gb = grad(b.mul(g).sum(), ys, { allowUnused: true });
  ga.forEach((t, i) => {
    assert.equal(t === null, gb[i] === null, `${what}: input ${i} used by one form only`);
    if (t) assertClose(t, gb[i]!, { rtol: 1e-3, atol: 1e-3 }, `${what} gradient of input ${i}`);
  });
}

for (const device of listBackends())
  describe(`fused convolution equals the window-selection composite on ${device}`, () => {
    for (const c of CASES) {
      test(`${device} › conv › ${c.name}`, () => on(device, () => {
        const before = kernelRuns.get(fusedOps().conv2d.kernels![device]) ?? 0;
        const run = ([x, w, b]: Tensor[], composite: boolean): Tensor =>
          convNd("test", x!, w!, c.bias ? b! : null, c.stride, c.dilation, c.groups, c.pads, composite);
        const xs = inputs(c, device);
        const out = run(xs, true);
        compare(c.name, run, xs, inputs(c, device), randn(out.shape, { generator: new Generator(9), device }));
        assert.ok((kernelRuns.get(fusedOps().conv2d.kernels![device]) ?? 0) > before, "the fused kernel ran");
      }));
      test(`${device} › convTranspose › ${c.name}`, () => on(device, () => {
        // the weight [C_in, C_out/groups, k...] of a transposed convolution from c's [O, C/groups, k...]
        const op = c.stride.map((s, j) => Math.min(s, c.dilation[j]!) - 1);
        const run = ([x, w, b]: Tensor[], composite: boolean): Tensor =>
          convTransposeNd("test", x!.narrow(1, 0, c.w[0]!), w!, c.bias ? b!.narrow(0, 0, c.w[1]! * c.groups) : null, c.stride, c.pads.map(([p]) => p), op, c.dilation, c.groups, composite);
        const mk = (): Tensor[] => {
          const gen = new Generator(6);
          return [randn([c.x[0]!, c.w[0]!, ...c.x.slice(2).map((v) => Math.max(2, v - 3))], { generator: gen, device, requiresGrad: true }),
            randn(c.w, { generator: gen, device, requiresGrad: true }), randn([c.w[1]! * c.groups], { generator: gen, device, requiresGrad: true })];
        };
        const xs = mk();
        const out = run(xs, true);
        compare(`${c.name} transposed`, run, xs, mk(), randn(out.shape, { generator: new Generator(9), device }));
      }));
    }
    test(`${device} › a batch larger than one column buffer runs in chunks`, () => on(device, () => {
      const n = Math.ceil(MAX_COLUMNS / (3 * 9 * 30 * 30)) + 1;
      const c: Case = { name: "chunks", x: [n, 3, 30, 30], w: [2, 3, 3, 3], stride: [1, 1], pads: [[1, 1], [1, 1]], dilation: [1, 1], groups: 1, bias: true };
      const run = ([x, w, b]: Tensor[], composite: boolean): Tensor => convNd("test", x!, w!, b!, c.stride, c.dilation, 1, c.pads, composite);
      compare("chunks", run, inputs(c, device), inputs(c, device), randn([n, 2, 30, 30], { generator: new Generator(9), device }));
    }));
  });
