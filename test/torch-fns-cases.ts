// Table runner for the torch-function catalogue tests (test/torch-fns-*.test.ts): each fixture case
// from tools/fixtures/torch_fns_*.py is run by the row of the same name on every backend, comparing
// all outputs and the input gradients of Σ out·cot; rows can also be gradchecked in float64.

import { it } from "node:test";
import assert from "node:assert/strict";
import { listBackends, Tensor, zeros } from "../src/index.js";
import { closeMismatch, gradcheck } from "../src/testing/index.js";
import { decode, fixture, on, values, type FixtureTensor } from "./helpers.js";

export interface FnRow {
  fn: (...xs: Tensor[]) => Tensor | Tensor[];
  /** Default 1e-5 / 1e-4 (float32 against torch's own float32 rounding). */
  tol?: { atol: number; rtol: number };
  /** Run a float64 gradcheck on the fixture's inputs (default: when the fixture has gradients). */
  gradcheck?: boolean;
  /** Outputs not compared elementwise (e.g. sign-ambiguous eigenvectors); checked by invariants elsewhere. */
  skipOuts?: number[];
  /** Compare gradients (default true when the fixture has them). */
  grads?: boolean;
}

interface Case { name: string; inputs: FixtureTensor[]; outs: FixtureTensor[]; cots: (FixtureTensor | null)[]; grads: (FixtureTensor | null)[] }

const asList = (o: Tensor | Tensor[]): Tensor[] => (o instanceof Tensor ? [o] : o);

function check(what: string, actual: Tensor, expected: FixtureTensor, tol: { atol: number; rtol: number }): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const exact = !actual.isFloatingPoint();
  const bad = closeMismatch(actual.dataSync(), values(expected), exact ? { atol: 0, rtol: 0 } : tol);
  assert.equal(bad, null, `${what}: ${bad}`);
}

/** Registers one test per case and backend, plus gradchecks; every table row must have a fixture and vice versa. */
export function runCases(file: string, table: Record<string, FnRow>): void {
  const cases = fixture<{ cases: Case[] }>(file).cases;
  it(`${file}: every case has a row and every row a case`, () => {
    assert.deepEqual(cases.map((c) => c.name).sort(), Object.keys(table).sort());
  });
  for (const device of listBackends())
    for (const c of cases) {
      const row = table[c.name];
      if (!row) continue;
      it(`${device}: ${c.name}`, () => on(device, () => {
        const tol = row.tol ?? { atol: 1e-5, rtol: 1e-4 };
        const withGrad = c.grads.some((g) => g !== null) && row.grads !== false;
        const xs = c.inputs.map((t) => decode(t, { requiresGrad: withGrad && t.dtype.startsWith("float") }));
        const outs = asList(row.fn(...xs));
        assert.equal(outs.length, c.outs.length, "number of outputs");
        outs.forEach((o, k) => {
          if (!row.skipOuts?.includes(k)) check(`output ${k}`, o, c.outs[k]!, tol);
        });
        if (!withGrad) return;
        let loss: Tensor | null = null;
        outs.forEach((o, k) => {
          const cot = c.cots[k];
          if (cot && o.requiresGrad) loss = loss === null ? o.mul(decode(cot)).sum() : loss.add(o.mul(decode(cot)).sum());
        });
        (loss as Tensor | null)?.backward();
        xs.forEach((x, i) => {
          const g = c.grads[i];
          if (g) check(`grad of input ${i}`, x.grad ?? zeros([...x.shape]), g, tol);
        });
      }));
    }
  for (const c of cases) {
    const row = table[c.name];
    if (!row || !(row.gradcheck ?? c.grads.some((g) => g !== null))) continue;
    it(`gradcheck (float64): ${c.name}`, () => on("cpu", () => {
      const xs = c.inputs.map((t) => (t.dtype.startsWith("float") ? decode(t, { dtype: "float64", requiresGrad: true }) : decode(t)));
      assert.ok(gradcheck((...a) => asList(row.fn(...a)), xs));
    }));
  }
}
