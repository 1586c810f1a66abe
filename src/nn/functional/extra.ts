// F functions torch has beside the layers: normalize, oneHot, pdist, gumbelSoftmax and the
// *WithIndices pooling forms; and the Tensor methods hardshrink and prelu, which call F's.

import { installMethods } from "../../composites/methods.js";
import { pdist as pdistTop } from "../../composites/products.js";
import { rand, zerosLike } from "../../ops/creation.js";
import { oneHot as oneHotTop } from "../../ops/indexing.js";
import { checkOptionNames, isOptionsObject, resolveArgs, type Args } from "../../options.js";
import type { Generator } from "../../random.js";
import { normDim } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import { hardshrink, prelu } from "./activation.js";
import type { Size } from "./conv.js";
import { maxPool1d, maxPool2d, adaptiveMaxPool2d, type MaxPoolOptions } from "./pooling.js";
import { adaptiveMaxPool1d } from "./pooling-more.js";
import { adaptiveMaxPool3d, maxPool3d } from "./pooling3d.js";

/**
 * x / max(‖x‖_p, eps) along `dim` (each slice scaled to unit p-norm; eps keeps zero slices finite).
 * Matches torch.nn.functional.normalize (p = 2, dim = 1, eps = 1e-12).
 */
export function normalize(x: Tensor, ...args: Args<[p: number, dim: number, eps: number], { p?: number; dim?: number; eps?: number }>): Tensor {
  const { p, dim, eps } = resolveArgs("F.normalize", args, ["p", "dim", "eps"], { p: 2, dim: 1, eps: 1e-12 });
  if (!x.isFloatingPoint()) throw new TypeError(`F.normalize: expects a floating tensor, got ${x.dtype}`);
  const d = normDim("F.normalize", dim, Math.max(x.ndim, 1));
  return x.div(x.norm(p, x.ndim === 0 ? undefined : d, true).clamp(eps, null));
}

/** One-hot rows of the class indices in `labels` (int32), numClasses wide (−1: max label + 1). Matches torch.nn.functional.one_hot. */
export function oneHot(labels: Tensor, ...args: Args<[numClasses: number], { numClasses?: number }>): Tensor {
  const { numClasses } = resolveArgs("F.oneHot", args, ["numClasses"], { numClasses: -1 });
  return oneHotTop(labels, numClasses);
}

/** Distances ‖xᵢ − xⱼ‖_p between the rows of x [N, M], i < j, row-major: N(N − 1)/2 of them. Matches torch.nn.functional.pdist. */
export function pdist(x: Tensor, ...args: Args<[p: number], { p?: number }>): Tensor {
  const { p } = resolveArgs("F.pdist", args, ["p"], { p: 2 });
  return pdistTop(x, p);
}

/**
 * softmax((logits + g)/tau) along dim with g ~ Gumbel(0, 1) (g = −log E, E ~ Exp(1)), drawn from
 * `generator`. With `hard`, the forward is the one-hot of the argmax and the gradient is the soft
 * sample's (straight-through). Matches torch.nn.functional.gumbel_softmax (not its random stream).
 */
export function gumbelSoftmax(
  logits: Tensor,
  ...args: Args<[tau: number, hard: boolean, eps: number, dim: number], { tau?: number; hard?: boolean; eps?: number; dim?: number; generator?: Generator }>
): Tensor {
  const { tau, hard, dim, generator } = resolveArgs("F.gumbelSoftmax", args, ["tau", "hard", "eps", "dim"], { tau: 1, hard: false, eps: 1e-10, dim: -1, generator: undefined as Generator | undefined });
  if (!logits.isFloatingPoint()) throw new TypeError(`F.gumbelSoftmax: logits must be a floating tensor, got ${logits.dtype}`);
  if (!(tau > 0)) throw new RangeError(`F.gumbelSoftmax: tau must be positive, got ${tau}`);
  const d = normDim("F.gumbelSoftmax", dim, logits.ndim);
  const u = rand(logits.shape, { dtype: logits.dtype, device: logits.device, generator }); // [0, 1): 1 − u is in (0, 1]
  const gumbels = u.neg().add(1).log().neg().log().neg();
  const y = logits.add(gumbels).div(tau).softmax(d);
  if (!hard) return y;
  const index = y.argmax(d, true);
  const yHard = zerosLike(y).scatterAdd(d, index, zerosLike(index, { dtype: y.dtype }).add(1));
  return yHard.sub(y.detach()).add(y);
}

