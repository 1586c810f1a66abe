// Recurrent layers against PyTorch (tools/fixtures/rnn.py) on every backend: nn.RNN/LSTM/GRU and the
// cells load torch's state dict and must reproduce outputs, final states and the gradients of input,
// initial states and parameters; padSequence and packing; float64 gradchecks of the cell functions.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { backendByName, F, listBackends, manualSeed, nn, randn, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, fixture, values, type FixtureTensor, on } from "./helpers.js";
import { applyFused, fusedOps, kernelRuns } from "../src/ops/fused/table.js";

interface Case {
  name: string;
  class: string;
  args: number[];
  options: Record<string, unknown>;
  packed: { lengths: number[]; enforceSorted: boolean } | null;
  stateDict: Record<string, FixtureTensor>;
  input: FixtureTensor;
  hx: FixtureTensor[];
  out: FixtureTensor;
  finals: FixtureTensor[];
  gradOut: FixtureTensor;
  gradFinals: FixtureTensor[];
  gradInput: FixtureTensor;
  gradHx: (FixtureTensor | null)[];
  paramGrads: Record<string, FixtureTensor>;
}
interface Fx {
  modules: Case[];
  cells: Case[];
  utils: { [K in "padded" | "paddedBatchFirst" | "packedData" | "batchSizes" | "sortedIndices" | "unsortedIndices" | "unpacked" | "lengths"]: FixtureTensor } & {
    sequences: FixtureTensor[];
  };
}
const fx = fixture<Fx>("rnn/modules.json");
const F32 = { rtol: 1e-5, atol: 1e-5 };
const GRAD = { rtol: 1e-4, atol: 1e-4 };

type Ctor = new (...args: unknown[]) => nn.Module<unknown[], unknown>;
const build = (c: Case): nn.Module<unknown[], unknown> => new ((nn as unknown as Record<string, Ctor>)[c.class]!)(...c.args, c.options);

/** A fresh `make()` holding the state `sd`, and copies of `ts` that require grad, all on `device`. */
function copiesOn<M extends nn.Module<unknown[], unknown>>(device: string, make: () => M, sd: Record<string, Tensor>, ts: Tensor[]): [M, ...Tensor[]] {
  const m = make();
  m.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.to(device)])));
  return [m, ...ts.map((t) => {
    const d = t.to(device);
    d.requiresGrad = true;
    return d;
  })];
}

/** Runs `fn` with the wasm backend on 2 threads (so its row blocks split), then restores the count. */
function onTwoWasmThreads(fn: () => void): void {
  const be = backendByName("wasm");
  const threads = be.getNumThreads?.() ?? 1;
  be.setNumThreads?.(2);
  try {
    fn();
  } finally {
    be.setNumThreads?.(threads);
  }
}

function runCase(c: Case, device: string): void {
  const m = build(c);
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.stateDict), "a fresh module has torch's keys in torch's order");
  for (const [k, v] of Object.entries(m.stateDict())) assert.deepEqual(v.shape, c.stateDict[k]!.shape, `shape of ${k}`);
  m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, decode(v)])));
  const x = decode(c.input, { requiresGrad: true, device });
  const hx = c.hx.map((h) => decode(h, { requiresGrad: true, device }));
  const isCell = c.class.endsWith("Cell");
  const lstm = c.class.startsWith("LSTM");
  const state = hx.length === 0 ? null : lstm ? [hx[0]!, hx[1]!] : hx[0]!;
  let out: Tensor, finals: Tensor[];
  if (isCell) {
    const y = m.forward(x, state) as Tensor | [Tensor, Tensor];
    [out, ...finals] = Array.isArray(y) ? y : [y];
  } else {
    const batchFirst = c.options.batchFirst === true;
    const input = c.packed ? nn.packPaddedSequence(x, c.packed.lengths, { batchFirst, enforceSorted: c.packed.enforceSorted }) : x;
    const [y, h] = m.forward(input, state) as [Tensor | nn.PackedSequence, Tensor | [Tensor, Tensor]];
    out = y instanceof nn.PackedSequence ? nn.padPackedSequence(y, { batchFirst })[0] : y;
    finals = Array.isArray(h) ? h : [h];
  }
  assert.equal(out.device, device);
  assertClose(out, values(c.out), F32, `${c.name} output`);
  assert.deepEqual(out.shape, c.out.shape, `${c.name} output shape`);
  finals.forEach((f, i) => {
    assert.deepEqual(f.shape, c.finals[i]!.shape, `${c.name} final state ${i} shape`);
    assertClose(f, values(c.finals[i]!), F32, `${c.name} final state ${i}`);
  });
  let loss = out.mul(decode(c.gradOut, { device })).sum();
  finals.forEach((f, i) => (loss = loss.add(f.mul(decode(c.gradFinals[i]!, { device })).sum())));
  loss.backward();
  assertClose(x.grad!, values(c.gradInput), GRAD, `${c.name} input gradient`);
  hx.forEach((h, i) => assertClose(h.grad!, values(c.gradHx[i]!), GRAD, `${c.name} initial state ${i} gradient`));
  const params = Object.fromEntries(m.namedParameters());
  assert.deepEqual(Object.keys(params), Object.keys(c.paramGrads));
  for (const [k, g] of Object.entries(c.paramGrads)) assertClose(params[k]!.grad!, values(g), GRAD, `${c.name} gradient of ${k}`);
}

