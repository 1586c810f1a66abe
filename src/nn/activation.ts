// Activation modules (nn.ReLU, nn.GELU, …): thin Module wrappers over the functions in
// functional/activation.ts, with PyTorch's constructor options. Only PReLU has a parameter.

import type { DType } from "../dtype.js";
import { full } from "../ops/creation.js";
import type { Generator } from "../random.js";
import type { Tensor } from "../tensor.js";
import * as F from "./functional/activation.js";
import type { Args } from "../options.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** An activation without arguments: it still rejects options, so `new nn.ReLU({ inplace: true })` is an error, not a no-op. */
abstract class Plain extends Module {
  constructor(...args: Args<[], Record<never, never>>) {
    super();
    this.configure(`nn.${new.target.name}`, {}, args, [], {});
  }
}

/** max(0, x). Matches torch.nn.ReLU. */
export class ReLU extends Plain {
  forward(x: Tensor): Tensor { return F.relu(x); }
}

/** min(max(0, x), 6). Matches torch.nn.ReLU6. */
export class ReLU6 extends Plain {
  forward(x: Tensor): Tensor { return F.relu6(x); }
}

/** x if x > 0 else negativeSlope·x (default 0.01). Matches torch.nn.LeakyReLU. */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(...args: Args<[negativeSlope: number], { negativeSlope?: number }>) {
    super();
    ({ negativeSlope: this.negativeSlope } = this.configure("nn.LeakyReLU", {}, args, ["negativeSlope"], { negativeSlope: 0.01 }));
  }
  forward(x: Tensor): Tensor { return F.leakyRelu(x, { negativeSlope: this.negativeSlope }); }
}

/**
 * x if x > 0 else a·x with learnable a: one shared slope, or one per channel (numParameters = C),
 * initialised to `init` (0.25). State dict: `weight` [numParameters]. Matches torch.nn.PReLU.
 */
export class PReLU extends Module {
  weight: Tensor;
  constructor(...args: Args<[numParameters: number, init: number], { numParameters?: number; init?: number; dtype?: DType }>) {
    super();
    const { numParameters, init, dtype } = this.configure<{ numParameters: number; init: number; dtype: DType }>("nn.PReLU", {}, args, ["numParameters", "init"], { numParameters: 1, init: 0.25, dtype: "float32" });
    this.weight = Parameter(full([numParameters], init, { dtype }));
  }
  forward(x: Tensor): Tensor { return F.prelu(x, this.weight); }
}

/**
 * Randomized leaky ReLU: slope ~ U(lower, upper) per element in training mode, (lower + upper)/2 in
 * eval mode. Matches torch.nn.RReLU.
 */
export class RReLU extends Module {
  readonly lower: number;
  readonly upper: number;
  readonly generator: Generator | undefined;
  constructor(...args: Args<[lower: number, upper: number], { lower?: number; upper?: number; generator?: Generator }>) {
    super();
    const o = this.configure("nn.RReLU", {}, args, ["lower", "upper"], { lower: 1 / 8, upper: 1 / 3, generator: undefined as Generator | undefined });
    ({ lower: this.lower, upper: this.upper, generator: this.generator } = o);
  }
  forward(x: Tensor): Tensor {
    return F.rrelu(x, { lower: this.lower, upper: this.upper, training: this.training, generator: this.generator });
  }
}

/** x if x > 0 else α(eˣ − 1). Matches torch.nn.ELU. */
export class ELU extends Module {
  readonly alpha: number;
  constructor(...args: Args<[alpha: number], { alpha?: number }>) { super(); ({ alpha: this.alpha } = this.configure("nn.ELU", {}, args, ["alpha"], { alpha: 1 })); }
  forward(x: Tensor): Tensor { return F.elu(x, { alpha: this.alpha }); }
}

/** scale·elu(x, α) with SELU's fixed constants. Matches torch.nn.SELU. */
export class SELU extends Plain {
  forward(x: Tensor): Tensor { return F.selu(x); }
}

/** max(0, x) + min(0, α(e^{x/α} − 1)). Matches torch.nn.CELU. */
export class CELU extends Module {
  readonly alpha: number;
  constructor(...args: Args<[alpha: number], { alpha?: number }>) { super(); ({ alpha: this.alpha } = this.configure("nn.CELU", {}, args, ["alpha"], { alpha: 1 })); }
  forward(x: Tensor): Tensor { return F.celu(x, { alpha: this.alpha }); }
}

