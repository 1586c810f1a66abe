// The Wasm heap: storages live in the (shared) linear memory, handed out by a size-class allocator
// on the calling thread. A FinalizationRegistry returns a storage's block when its Storage object is
// collected, so users never call dispose(); free() releases early and is safe to call twice. Where
// the platform offers a synchronous collector (Node, see node-platform.ts), allocation pressure
// triggers it, so a training loop that never yields to the event loop still runs in flat memory.

import type { DType } from "../../dtype.js";
import type { Storage } from "../backend.js";
import { type WasmMemory } from "./wasm-api.js";

/** Bytes below this address belong to the kernels' static data, the thread control block and the batch table. */
export const HEAP_BASE = 65536;
const PAGE = 65536;
/** 65536 pages = 4 GiB, the wasm32 limit; V8 accepts it for shared memory (checked on Node 20). */
export const MAX_PAGES = 65536;

/** The largest block the heap can ever hand out. */
export const MAX_BYTES = MAX_PAGES * PAGE - HEAP_BASE;

export const ELEM_BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** A block of the heap; `live` turns false exactly once, whoever (free() or the finalizer) gets there first. */
class Block {
  live = true;
  /** Handed to the FinalizationRegistry (once at most). */
  registered = false;
  constructor(
    readonly ptr: number,
    /** Its size class (see sizeClass). */
    readonly bytes: number,
    /** The collection epoch it was allocated in: freeing it before the next collection un-counts it. */
    readonly epoch: number,
  ) {}
}

/** A storage in Wasm memory: `ptr` is its byte address, elements are contiguous from there. */
export class WasmStorage implements Storage {
  readonly #block: Block | null;
  holders = 0;
  constructor(
    readonly dtype: DType,
    readonly length: number,
    block: Block | null,
  ) {
    this.#block = block;
  }
  get ptr(): number {
    return this.#block?.ptr ?? HEAP_BASE;
  }
  get live(): boolean {
    return this.#block?.live ?? true;
  }
  /** The block, for the heap only. */
  blockOf(): Block | null {
    return this.#block;
  }
}

/** Rounds a request up to a size class: 64 bytes, then 2^k and 1.5·2^k (at most 1/3 wasted), all 16-aligned. */
export function sizeClass(bytes: number): number {
  if (bytes <= 64) return 64;
  // the next power of two by counting bits (Math.log2 showed in per-op profiles); past 2^30, by float
  // math. Below, shifts keep the class a small integer: a float-valued Map key (2 ** k, p * 0.75)
  // sends #free's lookups down a slow path, measured +0.25 µs per allocation.
  if (bytes <= 2 ** 30) {
    const p = 1 << (32 - Math.clz32(bytes - 1)), q = (p >> 2) * 3;
    return q >= bytes ? q : p;
  }
  const p = 2 ** Math.ceil(Math.log2(bytes));
  return p * 0.75 >= bytes ? p * 0.75 : p;
}

/** What a registry needs for synchronous reclamation: cleanupSome (a V8 extension behind a flag). */
interface SyncRegistry<T> {
  register(target: object, held: T, token?: object): void;
  unregister(token: object): boolean;
  cleanupSome?(): void;
}

/** A garbage collector the heap may call, and a FinalizationRegistry constructor with cleanupSome. */
export interface SyncCollector {
  gc(): void;
  FinalizationRegistry: new <T>(cleanup: (held: T) => void) => SyncRegistry<T>;
  /** Runs `fn` when the process is about to exit (before the environment is torn down). */
  onExit?(fn: () => void): void;
}

/**
 * A full GC (6-10 ms measured with a 200K-object JS heap; the minor GC does not process finalization
 * registries in this V8) runs once this much has been allocated since the last one, or as much as
 * was live after it, whichever is larger: memory stays within ~2x the live set plus 256 MiB.
 * Allocation counts its size class plus JS_BYTES (not the bytes requested: a 3-element tensor asks
 * for 12 bytes but holds a 64-byte block and ~450 bytes of JS objects: Tensor, shape and strides
 * arrays, Storage, Block, registry cell), and a block freed before the next collection is un-counted.
 */
export const COLLECT_EVERY = 256 << 20;
/** Estimated JS heap bytes that come with each storage (measured ~450 with a Tensor around it). */
export const JS_BYTES = 512;

export class WasmHeap {
  readonly memory: WasmMemory;
  #top = HEAP_BASE;
  readonly #free = new Map<number, number[]>();
  readonly #registry: SyncRegistry<Block>;
  /**
   * The one unregister token of every registration. A per-block token costs a hash-table entry per
   * register (~3x a plain one) and an unregister per free(); with one shared token free() leaves the
   * cell in place (the finalizer then finds the block already released), and exit drops them all.
   */
  readonly #token = {};
  readonly #collector: SyncCollector | null;
  #liveBytes = 0;
  #sinceCollect = 0;
  #epoch = 0;
  /** Allocation (size classes plus JS_BYTES each) between synchronous collections; see COLLECT_EVERY. */
  collectEvery = COLLECT_EVERY;
  /** Bytes of live storages (raw blocks such as GEMM scratch excluded). */
  #storageBytes = 0;
  /** Storage bytes right after the last collection: the next one waits for at least as much allocation. */
  #liveAfter = 0;
  u8!: Uint8Array;
  i32!: Int32Array;
  f32!: Float32Array;
  f64!: Float64Array;

