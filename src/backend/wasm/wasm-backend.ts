// WasmBackend: the fast CPU backend. float32 elementwise maps and GEMM run in Wasm SIMD kernels
// (wasm/kernels.ts) on a worker pool over shared memory; other dtype/op combinations run the
// reference backend's kernels over the same memory. This file holds memory, scopes and data
// movement; maps.ts, reduce-ops.ts and matmul.ts hold the ops. Created by createWasmBackend().

import { castScalar, type DType, type TypedArray, dtypeOfArray } from "../../dtype.js";
import type { ArgReduceOp, BinaryOp, ReduceOp, UnaryOp } from "../../ops/primitives.js";
import type { AdamHyper, Backend, Storage, View } from "../backend.js";
import { contiguousStrides, isContiguous, numel } from "../../shape.js";
import { loadKernels, type KernelExports, type LoadOptions } from "./loader.js";
import { ELEM_BYTES, MAX_BYTES, WasmHeap, WasmStorage } from "./memory.js";
import { ThreadPool } from "./pool.js";
import { WasmCtx } from "./context.js";
import * as maps from "./maps.js";
import * as red from "./reduce-ops.js";
import { ensureScratch, GemmScratch, matmul } from "./matmul.js";
import { activationGrad, fmaRoofline } from "./engine-ops.js";
import * as ix from "./index-ops.js";
import { ARGS_BYTE } from "./worker-loop.js";

/**
 * Below these sizes a job stays on the calling thread. Measured with `node bench/threshold.js` on
 * the 2-core AVX2 machine (Node 20.20, machine otherwise idle), median µs per call at 1 / 2 threads:
 * f32 add 16K elements 10.6 / 8.6 (1.23x), 32K 23.0 / 11.4 (2.0x), 64K 31.0 / 22.5, 256K 144 / 92;
 * row sums of 64x256 7.1 / 5.8, 256x256 15.6 / 9.2; square GEMM 32^3 5.3 / 4.8 (1.1x), 48^3 7.6 / 5.2,
 * 64^3 15.9 / 9.7 (1.65x), 128^3 109 / 71. Dispatch itself is ~1-2 µs (Atomics), but a worker
 * that another process keeps off its core can hold a claimed chunk for a scheduler slice, so the
 * thresholds sit where two threads gain clearly (~1.6-2x), not where they first break even.
 */
export const MAP_THREAD_MIN = 32768;

export const GEMM_THREAD_MIN = 64 * 64 * 64;

export interface WasmBackendOptions extends LoadOptions {
  /** Threads (the caller included); default: the machine's cores (1 where threads are unavailable). */
  numThreads?: number;
  /** Smallest job sent to the pool (elements of a map, m·n·k of a GEMM); tests lower them to 1. */
  parallelMin?: { map?: number; gemm?: number };
}

/**
 * Creates the fast CPU backend: compiles the kernels (relaxed-SIMD build where the engine has it,
 * else plain SIMD128), starts the worker pool and resolves when every worker listens. Throws a
 * clear error where WebAssembly SIMD is missing (then use the reference CpuBackend).
 *
 * Threads: `numThreads` (default: all cores) in Node; in browsers only when crossOriginIsolated
 * (else one thread). Workers sleep when idle and never keep a Node process alive.
 *
 * @example
 * const be = await createWasmBackend({ numThreads: 2 });
 * const s = be.upload(new Float32Array([1, 2, 3, 4]), "float32");
 * const v = { storage: s, shape: [2, 2], strides: [2, 1], offset: 0 };
 * be.readSync({ storage: be.matmul(v, v, "float32"), shape: [2, 2], strides: [2, 1], offset: 0 }); // [7, 10, 15, 22]
 */
export async function createWasmBackend(opts: WasmBackendOptions = {}): Promise<WasmBackend> {
  const loaded = await loadKernels(opts);
  const heap = new WasmHeap(loaded.memory, loaded.collector);
  const pool = new ThreadPool(loaded.memory, loaded.exports.run, loaded.spawn, loaded.canBlock);
  const backend = new WasmBackend(heap, pool, loaded.exports, loaded.variant);
  backend.mapThreadMin = opts.parallelMin?.map ?? MAP_THREAD_MIN;
  backend.gemmThreadMin = opts.parallelMin?.gemm ?? GEMM_THREAD_MIN;
  pool.setThreads(opts.numThreads ?? loaded.cpus);
  await pool.ready();
  return backend;
}

