// nn.Sequential's fusion table (src/nn/container.ts FUSIONS) where its rows overlap or compete: a
// chain mixing Conv2d/Linear/ReLU/MaxPool2d, patterns cut off at the end, and modules with their own
// forward in the middle must give the bits of the modules one by one and take the documented rows.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { listBackends, manualSeed, nn, randn, tensor, type Tensor } from "../src/index.js";
import { assertBits, runSequential } from "./helpers.js";

/** A ReLU whose forward is its own (it halves its output): Sequential must run it, not fuse it. */
class HalfReLU extends nn.ReLU {
  override forward(x: Tensor): Tensor {
    return super.forward(x).mul(0.5);
  }
}

/** A Conv2d with its forward replaced on the instance (scaled input). */
function overridden(conv: nn.Conv2d): nn.Conv2d {
  const own = conv.forward.bind(conv);
  conv.forward = (x: Tensor): Tensor => own(x.mul(2));
  return conv;
}

const CASES: [string, () => nn.Module[], number[], number[]][] = [
  [
    "Conv-ReLU-Pool(2), Conv then ReLU-Pool(3, overlapping), Conv-ReLU then ReLU-Pool(2, ceil mode), Linear-ReLU, Linear then an overridden ReLU, Linear-ReLU at the end",
    () => [
      new nn.Conv2d(2, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(4, 4, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(3, { stride: 2, padding: 1 }),
      new nn.Conv2d(4, 4, 1), new nn.ReLU(), new nn.ReLU(), new nn.MaxPool2d(2, { ceilMode: true }),
      new nn.Flatten(), new nn.Linear(16, 8), new nn.ReLU(), new nn.Linear(8, 8), new HalfReLU(), new nn.Linear(8, 5), new nn.ReLU(),
    ],
    [2, 2, 12, 12],
    // forwardRelu runs: the pool of rows 0-2, 4-5 and 8-9, the Conv2d of 6-7, the Linear of 11-12 and 15-16
    [2, 5, 6, 9, 11, 15],
  ],
  [
    "an overridden Conv2d before ReLU-Pool, a Conv-ReLU-Pool cut off at the end",
    () => [overridden(new nn.Conv2d(2, 3, 3)), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(3, 3, 3, { padding: 1 }), new nn.ReLU()],
    [2, 2, 10, 10],
    [2, 3],
  ],
  [
    "Linear-ReLU then ReLU-Pool (Linear runs alone), a Conv2d then an overridden ReLU before a pool",
    () => [new nn.Conv2d(2, 3, 3, { padding: 1 }), new HalfReLU(), new nn.MaxPool2d(2), new nn.Flatten(0, 1), new nn.Linear(4, 4), new nn.ReLU(), new nn.MaxPool2d(2)],
    [2, 2, 8, 8],
    [6],
  ],
];

for (const device of listBackends())
  describe(`Sequential fusion rows that overlap or compete on ${device}`, () => {
    for (const [name, build, shape, plan] of CASES)
      test(name, () => {
        manualSeed(11);
        const modules = build();
        const model = new nn.Sequential(...modules).to(device);
        const ran: number[] = [];
        modules.forEach((m, i) => {
          const spied = m as unknown as { forwardRelu?: (x: Tensor) => Tensor };
          const f = spied.forwardRelu;
          if (f) spied.forwardRelu = (x: Tensor): Tensor => (ran.push(i), f.call(m, x));
        });
        // values rounded to halves: ties in the pools and exact zeros at the ReLUs
        const x0 = tensor(randn(shape).dataSync().map((v) => Math.round(v * 2) / 2), { shape, device });
        const w = randn(model.forward(x0).shape, { device });
        ran.length = 0;
        const f = runSequential(model, x0, true, () => w);
        assert.deepEqual(ran, plan, "modules whose forwardRelu ran");
        const u = runSequential(model, x0, false, () => w);
        assert.equal(f.length, u.length);
        f.forEach((t, i) => assertBits(i === 0 ? "output" : i === 1 ? "input gradient" : `parameter ${i - 2} gradient`, t, u[i]!));
      });
  });
