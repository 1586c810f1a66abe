// Tensor basics: creation functions, seeded randomness, PyTorch's repr, dtype promotion, views
// sharing storage, and reading values back.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Generator, arange, eye, full, fullLike, linspace, listBackends, pad, manualSeed, ones, onesLike, rand, randLike, randint, randintLike, randn, randnLike, randperm, tensor, zeros, zerosLike, type Tensor,
} from "../src/index.js";
import { decode, fixture, type FixtureTensor } from "./helpers.js";

const vals = (t: Tensor): number[] => Array.from(t.dataSync());

test("tensor() from nested arrays, numbers, booleans and typed arrays", () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([a.shape, a.dtype], [[2, 3], "float32"]);
  assert.deepEqual(a.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const s = tensor(2.5);
  assert.deepEqual([s.shape, s.dtype, s.item()], [[], "float32", 2.5]);
  const b = tensor([[true, false]]);
  assert.deepEqual([b.shape, b.dtype, b.toArray()], [[1, 2], "bool", [[true, false]]]);
  assert.equal(tensor(new Int32Array([1, 2])).dtype, "int32");
  assert.equal(tensor(new Float64Array([1, 2])).dtype, "float64");
  assert.equal(tensor(new Float32Array([1, 2])).dtype, "float32");
  const shaped = tensor(new Float32Array(6).fill(1), { shape: [3, 2] });
  assert.deepEqual(shaped.shape, [3, 2]);
  assert.equal(tensor([1.7, -1.7], { dtype: "int32" }).toArray().toString(), "1,-1"); // truncation toward zero
  assert.deepEqual(tensor([]).shape, [0]);
  assert.throws(() => tensor([[1, 2], [3]]), /tensor: ragged nested array/);
});

