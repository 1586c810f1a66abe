// The wasm backend's channel-vectorized convolution (wasm/conv-channels.ts, jobs 27 and 57: 16
// output channels per step) against the fused ops' references and the direct and im2col jobs, and
// conv + bias + ReLU as one op (the `relu` attribute of conv2d; nn.Sequential's Conv2d → ReLU):
// the bits of the convolution followed by the ReLU op, on every backend and every wasm job.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Generator, listBackends, manualSeed, nn, randn, type Tensor } from "../src/index.js";
import { convDirect } from "../src/backend/wasm/conv-direct.js";
import { applyFused, fusedOps } from "../src/ops/fused/table.js";
import { biasOf } from "../src/ops/fused/conv.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { assertBits, on, runSequential, withoutConvJobs, withThreads } from "./helpers.js";

interface Case { name: string; x: number[]; w: number[]; pad: [number, number, number, number] }
const CASES: Case[] = [
  { name: "LeNet conv2 (6 → 16, 14x14 → 10x10)", x: [3, 6, 14, 14], w: [16, 6, 5, 5], pad: [0, 0, 0, 0] },
  { name: "32 outputs, 3x3, padding 1, odd width 7", x: [2, 5, 9, 7], w: [32, 5, 3, 3], pad: [1, 1, 1, 1] },
  { name: "5x2 kernel, asymmetric padding, one output column", x: [3, 3, 6, 2], w: [16, 3, 5, 2], pad: [2, 1, 0, 0] },
];

const attrsOf = (c: Case) => ({ stride: [1, 1] as const, dilation: [1, 1] as const, pad: c.pad, groups: 1 });

describe("channel-vectorized convolution on wasm", () => {
  for (const c of CASES)
    for (const threads of [1, 3])
      test(`${c.name}, ${threads} thread${threads > 1 ? "s" : ""}`, () => on("wasm", () => {
        const gen = new Generator(5);
        const x = randn(c.x, { generator: gen }), w = randn(c.w, { generator: gen }), b = randn([c.w[0]!], { generator: gen });
        const a = attrsOf(c), fwd = { ...a, bias: true }, wgt = { ...a, kernel: [c.w[2]!, c.w[3]!] as const };
        const gy = randn(fusedOps().conv2d.reference([x, w, b], fwd)[0]!.shape, { generator: gen });
        withThreads(threads, () => {
          const ops = (): Tensor[] => [applyFused("conv2d", [x, w, b], fwd)[0]!, applyFused("conv2dWeight", [x, gy], wgt)[0]!];
          const runs = convDirect.channelRuns;
          const channels = ops();
          assert.equal(convDirect.channelRuns - runs, 2, "both ops ran the channel-vectorized jobs");
          const direct = withoutConvJobs({ channels: false }, ops), gemm = withoutConvJobs({ channels: false, forward: false, weight: false }, ops);
          assert.equal(convDirect.channelRuns - runs, 2, "switched off, they did not run");
          const ref = [fusedOps().conv2d.reference([x, w, b], fwd)[0]!, fusedOps().conv2dWeight.reference([x, gy], wgt)[0]!];
          ["forward", "weight gradient"].forEach((what, i) => {
            assertClose(channels[i]!, ref[i]!, { rtol: 1e-4, atol: 1e-4 }, `${what} against the reference`);
            assertClose(channels[i]!, direct[i]!, { rtol: 1e-5, atol: 1e-5 }, `${what} against the direct job`);
            assertClose(channels[i]!, gemm[i]!, { rtol: 1e-5, atol: 1e-5 }, `${what} against im2col + GEMM`);
          });
        });
      }));
});

describe("the bias gradient from the weight gradient's wasm jobs", () => {
  const JOBS: [string, number[], number[], Partial<typeof convDirect>][] = [
    ["job 22 (direct, 6 outputs)", [5, 1, 12, 12], [6, 1, 5, 5], {}],
    ["job 57 (channels, 16 outputs)", [5, 6, 9, 9], [16, 6, 5, 5], {}],
    ["job 50 (im2col)", [5, 6, 9, 9], [16, 6, 5, 5], { weight: false }],
  ];
  for (const [name, xs, ws, off] of JOBS)
    for (const threads of [1, 3])
      test(`${name}, ${threads} thread${threads > 1 ? "s" : ""}: Σ gy over samples and positions`, () => on("wasm", () => withoutConvJobs(off, () => {
        const gen = new Generator(9);
        const x = randn(xs, { generator: gen }), gy = randn([xs[0]!, ws[0]!, xs[2]! - 4, xs[3]! - 4], { generator: gen });
        withThreads(threads, () => {
          const a = { stride: [1, 1] as const, dilation: [1, 1] as const, pad: [0, 0, 0, 0] as const, groups: 1, kernel: [5, 5] as const, bias: true };
          const [gw] = applyFused("conv2dWeight", [x, gy], a);
          assertClose(biasOf.get(gw!)!, gy.sum([0, 2, 3]), { rtol: 1e-5, atol: 1e-5 });
        });
      })));
});

describe("conv2d with its ReLU as one op", () => {
  // 16 outputs take job 27 on wasm, 6 outputs job 20; with the direct jobs off, job 28 (im2col + GEMM)
  const LAYERS = [[6, 16, 5, 0], [1, 6, 5, 2]] as const;
  const PATHS: [string, Partial<typeof convDirect>][] = [["the direct jobs", {}], ["im2col + GEMM", { forward: false, channels: false }]];
  for (const device of listBackends())
    for (const [path, off] of device === "wasm" ? PATHS : PATHS.slice(0, 1))
      test(`Sequential Conv2d → ReLU gives the bits of the two modules on ${device}, ${path}`, () => withoutConvJobs(off, () => {
        for (const [cin, cout, k, pad] of LAYERS) {
          manualSeed(7);
          const model = new nn.Sequential(new nn.Conv2d(cin, cout, k, { padding: pad }), new nn.ReLU()).to(device);
          const x0 = randn([3, cin, 14, 14], { device });
          const run = (fused: boolean): Tensor[] => runSequential(model, x0, fused, (y) => randn(y.shape, { generator: new Generator(2), device }));
          const f = run(true), u = run(false);
          ["output", "input gradient", "weight gradient", "bias gradient"].forEach((what, i) => assertBits(`${cin}→${cout} ${what}`, f[i]!, u[i]!));
        }
      }));

  test("gradcheck of conv2d with the ReLU attribute (float64, cpu)", () => on("cpu", () => {
    const gen = new Generator(11);
    const x = randn([2, 2, 5, 4], { generator: gen, dtype: "float64", requiresGrad: true });
    const w = randn([3, 2, 3, 2], { generator: gen, dtype: "float64", requiresGrad: true });
    const b = randn([3], { generator: gen, dtype: "float64", requiresGrad: true });
    const a = { stride: [1, 1] as const, dilation: [1, 1] as const, pad: [1, 0, 1, 0] as const, groups: 1, bias: true, relu: true };
    assert.ok(gradcheck((xi, wi, bi) => applyFused("conv2d", [xi, wi, bi], a)[0]!, [x, w, b]));
  }));
});
