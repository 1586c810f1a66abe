// Loading the kernels: pick the relaxed-SIMD build where this engine validates it, else plain SIMD128
// (else a clear error), create the shared memory, instantiate, and find the platform's way to spawn
// worker threads. Node-only code comes in through a dynamic import (node-platform.ts).

import { MAX_PAGES, HEAP_BASE, type SyncCollector } from "./memory.js";
import type { SpawnFn } from "./pool.js";
import type { RunFn } from "./worker-loop.js";
import { checkWasmBytes, wasmApi, type WasmMemory, type WasmModule } from "./wasm-api.js";

/** The functions wasm/kernels.ts exports (byte addresses, element strides). */
export interface KernelExports {
  run: RunFn;
  gemmScratchBytes(): number;
  /** Per-thread scratch bytes of the per-sample convolution jobs (wasm/conv-sample.ts) for `columns` floats of columns. */
  convSampleScratch(columns: number): number;
  /** Per-thread scratch floats of the direct convolution jobs (wasm/conv-direct.ts). */
  convDirectScratch(fn: number, c: number, h: number, kh: number, kw: number, pt: number, o: number, oh: number, ow: number): number;
  /** Per-thread scratch floats of the channel-vectorized convolution jobs (wasm/conv-channels.ts). */
  convChannelsScratch(c: number, kh: number, kw: number, o: number, oh: number, ow: number): number;
  erf64(x: number): number;
}

export interface LoadOptions {
  /** Use the plain SIMD128 build even where relaxed SIMD is available (for tests and comparisons). */
  simd128Only?: boolean;
  /**
   * Node: let allocation pressure run a synchronous GC so dead storages are reclaimed even in loops
   * that never yield (default true). Browsers reclaim only when the loop yields to the event loop.
   */
  syncCollect?: boolean;
  /** Use the single-threaded build over unshared memory (what browsers without cross-origin isolation get). */
  noThreads?: boolean;
  /** Kernel bytes to use instead of reading dist/wasm/ (e.g. a bundler's asset). */
  wasmBytes?: { relaxed?: Uint8Array; simd: Uint8Array; single?: Uint8Array };
}

export interface Loaded {
  module: WasmModule;
  memory: WasmMemory;
  exports: KernelExports;
  variant: "relaxed-simd" | "simd128" | "simd128-single";
  spawn: SpawnFn | null;
  /** Whether this thread may block in Atomics.wait (not a browser's main thread). */
  canBlock: boolean;
  cpus: number;
  /** Synchronous garbage collection for the heap (Node only; null elsewhere). */
  collector: SyncCollector | null;
}

const isNode = typeof globalThis.process === "object" && typeof globalThis.process.versions?.node === "string";

function sharedMemoryWorks(): boolean {
  try {
    return new wasmApi!.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

export async function loadKernels(opts: LoadOptions = {}): Promise<Loaded> {
  const WA = wasmApi;
  if (!WA) throw new Error("wasm backend: this JavaScript engine has no WebAssembly");
  // A computed specifier keeps browser bundlers from following node-platform.ts into node:* modules.
  const nodePlatform = "./node-platform.js";
  const node = isNode ? ((await import(/* @vite-ignore */ nodePlatform)) as typeof import("./node-platform.js")) : null;
  const web = isNode ? null : await import("./web-platform.js");
  const read = async (name: "kernels-relaxed.wasm" | "kernels-simd.wasm" | "kernels-single.wasm"): Promise<Uint8Array> =>
    node ? node.readWasm(name) : web!.fetchWasm(name);
  const shared = !opts.noThreads && sharedMemoryWorks();
  let bytes: Uint8Array;
  let variant: Loaded["variant"];
  const relaxed = shared && !opts.simd128Only ? (opts.wasmBytes?.relaxed ?? (await read("kernels-relaxed.wasm"))) : null;
  if (relaxed) checkWasmBytes(relaxed, "the relaxed-SIMD kernels");
  // Engines that ship relaxed SIMD validate it as is; Node 20 needs a V8 flag, set only then (and
  // before compiling: V8 reads it at compile time).
  if (relaxed && node && !WA.validate(relaxed)) node.enableRelaxedSimd();
  if (relaxed && WA.validate(relaxed)) {
    bytes = relaxed;
    variant = "relaxed-simd";
  } else {
    bytes = shared
      ? (opts.wasmBytes?.simd ?? (await read("kernels-simd.wasm")))
      : (opts.wasmBytes?.single ?? (await read("kernels-single.wasm")));
    variant = shared ? "simd128" : "simd128-single";
    checkWasmBytes(bytes, `the ${variant} kernels`);
    if (!WA.validate(bytes))
      throw new Error(
        "wasm backend: this engine cannot run the kernels: WebAssembly SIMD128 (and, for threads, shared memory) " +
          "is required (Node >= 16.4, Chrome >= 91, Firefox >= 89, Safari >= 16.4); use the reference CPU backend",
      );
  }
  const module = await WA.compile(bytes);
  const initial = Math.ceil((HEAP_BASE + (16 << 20)) / 65536);
  const memory = new WA.Memory({ initial, maximum: MAX_PAGES, shared });
  const instance = await WA.instantiate(module, { env: { memory } });
  const exports = instance.exports as unknown as KernelExports;
  if (node) {
    const spawn = shared ? node.nodeSpawner(module, memory) : null;
    const collector = opts.syncCollect === false ? null : node.syncCollector();
    return { module, memory, exports, variant, spawn, canBlock: true, cpus: node.cpuCount(), collector };
  }
  const spawn = shared ? web!.webSpawner(module, memory) : null;
  return { module, memory, exports, variant, spawn, canBlock: false, cpus: web!.webCpuCount(), collector: null };
}
