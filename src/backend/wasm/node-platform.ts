// Node specifics of the wasm backend, imported dynamically so the browser bundle never sees node:*:
// reading the .wasm files, enabling relaxed SIMD in V8, and spawning unref'd worker_threads.

import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { Worker } from "node:worker_threads";
import type { SpawnFn } from "./pool.js";
import type { WasmMemory, WasmModule } from "./wasm-api.js";
import type { SyncCollector } from "./memory.js";

export async function readWasm(name: string): Promise<Uint8Array> {
  const url = new URL(`../../../wasm/${name}`, import.meta.url);
  try {
    return new Uint8Array(await readFile(url));
  } catch (e) {
    throw new Error(`wasm backend: cannot read ${url.pathname} (build the kernels with \`npm run build:wasm\`): ${String(e)}`);
  }
}

/** Node 20 (V8 11.3) ships relaxed SIMD behind a flag; it must be set before the module compiles. */
export function enableRelaxedSimd(): void {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
}

/**
 * A gc() and a FinalizationRegistry with cleanupSome() from a fresh vm context: both flags only
 * affect contexts created after they are set, so the main context is unchanged. Lets the heap
 * reclaim dead storages inside a synchronous loop, where finalizer callbacks (tasks) never run.
 * Null where this V8 lacks either.
 */
export function syncCollector(): SyncCollector | null {
  try {
    setFlagsFromString("--expose-gc");
    setFlagsFromString("--harmony-weak-refs-with-cleanup-some");
    const c = runInNewContext("({ gc, FinalizationRegistry })") as Partial<SyncCollector>;
    const FR = c.FinalizationRegistry as unknown as { prototype: { cleanupSome?: unknown } } | undefined;
    if (typeof c.gc !== "function" || typeof FR?.prototype.cleanupSome !== "function") return null;
    return { ...(c as SyncCollector), onExit: (fn) => process.once("exit", fn) };
  } catch {
    return null;
  }
}

export function cpuCount(): number {
  return availableParallelism();
}

export function nodeSpawner(module: WasmModule, memory: WasmMemory): SpawnFn {
  return (tid) =>
    new Promise((resolve, reject) => {
      // execArgv []: the parent's flags (e.g. --input-type from `node -e`) would break the worker's
      // module load; V8 flags set through setFlagsFromString are process-wide anyway.
      const w = new Worker(new URL("./node-worker.js", import.meta.url), { workerData: { module, memory, tid }, execArgv: [] });
      // unref: an idle pool (workers asleep in Atomics.wait) must not keep the process alive.
      w.unref();
      w.once("error", reject);
      w.once("message", () => resolve({ terminate: () => void w.terminate() }));
    });
}