export class WasmBackend implements Backend {
  readonly name = "wasm";
  readonly supportsFloat64 = true;
  readonly maxBytes = MAX_BYTES;
  /** Which kernel build runs: "relaxed-simd" (FMA), "simd128", or "simd128-single" (no threads). */
  readonly variant: string;
  readonly #heap: WasmHeap;
  readonly #pool: ThreadPool;
  readonly #c: WasmCtx;
  readonly #scratch = new GemmScratch();
  /** See MAP_THREAD_MIN / GEMM_THREAD_MIN. */
  mapThreadMin = MAP_THREAD_MIN;
  gemmThreadMin = GEMM_THREAD_MIN;
  /**
   * The longest run one reduction kernel call covers. Kernel arguments are i32, so a longer run
   * (only a broadcast view can have one: 2³¹ floats exceed the heap) is reduced in pieces whose
   * partial results are reduced again. Settable so tests can exercise the pieces cheaply.
   */
  reduceRunMax = 2 ** 30;

  /** Use createWasmBackend(); the constructor needs the compiled kernels. */
  constructor(heap: WasmHeap, pool: ThreadPool, kernels: KernelExports, variant: string) {
    this.#heap = heap;
    this.#pool = pool;
    this.#c = new WasmCtx(heap, pool, kernels, this);
    this.variant = variant;
  }

  /** Sets the threads used by later ops (the caller counts as one); new workers start in the background. */
  setNumThreads(n: number): void {
    this.#pool.setThreads(n);
  }
  /** Threads ops use now (workers still starting are not counted). */
  getNumThreads(): number {
    return this.#pool.threads;
  }
  /** Resolves when every requested worker has started. */
  ready(): Promise<void> {
    return this.#pool.ready();
  }
  /** Stops the worker threads (optional: they never keep the process alive). */
  close(): void {
    this.#pool.close();
  }
  /** Bytes held by live storages, for memory-leak checks. */
  get liveBytes(): number {
    return this.#heap.liveBytes;
  }
  /**
   * Bytes of allocation (size classes plus an estimate of the JS objects per storage) after which
   * the heap runs a synchronous garbage collection (Node); default 256 MiB. Tests lower it.
   */
  get collectEvery(): number {
    return this.#heap.collectEvery;
  }
  set collectEvery(bytes: number) {
    this.#heap.collectEvery = bytes;
  }

