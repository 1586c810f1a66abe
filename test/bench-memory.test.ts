// Memory regression for the wasm backend: MLP training with no dispose() and no yield keeps the
// wasm heap's live bytes and the process RSS bounded, and gives everything back after a GC.
// (The 50-epoch series is bench/memory.js; this is its fast guard.)

import { test } from "node:test";
import assert from "node:assert/strict";
import { getBackend, manualSeed, nn, optim, rand, randint, type WasmBackend } from "../src/index.js";
import { afterGc } from "./helpers.js";

const be = getBackend();
const wanted = process.env.MYELIN_BACKEND;
const skip = be.name === "wasm" || wanted === "wasm" ? false : `the wasm backend is not in use (backend '${be.name}'${wanted ? `, MYELIN_BACKEND=${wanted}` : ", it did not load"})`;
const MiB = 2 ** 20;

test("MLP training without dispose() runs in bounded memory on the wasm backend", { skip }, async () => {
  assert.equal(be.name, "wasm", "MYELIN_BACKEND=wasm but the wasm backend is not the current backend");
  const wasm = be as WasmBackend;
  const settle = (): Promise<number> => afterGc(() => wasm.liveBytes);

  manualSeed(0);
  const B = 128;
  const X = rand([8 * B, 784]);
  const Y = randint(0, 10, [8 * B], { dtype: "int32" });
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const lossFn = new nn.CrossEntropyLoss();
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  let k = 0;
  const step = (): number => {
    const i = k++ % 8;
    opt.zeroGrad();
    const l = lossFn.forward(model.forward(X.narrow(0, i * B, B)), Y.narrow(0, i * B, B));
    l.backward();
    opt.step();
    return l.item();
  };

  for (let i = 0; i < 5; i++) step(); // Adam's state exists from here on
  const base = await settle();
  const rss0 = process.memoryUsage().rss;
  const steps = 150;
  let peak = 0;
  let first = NaN;
  let last = NaN;
  // one synchronous loop: only the heap's own collector (allocation pressure) can reclaim here
  for (let s = 0; s < steps; s++) {
    last = step();
    if (s === 0) first = last;
    peak = Math.max(peak, wasm.liveBytes);
  }
  const rssGrowth = process.memoryUsage().rss - rss0;
  const after = await settle();
  assert.ok(last < first, `training made no progress (loss ${first} -> ${last})`);

  // The loop allocates ~17 MiB per step (~2.5 GiB in all): kept alive, that blows every bound below
  // (checked by never registering storages with the heap's FinalizationRegistry). The heap collects
  // after 256 MiB of requests, which its size classes round up by at most 4/3: ~342 MiB above the live set.
  const bound = base + 400 * MiB;
  assert.ok(peak < bound, `peak live wasm bytes ${(peak / MiB).toFixed(0)} MiB over ${steps} steps, bound ${(bound / MiB).toFixed(0)} MiB (live after warm-up ${(base / MiB).toFixed(1)} MiB)`);
  assert.ok(rssGrowth < 512 * MiB, `RSS grew by ${(rssGrowth / MiB).toFixed(0)} MiB over ${steps} steps`);
  // After a GC, exactly the model, Adam's state and the data remain: every temporary came back.
  assert.ok(after <= base + MiB, `live wasm bytes after GC: ${(after / MiB).toFixed(2)} MiB, after warm-up ${(base / MiB).toFixed(2)} MiB`);
});
