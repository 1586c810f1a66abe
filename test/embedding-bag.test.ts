// F.embedding / nn.Embedding with maxNorm, and nn.EmbeddingBag / F.embeddingBag, against torch 1.13
// (tools/fixtures/embedding_bag.py) on both backends, float64 gradchecks, and the errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, grad, listBackends, nn, arange, randn, tensor, zeros, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

interface RenormCase { ids: FixtureTensor; maxNorm: number; normType: number | "inf"; paddingIdx: number | null; w0: FixtureTensor; y: FixtureTensor; wAfter: FixtureTensor; grad: FixtureTensor }
interface BagCase {
  ids: FixtureTensor; offsets: FixtureTensor | null; mode: "sum" | "mean" | "max"; paddingIdx: number | null; perSampleWeights: FixtureTensor | null;
  includeLastOffset: boolean; maxNorm: number | null; w0: FixtureTensor; y: FixtureTensor; wAfter: FixtureTensor; grad: FixtureTensor; pswGrad: FixtureTensor | null;
}
interface FreqCase { ids: FixtureTensor; paddingIdx: number | null; maxNorm: number | null; w0: FixtureTensor; y: FixtureTensor; wAfter: FixtureTensor; grad: FixtureTensor }
type FreqBagCase = Omit<BagCase, "maxNorm" | "wAfter">;
const fx = fixture<{ renorm: RenormCase[]; freq: FreqCase[]; bags: BagCase[]; freqBags: FreqBagCase[] }>("nn/embedding-bag.json");
const weightedSum = (y: Tensor): Tensor => y.mul(arange(y.numel).reshape(y.shape).to(y.dtype)).sum();
const tol = { rtol: 1e-6, atol: 1e-6 };

