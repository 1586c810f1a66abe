// nn.init's truncNormal, eye, dirac and sparse (torch's trunc_normal_, eye_, dirac_, sparse_): their
// distributions against the closed forms, and their structure against what torch documents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { F, Generator, nn, randn, zeros } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";

const { init } = nn;
const pdf = (x: number): number => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);

test("truncNormal: inside [a, b], with the truncated normal's mean and variance (closed form) and its CDF", () => {
  const [mu, sigma, a, b] = [0.5, 2, -1, 3];
  const t = init.truncNormal(zeros([400, 500], { dtype: "float64" }), mu, sigma, a, b, { generator: new Generator(1) });
  const v = Array.from(t.dataSync());
  assert.ok(v.every((x) => x >= a && x <= b), "every value within [a, b]");
  const al = (a - mu) / sigma, be = (b - mu) / sigma;
  // Φ through the same density: integrate pdf numerically for the normaliser
  const cdf = (x: number): number => { let s = 0; const n = 20000, lo = -12; for (let i = 0; i < n; i++) s += pdf(lo + ((i + 0.5) * (x - lo)) / n); return (s * (x - lo)) / n; };
  const Z = cdf(be) - cdf(al);
  const mean = mu + (sigma * (pdf(al) - pdf(be))) / Z;
  const variance = sigma ** 2 * (1 + (al * pdf(al) - be * pdf(be)) / Z - ((pdf(al) - pdf(be)) / Z) ** 2);
  const m = v.reduce((s, x) => s + x, 0) / v.length, s2 = v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length;
  assert.ok(Math.abs(m - mean) < 4 * Math.sqrt(variance / v.length), `mean ${m} vs ${mean}`);
  assert.ok(Math.abs(s2 / variance - 1) < 0.01, `variance ${s2} vs ${variance}`);
  for (const x of [-0.5, 0.5, 1.7, 2.6]) {
    const want = (cdf((x - mu) / sigma) - cdf(al)) / Z, got = v.filter((y) => y <= x).length / v.length;
    assert.ok(Math.abs(got - want) < 0.003, `CDF at ${x}: ${got} vs ${want}`);
  }
  // a window in the far tail still samples inside it (the inverse CDF, not rejection)
  const tail = Array.from(init.truncNormal(zeros([1000]), { a: 6, b: 6.5 }).dataSync());
  assert.ok(tail.every((x) => x >= 6 && x <= 6.5) && tail.reduce((s, x) => s + x, 0) / 1000 < 6.2, "mass piles up near a, as the density does");
  assert.throws(() => init.truncNormal(zeros([2]), { a: 1, b: 0 }), /init\.truncNormal: expected a < b, got a=1, b=0/);
  assert.throws(() => init.truncNormal(zeros([2]), { std: 0 }), /std must be positive, got 0/);
});

test("eye: ones on the diagonal of any 2-D shape; other ranks are an error", () => {
  assert.deepEqual(init.eye(randn([2, 3])).toArray(), [[1, 0, 0], [0, 1, 0]]);
  assert.deepEqual(init.eye(randn([3, 2])).toArray(), [[1, 0], [0, 1], [0, 0]]);
  assert.throws(() => init.eye(zeros([2, 2, 2])), /init\.eye: only 2-D tensors are supported, got \[2, ?2, ?2\]/);
});

test("dirac: a convolution with the Dirac weight passes its input through (groups too)", () => {
  const x = randn([2, 4, 5, 6]);
  const w = init.dirac(zeros([4, 4, 3, 3]));
  assertClose(F.conv2d(x, w, null, 1, 1), x, { rtol: 0, atol: 0 }, "conv2d");
  const x1 = randn([1, 4, 7]);
  const wg = init.dirac(zeros([4, 2, 3]), 2);
  assertClose(F.conv1d(x1, wg, null, 1, 1, 1, 2), x1, { rtol: 0, atol: 0 }, "conv1d, groups 2");
  // more outputs than inputs: the extra output channels stay zero (torch's min(out/groups, in))
  const wide = init.dirac(zeros([3, 2, 1, 1])).reshape([3, 2]).toArray();
  assert.deepEqual(wide, [[1, 0], [0, 1], [0, 0]]);
  assert.throws(() => init.dirac(zeros([3, 3, 3]), 2), /the first dim \(3\) must be divisible by groups \(2\)/);
  assert.throws(() => init.dirac(zeros([3, 3])), /only tensors of 3, 4 or 5 dims/);
});

test("sparse: ⌈sparsity·rows⌉ zeros in every column, the rest N(0, std²)", () => {
  const t = init.sparse(zeros([50, 400]), 0.3, 0.5, { generator: new Generator(2) });
  const v = t.toArray() as number[][];
  for (let c = 0; c < 400; c++) assert.equal(v.filter((row) => row[c] === 0).length, 15, `column ${c}`);
  const nz = v.flat().filter((x) => x !== 0);
  const sd = Math.sqrt(nz.reduce((s, x) => s + x * x, 0) / nz.length);
  assert.ok(Math.abs(sd - 0.5) < 0.01, `std ${sd}`);
  assert.throws(() => init.sparse(zeros([2, 2, 2]), 0.1), /init\.sparse: only 2-D tensors are supported/);
  assert.throws(() => init.sparse(zeros([2, 2]), 1.5), /sparsity must be in \[0, 1\], got 1.5/);
});

test("torch's positionals and unknown options rejected by name", () => {
  assert.deepEqual(init.dirac(zeros([4, 2, 1]), 2).reshape([4, 2]).toArray(), init.dirac(zeros([4, 2, 1]), { groups: 2 }).reshape([4, 2]).toArray());
  assert.throws(() => init.dirac(zeros([2, 2, 1]), { bogus: 1 } as never), /init\.dirac: unknown option 'bogus'/);
  assert.throws(() => init.truncNormal(zeros([2]), { bogus: 1 } as never), /init\.truncNormal: unknown option 'bogus'/);
  assert.throws(() => init.sparse(zeros([2, 2]), 0.5, { bogus: 1 } as never), /init\.sparse: unknown option 'bogus'/);
});
