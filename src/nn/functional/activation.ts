// Activation functions in functional form (F.relu, F.gelu, …), each a composite of Tensor ops with
// PyTorch's formula, defaults and gradient at the kinks; plus the course's step, arctan, linear and
// radial activations that PyTorch lacks.

import { rand } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { applyFused } from "../../ops/fused/table.js";
import type { Generator } from "../../random.js";
import { fmtShape } from "../../shape.js";
import { resolveArgs, type Args } from "../../options.js";
import type { Tensor } from "../../tensor.js";

/** The trailing arguments of a function without options: none, or an empty options object. */
type NoOptions = Args<[], Record<never, never>>;
/** Rejects any option given to a function that takes none (`F.relu(x, { inplace: true })`). */
const none = (name: string, args: readonly unknown[]): void => void resolveArgs(`F.${name}`, args, [], {});

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
/** SELU's constants (Klambauer et al., 2017), as in torch. */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** max(0, x); gradient 0 at x = 0, NaN stays NaN (the fused op ops/fused/relu.ts). Matches torch.nn.functional.relu. */
export const relu = (x: Tensor, ...args: NoOptions): Tensor => (none("relu", args), applyFused("relu", [x], null)[0]!);

/** min(max(0, x), 6). Matches torch.nn.functional.relu6. */
export const relu6 = (x: Tensor, ...args: NoOptions): Tensor => (none("relu6", args), hardtanh(x, { minVal: 0, maxVal: 6 }));

/** x if x > 0 else negativeSlope·x. Matches torch.nn.functional.leaky_relu. */
export function leakyRelu(x: Tensor, ...args: Args<[negativeSlope: number], { negativeSlope?: number }>): Tensor {
  const { negativeSlope } = resolveArgs("F.leakyRelu", args, ["negativeSlope"], { negativeSlope: 0.01 });
  return where(x.gt(0), x, x.mul(negativeSlope));
}

/**
 * x if x > 0 else a·x with a learnable `weight` of 1 or C elements (C = x.shape[1], the channel dim).
 * Matches torch.nn.functional.prelu.
 */
export function prelu(x: Tensor, weight: Tensor, ...args: NoOptions): Tensor {
  none("prelu", args);
  let a = weight;
  if (weight.numel !== 1) {
    if (x.ndim < 2 || x.shape[1] !== weight.numel)
      throw new Error(`prelu: weight has ${weight.numel} elements but the input ${fmtShape(x.shape)} has ${x.ndim < 2 ? "no channel dim" : `${x.shape[1]} channels (dim 1)`}`);
    a = weight.reshape([weight.numel, ...Array<number>(x.ndim - 2).fill(1)]);
  } else a = weight.reshape([]);
  return where(x.gt(0), x, x.mul(a));
}

export interface RReLUOptions {
  lower?: number;
  upper?: number;
  training?: boolean;
  generator?: Generator;
}

/**
 * Randomized leaky ReLU: x if x ≥ 0 else a·x with a ~ U(lower, upper) drawn per element while
 * training, a = (lower + upper)/2 otherwise. Matches torch.nn.functional.rrelu (training defaults to false).
 */
export function rrelu(x: Tensor, ...args: Args<[lower: number, upper: number, training: boolean], RReLUOptions>): Tensor {
  const { lower, upper, training, generator } = resolveArgs("F.rrelu", args, ["lower", "upper", "training"], {
    lower: 1 / 8, upper: 1 / 3, training: false, generator: undefined as Generator | undefined,
  });
  if (!training) return leakyRelu(x, { negativeSlope: (lower + upper) / 2 });
  const a = rand(x.shape, { dtype: x.dtype, device: x.device, generator }).mul(upper - lower).add(lower);
  return where(x.gt(0), x, x.mul(a));
}

/** x if x > 0 else α(eˣ − 1). Matches torch.nn.functional.elu. */
export function elu(x: Tensor, ...args: Args<[alpha: number], { alpha?: number }>): Tensor {
  const { alpha } = resolveArgs("F.elu", args, ["alpha"], { alpha: 1 });
  const pos = x.gt(0);
  return where(pos, x, negativeOnly(x, pos).expm1().mul(alpha));
}

/** x where x ≤ 0 and 0 elsewhere, so the exp of an untaken branch cannot overflow into a NaN gradient. */
const negativeOnly = (x: Tensor, pos: Tensor): Tensor => where(pos, 0, x);

/** scale·elu(x, α) with Klambauer et al.'s fixed α and scale. Matches torch.nn.functional.selu. */
export const selu = (x: Tensor, ...args: NoOptions): Tensor => (none("selu", args), elu(x, { alpha: SELU_ALPHA }).mul(SELU_SCALE));

/** max(0, x) + min(0, α(e^{x/α} − 1)). Matches torch.nn.functional.celu. */
export function celu(x: Tensor, ...args: Args<[alpha: number], { alpha?: number }>): Tensor {
  const { alpha } = resolveArgs("F.celu", args, ["alpha"], { alpha: 1 });
  const pos = x.gt(0);
  return where(pos, x, negativeOnly(x, pos).div(alpha).expm1().mul(alpha));
}

