// The CPU backend's contiguous fast path in readSync/contiguous (a block copy instead of a strided
// walk), which the DataLoader relies on for speed: values, offsets and copy semantics.

import { test } from "node:test";
import assert from "node:assert/strict";
import { arange } from "../src/index.js";

test("readSync of contiguous views returns the right values as a copy", () => {
  const x = arange(0, 24).reshape(2, 3, 4);
  const row = x.index(1); // contiguous view with offset 12
  assert.deepEqual([...row.dataSync()], Array.from({ length: 12 }, (_, i) => 12 + i));
  const narrowed = x.narrow(0, 1, 1);
  assert.deepEqual([...narrowed.dataSync()], Array.from({ length: 12 }, (_, i) => 12 + i));
  const d = x.dataSync();
  d[0] = 99; // mutating the copy must not touch the tensor
  assert.equal(x.dataSync()[0], 0);
  // a non-contiguous view still walks its strides
  assert.deepEqual([...x.index(0).t().dataSync()], [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  assert.deepEqual([...x.index(0).t().contiguous().dataSync()], [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
});