describe("Embedding maxNorm matches torch (rows renormalized in place before the lookup)", () => {
  for (const device of listBackends())
    for (const [i, c] of fx.renorm.entries()) {
      const normType = c.normType === "inf" ? Infinity : c.normType;
      const what = `ids ${JSON.stringify(c.ids.shape)}, maxNorm ${c.maxNorm}, normType ${c.normType}, paddingIdx ${c.paddingIdx}`;
      it(`${device}: F.embedding, ${what}`, () => on(device, () => {
        const w = decode(c.w0, { requiresGrad: true });
        const y = F.embedding(decode(c.ids), w, c.paddingIdx, c.maxNorm, normType);
        assertClose(y, values(c.y), tol, "output");
        assertClose(w, values(c.wAfter), tol, "table after");
        weightedSum(y).backward();
        assertClose(w.grad!, values(c.grad), tol, "table gradient");
      }));
      if (i < 2)
        it(`${device}: nn.Embedding, ${what}`, () => on(device, () => {
          const m = new nn.Embedding(6, 3, { paddingIdx: c.paddingIdx, maxNorm: c.maxNorm, normType });
          m.loadStateDict({ weight: decode(c.w0) });
          const y = m.forward(decode(c.ids));
          assertClose(y, values(c.y), tol, "output");
          assertClose(m.weight, values(c.wAfter), tol, "table after");
          weightedSum(y).backward();
          assertClose(m.weight.grad!, values(c.grad), tol, "table gradient");
        }));
    }

  for (const device of listBackends())
    for (const [i, c] of fx.freq.entries())
      it(`${device}: scaleGradByFreq divides each row's gradient by its count, ids ${JSON.stringify(values(c.ids))}${c.maxNorm ? `, maxNorm ${c.maxNorm}` : ""}`, () => on(device, () => {
        let w: Tensor;
        let y: Tensor;
        if (i % 2) {
          const m = new nn.Embedding(6, 3, c.paddingIdx, c.maxNorm, 2, true);
          m.loadStateDict({ weight: decode(c.w0) });
          [w, y] = [m.weight, m.forward(decode(c.ids))];
        } else {
          w = decode(c.w0, { requiresGrad: true });
          y = F.embedding(decode(c.ids), w, { paddingIdx: c.paddingIdx, maxNorm: c.maxNorm, scaleGradByFreq: true });
        }
        assert.deepEqual([...y.dataSync()].map((v) => v + 0), values(c.y).map((v) => v + 0), "output (the lookup's values, bit for bit)");
        assertClose(w, values(c.wAfter), tol, "table after");
        weightedSum(y).backward();
        assertClose(w.grad!, values(c.grad), tol, "table gradient");
      }));

  it("scaleGradByFreq, float64: row r's gradient is Σ_k g_k / count(r)", () => on("cpu", () => {
    const w = randn([4, 2], { dtype: "float64", requiresGrad: true });
    const ids = tensor([1, 1, 3, 1], { dtype: "int32" });
    const g = grad(F.embedding(ids, w, { scaleGradByFreq: true }).square().sum(), w)[0]!;
    // Σ_k 2·W[i_k] over the 3 (or 1) lookups of a row, divided by that count: 2·W[r]
    const W = w.toArray() as number[][];
    assertClose(g, [0, 0, 2 * W[1]![0]!, 2 * W[1]![1]!, 0, 0, 2 * W[3]![0]!, 2 * W[3]![1]!], { rtol: 1e-12, atol: 1e-12 });
  }));

  it("options: positional as torch, printed when not the default, unsupported ones rejected", () => {
    const m = new nn.Embedding(5, 3, null, 1, 1);
    assert.deepEqual([m.maxNorm, m.normType], [1, 1]);
    assert.equal(m.toString(), "Embedding(numEmbeddings=5, embeddingDim=3, maxNorm=1, normType=1)");
    assert.throws(() => new nn.Embedding(5, 3, { sparse: true }), /nn.Embedding: sparse gradients are not supported \(myelin has no sparse tensors\)/);
    assert.throws(() => F.embedding(tensor([0], { dtype: "int32" }), zeros([2, 2]), { maxNorm: -1 }), /F.embedding: maxNorm must be a non-negative number or null, got -1/);
    assert.throws(() => new nn.Embedding(5, 3, { max_norm: 1 } as never), /nn.Embedding: unknown option 'max_norm' \(did you mean 'maxNorm'\?\)/);
  });
});

