// The process-wide thread count (torch.set_num_threads / get_num_threads) over every registered
// backend that runs kernels on several threads (today the wasm backend's worker pool).

import { getBackend, listBackends, backendByName } from "./registry.js";

/**
 * Sets the threads (the calling one included) that kernels use on every backend that has threads;
 * backends without threads are unaffected. Matches torch.set_num_threads.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  for (const name of listBackends()) backendByName(name).setNumThreads?.(n);
}

/** Threads the current backend's kernels use (1 for single-threaded backends). Matches torch.get_num_threads. */
export function getNumThreads(): number {
  return getBackend().getNumThreads?.() ?? 1;
}
