// WasmBackend.matmul against a float64 triple-loop oracle: odd sizes, NN/NT/TN/TT, strided and
// offset operands, batches with stride-0 (broadcast) batch dims, blocking boundaries, the microkernel
// tile's edges, float64, int32.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DType } from "../../dtype.js";
import type { View } from "../backend.js";
import { createWasmBackend } from "./wasm-backend.js";
import { assertClose, contiguousView, makeView, oracleRead, rng, type Layout } from "./testkit.js";

const be = await createWasmBackend({ numThreads: 2, parallelMin: { map: 1, gemm: 1 } });
after(() => be.close());

/** Oracle: out[b] = A[b] @ B[b] in float64 over row-major values of [batch, m, k] and [batch, k, n]. */
function oracle(A: number[], B: number[], nb: number, m: number, k: number, n: number): number[] {
  const out = new Array<number>(nb * m * n).fill(0);
  for (let t = 0; t < nb; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += A[(t * m + i) * k + p]! * B[(t * k + p) * n + j]!;
        out[(t * m + i) * n + j] = s;
      }
  return out;
}

function check(a: View, b: View, dtype: DType, what: string): void {
  const r = a.shape.length;
  const [m, k] = [a.shape[r - 2]!, a.shape[r - 1]!];
  const n = b.shape[b.shape.length - 1]!;
  const batch = a.shape.slice(0, r - 2);
  const nb = batch.reduce((x, y) => x * y, 1);
  const want = oracle(oracleRead(be, a), oracleRead(be, b), nb, m, k, n);
  const got = be.readSync(contiguousView(be.matmul(a, b, dtype), [...batch, m, n]));
  if (dtype === "float32") assertClose(got, want, 1e-5, 2e-6 * Math.max(1, k), what);
  else assertClose(got, want, 1e-12, 1e-12 * k, what);
}

/** A [.., r, c] operand, optionally stored transposed (its last two dims swapped in memory). */
function operand(shape: number[], dtype: DType, layout: Layout, seed: number): View {
  const g = rng(seed);
  return makeView(be, shape, dtype, layout, () => 2 * g() - 1);
}

const SIZES = [1, 3, 17, 33, 65, 127];

