// Backpropagation through time: deck 001's 1.01¹⁰⁰⁰ and 0.99¹⁰⁰⁰ through a real recurrent layer,
// gradient norms through time against σ_max(W_hh), truncated BPTT stopping the gradient at k steps,
// gradient clipping rescuing a long sequence, and a 1,000-step sequence whose cost grows linearly
// (counted as elements written by kernels, not timed).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CpuBackend, F, grad, largestSingularValue, listBackends, manualSeed, nn, noGrad, optim, rand, randn, tensor,
  truncatedBptt, type Backend, type Tensor,
} from "../src/index.js";
import { on } from "./helpers.js";
import { saved } from "../src/ops/fused/rnn.js";
import { assertClose } from "../src/testing/index.js";

/** Sets nn.RNN parameters by torch key. */
function setParams(m: nn.Module<never[], unknown>, values: Record<string, number[][] | number[]>): void {
  const p = Object.fromEntries(m.namedParameters());
  noGrad(() => Object.entries(values).forEach(([k, v]) => p[k]!.assign(tensor(v, { dtype: p[k]!.dtype }))));
}

describe("deck 001: y = w¹⁰⁰⁰ through 1,000 steps of a recurrent layer", () => {
  for (const device of listBackends())
    for (const [w, want] of [[1.01, 20959.155637813660], [0.99, 4.3171247410657465e-5]] as const)
      test(`w = ${w}: h_1000 ≈ ${want} and ∂h_1000/∂h_0 = w¹⁰⁰⁰ (${device})`, () => on(device, () => {
        const dtype = device === "cpu" ? "float64" : "float32";
        const rtol = dtype === "float64" ? 1e-10 : 1e-3; // a float32 product of 1,000 factors drifts by ~1e-4
        const rnn = new nn.RNN(1, 1, { nonlinearity: "relu", bias: false, dtype });
        setParams(rnn, { weight_ih_l0: [[0]], weight_hh_l0: [[w]] }); // h_t = relu(w·h_{t−1}) = w^t·h_0
        const h0 = tensor([[[1]]], { dtype, requiresGrad: true });
        const [, hN] = rnn.forward(tensor(new Float64Array(1000), { shape: [1000, 1, 1], dtype }), h0);
        assertClose(hN, [want], { rtol, atol: 0 });
        hN.backward();
        assertClose(h0.grad!, [want], { rtol, atol: 0 });
        assert.ok(w > 1 ? want > 2e4 : want < 5e-5, "exploding above 1, vanishing below");
      }));
});

describe("vanishing and exploding gradients: ‖∂L/∂h_t‖ against σ_max(W_hh)^(T−t)", () => {
  const T = 40;
  /** ‖∂h_T/∂h_t‖ for every t, for a cell run over T steps. */
  function gradNorms(cell: nn.RNNCell, x: Tensor): number[] {
    const hs: Tensor[] = [];
    let h: Tensor | null = null;
    for (let t = 0; t < T; t++) hs.push((h = cell.forward(x.select(0, t), h)));
    return grad(hs[T - 1]!.sum(), hs).map((g) => g!.norm().item());
  }
  test("relu with W_hh = σ·I and positive states: exactly σ^(T−t), and σ_max = σ", () => {
    for (const sigma of [0.8, 1.25]) {
      const cell = new nn.RNNCell(1, 3, { nonlinearity: "relu", dtype: "float64" });
      setParams(cell, { weight_ih: [[1], [2], [3]], weight_hh: [[sigma, 0, 0], [0, sigma, 0], [0, 0, sigma]], bias_ih: [0, 0, 0], bias_hh: [0, 0, 0] });
      assert.ok(Math.abs(largestSingularValue(cell.weightHh) - sigma) < 1e-9);
      const norms = gradNorms(cell, rand([T, 1, 1], { dtype: "float64" }));
      norms.forEach((n, t) => assert.ok(Math.abs(n / norms[T - 1]! - sigma ** (T - 1 - t)) < 1e-9 * sigma ** (T - 1 - t), `t=${t}`));
    }
  });
  test("tanh with a random W_hh: the norms stay under the bound σ_max^(T−t) and vanish", () => {
    manualSeed(8);
    const cell = new nn.RNNCell(2, 6, { dtype: "float64" });
    const w = randn([6, 6], { dtype: "float64" });
    noGrad(() => cell.weightHh.assign(w.mul(0.8 / largestSingularValue(w))));
    const sigma = largestSingularValue(cell.weightHh);
    assert.ok(Math.abs(sigma - 0.8) < 1e-9);
    const norms = gradNorms(cell, randn([T, 4, 2], { dtype: "float64" }));
    norms.forEach((n, t) => assert.ok(n <= norms[T - 1]! * sigma ** (T - 1 - t) * (1 + 1e-9), `t=${t}: ${n}`));
    assert.ok(norms[0]! < 1e-3 * norms[T - 1]!, `vanished: ${norms[0]} vs ${norms[T - 1]}`);
  });
});

