// Shared test plumbing: loading JSON fixtures written by tools/fixtures/*.py and turning their
// encoded tensors back into Tensors or flat arrays, and a seeded Adam loop for recipe tests. It must
// not import src/node.js: that sets fit's default progress bar for every test that imports this file.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { data, Generator, getBackend, optim, setBackend, tensor, type Backend, type nn, type Tensor, type DType } from "../src/index.js";
import { convDirect } from "../src/backend/wasm/conv-direct.js";

/** An encoded tensor as written by tools/fixtures/common.py. */
export interface FixtureTensor {
  shape: number[];
  dtype: DType;
  data: (number | boolean | "nan" | "inf" | "-inf")[];
}

const root = fileURLToPath(new URL("../../", import.meta.url)); // dist/test/ → repo root

/** Reads test/fixtures/<relpath> (JSON). */
export function fixture<T = Record<string, unknown>>(relpath: string): T {
  return JSON.parse(readFileSync(`${root}test/fixtures/${relpath}`, "utf8")) as T;
}

/** Flat numbers of an encoded tensor (special strings become NaN/±Infinity). */
export function values(t: FixtureTensor): number[] {
  return t.data.map((v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : +v));
}

/** Decodes a fixture tensor, optionally overriding dtype (e.g. float64 for gradchecks). */
export function decode(t: FixtureTensor, opts: { dtype?: DType; requiresGrad?: boolean; device?: string } = {}): Tensor {
  return tensor(values(t), { shape: t.shape, dtype: opts.dtype ?? t.dtype, requiresGrad: opts.requiresGrad, device: opts.device });
}

/** A state dict as the fixtures encode it (tools/fixtures/common.py's state()). */
export type FixtureState = Record<string, FixtureTensor>;

/** Decodes a fixture state dict, for loadStateDict. */
export const decodeState = (s: FixtureState, device?: string): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(s).map(([k, v]) => [k, decode(v, { device })]));

/** A layer's parity case, as layer_case in tools/fixtures/nn.py and conv.py writes it. */
export interface LayerCase {
  name: string;
  ctor: { class: string; args: unknown[]; options: Record<string, unknown> };
  train: boolean;
  stateDict: FixtureState;
  input: FixtureTensor;
  out: FixtureTensor;
  /** conv.py: a max pool's indices. */
  indices?: FixtureTensor;
  gradOutput: FixtureTensor;
  /** nn.py: null for an integer input. */
  gradInput: FixtureTensor | null;
  paramGrads: FixtureState;
  stateAfter?: FixtureState;
}

/** Path of the repository root (for tests that read files shipped with the repo). */
export const repoRoot = root;

/** Runs `fn` with `device` as the default backend, restoring the previous one afterwards. */
export function on<T>(device: string | Backend, fn: () => T): T {
  const before = getBackend();
  setBackend(device);
  try {
    return fn();
  } finally {
    setBackend(before);
  }
}

/**
 * Reads `read()` after five full GCs, each followed by a turn of the event loop: a freed storage's
 * FinalizationRegistry cell (and its wasm block) goes only when the cleanup task runs, after the GC.
 */
export async function afterGc<T>(read: () => T): Promise<T> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
  return read();
}

/** Runs `fn` with the current backend (the wasm one: it has threads) on n threads, restoring its count afterwards. */
export function withThreads<T>(n: number, fn: () => T): T {
  const be = getBackend() as unknown as { getNumThreads(): number; setNumThreads(n: number): void };
  const before = be.getNumThreads();
  be.setNumThreads(n);
  try {
    return fn();
  } finally {
    be.setNumThreads(before);
  }
}

/** Runs `fn` with the given wasm convolution paths switched off (src/backend/wasm/conv-direct.ts), restoring them afterwards. */
export function withoutConvJobs<T>(off: Partial<typeof convDirect>, fn: () => T): T {
  const before = { ...convDirect };
  Object.assign(convDirect, off);
  try {
    return fn();
  } finally {
    Object.assign(convDirect, { forward: before.forward, input: before.input, weight: before.weight, channels: before.channels });
  }
}

/**
 * Trains `model` with Adam(lr) for `epochs` passes over `split` in shuffled batches, epoch e's
 * order drawn from Generator(e), so a recipe test is seeded end to end.
 */
export function train(model: nn.Module<[Tensor], Tensor>, split: data.Dataset<[Tensor, Tensor]>, loss: (o: Tensor, y: Tensor) => Tensor, epochs: number, lr: number, batchSize: number): void {
  const opt = new optim.Adam(model.parameters(), { lr });
  model.train();
  for (let e = 0; e < epochs; e++)
    for (const [x, y] of new data.DataLoader(split, { batchSize, shuffle: true, generator: new Generator(e) })) {
      opt.zeroGrad();
      loss(model.forward(x), y).backward();
      opt.step();
    }
}

/** Asserts that a and b have the same shape and the same values bit for bit (NaN equals NaN). */
export function assertBits(what: string, a: Tensor, b: Tensor): void {
  assert.deepEqual(a.shape, b.shape, `${what}: shape`);
  assert.deepEqual([...a.dataSync()], [...b.dataSync()], `${what}: values`);
}

/**
 * Runs `model` on a copy of x0 that requires grad, either as one `forward` (so nn.Sequential's
 * fusions apply) or module by module (`fused` false), backpropagates sum(y · weight(y)), and
 * returns [y, x's gradient, each parameter's gradient]: what a fusion test compares bit for bit.
 */
export function runSequential(model: nn.Sequential, x0: Tensor, fused: boolean, weight: (y: Tensor) => Tensor): Tensor[] {
  const x = x0.clone();
  x.requiresGrad = true;
  for (const p of model.parameters()) p.grad = null;
  let y = x;
  if (fused) y = model.forward(x);
  else for (const m of model) y = (m as nn.Module<[Tensor], Tensor>).forward(y);
  y.mul(weight(y)).sum().backward();
  return [y.detach(), x.grad!.clone(), ...model.parameters().map((p) => p.grad!.clone())];
}
