// nn.Attention (Keras's keras.layers.Attention: dot / scaled / cosine scores) against a float64
// loop of the formula written here with plain arrays, on every backend; masks; gradcheck; errors.

import { test } from "node:test";
import assert from "node:assert/strict";
import { backendByName, getBackend, listBackends, manualSeed, nn, noGrad, randn, setBackend, tensor, type Tensor } from "../src/index.js";
import { assertClose, gradcheck } from "../src/testing/index.js";

type Mode = "dot" | "scaled" | "cosine";
type Arr3 = number[][][];

/** [N, L, S] context and weights of the formula in nn.Attention's TSDoc, in float64, one loop per sum. */
function reference(q: Arr3, k: Arr3, v: Arr3, mode: Mode, s: number, attendMask: (n: number, i: number, j: number) => boolean): { ctx: number[]; w: number[] } {
  const ctx: number[] = [], w: number[] = [];
  const norm = (x: number[]): number => Math.max(Math.sqrt(x.reduce((a, b) => a + b * b, 0)), 1e-8);
  for (let n = 0; n < q.length; n++)
    for (let i = 0; i < q[n]!.length; i++) {
      const qi = q[n]![i]!, E = qi.length;
      const sc = k[n]!.map((kj, j) => {
        let dot = 0;
        for (let e = 0; e < E; e++) dot += qi[e]! * kj[e]!;
        const raw = mode === "dot" ? dot : mode === "scaled" ? dot / Math.sqrt(E) : dot / (norm(qi) * norm(kj));
        return attendMask(n, i, j) ? s * raw : -Infinity;
      });
      const mx = Math.max(...sc), ex = sc.map((x) => Math.exp(x - mx)), z = ex.reduce((a, b) => a + b, 0);
      const wi = ex.map((x) => x / z);
      w.push(...wi);
      for (let c = 0; c < v[n]![0]!.length; c++) ctx.push(wi.reduce((a, wij, j) => a + wij * v[n]![j]![c]!, 0));
    }
  return { ctx, w };
}

const arr = (t: Tensor): Arr3 => t.toArray() as Arr3;

for (const device of listBackends()) {
  test(`nn.Attention on ${device}: dot, scaled and cosine scores, key defaulting to value, padding and causal masks, useScale`, () => {
    const before = getBackend();
    setBackend(backendByName(device));
    try {
      manualSeed(3);
      const f64 = backendByName(device).supportsFloat64;
      const dtype = f64 ? "float64" as const : "float32" as const;
      const tol = f64 ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-5 };
      const q = randn([2, 4, 3], { dtype }), k = randn([2, 5, 3], { dtype }), v = randn([2, 5, 2], { dtype }), kv = randn([2, 5, 3], { dtype });
      const same = (ctx: Tensor, w: Tensor, r: { ctx: number[]; w: number[] }): void => {
        assertClose(ctx, r.ctx, tol);
        assertClose(w, r.w, tol);
      };
      const pad = [[true, true, true, false, false], [true, true, true, true, true]]; // sequence lengths 3 and 5
      const pad3 = [0, 1].map((n) => [0, 1, 2, 3].map((i) => [0, 1, 2, 3, 4].map((j) => (i + j + n) % 3 !== 0 || j === 0)));
      for (const mode of ["dot", "scaled", "cosine"] as Mode[]) {
        const m = new nn.Attention({ scoreMode: mode, dtype });
        let [ctx, w] = m.forward(q, v, k);
        let r = reference(arr(q), arr(k), arr(v), mode, 1, () => true);
        same(ctx, w, r);
        [ctx, w] = m.forward(q, kv); // Keras: key = value when absent
        r = reference(arr(q), arr(kv), arr(kv), mode, 1, () => true);
        same(ctx, w, r);
        [ctx, w] = m.forward(q, v, k, tensor(pad, { dtype: "bool" }));
        r = reference(arr(q), arr(k), arr(v), mode, 1, (n, _i, j) => pad[n]![j]!);
        same(ctx, w, r);
        assert.ok(w.select(0, 0).narrow(-1, 3, 2).dataSync().every((x) => x === 0), "padded keys get weight 0");
        [ctx, w] = m.forward(q, v, { key: k, mask: tensor(pad3, { dtype: "bool" }), causal: true });
        r = reference(arr(q), arr(k), arr(v), mode, 1, (n, i, j) => pad3[n]![i]![j]! && j <= i);
        same(ctx, w, r);
        const scaled = new nn.Attention({ scoreMode: mode, useScale: true, dtype });
        assert.deepEqual(Object.keys(scaled.stateDict()), ["scale"]);
        noGrad(() => scaled.scale!.assign(2.5));
        [ctx, w] = scaled.forward(q, v, k, null, { causal: true });
        r = reference(arr(q), arr(k), arr(v), mode, 2.5, (_n, i, j) => j <= i);
        same(ctx, w, r);
      }
      assert.deepEqual(Object.keys(new nn.Attention().stateDict()), []);
    } finally {
      setBackend(before);
    }
  });
}