describe("EmbeddingBag matches torch", () => {
  for (const device of listBackends())
    for (const [i, c] of fx.bags.entries()) {
      const what = `ids ${JSON.stringify(c.ids.shape)}${c.offsets ? `, offsets ${JSON.stringify(values(c.offsets))}` : ""}, ${c.mode}` +
        `${c.paddingIdx !== null ? `, paddingIdx ${c.paddingIdx}` : ""}${c.perSampleWeights ? ", perSampleWeights" : ""}` +
        `${c.includeLastOffset ? ", includeLastOffset" : ""}${c.maxNorm !== null ? `, maxNorm ${c.maxNorm}` : ""}`;
      it(`${device}: ${i % 2 ? "nn.EmbeddingBag" : "F.embeddingBag"}, ${what}`, () => on(device, () => {
        const psw = c.perSampleWeights ? decode(c.perSampleWeights, { requiresGrad: true }) : null;
        const offsets = c.offsets ? decode(c.offsets) : null;
        let w: Tensor;
        let y: Tensor;
        if (i % 2) {
          const m = new nn.EmbeddingBag(7, 3, { mode: c.mode, paddingIdx: c.paddingIdx, includeLastOffset: c.includeLastOffset, maxNorm: c.maxNorm });
          m.loadStateDict({ weight: decode(c.w0) });
          [w, y] = [m.weight, m.forward(decode(c.ids), offsets, psw)];
        } else {
          w = decode(c.w0, { requiresGrad: true });
          y = F.embeddingBag(decode(c.ids), w, offsets, c.maxNorm, 2, false, c.mode, false, psw, c.includeLastOffset, c.paddingIdx);
        }
        assert.deepEqual(y.shape, c.y.shape);
        assertClose(y, values(c.y), tol, "output");
        assertClose(w, values(c.wAfter), tol, "table after");
        weightedSum(y).backward();
        assertClose(w.grad!, values(c.grad), tol, "table gradient");
        if (c.pswGrad) assertClose(psw!.grad!, values(c.pswGrad), tol, "perSampleWeights gradient");
      }));
    }

  // torch 1.13's own embedding_bag backward scales by the wrong index's count (tools/fixtures/embedding_bag.py):
  // these fixtures are its documented meaning, built from F.embedding's scale_grad_by_freq, and equal
  // torch's embedding_bag where its count happens to be right (the last case)
  for (const device of listBackends())
    for (const [i, c] of fx.freqBags.entries()) {
      const what = `ids ${JSON.stringify(values(c.ids))}${c.offsets ? `, offsets ${JSON.stringify(values(c.offsets))}` : ""}, ${c.mode}` +
        `${c.paddingIdx !== null ? `, paddingIdx ${c.paddingIdx}` : ""}${c.perSampleWeights ? ", perSampleWeights" : ""}${c.includeLastOffset ? ", includeLastOffset" : ""}`;
      it(`${device}: ${i % 2 ? "nn.EmbeddingBag" : "F.embeddingBag"} scaleGradByFreq divides each index's gradient by its count in the bags, ${what}`, () => on(device, () => {
        const psw = c.perSampleWeights ? decode(c.perSampleWeights, { requiresGrad: true }) : null;
        const offsets = c.offsets ? decode(c.offsets) : null;
        let w: Tensor;
        let y: Tensor;
        if (i % 2) {
          const m = new nn.EmbeddingBag(6, 3, null, 2, true, c.mode, false, c.includeLastOffset, c.paddingIdx);
          m.loadStateDict({ weight: decode(c.w0) });
          [w, y] = [m.weight, m.forward(decode(c.ids), offsets, psw)];
        } else {
          w = decode(c.w0, { requiresGrad: true });
          y = F.embeddingBag(decode(c.ids), w, { offsets, scaleGradByFreq: true, mode: c.mode, perSampleWeights: psw, includeLastOffset: c.includeLastOffset, paddingIdx: c.paddingIdx });
        }
        assertClose(y, values(c.y), tol, "output");
        weightedSum(y).backward();
        assertClose(w.grad!, values(c.grad), tol, "table gradient");
        if (c.pswGrad) assertClose(psw!.grad!, values(c.pswGrad), tol, "perSampleWeights gradient (not scaled)");
      }));
    }

  it("scaleGradByFreq, float64: index r's gradient in a sum bag is Σ_k g_k / count(r); max mode throws as torch", () => on("cpu", () => {
    const w = randn([4, 2], { dtype: "float64", requiresGrad: true });
    const ids = tensor([[1, 1, 3], [1, 0, 3]], { dtype: "int32" });
    const g = grad(F.embeddingBag(ids, w, { mode: "sum", scaleGradByFreq: true }).square().sum(), w)[0]!;
    // bag b's output o_b = Σ rows; d/dW[r] of Σ_b ‖o_b‖² is Σ over r's lookups of 2·o_b, divided by r's count
    const W = w.toArray() as number[][];
    const o0 = [0, 1].map((j) => 2 * W[1]![j]! + W[3]![j]!), o1 = [0, 1].map((j) => W[1]![j]! + W[0]![j]! + W[3]![j]!);
    const expect = [0, 1].map((j) => 2 * o1[j]!)
      .concat([0, 1].map((j) => (2 * (2 * o0[j]!) + 2 * o1[j]!) / 3), [0, 0], [0, 1].map((j) => (2 * o0[j]! + 2 * o1[j]!) / 2));
    assertClose(g, expect, { rtol: 1e-12, atol: 1e-12 });
    assert.throws(() => F.embeddingBag(ids, w, { mode: "max", scaleGradByFreq: true }), /F.embeddingBag: max mode does not support scaling the gradient by the frequency/);
    assert.throws(() => new nn.EmbeddingBag(4, 2, { mode: "max", scaleGradByFreq: true }).forward(ids), /max mode does not support scaling the gradient by the frequency/);
  }));

  it("gradcheck (float64): table and perSampleWeights, sum / mean / max", () => on("cpu", () => {
    const ids = tensor([1, 2, 2, 0, 6, 5, 1], { dtype: "int32" });
    const offsets = tensor([0, 2, 2, 5], { dtype: "int32" });
    const w = randn([7, 3], { dtype: "float64", requiresGrad: true });
    for (const mode of ["sum", "mean", "max"] as const)
      assert.ok(gradcheck((t) => F.embeddingBag(ids, t, offsets, { mode, paddingIdx: 5 }), [w]), mode);
    const psw = randn([7], { dtype: "float64", requiresGrad: true });
    assert.ok(gradcheck((t, p) => F.embeddingBag(ids, t, offsets, { mode: "sum", perSampleWeights: p }), [w, psw]), "perSampleWeights");
  }));

  it("state dict, initialisation (padding row zeroed), printing", () => {
    const m = new nn.EmbeddingBag(6, 4, null, 2, false, "sum", false, false, -1);
    assert.deepEqual(Object.keys(m.stateDict()), ["weight"]);
    assert.deepEqual([...m.weight.dataSync().slice(20)], [0, 0, 0, 0]);
    assert.equal(m.toString(), "EmbeddingBag(numEmbeddings=6, embeddingDim=4, mode='sum', paddingIdx=-1)"); // the call, as written
  });

  it("errors name the function and what was expected", () => {
    const w = zeros([4, 2]);
    const ids = tensor([0, 1, 2], { dtype: "int32" });
    const int = (v: number[]): Tensor => tensor(v, { dtype: "int32" });
    assert.throws(() => F.embeddingBag(ids, w), /F.embeddingBag: a 1-D input needs 1-D int32 offsets, got null/);
    assert.throws(() => F.embeddingBag(int([0, 1, 2, 3]).reshape([2, 2]), w, int([0, 1])), /offsets must be null for a 2-D input \[2,2\]/);
    assert.throws(() => F.embeddingBag(ids, w, int([1, 2])), /offsets\[0\] must be 0/);
    assert.throws(() => F.embeddingBag(ids, w, int([0, 2, 1])), /offsets must be non-decreasing, got 2 then 1 at 2/);
    assert.throws(() => F.embeddingBag(ids, w, int([0, 4])), /offsets\[-1\] = 4 is past the input's length 3/);
    assert.throws(() => F.embeddingBag(int([0, 4]), w, int([0])), /F.embeddingBag: index 4 is out of range for 4 embeddings/);
    assert.throws(() => F.embeddingBag(ids, w, int([0]), { mode: "max", perSampleWeights: zeros([3]) }), /perSampleWeights is only supported for mode 'sum' \(as torch\), got mode 'max'/);
    assert.throws(() => F.embeddingBag(ids, w, int([0]), { mode: "sum", perSampleWeights: zeros([2]) }), /perSampleWeights \[2\] must have the input's shape \[3\]/);
    assert.throws(() => F.embeddingBag(ids, w, int([0]), { mode: "prod" as never }), /mode must be 'sum', 'mean' or 'max', got prod/);
    assert.throws(() => new nn.EmbeddingBag(4, 2, { sparse: true }), /nn.EmbeddingBag: sparse gradients are not supported/);
    assert.throws(() => new nn.EmbeddingBag(4, 2, { paddingIdx: 4 }), /paddingIdx 4 must be an integer within \[-4, 4\)/);
    assert.throws(() => new nn.EmbeddingBag(4, 2, { per_sample_weights: 1 } as never), /nn.EmbeddingBag: unknown option 'per_sample_weights'/);
  });
});
