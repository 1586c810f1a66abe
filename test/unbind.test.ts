// Multi-output tape nodes: unbind/split/chunk give views recorded as one node whose backward is a
// single cat, so walking a sequence of T steps costs O(T). Measured in elements allocated (a
// counting backend), not in time.

import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend } from "../src/backend/backend.js";
import { CpuBackend } from "../src/backend/cpu.js";
import { Tensor } from "../src/tensor.js";
import { tensor, unbind } from "../src/index.js";

/** The reference backend, counting the elements of every storage it hands out. */
function countingBackend(): { backend: Backend; allocated: () => number } {
  let n = 0;
  const cpu = new CpuBackend();
  const backend = new Proxy(cpu, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        const r = (v as (...a: unknown[]) => unknown).apply(target, args);
        if (r && typeof r === "object" && "length" in r && "dtype" in r) n += (r as { length: number }).length;
        return r;
      };
    },
  });
  return { backend, allocated: () => n };
}

/** Elements allocated by a T-step recurrence h ← tanh(h/2 + xₜ) over x [T, 8], forward and backward. */
function recurrenceCost(steps: number, rows: (x: Tensor) => Tensor[]): number {
  const { backend, allocated } = countingBackend();
  const x = Tensor.fromArray(Float32Array.from({ length: steps * 8 }, (_, i) => Math.sin(i)), [steps, 8], backend);
  x.requiresGrad = true;
  let h = Tensor.fromArray(new Float32Array(8), [8], backend);
  for (const row of rows(x)) h = h.mul(0.5).add(row).tanh();
  h.sum().backward();
  assert.deepEqual(x.grad!.shape, [steps, 8]);
  return allocated();
}

test("walking T steps with unbind costs O(T) elements: T = 1000 allocates ~10x what T = 100 does", () => {
  const ratio = recurrenceCost(1000, (x) => x.unbind(0)) / recurrenceCost(100, (x) => x.unbind(0));
  assert.ok(ratio > 8 && ratio < 12, `ratio ${ratio}`);
  // the control: one select per step pads each step's gradient back to [T, 8] (O(T²)), and the counter sees it
  const selects = (x: Tensor): Tensor[] => Array.from({ length: x.shape[0]! }, (_, i) => x.select(0, i));
  const quadratic = recurrenceCost(400, selects) / recurrenceCost(40, selects);
  assert.ok(quadratic > 50, `select ratio ${quadratic}`);
});

test("unbind: views with the dim removed; rows without a gradient get zeros", () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
  const rows = unbind(x, 0);
  assert.deepEqual(rows.map((r) => r.toArray()), [[1, 2], [3, 4], [5, 6]]);
  assert.ok(rows.every((r) => r.storage === x.storage), "rows are views");
  rows[0]!.mul(2).add(rows[2]!.square()).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [[2, 2], [0, 0], [10, 12]]);
  assert.deepEqual(x.unbind(1).map((c) => c.toArray()), [[1, 3, 5], [2, 4, 6]]);
  assert.equal(String(rows[0]).includes("gradFn=<unbind>"), true);
});

test("split and chunk record one node; the gradient is one cat, also of a gradient (createGraph)", () => {
  const x = tensor([1, 2, 3, 4, 5], { requiresGrad: true });
  const [a, b] = x.split([2, 3]);
  assert.equal(a!.gradFn, b!.gradFn);
  a!.pow(3).sum().add(b!.mul(2).sum()).backward();
  assert.deepEqual(x.grad!.toArray(), [3, 12, 2, 2, 2]);
  const y = tensor([1, 2, 3, 4], { requiresGrad: true });
  const parts = y.chunk(2);
  const s = parts[0]!.pow(3).sum().add(parts[1]!.pow(2).sum());
  s.backward(undefined, { createGraph: true });
  const g = y.grad!;
  y.grad = null;
  g.sum().backward();
  assert.deepEqual(y.grad!.toArray(), [6, 12, 2, 2]); // d/dy of (3y², 2y) summed
});