test("nn.Attention: float64 gradcheck on cpu (query, key, value and the trainable scale; masks, causal)", () => {
  const o = { dtype: "float64" as const, requiresGrad: true, device: "cpu" };
  const R = { maxFullOutputs: 0 };
  const q = randn([2, 3, 4], o), k = randn([2, 5, 4], o), v = randn([2, 5, 3], o);
  const mask = tensor([[true, true, false, true, true], [true, false, true, true, true]], { dtype: "bool", device: "cpu" });
  for (const scoreMode of ["dot", "scaled", "cosine"] as const) {
    const m = new nn.Attention({ scoreMode, useScale: true, dtype: "float64" });
    m.to("cpu");
    // gradcheck perturbs copies of its inputs: the layer reads the scale it is handed.
    const s = tensor(1.7, o);
    const padded = (a: Tensor, b: Tensor, c: Tensor, x: Tensor): Tensor => {
      m.scale = x;
      return m.forward(a, c, b, mask)[0];
    };
    const causal = (a: Tensor, b: Tensor, c: Tensor, x: Tensor): Tensor => {
      m.scale = x;
      return m.forward(a, c, { key: b, causal: true })[0];
    };
    assert.ok(gradcheck(padded, [q, k, v, s], R), `${scoreMode}, padding mask`);
    assert.ok(gradcheck(causal, [q, k, v, s], R), `${scoreMode}, causal`);
  }
});

test("nn.Attention: bad masks, shapes and options throw errors naming the module", () => {
  const m = new nn.Attention(), q = randn([2, 3, 4]), kv = randn([2, 5, 4]);
  assert.throws(() => m.forward(q, kv, null, tensor([[true, false, true], [true, true, true]], { dtype: "bool" })), /nn\.Attention: mask must be bool \(true = attend\) of shape \[N, S\] = \[2,5\] or \[N, L, S\] = \[2,3,5\], got bool \[2,3\] \(query \[2,3,4\], key \[2,5,4\]\)/);
  assert.throws(() => m.forward(q, kv, { mask: randn([2, 5]) }), /nn\.Attention: mask must be bool .* got float32 \[2,5\]/);
  assert.throws(() => m.forward(q, randn([2, 6, 4]), kv), /nn\.Attention: key \[2,5,4\] and value \[2,6,4\] must be \[N, S, ·\] with the same N and S/);
  assert.throws(() => m.forward(q, kv, { causel: true } as never), /nn\.Attention\.forward: unknown option 'causel'/);
  assert.throws(() => new nn.Attention({ scoreMode: "concat" } as never), /nn\.Attention: scoreMode must be "dot", "scaled" or "cosine", got "concat" \(additive scores: nn\.AdditiveAttention\)/);
  assert.throws(() => new nn.Attention({ use_scale: true } as never), /nn\.Attention: unknown option 'use_scale'/);
  assert.throws(() => new nn.Attention({ dropout: 1 }), /nn\.Attention: dropout must be in \[0, 1\), got 1/);
});

test("nn.Attention: dropout acts on the weights in training mode only", () => {
  manualSeed(0);
  const m = new nn.Attention({ dropout: 0.5 }), q = randn([2, 3, 4]), kv = randn([2, 5, 4]);
  const [train] = m.forward(q, kv);
  m.eval();
  const [ev, w] = m.forward(q, kv);
  assertClose(ev, w.matmul(kv).dataSync(), { rtol: 1e-5, atol: 1e-6 });
  assert.ok(train.sub(ev).abs().amax().item() > 1e-3, "training output differs from eval output");
});
