// The op table: one row per public op or variant, driving PyTorch parity and float64 gradchecks
// on every backend (test/ops.test.ts) and the README's op list (tools/optable-md.ts).
// tools/fixtures/ops.py mirrors every row, by name, in torch; a row without a fixture fails.

import {
  all, any, argsort, einsum, F, cat, chunk, cumprod, cumsum, div, maskedFill, maskedSelect, maximum, minimum, nanToNum, nonzero, oneHot, pad, pow,
  split, stack, sub, topk, tril, triu, where, type Tensor,
} from "../src/index.js";

/**
 * One input of a row. Floats are drawn by the generator uniformly from `domain`; with `signed` the
 * magnitude comes from `domain` and the sign is random (keeps |x| away from a kink at 0). `data`
 * gives explicit values instead (index tensors, masks, ties on purpose).
 */
export interface InputSpec {
  shape: number[];
  dtype: "float32" | "int32" | "bool";
  domain?: [number, number];
  signed?: boolean;
  data?: number[];
  /** Float inputs require grad unless this is false. */
  requiresGrad?: boolean;
}

export interface OpRow {
  /** Unique; the fixture key and the test name. */
  name: string;
  /** The section of the table (elementwise, reductions, …), for the README. */
  group: string;
  fn: (...xs: Tensor[]) => Tensor;
  inputs: InputSpec[];
  /** False for ops without a gradient (comparisons, argmax, oneHot). Default true. */
  grad?: boolean;
  /** False to skip the float64 gradcheck of a differentiable row. Default: same as grad. */
  gradcheck?: boolean;
  /** Forward tolerance override (default atol 1e-6, rtol 1e-5), with the reason in `note`. */
  tol?: { atol: number; rtol: number };
  note?: string;
}

/** A float input uniform in [lo, hi]. */
const f = (shape: number[], lo = -2, hi = 2): InputSpec => ({ shape, dtype: "float32", domain: [lo, hi] });
/** A float input with |x| uniform in [lo, hi] and a random sign. */
const pm = (shape: number[], lo: number, hi: number): InputSpec => ({ shape, dtype: "float32", domain: [lo, hi], signed: true });
/** Explicit float values (ties on purpose, zeros). */
const fdata = (shape: number[], data: number[], requiresGrad = true): InputSpec => ({ shape, dtype: "float32", data, requiresGrad });
/** An int32 index tensor. */
const idx = (shape: number[], data: number[]): InputSpec => ({ shape, dtype: "int32", data });
/** A bool mask. */
const mask = (shape: number[], data: number[]): InputSpec => ({ shape, dtype: "bool", data });

const rows: OpRow[] = [];
let group = "";
const row = (name: string, inputs: InputSpec[], fn: OpRow["fn"], opts: Omit<OpRow, "name" | "group" | "fn" | "inputs"> = {}): void => {
  rows.push({ name, group, fn, inputs, ...opts });
};
const noGrad = { grad: false } as const;
// Reductions in a different order than PyTorch's (pairwise/vectorized vs our sequential loop)
// differ by a few float32 ulps of the partial sums; relative 1e-5 of the result can be smaller.
const accum = { tol: { atol: 1e-5, rtol: 1e-4 }, note: "accumulation order differs from PyTorch's" } as const;

// ---- elementwise unary ---------------------------------------------------------------------------
group = "elementwise unary";
row("neg", [f([3, 4])], (x) => x.neg());
row("exp", [f([3, 4])], (x) => x.exp());
row("log", [f([3, 4], 0.5, 3)], (x) => x.log());
row("log1p", [f([3, 4], -0.5, 2)], (x) => x.log1p());
row("expm1", [f([3, 4])], (x) => x.expm1());
row("sqrt", [f([3, 4], 0.5, 3)], (x) => x.sqrt());
row("rsqrt", [f([3, 4], 0.5, 3)], (x) => x.rsqrt());
row("reciprocal", [pm([3, 4], 0.5, 2)], (x) => x.reciprocal());
row("square", [f([3, 4])], (x) => x.square());
row("abs", [pm([3, 4], 0.2, 2)], (x) => x.abs());
row("sign", [pm([3, 4], 0.2, 2)], (x) => x.sign());
row("sin", [f([3, 4], -3, 3)], (x) => x.sin());
row("cos", [f([3, 4], -3, 3)], (x) => x.cos());
row("tan", [f([3, 4], -1.2, 1.2)], (x) => x.tan());
row("tanh", [f([3, 4], -3, 3)], (x) => x.tanh());
row("sigmoid", [f([3, 4], -4, 4)], (x) => x.sigmoid());
row("sigmoid large |x|", [pm([3, 4], 20, 80)], (x) => x.sigmoid());
row("erf", [f([3, 4], -2.5, 2.5)], (x) => x.erf());
row("floor", [f([3, 4], -3, 3)], (x) => x.floor());
row("ceil", [f([3, 4], -3, 3)], (x) => x.ceil());
row("round", [f([3, 4], -3, 3)], (x) => x.round());
row("relu", [pm([3, 4], 0.2, 2)], (x) => x.relu());
row("exp of transposed", [f([4, 3])], (x) => x.transpose(0, 1).exp());
row("log of strided slice", [f([3, 6], 0.5, 3)], (x) => x.slice(1, 1, 6, 2).log());
row("tanh of expanded", [f([3, 1])], (x) => x.expand(2, 3, 4).tanh());
row("neg of flipped", [f([3, 4])], (x) => x.flip(1).neg());

