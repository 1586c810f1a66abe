// Writes the MNIST digits split that `myelin train lenet` uses (loadMnist(): 8,000 train / 2,000
// test, seed 0) as raw little-endian files, so tools/cnn_torch.py trains PyTorch on the same data.
// Usage (after `npm run build`): node dist/tools/cnn-data.js OUTDIR

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadMnist } from "../src/node.js";

const out = process.argv[2];
if (!out) throw new Error("usage: node dist/tools/cnn-data.js OUTDIR");
const { train, test } = loadMnist();
for (const [name, ds] of [["train", train], ["test", test]] as const) {
  const [x, y] = ds.tensors;
  writeFileSync(join(out, `digits-${name}-x.f32`), Buffer.from(x.dataSync().buffer));
  writeFileSync(join(out, `digits-${name}-y.i32`), Buffer.from(y.dataSync().buffer));
}
console.log(`wrote the digits split to ${out}`);
