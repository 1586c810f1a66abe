// torch's elementwise math (src/composites/math.ts) against torch 1.13 (tools/fixtures/torch_fns.py,
// group math) on both backends, with float64 gradchecks, plus argument and error checks.

import { test } from "node:test";
import assert from "node:assert/strict";
import * as M from "../src/index.js";
import { tensor, type Tensor } from "../src/index.js";
import { runTable, type FnCase } from "./fn-table.js";

type Unary = (x: Tensor) => Tensor;
const UNARY: Record<string, [Unary, Unary]> = {
  // [top-level function, Tensor method]
  asin: [M.asin, (x) => x.asin()], acos: [M.acos, (x) => x.acos()], atan: [M.atan, (x) => x.atan()],
  sinh: [M.sinh, (x) => x.sinh()], cosh: [M.cosh, (x) => x.cosh()], asinh: [M.asinh, (x) => x.asinh()],
  acosh: [M.acosh, (x) => x.acosh()], atanh: [M.atanh, (x) => x.atanh()], log2: [M.log2, (x) => x.log2()],
  log10: [M.log10, (x) => x.log10()], exp2: [M.exp2, (x) => x.exp2()], trunc: [M.trunc, (x) => x.trunc()],
  fix: [M.fix, (x) => x.fix()], frac: [M.frac, (x) => x.frac()], sgn: [M.sgn, (x) => x.sgn()],
  sinc: [M.sinc, (x) => x.sinc()], deg2rad: [M.deg2rad, (x) => x.deg2rad()], rad2deg: [M.rad2deg, (x) => x.rad2deg()],
  erfc: [M.erfc, (x) => x.erfc()], logit: [M.logit, (x) => x.logit()],
};

const table: Record<string, FnCase> = {};
for (const [name, [fn, method]] of Object.entries(UNARY)) {
  table[name] = { fn };
  table[`${name} special`] = { fn: method };
  if (name !== "frac") table[`${name} int32`] = { fn: method };
}
Object.assign(table, {
  "sinc at 0": { fn: M.sinc },
  "logit eps": { fn: (x) => M.logit(x, 0.1), gradcheck: false, note: "x = eps sits on the clamp's kink on purpose" },
  "logit eps special": { fn: (x) => x.logit({ eps: 0.2 }) },
  "asinh large": { fn: M.asinh },
  "acosh large": { fn: M.acosh, gradcheck: false, note: "x = 1 is the domain's edge (gradient ∞, as torch's)" },
  signbit: { fn: M.signbit },
  "signbit int32": { fn: (x) => x.signbit() },
  isposinf: { fn: M.isposinf },
  isneginf: { fn: (x) => x.isneginf() },
  "isposinf int32": { fn: (x) => x.isposinf() },
  atan2: { fn: M.atan2 },
  "atan2 special": { fn: (y, x) => y.atan2(x) },
  "atan2 int32": { fn: M.atan2 },
  hypot: { fn: M.hypot },
  "hypot float64": { fn: (a, b) => a.hypot(b) },
  logaddexp: { fn: M.logaddexp },
  "logaddexp ties and infinities": { fn: (a, b) => a.logaddexp(b) },
  logaddexp2: { fn: M.logaddexp2 },
  "logaddexp2 tie grad": { fn: (a, b) => a.logaddexp2(b) },
  "lerp scalar weight": { fn: (s, e) => M.lerp(s, e, 0.3) },
  "lerp high weight": { fn: (s, e) => s.lerp(e, 0.8) },
  "lerp tensor weight": { fn: M.lerp },
  xlogy: { fn: M.xlogy },
  "xlogy zeros": { fn: (x, y) => x.xlogy(y) },
  "xlogy scalar": { fn: (y) => M.xlogy(3, y) },
  "xlogy int32": { fn: M.xlogy },
  fmax: { fn: M.fmax, gradcheck: false, note: "NaN inputs on purpose ('fmax broadcast' is gradchecked)" },
  fmin: { fn: (a, b) => a.fmin(b), gradcheck: false, note: "NaN inputs on purpose" },
  "fmax broadcast": { fn: (a, b) => a.fmax(b) },
  "fmin int32 float": { fn: M.fmin },
  heaviside: { fn: M.heaviside },
  "heaviside tensor values": { fn: (x, v) => x.heaviside(v) },
  "heaviside int32": { fn: M.heaviside },
  floatPower: { fn: M.floatPower },
  "floatPower scalar exponent": { fn: (x) => x.floatPower(2) },
  "floatPower int32": { fn: M.floatPower },
  ldexp: { fn: M.ldexp },
  "ldexp int exponent": { fn: (x, e) => x.ldexp(e) },
  "ldexp int32": { fn: M.ldexp },
  copysign: { fn: M.copysign },
  "copysign zeros": { fn: (a, b) => a.copysign(b) },
  "copysign zero grad": { fn: M.copysign, gradcheck: false, note: "b = ±0 is where the sign jumps, on purpose" },
  "copysign scalar": { fn: (x) => M.copysign(x, -1) },
  "copysign int32": { fn: M.copysign },
  nextafter: { fn: M.nextafter },
  "nextafter float64": { fn: (a, b) => a.nextafter(b) },
  clip: { fn: (x) => M.clip(x, -0.5, 0.5) },
  "clip int32": { fn: (x) => x.clip(0, 2) },
  trueDivide: { fn: M.trueDivide },
  "trueDivide int32": { fn: (a, b) => a.trueDivide(b) },
  isclose: { fn: (a, b) => M.isclose(a, b) },
  "isclose tolerances": { fn: (a, b) => a.isclose(b, 1e-2, 1e-3, true) },
  "isclose int32": { fn: (a, b) => M.isclose(a, b, { rtol: 1e-5 }) },
  isin: { fn: (a, b) => M.isin(a, b) },
  "isin invert": { fn: (x, y) => M.isin(x, y, { invert: true }) },
  "isin scalar test": { fn: (x) => M.isin(x, 2) },
} satisfies Record<string, FnCase>);