// ---- elementwise binary --------------------------------------------------------------------------
group = "elementwise binary";
row("add", [f([3, 4]), f([3, 4])], (a, b) => a.add(b));
row("add broadcast [3,1]+[1,4]", [f([3, 1]), f([1, 4])], (a, b) => a.add(b));
row("add broadcast [2,3,4]+[4]", [f([2, 3, 4]), f([4])], (a, b) => a.add(b));
row("add scalar", [f([3, 4])], (x) => x.add(2.5));
row("add alpha", [f([3, 4]), f([3, 4])], (a, b) => a.add(b, { alpha: 0.5 }));
row("add transposed + strided", [f([4, 3]), f([3, 8])], (a, b) => a.transpose(0, 1).add(b.slice(1, 0, 8, 2)));
row("sub broadcast [3,4]-[3,1]", [f([3, 4]), f([3, 1])], (a, b) => a.sub(b));
row("sub alpha", [f([3, 4]), f([3, 4])], (a, b) => a.sub(b, { alpha: 2 }));
row("rsub scalar", [f([3, 4])], (x) => sub(2, x));
row("mul", [f([3, 4]), f([3, 4])], (a, b) => a.mul(b));
row("mul broadcast [2,1,4]*[3,1]", [f([2, 1, 4]), f([3, 1])], (a, b) => a.mul(b));
row("mul scalar", [f([3, 4])], (x) => x.mul(-1.5));
row("div", [f([3, 4]), pm([3, 4], 0.5, 2)], (a, b) => a.div(b));
row("div broadcast [3,4]/[4]", [f([3, 4]), pm([4], 0.5, 2)], (a, b) => a.div(b));
row("div scalar", [f([3, 4])], (x) => x.div(4));
row("rdiv scalar", [pm([3, 4], 0.5, 2)], (x) => div(1.5, x));
row("pow scalar 3", [f([3, 4])], (x) => x.pow(3));
row("pow scalar 0.5", [f([3, 4], 0.5, 2)], (x) => x.pow(0.5));
row("pow scalar -2", [pm([3, 4], 0.5, 2)], (x) => x.pow(-2));
row("pow tensor exponent", [f([3, 4], 0.5, 2), f([3, 4])], (a, b) => a.pow(b));
row("pow tensor exponent broadcast", [f([3, 4], 0.5, 2), f([4])], (a, b) => a.pow(b));
row("pow scalar base", [f([3, 4])], (x) => pow(2, x));
row("maximum", [f([3, 4]), f([3, 4])], (a, b) => a.maximum(b));
row("maximum broadcast", [f([3, 4]), f([4])], (a, b) => maximum(a, b));
row("maximum scalar", [f([3, 4])], (x) => x.maximum(0.3));
row("minimum", [f([3, 4]), f([3, 4])], (a, b) => a.minimum(b));
row("minimum broadcast", [f([3, 1]), f([3, 4])], (a, b) => minimum(a, b));
row("clamp", [f([3, 4])], (x) => x.clamp(-0.5, 0.5));
row("clamp min only", [f([3, 4])], (x) => x.clamp(-0.5));
row("clamp max only", [f([3, 4])], (x) => x.clamp(null, 0.5));
row("clamp tensor bounds", [f([3, 4]), f([4], -1, -0.2), f([3, 1], 0.2, 1)], (x, lo, hi) => x.clamp(lo, hi));
row("where", [mask([3, 4], [1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]), f([3, 4]), f([3, 4])], (c, a, b) => where(c, a, b));
row("where broadcast scalar", [mask([3, 1], [1, 0, 1]), f([3, 4])], (c, x) => where(c, x, 0));
row("Tensor.where", [mask([3, 4], [0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0]), f([3, 4]), f([4])], (c, x, y) => x.where(c, y));

const cmpA = fdata([2, 3], [1, 2, 3, -1, 0.5, 2], false);
const cmpB = fdata([3], [1, 0.5, 3], false);
row("eq broadcast", [cmpA, cmpB], (a, b) => a.eq(b), noGrad);
row("ne broadcast", [cmpA, cmpB], (a, b) => a.ne(b), noGrad);
row("lt broadcast", [cmpA, cmpB], (a, b) => a.lt(b), noGrad);
row("le broadcast", [cmpA, cmpB], (a, b) => a.le(b), noGrad);
row("gt broadcast", [cmpA, cmpB], (a, b) => a.gt(b), noGrad);
row("ge broadcast", [cmpA, cmpB], (a, b) => a.ge(b), noGrad);
row("gt scalar", [f([3, 4])], (x) => x.gt(0), noGrad);
row("eq int32", [idx([4], [1, 2, 3, 4]), idx([4], [1, 0, 3, 5])], (a, b) => a.eq(b), noGrad);