describe("truncated BPTT", () => {
  const T = 20, k = 5;
  const run = (rnn: nn.RNN) => (xc: Tensor, h: Tensor | null, { end }: { end: number }): [Tensor | null, Tensor] => {
    const [out, hN] = rnn.forward(xc, h);
    return [end === T ? out.select(0, out.shape[0]! - 1).sum() : null, hN]; // the loss reads only the last step
  };
  test("the gradient of the last step reaches back exactly k steps; the state still carries the whole sequence", () => {
    manualSeed(9);
    const rnn = new nn.RNN(1, 3);
    const x = randn([T, 2, 1], { requiresGrad: true });
    const { state } = truncatedBptt(x, k, run(rnn));
    const perStep = (g: Tensor): number[] => (g.abs().sum([1, 2]).toArray() as number[]);
    const truncated = perStep(x.grad!);
    truncated.forEach((g, t) => assert.ok(t < T - k ? g === 0 : g > 0, `t=${t}: ${g}`));
    x.grad = null;
    const [out, hN] = rnn.forward(x);
    out.select(0, T - 1).sum().backward();
    assert.ok(perStep(x.grad!).every((g) => g > 0), "full BPTT reaches every step");
    assertClose(state!, hN, { rtol: 1e-6, atol: 1e-6 }); // same forward values: only the gradient was cut
    assert.equal(state!.requiresGrad, false);
  });
  test("with an optimizer: one step per chunk, LSTM states [h, c] carried detached, k must be positive", () => {
    manualSeed(10);
    const lstm = new nn.LSTM(1, 4, { batchFirst: true });
    const head = new nn.Linear(4, 1);
    const params = [...lstm.parameters(), ...head.parameters()];
    const opt = new optim.Adam(params, { lr: 0.05 });
    const x = rand([3, 60, 1]);
    const target = x.narrow(1, 0, 59); // at step t the input one step back: a memory of one step
    const epoch = (): number[] => truncatedBptt(x.narrow(1, 1, 59), 10, (xc, s: [Tensor, Tensor] | null, { start, end }) => {
      const [out, next] = lstm.forward(xc, s);
      return [F.mseLoss(head.forward(out), target.slice(1, start, end)), next];
    }, { timeDim: 1, optimizer: opt, clip: { params, maxNorm: 1 } }).losses;
    const first = epoch();
    assert.equal(first.length, 6);
    let last = first;
    for (let i = 0; i < 15; i++) last = epoch();
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    assert.ok(mean(last) < 0.25 * mean(first), `loss ${mean(first)} → ${mean(last)}`);
    assert.throws(() => truncatedBptt(x, 0, () => [null, null]), /truncatedBptt: k must be a positive integer, got 0/);
  });
});

describe("gradient clipping rescues a long sequence", () => {
  test("an exploding relu RNN over 200 steps: plain SGD dies at the first step, clipped SGD reaches the solution", () => {
    manualSeed(12);
    const T = 200;
    const x = rand([T, 16, 1]);
    // the target is a leaky sum y = Σ 0.9^(T−t) x_t, which w_hh = 0.9, w_ih = 1 computes exactly
    const rows = x.reshape([T, 16]).toArray() as number[][];
    const y = tensor(rows.reduce((acc, row) => acc.map((a, b) => 0.9 * a + row[b]!), Array<number>(16).fill(0)), { shape: [16, 1] });
    const train = (clip: boolean): { losses: number[]; w: number; lastGrad: number } => {
      const rnn = new nn.RNN(1, 1, { nonlinearity: "relu", bias: false });
      setParams(rnn, { weight_ih_l0: [[1]], weight_hh_l0: [[1.02]] }); // 1.02^200 ≈ 52: exploding
      const opt = new optim.SGD(rnn.parameters(), { lr: 0.005 });
      const losses: number[] = [];
      let lastGrad = NaN;
      for (let i = 0; i < 30; i++) {
        opt.zeroGrad();
        const loss = F.mseLoss(rnn.forward(x)[1].reshape([16, 1]), y);
        loss.backward();
        lastGrad = optim.clipGradNorm(rnn.parameters(), clip ? 1 : Infinity).item();
        opt.step();
        losses.push(loss.item());
      }
      return { losses, w: Object.fromEntries(rnn.namedParameters()).weight_hh_l0!.item(), lastGrad };
    };
    const plain = train(false), clipped = train(true);
    assert.ok(plain.losses[0]! > 1e5, `initial loss ${plain.losses[0]}`);
    // unclipped, the first step (gradient norm ~5e8) throws w_hh far below zero: every unit is dead
    assert.ok(plain.w < -1e3 && plain.lastGrad === 0, `w_hh ${plain.w}, gradient ${plain.lastGrad}`);
    const meanY2 = y.square().mean().item();
    assert.ok(Math.abs(plain.losses.at(-1)! - meanY2) < 1e-3 * meanY2, "stuck predicting 0");
    assert.ok(Math.abs(clipped.w - 0.9) < 0.02, `clipped w_hh ${clipped.w}`);
    assert.ok(Math.min(...clipped.losses.slice(-10)) < 1e-2, `clipped losses ${clipped.losses.slice(-10).join(", ")}`);
  });
});

