// Attention against PyTorch on every backend: score functions, scaledDotProductAttention (torch 2.x
// formula in float64), linear attention (its quadratic form), MultiheadAttention and the Transformer
// modules in every mask mode with torch's state dicts; float64 gradchecks; mask errors.

import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { backendByName, F, Generator, getBackend, listBackends, manualSeed, nn, randn, setBackend, tensor, zeros, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, fixture, values, type FixtureTensor } from "./helpers.js";
import { fusedOps, kernelRuns } from "../src/ops/fused/table.js";
import type { Storage, View } from "../src/backend/backend.js";
import { sideBySide } from "../src/backend/wasm/attention-jobs.js";

type State = Record<string, FixtureTensor>;
interface Ctor { class: string; args: unknown[]; options: Record<string, unknown>; layer?: Ctor; numLayers?: number; norm?: boolean }
interface ModCase {
  name: string;
  ctor: Ctor;
  stateDict: State;
  inputs: FixtureTensor[];
  options: Record<string, FixtureTensor | boolean | null>;
  out: FixtureTensor;
  weights: FixtureTensor | null;
  gradOutput: FixtureTensor;
  inputGrads: FixtureTensor[];
  paramGrads: State;
  selfAttention?: boolean;
}
interface Mods { mha: ModCase[]; layers: ModCase[]; stacks: ModCase[]; squareMask: FixtureTensor }
interface Sdpa { name: string; attnMask?: FixtureTensor; options: Record<string, unknown>; out: FixtureTensor }
interface Fn {
  q: FixtureTensor; k: FixtureTensor; v: FixtureTensor; sdpa: Sdpa[];
  dot: FixtureTensor; cosine: FixtureTensor; wQuery: FixtureTensor; wKey: FixtureTensor; vA: FixtureTensor; additive: FixtureTensor;
  linear: { q: FixtureTensor; k: FixtureTensor; v: FixtureTensor; out: FixtureTensor; causal: FixtureTensor };
}
const mods = fixture<Mods>("attention/modules.json");
const fn = fixture<Fn>("attention/functional.json");
const F32 = { rtol: 1e-4, atol: 1e-5 };
const GRAD = { rtol: 1e-3, atol: 1e-4 };

type AnyCtor = new (...args: unknown[]) => nn.Module<never[], unknown>;
function build(c: Ctor): nn.Module<never[], unknown> {
  const cls = (nn as unknown as Record<string, AnyCtor>)[c.class]!;
  if (c.layer) return new cls(build(c.layer), c.numLayers, c.norm ? new nn.LayerNorm(c.layer.args[0] as number) : null);
  return new cls(...c.args, c.options);
}

/** Runs `body` with `device` as the default backend (modules create their parameters there). */
function on(device: string, body: () => void): void {
  const before = getBackend();
  setBackend(backendByName(device));
  try {
    body();
  } finally {
    setBackend(before);
  }
}

