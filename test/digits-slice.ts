// The committed digits slice (test/fixtures/models/digits-14x14.json, written by
// tools/fixtures/digits-slice.js): 600 binarised 14×14 MNIST digits, 60 of each, for model tests.

import { readFileSync } from "node:fs";
import { tensor, type Tensor } from "../src/index.js";

/** x float32 [600, 196] of 0/1, labels int32 [600] (digit d at rows 60d … 60d+59). */
export function digitsSlice(): { x: Tensor; y: Tensor } {
  const url = new URL("../../test/fixtures/models/digits-14x14.json", import.meta.url);
  const j = JSON.parse(readFileSync(url, "utf8")) as { count: number; height: number; width: number; labels: number[]; bits: string };
  const bytes = Buffer.from(j.bits, "base64");
  const d = j.height * j.width;
  const x = new Float32Array(j.count * d);
  for (let i = 0; i < x.length; i++) x[i] = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
  return { x: tensor(x, { shape: [j.count, d] }), y: tensor(Int32Array.from(j.labels)) };
}