const MAX_POOL_KEYS = ["stride", "padding", "dilation", "ceilMode", "returnIndices"];
type PoolIndexArgs = Args<[stride: Size | null, padding: Size, dilation: Size, ceilMode: boolean], MaxPoolOptions>;

/** The trailing arguments with returnIndices forced on (torch's *_with_indices ignore return_indices), options checked under `where`. */
function withIndices(where: string, args: readonly unknown[], keys: readonly string[], positional: number): unknown[] {
  const last = args[args.length - 1];
  const opts = isOptionsObject(last) ? last : {};
  checkOptionNames(where, opts, keys);
  const pos = (isOptionsObject(last) ? args.slice(0, -1) : args).slice(0, positional);
  return [...pos, { ...opts, returnIndices: true }];
}

/** [values, indices] of maxPool1d. Matches torch.nn.functional.max_pool1d_with_indices. */
export const maxPool1dWithIndices = (x: Tensor, kernelSize: Size, ...args: PoolIndexArgs): [Tensor, Tensor] =>
  (maxPool1d as unknown as (...a: unknown[]) => [Tensor, Tensor])(x, kernelSize, ...withIndices("F.maxPool1dWithIndices", args, MAX_POOL_KEYS, 4));
/** [values, indices] of maxPool2d. Matches torch.nn.functional.max_pool2d_with_indices. */
export const maxPool2dWithIndices = (x: Tensor, kernelSize: Size, ...args: PoolIndexArgs): [Tensor, Tensor] =>
  (maxPool2d as unknown as (...a: unknown[]) => [Tensor, Tensor])(x, kernelSize, ...withIndices("F.maxPool2dWithIndices", args, MAX_POOL_KEYS, 4));
/** [values, indices] of maxPool3d. Matches torch.nn.functional.max_pool3d_with_indices. */
export const maxPool3dWithIndices = (x: Tensor, kernelSize: Size, ...args: PoolIndexArgs): [Tensor, Tensor] =>
  (maxPool3d as unknown as (...a: unknown[]) => [Tensor, Tensor])(x, kernelSize, ...withIndices("F.maxPool3dWithIndices", args, MAX_POOL_KEYS, 4));

type AdaptiveIndexArgs = Args<[], { returnIndices?: boolean }>;
/** [values, indices] of adaptiveMaxPool1d. Matches torch.nn.functional.adaptive_max_pool1d_with_indices. */
export const adaptiveMaxPool1dWithIndices = (x: Tensor, outputSize: number, ...args: AdaptiveIndexArgs): [Tensor, Tensor] =>
  adaptiveMaxPool1d(x, outputSize, ...(withIndices("F.adaptiveMaxPool1dWithIndices", args, ["returnIndices"], 0) as [{ returnIndices: true }])) as [Tensor, Tensor];
/** [values, indices] of adaptiveMaxPool2d. Matches torch.nn.functional.adaptive_max_pool2d_with_indices. */
export const adaptiveMaxPool2dWithIndices = (x: Tensor, outputSize: number | null | readonly (number | null)[], ...args: AdaptiveIndexArgs): [Tensor, Tensor] =>
  adaptiveMaxPool2d(x, outputSize, ...(withIndices("F.adaptiveMaxPool2dWithIndices", args, ["returnIndices"], 0) as [{ returnIndices: true }])) as [Tensor, Tensor];
/** [values, indices] of adaptiveMaxPool3d. Matches torch.nn.functional.adaptive_max_pool3d_with_indices. */
export const adaptiveMaxPool3dWithIndices = (x: Tensor, outputSize: Parameters<typeof adaptiveMaxPool3d>[1], ...args: AdaptiveIndexArgs): [Tensor, Tensor] =>
  adaptiveMaxPool3d(x, outputSize, ...(withIndices("F.adaptiveMaxPool3dWithIndices", args, ["returnIndices"], 0) as [{ returnIndices: true }])) as [Tensor, Tensor];

declare module "../../tensor.js" {
  interface Tensor {
    hardshrink(...args: Args<[lambd: number], { lambd?: number }>): Tensor;
    prelu(weight: Tensor): Tensor;
  }
}
installMethods({
  hardshrink(this: Tensor, ...args: Args<[lambd: number], { lambd?: number }>) { return hardshrink(this, ...args); },
  prelu(this: Tensor, weight: Tensor) { return prelu(this, weight); },
});
