// torch names a PyTorch user reaches for first (src/composites/aliases.ts, tensor-info.ts, signal.ts,
// linalg-extra.ts, src/nn/functional/extra.ts) against torch 1.13 (tools/fixtures/api_names.py) on
// both backends with float64 gradchecks; then the queries, dtype rules, errors and gumbelSoftmax.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as M from "../src/index.js";
import { F, Generator, tensor, zeros, type DType, type Tensor } from "../src/index.js";
import { assertClose } from "../src/testing/index.js";
import { fixture } from "./helpers.js";
import { runTable, type FnCase } from "./fn-table.js";

const sym = { gradcheck: false, note: "torch's gradient reaches the factor's unread triangle (it differentiates L Lᵀ): parity checks it; the 'tril' cases gradcheck" };
const frexpNote = { gradcheck: false, note: "the mantissa jumps at powers of two (the inputs hold some) and the int32 exponent has no derivative: parity checks torch's grad / 2^exponent" };
const table: Record<string, FnCase> = {
  max: { fn: (x) => M.max(x) }, "max dim": { fn: (x) => M.max(x, 1) }, "max dim keepdim": { fn: (x) => M.max(x, 0, { keepdim: true }) },
  "max other": { fn: (x, y) => M.max(x, y) }, "max int32 dim": { fn: (x) => M.max(x, -1) },
  min: { fn: (x) => M.min(x) }, "min dim": { fn: (x) => M.min(x, 1) }, "min dim keepdim": { fn: (x) => M.min(x, 0, true) },
  "min other": { fn: (x, y) => M.min(x, y) }, "min int32 dim": { fn: (x) => M.min(x, -1) },
  argmax: { fn: (x) => M.argmax(x) }, "argmax dim keepdim": { fn: (x) => M.argmax(x, 1, true) }, "argmin dim": { fn: (x) => M.argmin(x, { dim: 0 }) },
  var: { fn: (x) => M.var(x) }, "var dim biased": { fn: (x) => M.var(x, 1, { unbiased: false, keepdim: true }) },
  clone: { fn: (x) => M.clone(x) }, t: { fn: (x) => M.t(x) }, adjoint: { fn: (x) => M.adjoint(x) },
  clampMin: { fn: (x) => M.clampMin(x, 0.3) }, "clampMax tensor": { fn: (x, m) => M.clampMax(x, m) }, "clampMin method": { fn: (x) => x.clampMin(-0.5) },
  positive: { fn: (x) => M.positive(x) }, rsub: { fn: (x, y) => M.rsub(x, y, { alpha: 2 }) }, "rsub number": { fn: (x) => M.rsub(x, 1.5) },
  splitWithSizes: { fn: (x) => x.splitWithSizes([1, 3], 1) }, concat: { fn: (x, y) => M.concat([x, y], 1) }, concatenate: { fn: (x, y) => M.concatenate([x, y]) },
  arccos: { fn: M.arccos }, "arccos method": { fn: (x) => x.arccos() }, arcsin: { fn: M.arcsin }, "arcsin method": { fn: (x) => x.arcsin() },
  arctan: { fn: M.arctan }, "arctan method": { fn: (x) => x.arctan() }, arcsinh: { fn: M.arcsinh }, "arcsinh method": { fn: (x) => x.arcsinh() },
  arctanh: { fn: M.arctanh }, "arctanh method": { fn: (x) => x.arctanh() }, arccosh: { fn: M.arccosh },
  arctan2: { fn: (y, x) => M.arctan2(y, x) }, "arctan2 method": { fn: (y, x) => y.arctan2(x) },
  "hannWindow 0": { fn: () => M.hannWindow(0) }, "hannWindow 1": { fn: () => M.hannWindow(1) }, "hannWindow 2": { fn: () => M.hannWindow(2) },
  "hannWindow 7": { fn: () => M.hannWindow(7) }, "hannWindow symmetric": { fn: () => M.hannWindow(8, { periodic: false }) },
  hammingWindow: { fn: () => M.hammingWindow(9) }, "hammingWindow alpha beta": { fn: () => M.hammingWindow(6, false, { alpha: 0.5, beta: 0.4 }) },
  blackmanWindow: { fn: () => M.blackmanWindow(10) }, "blackmanWindow symmetric float64": { fn: () => M.blackmanWindow(7, false, { dtype: "float64" }) },
  bartlettWindow: { fn: () => M.bartlettWindow(9) }, "bartlettWindow symmetric": { fn: () => M.bartlettWindow(8, false) },
  kaiserWindow: { fn: () => M.kaiserWindow(10) }, "kaiserWindow beta symmetric": { fn: () => M.kaiserWindow(7, false, { beta: 5 }) },
  frexp: { fn: (x) => M.frexp(x), ...frexpNote }, "frexp float64": { fn: (x) => x.frexp(), ...frexpNote },
  histogram: { fn: (x) => M.histogram(x, 5) }, "histogram range density": { fn: (x) => M.histogram(x, 4, { range: [-1, 2], density: true }) },
  "histogram weight": { fn: (x, w) => M.histogram(x, 3, { weight: w }) }, "histogram edges": { fn: (x, e) => x.histogram(e) },
  "histogram constant": { fn: (x) => M.histogram(x, 4) },
  choleskySolve: { fn: (b, l) => M.choleskySolve(b, l), ...sym }, "choleskySolve upper": { fn: (b, l) => b.choleskySolve(l, true), ...sym },
  choleskyInverse: { fn: (l) => M.choleskyInverse(l), ...sym }, "choleskyInverse upper": { fn: (l) => l.choleskyInverse({ upper: true }), ...sym },
  "choleskySolve tril batched": { fn: (b, l) => M.choleskySolve(b, l.tril()) }, "choleskyInverse tril": { fn: (l) => M.choleskyInverse(l.tril()) },
  matrixExp: { fn: (a) => M.matrixExp(a) }, "matrixExp batched large": { fn: (a) => M.linalg.matrixExp(a) }, "matrixExp method": { fn: (a) => a.matrixExp() },
  unfold: { fn: (x) => x.unfold(1, 2, 1) }, "unfold dim 0 step": { fn: (x) => x.unfold(0, 2, 2) }, "unfold 3d gaps": { fn: (x) => x.unfold(-1, 2, 3) },
  "unfold int32": { fn: (x) => x.unfold(0, 3, 1) },
  sumToSize: { fn: (x) => x.sumToSize(1, 4) }, "sumToSize leading": { fn: (x) => x.sumToSize([3, 1]) },
  normalize: { fn: (x) => F.normalize(x) }, "normalize p1 dim0": { fn: (x) => F.normalize(x, 1, 0) }, "normalize zero row": { fn: (x) => F.normalize(x, { dim: -1 }), gradcheck: false, note: "a zero row sits on the clamp at eps (gradient 1/eps, as torch: parity checks it); the other normalize cases gradcheck" },
  "F.pdist p1": { fn: (x) => F.pdist(x, 1) }, "F.oneHot": { fn: (i) => F.oneHot(i, 4) },
  maxPool1dWithIndices: { fn: (x) => F.maxPool1dWithIndices(x, 3, 2, 1) }, maxPool2dWithIndices: { fn: (x) => F.maxPool2dWithIndices(x, 2, { ceilMode: true }) },
  maxPool3dWithIndices: { fn: (x) => F.maxPool3dWithIndices(x, 2) }, adaptiveMaxPool1dWithIndices: { fn: (x) => F.adaptiveMaxPool1dWithIndices(x, 4) },
  adaptiveMaxPool2dWithIndices: { fn: (x) => F.adaptiveMaxPool2dWithIndices(x, [2, 3]) }, adaptiveMaxPool3dWithIndices: { fn: (x) => F.adaptiveMaxPool3dWithIndices(x, 2) },
  "hardshrink method": { fn: (x) => x.hardshrink(0.7) }, "prelu method": { fn: (x, w) => x.prelu(w) },
};
table.affineGrid = { fn: (th) => F.affineGrid(th, [2, 3, 4, 5]) };
table["affineGrid alignCorners"] = { fn: (th) => F.affineGrid(th, [2, 3, 4, 5], true) };
table["affineGrid 3d"] = { fn: (th) => F.affineGrid(th, [1, 1, 2, 3, 4], { alignCorners: false }) };
table["affineGrid single column"] = { fn: (th) => F.affineGrid(th, [1, 1, 3, 1]) };
for (const mode of ["bilinear", "nearest"] as const)
  for (const pm of ["zeros", "border", "reflection"] as const)
    for (const ac of [false, true]) table[`gridSample ${mode} ${pm}${ac ? " alignCorners" : ""}`] = { fn: (x, g) => F.gridSample(x, g, mode, pm, ac) };
