// Chooses the backend at import time: the WebAssembly SIMD backend where it loads, the reference
// cpu backend otherwise (with one line on stderr saying why). MYELIN_BACKEND=cpu|wasm forces one.
// Where the threaded build fails (a worker script that does not load), single-threaded wasm comes first.

import { registerBackend, setBackend } from "./registry.js";
import { createWasmBackend } from "./wasm/wasm-backend.js";

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

export interface InitOptions {
  /** Creates the fast backend (tests inject a failing one to check the fallback). */
  create?: typeof createWasmBackend;
  /** Where the one-line fallback notice goes (console.warn: stderr in Node). */
  warn?: (line: string) => void;
}

/** Loads the default backend; resolves once it is ready (called once by the package barrel). */
export async function initDefaultBackend({ create = createWasmBackend, warn = (l) => console.warn(l) }: InitOptions = {}): Promise<void> {
  const wanted = env?.MYELIN_BACKEND;
  // only cpu exists before this runs, so setBackend's "available: cpu" would hide the wasm choice
  if (wanted && wanted !== "wasm" && wanted !== "cpu") throw new Error(`myelin: MYELIN_BACKEND=${wanted} is not a backend (expected cpu or wasm)`);
  if (wanted === "cpu") {
    setBackend(wanted);
    return;
  }
  const threads = Number(env?.MYELIN_THREADS);
  if (env?.MYELIN_THREADS && !(Number.isInteger(threads) && threads > 0))
    throw new Error(`myelin: MYELIN_THREADS=${env.MYELIN_THREADS} is not a thread count (expected a positive integer)`);
  const opts = threads > 0 ? { numThreads: threads } : {};
  let wasm;
  try {
    wasm = await create(opts);
  } catch (threaded) {
    try {
      wasm = await create({ ...opts, noThreads: true });
      warn(`myelin: the threaded WebAssembly backend failed (${(threaded as Error).message}); using it on one thread`);
    } catch (e) {
      if (wanted === "wasm") throw e;
      setBackend("cpu");
      const why = (e as Error).message === (threaded as Error).message ? "" : ` (threaded: ${(threaded as Error).message})`;
      warn(`myelin: the WebAssembly backend is unavailable (${(e as Error).message})${why}; using the reference cpu backend`);
      return;
    }
  }
  registerBackend(wasm);
  setBackend(wasm);
}
