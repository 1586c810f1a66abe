// The course's recurrent networks that PyTorch lacks, checked against their formulas: the Jordan
// network and deck 004's sigmoid/softmax RNN against plain float64 loops, the fully recurrent
// network against the PyTorch-checked nn.RNN it reduces to, float64 gradchecks, and a learning test.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { listBackends, manualSeed, nn, noGrad, optim, randn, tensor, type Tensor } from "../src/index.js";
import { on } from "./helpers.js";
import { assertClose, gradcheck } from "../src/testing/index.js";

type Mat = number[][];
const mat = (t: Tensor): Mat => t.toArray() as Mat;
const vec = (t: Tensor | null, n: number): number[] => (t ? (t.toArray() as number[]) : Array<number>(n).fill(0));
/** W·v + b for plain arrays. */
const mv = (w: Mat, v: number[], b?: number[]): number[] => w.map((row, i) => row.reduce((s, wij, j) => s + wij * v[j]!, b?.[i] ?? 0));
const add = (a: number[], b: number[]): number[] => a.map((v, i) => v + b[i]!);
const sig = (v: number[]): number[] => v.map((x) => 1 / (1 + Math.exp(-x)));
const softmax = (v: number[]): number[] => {
  const m = Math.max(...v), e = v.map((x) => Math.exp(x - m)), s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
};

describe("nn.JordanRNN (deck 002: h_t = f(W_x x_t + W_h ŷ_{t−1} + b), ŷ_t = g(W_y h_t + b_y))", () => {
  test("matches a float64 loop of the deck's formula, with a given ŷ_0 and sigmoid output", () => {
    manualSeed(1);
    const net = new nn.JordanRNN(3, 5, 2, { outputActivation: "sigmoid", dtype: "float64" });
    const x = randn([6, 2, 3], { dtype: "float64" });
    const y0 = randn([2, 2], { dtype: "float64" });
    const [ys, yLast] = net.forward(x, y0);
    const [wx, wh, wy] = [mat(net.weightX), mat(net.weightH), mat(net.weightY)];
    const [bh, by] = [vec(net.biasH, 5), vec(net.biasY, 2)];
    const want: number[][][] = [];
    const xs = x.toArray() as number[][][];
    let prev = y0.toArray() as Mat;
    for (let t = 0; t < 6; t++) {
      prev = prev.map((yb, b) => sig(mv(wy, add(mv(wx, xs[t]![b]!, bh), mv(wh, yb)).map(Math.tanh), by)));
      want.push(prev);
    }
    assertClose(ys, want.flat(2), { rtol: 1e-12, atol: 1e-12 });
    assertClose(yLast, prev.flat(), { rtol: 1e-12, atol: 1e-12 });
    assert.deepEqual(Object.keys(net.stateDict()), ["weight_x", "weight_h", "bias_h", "weight_y", "bias_y"]);
  });
  test("float64 gradcheck through time (input, ŷ_0 and every weight)", () => {
    manualSeed(2);
    const net = new nn.JordanRNN(2, 3, 2, { dtype: "float64", batchFirst: true });
    const x = randn([2, 4, 2], { dtype: "float64", requiresGrad: true });
    const y0 = randn([2, 2], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((a, b) => net.forward(a, b)[0], [x, y0]));
    const [wx, wh, wy] = [net.weightX, net.weightH, net.weightY];
    assert.ok(gradcheck((p, q, r) => {
      net.weightX = p!; net.weightH = q!; net.weightY = r!;
      return net.forward(x.detach())[0];
    }, [wx, wh, wy]));
  });
  test("learns a running sum (the output feedback is the memory) with identity activations", () => {
    manualSeed(3);
    const net = new nn.JordanRNN(1, 4, 1, { nonlinearity: "identity" });
    const opt = new optim.Adam(net.parameters(), { lr: 0.1 });
    const x = randn([8, 16, 1]).mul(0.5);
    const rows = x.reshape([8, 16]).toArray() as Mat;
    rows.forEach((row, t) => t > 0 && row.forEach((v, b) => (row[b] = v + rows[t - 1]![b]!)));
    const target = tensor(rows).reshape([8, 16, 1]);
    let loss = Infinity;
    for (let i = 0; i < 120; i++) {
      opt.zeroGrad();
      const l = net.forward(x)[0].sub(target).square().mean();
      l.backward();
      opt.step();
      loss = l.item();
    }
    assert.ok(loss < 1e-3, `MSE ${loss}`);
  });
});

