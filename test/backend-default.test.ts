// The default backend: wasm where it loads, a clean fallback to the reference backend (one notice,
// no crash) where it does not, and MYELIN_BACKEND to force either.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { getBackend, randn, setBackend } from "../src/index.js";
import { initDefaultBackend } from "../src/backend/default.js";
import { repoRoot } from "./helpers.js";

const probe = (env: Record<string, string>): { out: string } => {
  const script = `import("${repoRoot}dist/src/index.js").then((m) => console.log(m.getBackend().name, m.randn([4, 4]).matmul(m.randn([4, 4])).shape.join("x")))`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, MYELIN_BACKEND: "", ...env },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { out: out.trim() };
};

test("wasm is the default backend where WebAssembly SIMD loads", () => {
  assert.equal(probe({}).out, "wasm 4x4");
});

test("MYELIN_BACKEND=cpu selects the reference backend", () => {
  assert.equal(probe({ MYELIN_BACKEND: "cpu" }).out, "cpu 4x4");
});

test("a MYELIN_BACKEND or MYELIN_THREADS that means nothing is an error naming it, not a silent default", () => {
  const stderr = (env: Record<string, string>): string => {
    try {
      probe(env);
    } catch (e) {
      return String((e as { stderr?: string }).stderr);
    }
    return "(no error)";
  };
  assert.match(stderr({ MYELIN_BACKEND: "gpu" }), /MYELIN_BACKEND=gpu is not a backend \(expected cpu or wasm\)/);
  assert.match(stderr({ MYELIN_THREADS: "four" }), /MYELIN_THREADS=four is not a thread count \(expected a positive integer\)/);
  assert.match(stderr({ MYELIN_THREADS: "0" }), /MYELIN_THREADS=0 is not a thread count/);
  assert.equal(probe({ MYELIN_THREADS: "1" }).out, "wasm 4x4");
});

test("a backend that fails to load falls back to cpu with one notice naming the reason", async () => {
  const before = getBackend();
  const notices: string[] = [];
  try {
    await initDefaultBackend({
      create: () => Promise.reject(new Error("WebAssembly SIMD is not supported by this engine")),
      warn: (l) => notices.push(l),
    });
    assert.equal(getBackend().name, "cpu");
    assert.equal(notices.length, 1);
    assert.match(notices[0]!, /WebAssembly backend is unavailable \(WebAssembly SIMD is not supported by this engine\); using the reference cpu backend/);
    assert.deepEqual(randn([2, 3]).sum(1).shape, [2]); // and everything still works
  } finally {
    setBackend(before);
  }
});
