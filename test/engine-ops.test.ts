// The new engine ops beyond their op-table rows (issue 7 point 5, issue 12): multinomial's
// distribution and determinism, the process-wide thread count, and the errors of unsupported or
// malformed calls (einsum, sort/topk, unfold/fold, interpolate, masks).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  backendByName, einsum, F, Generator, getNumThreads, listBackends, manualSeed, maskedFill, multinomial, nn, randn, setNumThreads, tensor,
  topk, where, type Tensor,
} from "../src/index.js";

/** Counts of each value in an int32 tensor. */
const counts = (t: Tensor, n: number): number[] => {
  const c = Array<number>(n).fill(0);
  for (const v of t.dataSync()) c[v]!++;
  return c;
};

for (const device of listBackends()) {
  describe(`multinomial on ${device}`, () => {
    const p = [0.1, 0.0, 0.4, 0.3, 0.2];
    it("with replacement: frequencies match the weights within 4 standard errors, zero weight never drawn", () => {
      const n = 20000;
      // unnormalized weights: torch normalizes each row
      const draws = multinomial(tensor(p.map((v) => v * 3), { device }), n, true, { generator: new Generator(7) });
      assert.deepEqual(draws.shape, [n]);
      assert.equal(draws.dtype, "int32");
      const c = counts(draws, p.length);
      assert.equal(c[1], 0);
      p.forEach((pi, i) => {
        const se = Math.sqrt((n * pi * (1 - pi)) || 1);
        assert.ok(Math.abs(c[i]! - n * pi) < 4 * se, `category ${i}: ${c[i]} draws, expected ${n * pi} ± ${4 * se}`);
      });
    });

    it("without replacement: distinct categories per row, ordered pairs with the sequential-draw probabilities", () => {
      const w = [0.5, 0.3, 0.2];
      const rows = 12000;
      const draws = tensor(Array.from({ length: rows }, () => w), { device }).multinomial(2, { generator: new Generator(3) });
      assert.deepEqual(draws.shape, [rows, 2]);
      const d = draws.dataSync();
      const pairs = new Map<string, number>();
      for (let r = 0; r < rows; r++) {
        assert.notEqual(d[2 * r], d[2 * r + 1]);
        const k = `${d[2 * r]}${d[2 * r + 1]}`;
        pairs.set(k, (pairs.get(k) ?? 0) + 1);
      }
      for (const [a, b] of [[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]] as const) {
        const prob = (w[a]! * w[b]!) / (1 - w[a]!);
        const se = Math.sqrt(rows * prob * (1 - prob));
        const got = pairs.get(`${a}${b}`) ?? 0;
        assert.ok(Math.abs(got - rows * prob) < 4 * se, `pair (${a}, ${b}): ${got}, expected ${rows * prob} ± ${4 * se}`);
      }
      // all categories: a permutation
      const all = multinomial(tensor([1, 0.001, 5, 2], { device }), 4);
      assert.deepEqual([...all.dataSync()].sort(), [0, 1, 2, 3]);
    });

    it("is deterministic under a seed (manualSeed or a Generator) and differs across seeds", () => {
      const w = tensor(p, { device });
      manualSeed(11);
      const a = multinomial(w, 50, true).toArray();
      manualSeed(11);
      assert.deepEqual(multinomial(w, 50, true).toArray(), a);
      assert.deepEqual(multinomial(w, 50, { replacement: true, generator: new Generator(5) }).toArray(), multinomial(w, 50, true, { generator: new Generator(5) }).toArray());
      assert.notDeepEqual(multinomial(w, 50, true, { generator: new Generator(6) }).toArray(), a);
    });

    it("rejects what torch rejects", () => {
      assert.throws(() => multinomial(tensor([0.5, -0.1], { device }), 1), /weights must be finite and non-negative, got -0\.1/);
      assert.throws(() => multinomial(tensor([0, 0], { device }), 1), /no positive weight/);
      assert.throws(() => multinomial(tensor([1, 0, 1], { device }), 3), /2 categories with non-zero weight, too few for 3 samples/);
      assert.throws(() => multinomial(tensor([1, 1], { device }), 3), /cannot draw 3 samples from 2 categories without replacement/);
      assert.throws(() => multinomial(tensor([1, 1], { device }), 1, { replacment: true } as never), /unknown option .replacment. \(did you mean .replacement.\?\)/);
    });
  });
}