// ---- reductions ----------------------------------------------------------------------------------
group = "reductions";
row("sum", [f([2, 3, 4])], (x) => x.sum(), accum);
row("sum dim=1", [f([2, 3, 4])], (x) => x.sum(1));
row("sum dim=-1 keepdim", [f([2, 3, 4])], (x) => x.sum(-1, true));
row("sum dims=[0,2]", [f([2, 3, 4])], (x) => x.sum([0, 2]), accum);
row("sum of transposed dim=0", [f([3, 4])], (x) => x.transpose(0, 1).sum(0));
row("sum of expanded", [f([3, 1])], (x) => x.expand(3, 4).sum(1));
row("mean", [f([2, 3, 4])], (x) => x.mean(), accum);
row("mean dim=0", [f([2, 3, 4])], (x) => x.mean(0));
row("mean dims=[-1,-2] keepdim", [f([2, 3, 4])], (x) => x.mean([-1, -2], true), accum);
row("prod", [f([2, 3], 0.5, 1.5)], (x) => x.prod());
row("prod dim=1", [f([3, 4], 0.5, 1.5)], (x) => x.prod(1));
row("prod dim=0 keepdim", [f([3, 4], 0.5, 1.5)], (x) => x.prod(0, true));
row("prod dim=1 with zeros", [fdata([3, 4], [0, 1.5, -0.7, 2, 0, 0, 1.2, 0.8, 0.9, -1.1, 1.3, 0.6])], (x) => x.prod(1));
row("max", [f([3, 4])], (x) => x.max());
row("max dim=1 values", [f([3, 4])], (x) => x.max(1)[0]);
row("max dim=1 indices", [f([3, 4])], (x) => x.max(1)[1], noGrad);
row("max dim=-1 keepdim values", [f([2, 3, 4])], (x) => x.max(-1, true)[0]);
row("min", [f([3, 4])], (x) => x.min());
row("min dim=0 values", [f([3, 4])], (x) => x.min(0)[0]);
row("min dim=0 indices", [f([3, 4])], (x) => x.min(0)[1], noGrad);
row("amax dims=[0,1]", [f([2, 3, 4])], (x) => x.amax([0, 1]));
row("amin dim=-1 keepdim", [f([2, 3, 4])], (x) => x.amin(-1, true));
row("argmax", [f([3, 4])], (x) => x.argmax(), noGrad);
row("argmax dim=1", [f([3, 4])], (x) => x.argmax(1), noGrad);
row("argmax dim=-1 keepdim", [f([2, 3, 4])], (x) => x.argmax(-1, true), noGrad);
row("argmin", [f([3, 4])], (x) => x.argmin(), noGrad);
row("argmin dim=0", [f([3, 4])], (x) => x.argmin(0), noGrad);
row("var", [f([3, 4])], (x) => x.var(), accum);
row("var dim=1", [f([3, 4])], (x) => x.var(1), accum);
row("var dim=1 correction=0", [f([3, 4])], (x) => x.var(1, { correction: 0 }), accum);
row("var dims=[0,2] keepdim", [f([2, 3, 4])], (x) => x.var([0, 2], { keepdim: true }), accum);
row("std", [f([3, 4])], (x) => x.std(), accum);
row("std dim=0", [f([3, 4])], (x) => x.std(0), accum);
row("std dim=-1 correction=0 keepdim", [f([2, 3, 4])], (x) => x.std(-1, { correction: 0, keepdim: true }), accum);
row("logsumexp dim=1", [f([3, 4])], (x) => x.logsumexp(1));
row("logsumexp dim=-1 keepdim", [f([2, 3, 4])], (x) => x.logsumexp(-1, true));
row("logsumexp dims=[0,1]", [f([2, 3, 4])], (x) => x.logsumexp([0, 1]));
row("logsumexp large values", [f([3, 4], 80, 120)], (x) => x.logsumexp(1));
row("norm", [f([3, 4])], (x) => x.norm(), accum);
row("norm p=1 dim=1", [pm([3, 4], 0.2, 2)], (x) => x.norm(1, 1));
row("norm p=inf dim=-1", [pm([3, 4], 0.2, 2)], (x) => x.norm(Infinity, -1));
row("norm p=3 dim=0 keepdim", [pm([3, 4], 0.2, 2)], (x) => x.norm(3, 0, true));
row("norm p=-inf dim=1", [pm([3, 4], 0.2, 2)], (x) => x.norm(-Infinity, 1));
row("norm p=0 dim=1 (count)", [fdata([2, 3], [0, 1.5, -2, 0.5, 0, 0])], (x) => x.norm(0, 1), noGrad);
row("norm p=2 dims=[0,1]", [f([2, 3, 4])], (x) => x.norm(2, [0, 1]));
row("softmax dim=-1", [f([3, 4])], (x) => x.softmax(-1));
row("softmax dim=0", [f([3, 4])], (x) => x.softmax(0));
row("softmax dim=1 3-D", [f([2, 3, 4])], (x) => x.softmax(1));
row("softmax large magnitude", [f([3, 4], 1000, 1005)], (x) => x.softmax(-1));
row("softmax of transposed", [f([4, 3])], (x) => x.t().softmax(-1));
row("logSoftmax dim=1", [f([3, 4])], (x) => x.logSoftmax(1));
row("logSoftmax dim=0 3-D", [f([2, 3, 4])], (x) => x.logSoftmax(0));
row("logSoftmax large magnitude", [f([3, 4], -1005, -1000)], (x) => x.logSoftmax(-1));

