// WasmBackend: the fast CPU backend. float32 elementwise maps and GEMM run in Wasm SIMD kernels
// (wasm/kernels.ts) on a worker pool over shared memory; every other dtype/op combination takes a
// slow but exact TypeScript path (slow.ts) over the same memory. Created by createWasmBackend().

import { castScalar, type DType, type TypedArray, dtypeOfArray } from "../../dtype.js";
import type { ArgReduceOp, BinaryOp, ReduceOp, UnaryOp } from "../../ops/primitives.js";
import type { AdamHyper, Backend, Storage, View } from "../backend.js";
import { contiguousStrides, isContiguous, numel } from "../../shape.js";
import { loadKernels, type KernelExports, type LoadOptions } from "./loader.js";
import { MAX_BYTES, WasmHeap, WasmStorage } from "./memory.js";
import { ThreadPool } from "./pool.js";
import { collapse, forBlocks, offsets } from "../strided.js";
import { CpuBackend, CpuStorage } from "../cpu.js";
import { ARGS_BYTE, TABLE_BYTE, TABLE_BYTES } from "./worker-loop.js";

const UNARY_CODE: Record<UnaryOp, number> = {
  neg: 1, abs: 2, sqrt: 3, recip: 4, floor: 5, ceil: 6, round: 7, sign: 8,
  exp: 9, log: 10, log1p: 11, expm1: 12, sin: 13, cos: 14, tanh: 15, sigmoid: 16, erf: 17, atan: 18,
};
const REDUCE_CODE: Record<ReduceOp, number> = { sum: 0, prod: 1, max: 2, min: 3 };
const BINARY_CODE: Record<BinaryOp, number> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6, eq: 7, ne: 8, lt: 9, le: 10, gt: 11, ge: 12,
};

/** Casts with a kernel (the others, all involving float64, take the slow path). */
const CAST_CODE: Partial<Record<string, number>> = {
  "float32>int32": 0, "int32>float32": 1, "bool>float32": 2, "float32>bool": 3, "bool>int32": 4, "int32>bool": 5,
};

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

