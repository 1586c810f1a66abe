// Entry of a Node worker_thread in the wasm backend's pool: instantiate the shared module over the
// shared memory, tell the parent it listens, then run jobs forever (see worker-loop.ts).

import { parentPort, workerData } from "node:worker_threads";
import { CTL_BYTE, workerLoop } from "./worker-loop.js";
import type { RunFn } from "./worker-loop.js";
import { wasmApi, type WasmMemory, type WasmModule } from "./wasm-api.js";

interface Data {
  module: WasmModule;
  memory: WasmMemory;
  tid: number;
}

const { module, memory, tid } = workerData as Data;
const instance = new wasmApi!.Instance(module, { env: { memory } });
const run = instance.exports["run"] as RunFn;
workerLoop(run, new Int32Array(memory.buffer, CTL_BYTE, 16), tid, () => parentPort?.postMessage("ready"));
