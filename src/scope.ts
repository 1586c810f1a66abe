// Prompt release of temporaries: run a function inside allocation scopes of the backends involved,
// then free every storage it allocated that the kept tensors do not use. Optimizer steps and fit's
// training steps use it; storages are otherwise freed when garbage-collected.

import type { Backend, Storage } from "./backend/backend.js";
import { Tensor } from "./tensor.js";

/** Every Tensor inside a value: itself, array elements, Map values and plain-object fields. */
export function* tensorsIn(v: unknown, seen = new Set<unknown>()): Generator<Tensor> {
  if (v === null || typeof v !== "object" || seen.has(v)) return;
  seen.add(v);
  if (v instanceof Tensor) {
    yield v;
    if (v.grad) yield v.grad;
    return;
  }
  const items = Array.isArray(v) ? v : v instanceof Map ? [...v.values()] : Object.getPrototypeOf(v) === Object.prototype ? Object.values(v) : [];
  for (const x of items) yield* tensorsIn(x, seen);
}

/**
 * Runs `fn`; afterwards (also when it throws) frees what it allocated on `backends`, except the
 * storages of the tensors in `keep()`. Backends without scopes are left to garbage collection.
 */
export function withScope<T>(backends: Iterable<Backend>, fn: () => T, keep: () => unknown): T {
  const scoped = [...new Set(backends)].filter((b) => b.pushScope && b.popScope);
  for (const b of scoped) b.pushScope!();
  try {
    return fn();
  } finally {
    const live = new Set<Storage>();
    for (const t of tensorsIn(keep())) live.add(t.storage);
    for (const b of scoped.reverse()) b.popScope!(live);
  }
}
