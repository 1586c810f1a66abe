// Max pooling with its ReLU as one op (nn.Sequential's ReLU → MaxPool2d runs MaxPool2d.forwardRelu:
// max and ReLU commute, so the ReLU and its gradient's mask run on the pooled values) must give the
// bits of the modules one by one, and the wasm pool backward's one-pass path for 2x2 windows at
// stride 2 (wasm/conv.ts) must match the reference scatter, falling back where an index lies
// outside its window.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { listBackends, manualSeed, nn, randn, tensor, type Tensor } from "../src/index.js";
import { applyFused, fusedOps } from "../src/ops/fused/table.js";
import { pooledOf } from "../src/ops/fused/conv.js";
import { assertClose } from "../src/testing/index.js";
import { assertBits, on, runSequential } from "./helpers.js";

/** Values rounded to halves, so windows hold ties, exact zeros and all-negative windows; one NaN. */
function rough(shape: number[], device: string): Tensor {
  const d = randn(shape).dataSync().map((v) => Math.round(v * 2) / 2);
  d[7] = NaN;
  return tensor(d, { shape, device });
}

describe("ReLU → MaxPool2d as one op", () => {
  const POOLS: [string, () => nn.MaxPool2d, number][] = [
    ["2x2 on an odd size", () => new nn.MaxPool2d(2), 9],
    ["2x2 on an even size (the convolution's job pools)", () => new nn.MaxPool2d(2), 10],
    ["3x3 stride 2 padding 1 (overlapping)", () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }), 9],
    ["2x2 ceil mode on an odd size", () => new nn.MaxPool2d(2, { ceilMode: true }), 9],
  ];
  for (const device of listBackends())
    for (const [name, pool, h] of POOLS)
      test(`Sequential Conv2d → ReLU → MaxPool2d ${name} gives the bits of the three modules on ${device}`, () => {
        manualSeed(4);
        const model = new nn.Sequential(new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.ReLU(), pool()).to(device);
        const x0 = rough([2, 2, h, 12], device);
        const w = randn(model.forward(x0).shape, { device });
        const run = (fused: boolean): Tensor[] => runSequential(model, x0, fused, () => w);
        const f = run(true), u = run(false);
        ["output", "input gradient", "weight gradient", "bias gradient"].forEach((what, i) => assertBits(what, f[i]!, u[i]!));
      });

  for (const [cin, cout, k, pad] of [[1, 6, 5, 2], [6, 16, 5, 0]] as const)
    test(`Conv2d(${cin}, ${cout}) → ReLU → MaxPool2d(2): the wasm job pools its output (job ${cout % 16 ? 20 : 27}), bit for bit`, () => on("wasm", () => {
      manualSeed(6);
      const x = rough([3, cin, 14, 14], "wasm"), w = randn([cout, cin, k, k]), b = randn([cout]);
      const a = { stride: [1, 1] as const, dilation: [1, 1] as const, pad: [pad, pad, pad, pad] as const, groups: 1, bias: true, pool: true };
      const [y] = applyFused("conv2d", [x, w, b], a);
      const made = pooledOf.get(y!);
      assert.ok(made, "the job made the pool");
      const p = { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], pad: [0, 0], out: [y!.shape[2]! / 2, y!.shape[3]! / 2] } as const;
      pooledOf.delete(y!);
      const [v, i] = applyFused("maxPool2d", [y!], { ...p, relu: true });
      assertBits("values", made[0]!, v!);
      assertBits("indices", made[1]!, i!);
      // and Sequential takes it: the same bits as the three modules one by one
      const model = new nn.Sequential(new nn.Conv2d(cin, cout, k, { padding: pad }), new nn.ReLU(), new nn.MaxPool2d(2));
      let u = x;
      for (const m of model) u = (m as nn.Module<[Tensor], Tensor>).forward(u);
      assertBits("Sequential", model.forward(x), u);
    }));

  test("the pool alone: relu(maxPool(x)) values, indices of the positive maxima and gradients, float64 on cpu", () => on("cpu", () => {
    const x = rough([2, 3, 6, 6], "cpu").to("float64");
    const pool = new nn.MaxPool2d(2);
    const [v] = applyFused("maxPool2d", [x], { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], pad: [0, 0], out: [3, 3], relu: true });
    assertBits("values", v!, pool.forward(x.relu()));
  }));
});

describe("wasm max pool, 2x2 windows at stride 2", () => {
  for (const [h, w] of [[28, 28], [10, 10], [4, 6], [6, 14]] as const)
    test(`values and indices over ${h}x${w} planes against the reference (a last group of fewer than 4 windows recomputed)`, () => on("wasm", () => {
      const x = rough([2, 3, h, w], "wasm");
      for (const relu of [false, true]) {
        const a = { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], pad: [0, 0], out: [h / 2, w / 2], relu } as const;
        const got = applyFused("maxPool2d", [x], a), want = fusedOps().maxPool2d.reference([x], a);
        assertBits(`values (relu ${relu})`, got[0]!, want[0]!);
        assertBits(`indices (relu ${relu})`, got[1]!, want[1]!);
      }
    }));
});

describe("wasm max-pool backward, 2x2 windows at stride 2", () => {
  const size = (h: number, w: number) => ({ size: [h, w] as const });
  const ref = (g: Tensor, idx: Tensor, h: number, w: number): Tensor => fusedOps().maxPool2dBackward.reference([g, idx], size(h, w))[0]!;
  for (const [h, w] of [[28, 28], [10, 10], [6, 14]] as const)
    test(`one pass over ${h}x${w} planes (odd output widths take the scalar tail)`, () => on("wasm", () => {
      const x = randn([3, 5, h, w]);
      const [, idx] = applyFused("maxPool2d", [x], { kernel: [2, 2], stride: [2, 2], dilation: [1, 1], pad: [0, 0], out: [h / 2, w / 2] });
      const g = randn([3, 5, h / 2, w / 2]);
      assertBits("dx", applyFused("maxPool2dBackward", [g, idx!], size(h, w))[0]!, ref(g, idx!, h, w));
    }));

  test("indices outside their window (from a 3x3 pool of the same output size) fall back to the scatter", () => on("wasm", () => {
    const x = randn([2, 4, 8, 8]);
    const [, idx] = applyFused("maxPool2d", [x], { kernel: [3, 3], stride: [2, 2], dilation: [1, 1], pad: [1, 1], out: [4, 4] });
    const g = randn([2, 4, 4, 4]);
    const dx = applyFused("maxPool2dBackward", [g, idx!], size(8, 8))[0]!;
    // overlapping windows add up shared maxima, in another order than the reference's
    assertClose(dx, ref(g, idx!, 8, 8), { rtol: 1e-6, atol: 1e-6 });
    assert.ok(dx.abs().sum().item() > 0);
  }));
});
