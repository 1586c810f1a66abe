// The elementwise machinery of torch.special's host kernels: broadcast the operands, promote them to a
// float dtype, evaluate a float64 scalar kernel per element, and round to that dtype. A kernel with
// derivative rules becomes one autograd.Function node whose backward uses differentiable ops.

import { isFloating, type DType } from "../dtype.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { Tensor } from "../tensor.js";
import { broadcastAll, cast, operands, type TensorLike } from "../ops/elementwise.js";
import { Function as AutogradFunction, type FunctionCtx } from "./autograd.js";

/** The gradient for one input given the output gradient and the (broadcast, float) inputs; a string: torch has none (the message). */
export type GradRule = ((g: Tensor, ...xs: Tensor[]) => Tensor) | string;

/** One host kernel: its public name, the float64 scalar function, and (when differentiable) a rule per input. */
export interface HostSpec {
  op: string;
  f: (...v: number[]) => number;
  /** The float32 kernel where torch's float arithmetic differs visibly from float64 rounded (default f). */
  f32?: (...v: number[]) => number;
  grads?: readonly GradRule[];
}

/** Throws naming `op` unless x is a Tensor. */
export function tensorArg(op: string, x: unknown, name = "input"): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${name} must be a Tensor, got ${x === null ? "null" : typeof x}`);
  return x;
}

/** The operands broadcast and cast to their promoted dtype, or float32 when that is an integer or bool type. */
export function floatOperands(op: string, xs: readonly TensorLike[]): Tensor[] {
  if (xs.length === 1) {
    const x = tensorArg(op, xs[0]);
    return [isFloating(x.dtype) ? x : cast(x, "float32")];
  }
  const [a, b, d] = operands(op, xs[0]!, xs[1]!);
  const to: DType = isFloating(d) ? d : "float32";
  return broadcastAll(op, cast(a, to), cast(b, to));
}

/** The kernel over every element, as a new tensor of the inputs' dtype (no autograd). */
function evaluate(spec: HostSpec, xs: readonly Tensor[]): Tensor {
  const like = xs[0]!, vals = xs.map((x) => x.contiguous().dataSync());
  const out = like.dtype === "float64" ? new Float64Array(like.numel) : new Float32Array(like.numel);
  const f = like.dtype === "float32" ? (spec.f32 ?? spec.f) : spec.f, a = vals[0]!, b = vals[1];
  if (b) for (let i = 0; i < out.length; i++) out[i] = f(a[i]!, b[i]!);
  else for (let i = 0; i < out.length; i++) out[i] = f(a[i]!);
  return Tensor.fromArray(out, like.shape, like.backend, like.dtype);
}

/** One tape node for a host kernel; its backward applies the spec's rules with differentiable ops. */
class SpecialFunction extends AutogradFunction {
  static override forward(ctx: FunctionCtx, spec: HostSpec, ...xs: Tensor[]): Tensor {
    ctx.spec = spec;
    ctx.saveForBackward(...xs);
    return evaluate(spec, xs);
  }
  static override backward(ctx: FunctionCtx, g: Tensor | null): (Tensor | null)[] {
    const spec = ctx.spec as HostSpec, xs = ctx.savedTensors as Tensor[];
    return [null, ...xs.map((_, i) => {
      if (!ctx.needsInputGrad[i + 1]) return null;
      const rule = spec.grads![i]!;
      if (typeof rule === "string") throw new Error(`${spec.op}: ${rule}`);
      return rule(g!, ...xs);
    })];
  }
}

/**
 * Evaluates `spec` elementwise over the broadcast float operands. With rules, the result is
 * differentiable (a rule that is a string throws when that input's gradient is asked, as torch's
 * not_implemented); without, it never requires grad, as torch's Bessel functions and polynomials.
 */
export function hostOp(spec: HostSpec, ...inputs: TensorLike[]): Tensor {
  const xs = floatOperands(spec.op, inputs);
  if (!spec.grads || !isGradEnabled() || !xs.some((x) => x.requiresGrad)) return evaluate(spec, xs.map((x) => x.detach()));
  return SpecialFunction.apply(spec, ...xs);
}