// ---- movement ------------------------------------------------------------------------------------
group = "movement";
row("reshape", [f([2, 3, 4])], (x) => x.reshape(4, 6));
row("reshape -1", [f([2, 3, 4])], (x) => x.reshape(-1, 3));
row("reshape of transposed (copy)", [f([3, 4])], (x) => x.transpose(0, 1).reshape(12));
row("view", [f([2, 3, 4])], (x) => x.view(6, 4));
row("view -1", [f([2, 3, 4])], (x) => x.view(-1));
row("transpose", [f([2, 3, 4])], (x) => x.transpose(0, 2));
row("transpose negative dims", [f([2, 3, 4])], (x) => x.transpose(-1, -2));
row("t", [f([3, 4])], (x) => x.t());
row("mT", [f([2, 3, 4])], (x) => x.mT);
row("permute", [f([2, 3, 4])], (x) => x.permute(2, 0, 1));
row("permute negative dims", [f([2, 3, 4])], (x) => x.permute(-1, 0, 1));
row("squeeze", [f([3, 1, 4, 1])], (x) => x.squeeze());
row("squeeze dim=1", [f([3, 1, 4, 1])], (x) => x.squeeze(1));
row("squeeze dim=-1", [f([3, 1, 4, 1])], (x) => x.squeeze(-1));
row("unsqueeze dim=0", [f([3, 4])], (x) => x.unsqueeze(0));
row("unsqueeze dim=-1", [f([3, 4])], (x) => x.unsqueeze(-1));
row("expand", [f([3, 1])], (x) => x.expand(2, 3, 4));
row("expand -1", [f([3, 1])], (x) => x.expand(-1, 4));
row("flatten", [f([2, 3, 4])], (x) => x.flatten());
row("flatten(1,2)", [f([2, 3, 4])], (x) => x.flatten(1, 2));
row("flatten of transposed", [f([2, 3, 4])], (x) => x.transpose(0, 2).flatten(0, 1));
row("cat dim=0", [f([2, 3]), f([1, 3]), f([3, 3])], (a, b, c) => cat([a, b, c], 0));
row("cat dim=-1", [f([2, 3]), f([2, 1]), f([2, 2])], (a, b, c) => cat([a, b, c], -1));
row("cat of transposed", [f([4, 3]), f([3, 2])], (a, b) => cat([a.t(), b], 1));
row("stack dim=0", [f([3, 4]), f([3, 4]), f([3, 4])], (a, b, c) => stack([a, b, c], 0));
row("stack dim=-1", [f([3, 4]), f([3, 4])], (a, b) => stack([a, b], -1));
row("split size=2 dim=1", [f([3, 5])], (x) => cat(split(x, 2, 1).reverse(), 1));
row("split sections [1,3,2]", [f([6, 3])], (x) => cat(x.split([1, 3, 2]).reverse(), 0));
row("chunk 3 of 5 dim=1", [f([2, 5])], (x) => cat(chunk(x, 3, 1).reverse(), 1));
row("chunk 4 of 6", [f([6, 2])], (x) => cat(x.chunk(4).reverse(), 0));
row("narrow", [f([4, 5])], (x) => x.narrow(1, 1, 3));
row("narrow negative start", [f([4, 5])], (x) => x.narrow(0, -2, 2));
row("slice step 2", [f([4, 6])], (x) => x.slice(1, 0, 6, 2));
row("slice negative start", [f([4, 6])], (x) => x.slice(0, -2));
row("slice step 3 negative end", [f([4, 6])], (x) => x.slice(1, 1, -1, 3));
row("select", [f([3, 4])], (x) => x.select(1, -1));
row("flip dim=0", [f([3, 4])], (x) => x.flip(0));
row("flip dims=[0,2]", [f([2, 3, 4])], (x) => x.flip([0, 2]));
row("pad last dim", [f([3, 4])], (x) => pad(x, [1, 2]));
row("pad two dims value", [f([3, 4])], (x) => pad(x, [1, 0, 2, 1], 0.5));
row("pad negative (crop)", [f([3, 4])], (x) => pad(x, [-1, -1]));
row("pad mixed crop and pad", [f([3, 4])], (x) => pad(x, [2, -1, -1, 1]));
row("repeat", [f([2, 3])], (x) => x.repeat(2, 2));
row("repeat new dim", [f([2, 3])], (x) => x.repeat(2, 1, 3));
row("gather dim=1", [f([3, 4]), idx([3, 2], [0, 3, 1, 1, 3, 2])], (x, i) => x.gather(1, i));
row("gather dim=0", [f([3, 4]), idx([2, 4], [2, 0, 1, 2, 0, 0, 2, 1])], (x, i) => x.gather(0, i));
row("gather dim=-1 smaller index", [f([3, 5]), idx([2, 3], [4, 0, 4, 1, 2, 3])], (x, i) => x.gather(-1, i));
row("scatterAdd dim=0 repeated index", [f([3, 4]), idx([2, 4], [1, 0, 1, 2, 1, 2, 1, 0]), f([2, 4])], (x, i, s) => x.scatterAdd(0, i, s));
row("scatterAdd dim=1", [f([3, 5]), idx([3, 2], [4, 4, 0, 1, 2, 0]), f([3, 2])], (x, i, s) => x.scatterAdd(1, i, s));
row("indexSelect dim=0 repeats", [f([4, 3]), idx([5], [3, 0, 0, 2, 1])], (x, i) => x.indexSelect(0, i));
row("indexSelect dim=-1", [f([2, 3, 4]), idx([2], [3, 1])], (x, i) => x.indexSelect(-1, i));
row("oneHot", [idx([5], [2, 0, 3, 3, 1])], (l) => oneHot(l), noGrad);
row("oneHot numClasses=6 2-D", [idx([2, 3], [5, 0, 2, 1, 1, 4])], (l) => oneHot(l, 6), noGrad);

