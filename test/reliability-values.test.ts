// Reliability regressions (issue 13), values part: bad dtypes and devices stop where they enter,
// devices move like PyTorch's, and no op returns a silently wrong value where PyTorch errs or differs.

import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, cat, data, eye, full, listBackends, stack, nn, ones, optim, rand, randn, tensor, zeros, type DType, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";
import { createWasmBackend } from "../src/backend/wasm/wasm-backend.js";
import { contiguousView } from "../src/backend/wasm/testkit.js";

const hasWasm = listBackends().includes("wasm");
const devices = listBackends().filter((d) => d === "cpu" || d === "wasm");
const bad = (d: string): DType => d as DType;

test("unknown dtypes are rejected where they enter, and the wasm heap stays sound after them", () => {
  for (const device of devices) {
    const entries: [string, () => unknown, RegExp][] = [
      ["zeros", () => zeros([2], { dtype: bad("int64"), device }), /unknown dtype 'int64' \(myelin's integer dtype is int32\); expected one of float32, float64, int32, bool/],
      ["tensor", () => tensor([1, 2], { dtype: bad("long"), device }), /tensor: unknown dtype 'long'/],
      ["randn", () => randn([2], { dtype: bad("half"), device }), /randn: unknown dtype 'half' \(half precision is not supported/],
      ["arange", () => arange(3, undefined, 1, { dtype: bad("float16"), device }), /arange: unknown dtype 'float16'/],
      ["eye", () => eye(2, 2, { dtype: bad("double"), device }), /eye: unknown dtype 'double' \(use 'float64'\)/],
      ["Tensor.to", () => ones([2], { device }).to("int64"), /to: unknown dtype 'int64'/],
      ["cast", () => ones([2], { device }).to(bad("uint8")), /to: unknown dtype 'uint8'/],
      ["Module.to", () => new nn.Linear(2, 2).to("int64"), /Linear\.to: unknown dtype 'int64'/],
      ["Module.to device", () => new nn.Linear(2, 2).to("cuda"), /Linear\.to: 'cuda' is neither a dtype .* nor a device \(cpu/],
      ["device", () => zeros([2], { device: "cuda" }), /unknown device 'cuda'; the devices here are the backends 'cpu'/],
      ["Tensor.to device", () => ones([2], { device }).to("gpu"), /to: 'gpu' is neither a device here \(cpu/],
    ];
    for (const [what, f, msg] of entries) assert.throws(f, msg, `${what} on ${device}`);
    // later ops on the same device still compute (before: undefined values or "offset is out of bounds")
    for (let i = 0; i < 50; i++) assert.deepEqual(zeros([3], { device }).add(i).toArray(), [i, i, i]);
    assert.deepEqual(new nn.Linear(2, 1).to("float64").weight.dtype, "float64");
  }
});

test("the wasm allocator rejects unknown dtypes, NaN, negative and oversized sizes before its counters move", { skip: !hasWasm && "no wasm backend here" }, async () => {
  const be = await createWasmBackend({ numThreads: 1 });
  try {
    const live = be.liveBytes;
    assert.throws(() => be.full(2, bad("int64"), 0), /wasm backend: unknown dtype int64/);
    assert.throws(() => be.full(NaN, "float32", 0), /wasm backend: invalid storage length NaN/);
    assert.throws(() => be.full(-4, "float32", 0), /invalid storage length -4/);
    assert.throws(() => be.full(2 ** 31, "float64", 0), /out of memory allocating 17179869184 bytes/);
    assert.equal(be.liveBytes, live);
    const s = be.full(5, "float32", 1.5);
    assert.deepEqual([...be.readSync(contiguousView(s, [5]))], [1.5, 1.5, 1.5, 1.5, 1.5]);
  } finally {
    be.close();
  }
});

test("creating a tensor larger than the wasm memory fails at once, before filling a host array", { skip: !hasWasm && "no wasm backend here" }, () => {
  const start = performance.now();
  assert.throws(() => randn([2 ** 30], { device: "wasm" }), /randn: 1073741824 float32 elements need 4294967296 bytes, more than the 'wasm' device can hold/);
  assert.throws(() => rand([1 << 16, 1 << 15], { device: "wasm", dtype: "float64" }), /rand: .* more than the 'wasm' device can hold/);
  assert.throws(() => arange(0, 2 ** 31, 1, { device: "wasm" }), /arange: .* more than the 'wasm' device can hold/);
  assert.ok(performance.now() - start < 2000, "the size check comes first");
});

test("devices: to('cpu') / to('wasm') copy differentiably, modules move in place, mixed devices name both", { skip: !hasWasm && "no wasm backend here" }, () => {
  const x = randn([3], { device: "wasm", requiresGrad: true });
  const y = x.to("cpu");
  assert.equal(y.device, "cpu");
  assert.equal(x.to("wasm"), x, "no copy when already there");
  assert.equal(x.cpu().device, "cpu");
  y.mul(tensor([1, 2, 3], { device: "cpu" })).sum().backward();
  assert.equal(x.grad!.device, "wasm");
  assert.deepEqual(x.grad!.toArray(), [1, 2, 3]);
  const z = ones([2], { device: "cpu" }).to("wasm", "float64");
  assert.equal(z.device, "wasm");
  assert.equal(z.dtype, "float64");
  assert.equal(ones([1]).to(z).dtype, "float64");

  const lin = new nn.Linear(3, 2);
  const weight = lin.weight;
  lin.to("cpu");
  assert.equal(lin.weight, weight, "same Parameter object");
  assert.equal(lin.weight.device, "cpu");
  assert.equal(lin.forward(ones([1, 3], { device: "cpu" })).device, "cpu");
  assert.throws(() => lin.forward(ones([1, 3], { device: "wasm" })), /tensors are on different devices \('wasm' and 'cpu'\); move one with \.to\('wasm'\)/);
  lin.to("wasm", "float64");
  assert.equal(lin.weight.device, "wasm");
  assert.equal(lin.bias!.dtype, "float64");
  const before = lin.weight.toArray();
  lin.cpu();
  assert.deepEqual(lin.weight.toArray(), before);
});

test("size(d) out of range throws as in PyTorch instead of returning undefined", () => {
  const x = zeros([2, 3]);
  assert.equal(x.size(-1), 3);
  assert.throws(() => x.size(5), /size: dim 5 is out of range for a tensor of shape \[2,3\] \(expected -2\.\.1\)/);
  assert.throws(() => x.size(-3), /dim -3 is out of range/);
  assert.throws(() => x.size(1.5), /dim 1.5 is out of range/);
  assert.throws(() => tensor(1).size(0), /it is 0-d/);
});

test("no optimizer's state aliases p.grad: zeroGrad({ setToNone: false }) and clipping after a step change nothing", () => {
  type Make = (ps: Tensor[]) => { step(): unknown; zeroGrad(o: { setToNone: boolean }): void };
  const makers: [string, Make][] = [
    ["SGD momentum", (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ["SGD nesterov", (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true })],
    ["Adam", (ps) => new optim.Adam(ps, { lr: 0.1 })],
    ["AdamW amsgrad", (ps) => new optim.AdamW(ps, { lr: 0.1, amsgrad: true })],
    ["Adagrad", (ps) => new optim.Adagrad(ps, { lr: 0.1 })],
    ["Adadelta", (ps) => new optim.Adadelta(ps)],
    ["RMSprop centered", (ps) => new optim.RMSprop(ps, { lr: 0.01, momentum: 0.5, centered: true })],
    ["Adamax", (ps) => new optim.Adamax(ps)],
    ["NAdam", (ps) => new optim.NAdam(ps)],
    ["LAMB", (ps) => new optim.LAMB(ps)],
    ["Yogi", (ps) => new optim.Yogi(ps)],
    ["AdaBelief", (ps) => new optim.AdaBelief(ps)],
    ["NovoGrad", (ps) => new optim.NovoGrad(ps)],
    ["COCOB", (ps) => new optim.COCOB(ps)],
    ["Lookahead(SGD)", (ps) => new optim.Lookahead(new optim.SGD(ps, { lr: 0.1, momentum: 0.9 }), { k: 2 })],
  ];
  const run = (make: Make, mode: "none" | "zeros" | "clip"): number[] => {
    const w = tensor([0.5, -1, 2], { requiresGrad: true });
    const opt = make([w]);
    for (let step = 0; step < 4; step++) {
      w.mul(w).mul(tensor([1, 2, 3])).sum().backward();
      opt.step();
      if (mode === "clip") optim.clipGradValue([w], 1e-3); // changes p.grad after the step
      opt.zeroGrad({ setToNone: mode === "none" });
    }
    return [...w.dataSync()];
  };
  for (const [name, make] of makers) {
    const want = run(make, "none");
    assert.deepEqual(run(make, "zeros"), want, `${name}: zeroGrad({ setToNone: false })`);
    assert.deepEqual(run(make, "clip"), want, `${name}: clipping after the step`);
  }
});

test("DataLoader: a Subset with negative indices yields its rows, and number targets are float32 in every batch", () => {
  const x = arange(0, 12).reshape(6, 2);
  const y = arange(10, 16);
  const sub = new data.Subset(new data.TensorDataset(x, y), [-1, 0, -6, 2]);
  const slow = [...new data.DataLoader(sub, { batchSize: 4, collateFn: (s) => data.defaultCollate(s) })][0]!;
  const [bx, by] = [...new data.DataLoader(sub, { batchSize: 4 })][0]!;
  assert.deepEqual(bx.toArray(), [[10, 11], [0, 1], [0, 1], [4, 5]]);
  assert.deepEqual(by.toArray(), [15, 10, 10, 12]);
  assert.deepEqual(bx.toArray(), slow[0].toArray());
  // regression targets: whole numbers in one batch, fractions in the next
  const ds = new data.TensorDataset(arange(0, 4)).map(([v], i) => ({ v, target: [1, 2, 2.5, 3][i]! }));
  const dtypes = [...new data.DataLoader(ds, { batchSize: 2 })].map((b) => b.target.dtype);
  assert.deepEqual(dtypes, ["float32", "float32"]);
});

test("0-d tensors in movement ops: PyTorch's results (flip, gather, indexSelect, scatterAdd) or its errors", () => {
  for (const device of devices) {
    const x = tensor(3, { device });
    const i0 = tensor(0, { dtype: "int32", device });
    // PyTorch 1.13 refuses these on a 0-d tensor; before, myelin gave NaN shapes, NaN values or []
    const refused: [string, () => unknown][] = [
      ["cat", () => cat([x, x])], ["narrow", () => x.narrow(0, 0, 1)], ["slice", () => x.slice(0, 0, 1)],
      ["split", () => x.split(1)], ["chunk", () => x.chunk(2)], ["unflatten", () => x.unflatten(0, [1])],
      ["select", () => x.select(0, 0)], ["select", () => x.index(0)],
    ];
    for (const [op, f] of refused) assert.throws(f, new RegExp(`^RangeError: ${op}: .*0-d tensor`), `${op} on ${device}`);
    assert.throws(() => cat([tensor([1], { device }), x]), /cat: the 0-d tensor at position 1 cannot be concatenated/);
    // and computes these as torch does (values from torch 1.13)
    assert.deepEqual(x.flip(0).toArray(), 3);
    assert.deepEqual(x.gather(0, i0).toArray(), 3);
    assert.deepEqual(x.gather(-1, tensor([0], { dtype: "int32", device })).toArray(), [3]);
    assert.throws(() => x.gather(0, tensor(1, { dtype: "int32", device })), /index 1 is out of bounds for dimension 0 with size 1/);
    assert.deepEqual(x.indexSelect(0, tensor([0], { dtype: "int32", device })).toArray(), 3);
    assert.deepEqual(zeros([], { device }).scatterAdd(0, i0, tensor(2, { device })).toArray(), 2);
    assert.deepEqual(stack([x, x]).toArray(), [3, 3]);
  }
  const w = tensor(0.7, { dtype: "float64", requiresGrad: true });
  assert.ok(gradcheck((a) => a.gather(0, tensor(0, { dtype: "int32" })).mul(a.flip(0)), [w]));
});

test("operands: numbers, booleans, tensors and nested arrays convert properly; anything else throws", () => {
  for (const device of devices) {
    const z = zeros([3], { device });
    assert.deepEqual(z.add([1, 2, 3]).toArray(), [1, 2, 3]); // was NaN
    assert.deepEqual(zeros([2, 2], { device }).sub([[1, 2], [3, 4]]).toArray(), [[-1, -2], [-3, -4]]);
    assert.equal(zeros([2], { dtype: "int32", device }).add([1, 2]).dtype, "int32"); // whole numbers stay weak
    assert.equal(zeros([2], { dtype: "int32", device }).add([1.5, 2]).dtype, "float32");
    assert.equal(zeros([2], { dtype: "float64", device }).mul([0.1, 2]).dtype, "float64");
    assert.deepEqual(z.add(new Float32Array([1, 2, 3])).toArray(), [1, 2, 3]);
    assert.deepEqual(z.add([1, 2, 3], { alpha: 2 }).toArray(), [2, 4, 6]);
    assert.deepEqual(z.add(2, { alpha: 3 }).toArray(), [6, 6, 6]); // threw: mul of two numbers
    assert.deepEqual(tensor([1, 2], { device }).eq([1, 3]).toArray(), [true, false]);
    assert.deepEqual(z.add(true).toArray(), [1, 1, 1]);
    const bad: [string, () => unknown, RegExp][] = [
      ["mul undefined", () => z.mul(undefined as never), /^TypeError: mul: an operand must be a Tensor, a number, a boolean or a nested array of them, got undefined$/],
      ["add null", () => z.add(null as never), /add: an operand .* got null/], // was x itself
      ["sub string", () => z.sub("1" as never), /sub: an operand .* got a string \('1'\)/],
      ["div object", () => z.div({} as never), /div: an operand .* got an object \(Object\)/],
      ["maximum", () => z.maximum(undefined as never), /maximum: an operand/],
      ["pow", () => z.pow(null as never), /pow: an operand/],
      ["ragged", () => z.add([1, [2]] as never), /add: the array operand is not a tensor's nested array: ragged/],
      ["where", () => z.where(z.gt(0), undefined as never), /where: an operand/],
      ["clamp", () => z.clamp("0" as never), /clamp: min must be a number or a Tensor, got a string/],
      ["assign", () => z.assign(undefined as never), /assign: expected a Tensor or a number, got undefined/],
    ];
    for (const [what, f, msg] of bad) assert.throws(f, msg, `${what} on ${device}`);
  }
});

test("edges where PyTorch differs now match it or throw: bool arithmetic, int32 overflow, empty dims, casts", () => {
  for (const device of devices) {
    const b = (v: boolean[]): Tensor => tensor(v, { device });
    const i32 = (v: number[]): Tensor => tensor(v, { dtype: "int32", device });
    // bool op bool (torch 1.13): + is or, * is and, / is float, - and ** are errors
    assert.deepEqual(b([true, false]).add(b([true, true])).toArray(), [true, true]);
    assert.deepEqual(b([true, false]).add(true).toArray(), [true, true]);
    assert.deepEqual(b([true, false]).mul(b([true, true])).toArray(), [true, false]);
    assert.deepEqual(b([true, false]).add(1).toArray(), [2, 1]);
    assert.deepEqual(b([true, false]).div(b([true, true])).toArray(), [1, 0]);
    assert.throws(() => b([true]).sub(b([true])), /sub: not supported for two bool operands, as in PyTorch; use a\.ne\(b\)/);
    assert.throws(() => b([true]).pow(b([true])), /pow: not supported for two bool operands/);
    // int32 overflow on creation: torch's "value cannot be converted to type int32 without overflow"
    assert.throws(() => tensor([3e9], { dtype: "int32", device }), /tensor: value 3000000000 cannot be converted to int32 without overflow/);
    assert.throws(() => tensor([NaN], { dtype: "int32", device }), /value NaN cannot be converted to int32/);
    assert.throws(() => tensor(new Float64Array([-3e9]), { dtype: "int32", device }), /value -3000000000 cannot be converted/);
    assert.throws(() => tensor([2147483647.5], { dtype: "int32", device }), /cannot be converted to int32/);
    assert.throws(() => full([2], 2 ** 31, { dtype: "int32", device }), /full: value 2147483648 cannot be converted to int32/);
    assert.equal(tensor([2147483647, -2147483648], { dtype: "int32", device }).sum().item(), -1);
    // int32 sum/prod: torch gives the int64 value; myelin has no int64, so it refuses to wrap
    assert.throws(() => i32([2 ** 30, 2 ** 30, 2 ** 30]).sum(), /sum: the result 3221225472 overflows int32 .*x\.double\(\)\.sum\(\)/);
    assert.throws(() => i32([2 ** 16, 2 ** 16]).prod(), /prod: the result 4294967296 overflows int32/);
    assert.deepEqual(i32([2 ** 30, 2 ** 30 - 1, -5]).sum().toArray(), 2 ** 31 - 6);
    assert.deepEqual(b([true, true, false]).sum().toArray(), 2);
    // reductions over an empty dim (torch 1.13 values)
    const e = zeros([2, 0], { device });
    assert.deepEqual(e.logsumexp(1).toArray(), [-Infinity, -Infinity]);
    assert.deepEqual(e.softmax(1).shape, [2, 0]);
    assert.deepEqual(e.logSoftmax(1).shape, [2, 0]);
    assert.deepEqual(e.sum(1).toArray(), [0, 0]);
    assert.deepEqual(e.prod(1).toArray(), [1, 1]);
    assert.deepEqual(zeros([0, 3], { device }).argmax(1).shape, [0]);
    assert.deepEqual(zeros([0, 3], { device }).max(1)[0].shape, [0]);
    assert.throws(() => e.argmax(1), /argmax: cannot take the argmax over the empty dimension 1 of \[2,0\]/);
    assert.throws(() => e.max(1), /max: cannot reduce over the empty dimension 1/);
    assert.throws(() => e.amax(1), /amax: cannot reduce over an empty dimension/);
    // out-of-range float → int32 casts saturate alike on both backends (NaN → 0)
    assert.deepEqual(tensor([3e9, -3e9, NaN, -2.7], { device }).to("int32").toArray(), [2147483647, -2147483648, 0, -2]);
  }
});
