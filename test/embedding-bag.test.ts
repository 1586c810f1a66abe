// F.embedding / nn.Embedding with maxNorm, and nn.EmbeddingBag / F.embeddingBag, against torch 1.13
// (tools/fixtures/embedding_bag.py) on both backends, float64 gradchecks, and the errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, listBackends, nn, arange, tensor, zeros, type Tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

interface RenormCase { ids: FixtureTensor; maxNorm: number; normType: number | "inf"; paddingIdx: number | null; w0: FixtureTensor; y: FixtureTensor; wAfter: FixtureTensor; grad: FixtureTensor }
const fx = fixture<{ renorm: RenormCase[] }>("nn/embedding-bag.json");
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

  it("options: positional as torch, printed when not the default, unsupported ones rejected", () => {
    const m = new nn.Embedding(5, 3, null, 1, 1);
    assert.deepEqual([m.maxNorm, m.normType], [1, 1]);
    assert.equal(m.toString(), "Embedding(numEmbeddings=5, embeddingDim=3, maxNorm=1, normType=1)");
    assert.throws(() => new nn.Embedding(5, 3, { sparse: true }), /nn.Embedding: sparse gradients are not supported \(myelin has no sparse tensors\)/);
    assert.throws(() => new nn.Embedding(5, 3, { scaleGradByFreq: true }), /nn.Embedding: scaleGradByFreq is not supported/);
    assert.throws(() => F.embedding(tensor([0], { dtype: "int32" }), zeros([2, 2]), { maxNorm: -1 }), /F.embedding: maxNorm must be a non-negative number or null, got -1/);
    assert.throws(() => new nn.Embedding(5, 3, { max_norm: 1 } as never), /nn.Embedding: unknown option 'max_norm' \(did you mean 'maxNorm'\?\)/);
  });
});
