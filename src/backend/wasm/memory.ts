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
  constructor(
    readonly ptr: number,
    readonly bytes: number,
  ) {}
}

/** A storage in Wasm memory: `ptr` is its byte address, elements are contiguous from there. */
export class WasmStorage implements Storage {
  readonly #block: Block | null;
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
 */
const COLLECT_EVERY = 256 << 20;

export class WasmHeap {
  readonly memory: WasmMemory;
  #top = HEAP_BASE;
  readonly #free = new Map<number, number[]>();
  readonly #registry: SyncRegistry<Block>;
  readonly #registered = new Set<Block>();
  readonly #collector: SyncCollector | null;
  #liveBytes = 0;
  #sinceCollect = 0;
  #collectAfter = COLLECT_EVERY;
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
    collector?.onExit?.(() => {
      for (const b of this.#registered) this.#registry.unregister(b);
      this.#registered.clear();
    });
    this.#refresh();
  }

  /** Runs the synchronous collector (if any) and returns the blocks of storages it found dead. */
  collect(): void {
    const c = this.#collector;
    if (!c) return;
    this.#sinceCollect = 0;
    c.gc();
    this.#registry.cleanupSome?.();
    this.#collectAfter = Math.max(COLLECT_EVERY, this.#liveBytes);
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

  /** A 16-aligned block of at least `bytes` bytes (raw, not tracked by the registry). */
  allocBytes(bytes: number): number {
    // checked before any counter moves: a NaN or negative size would poison them for good
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`wasm backend: invalid allocation size ${bytes} bytes`);
    if (bytes > MAX_BYTES) throw new RangeError(`wasm backend: out of memory allocating ${bytes} bytes (4 GiB limit of wasm32)`);
    const cls = sizeClass(bytes);
    const list = this.#free.get(cls);
    const reused = list?.pop();
    this.#liveBytes += cls;
    if (reused !== undefined) return reused;
    const ptr = this.#top;
    const end = ptr + cls;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = have / PAGE;
      // Grow by at least 1/4 of what we have, so a growing model does not grow page by page.
      const want = Math.min(MAX_PAGES, Math.max(Math.ceil(end / PAGE), Math.ceil(pages * 1.25)));
      if (Math.ceil(end / PAGE) > MAX_PAGES)
        throw new RangeError(`wasm backend: out of memory allocating ${bytes} bytes (4 GiB limit of wasm32)`);
      this.memory.grow(want - pages);
      this.#refresh();
    }
    this.#top = end;
    return ptr;
  }

  freeBytes(ptr: number, bytes: number): void {
    const cls = sizeClass(bytes);
    this.#liveBytes -= cls;
    let list = this.#free.get(cls);
    if (!list) this.#free.set(cls, (list = []));
    list.push(ptr);
  }

  /** A new storage for `length` elements of `dtype`; its memory comes back when it is collected. */
  alloc(dtype: DType, length: number): WasmStorage {
    if (!Object.hasOwn(ELEM_BYTES, dtype)) throw new TypeError(`wasm backend: unknown dtype ${String(dtype)}`);
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`wasm backend: invalid storage length ${length}`);
    const bytes = length * ELEM_BYTES[dtype];
    if (bytes === 0) return new WasmStorage(dtype, length, null);
    this.#sinceCollect += bytes;
    if (this.#sinceCollect > this.#collectAfter) this.collect();
    const block = new Block(this.allocBytes(bytes), bytes);
    const s = new WasmStorage(dtype, length, block);
    this.#registry.register(s, block, block);
    this.#registered.add(block);
    return s;
  }

  /** Explicit release; a second call, or the finalizer later, does nothing. */
  free(s: WasmStorage): void {
    const b = s.blockOf();
    if (!b || !b.live) return;
    this.#registry.unregister(b);
    this.#release(b);
  }

  #release(b: Block): void {
    if (!b.live) return;
    b.live = false;
    this.#registered.delete(b);
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
