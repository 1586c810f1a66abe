// Reliability regressions (issue 13), robustness part: the wasm thread pool recovers from a trapped
// kernel, long reductions are not cut by i32 arguments, disposed tensors fail alike on every
// backend, and hostile safetensors names cannot reach a prototype.

import { test } from "node:test";
import assert from "node:assert/strict";
import { io, listBackends, ones, randn, tensor, type Tensor } from "../src/index.js";
import { createWasmBackend } from "../src/backend/wasm/wasm-backend.js";
import { CpuBackend } from "../src/backend/cpu.js";
import { LAYOUTS, assertClose, contiguousView, makeView, oracleRead, rng } from "../src/backend/wasm/testkit.js";
import type { ReduceOp } from "../src/ops/primitives.js";

const hasWasm = listBackends().includes("wasm");
const skip = !hasWasm && "no wasm backend here";

test("after a kernel traps on the thread pool, later ops run correctly every time", { skip }, async () => {
  const be = await createWasmBackend({ numThreads: 2, parallelMin: { map: 1, gemm: 1 } });
  try {
    const small = be.upload(new Float32Array(1024), "float32");
    // rows 4 MiB apart: most of them lie past the end of memory, so chunks trap on both threads
    const outOfBounds = { storage: small, shape: [64, 1024], strides: [1 << 20, 1], offset: 0 };
    const n = 1 << 16;
    let traps = 0;
    for (let round = 0; round < 20; round++) {
      try {
        be.unary("exp", outOfBounds, "float32");
      } catch {
        traps++;
      }
      // before: about one in three of these failed with "a kernel failed on a worker thread"
      for (let k = 0; k < 10; k++) {
        const a = contiguousView(be.full(n, "float32", 1.5), [n]);
        const c = be.readSync(contiguousView(be.binary("add", a, a, "float32"), [n]));
        assert.equal(c[0], 3);
        assert.equal(c[n - 1], 3);
      }
    }
    assert.equal(traps, 20, "every out-of-bounds launch is an error, not a silent result");
  } finally {
    be.close();
  }
});

test("wasm reductions over 2^31 or more elements (broadcast views) are right, not 0", { skip }, () => {
  const start = performance.now();
  const big = 2 ** 31 + 5;
  assert.equal(ones([1], { device: "wasm" }).expand([2 ** 31]).sum().item(), 2 ** 31);
  assert.deepEqual(tensor([1, -2], { device: "wasm" }).reshape(2, 1).expand([2, big]).sum(1).toArray(), [big, -2 * big].map(Math.fround));
  assert.deepEqual(tensor([1, -2], { device: "wasm" }).expand([big, 2]).amax(0).toArray(), [1, -2]);
  assert.deepEqual(tensor([[1], [-1], [0.5]], { device: "wasm" }).expand([3, big]).prod(1).toArray(), [1, -1, 0]);
  // several reduced dims that do not merge into one run
  assert.equal(ones([3], { device: "wasm" }).expand([2 ** 31, 3]).mean().item(), 1);
  assert.deepEqual(tensor([[1, 2, 3]], { device: "wasm" }).expand([2 ** 31, 3]).amax().item(), 3);
  assert.ok(performance.now() - start < 5000, "broadcast runs use their closed form");
});

test("wasm reductions split into pieces agree with the reference backend (every op, layout and dim)", { skip }, async () => {
  const be = await createWasmBackend({ numThreads: 2, parallelMin: { map: 1, gemm: 1 } });
  const cpu = new CpuBackend();
  be.reduceRunMax = 5; // pieces of at most 5 elements, so ordinary shapes take the long-run path
  try {
    const gen = rng(7);
    for (const shape of [[37], [4, 33], [3, 5, 7], [6, 1, 13]])
      for (const layout of LAYOUTS)
        for (const op of ["sum", "prod", "max", "min"] as ReduceOp[]) {
          const v = makeView(be, shape, "float32", layout, op === "prod" ? () => 0.9 + 0.2 * gen() : gen);
          const host = cpu.upload(Float32Array.from(oracleRead(be, v)), "float32");
          for (const dims of [...shape.map((_, d) => [d]), shape.map((_, d) => d)]) {
            const outShape = shape.map((s, d) => (dims.includes(d) ? 1 : s));
            const got = be.readSync(contiguousView(be.reduce(op, v, dims), outShape));
            const want = cpu.readSync(contiguousView(cpu.reduce(op, contiguousView(host, shape), dims), outShape));
            assertClose(got, want, 1e-5, 1e-6, `${op} ${layout} [${shape}] dims [${dims}]`);
          }
        }
  } finally {
    be.close();
  }
});

test("a disposed tensor fails the same way on every backend, views included", () => {
  for (const device of listBackends().filter((d) => d === "cpu" || d === "wasm")) {
    const t = randn([4, 4], { device });
    const view = t.transpose(0, 1);
    t.dispose();
    t.dispose(); // idempotent
    assert.equal(t.isDisposed, true);
    assert.throws(() => t.dataSync(), /storage used after free\(\)/, device);
    assert.throws(() => t.add(1), /storage used after free\(\)/, device);
    assert.throws(() => view.sum(), /storage used after free\(\)/, device);
    assert.equal(randn([2], { device }).add(1).numel, 2, "other tensors are unaffected");
  }
});

test("safetensors entries named __proto__ or constructor stay ordinary entries", () => {
  // written as text: an object literal's __proto__ would set a prototype, not a key
  const header = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"constructor":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"__metadata__":{"__proto__":"x"}}';
  const json = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + json.length + 8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  new DataView(bytes.buffer).setFloat32(8 + json.length, 1.5, true);
  new DataView(bytes.buffer).setFloat32(8 + json.length + 4, 2.5, true);
  const { tensors, metadata } = io.parseSafetensors(bytes);
  assert.equal(Object.getPrototypeOf(tensors), Object.prototype, "the prototype is untouched");
  assert.deepEqual(Object.keys(tensors).sort(), ["__proto__", "constructor"]);
  assert.equal((Object.getOwnPropertyDescriptor(tensors, "__proto__")!.value as Tensor).item(), 1.5);
  assert.equal((tensors["constructor"] as Tensor).item(), 2.5);
  assert.equal(Object.getOwnPropertyDescriptor(metadata, "__proto__")!.value, "x");
  // and they survive a round trip, as do nested state keys
  const back = io.parseSafetensors(io.serializeSafetensors(tensors, metadata)).tensors;
  assert.deepEqual(Object.keys(back).sort(), ["__proto__", "constructor"]);
  const state = JSON.parse('{"__proto__": {"w": 1}, "toString": 2}') as io.NestedState;
  const { tensors: flat, skeleton } = io.flattenState(state);
  const restored = io.unflattenState(skeleton, flat) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(restored), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(restored, "__proto__")!.value, { w: 1 });
  assert.throws(() => io.unflattenState({ __tensor__: "constructor" }, {}), /tensor "constructor" is referenced by the state but missing/);
});