test("zeros, ones, full, eye: shapes, dtypes and values", () => {
  assert.deepEqual(vals(zeros([2, 3])), Array(6).fill(0));
  assert.deepEqual(ones([2], { dtype: "int32" }).toArray(), [1, 1]);
  const f = full([2, 2], 7.5, { dtype: "float64" });
  assert.deepEqual([f.shape, f.dtype, vals(f)], [[2, 2], "float64", [7.5, 7.5, 7.5, 7.5]]);
  assert.deepEqual(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(eye(2).toArray(), [[1, 0], [0, 1]]);
  assert.deepEqual(zeros([0, 4]).shape, [0, 4]);
  assert.throws(() => zeros([2, -1]), /zeros: sizes must be non-negative integers, got \[2, -1\]/);
});

test("arange and linspace follow torch's end conventions", () => {
  assert.deepEqual(vals(arange(5)), [0, 1, 2, 3, 4]);
  assert.deepEqual(vals(arange(1, 4)), [1, 2, 3]);
  assert.deepEqual(vals(arange(0, 1, 0.25)), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(vals(arange(5, 0, -2)), [5, 3, 1]);
  assert.equal(arange(3, undefined, 1, { dtype: "int32" }).dtype, "int32");
  const l = linspace(0, 1, 5);
  assert.deepEqual(vals(l), [0, 0.25, 0.5, 0.75, 1]);
  assert.equal(vals(linspace(-1, 3, 7))[6], 3); // the last value is exactly `end`
  assert.deepEqual(linspace(0, 1, 1).toArray(), [0]);
  assert.throws(() => arange(0, 1, 0), /arange: step must be finite and non-zero/);
});

test("rand, randn, randint, randperm: shapes, dtypes and ranges", () => {
  const u = rand([100, 10]);
  assert.deepEqual([u.shape, u.dtype], [[100, 10], "float32"]);
  assert.ok(vals(u).every((v) => v >= 0 && v < 1));
  assert.equal(randn([3], { dtype: "float64" }).dtype, "float64");
  const r = randint(-3, 4, [1000]);
  assert.equal(r.dtype, "int32");
  const rv = vals(r);
  assert.ok(rv.every((v) => Number.isInteger(v) && v >= -3 && v < 4));
  assert.deepEqual([...new Set(rv)].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3]); // every value is reachable
  const p = randperm(50);
  assert.equal(p.dtype, "int32");
  assert.deepEqual(vals(p).sort((a, b) => a - b), [...Array(50).keys()]);
});

test("randn has mean ≈ 0 and std ≈ 1 over 10k samples", () => {
  manualSeed(123);
  const x = randn([10000], { dtype: "float64" });
  // standard errors are 0.01 (mean) and ~0.007 (std); allow 4 of them
  assert.ok(Math.abs(x.mean().item()) < 0.04, `mean ${x.mean().item()}`);
  assert.ok(Math.abs(x.std().item() - 1) < 0.03, `std ${x.std().item()}`);
  const u = rand([10000], { dtype: "float64" });
  assert.ok(Math.abs(u.mean().item() - 0.5) < 0.012, `rand mean ${u.mean().item()}`);
});

test("manualSeed reproduces streams and Generators are independent of the default one", () => {
  manualSeed(7);
  const a = vals(randn([5]));
  manualSeed(7);
  assert.deepEqual(vals(randn([5])), a);
  manualSeed(8);
  assert.notDeepEqual(vals(randn([5])), a);

  const g1 = new Generator(42);
  const first = vals(rand([4], { generator: g1 }));
  const g2 = new Generator(42);
  rand([100]); // draws from the default generator must not disturb g2
  assert.deepEqual(vals(rand([4], { generator: g2 })), first);
  const state = g1.getState();
  const next = vals(randint(0, 100, [6], { generator: g1 }));
  g1.setState(state);
  assert.deepEqual(vals(randint(0, 100, [6], { generator: g1 })), next);
});

test("toString matches torch's repr (fixture from torch, 'torch.' prefixes removed)", () => {
  const { cases } = fixture<{ cases: { tensor: FixtureTensor; repr: string }[] }>("examples/repr.json");
  assert.ok(cases.length > 20);
  for (const c of cases) assert.equal(decode(c.tensor).toString(), c.repr);
});

test("toString suffixes: requires_grad, gradFn, and empty tensors", () => {
  const x = tensor([1.5, 2.25], { requiresGrad: true });
  assert.equal(x.toString(), "tensor([1.5000, 2.2500], requires_grad=True)");
  assert.equal(x.mul(2).toString(), "tensor([3.0000, 4.5000], gradFn=<mul>)");
  assert.equal(tensor([1, 2], { dtype: "float64", requiresGrad: true }).toString(), "tensor([1., 2.], dtype=float64, requires_grad=True)");
  assert.equal(zeros([0]).toString(), "tensor([])");
  assert.equal(zeros([0, 3], { dtype: "int32" }).toString(), "tensor([], size=[0,3], dtype=int32)");
});

test("dtype promotion follows torch.result_type", () => {
  const f32 = tensor([1, 2]);
  const f64 = tensor([1, 2], { dtype: "float64" });
  const i32 = tensor([1, 2], { dtype: "int32" });
  const b = tensor([true, false]);
  assert.equal(f32.add(f64).dtype, "float64");
  assert.equal(i32.add(f32).dtype, "float32");
  assert.equal(i32.mul(f64).dtype, "float64");
  assert.equal(i32.add(i32).dtype, "int32");
  assert.equal(b.add(i32).dtype, "int32");
  assert.equal(b.add(b).dtype, "bool"); // logical or, as torch
  // true division of integers is float
  const q = i32.div(tensor([2, 2], { dtype: "int32" }));
  assert.deepEqual([q.dtype, vals(q)], ["float32", [0.5, 1]]);
  // bool and int sums are int32
  assert.deepEqual([b.sum().dtype, b.sum().item()], ["int32", 1]);
  assert.equal(i32.sum().dtype, "int32");
  // scalars are weak: they do not widen a tensor of their own kind
  assert.equal(f32.mul(2.5).dtype, "float32");
  assert.equal(f64.mul(2).dtype, "float64");
  assert.equal(i32.add(2).dtype, "int32");
  assert.equal(i32.add(2.5).dtype, "float32");
  assert.equal(b.add(1).dtype, "int32");
  // 0-d tensors only decide the dtype when their kind is higher (torch: ones(2) + tensor(1., float64) is float32)
  assert.equal(f32.add(tensor(1, { dtype: "float64" })).dtype, "float32");
  assert.equal(i32.add(tensor(1, { dtype: "float64" })).dtype, "float64");
  assert.equal(tensor(1).add(tensor(1, { dtype: "float64" })).dtype, "float64");
  assert.equal(b.add(tensor(1, { dtype: "int32" })).dtype, "int32");
  // float ops on integers give float32
  assert.equal(i32.exp().dtype, "float32");
  assert.equal(i32.neg().dtype, "int32");
  // comparisons are bool
  assert.equal(f32.gt(i32).dtype, "bool");
});

test("views share storage; reshape copies only when the layout requires it", () => {
  const x = arange(6).reshape(2, 3);
  const v = x.reshape(3, 2);
  assert.equal(v.storage, x.storage);
  assert.equal(x.view(-1).storage, x.storage);
  assert.equal(x.unsqueeze(0).storage, x.storage);
  assert.equal(x.select(0, 1).storage, x.storage);
  assert.equal(x.narrow(1, 1, 2).storage, x.storage);
  const t = x.t();
  assert.equal(t.storage, x.storage);
  assert.equal(t.isContiguous(), false);
  const flat = t.reshape(6);
  assert.notEqual(flat.storage, x.storage); // transpose then reshape copies
  assert.deepEqual(vals(flat), [0, 3, 1, 4, 2, 5]);
  assert.equal(t.contiguous().isContiguous(), true);
  assert.deepEqual(x.expand(2, 2, 3).strides, [0, 3, 1]); // broadcasting is a stride-0 view
});

test("reading values: toArray, item, dataSync, await data()", async () => {
  const x = tensor([[1, 2], [3, 4]], { dtype: "int32" });
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4]]);
  assert.ok(x.dataSync() instanceof Int32Array);
  assert.deepEqual(Array.from(await x.data()), [1, 2, 3, 4]);
  assert.ok((await tensor([1], { dtype: "float64" }).data()) instanceof Float64Array);
  assert.equal(tensor([[5]]).item(), 5);
  assert.deepEqual(x.t().toArray(), [[1, 3], [2, 4]]); // non-contiguous views read in logical order
  assert.deepEqual(Array.from(x.t().dataSync()), [1, 3, 2, 4]);
  assert.equal(tensor(true).toArray(), true);
  // dataSync is a copy
  const d = x.dataSync();
  d[0] = 99;
  assert.equal(x.toArray().toString(), "1,2,3,4");
});

