// The checks behind every op-table row, shared by test/ops.test.ts and tools/optable-md.ts: fixture
// consistency, PyTorch parity (forward and input gradients) and the float64 gradcheck. Each throws
// an Error naming what differs, and returns nothing when the row passes.

import { grad, type Tensor } from "../src/index.js";
import { closeMismatch, gradcheck } from "../src/testing/index.js";
import { decode, fixture, values, type FixtureTensor } from "./helpers.js";
import type { InputSpec, OpRow } from "./optable.js";

/** What tools/fixtures/ops.py stores for one row. */
export interface RowFixture {
  inputs: FixtureTensor[];
  output: FixtureTensor;
  gradOutput?: FixtureTensor;
  /** One per input: null for inputs that take no gradient. */
  grads?: (FixtureTensor | null)[];
}

export const loadOpFixtures = (): Record<string, RowFixture> => fixture<{ rows: Record<string, RowFixture> }>("ops/ops.json").rows;

/** Input gradients are compared with atol/rtol 1e-4 (float32 through a chain of ops). */
const GRAD_TOL = { atol: 1e-4, rtol: 1e-4 };
const FORWARD_TOL = { atol: 1e-6, rtol: 1e-5 };

export const isDifferentiable = (row: OpRow): boolean => row.grad !== false;
export const wantsGradcheck = (row: OpRow): boolean => row.gradcheck ?? isDifferentiable(row);
const needsGrad = (spec: InputSpec): boolean => spec.dtype === "float32" && spec.requiresGrad !== false;

/** The row names missing on either side (both lists empty when table and fixture agree). */
export function tableMismatch(rows: readonly OpRow[], fixtures: Record<string, RowFixture>): { noFixture: string[]; noRow: string[] } {
  const names = new Set(rows.map((r) => r.name));
  return {
    noFixture: rows.filter((r) => !(r.name in fixtures)).map((r) => r.name),
    noRow: Object.keys(fixtures).filter((n) => !names.has(n)),
  };
}

/** The stored inputs must be what the row's specs describe, so the table and the generator cannot drift. */
function checkInputs(row: OpRow, fx: RowFixture): void {
  if (fx.inputs.length !== row.inputs.length)
    throw new Error(`fixture has ${fx.inputs.length} inputs, the row ${row.inputs.length}`);
  row.inputs.forEach((spec, i) => {
    const t = fx.inputs[i]!;
    if (t.dtype !== spec.dtype || t.shape.join() !== spec.shape.join())
      throw new Error(`input ${i}: fixture is ${t.dtype} [${t.shape}], the row says ${spec.dtype} [${spec.shape}]`);
    const v = values(t);
    if (spec.data && v.some((x, j) => !Object.is(x, spec.data![j])))
      throw new Error(`input ${i}: fixture values ${JSON.stringify(v)} differ from the row's data ${JSON.stringify(spec.data)}`);
    if (spec.domain) {
      const [lo, hi] = spec.domain;
      const bad = v.find((x) => !((spec.signed ? Math.abs(x) : x) >= lo && (spec.signed ? Math.abs(x) : x) <= hi));
      if (bad !== undefined) throw new Error(`input ${i}: fixture value ${bad} lies outside the row's domain [${lo}, ${hi}]${spec.signed ? " (in magnitude)" : ""}`);
    }
  });
}

function expectClose(what: string, actual: Tensor, expected: FixtureTensor, tol: { atol: number; rtol: number }): void {
  if (actual.dtype !== expected.dtype) throw new Error(`${what}: dtype ${actual.dtype}, PyTorch gives ${expected.dtype}`);
  if (actual.shape.join() !== expected.shape.join())
    throw new Error(`${what}: shape [${actual.shape}], PyTorch gives [${expected.shape}]`);
  const exact = expected.dtype === "int32" || expected.dtype === "bool";
  const msg = closeMismatch(Array.from(actual.dataSync()), values(expected), exact ? { atol: 0, rtol: 0 } : tol);
  if (msg) throw new Error(`${what}: ${msg}`);
}

/** Forward output and (for differentiable rows) input gradients against PyTorch, on `device`. */
export function checkParity(row: OpRow, fx: RowFixture, device: string): void {
  checkInputs(row, fx);
  const xs = fx.inputs.map((t, i) => decode(t, { device, requiresGrad: needsGrad(row.inputs[i]!) }));
  const out = row.fn(...xs);
  expectClose("output", out, fx.output, row.tol ?? FORWARD_TOL);
  if (out.requiresGrad !== isDifferentiable(row))
    throw new Error(`output.requiresGrad is ${out.requiresGrad}, the row says the op is ${isDifferentiable(row) ? "" : "not "}differentiable`);
  if (!isDifferentiable(row)) return;
  if (!fx.gradOutput || !fx.grads) throw new Error("the fixture has no gradients for a differentiable row");
  const wanted = xs.filter((x) => x.requiresGrad);
  const gs = grad(out, wanted, { gradOutputs: [decode(fx.gradOutput, { device })], allowUnused: true });
  let k = 0;
  xs.forEach((x, i) => {
    if (!x.requiresGrad) return;
    const g = gs[k++] ?? null;
    const want = fx.grads![i];
    if (!want) {
      if (g && Array.from(g.dataSync()).some((v) => v !== 0))
        throw new Error(`grad of input ${i}: PyTorch has none, we have a non-zero one`);
      return;
    }
    if (!g) {
      if (values(want).some((v) => v !== 0)) throw new Error(`grad of input ${i}: missing, PyTorch's is non-zero`);
      return;
    }
    expectClose(`grad of input ${i}`, g, want, GRAD_TOL);
  });
}

/** Float64 central-difference gradcheck of the row, at the fixture's inputs cast to float64. */
export function checkGradcheck(row: OpRow, fx: RowFixture, device: string): void {
  const xs = fx.inputs.map((t, i) =>
    needsGrad(row.inputs[i]!) ? decode(t, { device, dtype: "float64", requiresGrad: true }) : decode(t, { device }),
  );
  gradcheck(row.fn, xs);
}
