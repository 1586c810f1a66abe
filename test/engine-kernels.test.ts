// The wasm engine kernels (wasm/engine.ts, jobs 9-14) against the reference backend, bit for bit:
// gather, indexSelect and scatterAdd over several dims and layouts, `where` for every dtype, the
// tanh/sigmoid backward maps, and out-of-bounds indices reported exactly as the reference does.
// The op table (test/optable.ts) checks the same ops against PyTorch; this checks the kernels ran.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backendByName, manualSeed, randint, randn, tensor, type Tensor } from "../src/index.js";
import { indexKernelRuns } from "../src/backend/wasm/index-ops.js";
import { applyFused } from "../src/ops/fused/table.js";

const wasm = backendByName("wasm", "test");
const same = (a: Tensor, b: Tensor, what: string): void => {
  assert.deepEqual(a.shape, b.shape, what);
  assert.equal(a.dtype, b.dtype, what);
  const x = a.dataSync(), y = b.dataSync();
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) assert.fail(`${what}: element ${i} is ${x[i]} on wasm, ${y[i]} on cpu`);
};
/** Runs `f` on a wasm tensor and on its cpu copy; the results must have the same bits. */
const both = (what: string, xs: Tensor[], f: (...xs: Tensor[]) => Tensor): void =>
  same(f(...xs.map((x) => x.to("wasm"))), f(...xs.map((x) => x.to("cpu"))).to("wasm"), what);

