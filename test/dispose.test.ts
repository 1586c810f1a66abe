// Explicit memory release for those who want it: dispose() and `using` free a tensor's storage
// at once; on every backend a disposed tensor (and its views) fail the same way afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { backendByName, listBackends, randn, type WasmBackend } from "../src/index.js";

const wasm = listBackends().includes("wasm") ? (backendByName("wasm") as WasmBackend) : null;

test("dispose() returns a wasm tensor's bytes to the heap at once, and is idempotent", { skip: !wasm && "the wasm backend is not available here" }, () => {
  const before = wasm!.liveBytes;
  const t = randn([256, 256], { device: "wasm" });
  assert.ok(wasm!.liveBytes >= before + 256 * 256 * 4);
  t.dispose();
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.ok(wasm!.liveBytes < before + 256 * 256 * 4);
  assert.throws(() => t.dataSync(), /storage used after free\(\)/);
});

test("`using` disposes at the end of the block", { skip: !wasm && "the wasm backend is not available here" }, () => {
  const before = wasm!.liveBytes;
  {
    using t = randn([128, 128], { device: "wasm" });
    assert.ok(wasm!.liveBytes >= before + 128 * 128 * 4);
    assert.equal(t.sum().isDisposed, false);
  }
  assert.ok(wasm!.liveBytes < before + 128 * 128 * 4);
});

test("dispose() on the reference backend releases the storage: later use fails as on wasm", () => {
  const t = randn([3, 3], { device: "cpu" });
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.throws(() => t.dataSync(), /storage used after free\(\)/);
});
