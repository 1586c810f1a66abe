// Conformance tests of WasmBackend against straightforward JS oracles: every Backend method, every
// dtype, views in many layouts (transposed, stride-0 broadcast, sliced, flipped), 1 and 2 threads.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DType } from "../../dtype.js";
import { ARITH_OPS, COMPARE_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from "../../ops/primitives.js";
import { createWasmBackend } from "./wasm-backend.js";
import { erf } from "../scalar-math.js";
import { LAYOUTS, assertClose, contiguousView, makeView, oracleRead, rng } from "./testkit.js";

// parallelMin 1: with 2 threads even tiny ops go through the pool, so the work splits get tested.
const be = await createWasmBackend({ numThreads: 2, parallelMin: { map: 1, gemm: 1 } });
after(() => be.close());

const SHAPES: number[][] = [[], [1], [3], [17], [4, 33], [3, 5, 7], [65, 2], [2, 3, 1, 4, 5, 2]];
const round = (v: number, dtype: DType): number =>
  dtype === "float32" ? Math.fround(v) : dtype === "int32" ? Math.trunc(v) | 0 : dtype === "bool" ? (v !== 0 ? 1 : 0) : v;
const tol = (dtype: DType): [number, number] => (dtype === "float32" ? [1e-6, 1e-7] : dtype === "float64" ? [1e-13, 1e-15] : [0, 0]);
const positive = new Set<UnaryOp>(["log", "log1p", "sqrt"]);

const unaryOracle: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1, sqrt: Math.sqrt,
  recip: (x) => 1 / x, sin: Math.sin, cos: Math.cos, tanh: Math.tanh, sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  erf, atan: Math.atan, abs: Math.abs, sign: Math.sign, floor: Math.floor, ceil: Math.ceil,
  round: (x) => { const r = Math.round(x); return x - Math.floor(x) === 0.5 && r % 2 !== 0 ? r - 1 : r; },
};
const binaryOracle: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, pow: Math.pow,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b), lt: (a, b) => +(a < b), le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b),
};