// ---- matmul --------------------------------------------------------------------------------------
group = "matmul";
row("mm", [f([3, 4]), f([4, 5])], (a, b) => a.mm(b));
row("mm transposed input", [f([4, 3]), f([4, 5])], (a, b) => a.t().mm(b));
row("bmm", [f([2, 3, 4]), f([2, 4, 5])], (a, b) => a.bmm(b));
row("matmul 1-D @ 1-D", [f([4]), f([4])], (a, b) => a.matmul(b));
row("matmul 1-D @ 2-D", [f([4]), f([4, 3])], (a, b) => a.matmul(b));
row("matmul 2-D @ 1-D", [f([3, 4]), f([4])], (a, b) => a.matmul(b));
row("matmul batch broadcast [2,1,3,4]@[3,4,5]", [f([2, 1, 3, 4]), f([3, 4, 5])], (a, b) => a.matmul(b));
row("matmul 3-D @ 2-D", [f([2, 3, 4]), f([4, 5])], (a, b) => a.matmul(b));
row("matmul 1-D @ 3-D", [f([4]), f([2, 4, 3])], (a, b) => a.matmul(b));
row("matmul 3-D @ 1-D", [f([2, 3, 4]), f([4])], (a, b) => a.matmul(b));
row("matmul of expanded", [f([1, 3, 4]), f([2, 4, 2])], (a, b) => a.expand(2, 3, 4).matmul(b));
row("dot", [f([5]), f([5])], (a, b) => a.dot(b));

