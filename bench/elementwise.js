// Elementwise and reduction throughput of the wasm backend (G elements/s, median of 7 samples of
// >= 30 ms) on 1M float32 elements, 1 and 2 threads. Run after building: node bench/elementwise.js

import { createWasmBackend } from "../dist/src/backend/wasm/wasm-backend.js";
import { msPerCall } from "./lib.js";

const be = await createWasmBackend({ numThreads: 2 });
const n = 1 << 20;
const view = (s, shape, strides) => ({ storage: s, shape, strides, offset: 0 });
const x = view(be.upload(Float32Array.from({ length: n }, () => Math.random() - 0.5), "float32"), [1024, 1024], [1024, 1]);
const row = view(be.upload(Float32Array.from({ length: 1024 }, Math.random), "float32"), [1024, 1024], [0, 1]);
const xt = { ...x, strides: [1, 1024] };

const cases = {
  "add (same shape)": () => be.binary("add", x, x, "float32"),
  "mul (row broadcast)": () => be.binary("mul", x, row, "float32"),
  "gt (→ bool)": () => be.binary("gt", x, row, "bool"),
  "exp": () => be.unary("exp", x, "float32"),
  "tanh": () => be.unary("tanh", x, "float32"),
  "sin (scalar f64)": () => be.unary("sin", x, "float32"),
  "transpose copy": () => be.contiguous(xt),
  "sum rows (dim 1)": () => be.reduce("sum", x, [1]),
  "sum cols (dim 0)": () => be.reduce("sum", x, [0]),
  "max rows (dim 1)": () => be.reduce("max", x, [1]),
};

function rate(f) {
  for (let i = 0; i < 5; i++) be.free(f());
  const s = [];
  for (let r = 0; r < 7; r++) s.push(n / (msPerCall(() => be.free(f()), 30) * 1e6));
  return s.sort((a, b) => a - b)[3];
}

console.log(`wasm backend (${be.variant}), 1M float32 elements, G elements/s`);
for (const [name, f] of Object.entries(cases)) {
  const r = [];
  for (const t of [1, 2]) {
    be.setNumThreads(t);
    await be.ready();
    r.push(rate(f));
  }
  console.log(`${name.padEnd(22)} 1 thread ${r[0].toFixed(2).padStart(6)}   2 threads ${r[1].toFixed(2).padStart(6)}`);
}
be.close();