  constructor(memory: WasmMemory, collector: SyncCollector | null = null) {
    this.memory = memory;
    this.#collector = collector;
    const release = (b: Block): void => this.#release(b);
    this.#registry = collector ? new collector.FinalizationRegistry<Block>(release) : new FinalizationRegistry<Block>(release);
    // A cleanup task of this other-context registry that runs while Node tears the environment
    // down aborts the process ("illegal access", seen about once in 8 test runs under load), so
    // nothing stays registered past 'exit'.
    collector?.onExit?.(() => this.#registry.unregister(this.#token));
    this.#refresh();
  }

  /** Runs the synchronous collector (if any) and returns the blocks of storages it found dead. */
  collect(): void {
    const c = this.#collector;
    if (!c) return;
    this.#sinceCollect = 0;
    this.#epoch++;
    c.gc();
    this.#registry.cleanupSome?.();
    this.#liveAfter = this.#storageBytes;
  }

  /** Bytes currently held by live storages (size classes included). */
  get liveBytes(): number {
    return this.#liveBytes;
  }

  /** Typed arrays over the whole memory; they are replaced after every growth. */
  #refresh(): void {
    const buf = this.memory.buffer;
    this.u8 = new Uint8Array(buf);
    this.i32 = new Int32Array(buf);
    this.f32 = new Float32Array(buf);
    this.f64 = new Float64Array(buf);
  }

  /**
   * A 16-aligned block of at least `bytes` bytes (raw, not tracked by the registry). When memory
   * cannot grow, collects dead storages and tries again before failing; a failed request is
   * counted nowhere.
   */
  allocBytes(bytes: number): number {
    // checked before any counter moves: a NaN or negative size would poison them for good
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`wasm backend: invalid allocation size ${bytes} bytes`);
    if (bytes > MAX_BYTES) throw new RangeError(`wasm backend: out of memory allocating ${bytes} bytes (4 GiB limit of wasm32)`);
    const cls = sizeClass(bytes);
    let ptr = this.#take(cls);
    if (ptr < 0 && this.#collector) {
      this.collect();
      ptr = this.#take(cls);
    }
    if (ptr < 0)
      throw new RangeError(
        `wasm backend: out of memory allocating ${bytes} bytes (${(this.#liveBytes / 2 ** 20).toFixed(0)} MiB live; 4 GiB limit of wasm32)`,
      );
    this.#liveBytes += cls;
    return ptr;
  }

  /** A block of class `cls` from the free list or the top of the heap (growing memory), or -1. */
  #take(cls: number): number {
    const reused = this.#free.get(cls)?.pop();
    if (reused !== undefined) return reused;
    const ptr = this.#top;
    const end = ptr + cls;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = have / PAGE;
      if (Math.ceil(end / PAGE) > MAX_PAGES) return -1;
      // Grow by at least 1/4 of what we have, so a growing model does not grow page by page.
      const need = Math.ceil(end / PAGE);
      const want = Math.min(MAX_PAGES, Math.max(need, Math.ceil(pages * 1.25)));
      if (!this.#grow(want - pages) && (want === need || !this.#grow(need - pages))) return -1;
      this.#refresh();
    }
    this.#top = end;
    return ptr;
  }

  /** False when the engine refuses (the memory's maximum, or the process's address space). */
  #grow(pages: number): boolean {
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }

  freeBytes(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    this.#liveBytes -= cls;
    let list = this.#free.get(cls);
    if (!list) this.#free.set(cls, (list = []));
    list.push(ptr);
  }

  /**
   * A new storage for `length` elements of `dtype`. Registered (the default), its memory comes back
   * when it is collected; unregistered, only free() (allocation scopes) or a later register() does.
   */
  alloc(dtype: DType, length: number, register = true): WasmStorage {
    if (!Object.hasOwn(ELEM_BYTES, dtype)) throw new TypeError(`wasm backend: unknown dtype ${String(dtype)}`);
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`wasm backend: invalid storage length ${length}`);
    const bytes = length * ELEM_BYTES[dtype];
    if (bytes === 0) return new WasmStorage(dtype, length, null);
    const cls = sizeClass(bytes);
    this.#sinceCollect += cls + JS_BYTES;
    if (this.#sinceCollect > this.collectEvery && this.#sinceCollect > this.#liveAfter) this.collect();
    const block = new Block(this.allocBytes(cls), cls, this.#epoch);
    this.#storageBytes += cls;
    const s = new WasmStorage(dtype, length, block);
    if (register) this.register(s);
    return s;
  }

  /** Hands a storage to the FinalizationRegistry: its block returns when the storage is collected. */
  register(s: WasmStorage): void {
    const b = s.blockOf();
    if (!b || !b.live || b.registered) return;
    b.registered = true;
    this.#registry.register(s, b, this.#token);
  }

  /** Explicit release; a second call, or the finalizer later, does nothing. */
  free(s: WasmStorage): void {
    const b = s.blockOf();
    if (!b || !b.live) return;
    // freed before the next collection: it never needed one
    if (b.epoch === this.#epoch) this.#sinceCollect = Math.max(0, this.#sinceCollect - b.bytes - JS_BYTES);
    this.#release(b);
  }

  #release(b: Block): void {
    if (!b.live) return;
    b.live = false;
    this.#storageBytes -= b.bytes;
    this.freeBytes(b.ptr, b.bytes);
  }

  /** A typed array over the storage's elements (valid until the next allocation may grow memory). */
  view(s: WasmStorage): Float32Array | Float64Array | Int32Array | Uint8Array {
    const p = s.ptr;
    switch (s.dtype) {
      case "float32":
        return this.f32.subarray(p / 4, (p / 4) + s.length);
      case "float64":
        return this.f64.subarray(p / 8, (p / 8) + s.length);
      case "int32":
        return this.i32.subarray(p / 4, (p / 4) + s.length);
      case "bool":
        return this.u8.subarray(p, p + s.length);
    }
  }
}
