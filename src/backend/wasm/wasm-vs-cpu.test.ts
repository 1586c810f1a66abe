// WasmBackend against the reference CpuBackend (cpu.ts, the living spec): the same random views
// (every layout, every dtype) go through both, for every Backend method, at 1 and 2 threads.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { DType } from "../../dtype.js";
import { ARITH_OPS, COMPARE_OPS, UNARY_OPS } from "../../ops/primitives.js";
import type { Backend, View } from "../backend.js";
import { CpuBackend } from "../cpu.js";
import { createWasmBackend } from "./wasm-backend.js";
import { LAYOUTS, assertClose, contiguousView, makeView, rng } from "./testkit.js";

const be = await createWasmBackend({ numThreads: 2, parallelMin: { map: 1, gemm: 1 } });
const cpu = new CpuBackend();
after(() => be.close());

const DTYPES = ["float32", "float64", "int32", "bool"] as const;
const SHAPES = [[], [1], [17], [3, 33], [4, 1, 6], [2, 3, 4, 5]];

/** The same view over a CpuBackend copy of the storage. */
function mirror(v: View): View {
  const all = be.readSync({ storage: v.storage, shape: [v.storage.length], strides: [1], offset: 0 });
  return { ...v, storage: cpu.upload(all, v.storage.dtype) };
}

function same(run: (b: Backend, vs: View[]) => { storage: View["storage"]; shape: number[] }, views: View[], tol: number, what: string): void {
  const w = run(be, views);
  const c = run(cpu, views.map(mirror));
  assert.equal(w.storage.dtype, c.storage.dtype, `${what}: dtype`);
  const got = be.readSync(contiguousView(w.storage, w.shape));
  const want = cpu.readSync(contiguousView(c.storage, c.shape));
  assertClose(got, want, tol, tol * 1e-2, what);
}

const tolOf = (d: DType): number => (d === "float32" ? 2e-6 : d === "float64" ? 1e-13 : 0);

for (const threads of [1, 2]) {
  describe(`wasm vs cpu backend, ${threads} thread(s)`, () => {
    before(async () => {
      be.setNumThreads(threads);
      await be.ready();
    });

    test("contiguous, unary, cast", () => {
      for (const dt of DTYPES)
        for (const shape of SHAPES)
          for (const layout of LAYOUTS) {
            const g = rng(shape.length + 3);
            const x = makeView(be, shape, dt, layout, () => 4 * g() - 2);
            same((b, [v]) => ({ storage: b.contiguous(v!), shape }), [x], 0, `contiguous ${dt} ${layout}`);
            for (const to of DTYPES) same((b, [v]) => ({ storage: b.cast(v!, to), shape }), [x], 0, `cast ${dt}→${to} ${layout}`);
            if (dt === "float32" || dt === "float64")
              for (const op of UNARY_OPS) {
                const y = op === "log" || op === "sqrt" || op === "log1p" ? makeView(be, shape, dt, layout, () => 0.01 + 3 * g()) : x;
                same((b, [v]) => ({ storage: b.unary(op, v!, dt), shape }), [y], tolOf(dt), `${op} ${dt} ${layout} [${shape}]`);
              }
          }
    });

    test("binary and where", () => {
      for (const dt of ["float32", "float64", "int32"] as const)
        for (const shape of SHAPES)
          for (const [la, lb] of [["contig", "broadcast"], ["transposed", "sliced"], ["flipped", "contig"]] as const) {
            const g = rng(5);
            const a = makeView(be, shape, dt, la, () => 0.1 + 3 * g());
            const b = makeView(be, shape, dt, lb, () => (g() < 0.3 ? 1 : 0.1 + 3 * g()));
            for (const op of [...ARITH_OPS, ...COMPARE_OPS]) {
              if (dt === "int32" && (op === "div" || op === "pow")) continue;
              const out: DType = (COMPARE_OPS as readonly string[]).includes(op) ? "bool" : dt;
              same((bk, [x, y]) => ({ storage: bk.binary(op, x!, y!, out), shape }), [a, b], tolOf(out), `${op} ${dt} ${la}/${lb}`);
            }
            const c = makeView(be, shape, "bool", lb, rng(9));
            same((bk, [k, x, y]) => ({ storage: bk.where(k!, x!, y!, dt), shape }), [c, a, b], 0, `where ${dt}`);
          }
    });

    test("reduce and argReduce", () => {
      const shape = [4, 5, 6];
      for (const dt of DTYPES)
        for (const layout of LAYOUTS) {
          const g = rng(2);
          const x = makeView(be, shape, dt, layout, () => (dt === "int32" ? Math.floor(4 * g()) : 0.5 + g()));
          for (const dims of [[0], [2], [0, 1], [1, 2], [0, 1, 2]])
            for (const op of ["sum", "prod", "max", "min"] as const) {
              // int32 products overflow here; both backends wrap exactly (Math.imul), as C/torch do
              const outShape = shape.map((s, d) => (dims.includes(d) ? 1 : s));
              same((b, [v]) => ({ storage: b.reduce(op, v!, dims), shape: outShape }), [x], dt === "float32" ? 1e-6 : 1e-12, `${op} ${dt} ${layout} [${dims}]`);
            }
          for (let dim = 0; dim < 3; dim++)
            for (const op of ["argmax", "argmin"] as const) {
              const outShape = shape.map((s, d) => (d === dim ? 1 : s));
              same((b, [v]) => ({ storage: b.argReduce(op, v!, dim), shape: outShape }), [x], 0, `${op} ${dt} ${layout} ${dim}`);
            }
        }
    });

    test("matmul, pad, cat, gather, scatterAdd", () => {
      for (const dt of ["float32", "float64", "int32"] as const) {
        for (const [la, lb] of [["contig", "contig"], ["transposed", "contig"], ["contig", "transposed"], ["sliced", "flipped"]] as const) {
          const a = makeView(be, [3, 17, 33], dt, la, rng(1));
          const b = makeView(be, [3, 33, 9], dt, lb, rng(2));
          same((bk, [x, y]) => ({ storage: bk.matmul(x!, y!, dt), shape: [3, 17, 9] }), [a, b], dt === "float32" ? 1e-5 : 1e-12, `matmul ${dt} ${la}/${lb}`);
        }
        const x = makeView(be, [3, 4, 5], dt, "transposed", rng(3));
        same((bk, [v]) => ({ storage: bk.pad(v!, [[1, 2], [0, 0], [3, 1]], 7), shape: [6, 4, 9] }), [x], 0, `pad ${dt}`);
        const y = makeView(be, [3, 2, 5], dt, "sliced", rng(4));
        same((bk, [u, v]) => ({ storage: bk.cat([u!, v!], 1, dt), shape: [3, 6, 5] }), [x, y], 0, `cat ${dt}`);
        const g = rng(5);
        const idx = { ...contiguousView(be.upload(Int32Array.from({ length: 24 }, () => Math.floor(g() * 4)), "int32"), [3, 2, 4]) };
        same((bk, [v, i]) => ({ storage: bk.gather(v!, 1, i!), shape: [3, 2, 4] }), [x, idx], 0, `gather ${dt}`);
        const src = makeView(be, [3, 2, 4], dt, "contig", rng(6));
        same((bk, [i, s]) => ({ storage: bk.scatterAdd([3, 4, 5], 1, i!, s!), shape: [3, 4, 5] }), [idx, src], dt === "float32" ? 1e-6 : 0, `scatterAdd ${dt}`);
      }
    });
  });
}