describe("wasm engine kernels match the reference backend bit for bit", () => {
  manualSeed(3);
  it("gather along every dim, contiguous and transposed inputs, float32 and int32", () => {
    const before = indexKernelRuns.gather;
    const x = randn([5, 6, 7]);
    for (let d = 0; d < 3; d++) {
      // the index as large as x outside dim (the kernel's case: cross-entropy, embeddings)
      const shape = x.shape.map((s, i) => (i === d ? 9 : s));
      const idx = randint(0, x.shape[d]!, shape).int();
      both(`gather dim ${d}`, [x, idx], (a, i) => a.gather(d, i));
      both(`gather dim ${d} int32`, [x.mul(100).int(), idx], (a, i) => a.gather(d, i));
      // a transposed view and a smaller index: the host path, checked all the same
      both(`gather dim ${d} of a transposed view`, [x, idx], (a, i) => a.transpose(0, 2).gather(2 - d, i.transpose(0, 2)));
      const small = x.shape.map((s, i) => (i === d ? 3 : s - 1));
      both(`gather dim ${d}, smaller index`, [x, randint(0, x.shape[d]!, small).int()], (a, i) => a.gather(d, i));
    }
    assert.ok(indexKernelRuns.gather - before >= 6, `the gather kernel ran ${indexKernelRuns.gather - before} times`);
  });

  it("indexSelect (an expanded index) along every dim, repeated indices", () => {
    const before = indexKernelRuns.gather;
    const x = randn([4, 5, 6]);
    for (let d = 0; d < 3; d++) {
      const idx = tensor([0, x.shape[d]! - 1, 1, 1, 0], { dtype: "int32" });
      both(`indexSelect dim ${d}`, [x, idx], (a, i) => a.indexSelect(d, i));
    }
    assert.ok(indexKernelRuns.gather - before >= 3);
  });

  it("scatterAdd with repeated indices sums in the same order (float32)", () => {
    const before = indexKernelRuns.scatterAdd;
    for (let d = 0; d < 3; d++) {
      const base = randn([4, 5, 6]);
      // the index as large as the output outside dim (the kernel's case: embedding backward, fold)
      const shape = [4, 5, 6].map((s, i) => (i === d ? 11 : s));
      const idx = randint(0, base.shape[d]!, shape).int();
      both(`scatterAdd dim ${d}`, [base, idx, randn(shape)], (b, i, s) => b.scatterAdd(d, i, s));
      // a larger src (its extra elements ignored) and a smaller index (the host path)
      both(`scatterAdd dim ${d}, larger src`, [base, idx, randn(shape.map((n) => n + 1))], (b, i, s) => b.scatterAdd(d, i, s));
      const small = shape.map((n, i) => (i === d ? n : n - 1));
      both(`scatterAdd dim ${d}, smaller index`, [base, randint(0, base.shape[d]!, small).int(), randn(small)], (b, i, s) => b.scatterAdd(d, i, s));
    }
    assert.ok(indexKernelRuns.scatterAdd - before >= 3, `the scatterAdd kernel ran ${indexKernelRuns.scatterAdd - before} times`);
  });

  it("scatterAdd into int32 (engine job 14), wrapping past 2^31 as the reference's store does", () => {
    const before = indexKernelRuns.scatterAddI32;
    for (let d = 0; d < 3; d++) {
      const base = randn([4, 5, 6]).mul(1000).int();
      const shape = [4, 5, 6].map((s, i) => (i === d ? 11 : s));
      const idx = randint(0, base.shape[d]!, shape).int();
      both(`int32 scatterAdd dim ${d}`, [base, idx, randn(shape).mul(1000).int()], (b, i, s) => b.scatterAdd(d, i, s));
      const small = shape.map((n, i) => (i === d ? n : n - 1));
      both(`int32 scatterAdd dim ${d}, smaller index`, [base, randint(0, base.shape[d]!, small).int(), randn(small).mul(9).int()], (b, i, s) => b.scatterAdd(d, i, s));
    }
    const big = tensor([2e9, 2e9, -2e9, 5], { dtype: "int32" });
    both("int32 scatterAdd overflow", [tensor([0, 0], { dtype: "int32" }), tensor([0, 0, 1, 1], { dtype: "int32" }), big], (b, i, s) => b.scatterAdd(0, i, s));
    assert.throws(() => tensor([0, 0], { dtype: "int32", device: "wasm" }).scatterAdd(0, tensor([0, 2], { dtype: "int32", device: "wasm" }), tensor([1, 1], { dtype: "int32", device: "wasm" })), /out of bounds|out of range/);
    assert.ok(indexKernelRuns.scatterAddI32 - before >= 3, `the int32 scatterAdd kernel ran ${indexKernelRuns.scatterAddI32 - before} times`);
  });

  it("where for float64, int32 and bool, with broadcast scalars", () => {
    const before = indexKernelRuns.where;
    const c = randn([3, 7]).gt(0);
    for (const dtype of ["float64", "int32", "bool"] as const) {
      const a = randn([3, 7]).mul(5).to(dtype);
      const b = randn([3, 7]).mul(5).to(dtype);
      both(`where ${dtype}`, [c, a, b], (cc, x, y) => x.where(cc, y));
      both(`where ${dtype} scalar`, [c, a], (cc, x) => x.where(cc, tensor(1, { dtype, device: x.device })));
    }
    assert.ok(indexKernelRuns.where - before >= 6);
  });

  it("tanh and sigmoid backward (engine job 9) give the host loop's bits", () => {
    for (const n of [1, 7, 2048, 40000]) {
      const g = randn([n]);
      const y = randn([n]).tanh();
      for (const op of ["tanhBackward", "sigmoidBackward"] as const) {
        const yy = op === "tanhBackward" ? y : y.abs();
        // the reference backend runs the host loop (f64, rounded once) on the same inputs
        both(`${op}, ${n} elements`, [g, yy], (a, b) => applyFused(op, [a, b], null)[0]!);
      }
    }
  });

  it("an out-of-bounds index throws the reference's error", () => {
    const x = randn([3, 4]).to("wasm");
    const bad = tensor([[0, 4, 1, 9]], { dtype: "int32" }).to("wasm");
    assert.throws(() => x.gather(1, bad), /gather: index 4 is out of bounds for dimension 1 with size 4/);
    assert.throws(() => x.indexSelect(0, tensor([0, -1], { dtype: "int32" }).to("wasm")), /indexSelect: index -1 is out of bounds/);
    assert.throws(() => x.scatterAdd(1, bad, randn([1, 4]).to("wasm")), /scatterAdd: index 4 is out of bounds/);
    assert.ok(wasm);
  });
});
