// The edge-case sweep (docs/issue-audit.md, "Edge-case sweep"): NaN and ±inf through reductions,
// clamp and softmax, empty tensors, integer and bool promotion, rounded division and remainders,
// losses at their edges, indexing and F.pad, each against torch 1.13 (tools/fixtures/edge.py) on
// every backend. Where torch raises, myelin must raise an error that names the op (the regex).

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { cat, div, F, floorDivide, fmod, listBackends, matmul, maximum, minimum, ones, pad, rand, randn, remainder, tensor, zeros, type Tensor } from "../src/index.js";
import { allclose } from "../src/testing/index.js";
import { fixture, on, values, type FixtureTensor } from "./helpers.js";

type Result = FixtureTensor | number | Result[] | { error: string };
const fx = fixture<{ cases: { name: string; torch: string; result: Result }[] }>("edge/cases.json");

const N = NaN, inf = Infinity;
const t = (x: Parameters<typeof tensor>[0]): Tensor => tensor(x);
const I = (x: Parameters<typeof tensor>[0]): Tensor => tensor(x, { dtype: "int32" });
const B = (x: Parameters<typeof tensor>[0]): Tensor => tensor(x, { dtype: "bool" });
/** [f(xs) (its first output), d sum(f) / d x for each x], as G in the generator. */
function G(f: (...xs: Tensor[]) => Tensor | Tensor[], ...inputs: Tensor[]): Tensor[] {
  const xs = inputs.map((x) => Object.assign(x.detach().clone(), { requiresGrad: true }));
  const r = f(...xs);
  const y = Array.isArray(r) ? r[0]! : r;
  y.sum().backward();
  return [y, ...xs.map((x) => x.grad ?? zeros(x.shape))];
}
const X = (): Tensor => t([[1, 2, 0.5], [0.1, -1, 2], [0.3, 0.2, 0.1], [2, 2, 2]]);
const W = (): Tensor => t([0.2, 1, 3]);
const M23 = (): Tensor => t([[1, 2, 3], [4, 5, 6]]);
const FA = (): Tensor => t([1, -1, 7, -7, 5.5, -5.5, 0, -0, 3, inf, N, 16777216, 2, -3, 1e-30, 0.3]);
const FB = (): Tensor => t([0.1, 0.1, 2, 2, -2, -2, 3, 3, 0, 2, 2, 3, inf, -inf, 7, 0.1]);
const IA = (): Tensor => I([7, -7, 7, -7, 0, 1, -1, 2147483647]);
const IB = (): Tensor => I([2, 2, -2, -2, 3, 5, 5, 2]);

