// The thread pool: the calling thread is thread 0, workers 1..n-1 share the Wasm memory and wait on
// a control block in it. Dispatch = write args, bump SEQ, notify (~1 µs; postMessage costs 25-48 µs).
// Platform code (node-platform.ts, web-platform.ts) only spawns the workers.

import { ARGS_BYTE, CLAIM, CTL_BYTE, FAILED, FINISHED, NTH, SEQ, SPIN, STOP, type RunFn } from "./worker-loop.js";
import type { WasmMemory } from "./wasm-api.js";

/** Starts worker `tid`; resolves when it listens. Returns a handle to stop it. */
export type SpawnFn = (tid: number) => Promise<{ terminate(): void }>;

export class ThreadPool {
  readonly #memory: WasmMemory;
  #ctlView: Int32Array;
  readonly #run: RunFn;
  readonly #spawn: SpawnFn | null;
  readonly #canBlock: boolean;
  #workers: { terminate(): void }[] = [];
  #wanted = 1;
  #pending: Promise<void> = Promise.resolve();

  constructor(memory: WasmMemory, run: RunFn, spawn: SpawnFn | null, canBlock: boolean) {
    this.#memory = memory;
    this.#ctlView = new Int32Array(memory.buffer, CTL_BYTE, 16);
    this.#run = run;
    this.#spawn = spawn;
    this.#canBlock = canBlock;
  }

  /**
   * The control block. Growing an unshared memory (the single-threaded build) detaches its old
   * ArrayBuffer, and every view over it reads as length 0, so the view is re-made then. A shared
   * memory grows in place and the old view stays valid.
   */
  get #ctl(): Int32Array {
    if (this.#ctlView.length === 0) this.#ctlView = new Int32Array(this.#memory.buffer, CTL_BYTE, 16);
    return this.#ctlView;
  }

  /** Threads a job uses now: the requested number, limited to the workers already listening. */
  get threads(): number {
    return Math.min(this.#wanted, this.#workers.length + 1);
  }

  get requested(): number {
    return this.#wanted;
  }

  /** Asks for n threads; missing workers start in the background (ready() awaits them). */
  setThreads(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
    this.#wanted = this.#spawn ? n : 1;
    const spawn = this.#spawn;
    if (!spawn) return;
    this.#pending = this.#pending.then(async () => {
      const start = this.#workers.length + 1;
      const more = await Promise.all(Array.from({ length: Math.max(0, this.#wanted - start) }, (_, i) => spawn(start + i)));
      this.#workers.push(...more);
    });
  }

  /** Resolves when every requested worker listens. */
  ready(): Promise<void> {
    return this.#pending;
  }

  /**
   * Runs the job whose args are at ARGS_BYTE, split into `chunks` (< 65536), on up to `nth` threads,
   * and returns when every chunk is finished. The caller claims chunks like any worker, so it never
   * waits for a worker that has not started (see the kernels' run()).
   */
  dispatch(chunks: number, nth: number): void {
    const ctl = this.#ctl;
    const n = Math.max(1, Math.min(nth, this.threads, chunks));
    Atomics.store(ctl, FINISHED, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.store(ctl, CLAIM, chunks << 16);
    if (n > 1) {
      Atomics.store(ctl, NTH, n);
      Atomics.add(ctl, SEQ, 1);
      Atomics.notify(ctl, SEQ);
    }
    let error: unknown = null;
    try {
      this.#run(0, ARGS_BYTE);
    } catch (e) {
      error = e; // a trap here: the workers may still be running chunks of this job
    }
    if (error === null) {
      // the common case (the caller ran every chunk) returns without a closure or a wait
      if (Atomics.load(ctl, FINISHED) >= chunks && Atomics.load(ctl, FAILED) === 0) return;
      this.#waitFor(() => Atomics.load(ctl, FINISHED) >= chunks || Atomics.load(ctl, FAILED) !== 0);
    }
    if (error === null && Atomics.load(ctl, FAILED) === 0) return;
    // A chunk trapped. Stop further claims, then wait until every claimed chunk has finished or
    // failed (a trapped chunk never counts as finished), so no straggler of this job runs into,
    // or counts toward, the next one; then clear the failure for the next job.
    const claimed = Atomics.exchange(ctl, CLAIM, (chunks << 16) | chunks) & 0xffff;
    const here = error === null ? 0 : 1;
    this.#waitFor(() => Atomics.load(ctl, FINISHED) + Atomics.load(ctl, FAILED) + here >= claimed);
    Atomics.store(ctl, FAILED, 0);
    if (error instanceof Error) throw error;
    throw new Error("wasm backend: a kernel failed on a worker thread");
  }

  /** Polls `done`, spinning first and then sleeping on FINISHED (browsers' main threads only spin). */
  #waitFor(done: () => boolean): void {
    let spins = 0;
    while (!done()) {
      if (++spins > SPIN && this.#canBlock) {
        Atomics.wait(this.#ctl, FINISHED, Atomics.load(this.#ctl, FINISHED), 1);
        spins = 0;
      }
    }
  }

  /** Stops every worker (they also die with the process: they are unref'd). */
  close(): void {
    const ctl = this.#ctl;
    Atomics.store(ctl, STOP, 1);
    Atomics.add(ctl, SEQ, 1);
    Atomics.notify(ctl, SEQ);
    for (const w of this.#workers) w.terminate();
    this.#workers = [];
    this.#wanted = 1;
  }
}