for (const device of listBackends()) {
  describe(`recurrent layers match PyTorch on ${device}`, () => {
    for (const c of fx.modules) test(`${c.name}`, () => on(device, () => runCase(c, device)));
    for (const c of fx.cells) test(`${c.name}`, () => on(device, () => runCase(c, device)));
  });
}

describe("padSequence and packing match torch.nn.utils.rnn", () => {
  const u = fx.utils;
  const seqs = u.sequences.map((s) => decode(s));
  test("padSequence, with paddingValue and batchFirst", () => {
    assertClose(nn.padSequence(seqs, { paddingValue: -1 }), values(u.padded), F32);
    assertClose(nn.utils.rnn.padSequence(seqs, true), values(u.paddedBatchFirst), F32);
    assert.deepEqual(nn.padSequence(seqs, true).shape, u.paddedBatchFirst.shape);
  });
  test("packSequence (unsorted) and padPackedSequence with totalLength, batchFirst and paddingValue", () => {
    const p = nn.packSequence(seqs, { enforceSorted: false });
    assertClose(p.data, values(u.packedData), F32);
    assert.deepEqual([...p.batchSizes.dataSync()], values(u.batchSizes));
    assert.deepEqual([...p.sortedIndices!.dataSync()], values(u.sortedIndices));
    assert.deepEqual([...p.unsortedIndices!.dataSync()], values(u.unsortedIndices));
    const [padded, lengths] = nn.padPackedSequence(p, { batchFirst: true, paddingValue: 7, totalLength: 6 });
    assert.deepEqual(padded.shape, u.unpacked.shape);
    assertClose(padded, values(u.unpacked), F32);
    assert.deepEqual([...lengths.dataSync()], values(u.lengths));
  });
  test("errors name the function and the problem", () => {
    assert.throws(() => nn.packSequence(seqs), /packPaddedSequence: lengths \[3, 5, 1\] are not sorted in decreasing order/);
    assert.throws(() => nn.packPaddedSequence(randn([4, 2, 3]), [5, 1]), /length 5 of sequence 0 must be an integer in \[1, 4\]/);
    assert.throws(() => nn.padSequence([randn([2, 3]), randn([2, 4])]), /padSequence: sequence 1 has shape \[2,4\]/);
    assert.throws(() => nn.padSequence(seqs, { batch_first: true } as never), /unknown option 'batch_first' \(did you mean 'batchFirst'\?\)/);
  });
});