// top-level forms of the core's Tensor methods and torch's aliases
const TOP: Record<string, (...xs: Tensor[]) => Tensor> = {
  neg: M.neg, negative: M.negative, exp: M.exp, log: M.log, log1p: M.log1p, expm1: M.expm1, sqrt: M.sqrt, rsqrt: M.rsqrt,
  reciprocal: M.reciprocal, square: M.square, abs: M.abs, absolute: M.absolute, sign: M.sign, sin: M.sin, cos: M.cos, tan: M.tan,
  tanh: M.tanh, erf: M.erf, floor: M.floor, ceil: M.ceil, round: (x) => M.round(x), isnan: M.isnan, isinf: M.isinf, isfinite: M.isfinite,
  logicalNot: M.logicalNot, eq: M.eq, ne: M.ne, lt: M.lt, le: M.le, gt: M.gt, ge: M.ge, greater: M.greater, greaterEqual: M.greaterEqual,
  less: M.less, lessEqual: M.lessEqual, notEqual: M.notEqual, logicalAnd: M.logicalAnd, logicalOr: M.logicalOr, logicalXor: M.logicalXor,
  multiply: M.multiply,
};
for (const [name, fn] of Object.entries(TOP)) table[`top-level ${name}`] = { fn };
table["top-level subtract alpha"] = { fn: (a, b) => M.subtract(a, b, { alpha: 2 }) };
Object.assign(table, {
  round: { fn: (x) => M.round(x), gradcheck: false, note: "-2.5, 0.5, … sit on rounding ties on purpose" },
  "round decimals": { fn: (x) => M.round(x, { decimals: 2 }), gradcheck: false, note: "0.125 sits on a rounding tie on purpose" },
  "round negative decimals": { fn: (x) => M.round(x, { decimals: -1 }) },
  erfinv: { fn: M.erfinv },
  "erfinv special": { fn: (x) => x.erfinv() },
  "erfinv float64": { fn: M.erfinv, tol: { atol: 1e-12, rtol: 1e-12 }, note: "float64 values" },
  bitwiseAnd: { fn: M.bitwiseAnd }, bitwiseOr: { fn: (a, b) => a.bitwiseOr(b) }, bitwiseXor: { fn: M.bitwiseXor },
  bitwiseLeftShift: { fn: M.bitwiseLeftShift }, bitwiseRightShift: { fn: (a, b) => a.bitwiseRightShift(b) },
  gcd: { fn: M.gcd }, lcm: { fn: (a, b) => a.lcm(b) }, bitwiseNot: { fn: M.bitwiseNot },
  "bitwiseAnd bool": { fn: (a, b) => a.bitwiseAnd(b) }, "bitwiseXor bool": { fn: (a, b) => a.bitwiseXor(b) },
  "bitwiseNot bool": { fn: (x) => x.bitwiseNot() }, "bitwiseAnd scalar": { fn: (a) => M.bitwiseAnd(a, 6) },
  "gcd broadcast": { fn: (a, b) => a.gcd(b) },
  lgamma: { fn: M.lgamma }, "lgamma negative": { fn: (x) => x.lgamma() }, "lgamma special": { fn: M.lgamma },
  "lgamma int32": { fn: (x) => x.lgamma() }, "lgamma float64": { fn: M.lgamma, tol: { atol: 1e-12, rtol: 1e-12 }, note: "float64 values" },
  digamma: { fn: M.digamma }, "digamma negative": { fn: (x) => x.digamma() }, "digamma special": { fn: M.digamma },
  "digamma int32": { fn: (x) => x.digamma() }, "digamma float64": { fn: M.digamma, tol: { atol: 1e-12, rtol: 1e-12 }, note: "float64 values" },
} satisfies Record<string, FnCase>);
table["top-level divide floor"] = { fn: (a, b) => M.divide(a, b, { roundingMode: "floor" }), gradcheck: false, note: "zero gradient with jumps" };

