// Shared test plumbing: loading JSON fixtures written by tools/fixtures/*.py and turning their
// encoded tensors back into Tensors or flat arrays.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getBackend, setBackend, tensor, type Backend, type Tensor, type DType } from "../src/index.js";

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
