// Functional forms of the basic layers: linear, bilinear, dropout, alphaDropout, layerNorm, batchNorm
// (embedding and embeddingBag are in embedding.ts). Modules in src/nn hold the parameters and call these.

import { noGrad } from "../../autograd/grad-mode.js";
import { rand } from "../../ops/creation.js";
import { applyFused } from "../../ops/fused/table.js";
import type { Generator } from "../../random.js";
import { fmtShape, shapesEqual } from "../../shape.js";
import { resolveArgs, type Args } from "../../options.js";
import type { Tensor } from "../../tensor.js";

/** y = x·Wᵀ + b, x [..., in], W [out, in], b [out] → [..., out]. Matches torch.nn.functional.linear. */
export function linear(x: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null], { bias?: Tensor | null }>): Tensor {
  const { bias } = resolveArgs("F.linear", args, ["bias"], { bias: null as Tensor | null });
  const inF = weight.shape[1];
  if (weight.ndim !== 2 || x.ndim < 1 || x.shape[x.ndim - 1] !== inF)
    throw new Error(`linear: expected input [..., ${inF ?? "?"}] for weight ${fmtShape(weight.shape)}, got ${fmtShape(x.shape)}`);
  // one fused op (ops/fused/linear.ts): GEMM with the bias added in place, one tape node
  return applyFused("linear", bias ? [x, weight, bias] : [x, weight], { activation: "none" })[0]!;
}

/**
 * y = x1ᵀ·A·x2 + b per output feature: y[..., o] = Σᵢⱼ x1[..., i]·W[o, i, j]·x2[..., j] + b[o], with
 * x1 [..., in1], x2 [..., in2] (the same leading dims), W [out, in1, in2], b [out] → [..., out].
 * Matches torch.nn.functional.bilinear.
 */