runTable("torch math functions match torch 1.13", "fns/math.json", table);

test("method aliases: absolute, negative, multiply, subtract, divide, logicalXor, greater, less, notEqual", () => {
  const a = tensor([1, -2, 3]), b = tensor([2, -2, 0]);
  const same = (x: Tensor, y: Tensor): void => assert.deepEqual([...x.dataSync()], [...y.dataSync()]);
  same(a.absolute(), a.abs());
  same(a.negative(), a.neg());
  same(a.multiply(b), a.mul(b));
  same(a.subtract(b, { alpha: 3 }), a.sub(b, { alpha: 3 }));
  same(a.divide(b, { roundingMode: "trunc" }), a.div(b, { roundingMode: "trunc" }));
  same(a.logicalXor(b), tensor([false, false, true]));
  same(a.greater(b), a.gt(b));
  same(a.greaterEqual(b), a.ge(b));
  same(a.less(b), a.lt(b));
  same(a.lessEqual(b), a.le(b));
  same(a.notEqual(b), a.ne(b));
});

test("math: options by position and by name, and errors that name the function", () => {
  const x = tensor([0.05, 0.5]);
  assert.deepEqual([...M.logit(x, 0.1).dataSync()], [...M.logit(x, { eps: 0.1 }).dataSync()]);
  assert.throws(() => M.logit(x, { epsilon: 0.1 } as never), /logit: unknown option 'epsilon'; options are eps/);
  assert.throws(() => M.isclose(x, x, { equal_nan: true } as never), /isclose: unknown option 'equal_nan' \(did you mean 'equalNan'\?\)/);
  assert.throws(() => M.isclose(x, x.double()), /isclose: input is float32 and other is float64/);
  assert.throws(() => M.isin(x, x, { invert: 1 } as never), /isin: 'invert' must be a boolean/);
  assert.throws(() => M.hypot(tensor([1], { dtype: "int32" }), tensor([1], { dtype: "int32" })), /hypot: not implemented for int32 tensors/);
  assert.throws(() => M.frac(tensor([1], { dtype: "int32" })), /frac: not implemented for int32/);
  assert.throws(() => M.lerp(x, x.double(), 0.5), /lerp: expected dtype float32 for end, got float64/);
  assert.throws(() => M.heaviside(x, tensor(0.5, { dtype: "float64" })), /heaviside: input is float32 and values is float64/);
  assert.throws(() => M.atan2(tensor([1, 2, 3]), tensor([1, 2])), /atan2.*\[3\].*\[2\]/);
  assert.throws(() => M.asin(0.5 as never), /asin: input must be a Tensor, got number/);
  assert.throws(() => M.round(tensor([15], { dtype: "int32" }), { decimals: -1 }), /round: decimals are not implemented for int32 tensors/);
  assert.throws(() => M.bitwiseAnd(x, x), /bitwiseAnd: not implemented for float32 tensors, as in torch; it takes int32 or bool/);
  assert.throws(() => M.gcd(tensor([true]), tensor([true])), /gcd: not implemented for bool tensors/);
});