/** 1 for a contiguous view, 0 for a single value broadcast everywhere, -1 otherwise. */
function flatStep(shape: readonly number[], strides: readonly number[]): number {
  let zero = true, contiguous = true, expect = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d]!;
    if (s === 1) continue;
    if (strides[d] !== 0) zero = false;
    if (strides[d] !== expect) contiguous = false;
    expect *= s;
  }
  return contiguous ? 1 : zero ? 0 : -1;
}
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
  readonly #host = new CpuBackend();
  readonly #scopes: WasmStorage[][] = [];
  readonly name = "wasm";
  readonly supportsFloat64 = true;
  readonly maxBytes = MAX_BYTES;
  /** Which kernel build runs: "relaxed-simd" (FMA), "simd128", or "simd128-single" (no threads). */
  readonly variant: string;
  readonly #heap: WasmHeap;
  readonly #pool: ThreadPool;
  readonly #k: KernelExports;
  #scratch = 0;
  #scratchThreads = 0;
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
    this.#k = kernels;
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
    if (!(s instanceof WasmStorage)) throw new TypeError("wasm backend: storage belongs to another backend");
    if (!s.live) throw new Error("wasm backend: storage used after free()");
    return s;
  }
  #arr(s: Storage): TypedArray {
    return this.#heap.view(this.#ws(s));
  }
  /**
   * The exact paths (float64, int32, bool, mixed dtypes, index ops) run the reference backend's
   * kernels on zero-copy views of this memory, so both backends share one set of semantics;
   * `#exact` copies a result into wasm storage. Call both after allocating `out` (growth moves views).
   */
  #onHost(v: View): View {
    return { storage: new CpuStorage(this.#arr(v.storage), v.storage.dtype), shape: v.shape, strides: v.strides, offset: v.offset };
  }
  #exact(out: WasmStorage, result: Storage): WasmStorage {
    this.#heap.view(out).set((result as CpuStorage).data);
    return out;
  }
  /** Storages allocated inside a scope skip the FinalizationRegistry: popScope frees or registers them. */
  #alloc(dtype: DType, length: number): WasmStorage {
    const scope = this.#scopes.at(-1);
    const s = this.#heap.alloc(dtype, length, !scope);
    scope?.push(s);
    return s;
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
    const ins = [p, g, m, v].map(flat);
    const outs = [this.#alloc("float32", n), this.#alloc("float32", n), this.#alloc("float32", n)] as const;
    if (n === 0) return [outs[0], outs[1], outs[2]];
    this.#args([8, n, ...ins.map((s) => s.ptr), ...outs.map((s) => s.ptr)]);
    const f32 = this.#heap.f32;
    const hyper = [h.beta1, 1 - h.beta1, h.beta2, 1 - h.beta2, h.eps, h.stepSize, h.bc2Sqrt, h.weightDecay, h.decay];
    hyper.forEach((x, i) => (f32[ARGS_BYTE / 4 + 9 + i] = x));
    this.#pool.dispatch(...this.#split(n, this.#pool.threads));
    return [outs[0], outs[1], outs[2]];
  }

  pushScope(): void {
    this.#scopes.push([]);
  }

  popScope(keep: ReadonlySet<Storage>): void {
    const recorded = this.#scopes.pop();
    if (!recorded) throw new Error("wasm backend: popScope() without a matching pushScope()");
    const parent = this.#scopes.at(-1);
    for (const s of recorded) {
      if (!keep.has(s)) this.#heap.free(s);
      else if (parent) parent.push(s);
      else this.#heap.register(s);
    }
  }
  /** Runs kernel job `args` (args[0] the job id of wasm/kernels.ts) in `chunks` chunks on the pool: for glue beside this file (wasm-rnn.ts). */
  runJob(args: readonly number[], chunks: number): void {
    this.#args(args);
    this.#pool.dispatch(chunks, this.#pool.threads);
  }
  /** The byte address of element `offset` of a float32 storage, for runJob's arguments. */
  addressOf(s: Storage, offset = 0): number {
    return this.#ws(s).ptr + offset * 4;
  }

  #args(values: readonly number[]): void {
    const i32 = this.#heap.i32;
    const base = ARGS_BYTE / 4;
    for (let i = 0; i < values.length; i++) i32[base + i] = values[i]!;
  }

  upload(data: TypedArray, dtype: DType): Storage {
    const s = this.#alloc(dtype, data.length);
    const arr = this.#heap.view(s);
    if (dtypeOfArray(data) === dtype) arr.set(data);
    else for (let i = 0; i < data.length; i++) arr[i] = castScalar(data[i]!, dtype);
    return s;
  }

  readSync(v: View): TypedArray {
    return this.#host.readSync(this.#onHost(v));
  }

  read(v: View): Promise<TypedArray> {
    return Promise.resolve(this.readSync(v));
  }

  full(length: number, dtype: DType, value: number): Storage {
    const s = this.#alloc(dtype, length);
    this.#heap.view(s).fill(castScalar(value, dtype));
    return s;
  }

  /** Uninitialized (a reused block keeps old values): for callers that write every element. */
  empty(length: number, dtype: DType): Storage {
    return this.#alloc(dtype, length);
  }

  hostView(s: Storage): TypedArray {
    return this.#arr(s);
  }

  free(s: Storage): void {
    if (s instanceof WasmStorage) this.#heap.free(s);
  }

  /**
   * Runs kernel map `fn` (2 binary, 3 unary, 5 where, 6 cast) over `shape` with operands x, y, z
   * (y and z optional) of the given element byte sizes, writing contiguous `out` (outBytes each).
   */
  #map(fn: 2 | 3 | 5 | 6, op: number, shape: readonly number[], ops: readonly View[], bytes: readonly number[], out: WasmStorage, outBytes: number): boolean {
    if (this.#flatMap(fn, op, ops, bytes, out)) return true;
    const views = [ops[0]!, ops[1] ?? ops[0]!, ops[2] ?? ops[0]!];
    const ptrs = views.map((v) => this.#ws(v.storage).ptr);
    const sizes = [bytes[0]!, bytes[1] ?? bytes[0]!, bytes[2] ?? bytes[0]!];
    const c = collapse(shape, [...views.map((v) => v.strides), contiguousStrides(shape)]);
    const nd = c.shape.length;
    // Views that stay 3-D or more after merging dims (im2col-style unfolds) are walked in 2-D
    // blocks with one dispatch each (~1.5 µs). With many small blocks that costs more than the
    // work: unary maps then run the N-d kernel in one dispatch, other maps decline (the caller's
    // offset-list slow path costs ~1-3 ns per element).
    const block = nd >= 2 ? c.shape[nd - 1]! * c.shape[nd - 2]! : 0;
    if (nd > 2 && block < 2048 && out.length / block > 16) {
      // Unary maps (copies included) have an N-d kernel; the others decline.
      if (fn !== 3 || nd > 32) return false;
      const x = views[0]!;
      this.#args([7, op, nd, ptrs[0]! + x.offset * 4, out.ptr, ...c.shape, ...c.strides[0]!]);
      this.#pool.dispatch(...this.#split(out.length, Math.min(this.#pool.threads, c.shape[0]!)));
      return true;
    }
    // Row (second to last) and column (last) strides of operand k; missing dims step 0.
    const st = (k: number, fromEnd: number): number => (nd >= fromEnd ? c.strides[k]![nd - fromEnd]! : 0);
    const threads = this.#pool.threads;
    forBlocks(c, [...views.map((v) => v.offset), 0], (rows, cols, offs) => {
      const a = (k: number): number[] => [ptrs[k]! + offs[k]! * sizes[k]!, st(k, 2), st(k, 1)];
      this.#args([fn, op, rows, cols, ...a(0), ...a(1), out.ptr + offs[3]! * outBytes, ...a(2)]);
      this.#pool.dispatch(...this.#split(rows * cols, threads));
    });
    return true;
  }

  /**
   * The common case without per-op allocations: every operand contiguous or one broadcast value,
   * so the job is a single row of n elements (no dim merging, no block walk).
   */
  #flatMap(fn: 2 | 3 | 5 | 6, op: number, ops: readonly View[], bytes: readonly number[], out: WasmStorage): boolean {
    const n = out.length;
    const i32 = this.#heap.i32;
    const b = ARGS_BYTE >> 2;
    // operand k's (pointer, row stride, column stride) sit at 4, 7 and 11; the output at 10
    for (let k = 0; k < 3; k++) {
      const v = ops[k] ?? ops[0]!;
      const step = flatStep(v.shape, v.strides);
      if (step < 0) return false;
      const at = b + (k === 2 ? 11 : 4 + 3 * k);
      i32[at] = this.#ws(v.storage).ptr + v.offset * (bytes[k] ?? bytes[0]!);
      i32[at + 1] = 0;
      i32[at + 2] = step;
    }
    i32[b] = fn;
    i32[b + 1] = op;
    i32[b + 2] = 1;
    i32[b + 3] = n;
    i32[b + 10] = out.ptr;
    if (n < this.mapThreadMin || this.#pool.threads <= 1) this.#pool.dispatch(1, 1);
    else this.#pool.dispatch(...this.#split(n, this.#pool.threads));
    return true;
  }

  /** Chunks and threads for a job of `size` elements: ~16K elements per chunk, up to 4 chunks per thread. */
  #split(size: number, threads: number): [number, number] {
    if (threads <= 1 || size < this.mapThreadMin) return [1, 1];
    return [Math.max(2, Math.min(threads * 4, Math.ceil(size / 16384))), threads];
  }

  contiguous(x: View): Storage {
    const dt = x.storage.dtype;
    const out = this.#alloc(dt, numel(x.shape));
    if (out.length === 0) return out;
    // f32 and int32 are both 4-byte words: the f32 copy kernel moves their bits unchanged.
    const fast = (dt === "float32" || dt === "int32") && this.#map(3, 0, x.shape, [x], [4], out, 4);
    return fast ? out : this.#exact(out, this.#host.contiguous(this.#onHost(x)));
  }

  unary(op: UnaryOp, x: View, dtype: DType): Storage {
    const out = this.#alloc(dtype, numel(x.shape));
    if (out.length === 0) return out;
    const fast = x.storage.dtype === "float32" && dtype === "float32" && this.#map(3, UNARY_CODE[op], x.shape, [x], [4], out, 4);
    return fast ? out : this.#exact(out, this.#host.unary(op, this.#onHost(x), dtype));
  }

  binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage {
    const out = this.#alloc(dtype, numel(a.shape));
    if (out.length === 0) return out;
    const code = BINARY_CODE[op];
    const fast =
      a.storage.dtype === "float32" && b.storage.dtype === "float32" && dtype === (code >= 7 ? "bool" : "float32");
    if (fast && this.#map(2, code, a.shape, [a, b], [4, 4], out, code >= 7 ? 1 : 4)) return out;
    return this.#exact(out, this.#host.binary(op, this.#onHost(a), this.#onHost(b), dtype));
  }

  where(cond: View, a: View, b: View, dtype: DType): Storage {
    const out = this.#alloc(dtype, numel(a.shape));
    if (out.length === 0) return out;
    const fast = cond.storage.dtype === "bool" && dtype === "float32" && a.storage.dtype === "float32" && b.storage.dtype === "float32";
    if (fast && this.#map(5, 0, a.shape, [a, b, cond], [4, 4, 1], out, 4)) return out;
    return this.#exact(out, this.#host.where(this.#onHost(cond), this.#onHost(a), this.#onHost(b), dtype));
  }

  reduce(op: ReduceOp, x: View, dims: readonly number[]): Storage {
    const outShape = x.shape.map((s, d) => (dims.includes(d) ? 1 : s));
    // As in cpu.ts (and torch, which uses int64): summing or multiplying bools counts in integers.
    const dt = x.storage.dtype === "bool" && (op === "sum" || op === "prod") ? "int32" : x.storage.dtype;
    const out = this.#alloc(dt, numel(outShape));
    if (out.length === 0) return out;
    if (x.storage.dtype === "float32" && this.#reduceF32(REDUCE_CODE[op], x, dims, out)) return out;
    if (x.storage.dtype === "float32" && dims.length > 1 && numel(x.shape) > 0) {
      // reduced dims that do not merge into one strided run (sum over dims 0 and 2), or too many
      // elements for one run (a broadcast view): one Wasm job per dim instead of the float64 host
      // loop, broadcast (stride 0) dims first so every intermediate stays small
      this.#heap.free(out);
      const order = [...dims].sort((a, b) => (x.strides[a] === 0 ? 0 : 1) - (x.strides[b] === 0 ? 0 : 1) || b - a);
      let v: View = x;
      let last: WasmStorage | null = null;
      for (const d of order) {
        const s = this.reduce(op, v, [d]) as WasmStorage;
        if (last) this.#heap.free(last);
        last = s;
        const shape = v.shape.map((n, i) => (i === d ? 1 : n));
        v = { storage: s, shape, strides: contiguousStrides(shape), offset: 0 };
      }
      return last!;
    }
    return this.#exact(out, this.#host.reduce(op, this.#onHost(x), dims));
  }

  /**
   * float32 reductions whose reduced dims merge into one strided run: the kernel reduces n outputs
   * (spaced `os` apart) over `len` elements (spaced `rs`), per block of the outer kept dims.
   * Returns false for layouts it does not cover (the caller then takes the exact slow path).
   */
  #reduceF32(code: number, x: View, dims: readonly number[], out: WasmStorage): boolean {
    const keep = x.shape.map((_, d) => d).filter((d) => !dims.includes(d));
    const red = collapse(dims.map((d) => x.shape[d]!), [dims.map((d) => x.strides[d]!)]);
    if (red.shape.length > 1) return false;
    const len = red.shape[0] ?? 1;
    if (len === 0) return false;
    const rs = red.strides[0]![0] ?? 0;
    const kept = collapse(keep.map((d) => x.shape[d]!), [keep.map((d) => x.strides[d]!)]);
    const nk = kept.shape.length;
    const n = nk ? kept.shape[nk - 1]! : 1;
    const os = nk ? kept.strides[0]![nk - 1]! : 0;
    const outer = offsets(kept.shape.slice(0, Math.max(0, nk - 1)), kept.strides[0]!.slice(0, Math.max(0, nk - 1)), x.offset);
    const xp = this.#ws(x.storage).ptr;
    const [chunks, threads] = this.#split(n * len, Math.min(n, this.#pool.threads));
    const run = (count: number, runLen: number, from: number, outStride: number, runStride: number, to: number): void => {
      this.#args([4, code, count, runLen, from, outStride, runStride, to]);
      this.#pool.dispatch(Math.min(chunks, count), threads);
    };
    if (len > this.reduceRunMax && rs === 0) {
      // a broadcast run repeats one value: reduce a run of 1, then apply the closed form (the
      // kernel's f64 accumulation of len copies of v is v·len for sums and v^len for products)
      for (let i = 0; i < outer.length; i++) run(n, 1, xp + outer[i]! * 4, os, 0, out.ptr + i * n * 4);
      const o = this.#heap.f32.subarray(out.ptr / 4, out.ptr / 4 + out.length);
      if (code === REDUCE_CODE.sum) for (let j = 0; j < o.length; j++) o[j] = o[j]! * len;
      else if (code === REDUCE_CODE.prod) for (let j = 0; j < o.length; j++) o[j] = o[j]! ** len;
      return true;
    }
    const pieces = Math.ceil(len / this.reduceRunMax);
    if (pieces > 1 && code > REDUCE_CODE.min) return false; // argmax/argmin indices do not combine across pieces
    // [pieces, n] partial results, reduced along the pieces afterwards (sum of sums, max of maxes, …)
    const partial = pieces > 1 ? this.#heap.alloc("float32", pieces * n) : null;
    try {
      for (let i = 0; i < outer.length; i++) {
        const from = xp + outer[i]! * 4;
        if (!partial) {
          run(n, len, from, os, rs, out.ptr + i * n * 4);
          continue;
        }
        for (let k = 0; k < pieces; k++) {
          const start = k * this.reduceRunMax;
          run(n, Math.min(this.reduceRunMax, len - start), from + start * rs * 4, os, rs, partial.ptr + k * n * 4);
        }
        run(n, pieces, partial.ptr, 1, n, out.ptr + i * n * 4);
      }
    } finally {
      if (partial) this.#heap.free(partial);
    }
    return true;
  }

  argReduce(op: ArgReduceOp, x: View, dim: number): Storage {
    const out = this.#alloc("int32", numel(x.shape.map((s, d) => (d === dim ? 1 : s))));
    // float32 along one dim: one Wasm pass per row (the reference loop also checks empty dims)
    if (x.storage.dtype === "float32" && out.length > 0 && x.shape[dim]! > 0 && this.#reduceF32(op === "argmax" ? 4 : 5, x, [dim], out)) return out;
    return this.#exact(out, this.#host.argReduce(op, this.#onHost(x), dim));
  }

  matmul(a: View, b: View, dtype: DType): Storage {
    const r = a.shape.length;
    const m = a.shape[r - 2]!;
    const k = a.shape[r - 1]!;
    const n = b.shape[b.shape.length - 1]!;
    const batch = a.shape.slice(0, r - 2);
    const nb = numel(batch);
    const out = this.#alloc(dtype, nb * m * n);
    if (out.length === 0) return out;
    if (dtype !== "float32" || a.storage.dtype !== "float32" || b.storage.dtype !== "float32") {
      return this.#exact(out, this.#host.matmul(this.#onHost(a), this.#onHost(b), dtype));
    }
    this.#gemm(a, b, out, batch, m, k, n);
    return out;
  }

  #gemm(a: View, b: View, out: WasmStorage, batch: number[], m: number, k: number, n: number): void {
    const threads = m * n * k >= this.gemmThreadMin ? this.#pool.threads : 1;
    const per = this.#k.gemmScratchBytes();
    const pool = this.#pool.threads;
    if (this.#scratchThreads < pool) {
      if (this.#scratchThreads > 0) this.#heap.freeBytes(this.#scratch, per * this.#scratchThreads);
      this.#scratch = this.#heap.allocBytes(per * pool);
      this.#scratchThreads = pool;
    }
    const ra = a.shape.length;
    const rb = b.shape.length;
    const aOffs = offsets(batch, a.strides.slice(0, ra - 2), a.offset);
    const bOffs = offsets(batch, b.strides.slice(0, rb - 2), b.offset);
    const ap = this.#ws(a.storage).ptr;
    const bp = this.#ws(b.storage).ptr;
    const nb = aOffs.length;
    // One matrix per chunk when there are enough matrices; else each matrix splits into one panel
    // per thread (along n, or m when taller): every chunk packs its own A and B panels, so more
    // chunks than threads would repeat packing for little balance gain.
    const splits = nb >= threads ? 1 : threads;
    const maxRows = Math.min(Math.floor(TABLE_BYTES / 12), Math.floor(65535 / splits));
    for (let b0 = 0; b0 < nb; b0 += maxRows) {
      const cnt = Math.min(maxRows, nb - b0);
      const i32 = this.#heap.i32;
      for (let i = 0; i < cnt; i++) {
        const t = TABLE_BYTE / 4 + i * 3;
        i32[t] = ap + aOffs[b0 + i]! * 4;
        i32[t + 1] = bp + bOffs[b0 + i]! * 4;
        i32[t + 2] = out.ptr + (b0 + i) * m * n * 4;
      }
      this.#args([
        1, m, n, k, a.strides[ra - 2]!, a.strides[ra - 1]!, b.strides[rb - 2]!, b.strides[rb - 1]!, n,
        cnt, TABLE_BYTE, this.#scratch, per, splits, n < m ? 1 : 0,
      ]);
      this.#pool.dispatch(cnt * splits, threads);
    }
  }

  cast(x: View, dtype: DType): Storage {
    if (x.storage.dtype === dtype) return this.contiguous(x);
    const out = this.#alloc(dtype, numel(x.shape));
    if (out.length === 0) return out;
    const code = CAST_CODE[`${x.storage.dtype}>${dtype}`];
    const bytes = (d: DType): number => (d === "bool" ? 1 : 4);
    const fast = code !== undefined && this.#map(6, code, x.shape, [x], [bytes(x.storage.dtype)], out, bytes(dtype));
    return fast ? out : this.#exact(out, this.#host.cast(this.#onHost(x), dtype));
  }

  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage {
    const outShape = x.shape.map((s, d) => s + pads[d]![0] + pads[d]![1]);
    const out = this.#alloc(x.storage.dtype, numel(outShape));
    const n = numel(x.shape);
    if (n > 0 && x.shape.length > 0 && isContiguous(x.shape, x.strides)) {
      // a contiguous input: fill, then copy its last-dim rows into place (an odometer over the rest)
      const o = this.#heap.view(out);
      o.fill(castScalar(value, x.storage.dtype));
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
    return this.#exact(out, this.#host.pad(this.#onHost(x), pads, value));
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
    return this.#exact(out, this.#host.cat(xs.map((x) => this.#onHost(x)), dim, dtype));
  }

  gather(x: View, dim: number, index: View): Storage {
    const out = this.#alloc(x.storage.dtype, numel(index.shape));
    return this.#exact(out, this.#host.gather(this.#onHost(x), dim, this.#onHost(index)));
  }

  scatterAdd(shape: readonly number[], dim: number, index: View, src: View): Storage {
    const out = this.#alloc(src.storage.dtype, numel(shape));
    return this.#exact(out, this.#host.scatterAdd(shape, dim, this.#onHost(index), this.#onHost(src)));
  }

  argsort(x: View, dim: number, descending: boolean): Storage {
    const out = this.#alloc("int32", numel(x.shape));
    return this.#exact(out, this.#host.argsort(this.#onHost(x), dim, descending));
  }
}
