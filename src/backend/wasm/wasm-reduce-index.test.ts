// WasmBackend vs JS oracles for reductions, arg-reductions, cast, pad, cat, gather, scatterAdd and
// memory management (free is idempotent, blocks are reused), at 1 and 2 threads.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DType } from "../../dtype.js";
import type { View } from "../backend.js";
import { createWasmBackend } from "./wasm-backend.js";
import { LAYOUTS, assertClose, contiguousView, makeView, oracleRead, rng } from "./testkit.js";

const be = await createWasmBackend({ numThreads: 2, parallelMin: { map: 1, gemm: 1 } });
after(() => be.close());

const DTYPES = ["float32", "float64", "int32", "bool"] as const;
const round = (v: number, dtype: DType): number =>
  dtype === "float32" ? Math.fround(v) : dtype === "int32" ? Math.trunc(v) | 0 : dtype === "bool" ? (v !== 0 ? 1 : 0) : v;
const strides = (shape: readonly number[]): number[] => contiguousView(be.full(0, "float32", 0), shape).strides as number[];

/** Oracle: reduce `vals` (row-major over shape) over dims, keeping them. */
function reduceOracle(vals: number[], shape: number[], dims: number[], f: (acc: number[]) => number): number[] {
  const outShape = shape.map((s, d) => (dims.includes(d) ? 1 : s));
  const groups: number[][] = Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => []);
  const st = strides(outShape);
  const idx = new Array<number>(shape.length).fill(0);
  for (const v of vals) {
    let o = 0;
    idx.forEach((i, d) => (o += dims.includes(d) ? 0 : i * st[d]!));
    groups[o]!.push(v);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return groups.map(f);
}

const reducers = {
  sum: (a: number[]) => a.reduce((x, y) => x + y, 0),
  prod: (a: number[]) => a.reduce((x, y) => x * y, 1),
  prodInt: (a: number[]) => a.reduce((x, y) => Math.imul(x, y), 1),
  max: (a: number[]) => (a.some(Number.isNaN) ? NaN : Math.max(...a)),
  min: (a: number[]) => (a.some(Number.isNaN) ? NaN : Math.min(...a)),
};

