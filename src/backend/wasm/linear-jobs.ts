// Argument packing for the fused linear layer's wasm jobs (wasm/linear.ts): 51, the GEMM with the
// bias and ReLU applied to each chunk's rows while they are in cache, and 52, the backward's one
// pass over dY (ReLU mask and bias gradient). src/ops/fused/linear.ts calls these.

import type { Storage } from "../backend.js";
import { WasmStorage } from "./memory.js";
import type { WasmBackend } from "./wasm-backend.js";

/** A float32 matrix operand: storage, first element, row and column strides (elements). */
export interface MatrixOperand {
  storage: Storage;
  offset: number;
  rs: number;
  cs: number;
}

// Below this many multiply-adds one thread runs the whole product (as the GEMM's own threshold).
const THREAD_MIN = 1 << 18;

/**
 * y [m, n] = act(a·b + bias) in float32, a [m, k] and b [k, n] given by strides, bias [n]
 * contiguous (or null), act "relu" or "none". Returns y's new contiguous storage.
 */
export function linearForwardJob(be: WasmBackend, m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, bias: { storage: Storage; offset: number } | null, relu: boolean): Storage {
  const y = be.empty(m * n, "float32");
  if (m * n === 0) return y;
  const threads = m * n * k >= THREAD_MIN ? be.getNumThreads() : 1;
  const [ptr, per] = be.gemmScratch(); // shared with matmul: warm in cache
  const at = (o: { storage: Storage; offset: number }): number => be.ptr(o.storage) + 4 * o.offset;
  be.job([51, m, n, k, at(a), a.rs, a.cs, at(b), b.rs, b.cs, be.ptr(y), bias ? at(bias) : 0, relu ? 1 : 0, ptr, per], Math.max(1, Math.min(threads, Math.ceil(m / 4))));
  return y;
}

/**
 * Per backend, the buffer that job 52 writes dY' into: the fused linear rule hands dY' only to its
 * own two GEMMs, before any other call here, so one buffer serves every layer and step and stays in
 * cache. A fresh storage came from the free list cold (a block the collector returned): writing
 * [128, 256] took 24 µs instead of 10.
 */
const maskedBuffers = new WeakMap<WasmBackend, WasmStorage>();

function maskedBuffer(be: WasmBackend, length: number): WasmStorage {
  let buf = maskedBuffers.get(be);
  if (!buf || !buf.live || buf.length < length) {
    if (buf) be.free(buf);
    maskedBuffers.set(be, (buf = be.unscoped(Math.max(length, buf?.length ?? 0), "float32")));
  }
  // a view of the buffer's block with the exact length (a storage's length is its tensor's numel)
  return new WasmStorage("float32", length, buf.blockOf());
}

/**
 * For dY [m, n] (contiguous): the bias gradient db [n] = Σ_i dY'[i, :], where dY' is dY with the
 * ReLU mask of the saved output y applied (y given: dY' is returned in a buffer that the next call
 * overwrites, so the caller consumes it first) or dY itself.
 */
export function linearGradJob(be: WasmBackend, m: number, n: number, g: { storage: Storage; offset: number }, y: { storage: Storage; offset: number } | null): { gy: Storage | null; db: Storage } {
  const gy = y && m * n > 0 ? maskedBuffer(be, m * n) : null;
  if (m * n === 0) return { gy, db: be.full(n, "float32", 0) };
  const db = be.empty(n, "float32");
  const at = (o: { storage: Storage; offset: number }): number => be.ptr(o.storage) + 4 * o.offset;
  const chunks = m * n >= 1 << 16 ? Math.max(1, Math.min(be.getNumThreads(), Math.ceil(n / 16))) : 1;
  be.job([52, m, n, at(g), y ? at(y) : 0, gy ? be.ptr(gy) : 0, be.ptr(db)], chunks);
  return { gy, db };
}
