// Channel-wise dropouts: F.dropout1d, F.dropout3d and F.featureAlphaDropout (one mask entry per
// (sample, channel), broadcast over the spatial dims), as torch's feature dropout does.

import { rand } from "../../ops/creation.js";
import { resolveArgs, type Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import type { Tensor } from "../../tensor.js";
import type { DropoutOptions } from "./layers.js";

/** −λα of SELU (as in alphaDropout): the value dropped units take before the affine correction. */
const ALPHA_PRIME = 1.7580993408473766;

type DropoutArgs = Args<[p: number, training: boolean], DropoutOptions>;

function resolved(op: string, args: readonly unknown[], training: boolean): Required<Omit<DropoutOptions, "generator">> & DropoutOptions {
  const o = resolveArgs(op, args, ["p", "training"], { p: 0.5, training, generator: undefined as DropoutOptions["generator"] });
  if (!(typeof o.p === "number" && o.p >= 0 && o.p <= 1)) throw new Error(`${op}: dropout probability has to be between 0 and 1, but got ${String(o.p)}`);
  return o;
}

/** A {0, 1} keep-mask of shape [N, C, 1, …] (dims 0 and 1 kept) with P(1) = 1 − p. */
function featureMask(x: Tensor, p: number, o: DropoutOptions): Tensor {
  const shape = x.shape.map((s, d) => (d < 2 ? s : 1));
  return rand(shape, { dtype: x.dtype, device: x.device, generator: o.generator }).ge(p).to(x.dtype);
}

/** Zeroes whole channels of a batched input, keeps the rest scaled by 1/(1 − p); an unbatched one gets a batch dim of 1. */
function channelDropout(op: string, x: Tensor, spatial: number, args: readonly unknown[]): Tensor {
  if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2)
    throw new Error(`${op}: expected ${spatial + 1}-D (unbatched [C, …]) or ${spatial + 2}-D (batched [N, C, …]) input, got ${fmtShape(x.shape)}`);
  const o = resolved(op, args, true);
  if (!o.training || o.p === 0) return x;
  if (o.p === 1) return x.mul(0);
  const batched = x.ndim === spatial + 2;
  const b = batched ? x : x.unsqueeze(0);
  const y = b.mul(featureMask(b, o.p, o)).div(1 - o.p);
  return batched ? y : y.squeeze(0);
}

/**
 * Zeroes whole channels of [N, C, L] (or [C, L]) with probability p while training, scaling the
 * rest by 1/(1 − p); the identity when not training. Matches torch.nn.functional.dropout1d.
 */
export function dropout1d(x: Tensor, ...args: DropoutArgs): Tensor {
  return channelDropout("F.dropout1d", x, 1, args);
}

/**
 * Zeroes whole channels of [N, C, D, H, W] (or [C, D, H, W]) with probability p while training,
 * scaling the rest by 1/(1 − p); the identity when not training. Matches torch.nn.functional.dropout3d.
 */
export function dropout3d(x: Tensor, ...args: DropoutArgs): Tensor {
  return channelDropout("F.dropout3d", x, 3, args);
}

/**
 * Alpha dropout of whole channels: masked (sample, channel) entries take SELU's saturation −λα,
 * then a·x + b restores zero mean and unit variance (Klambauer et al., 2017). Dims 0 and 1 are
 * (N, C) whatever the rank, as in torch. Training defaults to false, as torch's functional form.
 * Matches torch.nn.functional.feature_alpha_dropout.
 */
export function featureAlphaDropout(x: Tensor, ...args: DropoutArgs): Tensor {
  const op = "F.featureAlphaDropout";
  const o = resolved(op, args, false);
  if (x.ndim < 2) throw new Error(`${op}: feature dropout requires at least 2 dims [N, C, …], got ${fmtShape(x.shape)}`);
  if (!o.training || o.p === 0) return x;
  if (o.p === 1) return x.mul(0);
  const keep = featureMask(x, o.p, o);
  const a = 1 / Math.sqrt((ALPHA_PRIME * ALPHA_PRIME * o.p + 1) * (1 - o.p));
  const b = keep.sub(1).mul(ALPHA_PRIME * a).add(ALPHA_PRIME * a * o.p);
  return x.mul(keep.mul(a)).add(b);
}
