// Argument packing for the fused linear layer's wasm jobs (wasm/linear.ts): 51, the GEMM with the
// bias and ReLU applied to each chunk's rows while they are in cache, and 52, the backward's one
// pass over dY (ReLU mask and bias gradient). src/ops/fused/linear.ts calls these.

import type { Storage } from "../backend.js";
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
 * For dY [m, n] (contiguous): the bias gradient db [n] = Σ_i dY'[i, :], where dY' is dY with the
 * ReLU mask of the saved output y applied (y given: dY' is returned as a new storage) or dY itself.
 */
export function linearGradJob(be: WasmBackend, m: number, n: number, g: { storage: Storage; offset: number }, y: { storage: Storage; offset: number } | null): { gy: Storage | null; db: Storage } {
  const gy = y ? be.empty(m * n, "float32") : null;
  if (m * n === 0) return { gy, db: be.full(n, "float32", 0) };
  const db = be.empty(n, "float32");
  const at = (o: { storage: Storage; offset: number }): number => be.ptr(o.storage) + 4 * o.offset;
  const chunks = m * n >= 1 << 16 ? Math.max(1, Math.min(be.getNumThreads(), Math.ceil(n / 16))) : 1;
  be.job([52, m, n, at(g), y ? at(y) : 0, gy ? be.ptr(gy) : 0, be.ptr(db)], chunks);
  return { gy, db };
}