describe("threads", () => {
  it("setNumThreads/getNumThreads set every threaded backend (torch.set_num_threads) and validate", () => {
    const before = getNumThreads();
    assert.ok(Number.isInteger(before) && before >= 1);
    setNumThreads(1);
    assert.equal(getNumThreads(), 1);
    if (listBackends().includes("wasm")) {
      const wasm = backendByName("wasm");
      if (wasm.getNumThreads?.() !== undefined) assert.equal(wasm.getNumThreads(), 1);
    }
    setNumThreads(before);
    assert.equal(getNumThreads(), before);
    assert.throws(() => setNumThreads(0), /setNumThreads: expected a positive integer, got 0/);
    assert.throws(() => setNumThreads(1.5), /positive integer/);
  });
});

describe("errors of the new ops", () => {
  const x = randn([3, 4]);
  it("einsum", () => {
    assert.throws(() => einsum("...ij->ij", x), /ellipsis \('\.\.\.'\) is not supported/);
    assert.throws(() => einsum("ij,jk->ik", x), /names 2 operand\(s\) but 1 were given/);
    assert.throws(() => einsum("ijk->i", x), /operand 0 has shape \[3,4\] \(2 dims\) but 'ijk' names 3/);
    assert.throws(() => einsum("ij,ij->i", x, randn([3, 5])), /subscript 'j' has size 5 in operand 1 but 4 elsewhere/);
    assert.throws(() => einsum("ij->k", x), /output subscript 'k' does not appear/);
    assert.throws(() => einsum("ij->ii", x), /repeat a letter/);
    assert.throws(() => einsum("i1->i", x), /invalid subscript '1'/);
    assert.throws(() => einsum("ii->i", x), /subscript .i. has size 4 in operand 0 but 3 elsewhere in .ii->i./);
  });
  it("sort, topk, masks and where", () => {
    assert.throws(() => topk(x, 5), /topk: k = 5 is out of range for dim -1 of size 4/);
    assert.throws(() => x.sort(2), /sort: dim 2 is out of range/);
    assert.throws(() => x.sort(-1, false, { stabel: true } as never), /did you mean 'stable'/);
    assert.throws(() => maskedFill(x, tensor([1, 0, 1, 0]), 0), /maskedFill: mask must be a bool tensor, got float32/);
    assert.throws(() => maskedFill(x, tensor([[true], [false], [true], [false]]), 0), /maskedFill: shapes|broadcast/);
    assert.throws(() => (where as unknown as (c: Tensor, a: number) => Tensor)(x.gt(0), 1), /either one argument \(the condition\) or three/);
    assert.throws(() => x.tril.call(randn([3])), /tril: expects a tensor with at least 2 dims/);
  });
  it("unfold, fold and interpolate", () => {
    assert.throws(() => F.unfold(randn([1, 1, 2, 2]), 3), /gives \(0, 0\) sliding blocks; both must be at least 1/);
    assert.throws(() => F.unfold(randn([2, 2]), 1), /expects a 3-D \[C, H, W\] or 4-D/);
    assert.throws(() => F.unfold(randn([1, 1, 4, 4]), 2, { stride: 0 }), /stride must be an integer ≥ 1/);
    assert.throws(() => F.fold(randn([1, 6, 9]), 4, 2), /dim 1 of the input \[1,6,9\] must be divisible by the kernel.s 4 positions/);
    assert.throws(() => F.fold(randn([1, 4, 5]), 4, 2), /the input has 5 blocks, but outputSize \(4, 4\)/);
    const img = randn([1, 1, 4, 4]);
    assert.throws(() => F.interpolate(img, { size: 8, mode: "bicubic" as never }), /mode 'bicubic' is not supported/);
    assert.throws(() => F.interpolate(img, { size: 8, mode: "linear" }), /mode 'linear' expects 3-D input/);
    assert.throws(() => F.interpolate(img, { size: 8, alignCorners: true }), /alignCorners can only be set with the interpolating modes/);
    assert.throws(() => F.interpolate(img), /exactly one of size and scaleFactor/);
    assert.throws(() => F.interpolate(img, { size: [8] }), /must have 2 entries/);
    // torch keeps F.upsample as a deprecated alias of interpolate, and nn.Upsample calls it: one implementation, one wording
    assert.equal(F.upsample, F.interpolate);
    assert.throws(() => new nn.Upsample({ size: 8, mode: "linear" }).forward(img), /^Error: nn\.Upsample: mode 'linear' expects 3-D input/);
    const x = randn([1, 2, 3, 5]);
    assert.deepEqual(new nn.Upsample(null, 1.5, "bilinear", false, true).forward(x).dataSync(),
      F.interpolate(x, { scaleFactor: 1.5, mode: "bilinear", recomputeScaleFactor: true }).dataSync());
  });
});