// ---- edge cases: ties, kinks, zeros, infinities, 0-d and empty tensors, int and bool dtypes ----------
group = "edge cases";
// At a tie or a kink the gradient is a convention (torch's), so these rows check parity only.
const kink = { gradcheck: false, note: "at a tie/kink on purpose: torch's convention, no finite difference" } as const;
const ties = fdata([2, 3], [1, 3, 3, 2, 2, 0]);
row("amax with ties (grad split evenly)", [ties], (x) => x.amax(1), kink);
row("max with ties (grad split evenly)", [ties], (x) => x.max(), kink);
row("max dim with ties values (grad to first index)", [ties], (x) => x.max(1)[0], kink);
row("max dim with ties indices (first)", [ties], (x) => x.max(1)[1], noGrad);
row("argmax with ties (first)", [ties], (x) => x.argmax(1), noGrad);
row("argmin with ties (first)", [fdata([2, 3], [0, 3, 0, 2, 1, 1])], (x) => x.argmin(1), noGrad);
row("maximum with ties (grad halved)", [fdata([4], [1, 2, 3, 4]), fdata([4], [1, 0, 3, 5])], (a, b) => a.maximum(b), kink);
row("minimum with ties (grad halved)", [fdata([4], [1, 2, 3, 4]), fdata([4], [1, 0, 3, 5])], (a, b) => a.minimum(b), kink);
row("clamp at the bounds", [fdata([6], [-0.5, 0.5, -1, 1, 0, 0.25])], (x) => x.clamp(-0.5, 0.5), kink);
row("relu at 0", [fdata([4], [0, 1, -1, 0])], (x) => x.relu(), kink);
row("abs at 0", [fdata([4], [0, 1, -1, 0])], (x) => x.abs(), kink);
row("norm of a zero row", [fdata([2, 3], [0, 0, 0, 1, -2, 2])], (x) => x.norm(2, 1), kink);
row("norm p=3 of a zero row", [fdata([2, 3], [0, 0, 0, 1, -2, 2])], (x) => x.norm(3, 1), kink);
row("std of a constant row", [fdata([2, 3], [1.5, 1.5, 1.5, 1, -2, 2])], (x) => x.std(1), kink);
row("sqrt at 0 (infinite grad)", [fdata([3], [0, 1, 4])], (x) => x.sqrt(), kink);
row("pow 0 at 0", [fdata([3], [0, 1.5, -2])], (x) => x.pow(0));
row("pow 2 at 0", [fdata([3], [0, 1.5, -2])], (x) => x.pow(2));
const masked = fdata([2, 3], [1, -Infinity, 0.5, -Infinity, 2, -1]);
row("softmax with -inf (masked)", [masked], (x) => x.softmax(-1));
row("logsumexp with -inf entries", [masked], (x) => x.logsumexp(1));
row("logSoftmax with -inf entries", [masked], (x) => x.logSoftmax(-1), { gradcheck: false, note: "outputs are -inf: finite differences give NaN" });
row("exp 0-d", [f([])], (x) => x.exp());
row("mul 0-d by matrix", [f([]), f([3, 4])], (a, b) => a.mul(b));
row("sum dim=0 of 0-d", [f([])], (x) => x.sum(0));
const empty = { gradcheck: false, note: "empty: nothing to differentiate" } as const;
row("sum of empty dim=1", [f([0, 3])], (x) => x.sum(1), empty);
row("sum of empty dim=0", [f([0, 3])], (x) => x.sum(0), empty);
row("mean of empty dim=0 (NaN)", [f([0, 3])], (x) => x.mean(0), empty);
row("cat with empty", [f([0, 3]), f([2, 3])], (a, b) => cat([a, b], 0));
row("var dim=1 correction=2", [f([3, 4])], (x) => x.var(1, { correction: 2 }), accum);
row("sum int32", [idx([2, 3], [1, -2, 3, 4, 5, -6])], (x) => x.sum(1), noGrad);
row("sum bool", [mask([2, 3], [1, 0, 1, 1, 1, 0])], (x) => x.sum(), noGrad);
row("div int32 (true division)", [idx([4], [1, -7, 9, 4]), idx([4], [2, 2, -4, 3])], (a, b) => a.div(b), noGrad);
row("abs int32", [idx([4], [1, -7, 0, -4])], (x) => x.abs(), noGrad);
row("maximum int32", [idx([4], [1, -7, 0, -4]), idx([4], [2, -8, 0, 5])], (a, b) => a.maximum(b), noGrad);
row("add int32 + float32", [idx([4], [1, -7, 0, 3]), f([4])], (a, b) => a.add(b));
row("mul float32 by bool", [f([3]), mask([3], [1, 0, 1])], (a, m) => a.mul(m));
row("where with scalar branches", [mask([2, 2], [1, 0, 0, 1])], (c) => where(c, 1.5, -2), noGrad);
const specials = fdata([5], [1, NaN, Infinity, -Infinity, -0.5], false);
row("isnan", [specials], (x) => x.isnan(), noGrad);
row("isinf", [specials], (x) => x.isinf(), noGrad);
row("isfinite", [specials], (x) => x.isfinite(), noGrad);
const m1 = mask([4], [1, 1, 0, 0]);
const m2 = mask([4], [1, 0, 1, 0]);
row("logicalAnd", [m1, m2], (a, b) => a.logicalAnd(b), noGrad);
row("logicalOr", [m1, m2], (a, b) => a.logicalOr(b), noGrad);
row("logicalNot", [m1], (a) => a.logicalNot(), noGrad);
row("clamp with min > max (all max)", [f([3, 4])], (x) => x.clamp(0.5, -0.5));
row("round half to even", [fdata([6], [0.5, 1.5, 2.5, -0.5, -2.5, 3.5], false)], (x) => x.round(), noGrad);
row("int() truncates toward zero", [fdata([4], [-1.7, 1.7, -0.2, 2.5], false)], (x) => x.int(), noGrad);
row("scatterAdd src larger than index", [f([3, 5]), idx([3, 2], [4, 4, 0, 1, 2, 0]), f([3, 3])], (x, i, s) => x.scatterAdd(1, i, s), {
  note: "torch 1.13's backward rejects this; the fixture slices src to the index's shape, the same math",
});
// NaN goes through every op as in torch (max/min-style ops propagate it, argmax picks it).
const withNan = fdata([4], [NaN, 1, -2, 0], false);
row("relu NaN", [withNan], (x) => x.relu(), noGrad);
row("clamp NaN", [withNan], (x) => x.clamp(-1, 0.5), noGrad);
row("maximum NaN", [withNan], (x) => x.maximum(0), noGrad);
row("sign NaN", [withNan], (x) => x.sign(), noGrad);
row("amax NaN", [withNan], (x) => x.amax(), noGrad);
row("max dim NaN values", [withNan], (x) => x.max(0)[0], noGrad);
row("max dim NaN indices", [withNan], (x) => x.max(0)[1], noGrad);
row("argmin NaN", [withNan], (x) => x.argmin(), noGrad);
row("softmax NaN", [withNan], (x) => x.softmax(0), noGrad);
row("logsumexp NaN", [withNan], (x) => x.logsumexp(0), noGrad);
row("norm p=inf NaN", [withNan], (x) => x.norm(Infinity), noGrad);

