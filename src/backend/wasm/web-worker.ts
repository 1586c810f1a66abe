// Entry of a browser Web Worker in the wasm backend's pool (used only when crossOriginIsolated):
// the first message carries the compiled module and the shared memory; then it runs jobs forever.

import { CTL_BYTE, workerLoop } from "./worker-loop.js";
import type { RunFn } from "./worker-loop.js";
import { wasmApi, type WasmMemory, type WasmModule } from "./wasm-api.js";

interface WorkerScope {
  onmessage: ((e: { data: { module: WasmModule; memory: WasmMemory; tid: number } }) => void) | null;
  postMessage(msg: unknown): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  const { module, memory, tid } = e.data;
  scope.onmessage = null;
  let run: RunFn;
  try {
    run = new wasmApi!.Instance(module, { env: { memory } }).exports["run"] as RunFn;
  } catch (err) {
    // Tell the pool why, instead of a silent worker it would wait for.
    scope.postMessage({ error: `instantiating the kernels failed: ${String(err)}` });
    return;
  }
  workerLoop(run, new Int32Array(memory.buffer, CTL_BYTE, 16), tid, () => scope.postMessage("ready"));
};
