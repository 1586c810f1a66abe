// The op table run on every registered backend: PyTorch parity of outputs and input gradients
// (fixtures from tools/fixtures/ops.py), then a float64 gradcheck where the backend has float64.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { backendByName } from "../src/backend/registry.js";
import { listBackends, zeros } from "../src/index.js";
import { OP_TABLE } from "./optable.js";
import { checkGradcheck, checkParity, loadOpFixtures, tableMismatch, wantsGradcheck } from "./optable-check.js";

const fixtures = loadOpFixtures();

describe("op table", () => {
  it("every row has a fixture and every fixture a row", () => {
    assert.deepEqual(tableMismatch(OP_TABLE, fixtures), { noFixture: [], noRow: [] });
  });
  it("expand rejects -1 in a new leading dimension (found while building the table)", () => {
    assert.throws(() => zeros([3, 1]).expand(-1, 3, 4), /expand: size -1 at dim 0 of the target \[-1,3,4\] is not allowed in a new leading dimension/);
  });
  it("row names are unique", () => {
    assert.equal(new Set(OP_TABLE.map((r) => r.name)).size, OP_TABLE.length);
  });
});

for (const device of listBackends()) {
  const float64 = backendByName(device).supportsFloat64;
  describe(`ops on ${device}`, () => {
    for (const row of OP_TABLE) {
      const fx = fixtures[row.name];
      it(`${device} › ${row.name} › parity`, () => {
        assert.ok(fx, `no fixture for '${row.name}': run /usr/bin/python3 tools/fixtures/ops.py`);
        checkParity(row, fx, device);
      });
      if (float64 && wantsGradcheck(row))
        it(`${device} › ${row.name} › gradcheck`, () => {
          assert.ok(fx, `no fixture for '${row.name}'`);
          checkGradcheck(row, fx, device);
        });
    }
  });
}
