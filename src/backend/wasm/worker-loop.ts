// The loop every pool thread runs (Node worker_threads and Web Workers alike): wait on the control
// block's sequence counter, then claim and run chunks of the new job (kernels' run()). See pool.ts.

/** Int32 slots of the control block (at CTL_BYTE in linear memory). */
export const CTL_BYTE = 32768;
export const SEQ = 0;
export const NTH = 2;
export const STOP = 3;
/** The number of chunks of the current job that trapped on a worker. */
export const FAILED = 4;
/** (chunk count << 16 | next chunk) and the finished-chunk count; the kernels' run() uses both. */
export const CLAIM = 5;
export const FINISHED = 6;
/** The job's argument block (read by the kernels' run()) and the GEMM batch table. */
export const ARGS_BYTE = CTL_BYTE + 64;
export const TABLE_BYTE = CTL_BYTE + 1024;
export const TABLE_BYTES = 65536 - TABLE_BYTE;
/**
 * Spin this many polls (~50-100 µs) before sleeping in Atomics.wait: a job that follows quickly
 * (the next layer of a forward pass) starts without a futex wake, and an idle worker still sleeps.
 */
export const SPIN = 20000;

export type RunFn = (tid: number, args: number) => void;

/** Runs jobs until STOP is set. `ready` is called once the thread is listening. */
export function workerLoop(run: RunFn, ctl: Int32Array, tid: number, ready: () => void): void {
  let seen = Atomics.load(ctl, SEQ);
  ready();
  for (;;) {
    let s = Atomics.load(ctl, SEQ);
    let spins = 0;
    while (s === seen) {
      if (++spins > SPIN) {
        Atomics.wait(ctl, SEQ, seen);
        spins = 0;
      }
      s = Atomics.load(ctl, SEQ);
    }
    seen = s;
    if (Atomics.load(ctl, STOP) !== 0) return;
    const nth = Atomics.load(ctl, NTH);
    if (tid >= nth) continue;
    try {
      run(tid, ARGS_BYTE);
    } catch {
      Atomics.add(ctl, FAILED, 1); // counts trapped chunks: the dispatcher waits for them too
    }
    Atomics.notify(ctl, FINISHED);
  }
}
