// Prompt release of temporaries: run a function inside allocation scopes of the backends involved,
// then free every storage it allocated that the kept tensors do not use. Optimizer steps use
// withScope; stepScope is the training-step form that fit opens and hand-written loops can use.

import type { Backend, Storage } from "./backend/backend.js";
import { Tensor } from "./tensor.js";

/**
 * Calls `visit` on every Tensor inside a value: itself (and its .grad), array elements, Map values,
 * the own fields of objects (plain ones and class instances such as modules and optimizers), and a
 * module's parameters() and buffers(). A plain recursion: a generator's nested yields cost ~3x as
 * much per tensor, and an optimizer step walks its state every step.
 */
function eachTensor(v: unknown, visit: (t: Tensor) => void, seen = new Set<unknown>()): void {
  if (v === null || typeof v !== "object" || seen.has(v) || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return;
  seen.add(v);
  if (v instanceof Tensor) {
    visit(v);
    if (v.grad) visit(v.grad);
    return;
  }
  const items = Array.isArray(v) ? v : v instanceof Map ? [...v.values()] : v instanceof Set ? [...v] : Object.values(v);
  // a module's children, parameters and buffers may sit in private fields (Sequential's #items,
  // registered buffers) that Object.values cannot see: a BatchNorm's running statistics, reassigned
  // in a step, were freed with the step's temporaries
  const m = v as { parameters?: unknown; buffers?: unknown };
  if (typeof m.parameters === "function" && typeof m.buffers === "function") items.push(...(m.parameters as () => unknown[]).call(v), ...(m.buffers as () => unknown[]).call(v));
  for (const x of items) eachTensor(x, visit, seen);
}

const tensorsIn = (v: unknown): Tensor[] => {
  const out: Tensor[] = [];
  eachTensor(v, (t) => out.push(t));
  return out;
};

/** Adds the storages of the tensors in v (and of their gradients) to out. */
function addStorages(v: unknown, out: Set<Storage>): Set<Storage> {
  // a flat list of tensors (what every backward pass keeps) without the walk's seen-set
  if (Array.isArray(v) && v.every((x) => x instanceof Tensor)) {
    for (const t of v) {
      out.add(t.storage);
      if (t.grad) out.add(t.grad.storage);
    }
    return out;
  }
  eachTensor(v, (t) => out.add(t.storage));
  return out;
}

/**
 * The kept storages, walked on the first has(): a scope that allocated nothing (an Adam step that
 * updates in place) never asks, and its walk over the model and the optimizer state (~3 µs per
 * MLP step) is skipped.
 */
class KeptStorages extends Set<Storage> {
  #keep: (() => unknown) | null;
  constructor(keep: () => unknown) {
    super();
    this.#keep = keep;
  }
  override has(s: Storage): boolean {
    const keep = this.#keep;
    if (keep) {
      this.#keep = null;
      addStorages(keep(), this);
    }
    return super.has(s);
  }
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
    const live = new KeptStorages(keep);
    for (const b of scoped.reverse()) b.popScope!(live);
  }
}

/** Gradient storages that a step's backward made: the next step may free them once replaced. */
const stepGrads = new WeakSet<Storage>();

/**
 * Runs one training step (zeroGrad → forward → loss → backward → step) and, when it returns,
 * frees at once everything the step allocated except what is reachable from `keep` (pass the model
 * and the optimizer: parameters, buffers, gradients, optimizer state) and from the step's result,
 * plus the previous step's gradients that this one replaced. Nothing needs it: garbage collection
 * reclaims the same memory later; the scope makes it immediate and skips the collector's
 * bookkeeping for temporaries. A tensor made inside the step and kept elsewhere is freed with the
 * rest (using it then throws "storage used after free()"): return it, or copy it outside the step.
 * `fit` runs every step in one.
 * @example
 * for (const [x, y] of batches) {
 *   const loss = stepScope(() => {
 *     opt.zeroGrad();
 *     const l = F.crossEntropy(model.forward(x), y);
 *     l.backward();
 *     opt.step();
 *     return l.item();
 *   }, model, opt);
 * }
 */
export function stepScope<T>(fn: () => T, ...keep: unknown[]): T {
  const kept = tensorsIn(keep);
  const before = new Set(kept.map((t) => t.storage));
  const oldGrads = kept.flatMap((t) => (t.grad && stepGrads.has(t.grad.storage) ? [t.grad] : []));
  let result: T | undefined;
  withScope(kept.map((t) => t.backend), () => (result = fn()), () => [keep, result]);
  const after = tensorsIn(keep);
  const live = new Set(after.map((t) => t.storage));
  for (const g of oldGrads) if (!live.has(g.storage)) g.backend.free?.(g.storage);
  for (const t of after) if (t.grad && !before.has(t.grad.storage)) stepGrads.add(t.grad.storage);
  return result as T;
}
