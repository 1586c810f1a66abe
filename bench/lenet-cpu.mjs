// CPU time per LeNet-5 training step (bench_torch.py's network, batch 64, Adam, wasm on 1 thread),
// split into forward / backward / optimizer step: a load-tolerant complement to `npm run bench`
// (CPU seconds, not wall time), and the script to run under `node --cpu-prof` for a profile.
// Usage (after `npm run build`): node bench/lenet-cpu.mjs [steps]
import { getBackend, manualSeed, nn, optim, randn, randint, setBackend } from "../dist/src/index.js";
setBackend("wasm");
const be = getBackend();
be.setNumThreads(1);
await be.ready();
manualSeed(0);
const model = new nn.Sequential(
  new nn.Conv2d(1, 6, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Conv2d(6, 16, 5), new nn.ReLU(), new nn.MaxPool2d(2),
  new nn.Flatten(), new nn.Linear(400, 120), new nn.ReLU(), new nn.Linear(120, 84), new nn.ReLU(), new nn.Linear(84, 10),
);
const lossFn = new nn.CrossEntropyLoss();
const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
const X = randn([64, 1, 28, 28]), Y = randint(0, 10, [64]);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t = { f: 0, b: 0, s: 0 };
const steps = Number(process.argv[2] ?? 40);
for (let i = 0; i < steps + 5; i++) {
  const c0 = cpu();
  opt.zeroGrad();
  const l = lossFn.forward(model.forward(X), Y);
  const c1 = cpu();
  l.backward();
  const c2 = cpu();
  opt.step(); l.item();
  const c3 = cpu();
  if (i >= 5) { t.f += c1 - c0; t.b += c2 - c1; t.s += c3 - c2; }
}
const per = (v) => (v / steps).toFixed(2);
console.log(`ms CPU per step: forward ${per(t.f)} backward ${per(t.b)} step ${per(t.s)} total ${per(t.f + t.b + t.s)}; samples per CPU-s ${(64 * steps * 1000 / (t.f + t.b + t.s)).toFixed(0)}`);
