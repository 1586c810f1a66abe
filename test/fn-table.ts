// Table-driven parity for the torch-function catalogue (src/composites/): each case names a myelin
// call; tools/fixtures/torch_fns.py stores the same case, by name, run in torch 1.13 (inputs, outputs,
// input gradients for a random output gradient). Runs on every backend, plus a float64 gradcheck.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backendByName } from "../src/backend/registry.js";
import { grad, listBackends, type Tensor } from "../src/index.js";
import { closeMismatch, gradcheck } from "../src/testing/index.js";
import { decode, fixture, values, type FixtureTensor } from "./helpers.js";

/** One call: `fn` receives the fixture's inputs (float ones require grad when the case is differentiable). */
export interface FnCase {
  fn: (...xs: Tensor[]) => Tensor | readonly Tensor[];
  /** False to skip the float64 gradcheck of a differentiable case (the reason in `note`). */
  gradcheck?: boolean;
  /** Forward tolerance override (default atol 1e-6, rtol 1e-5), with the reason in `note`. */
  tol?: { atol: number; rtol: number };
  note?: string;
}

/** What tools/fixtures/torch_fns.py stores for one case. */
interface CaseFixture {
  inputs: FixtureTensor[];
  /** Whether torch's output requires grad (float inputs were leaves requiring grad). */
  differentiable: boolean;
  output: FixtureTensor | FixtureTensor[];
  gradOutputs?: FixtureTensor[];
  /** One per input: null where torch has no gradient (or an unused input). */
  grads?: (FixtureTensor | null)[];
}

const FORWARD_TOL = { atol: 1e-6, rtol: 1e-5 };
const GRAD_TOL = { atol: 1e-4, rtol: 1e-4 };
const asList = (o: Tensor | readonly Tensor[]): Tensor[] => (Array.isArray(o) ? [...(o as Tensor[])] : [o as Tensor]);

function expectClose(what: string, actual: Tensor, expected: FixtureTensor, tol: { atol: number; rtol: number }, signedZeros = false): void {
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype ${actual.dtype}, torch gives ${expected.dtype}`);
  assert.deepEqual([...actual.shape], expected.shape, `${what}: shape [${actual.shape}], torch gives [${expected.shape}]`);
  const exact = expected.dtype === "int32" || expected.dtype === "bool";
  const msg = closeMismatch(Array.from(actual.dataSync(), Number), values(expected), exact ? { atol: 0, rtol: 0 } : tol);
  if (msg) assert.fail(`${what}: ${msg}`);
  // outputs keep torch's signed zeros (copysign, trunc, atan2 read them)
  if (signedZeros && !exact) {
    const got = actual.dataSync();
    values(expected).forEach((v, i) => assert.ok(v !== 0 || got[i] !== 0 || Object.is(got[i], v), `${what}: element ${i} is ${Object.is(got[i], -0) ? "-0" : got[i]}, torch gives ${Object.is(v, -0) ? "-0" : "0"}`));
  }
}

function checkParity(c: FnCase, fx: CaseFixture, device: string): void {
  const xs = fx.inputs.map((t) => decode(t, { device, requiresGrad: fx.differentiable && (t.dtype === "float32" || t.dtype === "float64") }));
  const outs = asList(c.fn(...xs));
  const want = Array.isArray(fx.output) ? fx.output : [fx.output];
  assert.equal(outs.length, want.length, `${outs.length} outputs, torch gives ${want.length}`);
  outs.forEach((o, i) => expectClose(`output ${i}`, o, want[i]!, c.tol ?? FORWARD_TOL, true));
  assert.equal(outs.some((o) => o.requiresGrad), fx.differentiable, `requiresGrad differs from torch's`);
  if (!fx.differentiable || !fx.grads) return;
  const used = outs.flatMap((o, i) => (o.requiresGrad ? [i] : []));
  const wanted = xs.filter((x) => x.requiresGrad);
  const gs = grad(used.map((i) => outs[i]!), wanted, { gradOutputs: used.map((i) => decode(fx.gradOutputs![i]!, { device })), allowUnused: true });
  let k = 0;
  xs.forEach((x, i) => {
    if (!x.requiresGrad) return;
    const g = gs[k++] ?? null, w = fx.grads![i] ?? null;
    if (!w || !g) {
      const nonzero = (w ? values(w) : Array.from(g!.dataSync())).some((v) => v !== 0);
      assert.ok(!nonzero, `grad of input ${i}: ${w ? "missing, torch's is non-zero" : "torch has none, ours is non-zero"}`);
      return;
    }
    expectClose(`grad of input ${i}`, g, w, GRAD_TOL);
  });
}

/** Float64 central-difference gradcheck at the fixture's inputs (float inputs cast to float64). */
function checkGradcheck(c: FnCase, fx: CaseFixture, device: string): void {
  const xs = fx.inputs.map((t) => (t.dtype === "float32" || t.dtype === "float64" ? decode(t, { device, dtype: "float64", requiresGrad: true }) : decode(t, { device })));
  assert.ok(gradcheck(c.fn, xs));
}

/** Registers the parity (every backend) and gradcheck (float64 backends) tests of one table. */
export function runTable(title: string, fixtureFile: string, table: Record<string, FnCase>): void {
  const fixtures = fixture<{ cases: Record<string, CaseFixture> }>(fixtureFile).cases;
  describe(title, () => {
    it("every case has a fixture and every fixture a case", () => {
      assert.deepEqual(Object.keys(table).filter((n) => !(n in fixtures)), [], "cases without a fixture (run tools/fixtures/torch_fns.py)");
      assert.deepEqual(Object.keys(fixtures).filter((n) => !(n in table)), [], "fixtures without a case");
    });
    for (const device of listBackends()) {
      const float64 = backendByName(device).supportsFloat64;
      for (const [name, c] of Object.entries(table)) {
        const fx = fixtures[name];
        if (!fx) continue;
        it(`${device} › ${name}`, () => checkParity(c, fx, device));
        if (float64 && fx.differentiable && c.gradcheck !== false) it(`${device} › ${name} › gradcheck`, () => checkGradcheck(c, fx, device));
      }
    }
  });
}