// ---- ordering, masks and scans (issue 7 point 5, issue 12) -------------------------------------------
group = "ordering, masks and scans";
row("sort values", [f([3, 5])], (x) => x.sort()[0]);
row("sort indices", [f([3, 5])], (x) => x.sort()[1], noGrad);
row("sort dim=0 descending values", [f([4, 3])], (x) => x.sort(0, true)[0]);
row("sort of transposed values", [f([4, 3])], (x) => x.t().sort(-1)[0]);
const sortTies = fdata([2, 5], [2, 1, 2, 0, 1, 3, 3, -1, 3, 0], false);
row("sort stable ties indices", [sortTies], (x) => x.sort(1, false, { stable: true })[1], noGrad);
row("sort stable descending ties indices", [sortTies], (x) => x.sort({ dim: 1, descending: true, stable: true })[1], noGrad);
row("sort NaN last", [fdata([6], [NaN, 1, -Infinity, NaN, Infinity, 0], false)], (x) => x.sort(0, false, { stable: true })[0], noGrad);
row("sort NaN first descending indices", [fdata([6], [NaN, 1, -Infinity, NaN, Infinity, 0], false)], (x) => x.sort(0, true, { stable: true })[1], noGrad);
row("argsort dim=1", [f([3, 5])], (x) => x.argsort(1), noGrad);
row("argsort descending 3-D", [f([2, 3, 4])], (x) => argsort(x, 1, true), noGrad);
row("topk k=2 values", [f([3, 5])], (x) => x.topk(2)[0]);
row("topk k=2 indices", [f([3, 5])], (x) => x.topk(2)[1], noGrad);
row("topk smallest dim=0 values", [f([5, 3])], (x) => topk(x, 3, 0, false)[0]);
row("topk k=0", [f([2, 4])], (x) => x.topk(0)[0], { gradcheck: false, note: "empty: nothing to differentiate" });
row("cumsum dim=1", [f([3, 5])], (x) => x.cumsum(1), accum);
row("cumsum dim=0 3-D", [f([4, 2, 3])], (x) => cumsum(x, 0), accum);
row("cumsum long (13 steps)", [f([2, 37])], (x) => x.cumsum(-1), accum);
row("cumsum int32", [idx([5], [1, -2, 3, 4, 5])], (x) => x.cumsum(0), noGrad);
row("cumprod dim=1", [f([3, 5], 0.5, 1.5)], (x) => x.cumprod(1), accum);
row("cumprod with zeros", [fdata([2, 4], [1.5, 0, 2, -1, 0, 0, 0.5, 3])], (x) => cumprod(x, 1));
row("tril", [f([4, 4])], (x) => x.tril());
row("tril diagonal=-1 non-square", [f([3, 5])], (x) => tril(x, -1));
row("triu diagonal=1", [f([4, 3])], (x) => x.triu(1));
row("triu batched", [f([2, 3, 3])], (x) => triu(x));
const attn = mask([1, 4], [0, 0, 1, 1]);
row("maskedFill broadcast mask", [f([3, 4]), attn], (x, m) => x.maskedFill(m, -1.5));
row("maskedFill -inf then softmax", [f([3, 4]), mask([3, 4], [0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 1])], (x, m) => maskedFill(x, m, -Infinity).softmax(-1));
row("maskedFill 0-d tensor value", [f([3, 4]), attn, f([])], (x, m, v) => x.maskedFill(m, v));
row("maskedSelect", [f([3, 4]), mask([3, 4], [1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1])], (x, m) => x.maskedSelect(m));
row("maskedSelect broadcast mask", [f([3, 4]), mask([3, 1], [1, 0, 1])], (x, m) => maskedSelect(x, m));
const sparse = fdata([2, 3], [0, 1.5, 0, -2, 0, 0.5], false);
row("nonzero", [sparse], (x) => x.nonzero(), noGrad);
row("nonzero 3-D bool", [mask([2, 2, 2], [0, 1, 1, 0, 0, 0, 1, 1])], (x) => nonzero(x), noGrad);
row("where(cond) indices", [mask([2, 3], [1, 0, 1, 0, 1, 1])], (c) => stack(where(c), 0), noGrad);
const anyMask = mask([3, 3], [1, 1, 1, 0, 1, 0, 0, 0, 0]);
row("all", [anyMask], (x) => x.all(), noGrad);
row("all dim=1", [anyMask], (x) => x.all(1), noGrad);
row("any dim=0 keepdim", [anyMask], (x) => x.any(0, true), noGrad);
row("any dim=1", [anyMask], (x) => any(x, 1), noGrad);
row("all float (NaN is true)", [fdata([2, 3], [1, NaN, 2, 0, 1, -1], false)], (x) => all(x, 1), noGrad);
row("any of empty (false)", [f([0, 3])], (x) => x.any(0), noGrad);
row("nanToNum", [specials], (x) => x.nanToNum(), noGrad);
row("nanToNum custom", [specials], (x) => nanToNum(x, 1, 100, { neginf: -100 }), noGrad);
row("nanToNum gradient", [fdata([5], [1, NaN, Infinity, -Infinity, -0.5])], (x) => x.nanToNum(), { gradcheck: false, note: "NaN and ±inf inputs: no finite difference" });

