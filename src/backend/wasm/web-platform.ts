// Browser specifics of the wasm backend: fetch the .wasm next to this file and spawn module Web
// Workers over the shared memory. Threads need crossOriginIsolated (SharedArrayBuffer); else one thread.

import type { SpawnFn } from "./pool.js";
import type { WasmMemory, WasmModule } from "./wasm-api.js";

interface WebWorker {
  postMessage(msg: unknown): void;
  terminate(): void;
  addEventListener(type: "message" | "error", fn: (e: unknown) => void, opts?: { once: boolean }): void;
}
interface WebGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: new (url: URL, opts: { type: "module" }) => WebWorker;
  fetch?: (url: URL) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
}
const g = globalThis as unknown as WebGlobals;

export async function fetchWasm(name: string): Promise<Uint8Array> {
  const url = new URL(`../../../wasm/${name}`, import.meta.url);
  if (!g.fetch) throw new Error("wasm backend: no fetch() to load " + url.href);
  const res = await g.fetch(url);
  if (!res.ok) throw new Error(`wasm backend: fetching ${url.href} failed with HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export function webCpuCount(): number {
  return g.navigator?.hardwareConcurrency ?? 1;
}

/** Worker threads exist only where SharedArrayBuffer may be shared (cross-origin isolated pages). */
export function webSpawner(module: WasmModule, memory: WasmMemory): SpawnFn | null {
  const W = g.Worker;
  if (!W || g.crossOriginIsolated !== true) return null;
  return (tid) =>
    new Promise((resolve, reject) => {
      const w = new W(new URL("./web-worker.js", import.meta.url), { type: "module" });
      w.addEventListener("error", reject, { once: true });
      w.addEventListener("message", () => resolve({ terminate: () => w.terminate() }), { once: true });
      w.postMessage({ module, memory, tid });
    });
}