for (const threads of [1, 2]) {
  describe(`wasm matmul, ${threads} thread(s)`, () => {
    before(async () => {
      be.setNumThreads(threads);
      await be.ready();
    });

    test("float32 NN/NT/TN/TT over odd sizes", () => {
      for (const m of SIZES)
        for (const k of SIZES)
          for (const n of SIZES) {
            const v = (m * 7 + k * 3 + n) % 4; // one transpose variant per size triple, all four covered
            const la: Layout = v & 2 ? "transposed" : "contig";
            const lb: Layout = v & 1 ? "transposed" : "contig";
            check(operand([m, k], "float32", la, m + k), operand([k, n], "float32", lb, k + n), "float32", `${m}x${k}x${n} ${la}/${lb}`);
          }
      for (const la of ["contig", "transposed"] as const)
        for (const lb of ["contig", "transposed"] as const)
          check(operand([65, 127], "float32", la, 1), operand([127, 33], "float32", lb, 2), "float32", `65x127x33 ${la}/${lb}`);
    });

    test("float32 across blocking boundaries (MC 128, KC 256, NC 1024) and k = 0", () => {
      check(operand([130, 300], "float32", "contig", 3), operand([300, 1030], "float32", "transposed", 4), "float32", "130x300x1030");
      check(operand([257, 9], "float32", "transposed", 5), operand([9, 7], "float32", "contig", 6), "float32", "257x9x7");
      check(operand([5, 0], "float32", "contig", 5), operand([0, 6], "float32", "contig", 6), "float32", "k = 0");
    });

    test("float32 at the 2x16 tile's edges: odd rows, partial 16-column slivers, k not a multiple of 8", () => {
      // m: one row left over, 2 (one sliver), 4-row blocks of transposed A with 1-3 rows left, past MC;
      // n: partial slivers of 1-15 columns, B read in place (row-major B, at most 16 rows of A)
      for (const m of [1, 2, 6, 7, 18, 130])
        for (const n of [1, 8, 15, 16, 17, 40])
          for (const k of [1, 7, 9, 300]) {
            const v = (m + n + k) % 4;
            const la: Layout = v & 2 ? "transposed" : "contig";
            const lb: Layout = v & 1 ? "transposed" : "contig";
            check(operand([m, k], "float32", la, m * k), operand([k, n], "float32", lb, k + n), "float32", `${m}x${k}x${n} ${la}/${lb}`);
            if (m === 6 || m === 130) check(operand([m, k], "float32", "transposed", m), operand([k, n], "float32", "contig", n), "float32", `${m}x${k}x${n} transposed A`);
          }
    });

    test("float32 sliced, flipped and offset operands", () => {
      for (const la of ["sliced", "flipped", "broadcast"] as const)
        for (const lb of ["sliced", "flipped", "broadcast"] as const)
          check(operand([17, 33], "float32", la, 7), operand([33, 65], "float32", lb, 8), "float32", `${la}/${lb}`);
    });

    test("batched, with a broadcast (stride-0) batch dim", () => {
      const a = operand([2, 3, 17, 9], "float32", "contig", 9);
      const bBase = operand([1, 3, 9, 33], "float32", "transposed", 10);
      const b: View = { ...bBase, shape: [2, 3, 9, 33], strides: [0, ...bBase.strides.slice(1)] };
      check(a, b, "float32", "batched broadcast");
      check(operand([5, 4, 6], "float32", "flipped", 11), operand([5, 6, 3], "float32", "transposed", 12), "float32", "batched flipped");
      check(operand([7, 1, 1], "float32", "contig", 13), operand([7, 1, 1], "float32", "contig", 14), "float32", "batched 1x1");
    });

    test("a batch of A's against one broadcast B (folded into one tall GEMM where A's rows allow)", () => {
      const w = operand([9, 33], "float32", "transposed", 20);
      const bcast = (shape: number[]): View => ({ ...w, shape: [...shape, 9, 33], strides: [...shape.map(() => 0), ...w.strides] });
      check(operand([4, 3, 17, 9], "float32", "contig", 21), bcast([4, 3]), "float32", "folded [4, 3] batch");
      check(operand([5, 40, 9], "float32", "transposed", 22), bcast([5]), "float32", "transposed A rows (no fold)");
      const a = operand([6, 17, 9], "float32", "contig", 23);
      const swapped: View = { ...a, shape: [17, 6, 9], strides: [9, 153, 1] }; // batch and rows swapped: no fold
      check(swapped, bcast([17]), "float32", "batch-major A (no fold)");
      const one: View = { ...a, shape: [6, 1, 17, 9], strides: [153, 5, 9, 1] }; // a size-1 dim with any stride
      check(one, bcast([6, 1]), "float32", "size-1 batch dim");
      const junk: View = { ...a, shape: [2, 1, 17, 9], strides: [7, 7, 9, 1] }; // overlapping batches: no fold
      check(junk, bcast([2, 1]), "float32", "overlapping batch rows");
    });

    test("float64 and int32 fall back to exact loops", () => {
      for (const dtype of ["float64", "int32"] as const)
        for (const la of ["contig", "transposed", "sliced"] as const) {
          check(operand([3, 17, 33], dtype, la, 15), operand([3, 33, 5], dtype, "transposed", 16), dtype, `${dtype} ${la}`);
          check(operand([1, 1], dtype, la, 17), operand([1, 65], dtype, "contig", 18), dtype, `${dtype} 1x1x65`);
        }
    });
  });
}

test("the plain SIMD128 build and the single-threaded build agree with the oracle", async () => {
  for (const opts of [{ simd128Only: true, numThreads: 2 }, { noThreads: true, numThreads: 2 }]) {
    const other = await createWasmBackend({ ...opts, parallelMin: { map: 1, gemm: 1 } });
    const g = rng(21);
    const A = Float32Array.from({ length: 65 * 33 }, () => g() - 0.5);
    const B = Float32Array.from({ length: 33 * 17 }, () => g() - 0.5);
    const a = contiguousView(other.upload(A, "float32"), [65, 33]);
    const b: View = { ...contiguousView(other.upload(B, "float32"), [17, 33]), shape: [33, 17], strides: [1, 33] };
    const want = oracle([...A], oracleRead(other, b), 1, 65, 33, 17);
    assertClose(other.readSync(contiguousView(other.matmul(a, b, "float32"), [65, 17])), want, 1e-5, 1e-4, other.variant);
    const e = other.readSync(contiguousView(other.unary("exp", a, "float32"), [65, 33]));
    assertClose(e, [...A].map((v) => Math.fround(Math.exp(v))), 1e-6, 0, other.variant + " exp");
    assert.equal(other.variant, opts.noThreads ? "simd128-single" : "simd128");
    if (opts.noThreads) assert.equal(other.getNumThreads(), 1);
    other.close();
  }
});