for (const threads of [1, 2]) {
  describe(`wasm backend reductions and indexing, ${threads} thread(s)`, () => {
    before(async () => {
      be.setNumThreads(threads);
      await be.ready();
    });

    test("reduce sum/prod/max/min over dim subsets, every layout", () => {
      const shape = [5, 7, 3];
      const dimSets = [[], [0], [1], [2], [0, 2], [1, 2], [0, 1, 2]];
      for (const dtype of ["float32", "float64", "int32"] as const)
        for (const layout of LAYOUTS)
          for (const dims of dimSets)
            for (const op of ["sum", "prod", "max", "min"] as const) {
              const g = rng(9);
              const x = makeView(be, shape, dtype, layout, () => 0.5 + g());
              const f = op === "prod" && dtype === "int32" ? reducers.prodInt : reducers[op];
              const want = reduceOracle(oracleRead(be, x), shape, dims, f).map((v) => round(v, dtype));
              const outShape = shape.map((s, d) => (dims.includes(d) ? 1 : s));
              const got = be.readSync(contiguousView(be.reduce(op, x, dims), outShape));
              assertClose(got, want, dtype === "float32" ? 1e-6 : 1e-12, 0, `${op} ${dtype} ${layout} [${dims}]`);
            }
    });

    test("wide float32 reductions (SIMD row and 16-column paths), with and without NaN", () => {
      for (const [rows, cols] of [[37, 50], [3, 70], [129, 33]] as const)
        for (const withNaN of [false, true]) {
          const g = rng(rows + cols);
          const data = Float32Array.from({ length: rows * cols }, () => g() * 4 - 2);
          if (withNaN) for (const i of [5, rows * cols - 1, Math.floor(rows * cols / 2)]) data[i] = NaN;
          const x = contiguousView(be.upload(data, "float32"), [rows, cols]);
          for (const dims of [[0], [1], [0, 1]])
            for (const op of ["sum", "prod", "max", "min"] as const) {
              const want = reduceOracle([...data], [rows, cols], dims, reducers[op]).map(Math.fround);
              const outShape = [rows, cols].map((s, d) => (dims.includes(d) ? 1 : s));
              const got = be.readSync(contiguousView(be.reduce(op, x, dims), outShape));
              assertClose(got, want, 1e-6, 1e-30, `${op} [${rows},${cols}] dims [${dims}] NaN ${withNaN}`);
            }
        }
    });

    test("max/min propagate NaN; argmax/argmin take the first extreme, NaN wins", () => {
      const x = contiguousView(be.upload(new Float32Array([1, NaN, 3, 5, 2, 5, 0, 0, -1]), "float32"), [3, 3]);
      assertClose(be.readSync(contiguousView(be.reduce("max", x, [1]), [3, 1])), [NaN, 5, 0], 0, 0, "max");
      assertClose(be.readSync(contiguousView(be.reduce("min", x, [0]), [1, 3])), [0, NaN, -1], 0, 0, "min");
      assert.deepEqual([...be.readSync(contiguousView(be.argReduce("argmax", x, 1), [3, 1]))], [1, 0, 0]);
      assert.deepEqual([...be.readSync(contiguousView(be.argReduce("argmin", x, 1), [3, 1]))], [1, 1, 2]);
      assert.deepEqual([...be.readSync(contiguousView(be.argReduce("argmax", x, 0), [1, 3]))], [1, 0, 1]);
    });

    test("argmax/argmin with ties over every layout and dim", () => {
      const shape = [4, 6, 5];
      for (const dtype of ["float32", "float64", "int32"] as const)
        for (const layout of LAYOUTS)
          for (let dim = 0; dim < 3; dim++)
            for (const op of ["argmax", "argmin"] as const) {
              const g = rng(dim + 1);
              const x = makeView(be, shape, dtype, layout, () => Math.floor(g() * 4));
              const vals = oracleRead(be, x);
              // oracle: index along dim of the first extreme, via (value, position) groups
              const pos = vals.map((_, i) => Math.floor(i / strides(shape)[dim]!) % shape[dim]!);
              const pairs = vals.map((v, i) => [v, pos[i]!]);
              const want = reduceOracle(pairs.map((_, i) => i), shape, [dim], (is) => {
                let best = is[0]!;
                for (const i of is) if (op === "argmax" ? pairs[i]![0]! > pairs[best]![0]! : pairs[i]![0]! < pairs[best]![0]!) best = i;
                return pairs[best]![1]!;
              });
              const got = be.readSync(contiguousView(be.argReduce(op, x, dim), shape.map((s, d) => (d === dim ? 1 : s))));
              assert.deepEqual([...got], want, `${op} ${dtype} ${layout} dim ${dim}`);
            }
    });

    test("cast between every pair of dtypes (float → int truncates toward zero)", () => {
      for (const from of DTYPES)
        for (const to of DTYPES)
          for (const layout of ["contig", "transposed", "broadcast"] as const) {
            const g = rng(2);
            const x = makeView(be, [3, 17], from, layout, () => 8 * g() - 4);
            const want = oracleRead(be, x).map((v) => round(v, to));
            assert.deepEqual([...be.readSync(contiguousView(be.cast(x, to), [3, 17]))], want, `${from}→${to} ${layout}`);
          }
      const nan = contiguousView(be.upload(new Float32Array([NaN, -2.9, 2.9]), "float32"), [3]);
      assert.deepEqual([...be.readSync(contiguousView(be.cast(nan, "bool"), [3]))], [1, 1, 1]);
      assert.deepEqual([...be.readSync(contiguousView(be.cast(nan, "int32"), [3]))].slice(1), [-2, 2]);
    });

    test("pad with a constant, every layout", () => {
      for (const dtype of DTYPES)
        for (const layout of LAYOUTS) {
          const x = makeView(be, [3, 4, 2], dtype, layout, rng(5));
          const pads: [number, number][] = [[1, 0], [2, 3], [0, 1]];
          const outShape = [4, 9, 3];
          const vals = oracleRead(be, x);
          const want: number[] = [];
          for (let i = 0; i < 4; i++)
            for (let j = 0; j < 9; j++)
              for (let k = 0; k < 3; k++) {
                const [a, b, c] = [i - 1, j - 2, k];
                want.push(a >= 0 && a < 3 && b >= 0 && b < 4 && c < 2 ? vals[(a * 4 + b) * 2 + c]! : round(-1.5, dtype));
              }
          assert.deepEqual([...be.readSync(contiguousView(be.pad(x, pads, -1.5), outShape))], want, `${dtype} ${layout}`);
        }
    });

    test("cat along each dim of mixed layouts, and of contiguous ones (block copies)", () => {
      for (const mixed of [true, false])
      for (const dtype of DTYPES)
        for (let dim = 0; dim < 3; dim++) {
          const shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]].map((s, i) => s.map((v, d) => (d === dim ? v + i : v)));
          const xs: View[] = shapes.map((s, i) => makeView(be, s, dtype, mixed ? LAYOUTS[i + 1]! : "contig", rng(i)));
          const outShape = shapes[0]!.map((v, d) => (d === dim ? shapes.reduce((a, s) => a + s[d]!, 0) : v));
          // oracle: walk the output index, find the input it falls in
          const vals = xs.map((x) => oracleRead(be, x));
          const want: number[] = [];
          const idx = [0, 0, 0];
          for (let n = 0; n < outShape.reduce((a, b) => a * b, 1); n++) {
            let at = idx[dim]!;
            let which = 0;
            while (at >= shapes[which]![dim]!) at -= shapes[which++]![dim]!;
            const sh = shapes[which]!;
            const local = idx.map((v, d) => (d === dim ? at : v));
            want.push(vals[which]![(local[0]! * sh[1]! + local[1]!) * sh[2]! + local[2]!]!);
            for (let d = 2; d >= 0; d--) {
              if (++idx[d]! < outShape[d]!) break;
              idx[d] = 0;
            }
          }
          assert.deepEqual([...be.readSync(contiguousView(be.cat(xs, dim, dtype), outShape))], want, `${dtype} dim ${dim}`);
        }
    });

    test("gather and scatterAdd along each dim, with range checks", () => {
      const g = rng(8);
      for (const dtype of ["float32", "float64", "int32"] as const)
        for (let dim = 0; dim < 3; dim++)
          for (const layout of ["contig", "transposed", "sliced"] as const) {
            const xShape = [4, 5, 6];
            const iShape = [3, 4, 5];
            const x = makeView(be, xShape, dtype, layout, () => 10 * g() - 5);
            const size = xShape[dim]!;
            const idxData = Int32Array.from({ length: 60 }, () => Math.floor(g() * size));
            const index = contiguousView(be.upload(idxData, "int32"), iShape);
            const X = oracleRead(be, x);
            const want: number[] = [];
            for (let i = 0; i < 3; i++)
              for (let j = 0; j < 4; j++)
                for (let k = 0; k < 5; k++) {
                  const p = [i, j, k];
                  p[dim] = idxData[(i * 4 + j) * 5 + k]!;
                  want.push(X[(p[0]! * 5 + p[1]!) * 6 + p[2]!]!);
                }
            assert.deepEqual([...be.readSync(contiguousView(be.gather(x, dim, index), iShape))], want, `gather ${dtype} ${dim} ${layout}`);

            const src = makeView(be, iShape, dtype, layout, () => 10 * g() - 5);
            const S = oracleRead(be, src);
            const acc = new Array<number>(120).fill(0);
            for (let i = 0; i < 3; i++)
              for (let j = 0; j < 4; j++)
                for (let k = 0; k < 5; k++) {
                  const p = [i, j, k];
                  p[dim] = idxData[(i * 4 + j) * 5 + k]!;
                  const o = (p[0]! * 5 + p[1]!) * 6 + p[2]!;
                  acc[o] = round(acc[o]! + S[(i * 4 + j) * 5 + k]!, dtype);
                }
            const got = be.readSync(contiguousView(be.scatterAdd(xShape, dim, index, src), xShape));
            assertClose(got, acc, dtype === "float32" ? 1e-6 : 1e-12, 1e-6, `scatterAdd ${dtype} ${dim} ${layout}`);
          }
      const x = contiguousView(be.upload(new Float32Array(6), "float32"), [2, 3]);
      const bad = contiguousView(be.upload(new Int32Array([0, 3]), "int32"), [2, 1]);
      assert.throws(() => be.gather(x, 1, bad), /out of bounds/);
      assert.throws(() => be.scatterAdd([2, 3], 1, bad, contiguousView(be.upload(new Float32Array(2), "float32"), [2, 1])), /out of bounds/);
    });

    test("free is idempotent, blocks are reused, use after free throws", () => {
      const before = be.liveBytes;
      const s = be.upload(new Float32Array(1000), "float32");
      assert.ok(be.liveBytes > before);
      be.free(s);
      be.free(s);
      assert.equal(be.liveBytes, before);
      const t = be.full(1000, "float32", 1);
      const u = be.full(1000, "float32", 2);
      assert.deepEqual([...be.readSync(contiguousView(t, [3]))], [1, 1, 1]);
      assert.deepEqual([...be.readSync(contiguousView(u, [3]))], [2, 2, 2]);
      assert.throws(() => be.readSync(contiguousView(s, [3])), /after free/);
      be.free(t);
      be.free(u);
      assert.equal(be.liveBytes, before);
    });
  });
}