/** x·Φ(x), or its tanh approximation with approximate: 'tanh'. Matches torch.nn.GELU. */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";
  constructor(...args: Args<[approximate: "none" | "tanh"], { approximate?: "none" | "tanh" }>) {
    super();
    ({ approximate: this.approximate } = this.configure<{ approximate: "none" | "tanh" }>("nn.GELU", {}, args, ["approximate"], { approximate: "none" }));
    if (this.approximate !== "none" && this.approximate !== "tanh") throw new Error(`nn.GELU: approximate must be 'none' or 'tanh', got ${String(this.approximate)}`);
  }
  forward(x: Tensor): Tensor { return F.gelu(x, { approximate: this.approximate }); }
}

/** x·σ(x) (Swish). Matches torch.nn.SiLU. */
export class SiLU extends Plain {
  forward(x: Tensor): Tensor { return F.silu(x); }
}

/** x·tanh(softplus(x)). Matches torch.nn.Mish. */
export class Mish extends Plain {
  forward(x: Tensor): Tensor { return F.mish(x); }
}

/** log(1 + e^{βx})/β, linear above threshold. Matches torch.nn.Softplus. */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(...args: Args<[beta: number, threshold: number], { beta?: number; threshold?: number }>) {
    super();
    ({ beta: this.beta, threshold: this.threshold } = this.configure("nn.Softplus", {}, args, ["beta", "threshold"], { beta: 1, threshold: 20 }));
  }
  forward(x: Tensor): Tensor { return F.softplus(x, { beta: this.beta, threshold: this.threshold }); }
}

/** x/(1 + |x|). Matches torch.nn.Softsign. */
export class Softsign extends Plain {
  forward(x: Tensor): Tensor { return F.softsign(x); }
}

/** 1/(1 + e^{−x}). Matches torch.nn.Sigmoid. */
export class Sigmoid extends Plain {
  forward(x: Tensor): Tensor { return F.sigmoid(x); }
}

/** log σ(x). Matches torch.nn.LogSigmoid. */
export class LogSigmoid extends Plain {
  forward(x: Tensor): Tensor { return F.logsigmoid(x); }
}

/** tanh(x). Matches torch.nn.Tanh. */
export class Tanh extends Plain {
  forward(x: Tensor): Tensor { return F.tanh(x); }
}

/** x clipped to [minVal, maxVal] (default [−1, 1]). Matches torch.nn.Hardtanh. */
export class Hardtanh extends Module {
  readonly minVal: number;
  readonly maxVal: number;
  constructor(...args: Args<[minVal: number, maxVal: number], { minVal?: number; maxVal?: number }>) {
    super();
    ({ minVal: this.minVal, maxVal: this.maxVal } = this.configure("nn.Hardtanh", {}, args, ["minVal", "maxVal"], { minVal: -1, maxVal: 1 }));
  }
  forward(x: Tensor): Tensor { return F.hardtanh(x, { minVal: this.minVal, maxVal: this.maxVal }); }
}

/** Piecewise-linear sigmoid: clip(x/6 + 1/2, 0, 1). Matches torch.nn.Hardsigmoid. */
export class Hardsigmoid extends Plain {
  forward(x: Tensor): Tensor { return F.hardsigmoid(x); }
}

/** x·hardsigmoid(x). Matches torch.nn.Hardswish. */
export class Hardswish extends Plain {
  forward(x: Tensor): Tensor { return F.hardswish(x); }
}

/** x − tanh(x). Matches torch.nn.Tanhshrink. */
export class Tanhshrink extends Plain {
  forward(x: Tensor): Tensor { return F.tanhshrink(x); }
}

/** Shrinks toward 0 by λ (default 0.5). Matches torch.nn.Softshrink. */
export class Softshrink extends Module {
  readonly lambd: number;
  constructor(...args: Args<[lambd: number], { lambd?: number }>) { super(); ({ lambd: this.lambd } = this.configure("nn.Softshrink", {}, args, ["lambd"], { lambd: 0.5 })); }
  forward(x: Tensor): Tensor { return F.softshrink(x, { lambd: this.lambd }); }
}

/** Zeroes |x| ≤ λ (default 0.5). Matches torch.nn.Hardshrink. */
export class Hardshrink extends Module {
  readonly lambd: number;
  constructor(...args: Args<[lambd: number], { lambd?: number }>) { super(); ({ lambd: this.lambd } = this.configure("nn.Hardshrink", {}, args, ["lambd"], { lambd: 0.5 })); }
  forward(x: Tensor): Tensor { return F.hardshrink(x, { lambd: this.lambd }); }
}

/** x if x > threshold else value. Matches torch.nn.Threshold. */
export class Threshold extends Module {
  constructor(readonly threshold: number, readonly value: number, ...args: Args<[], Record<never, never>>) {
    super();
    this.configure("nn.Threshold", { threshold, value }, args, [], {});
  }
  forward(x: Tensor): Tensor { return F.threshold(x, this.threshold, this.value); }
}

