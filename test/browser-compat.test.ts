// What browsers need from the library, checked in Node: the single-threaded wasm build (what pages
// without cross-origin isolation get) survives memory growth, truthful load errors and fallbacks,
// the .wasm files in the package's exports, no Node-only module reachable from the main entry,
// fit yielding to the event loop, and a pluggable progress bar. test/browser/ runs the real thing.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fit, getBackend, LambdaCallback, nn, optim, Progress, setBackend, tensor, type Batch, type BarLike } from "../src/index.js";
import { createWasmBackend } from "../src/backend/wasm/wasm-backend.js";
import { contiguousView } from "../src/backend/wasm/testkit.js";
import { checkWasmBytes } from "../src/backend/wasm/wasm-api.js";
import { initDefaultBackend } from "../src/backend/default.js";
import { repoRoot } from "./helpers.js";

test("single-threaded wasm keeps working after its (unshared) memory grows and detaches old views", async () => {
  const be = await createWasmBackend({ noThreads: true });
  assert.equal(be.variant, "simd128-single");
  const small = contiguousView(be.upload(new Float32Array([1, 2, 3, 4]), "float32"), [2, 2]);
  assert.deepEqual([...be.readSync(contiguousView(be.matmul(small, small, "float32"), [2, 2]))], [7, 10, 15, 22]);
  const n = 6 << 20; // 24 MiB per storage: the heap starts at 16 MiB, so these grow it twice
  const xs = Float32Array.from({ length: n }, (_, i) => (i % 1000) / 8);
  const a = contiguousView(be.upload(xs, "float32"), [n]);
  const b = contiguousView(be.full(n, "float32", 2), [n]);
  const c = be.readSync(contiguousView(be.binary("mul", a, b, "float32"), [n]));
  for (const i of [0, 1, 4567, n - 1]) assert.equal(c[i], xs[i]! * 2);
  // the pool's control block and the GEMM argument table live in the grown memory too
  assert.deepEqual([...be.readSync(contiguousView(be.matmul(small, small, "float32"), [2, 2]))], [7, 10, 15, 22]);
  const s = be.readSync(contiguousView(be.reduce("sum", a, [0]), [1]));
  const want = xs.reduce((acc, v) => acc + v, 0);
  assert.ok(Math.abs(s[0]! - want) <= 1e-5 * want, `${s[0]} vs ${want}`);
});

test("a server's HTML page in place of a .wasm file is reported as such, not as missing SIMD", async () => {
  const html = new TextEncoder().encode("<!doctype html><html><body>404</body></html>");
  assert.throws(() => checkWasmBytes(html, "http://x/kernels.wasm"), /http:\/\/x\/kernels\.wasm is not a WebAssembly file \(\d+ bytes starting "<!doctype html><"\)/);
  await assert.rejects(createWasmBackend({ noThreads: true, wasmBytes: { simd: html, single: html } }), /the simd128-single kernels is not a WebAssembly file/);
});

test("the default backend falls back to single-threaded wasm, then cpu, each with one notice", async () => {
  const before = getBackend();
  const notices: string[] = [];
  try {
    await initDefaultBackend({
      create: (o = {}) => (o.noThreads ? createWasmBackend(o) : Promise.reject(new Error("wasm backend: Web Worker 1 failed to start (x)"))),
      warn: (l) => notices.push(l),
    });
    assert.equal((getBackend() as { variant?: string }).variant, "simd128-single");
    assert.deepEqual(notices, ["myelin: the threaded WebAssembly backend failed (wasm backend: Web Worker 1 failed to start (x)); using it on one thread"]);
    notices.length = 0;
    await initDefaultBackend({ create: (o = {}) => Promise.reject(new Error(o.noThreads ? "no SIMD" : "no worker")), warn: (l) => notices.push(l) });
    assert.equal(getBackend().name, "cpu");
    assert.deepEqual(notices, ["myelin: the WebAssembly backend is unavailable (no SIMD) (threaded: no worker); using the reference cpu backend"]);
  } finally {
    setBackend(before);
  }
});

