// Connectionist temporal classification loss (torch.nn.functional.ctc_loss): the forward (alpha)
// recursion of Graves et al. 2006 in log space, composed of Tensor ops so autograd gives the gradient.

import { full, tensor } from "../../ops/creation.js";
import { where } from "../../ops/elementwise.js";
import { cat, stack } from "../../ops/movement.js";
import type { Args } from "../../options.js";
import { fmtShape } from "../../shape.js";
import { Tensor } from "../../tensor.js";
import { checkFloat, checkReduction, lossArgs, type Reduction } from "./loss-checks.js";

export interface CTCOptions {
  blank?: number;
  reduction?: Reduction;
  zeroInfinity?: boolean;
}

/** Per-sample lengths: a list, an int tensor, or (unbatched) one number or 0-d tensor. */
export type Lengths = Tensor | readonly number[] | number;

// log 0 as a large finite number: logsumexp over all-(−∞) states would give NaN gradients, while
// −1e30 absorbs any finite log-probability in float32 and float64 and contributes exp(−1e30) = 0.
const NEG = -1e30;
const INFINITE = 1e29; // a loss this large came from NEG: no alignment exists

function lengths(op: string, what: string, l: Lengths, n: number, max: number, min: number): number[] {
  const v = typeof l === "number" ? [l] : l instanceof Tensor ? [...l.dataSync()] : [...l];
  if (l instanceof Tensor && l.isFloatingPoint()) throw new TypeError(`${op}: ${what} must hold integers (int32), got ${l.dtype}`);
  if (v.length !== n) throw new Error(`${op}: ${what} must have one length per sample (${n}), got ${v.length}`);
  for (const x of v) if (!(Number.isInteger(x) && x >= min && x <= max)) throw new RangeError(`${op}: ${what} must be integers in [${min}, ${max}], got ${x}`);
  return v;
}

