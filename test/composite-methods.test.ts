// installMethods: catalogue methods land on Tensor.prototype without replacing the core's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor, Tensor } from "../src/index.js";
import { installMethods } from "../src/composites/methods.js";

declare module "../src/tensor.js" {
  interface Tensor {
    twiceForTest(): Tensor;
  }
}

test("installMethods adds a non-enumerable method and refuses to replace an existing one", () => {
  installMethods({ twiceForTest(this: Tensor) { return this.mul(2); } });
  assert.deepEqual(tensor([1, 2]).twiceForTest().toArray(), [2, 4]);
  assert.equal(Object.keys(Tensor.prototype).includes("twiceForTest"), false);
  assert.throws(() => installMethods({ add(this: Tensor) { return this; } }), /Tensor\.add already exists/);
  assert.throws(() => installMethods({ twiceForTest(this: Tensor) { return this; } }), /already exists/);
});