test("the package exports its .wasm kernels (bundlers and import.meta.resolve find them)", () => {
  for (const f of ["kernels-relaxed.wasm", "kernels-simd.wasm", "kernels-single.wasm"]) {
    const path = fileURLToPath(import.meta.resolve(`myelin/wasm/${f}`));
    assert.equal(path, join(repoRoot, "dist", "wasm", f));
    assert.ok(existsSync(path), path);
  }
});

/** Every module reachable from `entry` through static imports and literal dynamic imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    const src = readFileSync(file, "utf8");
    const specs = [...src.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((m) => (m[1] ?? m[2])!);
    seen.set(file, specs);
    for (const s of specs) if (s.startsWith(".")) todo.push(join(dirname(file), s));
  }
  return seen;
}

test("nothing Node-only is reachable from the main entry (browser bundles need no polyfills)", () => {
  const graph = reachable(join(repoRoot, "dist", "src", "index.js"));
  assert.ok(graph.size > 50, `only ${graph.size} modules found: the import scan is broken`);
  const nodeOnly = (s: string): boolean => s.startsWith("node:") || builtinModules.includes(s) || s === "cli-progress";
  const imports = [...graph].flatMap(([file, specs]) => specs.filter((s) => !s.startsWith(".")).map((s) => `${file.slice(repoRoot.length)} imports ${s}`));
  assert.deepEqual(imports.filter((l) => nodeOnly(l.split(" imports ")[1]!)), []);
  // the only packages are vega and vega-lite (plotHistory), which are browser libraries
  assert.deepEqual([...new Set(imports.map((l) => l.split(" imports ")[1]))].sort(), ["vega", "vega-lite"]);
  const node = reachable(join(repoRoot, "dist", "src", "node.js"));
  assert.ok([...node.values()].some((specs) => specs.includes("cli-progress")), "myelin/node offers the terminal bar");
});

test("bundlers' literal URL forms: the worker and each .wasm file are named in `new URL(literal, import.meta.url)`", () => {
  const src = readFileSync(join(repoRoot, "dist", "src", "backend", "wasm", "web-platform.js"), "utf8");
  assert.match(src, /new Worker\(new URL\("\.\/web-worker\.js", import\.meta\.url\), \{ type: "module" \}\)/);
  for (const f of ["relaxed", "simd", "single"]) assert.ok(src.includes(`new URL("../../../wasm/kernels-${f}.wasm", import.meta.url)`), f);
});

const xor: Batch = [tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), tensor([[0], [1], [1], [0]])];

test("fit gives the event loop a turn every `yieldEvery` batches, and never with 0", async () => {
  for (const [yieldEvery, firstSeenAt] of [[3, 3], [0, -1]] as const) {
    let fired = false;
    let seenAt = -1;
    setImmediate(() => (fired = true));
    const model = new nn.Linear(2, 1);
    await fit(model, {
      train: Array.from({ length: 8 }, () => xor),
      loss: new nn.MSELoss(),
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
      yieldEvery,
      callbacks: [new LambdaCallback({ onBatchEnd: (step) => void (fired && seenAt < 0 && (seenAt = step)) })],
    });
    assert.equal(seenAt, firstSeenAt, `yieldEvery ${yieldEvery}`);
  }
  const model = new nn.Linear(2, 1);
  await assert.rejects(fit(model, { train: [xor], loss: new nn.MSELoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), yieldEvery: 1.5 }), /fit: yieldEvery must be a non-negative integer, got 1\.5/);
});

test("Progress draws a live bar only through a bar factory", async () => {
  assert.throws(() => new Progress({ bar: true }), /Progress: bar: true needs a barFactory/);
  const calls: string[] = [];
  const bar: BarLike = {
    start: (total, value) => calls.push(`start ${total} ${value}`),
    update: (value) => calls.push(`update ${value}`),
    stop: () => calls.push("stop"),
  };
  const model = new nn.Linear(2, 1);
  await fit(model, {
    train: [xor, xor],
    loss: new nn.MSELoss(),
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }),
    callbacks: [new Progress({ log: () => {}, bar: true, barFactory: () => bar })],
  });
  assert.deepEqual(calls, ["start 2 0", "update 1", "update 2", "stop", "stop"]);
});