type Case = () => unknown;
const CASES: Record<string, Case | RegExp> = {
  "max propagates NaN": () => t([1, N, 3]).max(),
  "max(dim) picks the NaN and its index": () => t([[1, N, 3], [4, 5, 6], [N, 2, N]]).max(1),
  "min(dim) picks the NaN": () => t([[1, N, 3], [4, 5, 6], [N, 2, N]]).min(1),
  "argmax picks the first NaN": () => t([1, 5, N, 7, N]).argmax(),
  "argmin over dim 0 with NaN": () => t([[1, N, 3], [4, 5, 6], [N, 2, N]]).argmin(0),
  "argmax ties take the first": () => t([3, 1, 3, 3]).argmax(),
  "max gradient of a NaN maximum goes to the NaN": () => G((x) => x.max(), t([1, N, 3])),
  "min gradient of a NaN minimum is shared by the NaNs": () => G((x) => x.min(), t([1, N, N])),
  "max gradient of ties is shared": () => G((x) => x.max(), t([1, 3, 3])),
  "sort puts NaN last": () => t([3, N, 1, inf, -inf, N, 2]).sort(),
  "sort descending puts NaN first": () => t([3, N, 1, inf, -inf, N, 2]).sort(-1, true),
  "topk counts NaN as the largest": () => t([3, N, 1, 2]).topk(2),
  "clamp keeps a NaN input": () => t([N, 1, 5]).clamp(0, 2),
  "clamp with a NaN min gives NaN": () => t([0, 1, 5]).clamp(N, 2),
  "clamp with a NaN max gives NaN": () => t([0, 1, 5]).clamp(0, N),
  "clamp with NaN tensor bounds": () => t([0, 1, 5]).clamp(t([1, N, 1]), t([2, 2, N])),
  "clamp min above max gives max": () => t([0, 1, 5]).clamp(3, 2),
  "maximum and minimum propagate NaN": () => [maximum(t([N, 1, 2]), t([0, N, 1])), minimum(t([N, 1, 2]), t([0, N, 1]))],
  "maximum and minimum gradients with NaN and ties": () => [maximum, minimum].map((f) => G((a, b) => f(a, b), t([N, 1, 2, 3]), t([0, N, 2, 1]))),
  "softmax of an all -inf row is NaN": () => t([[-inf, -inf], [0, 1]]).softmax(1),
  "softmax with +inf": () => t([[inf, 0], [inf, inf]]).softmax(1),
  "logSoftmax with -inf entries, gradient": () => G((x) => x.logSoftmax(1).mul(t([[0, 2, 3]])), t([[-inf, 0, 1]])),
  "logsumexp of all -inf is -inf": () => t([-inf, -inf]).logsumexp(0),
  "logsumexp gradient with -inf": () => G((x) => x.logsumexp(0), t([-inf, 0, 1])),
  "cumsum through inf": () => t([1, inf, -inf, 2]).cumsum(0),
  "cumprod through inf and 0": () => t([2, inf, 0, 2]).cumprod(0),
  "cumprod gradient with two zeros": () => G((x) => x.cumprod(0), t([2, 0, 3, 0, 5])),
  "prod gradient with one zero": () => G((x) => x.prod(), t([2, 0, 3])),
  "NaN casts to bool true": () => t([0, -0, 0.1, N]).bool(),
  "logicalAnd counts NaN as true": () => t([N, 0]).logicalAnd(t([1, 1])),
  "erf at ±inf and NaN": () => t([-inf, -1000, -3.5, 0, 3.5, inf, N]).erf(),
  "gelu at ±inf": () => F.gelu(t([-inf, -30, 30, inf])),
  "softplus, logsigmoid and silu far out, gradients": () => [F.softplus, F.logsigmoid, F.silu].map((f) => G((x) => f(x), t([-1000, -30, 30, 1000]))[1]),
  "allclose: NaN is not close to NaN unless equalNan": () =>
    B([allclose(t([N]), t([N])), allclose(t([N]), t([N]), { equalNan: true }), allclose(t([inf]), t([inf])), allclose(t([inf]), t([-inf])), allclose(t([1e-9]), t([0]))]),
  "sum, mean and prod of empty": () => [zeros([0]).sum(), zeros([0]).mean(), zeros([3, 0]).prod(1)],
  "max of empty throws": /amax: cannot reduce over an empty dimension of \[0\]/,
  "max(dim) over an empty dim throws": /max: cannot reduce over the empty dimension 1 of \[2,0\]/,
  "amax over a non-empty dim of an empty tensor": () => zeros([2, 0]).amax(0),
  "matmul with K = 0 is zeros": () => matmul(ones([2, 0]), ones([0, 3])),
  "matmul with K = 0, gradients": () => G((a, b) => matmul(a, b), ones([2, 0]), ones([0, 3])),
  "cat skips nothing: empties of the right shape": () => cat([zeros([0, 2]), ones([1, 2]), zeros([0, 2])]),
  "reshape of empty with -1": () => zeros([0, 3]).reshape([-1, 6]),
  "reshape of empty with an ambiguous -1 throws": /reshape: shape \[0,-1\] is invalid for input \[0,3\]/,
  "crossEntropy of an empty batch is NaN": () => F.crossEntropy(zeros([0, 3]), I([])),
  "int32 division is true division": () => I([7, -7, 1, 0]).div(I([2, 2, 0, 0])),
  "int32 + float32 is float32": () => I([1, 2]).add(t([0.5, 0.5])),
  "int32 + 0.5 is float32": () => I([1, 2]).add(0.5),
  "bool + int32 is int32": () => B([true, false]).add(I([2, 3])),
  "bool + bool is or": () => B([true, true]).add(B([true, false])),
  "bool sum is int": () => B([true, true, false]).sum(),
  "int32 ** 2 stays int32": () => I([3, -4]).pow(2),
  "int32 ** -1 throws": /pow: integers to negative integer powers are not allowed/,
  "int32 ** 0.5 is float": () => I([4]).pow(0.5),
  "int32 sqrt is float": () => I([4, 2]).sqrt(),
  "int32 softmax throws": /softmax: expected a floating-point tensor, got int32/,
  "int32 log_softmax throws": /logSoftmax: expected a floating-point tensor, got int32/,
  "int32 mean throws": /mean: expected a floating-point tensor, got int32/,
  "int32 + a whole number past int32 is float32 (a JS number is a double)": () => [I([1, 2]).add(3e9), I([1, 2]).mul(-3e9), I([1, 2]).add(-2147483648)],
  "maskedFill of int32 with a value past int32 throws": /maskedFill: value 3000000000 cannot be converted to int32 without overflow/,
  "int32 and bool cumsum/cumprod stay exact": () => [I([3, -1, 4, 1]).cumsum(0), I([[2, 3], [-4, 5]]).cumprod(1), B([true, false, true]).cumsum(0)],
  "int32 == float32 compares as float": () => I([1, 2]).eq(t([1, 2.5])),
  "float == bool compares as float": () => t([1, 0.5]).eq(B([true, false])),
  "int32 clamp with a float bound is float": () => I([-3, 0, 7]).clamp(0.5, 5),
  "a cast to int32 or bool carries no gradient": () => G((x) => x.mul(2).add(x.int().float()).add(x.gt(2).float()), t([1.5, 2.5])),
  "float to int32 truncates": () => t([-1.7, 1.7, 2.5]).int(),
  "bool - bool throws": /sub: not supported for two bool operands/,
  "negating a bool tensor throws": /neg: negating a bool tensor is not supported/,
  "randn with an int32 dtype throws": /randn: draws floats, so dtype int32 is not supported/,
  "rand with a bool dtype throws": /rand: draws floats, so dtype bool is not supported/,
  "crossEntropy with every target ignored is NaN (mean)": () => G((x) => F.crossEntropy(x, I([-100, -100, -100, -100])), X()),
  "crossEntropy with every target ignored is 0 (sum)": () => G((x) => F.crossEntropy(x, I([-100, -100, -100, -100]), null, { reduction: "sum" }), X()),
  "crossEntropy labelSmoothing with ignoreIndex and weights": () => G((x) => F.crossEntropy(x, I([1, -100, 2, 0]), W(), { labelSmoothing: 0.2 }), X()),
  "crossEntropy labelSmoothing with ignoreIndex, reduction none": () => G((x) => F.crossEntropy(x, I([1, -100, 2, 0]), W(), { labelSmoothing: 0.2, reduction: "none" }), X()),
  "crossEntropy class weights, weighted mean": () => G((x) => F.crossEntropy(x, I([1, 0, 2, 0]), W()), X()),
  "crossEntropy with a -inf logit on another class": () => G((x) => F.crossEntropy(x, I([1])), t([[-inf, 0]])),
  "nllLoss on 1-D input with weights": () => G((x) => F.nllLoss(x, I(1), W()), t([-1, -2, -0.5])),
  "binaryCrossEntropy clamps the log at -100": () => F.binaryCrossEntropy(t([0, 1, 1e-50, 0.5]), t([1, 0, 1, 0.5]), null, { reduction: "none" }),
  "binaryCrossEntropy gradient at 0 and 1: (x-y)/max(x(1-x), 1e-12)": () =>
    G((x) => F.binaryCrossEntropy(x, t([1, 0, 0, 1, 0.5, 1, 1, 0, 0.3]), t([1, 2, 1, 1, 1, 1, 0.5, 1, 1]), { reduction: "none" }), t([0, 1, 0, 1, 0, 1e-13, 1e-40, 0.3, 0.4])),
  "binaryCrossEntropy gradient at 0 and 1, mean": () => G((x) => F.binaryCrossEntropy(x, t([1, 0, 0, 1, 0.25, 0.7])), t([0, 1, 0, 1, 1, 0.2])),
  "binaryCrossEntropyWithLogits posWeight and weight": () =>
    G((x) => F.binaryCrossEntropyWithLogits(x, t([[1, 0, 0.5], [0, 1, 1]]), t([1, 0.5, 2]), { posWeight: t([1, 2, 3]), reduction: "sum" }), t([[0.5, -1, 2], [3, -2, 0]])),
  "binaryCrossEntropyWithLogits at ±100 with posWeight": () => G((x) => F.binaryCrossEntropyWithLogits(x, t([1, 0, 1, 0]), null, { posWeight: t([3]) }), t([100, 100, -100, -100])),
  "klDiv logTarget batchmean": () => G((x) => F.klDiv(x, t([[-1, -0.5], [-2, -0.1]]), { reduction: "batchmean", logTarget: true }), t([[-0.3, -1], [-0.7, -0.7]])),
  "klDiv with a zero target": () => G((x) => F.klDiv(x, t([[0, 1], [0.5, 0.5]]), { reduction: "sum" }), t([[-0.3, -1], [-0.7, -0.7]])),
  "huberLoss at |d| = delta": () => G((x) => F.huberLoss(x, t([0, 0, 0, 0]), "none", 1), t([1, -1, 0.5, 3])),
  "smoothL1Loss beta 0: torch's gradient -1 at d = 0": () => G((x) => F.smoothL1Loss(x, t([0, 0, 0]), { beta: 0 }), t([1, -1, 0])),
  "smoothL1Loss at |d| = beta": () => G((x) => F.smoothL1Loss(x, t([0, 0, 0]), { beta: 2, reduction: "none" }), t([2, -2, 1])),
  "negative indices: select, narrow, slice": () => [M23().select(1, -1), M23().narrow(1, -2, 2), M23().slice(1, -2), M23().slice(1, -10, 2)],
  "gather on dim -1": () => M23().gather(-1, I([[2, 0], [1, 1]])),
  "gather out of range throws": /gather: index 3 is out of bounds for dimension 1 with size 3/,
  "gather with a negative index throws": /gather: index -1 is out of bounds for dimension 1 with size 3/,
  "scatterAdd out of range throws": /scatterAdd: index 3 is out of bounds for dimension 1 with size 3/,
  "indexSelect on dim -1, repeated, gradient": () => G((x) => x.indexSelect(-1, I([2, 2, 0])), M23()),
  "indexSelect out of range throws": /indexSelect: index 3 is out of bounds for dimension 1 with size 3/,
  "select out of range throws": /select: index -3 is out of range for dimension 0 with size 2/,
  "slice with a negative step throws": /slice: step must be a positive integer, got -1/,
  "div roundingMode floor, floats": () => FA().div(FB(), { roundingMode: "floor" }),
  "div roundingMode trunc, floats": () => FA().div(FB(), { roundingMode: "trunc" }),
  "floorDivide, floats": () => floorDivide(FA(), FB()),
  "remainder has the divisor's sign, floats": () => FA().remainder(FB()),
  "fmod has the dividend's sign, floats": () => fmod(FA(), FB()),
  "div roundingMode floor and trunc, int32": () => [div(IA(), IB(), { roundingMode: "floor" }), IA().div(IB(), { roundingMode: "trunc" })],
  "remainder and fmod, int32": () => [remainder(IA(), IB()), IA().fmod(IB()), IA().remainder(-3), IA().remainder(2.5)],
  "remainder of a number by a tensor": () => remainder(-7, I([2, 3])),
  "int32 remainder by zero throws": /remainder: integer division by zero/,
  "int32 floor division by zero throws": /div: integer division by zero/,
  "float remainder by zero is NaN": () => t([1, -1]).remainder(0),
  "remainder broadcasts": () => t([[5.5], [-5.5]]).remainder(t([2, -2, 3])),
  "remainder gradients": () => G((a, b) => a.remainder(b), t([5.5, -5.5, 7, 1]), t([2, -2, 3, 0.1])),
  "fmod gradients": () => G((a, b) => a.fmod(b), t([5.5, -5.5, 7, 1]), t([2, -2, 3, 0.1])),
  "div roundingMode floor has zero gradients": () => G((a, b) => a.div(b, { roundingMode: "floor" }), t([5.5, -5.5]), t([2, -2])),
  "remainder float64": () => remainder(tensor([1, -1, 0.3], { dtype: "float64" }), tensor([0.1, 0.1, 0.1], { dtype: "float64" })),
  "pad constant with a value": () => pad(t([1, 2]), [1, 1], "constant", 9),
  "pad reflect": () => pad(t([[[1, 2, 3]]]), [2, 1], "reflect"),
  "pad replicate, two dims": () => F.pad(t([[[1, 2], [3, 4]]]), [1, 0, 0, 2], "replicate"),
  "pad circular, gradient": () => G((x) => F.pad(x, [1, 2], "circular").mul(t([[[1, 2, 3, 4, 5]]])), t([[[1, 2]]])),
  "pad negative crops": () => pad(M23(), [-1, 1]),
};
// what each throwing case runs in myelin (the regex above is what its message must say)
const THROWS: Record<string, Case> = {
  "max of empty throws": () => zeros([0]).max(),
  "max(dim) over an empty dim throws": () => zeros([2, 0]).max(1),
  "reshape of empty with an ambiguous -1 throws": () => zeros([0, 3]).reshape([0, -1]),
  "int32 ** -1 throws": () => I([2]).pow(-1),
  "int32 softmax throws": () => I([1, 2]).softmax(0),
  "int32 log_softmax throws": () => I([1, 2]).logSoftmax(0),
  "int32 mean throws": () => I([1, 2]).mean(),
  "bool - bool throws": () => B([true]).sub(B([false])),
  "negating a bool tensor throws": () => B([true]).neg(),
  "randn with an int32 dtype throws": () => randn([2], { dtype: "int32" }),
  "rand with a bool dtype throws": () => rand([2], { dtype: "bool" }),
  "gather out of range throws": () => M23().gather(1, I([[3, 0], [1, 1]])),
  "gather with a negative index throws": () => M23().gather(1, I([[-1, 0], [1, 1]])),
  "scatterAdd out of range throws": () => M23().scatterAdd(1, I([[3, 0], [1, 1]]), t([[1, 1], [1, 1]])),
  "indexSelect out of range throws": () => M23().indexSelect(-1, I([3])),
  "select out of range throws": () => M23().select(0, -3),
  "slice with a negative step throws": () => M23().slice(1, 0, 3, -1),
  "int32 remainder by zero throws": () => I([1]).remainder(0),
  "maskedFill of int32 with a value past int32 throws": () => I([1, 2]).maskedFill(B([true, false]), 3e9),
  "int32 floor division by zero throws": () => I([1]).div(I([0]), { roundingMode: "floor" }),
};