// ---- image ops: im2col/col2im, resampling, similarity (issue 7 point 5) -----------------------------
group = "image ops and similarity";
row("F.unfold 3x3", [f([2, 3, 5, 5])], (x) => F.unfold(x, 3));
row("F.unfold dilation padding stride", [f([1, 2, 6, 7])], (x) => F.unfold(x, [2, 3], { dilation: [2, 1], padding: 1, stride: [2, 1] }));
row("F.unfold unbatched positional", [f([2, 4, 4])], (x) => F.unfold(x, 2, 1, 0, 2));
row("F.fold", [f([2, 12, 12])], (x) => F.fold(x, [4, 5], 2));
row("F.fold padding stride", [f([1, 18, 9])], (x) => F.fold(x, 5, 3, { padding: 1, stride: 2 }));
row("F.fold of F.unfold (overlap counts)", [f([1, 2, 4, 4])], (x) => F.fold(F.unfold(x, 2), [4, 4], 2));
row("F.interpolate nearest scale 2", [f([1, 2, 3, 4])], (x) => F.interpolate(x, { scaleFactor: 2 }));
row("F.interpolate nearest 1-D size", [f([1, 2, 5])], (x) => F.interpolate(x, 7));
row("F.interpolate nearest downsample", [f([1, 1, 4, 6])], (x) => F.interpolate(x, [3, 4]));
row("F.interpolate nearest scale 1.7", [f([1, 1, 5, 3])], (x) => F.interpolate(x, null, 1.7));
row("F.interpolate nearest 3-D spatial", [f([1, 1, 2, 3, 2])], (x) => F.interpolate(x, { size: [3, 4, 5] }));
row("F.interpolate linear", [f([2, 3, 4])], (x) => F.interpolate(x, 7, null, "linear"));
row("F.interpolate linear alignCorners", [f([1, 2, 5])], (x) => F.interpolate(x, { size: 9, mode: "linear", alignCorners: true }));
row("F.interpolate linear downsample", [f([1, 1, 8])], (x) => F.interpolate(x, { size: 3, mode: "linear" }));
row("F.interpolate bilinear", [f([1, 2, 3, 4])], (x) => F.interpolate(x, { size: [5, 7], mode: "bilinear" }));
row("F.interpolate bilinear alignCorners", [f([1, 1, 4, 4])], (x) => F.interpolate(x, { scaleFactor: 2.5, mode: "bilinear", alignCorners: true }));
row("F.interpolate bilinear scale 0.5", [f([1, 2, 6, 6])], (x) => F.interpolate(x, { scaleFactor: 0.5, mode: "bilinear" }));
row("F.interpolate bilinear scale 1.5", [f([1, 1, 3, 5])], (x) => F.interpolate(x, { scaleFactor: 1.5, mode: "bilinear" }));
row("F.interpolate bilinear recomputeScaleFactor", [f([1, 1, 3, 5])], (x) => F.interpolate(x, { scaleFactor: 1.5, mode: "bilinear", recomputeScaleFactor: true }));
row("F.cosineSimilarity", [f([3, 5]), f([3, 5])], (a, b) => F.cosineSimilarity(a, b));
row("F.cosineSimilarity dim=0 broadcast", [f([4, 3]), f([4, 1])], (a, b) => F.cosineSimilarity(a, b, 0));
row("F.cosineSimilarity dim=-1 3-D", [f([2, 3, 4]), f([2, 3, 4])], (a, b) => F.cosineSimilarity(a, b, { dim: -1 }));
row("F.cosineSimilarity zero and tiny vectors (eps)", [fdata([3, 3], [0, 0, 0, 1e-9, 0, 0, 1, 2, 3]), fdata([3, 3], [1, 1, 1, 1, 1, 1, 1, 0, 0])], (a, b) => F.cosineSimilarity(a, b), {
  gradcheck: false, note: "norms below eps: the gradient is 1/eps-sized, beyond a finite difference",
});

// ---- einsum (issue 7 point 5) ------------------------------------------------------------------------
group = "einsum";
row("einsum ij,jk->ik", [f([3, 4]), f([4, 5])], (a, b) => einsum("ij,jk->ik", a, b));
row("einsum bij,bjk->bik", [f([2, 3, 4]), f([2, 4, 5])], (a, b) => einsum("bij,bjk->bik", a, b));
row("einsum ii-> (trace)", [f([4, 4])], (x) => einsum("ii->", x));
row("einsum ii->i (diagonal)", [f([4, 4])], (x) => einsum("ii->i", x));
row("einsum i,j->ij (outer)", [f([3]), f([4])], (a, b) => einsum("i,j->ij", a, b));
row("einsum ij-> (sum)", [f([3, 4])], (x) => einsum("ij->", x));
row("einsum ij->ji", [f([3, 4])], (x) => einsum("ij->ji", x));
row("einsum implicit output ij,jk", [f([3, 4]), f([4, 2])], (a, b) => einsum("ij,jk", a, b));
row("einsum implicit output ba (sorted)", [f([3, 4])], (x) => einsum("ba", x));
row("einsum three operands ij,jk,kl->il", [f([2, 3]), f([3, 4]), f([4, 2])], (a, b, c) => einsum("ij,jk,kl->il", [a, b, c]));
row("einsum attention bhqd,bhkd->bhqk", [f([2, 2, 3, 4]), f([2, 2, 5, 4])], (q, k) => einsum("bhqd,bhkd->bhqk", q, k));
row("einsum bilinear bn,anm,bm->ba", [f([2, 3]), f([4, 3, 5]), f([2, 5])], (x, w, y) => einsum("bn,anm,bm->ba", x, w, y));
row("einsum broadcast size-1 ij,ij->i", [f([3, 4]), f([1, 4])], (a, b) => einsum("ij,ij->i", a, b));
row("einsum iij,jk->ik (diagonal then product)", [f([3, 3, 4]), f([4, 2])], (a, b) => einsum("iij,jk->ik", a, b));
row("einsum i,i-> (dot)", [f([5]), f([5])], (a, b) => einsum("i,i->", a, b));
row("einsum spaces and uppercase", [f([2, 3]), f([3, 4])], (a, b) => einsum(" Ab, bC -> CA ", a, b));
row("einsum keeps a letter summed later (ij,j->ij then kept)", [f([3, 4]), f([4])], (a, b) => einsum("ij,j->ij", a, b));

/** Every row, in table order. */
export const OP_TABLE: readonly OpRow[] = rows;
