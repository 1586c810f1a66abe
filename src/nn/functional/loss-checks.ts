// Shared plumbing of the loss functions: the Reduction type, argument resolution (torch's
// positionals, then options) and the input/target checks that make a wrong call an error naming
// the loss. The losses themselves are in loss.ts.

import { isFloating } from "../../dtype.js";
import { resolveArgs, type Args } from "../../options.js";
import { broadcastShapes, fmtShape, shapesEqual } from "../../shape.js";
import { Tensor } from "../../tensor.js";

/** How per-element losses are combined: averaged, summed, or returned as they are. */
export type Reduction = "mean" | "sum" | "none";

export interface ReductionOptions {
  reduction?: Reduction;
}

// ---- checks shared by the losses -------------------------------------------------------------

export function checkReduction(op: string, reduction: string, allowed: readonly string[] = ["mean", "sum", "none"]): void {
  if (!allowed.includes(reduction))
    throw new Error(`${op}: reduction must be ${allowed.map((r) => `'${r}'`).join(", ")}, got '${reduction}'`);
}

export function checkFloat(op: string, what: string, t: Tensor): void {
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: ${what} must be a floating-point tensor, got ${t.dtype}`);
}

// torch broadcasts input against target with a warning; a mismatch is almost always a bug
// ([N,1] predictions against [N] targets silently give an [N,N] loss), so myelin refuses it.
export function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (!shapesEqual(input.shape, target.shape))
    throw new Error(`${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape`);
}

/** Elementwise losses: floating input and target of the same shape. */
export function checkPair(op: string, input: Tensor, target: Tensor, reduction: string): void {
  checkReduction(op, reduction);
  checkFloat(op, "input", input);
  checkFloat(op, "target", target);
  checkSameShape(op, input, target);
}

/** Labels of the margin losses must be −1 or 1. */
export function checkSigns(op: string, input: Tensor, target: Tensor, reduction: string): void {
  checkReduction(op, reduction);
  checkFloat(op, "input", input);
  if (target.dtype === "bool") throw new TypeError(`${op}: target must hold -1 or 1 (float32 or int32), got a bool tensor`);
  checkSameShape(op, input, target);
  for (const v of target.dataSync())
    if (v !== 1 && v !== -1) throw new RangeError(`${op}: target values must be -1 or 1, got ${v}`);
}

/** A weight (or posWeight) must broadcast to the loss's shape without growing it. */
export function checkBroadcastsTo(op: string, what: string, w: Tensor, shape: readonly number[]): void {
  checkFloat(op, what, w);
  let ok: boolean;
  try {
    ok = shapesEqual(broadcastShapes(op, w.shape, shape), shape);
  } catch {
    ok = false;
  }
  if (!ok) throw new Error(`${op}: ${what} ${fmtShape(w.shape)} must broadcast to the input's shape ${fmtShape(shape)}`);
}

/**
 * Resolves a loss's trailing arguments and checks that tensor-valued options are tensors: torch's
 * third positional is `weight` in crossEntropy and friends, so `F.crossEntropy(x, y, "sum")` is an
 * error here (torch would fail too) rather than a mean.
 */
export function lossArgs<O extends object>(op: string, args: readonly unknown[], positional: readonly (keyof O & string)[], defaults: O): O {
  const o = resolveArgs(`F.${op}`, args, positional, defaults);
  for (const k of ["weight", "posWeight"]) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined && v !== null && !(v instanceof Tensor)) {
      const hint = typeof v === "string" && k === "weight" && positional[0] === "weight" ? `; the argument after the target is the class weight, as in torch: pass the reduction as { reduction: '${v}' }` : "";
      throw new TypeError(`F.${op}: ${k} must be a Tensor or null, got ${typeof v === "string" ? `string '${v}'` : typeof v}${hint}`);
    }
  }
  return o;
}

export const R = { reduction: "mean" as Reduction };
export type RArgs = Args<[], ReductionOptions>;

export function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === "none" ? loss : reduction === "sum" ? loss.sum() : loss.mean();
}