/** Compares a myelin result with torch's: shapes, dtypes (int64 is int32) and values; NaN and ±inf exactly. */
function check(got: unknown, want: Result, what: string): void {
  if (Array.isArray(want)) {
    assert.ok(Array.isArray(got) && got.length === want.length, `${what}: torch gives ${want.length} outputs`);
    want.forEach((w, i) => check((got as unknown[])[i], w, `${what} [${i}]`));
    return;
  }
  const g = got as Tensor, w = want as FixtureTensor;
  assert.deepEqual(g.shape, w.shape, `${what}: shape`);
  assert.equal(g.dtype, w.dtype, `${what}: dtype`);
  const a = [...g.dataSync()].map(Number), b = values(w).map(Number);
  a.forEach((v, i) => {
    const e = b[i]!;
    const ok = Number.isFinite(e) ? Math.abs(v - e) <= 1e-5 + 1e-5 * Math.abs(e) : Object.is(v, e) || (Number.isNaN(v) && Number.isNaN(e));
    assert.ok(ok, `${what}: element ${i} is ${v}, torch ${e} (all: ${a.join(", ")} vs ${b.join(", ")})`);
  });
}

test("every fixture case has a myelin case and back", () => {
  assert.deepEqual(fx.cases.map((c) => c.name).sort(), Object.keys(CASES).sort());
  for (const [name, c] of Object.entries(CASES)) assert.equal(c instanceof RegExp, name in THROWS, `${name}: a regex iff it throws`);
});