  #ws(s: Storage): WasmStorage {
    return this.#c.ws(s);
  }
  #alloc(dtype: DType, length: number): WasmStorage {
    return this.#c.alloc(dtype, length);
  }
  #onHost(v: View): View {
    return this.#c.onHost(v);
  }
  #exact(out: WasmStorage, result: Storage): WasmStorage {
    return this.#c.exact(out, result);
  }

  /**
   * Adam in one pass (kernel wasm/optim.ts) where the composite takes ~11, each bound by memory
   * bandwidth on large parameters; bit-identical to the composite's float32 ops.
   */
  adamStep(p: View, g: View, m: View, v: View, h: AdamHyper): [Storage, Storage, Storage] {
    const n = numel(p.shape);
    const flat = (x: View): WasmStorage => {
      const plain = x.storage.dtype === "float32" && isContiguous(x.shape, x.strides) && x.offset === 0 && x.storage.length === n;
      return plain ? this.#ws(x.storage) : this.#ws(this.cast({ ...x }, "float32"));
    };
    const sp = flat(p), sg = flat(g), sm = flat(m), sv = flat(v);
    // m and v (θ with inPlaceParam) updated over themselves when asked (the optimizer owns them) and flat() did not copy them
    const op = h.inPlaceParam && sp === p.storage ? sp : this.#alloc("float32", n);
    const om = h.inPlace && sm === m.storage ? sm : this.#alloc("float32", n);
    const ov = h.inPlace && sv === v.storage ? sv : this.#alloc("float32", n);
    if (n === 0) return [op, om, ov];
    this.#c.args([8, n, sp.ptr, sg.ptr, sm.ptr, sv.ptr, op.ptr, om.ptr, ov.ptr]);
    this.#heap.f32.set([h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.stepSize, h.bc2Sqrt, h.weightDecay, h.decay], ARGS_BYTE / 4 + 9);
    this.#c.run(n);
    return [op, om, ov];
  }

  /**
   * Runs kernel job args[0] (i32 args; ids 20-29 and 50-59 are the CNN kernels, packed by conv-jobs.ts) in
   * `chunks` chunks on the pool's threads. Storage addresses come from ptr().
   */
  job(args: readonly number[], chunks: number): void {
    this.#c.args(args);
    this.#pool.dispatch(chunks, this.#pool.threads);
  }
  /** The GEMM's packing scratch for jobs that run it (linear-jobs.ts): [address, bytes per thread], one slice per thread. */
  gemmScratch(): [number, number] {
    const per = ensureScratch(this.#c, this.#scratch);
    return [this.#scratch.ptr, per];
  }
  /** The kernels' exported functions (job glue reads sizes from them). */
  get kernels(): KernelExports {
    return this.#c.k;
  }
  /** The byte address of a live storage in the wasm memory. */
  ptr(s: Storage): number {
    return this.#ws(s).ptr;
  }

  pushScope(): void {
    this.#c.scopes.push([]);
  }

  popScope(keep: ReadonlySet<Storage>): void {
    const recorded = this.#c.scopes.pop();
    if (!recorded) throw new Error("wasm backend: popScope() without a matching pushScope()");
    const parent = this.#c.scopes.at(-1);
    for (const s of recorded) {
      if (!keep.has(s)) this.#heap.free(s);
      else if (parent) parent.push(s);
      else this.#heap.register(s);
    }
  }
  upload(data: TypedArray, dtype: DType): Storage {
    const s = this.#alloc(dtype, data.length);
    const arr = this.#heap.view(s);
    if (dtypeOfArray(data) === dtype) arr.set(data);
    else for (let i = 0; i < data.length; i++) arr[i] = castScalar(data[i]!, dtype);
    return s;
  }

  readSync(v: View): TypedArray {
    return this.#c.host.readSync(this.#onHost(v));
  }

  read(v: View): Promise<TypedArray> {
    return Promise.resolve(this.readSync(v));
  }

  full(length: number, dtype: DType, value: number): Storage {
    const s = this.#alloc(dtype, length);
    this.#fill(s, value);
    return s;
  }

  // A typed array's fill over shared memory is slow in V8 11.3 (800 KB of float32: 157 µs against 37
  // on a plain buffer; bytes 600 µs): large zero fills are one memory.fill in wasm (job 30) instead.
  #fill(s: WasmStorage, value: number): void {
    const bytes = s.length * ELEM_BYTES[s.dtype];
    if (value === 0 && !Object.is(value, -0) && bytes >= 1 << 16) this.job([30, s.ptr, bytes], 1);
    else this.#heap.view(s).fill(castScalar(value, s.dtype));
  }

  /** Uninitialized (a reused block keeps old values): for callers that write every element. */
  empty(length: number, dtype: DType): Storage {
    return this.#alloc(dtype, length);
  }
  /** A storage outside allocation scopes and the collector, for a job glue's reusable buffer: only free() releases it. */
  unscoped(length: number, dtype: DType): WasmStorage {
    return this.#heap.alloc(dtype, length, false);
  }

  hostView(s: Storage): TypedArray {
    return this.#c.arr(s);
  }

  free(s: Storage): void {
    if (s instanceof WasmStorage) this.#heap.free(s);
  }

  contiguous(x: View): Storage {
    return maps.contiguous(this.#c, x);
  }
  unary(op: UnaryOp, x: View, dtype: DType): Storage {
    return maps.unary(this.#c, op, x, dtype);
  }
  binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage {
    return maps.binary(this.#c, op, a, b, dtype);
  }
  where(cond: View, a: View, b: View, dtype: DType): Storage {
    // float32: the SIMD map kernel (any strides); other dtypes: a byte-moving kernel, else the host
    return (dtype !== "float32" && ix.where(this.#c, cond, a, b, dtype)) || maps.where(this.#c, cond, a, b, dtype);
  }
  cast(x: View, dtype: DType): Storage {
    return maps.cast(this.#c, x, dtype);
  }
  reduce(op: ReduceOp, x: View, dims: readonly number[]): Storage {
    return red.reduce(this.#c, op, x, dims);
  }
  argReduce(op: ArgReduceOp, x: View, dim: number): Storage {
    return red.argReduce(this.#c, op, x, dim);
  }
  matmul(a: View, b: View, dtype: DType): Storage {
    return matmul(this.#c, this.#scratch, a, b, dtype);
  }
  activationGrad(op: "tanh" | "sigmoid", g: View, y: View): Storage | null {
    return activationGrad(this.#c, op, g, y);
  }
  /** The benchmark's FMA roofline: `iterations` × 96 flops on registers, on `threads` threads (default 1). */
  fmaRoofline(iterations: number, threads = 1): void {
    fmaRoofline(this.#c, iterations, threads);
  }

  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage {
    const outShape = x.shape.map((s, d) => s + pads[d]![0] + pads[d]![1]);
    const out = this.#alloc(x.storage.dtype, numel(outShape));
    const n = numel(x.shape);
    if (n > 0 && x.shape.length > 0 && isContiguous(x.shape, x.strides)) {
      // a contiguous input: fill, then copy its last-dim rows into place (an odometer over the rest)
      const o = this.#heap.view(out);
      this.#fill(out, value);
      const src = this.#heap.view(this.#ws(x.storage));
      const r = x.shape.length;
      const last = x.shape[r - 1]!;
      const os = contiguousStrides(outShape);
      const idx = new Array<number>(r).fill(0);
      for (let at = 0; at < n; at += last) {
        let to = 0;
        for (let d = 0; d < r; d++) to += (idx[d]! + pads[d]![0]) * os[d]!;
        o.set(src.subarray(x.offset + at, x.offset + at + last), to);
        for (let d = r - 2; d >= 0 && ++idx[d]! === x.shape[d]!; d--) idx[d] = 0;
      }
      return out;
    }
    return this.#exact(out, this.#c.host.pad(this.#onHost(x), pads, value));
  }

  cat(xs: readonly View[], dim: number, dtype: DType): Storage {
    const total = xs.reduce((acc, x) => acc + x.shape[dim]!, 0);
    const out = this.#alloc(dtype, numel(xs[0]!.shape.map((s, d) => (d === dim ? total : s))));
    if (out.length === 0) return out;
    // contiguous inputs of the output's dtype (the common case, e.g. stacking a sequence's
    // gradients): block copies within wasm memory, outer × inputs of them
    if (xs.every((x) => x.storage.dtype === dtype && isContiguous(x.shape, x.strides))) {
      const o = this.#heap.view(out);
      const outer = numel(xs[0]!.shape.slice(0, dim));
      const inner = numel(xs[0]!.shape.slice(dim + 1));
      let at = 0;
      for (let i = 0; i < outer; i++)
        for (const x of xs) {
          const len = x.shape[dim]! * inner;
          const src = this.#heap.view(this.#ws(x.storage));
          o.set(src.subarray(x.offset + i * len, x.offset + (i + 1) * len), at);
          at += len;
        }
      return out;
    }
    return this.#exact(out, this.#c.host.cat(xs.map((x) => this.#onHost(x)), dim, dtype));
  }

  gather(x: View, dim: number, index: View): Storage {
    const fast = ix.gather(this.#c, x, dim, index);
    if (fast) return fast;
    const out = this.#alloc(x.storage.dtype, numel(index.shape));
    return this.#exact(out, this.#c.host.gather(this.#onHost(x), dim, this.#onHost(index)));
  }

  scatterAdd(shape: readonly number[], dim: number, index: View, src: View): Storage {
    const fast = ix.scatterAdd(this.#c, shape, dim, index, src);
    if (fast) return fast;
    const out = this.#alloc(src.storage.dtype, numel(shape));
    return this.#exact(out, this.#c.host.scatterAdd(shape, dim, this.#onHost(index), this.#onHost(src)));
  }

  argsort(x: View, dim: number, descending: boolean): Storage {
    const out = this.#alloc("int32", numel(x.shape));
    return this.#exact(out, this.#c.host.argsort(this.#onHost(x), dim, descending));
  }
}
