// The shared argument convention (src/options.ts): PyTorch's positionals, then an options object;
// unknown names throw with the intended name.

import assert from "node:assert/strict";
import { test } from "node:test";
import { nn } from "../src/index.js";
import { resolveArgs, suggestName } from "../src/options.js";

const defaults = { bias: true, dtype: "float32", eps: 1e-5 };

test("resolveArgs: positionals in order, then the options object, defaults filled", () => {
  assert.deepEqual(resolveArgs("f", [], ["bias", "eps"], defaults), defaults);
  assert.deepEqual(resolveArgs("f", [false], ["bias", "eps"], defaults), { ...defaults, bias: false });
  assert.deepEqual(resolveArgs("f", [undefined, 0.1, { dtype: "float64" }], ["bias", "eps"], defaults), { bias: true, dtype: "float64", eps: 0.1 });
  assert.deepEqual(resolveArgs("f", [{ eps: 2 }], ["bias", "eps"], defaults), { ...defaults, eps: 2 });
});

test("resolveArgs: unknown, snake_case and misspelled options name the function and the intended option", () => {
  assert.throws(() => resolveArgs("nn.Linear", [{ batch_size: 3 }], [], { batchSize: 1 }), /nn\.Linear: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
  assert.throws(() => resolveArgs("fit", [{ epoch: 5 }], [], { epochs: 1, verbose: 1 }), /fit: unknown option 'epoch' \(did you mean 'epochs'\?\)/);
  assert.throws(() => resolveArgs("f", [{ zzz: 1 }], [], defaults), /unknown option 'zzz'; options are bias, dtype, eps/);
  assert.equal(suggestName("label_smoothing", ["labelSmoothing", "weight"]), "labelSmoothing");
  assert.equal(suggestName("LR", ["lr", "momentum"]), "lr");
});

test("resolveArgs: too many positionals, duplicates and wrong types throw", () => {
  assert.throws(() => resolveArgs("f", [true, 1, 2], ["bias", "eps"], defaults), /f: takes at most 2 optional positional argument\(s\) \(bias, eps\)/);
  assert.throws(() => resolveArgs("f", [false, { bias: true }], ["bias"], defaults), /'bias' was given both as argument 1 and as an option/);
  assert.throws(() => resolveArgs("f", ["no"], ["bias"], defaults), /f: 'bias' must be a boolean, got string 'no'/);
  assert.throws(() => resolveArgs("f", [{ eps: true }], [], defaults), /'eps' must be a number/);
});

test("nn.Linear takes torch's positional bias and rejects unknown options", () => {
  assert.equal(new nn.Linear(4, 2, false).bias, null);
  assert.equal(new nn.Linear(4, 2, { bias: false }).bias, null);
  assert.notEqual(new nn.Linear(4, 2).bias, null);
  assert.equal(new nn.Linear(4, 2, true, { dtype: "float64" }).weight.dtype, "float64");
  // @ts-expect-error: an unknown option is a type error too
  assert.throws(() => new nn.Linear(4, 2, { biass: false }), /nn\.Linear: unknown option 'biass' \(did you mean 'bias'\?\)/);
});