export function bilinear(input1: Tensor, input2: Tensor, weight: Tensor, ...args: Args<[bias: Tensor | null], { bias?: Tensor | null }>): Tensor {
  const { bias } = resolveArgs("F.bilinear", args, ["bias"], { bias: null as Tensor | null });
  const op = "F.bilinear";
  if (weight.ndim !== 3) throw new Error(`${op}: weight must be 3-D [out, in1, in2], got ${fmtShape(weight.shape)}`);
  const [out, in1, in2] = weight.shape as [number, number, number];
  if (input1.ndim < 1 || input1.shape[input1.ndim - 1] !== in1 || input2.ndim < 1 || input2.shape[input2.ndim - 1] !== in2)
    throw new Error(`${op}: expected inputs [..., ${in1}] and [..., ${in2}] for weight ${fmtShape(weight.shape)}, got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`);
  const lead = input1.shape.slice(0, -1);
  if (!shapesEqual(lead, input2.shape.slice(0, -1)))
    throw new Error(`${op}: the inputs' leading dims must match, got ${fmtShape(input1.shape)} and ${fmtShape(input2.shape)}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== out)) throw new Error(`${op}: bias must be [${out}], got ${fmtShape(bias.shape)}`);
  // x1·A_o for every o in one GEMM ([N, in1] · [in1, out·in2]), then the dot with x2 per output
  const t = input1.reshape([-1, in1]).matmul(weight.permute([1, 0, 2]).reshape([in1, out * in2])).reshape([-1, out, in2]);
  const y = t.mul(input2.reshape([-1, 1, in2])).sum(-1);
  return (bias ? y.add(bias) : y).reshape([...lead, out]);
}

export interface DropoutOptions {
  p?: number;
  training?: boolean;
  generator?: Generator;
}

function checkP(op: string, p: number): void {
  if (!(typeof p === "number" && p >= 0 && p <= 1)) throw new Error(`${op}: dropout probability has to be between 0 and 1, but got ${String(p)}`);
}

const dropoutArgs = (op: string, args: readonly unknown[], training: boolean): Required<Omit<DropoutOptions, "generator">> & DropoutOptions => {
  const o = resolveArgs(op, args, ["p", "training"], { p: 0.5, training, generator: undefined as Generator | undefined });
  checkP(op, o.p);
  return o;
};

/** A {0, 1} keep-mask in x's dtype with P(1) = 1 − p. */
const keepMask = (x: Tensor, p: number, generator?: Generator): Tensor =>
  rand(x.shape, { dtype: x.dtype, device: x.device, generator }).ge(p).to(x.dtype);

/**
 * Zeroes each element with probability p while training and scales the survivors by 1/(1 − p);
 * the identity when not training. Matches torch.nn.functional.dropout.
 */
export function dropout(x: Tensor, ...args: Args<[p: number, training: boolean], DropoutOptions>): Tensor {
  const { p, training, generator } = dropoutArgs("F.dropout", args, true);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  return x.mul(keepMask(x, p, generator)).div(1 - p);
}

/** −λα of SELU: the value dropped units take before the affine correction. */
const ALPHA_PRIME = 1.7580993408473766;

/**
 * Dropout for SELU networks (Klambauer et al., 2017): dropped units are set to −λα and an affine
 * map a·x + b restores zero mean and unit variance. Identity when not training (torch's default
 * training = false). Matches torch.nn.functional.alpha_dropout.
 */
export function alphaDropout(x: Tensor, ...args: Args<[p: number, training: boolean], DropoutOptions>): Tensor {
  const { p, training, generator } = dropoutArgs("F.alphaDropout", args, false);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = keepMask(x, p, generator);
  const a = 1 / Math.sqrt((ALPHA_PRIME * ALPHA_PRIME * p + 1) * (1 - p));
  const b = keep.sub(1).mul(ALPHA_PRIME * a).add(ALPHA_PRIME * a * p);
  return x.mul(keep.mul(a)).add(b);
}

export interface NormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  eps?: number;
}

/**
 * (x − E[x])/√(Var[x] + ε)·γ + β over the trailing `normalizedShape` dims, with the biased variance.
 * Matches torch.nn.functional.layer_norm.
 */
export function layerNorm(x: Tensor, normalizedShape: readonly number[], ...args: Args<[weight: Tensor | null, bias: Tensor | null, eps: number], NormOptions>): Tensor {
  const { weight, bias, eps } = resolveArgs("F.layerNorm", args, ["weight", "bias", "eps"], { weight: null as Tensor | null, bias: null as Tensor | null, eps: 1e-5 });
  const k = normalizedShape.length;
  if (k === 0 || x.ndim < k || !shapesEqual(x.shape.slice(x.ndim - k), normalizedShape))
    throw new Error(`layerNorm: expected input [..., ${normalizedShape.join(",")}] (normalizedShape ${fmtShape(normalizedShape)}), got ${fmtShape(x.shape)}`);
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const)
    if (t && !shapesEqual(t.shape, normalizedShape))
      throw new Error(`layerNorm: ${name} must have the normalized shape ${fmtShape(normalizedShape)}, got ${fmtShape(t.shape)}`);
  // one fused op (ops/fused/layer-norm.ts): one pass per row, one tape node
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return applyFused("layerNorm", inputs, { k, eps, weight: !!weight, bias: !!bias })[0]!;
}

export interface BatchNormOptions extends NormOptions {
  training?: boolean;
  /** Weight of the new batch in the running averages; null gives a cumulative average (see BatchNorm1d). */
  momentum?: number;
}

/**
 * Normalizes x [N, C, ...] per channel C: with batch statistics (biased variance) while training,
 * updating runningMean/runningVar in place (unbiased variance) when given; with the running
 * statistics otherwise. Matches torch.nn.functional.batch_norm.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  ...args: Args<[weight: Tensor | null, bias: Tensor | null, training: boolean, momentum: number, eps: number], BatchNormOptions>
): Tensor {
  const { weight, bias, training, momentum, eps } = resolveArgs("F.batchNorm", args, ["weight", "bias", "training", "momentum", "eps"], {
    weight: null as Tensor | null, bias: null as Tensor | null, training: false, momentum: 0.1, eps: 1e-5,
  });
  if (x.ndim < 2) throw new Error(`batchNorm: expected input [N, C, ...] with at least 2 dims, got ${fmtShape(x.shape)}`);
  const c = x.shape[1]!;
  const bshape = x.shape.map((s, d) => (d === 1 ? s : 1));
  const per = (t: Tensor): Tensor => t.reshape(bshape);
  for (const [name, t] of [["runningMean", runningMean], ["runningVar", runningVar], ["weight", weight], ["bias", bias]] as const)
    if (t && t.numel !== c) throw new Error(`batchNorm: ${name} has ${t.numel} elements, the input ${fmtShape(x.shape)} has ${c} channels`);
  let mean: Tensor, variance: Tensor;
  if (training || !runningMean || !runningVar) {
    const dims = x.shape.flatMap((_, d) => (d === 1 ? [] : [d]));
    const n = x.numel / c;
    if (training && n <= 1) throw new Error(`batchNorm: expected more than 1 value per channel when training, got input ${fmtShape(x.shape)}`);
    mean = x.mean(dims, true);
    variance = x.sub(mean).square().mean(dims, true);
    if (training && runningMean && runningVar) {
      noGrad(() => {
        runningMean.assign(runningMean.mul(1 - momentum).add(mean.reshape([c]).mul(momentum)));
        runningVar.assign(runningVar.mul(1 - momentum).add(variance.reshape([c]).mul((momentum * n) / (n - 1))));
      });
    }
  } else {
    mean = per(runningMean);
    variance = per(runningVar);
  }
  let y = x.sub(mean).mul(variance.add(eps).rsqrt());
  if (weight) y = y.mul(per(weight));
  if (bias) y = y.add(per(bias));
  return y;
}

/**
 * Zeroes whole channels of x [N, C, H, W] (or [C, H, W]) with probability p while training and
 * scales the rest by 1/(1 − p) (Tompson et al., 2015); the identity when not training. Matches
 * torch.nn.functional.dropout2d.
 */
export function dropout2d(x: Tensor, ...args: Args<[p: number, training: boolean], DropoutOptions>): Tensor {
  const { p, training, generator } = dropoutArgs("F.dropout2d", args, true);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`dropout2d: expected a 3-D [C, H, W] or 4-D [N, C, H, W] input, got ${fmtShape(x.shape)}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const maskShape = x.shape.map((s, d) => (d < x.ndim - 2 ? s : 1));
  const keep = rand(maskShape, { dtype: x.dtype, device: x.device, generator }).ge(p).to(x.dtype);
  return x.mul(keep).div(1 - p);
}

function shuffleArgs(where: string, x: Tensor, factor: number, args: readonly unknown[]): void {
  resolveArgs(where, args, [], {});
  if (!(Number.isInteger(factor) && factor >= 1)) throw new RangeError(`${where}: the factor must be a positive integer, got ${factor}`);
  if (x.ndim < 3) throw new Error(`${where}: expected an input with at least 3 dims [*, C, H, W], got ${fmtShape(x.shape)}`);
}

/**
 * Rearranges [*, C·r², H, W] into [*, C, H·r, W·r]: out[c, h·r + i, w·r + j] = x[c·r² + i·r + j, h, w]
 * (Shi et al., 2016, sub-pixel convolution). Matches torch.nn.functional.pixel_shuffle.
 */
export function pixelShuffle(x: Tensor, upscaleFactor: number, ...args: Args<[], Record<never, never>>): Tensor {
  shuffleArgs("F.pixelShuffle", x, upscaleFactor, args);
  const r = upscaleFactor, lead = x.shape.slice(0, -3), [c, h, w] = x.shape.slice(-3) as [number, number, number];
  if (c % (r * r) !== 0) throw new Error(`F.pixelShuffle: the channel dim of ${fmtShape(x.shape)} (${c}) is not divisible by upscaleFactor² = ${r * r}`);
  const n = lead.length, oc = c / (r * r);
  const perm = [...lead.keys(), n, n + 3, n + 1, n + 4, n + 2];
  return x.reshape([...lead, oc, r, r, h, w]).permute(perm).reshape([...lead, oc, h * r, w * r]);
}

/** The inverse of pixelShuffle: [*, C, H·r, W·r] → [*, C·r², H, W]. Matches torch.nn.functional.pixel_unshuffle. */
export function pixelUnshuffle(x: Tensor, downscaleFactor: number, ...args: Args<[], Record<never, never>>): Tensor {
  shuffleArgs("F.pixelUnshuffle", x, downscaleFactor, args);
  const r = downscaleFactor, lead = x.shape.slice(0, -3), [c, h, w] = x.shape.slice(-3) as [number, number, number];
  if (h % r !== 0 || w % r !== 0) throw new Error(`F.pixelUnshuffle: the spatial size of ${fmtShape(x.shape)} is not divisible by downscaleFactor ${r}`);
  const n = lead.length, oh = h / r, ow = w / r;
  const perm = [...lead.keys(), n, n + 2, n + 4, n + 1, n + 3];
  return x.reshape([...lead, c, oh, r, ow, r]).permute(perm).reshape([...lead, c * r * r, oh, ow]);
}
