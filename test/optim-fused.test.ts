// The wasm backend's fused Adam kernel against the composite update on the reference backend:
// every f32 operation happens in the same order, so the trajectories must agree bit for bit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, listBackends, nn, optim, randn, type Tensor } from "../src/index.js";

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

test("fused wasm Adam updates its own moment buffers in place; a stateDict snapshot keeps its values", { skip: !hasWasm && "the wasm backend is not available here" }, () => {
  const gen = new Generator(5);
  const p = randn([33, 7], { device: "wasm", generator: gen });
  p.requiresGrad = true;
  const opt = new optim.Adam([p], { lr: 1e-2 });
  const stepWith = (): void => {
    p.grad = randn(p.shape, { device: "wasm", generator: gen });
    opt.step();
  };
  stepWith();
  const m = opt.state.get(p)!.exp_avg, v = opt.state.get(p)!.exp_avg_sq;
  stepWith();
  assert.equal(opt.state.get(p)!.exp_avg, m, "exp_avg is overwritten in place");
  assert.equal(opt.state.get(p)!.exp_avg_sq, v, "exp_avg_sq is overwritten in place");
  const snap = opt.stateDict().state[0]!;
  const saved = Array.from((snap["exp_avg"] as Tensor).dataSync());
  stepWith();
  stepWith();
  assert.notEqual(opt.state.get(p)!.exp_avg, snap["exp_avg"], "the step after stateDict() writes fresh buffers");
  assert.deepEqual(Array.from((snap["exp_avg"] as Tensor).dataSync()), saved, "the snapshot is unchanged");
  const m2 = opt.state.get(p)!.exp_avg;
  stepWith();
  assert.equal(opt.state.get(p)!.exp_avg, m2, "in place again once the buffers are the optimizer's own");
});

test("fused wasm Adam updates a parameter in place only while nothing else holds its storage", { skip: !hasWasm && "the wasm backend is not available here" }, () => {
  const gen = new Generator(6);
  const model = new nn.Linear(5, 3).to("wasm");
  const p = model.weight;
  const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
  const stepWith = (): void => {
    for (const q of model.parameters()) q.grad = randn(q.shape, { device: "wasm", generator: gen });
    opt.step();
  };
  stepWith();
  const s = p.storage, v0 = p.version;
  stepWith();
  assert.equal(p.storage, s, "the second step writes over the storage the first one gave");
  assert.equal(p.version, v0 + 1, "an in-place step bumps the version as assign() does");
  const view = p.detach(), snap = model.stateDict()["weight"]!;
  const saved = Array.from(view.dataSync());
  stepWith();
  assert.notEqual(p.storage, s, "a view holds the storage: the step writes a fresh one");
  assert.deepEqual(Array.from(view.dataSync()), saved, "the view keeps its values");
  assert.deepEqual(Array.from(snap.dataSync()), saved, "the state-dict snapshot keeps its values");
  const s2 = p.storage;
  stepWith();
  assert.equal(p.storage, s2, "in place again on the fresh storage");
  // backward through a graph recorded before an in-place step throws, as after assign()
  const y = model.forward(randn([2, 5], { device: "wasm", generator: gen })).sum();
  stepWith();
  assert.throws(() => y.backward(), /version/);
});