table["gridSample reflection far"] = { fn: (x, g) => F.gridSample(x, g, { paddingMode: "reflection" }) };
Object.assign(table, {
  upsampleNearest: { fn: (x) => F.upsampleNearest(x, { scaleFactor: 2 }) }, upsampleBilinear: { fn: (x) => F.upsampleBilinear(x, [5, 4]) },
  unsafeSplit: { fn: (x) => M.unsafeSplit(x, 3, 1) }, narrowCopy: { fn: (x) => M.narrowCopy(x, 1, 1, 2) },
  indexPut: { fn: (x, i, j, v) => M.indexPut(x, [i, j], v) }, "indexPut accumulate repeated": { fn: (x, i, v) => x.indexPut([i], v, true) },
  "indexPut broadcast value": { fn: (x, i, j, v) => M.indexPut(x, [i, j], v) }, "indexPut mask": { fn: (x, m, v) => x.indexPut([m], v) },
  gradient: { fn: (x) => M.gradient(x) }, "gradient spacing dim": { fn: (x) => M.gradient(x, { spacing: 0.5, dim: 1 }) },
  "gradient per-dim spacing edge 2": { fn: (x) => M.gradient(x, { spacing: [2, 0.25], edgeOrder: 2 }) }, "gradient int32": { fn: (x) => M.gradient(x, { dim: 0 }) },
} satisfies Record<string, FnCase>);
Object.assign(table, {
  lu: { fn: (a) => M.lu(a) }, "lu getInfos": { fn: (a) => a.select(0, 0).lu({ getInfos: true }) },
  NLLLoss2d: { fn: (x, y) => new M.nn.NLLLoss2d().forward(x.logSoftmax(1), y) },
  luUnpack: { fn: (l, p) => M.luUnpack(l, p) }, luSolve: { fn: (b, l, p) => b.luSolve(l, p) },
  triangularSolve: { fn: (b, a) => M.triangularSolve(b, a) }, "triangularSolve lower transpose unit": { fn: (b, a) => b.triangularSolve(a, false, true, true) },
} satisfies Record<string, FnCase>);
for (const red of ["prod", "mean", "amax", "amin"] as const)
  for (const inc of [true, false]) table[`indexReduce ${red}${inc ? "" : " excluding self"}`] = { fn: (x, i, s) => (inc ? M.indexReduce(x, 1, i, s, red) : x.indexReduce(1, i, s, red, { includeSelf: false })) };
