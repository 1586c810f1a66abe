// The op table in the page: every row's forward output and input gradients against the PyTorch
// fixture (test/fixtures/ops/ops.json), on a given backend. A Node-free twin of optable-check.ts's
// checkParity (that one reads fixtures through node:fs); the float64 gradchecks stay in Node.

import { grad, tensor, type DType, type Tensor } from "../../src/index.js";
import { closeMismatch } from "../../src/testing/index.js";
import { OP_TABLE } from "../optable.js";

interface FixtureTensor {
  shape: number[];
  dtype: DType;
  data: (number | boolean | "nan" | "inf" | "-inf")[];
}
export interface RowFixture {
  inputs: FixtureTensor[];
  output: FixtureTensor;
  gradOutput?: FixtureTensor;
  grads?: (FixtureTensor | null)[];
}

const values = (t: FixtureTensor): number[] => t.data.map((v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : +v));
const decode = (t: FixtureTensor, device: string, requiresGrad = false): Tensor =>
  tensor(values(t), { shape: t.shape, dtype: t.dtype, requiresGrad, device });

function close(what: string, actual: Tensor, expected: FixtureTensor, tol: { atol: number; rtol: number }): string | null {
  if (actual.dtype !== expected.dtype) return `${what}: dtype ${actual.dtype}, PyTorch gives ${expected.dtype}`;
  if (actual.shape.join() !== expected.shape.join()) return `${what}: shape [${actual.shape}], PyTorch gives [${expected.shape}]`;
  const exact = expected.dtype === "int32" || expected.dtype === "bool";
  const msg = closeMismatch(Array.from(actual.dataSync()), values(expected), exact ? { atol: 0, rtol: 0 } : tol);
  return msg && `${what}: ${msg}`;
}

/** Runs every row on `device`; returns the failures ("row: what differs") and how many rows ran. */
export function runOpTable(fixtures: Record<string, RowFixture>, device: string): { rows: number; failures: string[] } {
  const failures: string[] = [];
  for (const row of OP_TABLE) {
    const fx = fixtures[row.name];
    if (!fx) {
      failures.push(`${row.name}: no fixture`);
      continue;
    }
    try {
      const xs = fx.inputs.map((t, i) => decode(t, device, row.inputs[i]!.dtype === "float32" && row.inputs[i]!.requiresGrad !== false));
      const out = row.fn(...xs);
      const problems = [close("output", out, fx.output, row.tol ?? { atol: 1e-6, rtol: 1e-5 })];
      if (row.grad !== false && fx.gradOutput && fx.grads) {
        const wanted = xs.filter((x) => x.requiresGrad);
        const gs = grad(out, wanted, { gradOutputs: [decode(fx.gradOutput, device)], allowUnused: true });
        let k = 0;
        xs.forEach((x, i) => {
          if (!x.requiresGrad) return;
          const g = gs[k++] ?? null;
          const want = fx.grads![i];
          if (g && want) problems.push(close(`grad of input ${i}`, g, want, { atol: 1e-4, rtol: 1e-4 }));
          else if (want && values(want).some((v) => v !== 0)) problems.push(`grad of input ${i}: missing`);
        });
      }
      for (const p of problems) if (p) failures.push(`${row.name}: ${p}`);
    } catch (e) {
      failures.push(`${row.name}: threw ${(e as Error).message}`);
    }
  }
  return { rows: OP_TABLE.length, failures };
}