/** The reference backend under another name, counting the elements every kernel writes. */
function countingBackend(): { backend: Backend; written: () => number } {
  const cpu = new CpuBackend();
  let written = 0;
  const backend = new Proxy(cpu, {
    get(target, prop, receiver) {
      if (prop === "name") return "counting";
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        const out: unknown = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (out && typeof out === "object" && "length" in out && "dtype" in out) written += (out as { length: number }).length;
        return out;
      };
    },
  });
  return { backend, written: () => written };
}

describe("1,000 steps train in linear cost", () => {
  const { backend, written } = countingBackend();
  /** Elements written by one forward + backward of a bidirectional LSTM over T steps. */
  const cost = (T: number, inputNeedsGrad: boolean): number => on(backend, () => {
    manualSeed(13);
    const lstm = new nn.LSTM(2, 3, { bidirectional: true });
    const x = randn([T, 1, 2], { requiresGrad: inputNeedsGrad });
    const before = written();
    const [out, [hN]] = lstm.forward(x);
    out.sum().add(hN.sum()).backward();
    return written() - before;
  });
  test("four times the steps (250 → 1,000), four times the work", () => {
    const [a, b] = [250, 1000].map((T) => cost(T, false)) as [number, number];
    assert.ok(b / a < 4.1 && b / a > 3.9, `elements written: ${a}, ${b}`);
  });
  test("an input that needs its gradient stays linear (the fused layer's dx is one GEMM)", () => {
    const [a, b] = [250, 500].map((T) => cost(T, true)) as [number, number];
    assert.ok(b / a < 2.1, `elements written: ${a}, ${b}`);
  });
  test("the counter would catch quadratic growth: a per-step select of an input that needs its gradient (each backward pads to full length)", () => {
    const quadratic = (T: number): number => on(backend, () => {
      const x = randn([T, 1, 2], { requiresGrad: true });
      const before = written();
      let s = x.select(0, 0).sum();
      for (let t = 1; t < T; t++) s = s.add(x.select(0, t).sum());
      s.backward();
      return written() - before;
    });
    const [a, b] = [250, 500].map(quadratic) as [number, number];
    assert.ok(b / a > 2.2, `elements written: ${a}, ${b}`);
  });
});

describe("gradients of gradients through the fused layer", () => {
  for (const device of listBackends())
    test(`∂/∂W of ‖∂L/∂x‖² matches the composite cells for LSTM and GRU (${device})`, () => on(device, () => {
      for (const Layer of [nn.LSTM, nn.GRU]) {
        manualSeed(5);
        const m = new Layer(3, 4, { dtype: "float64" });
        const x = randn([5, 2, 3], { dtype: "float64", requiresGrad: true });
        const w = m.namedParameters().find(([k]) => k === "weight_hh_l0")![1];
        // composite: the cells of F, one step at a time, all on the tape
        const composite = (): Tensor => {
          const ps = Object.fromEntries(m.namedParameters());
          let h = tensor(new Float64Array(8), { shape: [2, 4], dtype: "float64" }), c = h;
          const outs: Tensor[] = [];
          for (let t = 0; t < 5; t++) {
            if (Layer === nn.LSTM) [h, c] = F.lstmCell(x.select(0, t), [h, c], ps.weight_ih_l0!, ps.weight_hh_l0!, ps.bias_ih_l0, ps.bias_hh_l0);
            else h = F.gruCell(x.select(0, t), h, ps.weight_ih_l0!, ps.weight_hh_l0!, ps.bias_ih_l0, ps.bias_hh_l0);
            outs.push(h);
          }
          return outs.map((o) => o.square().sum()).reduce((a, b) => a.add(b));
        };
        const second = (loss: Tensor): Tensor => {
          const [gx] = grad(loss, [x], { createGraph: true });
          return grad(gx!.square().sum(), [w])[0]!;
        };
        const fused = (): Tensor => (m.forward as (x: Tensor) => [Tensor, unknown])(x)[0].square().sum();
        assertClose(second(fused()), second(composite()), { atol: 1e-10, rtol: 1e-8 });
      }
    }));
});

describe("the fused layer's stash (gates and states saved by the forward for the backward)", () => {
  for (const device of listBackends())
    test(`is released by the backward, and a retained graph's second backward recomputes it: same gradients (${device})`, () => on(device, () => {
      for (const Layer of [nn.LSTM, nn.GRU]) {
        manualSeed(9);
        const m = new Layer(3, 8);
        const x = randn([6, 2, 3], { requiresGrad: true });
        const [out] = (m.forward as (x: Tensor) => [Tensor, unknown])(x);
        assert.ok(saved.has(out), `${Layer.name}: the forward keeps its stash`);
        const loss = out.square().sum();
        const grads = (): number[][] => [x, ...m.parameters()].map((p) => [...p.grad!.dataSync()]);
        loss.backward(undefined, { retainGraph: true });
        assert.ok(!saved.has(out), `${Layer.name}: the backward released the stash`);
        const first = grads();
        [x, ...m.parameters()].forEach((p) => (p.grad = null));
        loss.backward();
        assert.deepEqual(grads(), first, `${Layer.name}: the second backward's gradients`);
      }
    }));
});
