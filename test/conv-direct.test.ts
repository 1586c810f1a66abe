// The wasm backend's direct convolution (wasm/conv-direct.ts, jobs 20-22: stride 1, dilation 1, no
// columns) against the fused ops' composite references (ops/fused/conv.ts), and against the
// im2col + GEMM jobs it replaces: forward with bias, input gradient and weight gradient, over
// padding (asymmetric, wider than the kernel), groups with an odd count per group, 1x1, 1-D and
// batches split over threads. Each case checks that the direct job ran.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Generator, listBackends, randn, type Tensor } from "../src/index.js";
import { convDirect } from "../src/backend/wasm/conv-direct.js";
import { applyFused, fusedOps } from "../src/ops/fused/table.js";
import { assertClose } from "../src/testing/index.js";
import { on, withoutConvJobs, withThreads } from "./helpers.js";

interface Case { name: string; x: number[]; w: number[]; pad: [number, number, number, number]; groups: number }
const CASES: Case[] = [
  { name: "LeNet conv1 (1 input channel, padding 2)", x: [5, 1, 28, 28], w: [6, 1, 5, 5], pad: [2, 2, 2, 2], groups: 1 },
  { name: "LeNet conv2 (6 → 16, 14x14 → 10x10)", x: [3, 6, 14, 14], w: [16, 6, 5, 5], pad: [0, 0, 0, 0], groups: 1 },
  { name: "3x2 kernel, asymmetric padding, groups 2 of 3 outputs", x: [2, 4, 9, 7], w: [6, 2, 3, 2], pad: [1, 0, 0, 1], groups: 2 },
  { name: "padding wider than the kernel (a full convolution)", x: [2, 3, 5, 6], w: [5, 3, 3, 3], pad: [3, 2, 2, 3], groups: 1 },
  { name: "depthwise 3x3", x: [2, 5, 8, 8], w: [5, 1, 3, 3], pad: [1, 1, 1, 1], groups: 5 },
  { name: "1x1", x: [3, 7, 4, 5], w: [3, 7, 1, 1], pad: [0, 0, 0, 0], groups: 1 },
  { name: "1-D as [N, C, 1, L]", x: [4, 2, 1, 19], w: [3, 2, 1, 4], pad: [0, 0, 2, 1], groups: 1 },
];

const attrsOf = (c: Case) => ({ stride: [1, 1] as const, dilation: [1, 1] as const, pad: c.pad, groups: c.groups });

/** The three ops by the wasm kernels (direct or not, as convDirect says) and by their references. */
function run(c: Case, x: Tensor, w: Tensor, b: Tensor, gy: Tensor, kernel: boolean): Tensor[] {
  const a = attrsOf(c), ops = fusedOps(), k = [c.w[2]!, c.w[3]!] as const;
  const fwd = { ...a, bias: true }, inp = { ...a, size: [c.x[2]!, c.x[3]!] as const }, wgt = { ...a, kernel: k };
  if (!kernel) return [ops.conv2d.reference([x, w, b], fwd)[0]!, ops.conv2dInput.reference([gy, w], inp)[0]!, ops.conv2dWeight.reference([x, gy], wgt)[0]!];
  return [applyFused("conv2d", [x, w, b], fwd)[0]!, applyFused("conv2dInput", [gy, w], inp)[0]!, applyFused("conv2dWeight", [x, gy], wgt)[0]!];
}

describe("direct convolution on wasm", () => {
  test("the wasm backend is there", () => assert.ok(listBackends().includes("wasm")));
  for (const c of CASES)
    for (const threads of [1, 3])
      test(`${c.name}, ${threads} thread${threads > 1 ? "s" : ""}`, () => on("wasm", () => {
        const gen = new Generator(3);
        const x = randn(c.x, { generator: gen }), w = randn(c.w, { generator: gen }), b = randn([c.w[0]!], { generator: gen });
        const y = fusedOps().conv2d.reference([x, w, b], { ...attrsOf(c), bias: true })[0]!;
        const gy = randn(y.shape, { generator: gen });
        withThreads(threads, () => {
          const runs = convDirect.runs;
          const direct = run(c, x, w, b, gy, true);
          assert.equal(convDirect.runs - runs, 3, "every op ran the direct job");
          const gemm = withoutConvJobs({ forward: false, input: false, weight: false }, () => run(c, x, w, b, gy, true));
          assert.equal(convDirect.runs - runs, 3, "switched off, the im2col jobs ran");
          const ref = run(c, x, w, b, gy, false);
          ["forward", "input gradient", "weight gradient"].forEach((what, i) => {
            assertClose(direct[i]!, ref[i]!, { rtol: 1e-4, atol: 1e-4 }, `${what} against the reference`);
            assertClose(direct[i]!, gemm[i]!, { rtol: 1e-5, atol: 1e-5 }, `${what} against im2col + GEMM`);
          });
        });
      }));
});