test("Generator state round-trips mid Box–Muller pair, so a restored stream continues exactly", () => {
  const g = new Generator(7);
  g.normal(); // leaves the pair's second value pending
  const saved = g.getState();
  const a = [g.normal(), g.normal(), g.random()];
  const h = new Generator(0);
  h.setState(saved);
  assert.deepEqual([h.normal(), h.normal(), h.random()], a);
  assert.throws(() => h.setState([1, 2]), /Generator.setState: expected 4 state words/);
});

test("clone() copies into new storage, keeps the dtype (bool included) and stays on the graph", () => {
  for (const t of [tensor([true, false]), tensor([1, -2], { dtype: "int32" }), tensor([[1, 2], [3, 4]]).transpose(0, 1)]) {
    const c = t.clone();
    assert.equal(c.dtype, t.dtype);
    assert.deepEqual(c.toArray(), t.toArray());
    assert.notEqual(c.storage, t.storage);
  }
  const x = tensor([1, 2], { requiresGrad: true });
  x.clone().mul(3).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [3, 3]);
});

test("the *Like creation forms take the shape, dtype and device of their argument", () => {
  const x = zeros([2, 3], { dtype: "float64" });
  const i = randintLike(x, 0, 5);
  assert.deepEqual([i.shape, i.dtype], [[2, 3], "float64"]);
  for (const v of i.dataSync()) assert.ok(Number.isInteger(v) && v >= 0 && v < 5);
  for (const t of [onesLike(x), zerosLike(x), fullLike(x, 7), randLike(x), randnLike(x)]) assert.deepEqual([t.shape, t.dtype, t.device], [[2, 3], "float64", x.device]);
  assert.deepEqual(fullLike(x, 7).toArray(), [[7, 7, 7], [7, 7, 7]]);
});

test("fill values are converted like stores into the dtype: full and pad on int32 and bool (every backend)", () => {
  for (const device of listBackends()) {
    assert.deepEqual(full([2], 2.5, { dtype: "bool", device }).dataSync(), Uint8Array.from([1, 1]), device);
    assert.deepEqual(full([2], -1.5, { dtype: "int32", device }).dataSync(), Int32Array.from([-1, -1]), device);
    assert.deepEqual(pad(tensor([true], { device }), [1, 0], -1.5).dataSync(), Uint8Array.from([1, 1]), device);
    // torch takes an int32 product in int64; myelin has no int64, so a product past int32 throws instead of wrapping
    const xs = [1048577, 1048579, 1048583];
    assert.throws(() => tensor(xs, { dtype: "int32", device }).prod(), /prod: the result .* overflows int32/, device);
    assert.equal(tensor([46337, -46337], { dtype: "int32", device }).prod().item(), 46337 * -46337, device);
  }
});
