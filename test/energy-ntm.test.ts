// The neural Turing machine: each addressing step against its equation on hand-made values, float64
// gradient checks of the addressing, reading and writing, and the copy task learned to a stated bit
// error on held-out sequences of the training lengths and on longer ones.

import { test } from "node:test";
import assert from "node:assert/strict";
import { F, Generator, manualSeed, models, noGrad, optim, rand, tensor, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";

const arr = (t: Tensor): number[] => Array.from(t.dataSync(), (v) => +v.toFixed(5));

test("NTM addressing steps follow Graves et al.'s equations 5-9 on hand-made values", () => {
  const w = tensor([[0.1, 0.2, 0.3, 0.4]]);
  // eq. 8: a shift of +1 (s = [0, 0, 1] over −1, 0, +1) rotates the weights one slot forward; −1 back
  assert.deepEqual(arr(models.shiftConvolve(w, tensor([[0, 0, 1]]))), [0.4, 0.1, 0.2, 0.3]);
  assert.deepEqual(arr(models.shiftConvolve(w, tensor([[1, 0, 0]]))), [0.2, 0.3, 0.4, 0.1]);
  assert.deepEqual(arr(models.shiftConvolve(w, tensor([[0.5, 0, 0.5]]))), [0.3, 0.2, 0.3, 0.2]);
  // eq. 9: γ = 1 leaves a distribution unchanged, γ = 2 squares and renormalises
  assert.deepEqual(arr(models.sharpen(w, tensor([[1]]))), [0.1, 0.2, 0.3, 0.4]);
  assert.deepEqual(arr(models.sharpen(w, tensor([[2]]))), [1, 4, 9, 16].map((v) => +(v / 30).toFixed(5)));
  // eq. 5: cosine similarity ignores the scale of a row; a large β focuses on the matching one
  const memory = tensor([[[1, 0], [0, 1], [3, 3], [-1, 0]]]);
  const wc = models.contentAddressing(memory, tensor([[2, 2]]), tensor([[50]]));
  assert.ok(wc.dataSync()[2]! > 0.999, `content weights ${arr(wc)}`);
  const soft = models.contentAddressing(memory, tensor([[1, 0]]), tensor([[1]]));
  const e = [1, 0, Math.SQRT1_2, -1].map(Math.exp);
  assert.deepEqual(arr(soft), e.map((v) => +(v / e.reduce((a, b) => a + b)).toFixed(5)));
  // eq. 7: gate 0 keeps the previous weights (then the identity shift and γ = 1 change nothing)
  const prev = tensor([[0, 1, 0, 0]]);
  assert.deepEqual(arr(models.ntmAddressing(memory, prev, tensor([[2, 2]]), tensor([[50]]), tensor([[0]]), tensor([[0, 1, 0]]), tensor([[1]]))), [0, 1, 0, 0]);
  // eqs. 2-4: read the weighted row; erase then add at the written location only
  assert.deepEqual(arr(models.ntmRead(memory, tensor([[0, 0.5, 0.5, 0]]))), [1.5, 2]);
  const written = models.ntmWrite(memory, tensor([[0, 0, 1, 0]]), tensor([[1, 0]]), tensor([[0.5, 0.5]]));
  assert.deepEqual(arr(written), [1, 0, 0, 1, 0.5, 3.5, -1, 0]);
});

test("NTM addressing, reading and writing pass float64 gradient checks", () => {
  const g = new Generator(3);
  const r = (shape: number[], lo = -1, hi = 1): Tensor => {
    const t = rand(shape, { dtype: "float64", generator: g }).mul(hi - lo).add(lo);
    t.requiresGrad = true;
    return t;
  };
  const [b, n, m] = [2, 5, 3];
  const memory = r([b, n, m]), key = r([b, m]);
  const prev = r([b, n], 0.05, 1), beta = r([b, 1], 0.5, 3), gate = r([b, 1], 0.1, 0.9), shift = r([b, 3], 0.1, 1), gamma = r([b, 1], 1.1, 3);
  assert.ok(gradcheck((...xs) => models.ntmAddressing(xs[0]!, xs[1]!, xs[2]!, xs[3]!, xs[4]!, xs[5]!, xs[6]!), [memory, prev, key, beta, gate, shift, gamma], { maxFullOutputs: 16 }));
  const w = r([b, n], 0, 1), erase = r([b, m], 0, 1), add = r([b, m]);
  assert.ok(gradcheck((mm, ww, ee, aa) => models.ntmWrite(mm, ww, ee, aa), [memory, w, erase, add], { maxFullOutputs: 16 }));
  assert.ok(gradcheck((mm, ww) => models.ntmRead(mm, ww), [memory, w]));
});

test("models.NTM checks its options and input shape", () => {
  assert.throws(() => new models.NTM(5, 4, { memory_size: 8 } as never), /models\.NTM: unknown option 'memory_size' \(did you mean 'memorySize'\?\)/);
  assert.throws(() => new models.NTM(5, 4, { controller: "gru" } as never), /controller must be "lstm" or "mlp"/);
  assert.throws(() => new models.NTM(5, 4, { memorySize: 2, shiftRange: 1 }), /shiftRange/);
  assert.throws(() => new models.NTM(5, 4).forward(rand([3, 2, 4])), /expected input \[seq, batch, 5\], got \[3,2,4\]/);
  const ntm = new models.NTM(5, 4, { memorySize: 8, memoryWidth: 6, hiddenSize: 10 });
  assert.deepEqual(ntm.forward(rand([3, 2, 5])).shape, [3, 2, 4]);
  assert.deepEqual(ntm.lastWeights!.read.shape, [3, 2, 8]);
  const keys = Object.keys(ntm.stateDict());
  for (const k of ["controller.weight_ih", "read_params.weight", "write_params.bias", "out.weight", "read_init"]) assert.ok(keys.includes(k), `${k} in ${keys.join(", ")}`);
});

/** Bit error of thresholded outputs on a held-out batch of the copy task. */
function bitError(ntm: models.NTM, length: number, bits: number, seed: number): number {
  return noGrad(() => {
    const { input, target } = models.copyTask(100, length, bits, { generator: new Generator(seed) });
    return ntm.forward(input).narrow(0, length + 1, length).gt(0).float().ne(target).float().mean().item();
  });
}

test("an NTM with an MLP controller learns the copy task and copies sequences twice as long as any it saw", () => {
  manualSeed(0);
  const g = new Generator(1);
  const bits = 4;
  const ntm = new models.NTM(bits + 1, bits, { memorySize: 16, memoryWidth: 8, hiddenSize: 32, controller: "mlp" });
  const opt = new optim.Adam(ntm.parameters(), { lr: 5e-3 });
  const before = bitError(ntm, 5, bits, 7);
  for (let step = 0; step < 300; step++) {
    const length = 1 + Math.floor(g.random() * 5); // lengths 1-5
    const { input, target } = models.copyTask(16, length, bits, { generator: g });
    opt.zeroGrad();
    F.binaryCrossEntropyWithLogits(ntm.forward(input).narrow(0, length + 1, length), target).backward();
    optim.clipGradNorm(ntm.parameters(), 10);
    opt.step();
  }
  const [err5, err10] = [bitError(ntm, 5, bits, 7), bitError(ntm, 10, bits, 8)];
  console.log(`  bit error: ${(before * 100).toFixed(1)}% untrained, ${(err5 * 100).toFixed(1)}% at length 5 (trained ≤ 5), ${(err10 * 100).toFixed(1)}% at length 10`);
  assert.ok(before > 0.3, `untrained bit error ${before}`);
  assert.ok(err5 < 0.05, `bit error ${err5} at the training length, expected < 5%`);
  assert.ok(err10 < 0.1, `bit error ${err10} at twice the training length, expected < 10%`);
});