describe("nn.FullyRecurrent (deck 000: a_t = f(W [x_t; a_{t−1}] + b))", () => {
  for (const device of listBackends())
    test(`with every unit an output it is an Elman nn.RNN (torch-checked) with W = [W_ih | W_hh] (${device})`, () => on(device, () => {
      manualSeed(4);
      const frnn = new nn.FullyRecurrent(3, 5);
      const rnn = new nn.RNN(3, 5);
      const p = Object.fromEntries(rnn.namedParameters());
      noGrad(() => {
        p.weight_ih_l0!.assign(frnn.weight.narrow(1, 0, 3));
        p.weight_hh_l0!.assign(frnn.weight.narrow(1, 3, 5));
        p.bias_ih_l0!.assign(frnn.bias!);
        p.bias_hh_l0!.assign(p.bias_hh_l0!.mul(0));
      });
      const x = randn([7, 2, 3]);
      const [a, aT] = frnn.forward(x);
      const [h, hN] = rnn.forward(x);
      assertClose(a, h, { rtol: 1e-6, atol: 1e-6 });
      assertClose(aT, hN.squeeze(0), { rtol: 1e-6, atol: 1e-6 });
      a.sum().backward();
      h.sum().backward();
      assertClose(frnn.weight.grad!.narrow(1, 3, 5), p.weight_hh_l0!.grad!, { rtol: 1e-4, atol: 1e-5 });
    }));
  test("outputs are the first outputSize units; float64 gradcheck; bad outputSize is an error", () => {
    manualSeed(5);
    const frnn = new nn.FullyRecurrent(2, 4, 1, { dtype: "float64" });
    const x = randn([5, 3, 2], { dtype: "float64", requiresGrad: true });
    const [y, aT] = frnn.forward(x);
    assert.deepEqual([y.shape, aT.shape], [[5, 3, 1], [3, 4]]);
    assertClose(y.select(0, 4), aT.narrow(1, 0, 1), { rtol: 0, atol: 0 });
    assert.ok(gradcheck((a) => frnn.forward(a)[0], [x]));
    assert.throws(() => new nn.FullyRecurrent(2, 4, 5), /outputSize must be an integer in \[1, numUnits = 4\], got 5/);
  });
});

describe("nn.SigmoidRNN (deck 004: S_t = σ(U X_t + W S_{t−1}), O_t = softmax(V S_t))", () => {
  test("matches a float64 loop of the deck's formula; outputs are distributions", () => {
    manualSeed(6);
    const net = new nn.SigmoidRNN(3, 4, 5, { dtype: "float64" });
    const x = randn([4, 2, 3], { dtype: "float64" });
    const [o, sT] = net.forward(x);
    const [u, w, v] = [mat(net.weightU), mat(net.weightW), mat(net.weightV)];
    let s: Mat = [[0, 0, 0, 0], [0, 0, 0, 0]];
    const want: Mat[] = [];
    for (const xt of x.toArray() as number[][][]) {
      s = s.map((sb, b) => sig(add(mv(u, xt[b]!), mv(w, sb))));
      want.push(s.map((sb) => softmax(mv(v, sb))));
    }
    assertClose(o, want.flat(2), { rtol: 1e-12, atol: 1e-12 });
    assertClose(sT, s.flat(), { rtol: 1e-12, atol: 1e-12 });
    assertClose(o.sum(-1), Array<number>(8).fill(1), { rtol: 1e-12, atol: 1e-12 });
    assert.deepEqual(Object.keys(net.stateDict()), ["weight_u", "weight_w", "weight_v"]);
  });
  test("float64 gradcheck, with biases", () => {
    manualSeed(7);
    const net = new nn.SigmoidRNN(2, 3, 3, { dtype: "float64", bias: true });
    const x = randn([3, 2, 2], { dtype: "float64", requiresGrad: true });
    const s0 = randn([2, 3], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((a, b) => net.forward(a, b)[0], [x, s0]));
  });
});