for (const device of listBackends())
  describe(`edge cases match torch 1.13 on ${device}`, () => {
    for (const c of fx.cases)
      test(`${device} › ${c.name}`, () => on(device, () => {
        const mine = CASES[c.name]!;
        if (mine instanceof RegExp) {
          assert.ok("error" in (c.result as object), `torch raises for ${c.torch}`);
          assert.throws(THROWS[c.name]!, mine);
        } else check(mine(), c.result, `${c.name} (${c.torch})`);
      }));
  });

test("a shape mismatch is an error naming the op and both shapes (clamp used to name its comparison, 'lt')", () => {
  const a = zeros([2, 3]), b = zeros([4]);
  const cases: [() => unknown, RegExp][] = [
    [() => a.add(b), /^add: shapes \[2,3\] and \[4\] cannot be broadcast/],
    [() => a.clamp(b, null), /^clamp: shapes \[2,3\] and \[4\] cannot be broadcast/],
    [() => a.clamp(null, b), /^clamp: shapes \[2,3\] and \[4\] cannot be broadcast/],
    [() => a.eq(b), /^eq: shapes \[2,3\] and \[4\]/],
    [() => a.where(a.gt(0), b), /^where: shapes \[2,3\] and \[2,3\] and \[4\]/],
    [() => a.maskedFill(b.gt(0), 1), /^maskedFill: shapes \[4\] and \[2,3\]/],
    [() => a.remainder(b), /^remainder: shapes \[2,3\] and \[4\]/],
    [() => matmul(a, a), /^matmul: cannot multiply \[2,3\] by \[2,3\]/],
    [() => cat([a, zeros([3, 2])]), /^cat: tensor 1 has shape \[3,2\] but tensor 0 has \[2,3\]/],
    [() => F.mseLoss(a, zeros([3, 2])), /^mseLoss: input \[2,3\] and target \[3,2\]/],
    [() => F.linear(a, zeros([4, 4])), /^linear: expected input \[\.\.\., 4\] for weight \[4,4\], got \[2,3\]/],
  ];
  for (const [f, re] of cases) assert.throws(f, { message: re });
});

for (const device of listBackends())
  test(`${device} › an int32 sum, cumsum or cumprod past int32 throws (torch returns int64 [2e9, 4e9]; these wrapped)`, () => on(device, () => {
    const x = I([2000000000, 2000000000]);
    assert.throws(() => x.sum(), /sum: the result 4000000000 overflows int32/);
    assert.throws(() => x.cumsum(0), /cumsum: the result 4000000000 overflows int32/);
    assert.throws(() => I([100000, 100000]).cumprod(-1), /cumprod: the result 10000000000 overflows int32/);
    assert.deepEqual([...I([2147483647, -1]).cumsum(0).dataSync()], [2147483647, 2147483646]);
  }));