for (const threads of [1, 2]) {
  describe(`wasm backend, ${threads} thread(s)`, () => {
    before(async () => {
      be.setNumThreads(threads);
      await be.ready();
      assert.equal(be.getNumThreads(), threads);
    });

    test("upload, readSync, read, full round-trip every dtype", async () => {
      for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
        const v = makeView(be, [3, 5], dtype, "contig", rng(1));
        const want = oracleRead(be, v);
        assert.deepEqual([...be.readSync(v)], want);
        assert.deepEqual([...(await be.read(v))], want);
        const f = be.full(7, dtype, 2.5);
        assert.deepEqual([...be.readSync(contiguousView(f, [7]))], new Array<number>(7).fill(round(2.5, dtype)));
      }
      const s = be.upload(new Float64Array([1.5, -2.7]), "int32");
      assert.deepEqual([...be.readSync(contiguousView(s, [2]))], [1, -2]);
    });

    test("full and pad zero large reused blocks in every dtype (the wasm fill job), and keep -0", () => {
      for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
        const n = 70_000; // ≥ 64 KiB in every dtype but bool: the fill job; bool stays on the typed-array fill
        be.free(be.full(n, dtype, 1)); // a dirty block of this size class, which the next allocation reuses
        for (const value of [0, -0]) {
          const f = be.readSync(contiguousView(be.full(n, dtype, value), [n]));
          assert.ok(f.every((x) => Object.is(x, dtype === "float32" || dtype === "float64" ? value : 0)), `full ${dtype} ${value}`);
        }
        be.free(be.full(n + 600, dtype, 1));
        const x = be.full(n, dtype, 1);
        const p = be.readSync(contiguousView(be.pad(contiguousView(x, [n / 10, 10]), [[0, 0], [3, 0]], 0), [n / 10, 13]));
        assert.deepEqual([...new Set(p.filter((_, i) => i % 13 < 3))], [0], `pad ${dtype}: the padding`);
        assert.deepEqual([...new Set(p.filter((_, i) => i % 13 >= 3))], [1], `pad ${dtype}: the copied rows`);
      }
    });

    test("contiguous copies every layout and dtype", () => {
      for (const dtype of ["float32", "float64", "int32", "bool"] as const)
        for (const shape of SHAPES)
          for (const layout of LAYOUTS) {
            const v = makeView(be, shape, dtype, layout, rng(shape.length));
            const got = be.readSync(contiguousView(be.contiguous(v), shape));
            assert.deepEqual([...got], oracleRead(be, v), `${dtype} ${layout} [${shape}]`);
          }
    });

    test("unary ops, float32 and float64, every layout", () => {
      for (const dtype of ["float32", "float64"] as const)
        for (const op of UNARY_OPS)
          for (const shape of SHAPES)
            for (const layout of LAYOUTS) {
              const g = rng(7);
              const v = makeView(be, shape, dtype, layout, positive.has(op) ? () => 0.05 + 3 * g() : () => 6 * g() - 3);
              const want = oracleRead(be, v).map((x) => round(unaryOracle[op](x), dtype));
              const got = be.readSync(contiguousView(be.unary(op, v, dtype), shape));
              const [rt, at] = tol(dtype);
              assertClose(got, want, rt, at, `${op} ${dtype} ${layout} [${shape}]`);
            }
    });

    test("unary edge cases: round half to even, sign(NaN) = 0, int32 neg/abs, erf values", () => {
      const x = be.upload(new Float32Array([0.5, 1.5, 2.5, -0.5, -2.5, 3.5, 2.4999, NaN, -0, 1e-40]), "float32");
      const v = contiguousView(x, [10]);
      const r = be.readSync(contiguousView(be.unary("round", v, "float32"), [10]));
      assertClose(r, [0, 2, 2, -0, -2, 4, 2, NaN, -0, 0], 0, 0, "round");
      const s = be.readSync(contiguousView(be.unary("sign", v, "float32"), [10]));
      assertClose(s, [1, 1, 1, -1, -1, 1, 1, 0, 0, 1], 0, 0, "sign");
      const i = be.upload(new Int32Array([-3, 4, -2147483648]), "int32");
      assert.deepEqual([...be.readSync(contiguousView(be.unary("neg", contiguousView(i, [3]), "int32"), [3]))], [3, -4, -2147483648]);
      assert.deepEqual([...be.readSync(contiguousView(be.unary("abs", contiguousView(i, [3]), "int32"), [3]))], [3, 4, -2147483648]);
      const e = be.upload(new Float64Array([0.5, 1, 2, 3, -0.1, 2.5, 4]), "float64");
      const got = be.readSync(contiguousView(be.unary("erf", contiguousView(e, [7]), "float64"), [7]));
      // Reference values from Python's math.erf.
      const want = [0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014, -0.1124629160182849, 0.999593047982555, 0.9999999845827421];
      assertClose(got, want, 1e-14, 0, "erf");
      const ef = be.upload(new Float32Array([0.5, 1, 2, 3, -0.1, 2.5, 4]), "float32");
      const gotf = be.readSync(contiguousView(be.unary("erf", contiguousView(ef, [7]), "float32"), [7]));
      // float32 runs the f32x4 rational erf (wasm/math.ts): within 4.3e-7 relative of the true value
      assertClose(gotf, want, 4.5e-7, 0, "erf f32");
      // a sweep (tanh too, also a rational function): f32x4 lanes against the float64 path rounded once
      const xs = Float32Array.from({ length: 8192 }, (_, j) => -7 + (14 * j) / 8191);
      for (const op of ["erf", "tanh"] as const) {
        const f32 = be.readSync(contiguousView(be.unary(op, contiguousView(be.upload(xs, "float32"), [8192]), "float32"), [8192]));
        const f64 = be.readSync(contiguousView(be.unary(op, contiguousView(be.upload(Float64Array.from(xs), "float64"), [8192]), "float64"), [8192]));
        assertClose(f32, f64, 4.5e-7, 1e-12, `${op} f32 sweep`);
      }
    });

    test("binary ops, float32/float64/int32, broadcast (stride 0), transposed and sliced operands", () => {
      const layoutsB = ["contig", "broadcast", "transposed", "sliced"] as const;
      for (const dtype of ["float32", "float64", "int32"] as const)
        for (const op of [...ARITH_OPS, ...COMPARE_OPS])
          for (const shape of SHAPES)
            for (const la of ["contig", "transposed", "flipped"] as const)
              for (const lb of layoutsB) {
                if (dtype === "int32" && (op === "div" || op === "pow")) continue;
                const ga = rng(11);
                const gb = rng(12);
                const a = makeView(be, shape, dtype, la, op === "pow" ? () => 0.1 + 2 * ga() : () => 4 * ga() - 2);
                const b = makeView(be, shape, dtype, lb, () => (gb() < 0.2 ? 0.5 : 4 * gb() - 2));
                const outDt: DType = (COMPARE_OPS as readonly string[]).includes(op) ? "bool" : dtype;
                const A = oracleRead(be, a);
                const B = oracleRead(be, b);
                const want = A.map((x, i) => round(binaryOracle[op](x, B[i]!), outDt));
                const got = be.readSync(contiguousView(be.binary(op, a, b, outDt), shape));
                const [rt, at] = tol(outDt);
                assertClose(got, want, rt, at, `${op} ${dtype} ${la}/${lb} [${shape}]`);
              }
    });

    test("binary: row and column broadcast, scalar operand, NaN through maximum/minimum, int32 wraps", () => {
      const g = rng(3);
      const a = makeView(be, [33, 17], "float32", "contig", () => g() - 0.5);
      const row = { ...makeView(be, [1, 17], "float32", "contig", () => g()), shape: [33, 17], strides: [0, 1] };
      const col = { ...makeView(be, [33, 1], "float32", "contig", () => g()), shape: [33, 17], strides: [1, 0] };
      const sc = { ...makeView(be, [1], "float32", "contig", () => g()), shape: [33, 17], strides: [0, 0] };
      for (const b of [row, col, sc])
        for (const op of ["add", "sub", "mul", "div"] as const) {
          const A = oracleRead(be, a);
          const B = oracleRead(be, b);
          const want = A.map((x, i) => Math.fround(binaryOracle[op](x, B[i]!)));
          assertClose(be.readSync(contiguousView(be.binary(op, a, b, "float32"), [33, 17])), want, 0, 0, op);
          const wantR = B.map((x, i) => Math.fround(binaryOracle[op](x, A[i]!)));
          assertClose(be.readSync(contiguousView(be.binary(op, b, a, "float32"), [33, 17])), wantR, 0, 0, op + " reversed");
        }
      const x = contiguousView(be.upload(new Float32Array([1, NaN, 3, 4, 5, NaN, 7, 8, 9]), "float32"), [9]);
      const y = contiguousView(be.upload(new Float32Array([NaN, 2, 1, 9, 0, 1, 8, NaN, 1]), "float32"), [9]);
      assertClose(be.readSync(contiguousView(be.binary("maximum", x, y, "float32"), [9])), [NaN, NaN, 3, 9, 5, NaN, 8, NaN, 9], 0, 0, "maximum");
      assertClose(be.readSync(contiguousView(be.binary("minimum", x, y, "float32"), [9])), [NaN, NaN, 1, 4, 0, NaN, 7, NaN, 1], 0, 0, "minimum");
      const g2 = rng(17);
      const xs = Float32Array.from({ length: 40 }, (_, k) => (k % 7 === 3 ? NaN : Math.floor(g2() * 4)));
      const ys = Float32Array.from({ length: 40 }, (_, k) => (k % 5 === 1 ? NaN : Math.floor(g2() * 4)));
      const xv = contiguousView(be.upload(xs, "float32"), [40]);
      const yv = contiguousView(be.upload(ys, "float32"), [40]);
      for (const op of COMPARE_OPS) {
        const want = [...xs].map((v, k) => binaryOracle[op](v, ys[k]!));
        assert.deepEqual([...be.readSync(contiguousView(be.binary(op, xv, yv, "bool"), [40]))], want, `${op} with NaN`);
      }
      const i = contiguousView(be.upload(new Int32Array([2147483647, 65536]), "int32"), [2]);
      assert.deepEqual([...be.readSync(contiguousView(be.binary("add", i, i, "int32"), [2]))], [-2, 131072]);
      assert.deepEqual([...be.readSync(contiguousView(be.binary("mul", i, i, "int32"), [2]))], [1, 0]);
    });

    test("im2col-style unfold views (overlapping strides, 6-D): contiguous, unary, binary", () => {
      const g = rng(13);
      const x = makeView(be, [3, 2, 9, 9], "float32", "contig", () => g() - 0.5);
      const v = { ...x, shape: [3, 7, 7, 2, 3, 3], strides: [162, 9, 1, 81, 9, 1] };
      const shape = v.shape;
      const want = oracleRead(be, v);
      assertClose(be.readSync(contiguousView(be.contiguous(v), shape)), want, 0, 0, "unfold contiguous");
      assertClose(be.readSync(contiguousView(be.unary("tanh", v, "float32"), shape)), want.map((t) => Math.fround(Math.tanh(t))), 1e-6, 1e-7, "unfold tanh");
      assertClose(be.readSync(contiguousView(be.binary("mul", v, v, "float32"), shape)), want.map((t) => Math.fround(t * t)), 0, 0, "unfold mul");
    });

    test("transposed copies of odd-sized matrices (4x4 register-transpose path)", () => {
      for (const [r, c] of [[37, 70], [4, 4], [5, 33], [128, 9]] as const) {
        const v = makeView(be, [r, c], "float32", "transposed", rng(r * c));
        assert.deepEqual([...be.readSync(contiguousView(be.contiguous(v), [r, c]))], oracleRead(be, v), `[${r},${c}]`);
        const iv = makeView(be, [r, c], "int32", "transposed", rng(r));
        assert.deepEqual([...be.readSync(contiguousView(be.contiguous(iv), [r, c]))], oracleRead(be, iv), `int32 [${r},${c}]`);
      }
    });

    test("where over mixed layouts", () => {
      for (const dtype of ["float32", "float64", "int32"] as const)
        for (const shape of SHAPES.slice(2)) {
          const c = makeView(be, shape, "bool", "broadcast", rng(4));
          const a = makeView(be, shape, dtype, "transposed", rng(5));
          const b = makeView(be, shape, dtype, "sliced", rng(6));
          const [C, A, B] = [c, a, b].map((v) => oracleRead(be, v));
          const want = C!.map((x, i) => (x ? A![i]! : B![i]!));
          assert.deepEqual([...be.readSync(contiguousView(be.where(c, a, b, dtype), shape))], want);
        }
    });
  });
}
