// nn.Sequential runs a Linear followed by a ReLU as one fused op (ops/fused/linear.ts with the ReLU
// activation; on wasm the GEMM job with the bias and ReLU epilogue, wasm/linear.ts): the outputs
// and every gradient must be the bits of the two modules run one after the other.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { listBackends, manualSeed, nn, randn, tensor, type Tensor } from "../src/index.js";
import { kernelRuns } from "../src/ops/fused/table.js";
import { assertBits, runSequential } from "./helpers.js";

for (const device of listBackends())
  describe(`Sequential Linear→ReLU fusion on ${device}`, () => {
    it("gives the bits of the modules applied one by one (forward, input and parameter gradients)", () => {
      manualSeed(3);
      // 37 rows and 21 outputs: several GEMM slivers, SIMD columns and a scalar tail; a NaN row checks the mask
      const model = new nn.Sequential(new nn.Linear(13, 21), new nn.ReLU(), new nn.Linear(21, 6), new nn.ReLU(), new nn.Linear(6, 3)).to(device);
      const data = randn([37, 13]).dataSync();
      data[5 * 13 + 2] = NaN;
      const x0 = tensor(data, { shape: [37, 13], device });
      const w = randn([37, 3], { device });
      const run = (fused: boolean): Tensor[] => runSequential(model, x0, fused, () => w);
      const before = [...kernelRuns.values()].reduce((a, b) => a + b, 0);
      const f = run(true);
      assert.ok([...kernelRuns.values()].reduce((a, b) => a + b, 0) > before, "the fused linear kernel ran");
      const u = run(false);
      assertBits("output", f[0]!, u[0]!);
      assertBits("input gradient", f[1]!, u[1]!);
      f.slice(2).forEach((g, i) => assertBits(`gradient of parameter ${i}`, g, u[i + 2]!));
    });

    it("gives the same bits when models of different widths alternate (job 52's reused dY' buffer)", () => {
      manualSeed(4);
      const small = new nn.Sequential(new nn.Linear(5, 4), new nn.ReLU(), new nn.Linear(4, 2)).to(device);
      const wide = new nn.Sequential(new nn.Linear(7, 40), new nn.ReLU(), new nn.Linear(40, 9), new nn.ReLU(), new nn.Linear(9, 2)).to(device);
      const xs = randn([11, 5], { device }), xw = randn([23, 7], { device });
      const ws = randn([11, 2], { device }), ww = randn([23, 2], { device });
      const unfused = [runSequential(small, xs, false, () => ws), runSequential(wide, xw, false, () => ww)];
      for (let round = 0; round < 2; round++)
        [runSequential(small, xs, true, () => ws), runSequential(wide, xw, true, () => ww)].forEach((f, m) =>
          f.forEach((t, i) => assertBits(`model ${m}, round ${round}, tensor ${i}`, t, unfused[m]![i]!)),
        );
    });

    it("gives the same bits over several k-slabs and for no inputs (bias and ReLU in the GEMM's last stores)", () => {
      manualSeed(5);
      // 300 inputs: two of the GEMM's 256-deep slabs, the epilogue on the second; 37 outputs: full and partial slivers
      for (const [inF, outF, rows] of [[300, 37, 9], [0, 5, 3]] as const) {
        const model = new nn.Sequential(new nn.Linear(inF, outF), new nn.ReLU(), new nn.Linear(outF, 2)).to(device);
        const x = randn([rows, inF], { device }), w = randn([rows, 2], { device });
        const f = runSequential(model, x, true, () => w), u = runSequential(model, x, false, () => w);
        f.forEach((t, i) => assertBits(`Linear(${inF}, ${outF}): tensor ${i}`, t, u[i]!));
      }
    });

    it("keeps a Linear or ReLU whose forward is overridden as the user wrote it", () => {
      let calls = 0;
      class Probe extends nn.Linear {
        override forward(x: Tensor): Tensor {
          calls++;
          return super.forward(x).mul(2);
        }
      }
      const probe = new Probe(4, 3).to(device);
      const model = new nn.Sequential(probe, new nn.ReLU()).to(device);
      const x = randn([5, 4], { device });
      const y = model.forward(x);
      assert.equal(calls, 1);
      assertBits("output", y, probe.forward(x).relu());
    });
  });