for (const device of listBackends()) {
  const f64 = backendByName(device).supportsFloat64;
  const dt = f64 ? "float64" : "float32";
  const tol = f64 ? { rtol: 1e-9, atol: 1e-10 } : F32;
  const d = (t: FixtureTensor, requiresGrad = false): Tensor => decode(t, { device, dtype: t.dtype === "float64" ? dt : undefined, requiresGrad });

  describe(`attention functions on ${device}`, () => {
    const q = d(fn.q), k = d(fn.k), v = d(fn.v);
    for (const c of fn.sdpa)
      test(`scaledDotProductAttention: ${c.name}`, () => {
        const mask = c.attnMask ? d(c.attnMask) : undefined;
        assertClose(F.scaledDotProductAttention(q, k, v, mask, { ...c.options }), values(c.out), tol, c.name);
      });
    test("dot-product, cosine and additive scores", () => {
      assertClose(F.dotProductScores(q, k), values(fn.dot), tol, "dot");
      assertClose(F.cosineScores(q, k), values(fn.cosine), tol, "cosine");
      assertClose(F.additiveScores(q, k, d(fn.wQuery), d(fn.wKey), d(fn.vA)), values(fn.additive), tol, "additive");
    });
    test("linear attention (elu + 1) equals its quadratic form, plain and causal", () => {
      const l = fn.linear;
      assertClose(F.linearAttention(d(l.q), d(l.k), d(l.v)), values(l.out), tol, "linear");
      assertClose(F.linearAttention(d(l.q), d(l.k), d(l.v), { causal: true }), values(l.causal), tol, "causal linear");
    });
    test("the read-out: weights sum to one, masked keys get zero weight", () => {
      const scores = randn([2, 3, 4], { device });
      const mask = tensor([true, false, true, true], { device, dtype: "bool" });
      const [out, w] = F.attend(scores, randn([2, 4, 5], { device }), { mask });
      assert.deepEqual(out.shape, [2, 3, 5]);
      assertClose(w.sum(-1), Array(6).fill(1), F32);
      assert.ok(w.select(-1, 1).dataSync().every((x) => x === 0));
    });
    test("wrong mask dtype or shape names the function and the shapes", () => {
      assert.throws(() => F.scaledDotProductAttention(q, k, v, zeros([4, 5], { device, dtype: q.dtype })), /scaledDotProductAttention: attention mask \[4,5\] does not broadcast to the attention scores \[2,3,4,6\]/);
      assert.throws(() => F.scaledDotProductAttention(q, k, v, zeros([4, 6], { device, dtype: "int32" })), /scaledDotProductAttention: attention mask must be bool .* got int32/);
      assert.throws(() => F.scaledDotProductAttention(q, k, v, null, 0, false, { scael: 1 } as never), /unknown option 'scael' \(did you mean 'scale'\?\)/);
    });
  });

  const runCase = (c: ModCase): void => {
    on(device, () => {
      const m = build(c.ctor);
      assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.stateDict), "torch's state-dict keys in torch's order");
      m.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([key, t]) => [key, d(t)])));
      m.eval();
      const xs = c.inputs.map((t) => d(t, true));
      const opts = Object.fromEntries(Object.entries(c.options).map(([key, t]) => [key, t && typeof t === "object" ? d(t) : t]));
      const args = c.ctor.class === "MultiheadAttention" ? (c.selfAttention ? [xs[0], xs[0], xs[0]] : xs) : xs;
      const res = (m.forward as (...a: unknown[]) => Tensor | [Tensor, Tensor | null])(...args, opts);
      const [y, w] = Array.isArray(res) ? res : [res, null];
      assertClose(y, values(c.out), F32, `${c.name} output`);
      if (c.weights) assertClose(w!, values(c.weights), F32, `${c.name} weights`);
      else if (Array.isArray(res)) assert.equal(w, null);
      y.backward(d(c.gradOutput));
      xs.forEach((x, i) => assertClose(x.grad!, values(c.inputGrads[i]!), GRAD, `${c.name} input ${i} gradient`));
      const named = Object.fromEntries(m.namedParameters());
      for (const [key, g] of Object.entries(c.paramGrads)) assertClose(named[key]!.grad!, values(g), GRAD, `${c.name} grad of ${key}`);
    });
  };
  describe(`nn.MultiheadAttention matches torch on ${device}`, () => {
    for (const c of mods.mha) test(c.name, () => runCase(c));
  });
  describe(`Transformer layers match torch on ${device}`, () => {
    for (const c of [...mods.layers, ...mods.stacks]) test(c.name, () => runCase(c));
  });
}

