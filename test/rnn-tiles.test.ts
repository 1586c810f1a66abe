// The wasm LSTM's GEMM tiles (wasm/gemm5x8.ts: 5-row slivers beside 4-row ones, edge tiles) and its
// dW job (wasm/rnn-dw.ts: several depth blocks, a partial last one, partial column slivers) against
// the cpu backend's cells, on shapes where every one of those paths runs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { backendByName, listBackends, manualSeed, nn, randn, type Tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { on } from "./helpers.js";
import { fusedOps, kernelRuns } from "../src/ops/fused/table.js";

const GRAD = { rtol: 1e-4, atol: 1e-4 };

// B = 13 rows per step: one 5-row sliver and two 4-row ones; 4H = 48 rows of dW: eight 5-row slivers
// and two 4-row ones; H = 12: the backward's GEMM has a 4-column edge; I + H = 17 columns of dW: a
// 1-column edge; T·B = 520 rows of depth: blocks of 256, 256 and 8.
for (const threads of [1, 2])
  test(`LSTM on wasm (${threads} thread${threads > 1 ? "s" : ""}): 5x8 and 4x8 tiles, edges and the dW job's depth blocks match the cpu backend`, () => {
    if (!listBackends().includes("wasm")) return;
    manualSeed(9);
    const make = (): nn.LSTM => new nn.LSTM(5, 12, { batchFirst: true });
    const sd = make().stateDict();
    const xs = randn([13, 40, 5]), gy = randn([13, 40, 12]), h0 = randn([1, 13, 12]).mul(0.5), c0 = randn([1, 13, 12]).mul(0.5);
    const run = (device: string): Tensor[] =>
      on(device, () => {
        const m = make();
        m.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.to(device)])));
        const [x, h, c] = [xs, h0, c0].map((t) => {
          const d = t.to(device);
          d.requiresGrad = true;
          return d;
        }) as [Tensor, Tensor, Tensor];
        const [y, [hN, cN]] = m.forward(x, [h, c]);
        y.mul(gy.to(device)).sum().add(hN.sum()).add(cN.mul(2).sum()).backward();
        return [y, hN, cN, x.grad!, h.grad!, c.grad!, ...[...m.parameters()].map((p) => p.grad!)];
      });
    const ref = run("cpu");
    const be = backendByName("wasm"), before = be.getNumThreads?.() ?? 1, kernel = fusedOps().rnn.kernels!.wasm!, runs = kernelRuns.get(kernel) ?? 0;
    be.setNumThreads?.(threads);
    try {
      run("wasm").forEach((t, i) => assertClose(t, ref[i]!.dataSync(), GRAD, `tensor ${i}`));
    } finally {
      be.setNumThreads?.(before);
    }
    assert.equal((kernelRuns.get(kernel) ?? 0) - runs, 1, "the fused kernel ran");
  });
