// Giving the event loop a turn inside long training loops. Browsers free wasm memory only from
// finalizer tasks, which never run while a loop keeps the thread busy: yield every few steps.

const g = globalThis as { setImmediate?: (fn: () => void) => unknown; setTimeout: (fn: () => void, ms: number) => unknown };

/**
 * Resolves after one turn of the event loop (a macrotask: setImmediate in Node, setTimeout 0 in
 * browsers), so that pending tasks run: the finalizers that return dead tensors' wasm memory, the
 * page's rendering and input. `await` on a resolved promise is not enough: that is a microtask.
 *
 * In a hand-written loop, yield every few dozen steps (fit does so every 100 batches by default):
 * @example
 * for (let step = 0; step < 20000; step++) {
 *   opt.zeroGrad();
 *   F.mseLoss(model.forward(x), y).backward();
 *   opt.step();
 *   if (step % 100 === 99) await yieldToEventLoop();
 * }
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (g.setImmediate) g.setImmediate(resolve);
    else g.setTimeout(resolve, 0);
  });
}