/**
 * CTC loss (Graves et al. 2006, "Connectionist Temporal Classification", §4.1): ℓₙ = −log Σ over
 * the alignments π of the target yₙ (labels with blanks between and around them, repeats merged)
 * of Πₜ p(πₜ). With the extended label l′ = (blank, y₁, blank, y₂, …, blank) of length 2S + 1,
 * α₀ = (lp₀[blank], lp₀[y₁], −∞, …) and
 * αₜ(s) = lpₜ[l′ₛ] + log(e^{αₜ₋₁(s)} + e^{αₜ₋₁(s−1)} + [l′ₛ ≠ blank, l′ₛ ≠ l′ₛ₋₂]·e^{αₜ₋₁(s−2)}),
 * ℓₙ = −log(e^{α(2S)} + e^{α(2S−1)}) at t = inputLengthₙ − 1. One step per frame, vectorized over
 * the batch and the 2S + 1 positions. logProbs [T, N, C] (log-softmax outputs) or unbatched [T, C];
 * targets int32, padded [N, S] or concatenated 1-D (Σ targetLengths); blank must not be a target.
 * 'mean' divides each loss by its target length (at least 1) and averages, as torch; zeroInfinity
 * turns the infinite loss of an impossible alignment (input too short) into 0 with no gradient.
 * Matches torch.nn.functional.ctc_loss (blank 0, 'mean', zeroInfinity false). torch's own backward
 * returns exp(lp) − occupancy, which agrees with this gradient after a log-softmax.
 */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: Lengths,
  targetLengths: Lengths,
  ...args: Args<[blank: number, reduction: Reduction, zeroInfinity: boolean], CTCOptions>
): Tensor {
  const op = "ctcLoss";
  const { blank, reduction, zeroInfinity } = lossArgs<Required<CTCOptions>>(op, args, ["blank", "reduction", "zeroInfinity"], { blank: 0, reduction: "mean", zeroInfinity: false });
  checkReduction(op, reduction);
  checkFloat(op, "logProbs", logProbs);
  if (logProbs.ndim !== 3 && logProbs.ndim !== 2) throw new Error(`${op}: logProbs must be [T, N, C] or unbatched [T, C], got ${fmtShape(logProbs.shape)}`);
  const batched = logProbs.ndim === 3;
  const lp = batched ? logProbs : logProbs.unsqueeze(1);
  const [T, N, C] = lp.shape as [number, number, number];
  if (!(Number.isInteger(blank) && blank >= 0 && blank < C)) throw new RangeError(`${op}: blank must be a class index in [0, ${C}), got ${blank}`);
  if (targets.dtype !== "int32") throw new TypeError(`${op}: targets must be an int32 tensor of class indices, got ${targets.dtype}`);
  const padded = batched ? targets.ndim === 2 : true;
  if (batched ? targets.ndim !== 1 && targets.ndim !== 2 : targets.ndim !== 1)
    throw new Error(`${op}: targets must be ${batched ? "padded [N, S] or concatenated 1-D" : "1-D for unbatched logProbs"}, got ${fmtShape(targets.shape)}`);
  if (batched && padded && targets.shape[0] !== N) throw new Error(`${op}: padded targets ${fmtShape(targets.shape)} must have one row per sample (${N}) of logProbs ${fmtShape(logProbs.shape)}`);
  const width = padded ? targets.shape[targets.ndim - 1]! : targets.numel;
  const inLen = lengths(op, "inputLengths", inputLengths, N, T, 1);
  const tgLen = lengths(op, "targetLengths", targetLengths, N, width, 0);
  const t = targets.dataSync();
  if (!padded && tgLen.reduce((a, b) => a + b, 0) !== t.length)
    throw new Error(`${op}: concatenated targets hold ${t.length} labels but targetLengths sum to ${tgLen.reduce((a, b) => a + b, 0)}`);

  // host tables: the extended labels l′ [N, L], where a skip from s − 2 is allowed, the two final states
  const S = Math.max(...tgLen), L = 2 * S + 1;
  const ext = new Int32Array(N * L).fill(blank), skip = new Uint8Array(N * L), end = new Int32Array(N * 2), endOk = new Uint8Array(N * 2);
  for (let n = 0, offset = 0; n < N; n++) {
    const start = padded ? n * width : offset;
    offset += tgLen[n]!;
    for (let k = 0; k < tgLen[n]!; k++) {
      const c = t[start + k]!;
      if (!(c >= 0 && c < C) || c === blank) throw new RangeError(`${op}: target ${c} (sample ${n}, position ${k}) must be a class in [0, ${C}) other than blank ${blank}`);
      ext[n * L + 2 * k + 1] = c;
      if (k > 0 && t[start + k - 1] !== c) skip[n * L + 2 * k + 1] = 1;
    }
    end[2 * n] = 2 * tgLen[n]!;
    end[2 * n + 1] = Math.max(2 * tgLen[n]! - 1, 0);
    endOk[2 * n] = 1;
    endOk[2 * n + 1] = tgLen[n]! > 0 ? 1 : 0;
  }
  const { device, dtype } = lp;
  const Tmax = Math.max(...inLen);
  // lpExt[t, n, s] = lp[t, n, l′ₛ]; −∞ (log 0) becomes NEG so no NaN reaches the gradient
  const index = new Int32Array(Tmax * N * L);
  for (let i = 0; i < Tmax; i++) index.set(ext, i * N * L);
  const lpExt = lp.narrow(0, 0, Tmax).gather(2, tensor(index, { shape: [Tmax, N, L], dtype: "int32", device })).clamp(NEG);
  const first = tensor(Array.from({ length: L }, (_, s) => s < 2), { shape: [1, L], dtype: "bool", device });
  let alpha = where(first, lpExt.select(0, 0), NEG);
  const skipT = tensor(skip, { shape: [N, L], dtype: "bool", device });
  const pad1 = full([N, 1], NEG, { dtype, device }), pad2 = full([N, Math.min(2, L)], NEG, { dtype, device });
  for (let i = 1; i < Tmax; i++) {
    const from = [alpha, cat([pad1, alpha.narrow(1, 0, L - 1)], 1)];
    if (L > 2) from.push(where(skipT, cat([pad2, alpha.narrow(1, 0, L - 2)], 1), NEG));
    const next = stack(from, -1).logsumexp(-1).add(lpExt.select(0, i));
    const active = inLen.map((len) => i < len);
    alpha = active.every(Boolean) ? next : where(tensor(active, { shape: [N, 1], dtype: "bool", device }), next, alpha);
  }
  const ends = alpha.gather(1, tensor(end, { shape: [N, 2], dtype: "int32", device }));
  let loss = where(tensor(endOk, { shape: [N, 2], dtype: "bool", device }), ends, NEG).logsumexp(-1).neg();
  const impossible = loss.detach().gt(INFINITE);
  loss = where(impossible, zeroInfinity ? 0 : Infinity, loss);
  if (reduction === "sum") return loss.sum();
  if (reduction === "mean") return loss.div(tensor(tgLen.map((l) => Math.max(l, 1)), { dtype, device })).mean();
  return batched ? loss : loss.reshape([]);
}
