// What the wasm backend's op files (maps.ts, reduce.ts, gemm-glue.ts, index-ops.ts) share: the
// heap, the thread pool, allocation into the current scope, job arguments, and the exact host path.

import type { DType, TypedArray } from "../../dtype.js";
import type { Storage, View } from "../backend.js";
import { CpuBackend, CpuStorage } from "../cpu.js";
import type { KernelExports } from "./loader.js";
import { WasmHeap, WasmStorage } from "./memory.js";
import type { ThreadPool } from "./pool.js";
import { ARGS_BYTE } from "./worker-loop.js";

/** The thresholds tests may lower (see MAP_THREAD_MIN in wasm-backend.ts). */
export interface WasmTuning {
  mapThreadMin: number;
  gemmThreadMin: number;
  reduceRunMax: number;
}

export class WasmCtx {
  readonly host = new CpuBackend();
  readonly scopes: WasmStorage[][] = [];

  constructor(
    readonly heap: WasmHeap,
    readonly pool: ThreadPool,
    readonly k: KernelExports,
    readonly tuning: WasmTuning,
  ) {}

  ws(s: Storage): WasmStorage {
    if (!(s instanceof WasmStorage)) throw new TypeError("wasm backend: storage belongs to another backend");
    if (!s.live) throw new Error("wasm backend: storage used after free()");
    return s;
  }

  arr(s: Storage): TypedArray {
    return this.heap.view(this.ws(s));
  }

  /**
   * The exact paths (float64, int32, bool, mixed dtypes, index ops) run the reference backend's
   * kernels on zero-copy views of this memory, so both backends share one set of semantics;
   * `exact` copies a result into wasm storage. Call both after allocating `out` (growth moves views).
   */
  onHost(v: View): View {
    return { storage: new CpuStorage(this.arr(v.storage), v.storage.dtype), shape: v.shape, strides: v.strides, offset: v.offset };
  }

  exact(out: WasmStorage, result: Storage): WasmStorage {
    this.heap.view(out).set((result as CpuStorage).data);
    return out;
  }

  /** Storages allocated inside a scope skip the FinalizationRegistry: popScope frees or registers them. */
  alloc(dtype: DType, length: number): WasmStorage {
    const scope = this.scopes.at(-1);
    const s = this.heap.alloc(dtype, length, !scope);
    scope?.push(s);
    return s;
  }

  /** Writes a job's i32 arguments at ARGS_BYTE. */
  args(values: readonly number[]): void {
    const i32 = this.heap.i32;
    const base = ARGS_BYTE / 4;
    for (let i = 0; i < values.length; i++) i32[base + i] = values[i]!;
  }

  /** Chunks and threads for a job of `size` elements: ~16K elements per chunk, up to 4 chunks per thread. */
  split(size: number, threads: number): [number, number] {
    if (threads <= 1 || size < this.tuning.mapThreadMin) return [1, 1];
    return [Math.max(2, Math.min(threads * 4, Math.ceil(size / 16384))), threads];
  }

  /** Runs the job whose arguments were written, over `size` elements, threaded past the map threshold. */
  run(size: number, threads = this.pool.threads): void {
    if (size < this.tuning.mapThreadMin || threads <= 1) this.pool.dispatch(1, 1);
    else this.pool.dispatch(...this.split(size, threads));
  }
}