runTable("torch's everyday names match torch 1.13", "fns/api.json", table);

interface TypesFx { resultType: [string, string, DType][]; promoteTypes: [DType, DType, DType][]; canCast: [DType, DType, boolean][] }
const types = fixture<{ types: TypesFx }>("fns/api.json").types;
const operand: Record<string, () => Tensor | number | boolean> = {
  "int32 vector": () => tensor([1, 2], { dtype: "int32" }), "bool vector": () => tensor([true]), "float32 vector": () => M.ones(2),
  "float64 vector": () => M.ones(2, { dtype: "float64" }), "float64 0-d": () => tensor(1, { dtype: "float64" }), "int32 0-d": () => tensor(1, { dtype: "int32" }),
  "2.5": () => 2.5, "2": () => 2, true: () => true,
};

describe("dtype rules and tensor queries", () => {
  it("resultType, promoteTypes and canCast give torch's answers", () => {
    for (const [a, b, want] of types.resultType) assert.equal(M.resultType(operand[a]!(), operand[b]!()), want, `resultType(${a}, ${b})`);
    for (const [a, b, want] of types.promoteTypes) assert.equal(M.promoteTypes(a, b), want, `promoteTypes(${a}, ${b})`);
    for (const [a, b, want] of types.canCast) assert.equal(M.canCast(a, b), want, `canCast(${a}, ${b})`);
    assert.throws(() => M.promoteTypes("int64" as DType, "float32"), /promoteTypes: unknown dtype 'int64' \(myelin's integer dtype is int32\)/);
  });

  it("isTensor, isFloatingPoint, isNonzero, isSameSize, numel, detach", () => {
    const x = tensor([[1, 2, 3]], { requiresGrad: true });
    assert.deepEqual([M.isTensor(x), M.isTensor([1]), M.isFloatingPoint(x), M.isFloatingPoint(tensor([1], { dtype: "int32" }))], [true, false, true, false]);
    assert.deepEqual([M.isNonzero(tensor([0.5])), M.isNonzero(tensor(0)), tensor([[0]]).isNonzero()], [true, false, false]);
    assert.throws(() => M.isNonzero(x), /isNonzero: Boolean value of Tensor with more than one value is ambiguous \(shape \[1, ?3\]\)/);
    assert.throws(() => M.isNonzero(zeros(0)), /with no values is ambiguous/);
    assert.deepEqual([M.isSameSize(x, zeros(1, 3)), x.isSameSize(zeros(3))], [true, false]);
    assert.equal(M.numel(x), 3);
    assert.equal(M.detach(x).requiresGrad, false);
  });

  it("tolist, dim, ndimension, nelement, elementSize, stride, storageOffset, isSigned, type", () => {
    const x = M.arange(24).reshape(2, 3, 4);
    assert.deepEqual(tensor([[1, 2], [3, 4]]).tolist(), [[1, 2], [3, 4]]);
    assert.equal(tensor(2.5).tolist(), 2.5);
    assert.deepEqual([x.dim(), x.ndimension(), x.nelement(), x.elementSize(), M.ones(1, { dtype: "float64" }).elementSize()], [3, 3, 24, 4, 8]);
    assert.deepEqual(x.stride(), [12, 4, 1]);
    assert.deepEqual([x.transpose(0, 2).stride(0), x.stride(-2)], [1, 4]);
    assert.equal(x.select(0, 1).storageOffset(), 12);
    assert.deepEqual([x.isSigned(), tensor([true]).isSigned()], [true, false]);
    assert.deepEqual([x.type(), x.type("float64").dtype, tensor([1], { dtype: "int32" }).typeAs(x).dtype], ["torch.FloatTensor", "float64", "float32"]);
    assert.throws(() => x.stride(3), /stride: dim 3 is out of range/);
  });

  it("newZeros, newOnes, newFull, newEmpty, newTensor take this tensor's dtype and device unless told", () => {
    const x = M.ones(2, { dtype: "float64" });
    const z = x.newZeros(2, 3);
    assert.deepEqual([z.shape, z.dtype, z.device, z.sum().item()], [[2, 3], "float64", x.device, 0]);
    assert.deepEqual(x.newOnes([2], { dtype: "int32" }).toArray(), [1, 1]);
    assert.equal(x.newOnes([2], { dtype: "int32" }).dtype, "int32");
    assert.deepEqual(x.newFull([2, 2], 7).toArray(), [[7, 7], [7, 7]]);
    assert.deepEqual(x.newEmpty(3).shape, [3]);
    const n = x.newTensor([1, 2], { requiresGrad: true });
    assert.deepEqual([n.dtype, n.requiresGrad], ["float64", true]);
    assert.throws(() => x.newZeros(2, { dtyp: "float32" } as never), /Tensor\.newZeros: unknown option 'dtyp' \(did you mean 'dtype'\?\)/);
  });

  it("casts to dtypes myelin lacks say which dtype and what to use", () => {
    const x = M.ones(2);
    for (const [m, d] of [["long", "int64"], ["short", "int16"], ["byte", "uint8"], ["char", "int8"], ["half", "float16"], ["bfloat16", "bfloat16"]] as const)
      assert.throws(() => x[m](), new RegExp(`Tensor\\.${m}: ${d} is not a myelin dtype`));
    assert.throws(() => x.long(), /use \.int\(\)/);
  });

  it("asTensor, asarray, emptyLike, broadcastShapes, narrowCopy, H and mH", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    assert.equal(M.asTensor(x), x, "no copy when dtype and device match");
    assert.equal(M.asarray([1, 2], { dtype: "int32" }).dtype, "int32");
    assert.deepEqual(M.emptyLike(x, { dtype: "float64" }).shape, [2, 3]);
    assert.deepEqual(M.broadcastShapes([2, 1], [3], 1), [2, 3]);
    assert.throws(() => M.broadcastShapes([2], [3]), /broadcastShapes/);
    assert.deepEqual(x.narrowCopy(1, 1, 2).toArray(), [[2, 3], [5, 6]]);
    assert.deepEqual([x.H.shape, M.zeros(4, 2, 3).mH.shape], [[3, 2], [4, 3, 2]]);
    assert.throws(() => M.zeros(4, 2, 3).H, /H: expects a 0-D or 2-D tensor/);
  });

  it("errors name the function and the values", () => {
    const x = M.ones(3, 4);
    assert.throws(() => x.unfold(1, 5, 1), /unfold: maximum size for tensor at dimension 1 is 4 but size is 5/);
    assert.throws(() => x.unfold(0, 2, 0), /unfold: step must be a positive integer, got 0/);
    assert.throws(() => x.sumToSize(2, 4), /sumToSize: size \[2, ?4\] is not expandable to the tensor's shape \[3, ?4\]/);
    assert.throws(() => M.positive(tensor([true])), /positive: the unary \+ is not supported for bool tensors/);
    assert.throws(() => M.splitWithSizes(x, [1, 1]), /split: sections \[1, ?1\] sum to 2, but dimension 0 has size 3/);
    assert.throws(() => M.max(x, 1, { keepDim: true } as never), /max: unknown option 'keepDim' \(did you mean 'keepdim'\?\)/);
    assert.throws(() => M.frexp(tensor([1], { dtype: "int32" })), /frexp: only supports floating-point dtypes, got int32/);
    assert.throws(() => M.histogram(x, 0), /histogram: bins must be a positive integer, got 0/);
    assert.throws(() => M.choleskySolve(M.ones(2, 1), M.eye(3)), /choleskySolve: B \[2, ?1\] needs 3 rows/);
    assert.throws(() => M.matrixExp(M.ones(2, 3)), /matrixExp: input must be a batch of square matrices/);
    assert.throws(() => M.hannWindow(-1), /hannWindow: windowLength must be a non-negative integer, got -1/);
    assert.throws(() => M.adjoint(M.ones(3)), /adjoint: expects a tensor with at least 2 dims/);
    assert.throws(() => F.gridSample(M.ones(1, 1, 3, 3), M.zeros(1, 2, 2, 2), { mode: "bicubic" as never }), /F\.gridSample: mode must be 'bilinear' or 'nearest', got 'bicubic' \(bicubic is not implemented\)/);
    assert.throws(() => F.gridSample(M.ones(1, 1, 3, 3), M.zeros(1, 2, 2, 3)), /F\.gridSample: expected grid \[1, Ho, Wo, 2\] for input \[1, ?1, ?3, ?3\], got \[1, ?2, ?2, ?3\]/);
    assert.throws(() => F.gridSample(M.ones(1, 1, 2, 3, 3), M.zeros(1, 2, 2, 2, 3)), /5-D volumetric sampling is not implemented/);
    assert.throws(() => M.indexPut(x, [tensor([3], { dtype: "int32" })], M.zeros(4)), /indexPut: index out of range for dim 0 of size 3/);
    assert.throws(() => M.indexReduce(x, 1, tensor([0], { dtype: "int32" }), M.ones(3, 1), "sum" as never), /indexReduce: reduce must be 'prod', 'mean', 'amax' or 'amin', got sum/);
    assert.throws(() => M.gradient(M.ones(3, 1)), /gradient: expected each dimension size to be at least edgeOrder \+ 1 = 2, got dim 1/);
    assert.throws(() => M.gradient(x, { spacing: [1] }), /gradient: spacing must be a number or one number per dim \(2\)/);
    assert.throws(() => M.ones(2).cfloat(), /Tensor\.cfloat: complex64 is not a myelin dtype/);
    assert.deepEqual(M.unsafeChunk(x, 2).map((t) => t.shape[0]), [2, 1]);
    assert.deepEqual(x.unsafeSplitWithSizes([1, 3], 1).map((t) => t.shape[1]), [1, 3]);
    assert.deepEqual([M.isSigned(x), M.isSigned(tensor([true]))], [true, false]);
    const state = M.getRngState(), a = M.rand(3);
    M.setRngState(state);
    assert.deepEqual(Array.from(M.rand(3).dataSync()), Array.from(a.dataSync()), "setRngState(getRngState()) replays the stream");
    assert.throws(() => F.affineGrid(M.ones(1, 2, 3), [1, 1, 2, 2, 2]), /F\.affineGrid: expected theta \[N, 2, 3\] with size \[N, C, H, W\]/);
  });
});

describe("F.gumbelSoftmax", () => {
  it("draws the argmax with softmax(logits) probabilities (Gumbel-max), sums to 1, is seeded, and hard is straight-through", () => {
    const logits = tensor([[Math.log(0.2), Math.log(0.5), Math.log(0.3)]]).expand(20000, 3).contiguous();
    const y = F.gumbelSoftmax(logits, { tau: 0.5, generator: new Generator(3) });
    assertClose(y.sum(-1), M.ones(20000), { atol: 1e-5, rtol: 0 });
    const counts = [0, 0, 0];
    for (const i of y.argmax(1).dataSync()) counts[i]!++;
    [0.2, 0.5, 0.3].forEach((p, i) => assert.ok(Math.abs(counts[i]! / 20000 - p) < 4 * Math.sqrt((p * (1 - p)) / 20000), `class ${i}: ${counts[i]! / 20000} vs ${p}`));
    const again = F.gumbelSoftmax(logits, { tau: 0.5, generator: new Generator(3) });
    assert.deepEqual(Array.from(again.dataSync()), Array.from(y.dataSync()), "same generator seed, same sample");
    const l = tensor([[0.1, 1.2, -0.3], [2, 0, 1]], { requiresGrad: true });
    const w = tensor([[1, 2, 3], [-1, 0.5, 2]]);
    const hard = F.gumbelSoftmax(l, 1, true, { generator: new Generator(9) });
    const soft = F.gumbelSoftmax(l, 1, false, { generator: new Generator(9) });
    assert.deepEqual(hard.toArray(), (soft.argmax(1).toArray() as number[]).map((k) => [0, 1, 2].map((j) => (j === k ? 1 : 0))));
    const [gh] = M.grad([hard.mul(w).sum()], [l]);
    const [gs] = M.grad([soft.mul(w).sum()], [l]);
    assert.deepEqual(Array.from(gh!.dataSync()), Array.from(gs!.dataSync()), "straight-through: the hard sample's gradient is the soft one's");
    assert.throws(() => F.gumbelSoftmax(l, 0), /F\.gumbelSoftmax: tau must be positive, got 0/);
  });
});