/**
 * x·Φ(x) = x/2·(1 + erf(x/√2)), or with approximate 'tanh' x/2·(1 + tanh(√(2/π)(x + 0.044715x³))).
 * Matches torch.nn.functional.gelu.
 */
export function gelu(x: Tensor, ...args: Args<[approximate: "none" | "tanh"], { approximate?: "none" | "tanh" }>): Tensor {
  const { approximate } = resolveArgs<{ approximate: string }>("F.gelu", args, ["approximate"], { approximate: "none" });
  if (approximate !== "none" && approximate !== "tanh") throw new Error(`F.gelu: approximate must be 'none' or 'tanh', got '${approximate}'`);
  if (approximate === "tanh") return x.mul(0.5).mul(x.add(x.pow(3).mul(0.044715)).mul(SQRT_2_OVER_PI).tanh().add(1));
  return x.mul(0.5).mul(x.mul(SQRT1_2).erf().add(1));
}

/** x·σ(x), also called Swish. Matches torch.nn.functional.silu. */
export const silu = (x: Tensor, ...args: NoOptions): Tensor => (none("silu", args), x.mul(x.sigmoid()));
/** Alias of silu (Ramachandran et al., 2017). */
export const swish = silu;

/** x·tanh(softplus(x)). Matches torch.nn.functional.mish. */
export const mish = (x: Tensor, ...args: NoOptions): Tensor => (none("mish", args), x.mul(softplus(x).tanh()));

/**
 * log(1 + e^{βx})/β, and x itself where βx > threshold (for numerical stability).
 * Matches torch.nn.functional.softplus.
 */
export function softplus(x: Tensor, ...args: Args<[beta: number, threshold: number], { beta?: number; threshold?: number }>): Tensor {
  const { beta, threshold } = resolveArgs("F.softplus", args, ["beta", "threshold"], { beta: 1, threshold: 20 });
  const bx = x.mul(beta);
  const linear = bx.gt(threshold);
  // the untaken branch is evaluated on 0 so exp never overflows into a NaN gradient
  const soft = where(linear, 0, bx).exp().log1p().div(beta);
  return where(linear, x, soft);
}

/** x/(1 + |x|). Matches torch.nn.functional.softsign. */
export const softsign = (x: Tensor, ...args: NoOptions): Tensor => (none("softsign", args), x.div(x.abs().add(1)));

/** 1/(1 + e^{−x}). Matches torch.sigmoid. */
export const sigmoid = (x: Tensor, ...args: NoOptions): Tensor => (none("sigmoid", args), x.sigmoid());

/** log σ(x) = min(x, 0) − log(1 + e^{−|x|}), stable for large |x|. Matches torch.nn.functional.logsigmoid. */
export function logsigmoid(x: Tensor, ...args: NoOptions): Tensor {
  none("logsigmoid", args);
  const neg = x.lt(0);
  return where(neg, x, 0).sub(where(neg, x, x.neg()).exp().log1p());
}

/** tanh(x). Matches torch.tanh. */
export const tanh = (x: Tensor, ...args: NoOptions): Tensor => (none("tanh", args), x.tanh());

/**
 * minVal if x < minVal, maxVal if x > maxVal, x otherwise; gradient 0 at and beyond the bounds.
 * Matches torch.nn.functional.hardtanh.
 */
export function hardtanh(x: Tensor, ...args: Args<[minVal: number, maxVal: number], { minVal?: number; maxVal?: number }>): Tensor {
  const { minVal, maxVal } = resolveArgs("F.hardtanh", args, ["minVal", "maxVal"], { minVal: -1, maxVal: 1 });
  if (minVal > maxVal) throw new Error(`hardtanh: minVal (${minVal}) must not exceed maxVal (${maxVal})`);
  return where(x.le(minVal), minVal, where(x.ge(maxVal), maxVal, x));
}

/** 0 if x ≤ −3, 1 if x ≥ 3, x/6 + 1/2 otherwise. Matches torch.nn.functional.hardsigmoid. */
export const hardsigmoid = (x: Tensor, ...args: NoOptions): Tensor => (none("hardsigmoid", args), where(x.le(-3), 0, where(x.ge(3), 1, x.div(6).add(0.5))));

/** 0 if x < −3, x if x > 3, x(x + 3)/6 otherwise. Matches torch.nn.functional.hardswish. */
export const hardswish = (x: Tensor, ...args: NoOptions): Tensor => (none("hardswish", args), where(x.lt(-3), 0, where(x.gt(3), x, x.mul(x.add(3)).div(6))));

/** x − tanh(x). Matches torch.nn.functional.tanhshrink. */
export const tanhshrink = (x: Tensor, ...args: NoOptions): Tensor => (none("tanhshrink", args), x.sub(x.tanh()));

/** x − λ if x > λ, x + λ if x < −λ, 0 otherwise. Matches torch.nn.functional.softshrink. */
export function softshrink(x: Tensor, ...args: Args<[lambd: number], { lambd?: number }>): Tensor {
  const { lambd } = resolveArgs("F.softshrink", args, ["lambd"], { lambd: 0.5 });
  if (lambd < 0) throw new Error(`softshrink: lambd must be non-negative, got ${lambd}`);
  return where(x.gt(lambd), x.sub(lambd), where(x.lt(-lambd), x.add(lambd), 0));
}

