// Browser specifics of the wasm backend: fetch the .wasm next to this file and spawn module Web
// Workers over the shared memory. Threads need crossOriginIsolated (SharedArrayBuffer); else one thread.
// Every URL is written in the literal forms bundlers (Vite, webpack, Parcel) find and rewrite; in a
// bundle whose tool leaves them alone (esbuild), the assets are looked for next to the bundle.

import type { SpawnFn } from "./pool.js";
import type { WasmMemory, WasmModule } from "./wasm-api.js";
import { checkWasmBytes } from "./wasm-api.js";

interface WebWorker {
  postMessage(msg: unknown): void;
  terminate(): void;
  addEventListener(type: "message" | "error" | "messageerror", fn: (e: { message?: string; data?: unknown }) => void, opts?: { once: boolean }): void;
}
// Module-scoped declarations of the browser's globals (the project compiles without the DOM lib).
// `new Worker(new URL(...))` must name the global `Worker` literally: bundlers only recognise that.
declare const Worker: new (url: URL, opts: { type: "module" }) => WebWorker;
interface WebGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: unknown;
  fetch?: (url: URL) => Promise<{ ok: boolean; status: number; headers: { get(name: string): string | null }; arrayBuffer(): Promise<ArrayBuffer> }>;
}
const g = globalThis as unknown as WebGlobals;

export type KernelFile = "kernels-relaxed.wasm" | "kernels-simd.wasm" | "kernels-single.wasm";

/** The kernel file's URL, one literal per file so that bundlers copy each and rewrite its URL. */
function kernelUrl(name: KernelFile): URL {
  switch (name) {
    case "kernels-relaxed.wasm":
      return new URL("../../../wasm/kernels-relaxed.wasm", import.meta.url);
    case "kernels-simd.wasm":
      return new URL("../../../wasm/kernels-simd.wasm", import.meta.url);
    case "kernels-single.wasm":
      return new URL("../../../wasm/kernels-single.wasm", import.meta.url);
  }
}

/**
 * This module's own URL when it is loaded as a file (unbundled, Vite dev), or the URL of the bundle
 * it was bundled into. Only in the second case can `import.meta.url` end elsewhere than here.
 */
const bundled = !new URL(import.meta.url).pathname.endsWith("/backend/wasm/web-platform.js");

/**
 * Where an asset is fetched from. Bundlers that rewrite `new URL("…", import.meta.url)` (Vite,
 * webpack, Parcel) give the literal another value than resolving the same path at run time (which
 * they leave alone); when both agree inside a bundle, nobody rewrote it (esbuild), and the literal
 * would point three folders above the bundle: the asset is then expected next to the bundle, where
 * docs/browser.md's esbuild setup copies it, and where esbuild's bundle already looks for the worker.
 */
export function assetUrl(literal: URL, relative: string, name: string): URL {
  if (bundled && literal.href === new URL(relative, import.meta.url).href) return new URL(name, import.meta.url);
  return literal;
}

export async function fetchWasm(name: KernelFile): Promise<Uint8Array> {
  const url = assetUrl(kernelUrl(name), "../../../wasm/" + name, name);
  if (!g.fetch) throw new Error("wasm backend: no fetch() to load " + url.href);
  const res = await g.fetch(url);
  if (!res.ok) throw new Error(`wasm backend: fetching ${url.href} failed with HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  checkWasmBytes(bytes, `${url.href} (served as ${res.headers.get("content-type") ?? "no content type"})`);
  return bytes;
}

export function webCpuCount(): number {
  return g.navigator?.hardwareConcurrency ?? 1;
}

/** Worker threads exist only where SharedArrayBuffer may be shared (cross-origin isolated pages). */
export function webSpawner(module: WasmModule, memory: WasmMemory): SpawnFn | null {
  if (typeof g.Worker !== "function" || g.crossOriginIsolated !== true) return null;
  return (tid) =>
    new Promise((resolve, reject) => {
      const w = new Worker(new URL("./web-worker.js", import.meta.url), { type: "module" });
      // A worker whose script cannot load fires an ErrorEvent, often without a message; say which.
      const fail = (e: { message?: string }): void => {
        w.terminate();
        reject(new Error(`wasm backend: Web Worker ${tid} failed to start (${e.message || "its module script did not load"})`));
      };
      w.addEventListener("error", fail, { once: true });
      w.addEventListener("messageerror", fail, { once: true });
      w.addEventListener(
        "message",
        (e) => {
          const err = (e.data as { error?: string } | undefined)?.error;
          if (err) fail({ message: err });
          else resolve({ terminate: () => w.terminate() });
        },
        { once: true },
      );
      w.postMessage({ module, memory, tid });
    });
}
