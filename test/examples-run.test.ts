// Runs the examples briefly (few epochs) so that they keep working as the library changes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { main as gradientDescent } from "../examples/gradient-descent.js";

test("examples/gradient-descent: batch, stochastic and mini-batch GD train from the same start", async () => {
  const lines: string[] = [];
  const runs = await gradientDescent({ epochs: 3, n: 60, miniBatch: 8, log: (l) => lines.push(l) });
  assert.deepEqual(
    runs.map((r) => [r.name, r.batchSize, r.updatesPerEpoch]),
    [
      ["batch GD", 60, 1],
      ["stochastic GD", 1, 60],
      ["mini-batch GD", 8, 8],
    ],
  );
  for (const r of runs) {
    assert.equal(r.loss.length, 3);
    for (const v of r.loss) assert.ok(Number.isFinite(v));
  }
  const [batch, sgd, mini] = runs as [(typeof runs)[0], (typeof runs)[0], (typeof runs)[0]];
  // same initial weights, data and learning rate: with 60 or 8 updates an epoch instead of 1, the
  // stochastic and mini-batch runs are further down after 3 epochs
  assert.ok(sgd.loss[2]! < batch.loss[2]!, `SGD ${sgd.loss[2]} vs batch ${batch.loss[2]}`);
  assert.ok(mini.loss[2]! < batch.loss[2]!, `mini-batch ${mini.loss[2]} vs batch ${batch.loss[2]}`);
  // batch GD descends monotonically at this learning rate
  assert.ok(batch.loss[2]! < batch.loss[0]!);
  assert.ok(lines.some((l) => l.includes("stochastic GD (b=1, 60 updates/epoch)")), lines.join("\n"));
  assert.equal(lines.filter((l) => /^\s+\d+\s+loss/.test(l)).length, 3);
});