/** x if |x| > λ, 0 otherwise. Matches torch.nn.functional.hardshrink. */
export function hardshrink(x: Tensor, ...args: Args<[lambd: number], { lambd?: number }>): Tensor {
  const { lambd } = resolveArgs("F.hardshrink", args, ["lambd"], { lambd: 0.5 });
  return where(x.abs().le(lambd), 0, x); // NaN stays NaN
}

/** x if x > threshold, `value` otherwise. Matches torch.nn.functional.threshold. */
export const threshold = (x: Tensor, thresholdValue: number, value: number, ...args: NoOptions): Tensor =>
  (none("threshold", args), where(x.le(thresholdValue), value, x)); // NaN stays NaN

/** exp(xᵢ)/Σⱼ exp(xⱼ) along `dim`. Matches torch.nn.functional.softmax. */
export const softmax = (x: Tensor, dim: number, ...args: NoOptions): Tensor => (none("softmax", args), x.softmax(dim));
/** log softmax along `dim`. Matches torch.nn.functional.log_softmax. */
export const logSoftmax = (x: Tensor, dim: number, ...args: NoOptions): Tensor => (none("logSoftmax", args), x.logSoftmax(dim));
/** softmax(−x) along `dim`. Matches torch.nn.functional.softmin. */
export const softmin = (x: Tensor, dim: number, ...args: NoOptions): Tensor => (none("softmin", args), x.neg().softmax(dim));

// ---- beyond PyTorch: the course's activations (deck 002, "Activation functions") ----------------

export interface StepOptions {
  /**
   * Gradient passed back: false (default) gives the true derivative, 0 everywhere (the Dirac at 0
   * is dropped); true passes the incoming gradient unchanged (the straight-through estimator of
   * Bengio et al., 2013), which lets a perceptron-style net train by backpropagation.
   */
  straightThrough?: boolean;
}

/** y on x's graph: with the identity's gradient (straight-through) or sign's zero gradient, as torch.sign has. */
function straight(x: Tensor, y: Tensor, on: boolean): Tensor {
  if (!x.requiresGrad) return y;
  return on ? x.add(y.sub(x).detach()) : y.add(x.sign().mul(0));
}

/**
 * Heaviside step H(x) = 0 if x < 0, 1 otherwise (so H(0) = 1, as in deck 002). Gradient: 0, or the
 * identity with `straightThrough`.
 */
export function heaviside(x: Tensor, ...args: Args<[straightThrough: boolean], StepOptions>): Tensor {
  const { straightThrough } = resolveArgs("F.heaviside", args, ["straightThrough"], { straightThrough: false });
  return straight(x, where(x.lt(0), 0, 1).to(x.dtype), straightThrough);
}

/**
 * Sign S(x) = −1 if x < 0, 1 otherwise = 2H(x) − 1: the perceptron's activation (deck 002). Unlike
 * torch.sign, S(0) = 1. Gradient: 0, or the identity with `straightThrough`.
 */
export function sign(x: Tensor, ...args: Args<[straightThrough: boolean], StepOptions>): Tensor {
  const { straightThrough } = resolveArgs("F.sign", args, ["straightThrough"], { straightThrough: false });
  return straight(x, where(x.lt(0), -1, 1).to(x.dtype), straightThrough);
}

/** (2/π)·atan(x), in ]−1, 1[, derivative (2/π)/(1 + x²) (deck 002, "Arc tangent"). */
export const arctan = (x: Tensor, ...args: NoOptions): Tensor => (none("arctan", args), x.atan().mul(2 / Math.PI));

/** The linear activation f(x) = k·x, derivative k (deck 002, "Linear function"). */
export function scale(x: Tensor, ...args: Args<[k: number], { k?: number }>): Tensor {
  const { k } = resolveArgs("F.scale", args, ["k"], { k: 1 });
  return x.mul(k);
}

/**
 * Gaussian radial activation exp(−(x − center)²/(2σ²)) (deck 000, "Radial activation functions").
 * The default σ = 1/√2 gives the textbook e^{−x²}.
 */
export function gaussian(x: Tensor, ...args: Args<[center: number, sigma: number], { center?: number; sigma?: number }>): Tensor {
  const { center, sigma } = resolveArgs("F.gaussian", args, ["center", "sigma"], { center: 0, sigma: SQRT1_2 });
  if (!(sigma > 0)) throw new Error(`gaussian: sigma must be positive, got ${sigma}`);
  return x.sub(center).square().div(-2 * sigma * sigma).exp();
}

/** Multiquadratic radial activation √((x − center)² + a²) (deck 000, "Radial activation functions"). */
export function multiquadratic(x: Tensor, ...args: Args<[center: number, a: number], { center?: number; a?: number }>): Tensor {
  const { center, a } = resolveArgs("F.multiquadratic", args, ["center", "a"], { center: 0, a: 1 });
  return x.sub(center).square().add(a * a).sqrt();
}
