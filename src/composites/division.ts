// Rounded division and remainders with torch's semantics: div with roundingMode 'trunc'/'floor',
// floorDivide, remainder (the divisor's sign, Python's %) and fmod (the dividend's sign, C's fmod).
// Values are computed on the host, emulating torch's float32 steps exactly (its floor division is
// not floor(a / b): 1 // 0.1 is 9); gradients ride on zero-valued terms (see `carrier`).

import { isFloating, type DType } from "../dtype.js";
import { resolveArgs } from "../options.js";
import { Tensor } from "../tensor.js";
import { broadcastAll, cast, div as trueDiv, operands, where, type TensorLike } from "../ops/elementwise.js";
import { isGradEnabled } from "../autograd/grad-mode.js";

export interface DivOptions {
  /** null: true division; 'trunc': round toward zero; 'floor': round down (torch.div's rounding_mode). */
  roundingMode?: "trunc" | "floor" | null;
}

type Rule = (a: number, b: number, r: (v: number) => number) => number;
// torch's scalar kernels (ATen BinaryOpsKernel / c10 div_floor_floating); r rounds to the dtype
const fmodOf: Rule = (a, b) => a % b;
const truncOf: Rule = (a, b, r) => Math.trunc(r(a / b));
const remainderOf: Rule = (a, b, r) => {
  const mod = a % b;
  return mod !== 0 && b < 0 !== mod < 0 ? r(mod + b) : mod;
};
const floorOf: Rule = (a, b, r) => {
  if (b === 0) return r(a / b);
  const mod = a % b;
  let q = r(r(a - mod) / b);
  if (mod !== 0 && b < 0 !== mod < 0) q = r(q - 1);
  if (q === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  const f = Math.floor(q);
  return r(q - f) > 0.5 ? r(f + 1) : f;
};
// integers run the same rules with r the identity (exact in doubles); division by zero raises, as torch's ZeroDivisionError
const RULES: Record<string, Rule> = { fmod: fmodOf, trunc: truncOf, floor: floorOf, remainder: remainderOf };

/** rule(a, b) elementwise on the broadcast operands in their promoted dtype, as a constant tensor. */
function onHost(op: string, kind: string, a0: TensorLike, b0: TensorLike): Tensor {
  const [a, b, promoted] = operands(op, a0, b0);
  const d: DType = promoted === "bool" ? "int32" : promoted;
  const [x, y] = broadcastAll(op, cast(a, d), cast(b, d)) as [Tensor, Tensor];
  const xv = x.contiguous().dataSync(), yv = y.contiguous().dataSync();
  const float = isFloating(d), rule = RULES[kind]!;
  const r = d === "float32" ? Math.fround : (v: number): number => v;
  const out = float ? (d === "float32" ? new Float32Array(xv.length) : new Float64Array(xv.length)) : new Int32Array(xv.length);
  for (let i = 0; i < out.length; i++) {
    if (!float && yv[i] === 0) throw new RangeError(`${op}: integer division by zero (torch's ZeroDivisionError) at element ${i}`);
    out[i] = rule(xv[i]!, yv[i]!, r);
  }
  return Tensor.fromArray(out, x.shape, x.backend, d);
}

/**
 * A term whose value is exactly 0 and whose gradient with respect to x is `scale` (0 where x·scale
 * is not finite), so that out = (host value) + carriers has torch's derivatives.
 */
function carrier(x: TensorLike, scale: Tensor | number): Tensor | number {
  if (!(x instanceof Tensor) || !x.requiresGrad || !isGradEnabled()) return 0;
  const v = x.mul(scale), d = v.detach();
  return where(d.isfinite(), v.sub(d), 0);
}
const withGrads = (value: Tensor, ...terms: (Tensor | number)[]): Tensor =>
  terms.reduce<Tensor>((acc, t) => (t instanceof Tensor ? acc.add(t) : acc), value);

/**
 * a / b, true division (integers give float32), or rounded with roundingMode 'trunc' or 'floor'
 * (integers stay integers; the gradient is 0, as torch's). Matches torch.div(a, b, rounding_mode=).
 */
export function div(a: TensorLike, b: TensorLike, opts?: DivOptions): Tensor {
  if (opts === undefined) return trueDiv(a, b);
  const { roundingMode: mode } = resolveArgs<Required<DivOptions>>("div", [opts], [], { roundingMode: null });
  if (mode === null) return trueDiv(a, b);
  if (mode !== "trunc" && mode !== "floor") throw new RangeError(`div: roundingMode must be 'trunc', 'floor' or null, got ${String(mode)}`);
  return withGrads(onHost("div", mode, a, b), carrier(a, 0), carrier(b, 0));
}

/** a // b, rounded down (Python's //; gradient 0, where torch has none). Matches torch.floor_divide. */
export const floorDivide = (a: TensorLike, b: TensorLike): Tensor => div(a, b, { roundingMode: "floor" });

/** op's value, with d/da = 1 and d/db = −(a / b rounded as `quotient`): a − b·q(a / b) differentiated with q held. */
function remainderLike(op: "remainder" | "fmod", quotient: "floor" | "trunc", a: TensorLike, b: TensorLike): Tensor {
  const value = onHost(op, op, a, b);
  const q = b instanceof Tensor && b.requiresGrad ? onHost(op, quotient, a, b).neg() : 0;
  return withGrads(value, carrier(a, 1), carrier(b, q));
}

/**
 * a − b·floor(a / b): the remainder with the divisor's sign (Python's %), computed as torch does
 * (fmod, then + b where the signs differ). d/da = 1, d/db = −floor(a / b). Matches torch.remainder.
 */
export const remainder = (a: TensorLike, b: TensorLike): Tensor => remainderLike("remainder", "floor", a, b);

/** C's fmod: a − b·trunc(a / b), with the dividend's sign. d/da = 1, d/db = −trunc(a / b). Matches torch.fmod. */
export const fmod = (a: TensorLike, b: TensorLike): Tensor => remainderLike("fmod", "trunc", a, b);
