// nn.CTCLoss / F.ctcLoss against torch 1.13 (tools/fixtures/ctc.py): values and logit gradients (through
// logSoftmax) for padded, concatenated and unbatched targets, blank, zeroInfinity and every reduction,
// on both backends; a float64 gradcheck; a brute-force sum over alignments; and the errors.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { F, listBackends, nn, randn, tensor, zeros, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, type FixtureTensor } from "./helpers.js";

interface Case {
  name: string; logits: FixtureTensor; targets: FixtureTensor; inputLengths: number[] | number; targetLengths: number[] | number;
  opts: { blank: number; reduction: "mean" | "sum" | "none"; zeroInfinity: boolean }; gradOutput: FixtureTensor | null; out: FixtureTensor; grad: FixtureTensor | null;
}
const fx = fixture<{ cases: Case[] }>("loss/ctc.json");

describe("CTC loss matches torch 1.13", () => {
  for (const device of listBackends())
    for (const form of ["F", "module"] as const)
      it(`${device}, ${form}`, () => on(device, () => {
        assert.ok(fx.cases.length >= 24);
        for (const c of fx.cases) {
          const x = decode(c.logits, { requiresGrad: true });
          const lp = x.logSoftmax(-1);
          const lengths = (l: number[] | number): number[] | number | Tensor => (typeof l === "number" ? tensor(l, { dtype: "int32" }) : c.name.includes("lists") ? l : tensor(l, { dtype: "int32" }));
          const args = [lp, decode(c.targets), lengths(c.inputLengths), lengths(c.targetLengths)] as const;
          const out = form === "F" ? F.ctcLoss(...args, c.opts) : new nn.CTCLoss(c.opts.blank, c.opts.reduction, c.opts.zeroInfinity).forward(...args);
          assert.deepEqual(out.shape, c.out.shape, `${c.name}: shape`);
          assertClose(out, decode(c.out), { rtol: 1e-5, atol: 1e-5 }, `${c.name}: loss`);
          if (!c.grad) continue;
          out.backward(c.gradOutput ? decode(c.gradOutput) : undefined);
          assertClose(x.grad!, decode(c.grad), { rtol: 1e-4, atol: 1e-5 }, `${c.name}: logit gradient`);
        }
      }));
});

/** −log Σ over every path of T labels that collapses (merge repeats, drop blanks) to the target. */
function bruteForce(p: number[][], target: number[], blank: number): number {
  const T = p.length, C = p[0]!.length;
  let total = 0;
  for (let code = 0; code < C ** T; code++) {
    const path = Array.from({ length: T }, (_, t) => Math.floor(code / C ** t) % C);
    const collapsed = path.filter((c, t) => c !== blank && (t === 0 || c !== path[t - 1]));
    if (collapsed.length === target.length && collapsed.every((c, i) => c === target[i])) total += path.reduce((acc, c, t) => acc * p[t]![c]!, 1);
  }
  return -Math.log(total);
}

describe("CTC loss: independent checks", () => {
  it("equals a brute-force sum over all alignments (float64), incl. repeats and blank 2", () => on("cpu", () => {
    const logits = randn([5, 2, 3], { dtype: "float64" });
    const lp = logits.logSoftmax(-1);
    const p = lp.exp().toArray() as number[][][];
    const targets = tensor([[1, 1], [0, 0]], { dtype: "int32" });
    const out = F.ctcLoss(lp, targets, [5, 4], [2, 1], { blank: 2, reduction: "none" }).toArray() as number[];
    assert.ok(Math.abs(out[0]! - bruteForce(p.map((r) => r[0]!), [1, 1], 2)) < 1e-10);
    assert.ok(Math.abs(out[1]! - bruteForce(p.slice(0, 4).map((r) => r[1]!), [0], 2)) < 1e-10);
  }));

  it("gradcheck (float64) through logSoftmax, every reduction", () => on("cpu", () => {
    for (const reduction of ["mean", "sum", "none"] as const) {
      const x = randn([6, 2, 4], { dtype: "float64", requiresGrad: true });
      const targets = tensor([2, 2, 3, 1], { dtype: "int32" });
      assert.ok(gradcheck((l) => F.ctcLoss(l.logSoftmax(-1), targets, [6, 5], [3, 1], 0, reduction), [x]), reduction);
    }
  }));

  it("errors name the loss and the shapes", () => {
    const lp = zeros(5, 2, 4);
    const tg = tensor([[1, 2], [3, 1]], { dtype: "int32" });
    assert.throws(() => F.ctcLoss(zeros(5, 2, 4, 1), tg, [5, 5], [2, 2]), /ctcLoss: logProbs must be \[T, N, C\] or unbatched \[T, C\], got \[5, ?2, ?4, ?1\]/);
    assert.throws(() => F.ctcLoss(lp, tg.to("float32"), [5, 5], [2, 2]), /ctcLoss: targets must be an int32 tensor/);
    assert.throws(() => F.ctcLoss(lp, tg, [5, 6], [2, 2]), /ctcLoss: inputLengths must be integers in \[1, 5\], got 6/);
    assert.throws(() => F.ctcLoss(lp, tg, [5], [2, 2]), /ctcLoss: inputLengths must have one length per sample \(2\), got 1/);
    assert.throws(() => F.ctcLoss(lp, tg, [5, 5], [2, 3]), /ctcLoss: targetLengths must be integers in \[0, 2\], got 3/);
    assert.throws(() => F.ctcLoss(lp, tensor([1, 2, 3], { dtype: "int32" }), [5, 5], [2, 2]), /ctcLoss: concatenated targets hold 3 labels but targetLengths sum to 4/);
    assert.throws(() => F.ctcLoss(lp, tensor([[1, 0], [3, 1]], { dtype: "int32" }), [5, 5], [2, 2]), /ctcLoss: target 0 \(sample 0, position 1\) must be a class in \[0, 4\) other than blank 0/);
    assert.throws(() => F.ctcLoss(lp, tg, [5, 5], [2, 2], 4), /ctcLoss: blank must be a class index in \[0, 4\), got 4/);
    assert.throws(() => F.ctcLoss(lp, tg, [5, 5], [2, 2], { zero_infinity: true } as never), /unknown option 'zero_infinity' \(did you mean 'zeroInfinity'\?\)/);
    assert.throws(() => new nn.CTCLoss(0, "avg" as never), /nn.CTCLoss: reduction must be/);
  });
});
