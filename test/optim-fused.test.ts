// The wasm backend's fused Adam kernel against the composite update on the reference backend:
// every f32 operation happens in the same order, so the trajectories must agree bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, listBackends, optim, randn, type Tensor } from "../src/index.js";

const hasWasm = listBackends().includes("wasm");

function trajectory(device: string, make: (ps: Tensor[]) => optim.Optimizer): number[][] {
  const gen = new Generator(3);
  const params = [randn([37, 19], { device, generator: gen }), randn([19], { device, generator: gen })].map((p) => ((p.requiresGrad = true), p));
  const opt = make(params);
  for (let step = 0; step < 6; step++) {
    params.forEach((p) => (p.grad = randn(p.shape, { device, generator: gen }).mul(step % 2 ? 1e-3 : 10)));
    opt.step();
  }
  return params.map((p) => Array.from(p.dataSync()));
}

const configs: [string, (ps: Tensor[]) => optim.Optimizer][] = [
  ["Adam", (ps) => new optim.Adam(ps, { lr: 1e-2 })],
  ["Adam with L2 weight decay", (ps) => new optim.Adam(ps, { lr: 1e-2, weightDecay: 0.1 })],
  ["AdamW", (ps) => new optim.AdamW(ps, { lr: 1e-2, weightDecay: 0.1, betas: [0.8, 0.99] })],
  ["Adam maximize", (ps) => new optim.Adam(ps, { lr: 1e-3, maximize: true })],
];

for (const [name, make] of configs)
  test(`fused wasm ${name} equals the composite update on the reference backend, bit for bit`, { skip: !hasWasm && "the wasm backend is not available here" }, () => {
    assert.deepEqual(trajectory("wasm", make), trajectory("cpu", make));
  });
