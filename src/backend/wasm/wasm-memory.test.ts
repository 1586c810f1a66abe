// WasmBackend memory and lifecycle: growth of the shared memory while workers run kernels on it,
// storages reclaimed by the FinalizationRegistry without free(), and a process that exits on its
// own with the worker pool alive (workers are unref'd).

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createWasmBackend } from "./wasm-backend.js";
import { contiguousView } from "./testkit.js";

test("memory grows past its initial size while two threads run kernels", async () => {
  const be = await createWasmBackend({ numThreads: 2 });
  try {
    const n = 8 << 20; // 32 MiB per float32 storage; the heap starts at 16 MiB
    const xs = Float32Array.from({ length: n }, (_, i) => (i % 1000) / 7);
    const a = contiguousView(be.upload(xs, "float32"), [n]);
    const b = contiguousView(be.full(n, "float32", 2), [n]);
    const c = be.binary("mul", a, b, "float32"); // allocated after growth
    const got = be.readSync(contiguousView(c, [n]));
    for (const i of [0, 1, 12345, n - 1]) assert.equal(got[i], Math.fround(xs[i]! * 2));
    const m = contiguousView(be.upload(Float32Array.from({ length: 1024 * 1024 }, () => 1), "float32"), [1024, 1024]);
    const p = be.readSync(contiguousView(be.matmul(m, m, "float32"), [1024, 1024]));
    assert.equal(p[0], 1024);
    assert.equal(p[1024 * 1024 - 1], 1024);
    const s = be.readSync(contiguousView(be.reduce("sum", a, [0]), [1]));
    const want = xs.reduce((acc, v) => acc + v, 0);
    assert.ok(Math.abs(s[0]! - want) <= 1e-6 * want);
  } finally {
    be.close();
  }
});

test("storages without free() are reclaimed after garbage collection", async () => {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const be = await createWasmBackend({ numThreads: 1 });
  const before = be.liveBytes;
  (() => {
    for (let i = 0; i < 50; i++) be.full(1 << 18, "float32", i);
  })();
  assert.ok(be.liveBytes >= before + 50 * (1 << 20));
  for (let i = 0; i < 10 && be.liveBytes > before; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(be.liveBytes, before);
  be.close();
});

test("a synchronous loop that never frees nor yields runs in flat memory (Node's sync collector)", async () => {
  const be = await createWasmBackend({ numThreads: 2 });
  const x = contiguousView(be.full(1 << 20, "float32", 1), [1024, 1024]); // 4 MiB
  let peak = 0;
  // 500 steps x 2 temporaries x 4 MiB = 4 GB allocated in total, more than wasm32 can hold at once.
  for (let i = 0; i < 500; i++) {
    const y = contiguousView(be.unary("exp", x, "float32"), [1024, 1024]);
    be.binary("add", y, x, "float32");
    peak = Math.max(peak, be.liveBytes);
  }
  assert.ok(peak < 512 << 20, `peak live bytes ${peak}`);
  be.close();
});

test("a process using the pool exits by itself", () => {
  const url = new URL("./wasm-backend.js", import.meta.url).href;
  const script =
    `const { createWasmBackend } = await import(${JSON.stringify(url)});` +
    "const be = await createWasmBackend({ numThreads: 2, parallelMin: { map: 1, gemm: 1 } });" +
    "const s = be.full(4096, 'float32', 1);" +
    "const v = { storage: s, shape: [64, 64], strides: [64, 1], offset: 0 };" +
    "be.matmul(v, v, 'float32'); be.unary('exp', v, 'float32');" +
    "console.log('done', be.getNumThreads());";
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { timeout: 20000, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /done 2/);
});