/** Softmax along `dim`. Matches torch.nn.Softmax. */
export class Softmax extends Module {
  constructor(readonly dim: number, ...args: Args<[], Record<never, never>>) {
    super();
    if (!Number.isInteger(dim)) throw new TypeError(`nn.Softmax: dim must be an integer (torch's implicit dim is deprecated), got ${String(dim)}`);
    this.configure("nn.Softmax", { dim }, args, [], {});
  }
  forward(x: Tensor): Tensor { return F.softmax(x, this.dim); }
}

/** Log-softmax along `dim`. Matches torch.nn.LogSoftmax. */
export class LogSoftmax extends Module {
  constructor(readonly dim: number, ...args: Args<[], Record<never, never>>) {
    super();
    if (!Number.isInteger(dim)) throw new TypeError(`nn.LogSoftmax: dim must be an integer (torch's implicit dim is deprecated), got ${String(dim)}`);
    this.configure("nn.LogSoftmax", { dim }, args, [], {});
  }
  forward(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
}

/** softmax(−x) along `dim`. Matches torch.nn.Softmin. */
export class Softmin extends Module {
  constructor(readonly dim: number, ...args: Args<[], Record<never, never>>) {
    super();
    if (!Number.isInteger(dim)) throw new TypeError(`nn.Softmin: dim must be an integer (torch's implicit dim is deprecated), got ${String(dim)}`);
    this.configure("nn.Softmin", { dim }, args, [], {});
  }
  forward(x: Tensor): Tensor { return F.softmin(x, this.dim); }
}

// ---- beyond PyTorch (deck 002) ------------------------------------------------------------------

/**
 * Heaviside step: 0 if x < 0, 1 otherwise (deck 002). Passes a zero gradient, or the incoming
 * gradient unchanged with `straightThrough: true`.
 */
export class Heaviside extends Module {
  readonly straightThrough: boolean;
  constructor(...args: Args<[straightThrough: boolean], { straightThrough?: boolean }>) {
    super();
    ({ straightThrough: this.straightThrough } = this.configure("nn.Heaviside", {}, args, ["straightThrough"], { straightThrough: false }));
  }
  forward(x: Tensor): Tensor { return F.heaviside(x, { straightThrough: this.straightThrough }); }
}

/**
 * Sign: −1 if x < 0, 1 otherwise, the perceptron's activation (deck 002). Passes a zero gradient,
 * or the incoming gradient unchanged with `straightThrough: true`.
 */
export class Sign extends Module {
  readonly straightThrough: boolean;
  constructor(...args: Args<[straightThrough: boolean], { straightThrough?: boolean }>) {
    super();
    ({ straightThrough: this.straightThrough } = this.configure("nn.Sign", {}, args, ["straightThrough"], { straightThrough: false }));
  }
  forward(x: Tensor): Tensor { return F.sign(x, { straightThrough: this.straightThrough }); }
}

/** (2/π)·atan(x), in ]−1, 1[ (deck 002, "Arc tangent"). */
export class Arctan extends Plain {
  forward(x: Tensor): Tensor { return F.arctan(x); }
}

/** The linear activation f(x) = k·x (deck 002, "Linear function"; nn.Linear is the affine layer). */
export class Scale extends Module {
  readonly k: number;
  constructor(...args: Args<[k: number], { k?: number }>) { super(); ({ k: this.k } = this.configure("nn.Scale", {}, args, ["k"], { k: 1 })); }
  forward(x: Tensor): Tensor { return F.scale(x, { k: this.k }); }
}

/** exp(−(x − center)²/(2σ²)), default e^{−x²} (deck 000, radial activations). */
export class Gaussian extends Module {
  readonly center: number;
  readonly sigma: number;
  constructor(...args: Args<[center: number, sigma: number], { center?: number; sigma?: number }>) {
    super();
    ({ center: this.center, sigma: this.sigma } = this.configure("nn.Gaussian", {}, args, ["center", "sigma"], { center: 0, sigma: Math.SQRT1_2 }));
  }
  forward(x: Tensor): Tensor { return F.gaussian(x, { center: this.center, sigma: this.sigma }); }
}

/** √((x − center)² + a²) (deck 000, radial activations). */
export class Multiquadratic extends Module {
  readonly center: number;
  readonly a: number;
  constructor(...args: Args<[center: number, a: number], { center?: number; a?: number }>) {
    super();
    ({ center: this.center, a: this.a } = this.configure("nn.Multiquadratic", {}, args, ["center", "a"], { center: 0, a: 1 }));
  }
  forward(x: Tensor): Tensor { return F.multiquadratic(x, { center: this.center, a: this.a }); }
}