describe("recurrent modules: arguments, shapes, errors and initialisation", () => {
  test("torch's positional order, options by name, unknown options rejected", () => {
    const a = new nn.RNN(3, 4, 2, "relu", false, true, 0, true);
    assert.deepEqual([a.numLayers, a.nonlinearity, a.bias, a.batchFirst, a.bidirectional], [2, "relu", false, true, true]);
    const b = new nn.LSTM(3, 4, 1, true, false, 0, false, 2);
    assert.equal(b.projSize, 2);
    assert.deepEqual(Object.keys(b.stateDict()), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_hr_l0"]);
    assert.throws(() => new nn.GRU(3, 4, { num_layers: 2 } as never), /nn.GRU: unknown option 'num_layers' \(did you mean 'numLayers'\?\)/);
    assert.throws(() => new nn.LSTM(3, 4, { projSize: 4 }), /projSize must be an integer in \[0, hiddenSize = 4\)/);
    assert.throws(() => new nn.RNN(3, 4, { nonlinearity: "sigmoid" as never }), /nn.RNN: unknown nonlinearity 'sigmoid'/);
    assert.throws(() => new nn.RNN(3, 4, { dropout: 1.5 }), /dropout should be a number in \[0, 1\]/);
  });
  test("wrong input and state shapes are errors that name the layer and the shapes", () => {
    const lstm = new nn.LSTM(3, 4, 2);
    assert.throws(() => lstm.forward(randn([5, 2, 6])), /nn.LSTM: input.size\(-1\) must be equal to inputSize. Expected 3, got 6/);
    assert.throws(() => lstm.forward(randn([5, 2, 3]), [randn([1, 2, 4]), randn([2, 2, 4])]), /nn.LSTM: expected hidden state of shape \[2,2,4\], got \[1,2,4\]/);
    assert.throws(() => new nn.GRUCell(3, 4).forward(randn([2, 3]), randn([3, 4])), /nn.GRUCell: expected hx of shape \[2,4\], got \[3,4\]/);
    assert.throws(() => F.lstmCell(randn([2, 3]), [randn([2, 4]), randn([2, 5])], randn([16, 3]), randn([16, 4])), /lstmCell: expected cell state \[2, 4\]/);
  });
  test("every weight starts in U(−1/√H, 1/√H) and fills the range", () => {
    manualSeed(3);
    const m = new nn.GRU(10, 25, { numLayers: 2, bidirectional: true });
    const v = m.parameters().flatMap((p) => [...p.dataSync()]);
    const k = 1 / 5;
    assert.ok(v.every((x) => Math.abs(x) <= k), "inside the bound");
    assert.ok(Math.max(...v) > 0.95 * k && Math.min(...v) < -0.95 * k, "fills the range");
  });
  test("dropout between layers acts in training mode only, and never after the last layer", () => {
    manualSeed(4);
    const m = new nn.LSTM(3, 8, { numLayers: 2, dropout: 0.5 });
    const x = randn([4, 2, 3]);
    const evalOut = m.eval().forward(x)[0].dataSync();
    const trainOut = m.train().forward(x)[0].dataSync();
    assert.notDeepEqual(trainOut, evalOut);
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => void warned.push(m);
    let one: nn.LSTM;
    try {
      one = new nn.LSTM(3, 8, { dropout: 0.5 });
      new nn.GRU(3, 8, { numLayers: 2, dropout: 0.5 });
    } finally {
      console.warn = warn;
    }
    assert.deepEqual(one.train().forward(x)[0].dataSync(), one.eval().forward(x)[0].dataSync());
    assert.deepEqual(warned, ["nn.LSTM: dropout acts after all but the last recurrent layer, so dropout = 0.5 with numLayers = 1 does nothing (as in torch)"], "one layer warns as torch does; two layers do not");
  });
});

describe("packed batches in the fused whole-sequence op (masked steps)", () => {
  test("wasm's masked-step kernel (2 threads, edge rows, partial sliver) matches the cpu backend's cell path, and ran", () => {
    if (!listBackends().includes("wasm")) return;
    manualSeed(5);
    const make = (): nn.LSTM => new nn.LSTM(5, 116, { numLayers: 2, bidirectional: true });
    const sd = make().stateDict();
    const lengths = [7, 1, 4, 7, 2, 5, 3, 6, 7, 2, 1, 5, 4, 6, 3, 2, 7, 5];
    const xs = randn([7, 18, 5]), gy = randn([7, 18, 232]), h0 = randn([4, 18, 116]).mul(0.5), c0 = randn([4, 18, 116]).mul(0.5);
    const run = (device: string): Tensor[] =>
      on(device, () => {
        const [m, x, h, c] = copiesOn(device, make, sd, [xs, h0, c0]) as [nn.LSTM, Tensor, Tensor, Tensor];
        const [y, [hN, cN]] = m.forward(nn.packPaddedSequence(x, lengths, { enforceSorted: false }), [h, c]);
        const out = nn.padPackedSequence(y)[0];
        out.mul(gy.to(device)).sum().add(hN.sum()).add(cN.mul(2).sum()).backward();
        return [out, hN, cN, x.grad!, h.grad!, c.grad!, ...[...m.parameters()].map((p) => p.grad!)];
      });
    const ref = run("cpu");
    const kernel = fusedOps().rnn.kernels!.wasm!;
    const before = kernelRuns.get(kernel) ?? 0;
    onTwoWasmThreads(() => run("wasm").forEach((t, i) => assertClose(t, ref[i]!.dataSync(), GRAD, `tensor ${i}`)));
    assert.equal((kernelRuns.get(kernel) ?? 0) - before, 4, "each layer and direction ran the fused kernel");
  });
  for (const [cls, opts] of [["GRU", {}], ["RNN", { nonlinearity: "tanh" }], ["RNN", { nonlinearity: "relu" }]] as const)
    test(`${cls} ${JSON.stringify(opts)}: packed batches take the same masked-step kernels (2 threads, edge rows), match the cpu backend's cells, and ran`, () => {
      if (!listBackends().includes("wasm")) return;
      manualSeed(6);
      const make = (): nn.Module<unknown[], unknown> => build({ class: cls, args: [5, 116], options: { numLayers: 2, bidirectional: true, ...opts } } as unknown as Case);
      const sd = make().stateDict();
      const lengths = [7, 1, 4, 7, 2, 5, 3, 6, 7, 2, 1, 5, 4, 6, 3, 2, 7, 5];
      const xs = randn([7, 18, 5]), gy = randn([7, 18, 232]), h0 = randn([4, 18, 116]).mul(0.5);
      const run = (device: string): Tensor[] =>
        on(device, () => {
          const [m, x, h] = copiesOn(device, make, sd, [xs, h0]) as [nn.Module<unknown[], unknown>, Tensor, Tensor];
          const [y, hN] = m.forward(nn.packPaddedSequence(x, lengths, { enforceSorted: false }), h) as [nn.PackedSequence, Tensor];
          const out = nn.padPackedSequence(y)[0];
          out.mul(gy.to(device)).sum().add(hN.mul(2).sum()).backward();
          return [out, hN, x.grad!, h.grad!, ...[...m.parameters()].map((p) => p.grad!)];
        });
      const ref = run("cpu");
      const kernel = fusedOps().rnn.kernels!.wasm!;
      const before = kernelRuns.get(kernel) ?? 0;
      onTwoWasmThreads(() => run("wasm").forEach((t, i) => assertClose(t, ref[i]!.dataSync(), GRAD, `tensor ${i}`)));
      assert.equal((kernelRuns.get(kernel) ?? 0) - before, 4, "each layer and direction ran the fused kernel");
    });
  test("float64 gradcheck of the masked op (cpu: its reference), LSTM, GRU and Elman, both directions, ended and unstarted rows", () => on("cpu", () => {
    manualSeed(14);
    const f64 = (s: number[], k = 1): Tensor => {
      const t = randn(s, { dtype: "float64" }).mul(k);
      t.requiresGrad = true;
      return t;
    };
    for (const [mode, g] of [["LSTM", 4], ["GRU", 3], ["RNN_TANH", 1]] as const)
      for (const reverse of [false, true]) {
        const ins = [f64([4, 3, 3]), f64([3, 4], 0.5), ...(mode === "LSTM" ? [f64([3, 4], 0.5)] : []), f64([4 * g, 3], 0.5), f64([4 * g, 4], 0.5), f64([4 * g], 0.5), f64([4 * g], 0.5)];
        assert.ok(gradcheck((...xs) => applyFused("rnn", xs, { mode, reverse, bias: true, batchSizes: [3, 2, 2, 1] }), ins), `${mode} reverse ${reverse}`);
      }
  }));
});

describe("float64 gradcheck of the cells (reference backend)", () => {
  const x = (): Tensor[] => [randn([2, 3], { dtype: "float64", requiresGrad: true }), randn([2, 4], { dtype: "float64", requiresGrad: true })];
  const w = (g: number, inp = 3, state = 4): Tensor[] =>
    [[g * 4, inp], [g * 4, state], [g * 4], [g * 4]].map((s) => {
      const t = randn(s, { dtype: "float64" }).mul(0.5); // away from saturation
      t.requiresGrad = true;
      return t;
    });
  test("rnnTanhCell and rnnReluCell", () => on("cpu", () => {
    manualSeed(11);
    assert.ok(gradcheck((a, h, ...ws) => F.rnnTanhCell(a, h, ...(ws as [Tensor, Tensor, Tensor, Tensor])), [...x(), ...w(1)]));
    assert.ok(gradcheck((a, h, ...ws) => F.rnnReluCell(a, h, ...(ws as [Tensor, Tensor, Tensor, Tensor])), [...x(), ...w(1)]));
  }));
  test("lstmCell (h and c), with and without projection", () => on("cpu", () => {
    manualSeed(12);
    const c = randn([2, 4], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((a, h, cc, ...ws) => F.lstmCell(a, [h, cc], ...(ws as [Tensor, Tensor, Tensor, Tensor])), [...x(), c, ...w(4)]));
    const hp = randn([2, 2], { dtype: "float64", requiresGrad: true });
    const hr = randn([2, 4], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((a, h, cc, wi, wh, bi, bh, r) => F.lstmCell(a, [h, cc], wi, wh, bi, bh, r), [x()[0]!, hp, c, ...w(4, 3, 2), hr]));
  }));
  test("gruCell", () => on("cpu", () => {
    manualSeed(13);
    assert.ok(gradcheck((a, h, ...ws) => F.gruCell(a, h, ...(ws as [Tensor, Tensor, Tensor, Tensor])), [...x(), ...w(3)]));
  }));
});

describe("wasm: the whole-sequence jobs (wasm/rnn-seq.ts)", () => {
  // 2 threads split the 18 rows into blocks of 4 plus edge rows; H = 116 leaves a 4-column GEMM
  // sliver in the backward's dh = dg·W_hh. Checked against the reference backend in float32.
  const kinds: [string, Record<string, unknown>][] = [["LSTM", {}], ["GRU", {}], ["RNN", { nonlinearity: "tanh" }], ["RNN", { nonlinearity: "relu" }]];
  for (const [cls, opts] of kinds)
    test(`${cls} ${JSON.stringify(opts)}: row blocks on 2 threads, edge rows and a partial column sliver match the cpu backend`, () => {
      if (!listBackends().includes("wasm")) return;
      manualSeed(3);
      const make = (): nn.Module<unknown[], unknown> => new ((nn as unknown as Record<string, Ctor>)[cls]!)(5, 116, { bidirectional: true, ...opts });
      const sd = make().stateDict();
      const lstm = cls === "LSTM";
      const xs = randn([7, 18, 5]), gy = randn([7, 18, 232]), h0 = randn([2, 18, 116]).mul(0.5), c0 = randn([2, 18, 116]).mul(0.5);
      const run = (device: string): Tensor[] =>
        on(device, () => {
          const [m, x, h, c] = copiesOn(device, make, sd, [xs, h0, c0]) as [nn.Module<unknown[], unknown>, Tensor, Tensor, Tensor];
          const [y, hN] = m.forward(x, lstm ? [h, c] : h) as [Tensor, Tensor | [Tensor, Tensor]];
          const finals = Array.isArray(hN) ? hN : [hN];
          finals.reduce((l, f, i) => l.add(f.mul(i + 1).sum()), y.mul(gy.to(device)).sum()).backward();
          return [y, ...finals, x.grad!, h.grad!, ...(lstm ? [c.grad!] : []), ...[...m.parameters()].map((p) => p.grad!)];
        });
      const ref = run("cpu");
      onTwoWasmThreads(() => run("wasm").forEach((t, i) => assertClose(t, ref[i]!.dataSync(), GRAD, `tensor ${i}`)));
    });
  test("LSTM batchFirst without initial states (the job reads the transposed input in place; frozen W_hh): matches the cpu backend", () => {
    if (!listBackends().includes("wasm")) return;
    manualSeed(4);
    const make = (): nn.LSTM => new nn.LSTM(6, 12, { batchFirst: true });
    const sd = make().stateDict();
    const xs = randn([9, 5, 6]), gy = randn([9, 5, 12]);
    const run = (device: string): Tensor[] =>
      on(device, () => {
        const [m, x] = copiesOn(device, make, sd, [xs]) as [nn.LSTM, Tensor];
        const [wIh, wHh, bIh, bHh] = [...m.parameters()] as [Tensor, Tensor, Tensor, Tensor];
        wHh.requiresGrad = false;
        const [y, [hN, cN]] = m.forward(x);
        y.mul(gy.to(device)).sum().add(hN.sum()).add(cN.mul(2).sum()).backward();
        assert.equal(wHh.grad, null);
        return [y, hN, cN, x.grad!, wIh.grad!, bIh.grad!, bHh.grad!];
      });
    const ref = run("cpu");
    const kernel = fusedOps().rnn.kernels!.wasm!;
    const before = kernelRuns.get(kernel) ?? 0;
    onTwoWasmThreads(() => run("wasm").forEach((t, i) => assertClose(t, ref[i]!.dataSync(), GRAD, `tensor ${i}`)));
    assert.equal((kernelRuns.get(kernel) ?? 0) - before, 1, "the fused kernel ran");
  });
});
