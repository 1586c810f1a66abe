// Graph convolution: gcnNorm's edge weights against the dense Â = D̂^−½(A + I)D̂^−½ on Zachary's
// karate club, a float64 gradient check of message passing, and semi-supervised node
// classification of the club split from one labelled member per club.

import { test } from "node:test";
import assert from "node:assert/strict";
import { data, eye, manualSeed, nn, optim, randn, tensor, type Tensor } from "../src/index.js";
import { gradcheck } from "../src/testing/index.js";

test("karate club data: 34 members, 78 friendships, 17 in each club", () => {
  const { edgeIndex, labels, numNodes } = data.karateClub();
  assert.equal(numNodes, 34);
  assert.equal(data.KARATE_EDGES.length, 78);
  assert.equal(new Set(data.KARATE_EDGES.map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`)).size, 78);
  assert.deepEqual(edgeIndex.shape, [2, 156]);
  assert.equal(labels.sum().item(), 17);
  // the two leaders are the best-connected members: Mr. Hi (0) with 16 friends, the Officer (33) with 17
  const deg = new Array<number>(34).fill(0);
  for (const [a, b] of data.KARATE_EDGES) { deg[a]!++; deg[b]!++; }
  assert.deepEqual([deg[0], deg[33]], [16, 17]);
});

test("gcnNorm and propagate compute Â X with Â = D̂^−½(A + I)D̂^−½ (dense reference)", () => {
  const { edgeIndex, numNodes: n } = data.karateClub();
  const a = new Float64Array(n * n);
  for (const [i, j] of data.KARATE_EDGES) a[i * n + j] = a[j * n + i] = 1;
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  const d = Array.from({ length: n }, (_, i) => a.subarray(i * n, (i + 1) * n).reduce((s, v) => s + v, 0));
  const aHat = tensor(Float32Array.from(a, (v, k) => v / Math.sqrt(d[Math.floor(k / n)]! * d[k % n]!)), { shape: [n, n] });
  manualSeed(0);
  const x = randn([n, 5]);
  const { edgeIndex: ei, edgeWeight: w } = nn.gcnNorm(edgeIndex, n);
  assert.deepEqual(ei.shape, [2, 156 + 34]);
  const got = nn.propagate(x, ei, w);
  assert.ok(got.sub(aHat.matmul(x)).abs().amax().item() < 1e-5);
  // GCNConv = Â X Θᵀ + b
  const conv = new nn.GCNConv(5, 3);
  const ref = aHat.matmul(x).matmul(conv.lin.weight.t()).add(conv.bias!);
  assert.ok(conv.forward(x, edgeIndex).sub(ref).abs().amax().item() < 1e-5);
  assert.deepEqual(Object.keys(conv.stateDict()).sort(), ["bias", "lin.weight"]);
  assert.throws(() => conv.forward(x.narrow(1, 0, 4), edgeIndex), /nn.GCNConv: expected node features \[numNodes, 5\]/);
  assert.throws(() => new nn.GCNConv(5, 3, { normalise: false } as never), /normalize/);
  assert.throws(() => nn.propagate(x, edgeIndex.float()), /expected edgeIndex int32/);
});

test("propagate passes a float64 gradient check in x and the edge weights", () => {
  const edgeIndex = tensor(Int32Array.from([0, 1, 2, 2, 1, 2, 0, 1]), { shape: [2, 4] });
  const x = randn([3, 2], { dtype: "float64" }), w = randn([4], { dtype: "float64" });
  x.requiresGrad = w.requiresGrad = true;
  assert.ok(gradcheck((xx, ww) => nn.propagate(xx, edgeIndex, ww), [x, w]));
});

test("a two-layer GCN classifies the karate club split from one labelled member per club (≥ 90% of the rest)", () => {
  manualSeed(0);
  const { edgeIndex, labels, numNodes: n } = data.karateClub();
  const x = eye(n); // featureless nodes: one-hot identities, as Kipf and Welling do for the karate club
  const gcn1 = new nn.GCNConv(n, 16), gcn2 = new nn.GCNConv(16, 2);
  const params = [...gcn1.parameters(), ...gcn2.parameters()];
  const opt = new optim.Adam(params, { lr: 0.01, weightDecay: 5e-4 });
  const forward = (): ReturnType<typeof gcn2.forward> => gcn2.forward(gcn1.forward(x, edgeIndex).relu(), edgeIndex);
  const train = tensor(Int32Array.from([0, 33])); // Mr. Hi and the Officer
  const lossFn = new nn.CrossEntropyLoss();
  for (let step = 0; step < 100; step++) {
    opt.zeroGrad();
    lossFn.forward(forward().indexSelect(0, train), labels.indexSelect(0, train)).backward();
    opt.step();
  }
  const pred = forward().argmax(1);
  const rest = tensor(Int32Array.from(Array.from({ length: n - 2 }, (_, i) => i + 1)));
  const acc = pred.indexSelect(0, rest).eq(labels.indexSelect(0, rest)).float().mean().item();
  console.log(`  accuracy on the 32 unlabelled members: ${(acc * 100).toFixed(1)}%`);
  assert.ok(acc >= 0.9, `accuracy ${acc} on the unlabelled members, expected ≥ 0.9`);
});

test("MessagePassing aggregates by sum or by mean over the in-degree", () => {
  class MeanNeighbours extends nn.MessagePassing {
    forward(x: Tensor, edgeIndex: Tensor): Tensor { return this.propagate(x, edgeIndex); }
  }
  const edgeIndex = tensor(Int32Array.from([0, 1, 2, 2, 2, 0]), { shape: [2, 3] }); // 0→2, 1→2, 2→0
  const x = tensor([[1], [3], [10]]);
  assert.deepEqual(Array.from(new MeanNeighbours("mean").forward(x, edgeIndex).dataSync()), [10, 0, 2]);
  assert.deepEqual(Array.from(new MeanNeighbours({ aggr: "add" }).forward(x, edgeIndex).dataSync()), [10, 0, 4]);
  assert.throws(() => new MeanNeighbours({ agr: "mean" } as never), /nn.MeanNeighbours: unknown option 'agr'.*aggr/);
  assert.throws(() => new MeanNeighbours("max" as never), /aggr must be "add" or "mean"/);
});