describe("attention: gradcheck (float64, cpu), masks and errors", () => {
  test("scaledDotProductAttention, additive scores and linear attention", () => {
    const o = { dtype: "float64" as const, requiresGrad: true, device: "cpu" };
    const R = { maxFullOutputs: 0 }; // three random projections vᵀJ keep this fast
    const q = randn([2, 3, 4], o), k = randn([2, 5, 4], o), v = randn([2, 5, 3], o);
    const mask = tensor([[true, true, false, true, true]], { dtype: "bool", device: "cpu" });
    assert.ok(gradcheck((a, b, c) => F.scaledDotProductAttention(a, b, c, mask), [q, k, v], R));
    assert.ok(gradcheck((a, b, c) => F.scaledDotProductAttention(a, b, c, null, 0, true), [q, k, v], R));
    assert.ok(gradcheck((a, b) => F.cosineScores(a, b), [q, k], R));
    const wq = randn([6, 4], o), wk = randn([6, 4], o), va = randn([6], o);
    assert.ok(gradcheck((a, b, c, e, f) => F.additiveScores(a, b, c, e, f), [q, k, wq, wk, va], R));
    const l = randn([2, 5, 4], o);
    assert.ok(gradcheck((a, b, c) => F.linearAttention(a, b, c, { causal: true }), [l, k, v], R));
  });
  test("MultiheadAttention and an encoder layer (float64, masks, inputs and parameters)", () => {
    on("cpu", () => {
      const m = new nn.MultiheadAttention(4, 2, { addBiasKv: true, dtype: "float64" });
      const x = randn([3, 2, 4], { dtype: "float64", requiresGrad: true });
      const kpm = tensor([[false, false, true], [false, false, false]], { dtype: "bool" });
      const causal = nn.Transformer.generateSquareSubsequentMask(3, { dtype: "float64" });
      assert.ok(gradcheck((a) => m.forward(a, a, a, kpm, true, causal)[0], [x], { maxFullOutputs: 0 }));
      // Parameters: gradcheck passes perturbed copies, so the function puts them into the module.
      const xd = x.detach();
      assert.ok(gradcheck((w, bk, wo) => {
        [m.inProjWeight, m.biasK, m.outProj.weight] = [w, bk, wo];
        return m.forward(xd, xd, xd, kpm, true, causal)[0];
      }, [m.inProjWeight!, m.biasK!, m.outProj.weight], { maxFullOutputs: 0 }));
      const layer = new nn.TransformerEncoderLayer(4, 2, 6, 0, "gelu", { normFirst: true, dtype: "float64" }).eval();
      assert.ok(gradcheck((a) => layer.forward(a, causal, kpm), [x], { maxFullOutputs: 0 }));
    });
  });
  test("generateSquareSubsequentMask matches torch", () => {
    assertClose(nn.Transformer.generateSquareSubsequentMask(4), values(mods.squareMask));
  });
  test("masks of the wrong shape or dtype throw errors naming the module and the shapes", () => {
    const m = new nn.MultiheadAttention(4, 2);
    const x = randn([3, 2, 4]);
    assert.throws(() => m.forward(x, x, x, null, true, zeros([3, 4])), /nn\.MultiheadAttention: attnMask has shape \[3,4\], but should be \[L, S\] = \[3,3\] or \[N·numHeads, L, S\] = \[4,3,3\]/);
    assert.throws(() => m.forward(x, x, x, zeros([3, 2], { dtype: "bool" })), /nn\.MultiheadAttention: keyPaddingMask has shape \[3,2\], but should be \[N, S\] = \[2,3\]/);
    assert.throws(() => m.forward(x, x, x, null, true, zeros([3, 3], { dtype: "int32" })), /nn\.MultiheadAttention: attnMask must be bool .* got int32 with shape \[3,3\]/);
    assert.throws(() => m.forward(x, randn([3, 2, 5]), x), /nn\.MultiheadAttention\(embedDim=4, kdim=4, vdim=4\): got query \[3,2,4\], key \[3,2,5\]/);
    assert.throws(() => new nn.MultiheadAttention(5, 2), /embedDim \(5\) must be divisible by numHeads \(2\)/);
    assert.throws(() => new nn.TransformerEncoderLayer(4, 2, { dim_feedforward: 8 } as never), /nn\.TransformerEncoderLayer: unknown option 'dim_feedforward' \(did you mean 'dimFeedforward'\?\)/);
    const layer = new nn.TransformerEncoderLayer(4, 2, 8);
    assert.throws(() => layer.forward(x, zeros([2, 2])), /nn\.TransformerEncoderLayer \(self-attention\): srcMask has shape \[2,2\], but should be \[L, S\] = \[3,3\] .*\(query \[3,2,4\]/);
    assert.throws(() => layer.forward(x, null, zeros([2, 3], { dtype: "int32" })), /nn\.TransformerEncoderLayer \(self-attention\): srcKeyPaddingMask must be bool .* got int32 with shape \[2,3\]/);
    assert.throws(() => m.forward(x, x, x, zeros([2, 3], { dtype: "int32" })), /nn\.MultiheadAttention: keyPaddingMask must be bool .* got int32 with shape \[2,3\]/);
    assert.throws(() => new nn.TransformerEncoder(layer, 2).forward(x, null, zeros([3, 2], { dtype: "bool" })), /nn\.TransformerEncoderLayer \(self-attention\): srcKeyPaddingMask has shape \[3,2\], but should be \[N, S\] = \[2,3\]/);
    const dec = new nn.TransformerDecoderLayer(4, 2, 8), mem = randn([5, 2, 4]);
    assert.throws(() => dec.forward(x, mem, zeros([3, 5])), /nn\.TransformerDecoderLayer \(self-attention\): tgtMask has shape \[3,5\], but should be \[L, S\] = \[3,3\]/);
    assert.throws(() => dec.forward(x, mem, { memoryMask: zeros([3, 3]) }), /nn\.TransformerDecoderLayer \(cross-attention\): memoryMask has shape \[3,3\], but should be \[L, S\] = \[3,5\] .*key \[5,2,4\]/);
    assert.throws(() => dec.forward(x, mem, { memoryKeyPaddingMask: zeros([2, 3], { dtype: "bool" }) }), /nn\.TransformerDecoderLayer \(cross-attention\): memoryKeyPaddingMask has shape \[2,3\], but should be \[N, S\] = \[2,5\]/);
    assert.throws(() => dec.forward(x, mem, { tgtKeyPaddingMask: zeros([2, 3], { dtype: "float64" }) }), /nn\.TransformerDecoderLayer \(self-attention\): tgtKeyPaddingMask must be bool .* or float32 .* got float64/);
    const tf = new nn.Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
    assert.throws(() => tf.forward(mem, x, { srcMask: zeros([3, 3]) }), /nn\.TransformerEncoderLayer \(self-attention\): srcMask has shape \[3,3\], but should be \[L, S\] = \[5,5\]/);
    assert.throws(() => tf.forward(mem, x, { memoryMask: zeros([5, 3]) }), /nn\.TransformerDecoderLayer \(cross-attention\): memoryMask has shape \[5,3\], but should be \[L, S\] = \[3,5\]/);
    const add = new nn.AdditiveAttention(4, 4, 5), q = randn([2, 3, 4]), kv = randn([2, 5, 4]);
    assert.throws(() => add.forward(q, kv, kv, zeros([2, 3], { dtype: "bool" })), /nn\.AdditiveAttention: mask must be bool \(true = attend\) of shape \[N, S\] = \[2,5\] or \[N, L, S\] = \[2,3,5\], got bool \[2,3\] \(query \[2,3,4\], key \[2,5,4\]\)/);
    assert.throws(() => add.forward(q, kv, kv, zeros([2, 5])), /nn\.AdditiveAttention: mask must be bool .* got float32 \[2,5\]/);
  });
});

describe("attention runs the fused scaledDotProductAttention op", () => {
  for (const device of listBackends())
    test(`${device}: F.scaledDotProductAttention and MultiheadAttention record one fused node whose kernel ran, with dropout too`, () => {
      on(device, () => {
        const kernel = fusedOps().scaledDotProductAttention.kernels![device];
        const runs = (): number => kernelRuns.get(kernel) ?? 0;
        const before = runs();
        const q = randn([2, 3, 4], { requiresGrad: true }), k = randn([2, 5, 4]), v = randn([2, 5, 3]);
        const y = F.scaledDotProductAttention(q, k, v, tensor([true, false, true, true, true], { dtype: "bool" }));
        assert.equal(y.gradFn?.op, "scaledDotProductAttention");
        assert.equal(runs(), before + 1);
        const m = new nn.MultiheadAttention(4, 2, { batchFirst: true });
        const x = randn([2, 3, 4], { requiresGrad: true });
        const [out, w] = m.forward(x, x, x, tensor([[false, false, true], [false, false, false]], { dtype: "bool" }));
        assert.equal(runs(), before + 2);
        assertClose(w!.sum(-1), tensor([[1, 1, 1], [1, 1, 1]]), { atol: 1e-6 });
        out.sum().backward();
        assert.ok(x.grad && x.grad.abs().sum().item() > 0);
        const train = new nn.MultiheadAttention(4, 2, { dropout: 0.5, batchFirst: true });
        const [yd] = train.forward(x, x, x);
        assert.equal(yd.gradFn?.op, "linear");
        assert.equal(runs(), before + 3, "with dropout the fused kernel runs");
      });
    });
});

describe("positional encodings and weight tying", () => {
  test("the sinusoidal table follows sin(pos/10000^(2i/d)), cos(…) and is not in the state dict", () => {
    const pe = new nn.SinusoidalPositionalEncoding(6, { maxLen: 10 });
    const x = zeros([4, 2, 6]);
    const y = pe.forward(x);
    const expect: number[] = [];
    for (let pos = 0; pos < 4; pos++)
      for (let n = 0; n < 2; n++)
        for (let i = 0; i < 6; i++) {
          const a = pos * Math.exp((-Math.log(10000) * 2 * Math.floor(i / 2)) / 6); // torch tutorial's div_term form
          expect.push(i % 2 ? Math.cos(a) : Math.sin(a));
        }
    assertClose(y, expect, F32);
    assert.deepEqual(Object.keys(pe.stateDict()), []);
    assert.throws(() => pe.forward(zeros([11, 1, 6])), /SinusoidalPositionalEncoding: expected \[L, N, 6\] or \[L, 6\] with L ≤ maxLen 10, got \[11,1,6\]/);
    const bf = new nn.SinusoidalPositionalEncoding(6, { maxLen: 10, batchFirst: true }).forward(zeros([2, 4, 6]));
    assertClose(bf.select(0, 1), y.select(1, 0).dataSync(), F32);
  });
  test("learned positions get a gradient per used row only", () => {
    const pe = new nn.LearnedPositionalEncoding(8, 4, { batchFirst: true });
    pe.forward(randn([2, 3, 4])).sum().backward();
    const g = pe.weight.grad!.dataSync();
    assert.ok(g.slice(0, 12).every((v) => v === 2) && g.slice(12).every((v) => v === 0));
  });
  test("tieWeights: one matrix, counted once, gradient from both uses", () => {
    const emb = new nn.Embedding(5, 3), out = new nn.Linear(3, 5, false);
    nn.tieWeights(emb, out);
    assert.equal(out.weight, emb.weight);
    const model = new nn.ModuleList([emb, out]);
    assert.equal(model.parameters().length, 1);
    assert.deepEqual(Object.keys(model.stateDict()), ["0.weight", "1.weight"]);
    const ids = tensor([1, 2], { dtype: "int32" });
    const h = emb.forward(ids);
    out.forward(h).sum().backward();
    // d/dW of sum(E[ids]·Wᵀ) with W = E: rows of E used as inputs get Σ_out W + their use as outputs
    const e = emb.weight.detach();
    const colSum = e.sum(0); // from the un-embedding: each row r gets h summed over positions
    const expected = h.detach().sum(0).unsqueeze(0).expand(5, 3).add(
      tensor([0, 1, 1, 0, 0], { shape: [5, 1] }).mul(colSum.unsqueeze(0)));
    assertClose(emb.weight.grad!, expected.dataSync(), F32);
    const fresh = new nn.ModuleList([new nn.Embedding(5, 3), new nn.Linear(3, 5, false)]);
    nn.tieWeights(fresh.at(0) as nn.Embedding, fresh.at(1) as nn.Linear);
    fresh.loadStateDict(model.stateDict()); // both keys of the tied matrix load, as in torch
    assertClose((fresh.at(1) as nn.Linear).weight, emb.weight.dataSync(), F32);
    assert.throws(() => nn.tieWeights(new nn.Embedding(5, 3), new nn.Linear(3, 4)), /tieWeights: embedding weight \[5,3\] and output weight \[4,3\]/);
  });
});

describe("attention: dropout, unbatched inputs, initialisation", () => {
  test("dropout on the weights is unbiased: the mean over seeds approaches the output without dropout", () => {
    const q = randn([1, 3, 4]), k = randn([1, 5, 4]), v = randn([1, 5, 2]);
    const exact = F.scaledDotProductAttention(q, k, v).dataSync();
    const acc = new Float64Array(exact.length);
    const runs = 400;
    for (let s = 0; s < runs; s++) F.scaledDotProductAttention(q, k, v, null, 0.3, { generator: new Generator(s) }).dataSync().forEach((x, i) => (acc[i]! += x / runs));
    acc.forEach((x, i) => assert.ok(Math.abs(x - exact[i]!) < 0.12, `element ${i}: ${x} vs ${exact[i]}`));
    const a = F.scaledDotProductAttention(q, k, v, null, 0.3, { generator: new Generator(7) }).dataSync();
    assert.deepEqual(a, F.scaledDotProductAttention(q, k, v, null, 0.3, { generator: new Generator(7) }).dataSync());
    assert.notDeepEqual(a, exact);
  });
  for (const device of listBackends())
    test(`${device}: dropout inside the fused op equals the composite softmax → F.dropout → matmul with the same generator (values and gradients)`, () => {
      on(device, () => {
        const mk = (): Tensor[] => ([[2, 2, 5, 8], [2, 2, 6, 8], [2, 2, 6, 4]] as const).map((sh, i) => randn([...sh], { generator: new Generator(i + 1), requiresGrad: true }));
        const mask = tensor(Array.from({ length: 30 }, (_, i) => i % 7 !== 3), { shape: [5, 6], dtype: "bool" });
        const [q, k, v] = mk(), [q2, k2, v2] = mk();
        const y = F.scaledDotProductAttention(q!, k!, v!, mask, 0.4, { generator: new Generator(9) });
        assert.equal(y.gradFn?.op, "scaledDotProductAttention");
        const scores = q2!.matmul(k2!.mT).mul(1 / Math.sqrt(8)).maskedFill(mask.logicalNot(), -Infinity);
        const want = F.dropout(scores.softmax(-1), { p: 0.4, generator: new Generator(9) }).matmul(v2!);
        assertClose(y, want, { atol: 1e-5 });
        const gy = randn(y.shape, { generator: new Generator(4) });
        y.mul(gy).sum().backward();
        want.mul(gy).sum().backward();
        for (const [a, b] of [[q, q2], [k, k2], [v, v2]] as const) assertClose(a!.grad!, b!.grad!, { atol: 1e-4 });
      });
    });
  test("MultiheadAttention: unbatched [L, E] equals batched with N = 1; eval turns dropout off", () => {
    const m = new nn.MultiheadAttention(4, 2, { dropout: 0.5 }).eval();
    const x = randn([3, 4]), kpm = tensor([false, true, false], { dtype: "bool" });
    const [y1, w1] = m.forward(x, x, x, kpm);
    const [y2, w2] = m.forward(x.unsqueeze(1), x.unsqueeze(1), x.unsqueeze(1), kpm.unsqueeze(0));
    assertClose(y1, y2.squeeze(1).dataSync(), F32);
    assertClose(w1!, w2!.squeeze(0).dataSync(), F32);
    assert.deepEqual(w1!.shape, [3, 3]);
  });
  test("MultiheadAttention self-attention (one in-projection split into q, k, v; gradients side by side, no cat) equals three projections", () => {
    manualSeed(5);
    const m = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const mask = nn.Transformer.generateSquareSubsequentMask(5), gy = randn([2, 5, 8]);
    const run = (same: boolean): Tensor[] => {
      const x = randn([2, 5, 8], { generator: new Generator(11) });
      x.requiresGrad = true;
      m.zeroGrad();
      // key and value as other tensors (x + 0, x·1) take the three-projection path
      const [y] = same ? m.forward(x, x, x, { attnMask: mask, needWeights: false }) : m.forward(x, x.add(0), x.mul(1), { attnMask: mask, needWeights: false });
      y.mul(gy).sum().backward();
      return [y, x.grad!, m.inProjWeight!.grad!, m.inProjBias!.grad!];
    };
    const packed = run(true), three = run(false);
    packed.forEach((t, i) => assertClose(t, three[i]!.dataSync(), F32));
  });
  test("nn.Transformer re-initialises matrices with Xavier-uniform, as torch does", () => {
    manualSeed(0);
    const t = new nn.Transformer({ dModel: 16, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 32 });
    const w = t.encoder.layers[0]!.linear1.weight; // [32, 16]: Xavier bound √(6/48) ≈ 0.354, Linear's would be 1/4
    assert.ok(w.abs().amax().item() > 0.3 && w.abs().amax().item() <= Math.sqrt(6 / 48) + 1e-6);
  });
});

test("nn.AdditiveAttention: Bahdanau scores, masked softmax, weighted sum; parameters get gradients", () => {
  const m = new nn.AdditiveAttention(3, 4, 5);
  assert.deepEqual(Object.keys(m.stateDict()), ["w_query", "w_key", "v"]);
  const q = randn([2, 1, 3]), k = randn([2, 6, 4]), v = randn([2, 6, 2]);
  const mask = tensor([[true, true, true, false, false, false], [true, true, true, true, true, true]], { dtype: "bool" });
  const [ctx, w] = m.forward(q, k, v, mask);
  const scores = F.additiveScores(q, k, m.wQuery, m.wKey, m.v);
  const expectW = scores.maskedFill(mask.logicalNot().unsqueeze(1), -Infinity).softmax(-1);
  assertClose(w, expectW.dataSync(), F32);
  assertClose(ctx, expectW.matmul(v).dataSync(), F32);
  assert.ok(w.select(0, 0).narrow(-1, 3, 3).dataSync().every((x) => x === 0));
  ctx.sum().backward();
  assert.ok(m.parameters().every((p) => p.grad !== null && p.grad.abs().sum().item() > 0));
});

test("sideBySide: q, k, v head views of one [N, L, 3E] projection lie side by side; overlapping or repeated views do not", () => {
  const storage = { dtype: "float32" } as unknown as Storage, N = 2, L = 3, H = 2, hd = 4, E = H * hd;
  const head = (part: number, offset = part * E): View => ({ storage, shape: [N, H, L, hd], strides: [L * 3 * E, hd, 3 * E, 1], offset });
  assert.equal(sideBySide([head(0), head(1), head(2)]), N * L * 3 * E);
  assert.equal(sideBySide([head(0), head(0), head(2)]), null); // q and k the same memory
  assert.equal(sideBySide([head(0), head(1, hd), head(2)]), null); // k overlaps q's second head
  assert.equal(sideBySide([head(0), { ...head(1), strides: [L * 3 * E, hd, 3 * E, 0] }, head(2)]), null); // other strides
});
