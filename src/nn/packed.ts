// Variable-length batches for the recurrent layers, as torch.nn.utils.rnn does them: padSequence,
// and PackedSequence with packPaddedSequence / packSequence / padPackedSequence. Each conversion
// is one gather (indexSelect), so its backward is one scatter, whatever the number of time steps.

import { full, tensor } from "../ops/creation.js";
import { cat, pad, stack } from "../ops/movement.js";
import { fmtShape } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { resolveArgs, type Args } from "../options.js";

const int32 = (v: readonly number[], device: string): Tensor => tensor(Int32Array.from(v), { dtype: "int32", device });
const toLengths = (lengths: Tensor | readonly number[]): number[] => (Array.isArray(lengths) ? [...(lengths as number[])] : [...(lengths as Tensor).dataSync()].map(Number));

/**
 * A batch of sequences of different lengths, stored time step by time step: `data` holds, for each
 * step t, the rows of the `batchSizes[t]` sequences still running (longest first), so no padding is
 * stored or computed. `sortedIndices[k]` is the original batch index of the k-th longest sequence;
 * `unsortedIndices` is its inverse (both null when the batch was already sorted).
 * Matches torch.nn.utils.rnn.PackedSequence; the RNN modules accept and return it.
 */
export class PackedSequence {
  constructor(
    readonly data: Tensor,
    readonly batchSizes: Tensor,
    readonly sortedIndices: Tensor | null = null,
    readonly unsortedIndices: Tensor | null = null,
  ) {}

  /** batchSizes as plain numbers. */
  steps(): number[] {
    return [...this.batchSizes.dataSync()].map(Number);
  }
}

export interface PadSequenceOptions {
  batchFirst?: boolean;
  paddingValue?: number;
}

/**
 * Stacks tensors [L_i, *] into [maxL, B, *] ([B, maxL, *] with batchFirst), filling with
 * paddingValue. Matches torch.nn.utils.rnn.pad_sequence.
 */
export function padSequence(sequences: readonly Tensor[], ...args: Args<[batchFirst: boolean, paddingValue: number], PadSequenceOptions>): Tensor {
  const { batchFirst, paddingValue } = resolveArgs<Required<PadSequenceOptions>>("padSequence", args, ["batchFirst", "paddingValue"], { batchFirst: false, paddingValue: 0 });
  if (sequences.length === 0) throw new Error("padSequence: received an empty list of sequences");
  const rest = sequences[0]!.shape.slice(1);
  const maxLen = Math.max(...sequences.map((s) => s.shape[0] ?? 0));
  const padded = sequences.map((s, i) => {
    if (s.ndim < 1 || fmtShape(s.shape.slice(1)) !== fmtShape(rest))
      throw new Error(`padSequence: sequence ${i} has shape ${fmtShape(s.shape)}; every sequence must be [L, ${rest.join(", ")}]`);
    const len = s.shape[0]!;
    return len === maxLen ? s : pad(s, [...rest.flatMap(() => [0, 0]), 0, maxLen - len], paddingValue);
  });
  return stack(padded, batchFirst ? 0 : 1);
}

export interface PackPaddedOptions {
  batchFirst?: boolean;
  enforceSorted?: boolean;
}

/**
 * Packs a padded batch [T, B, *] ([B, T, *] with batchFirst) whose b-th sequence has lengths[b]
 * valid steps. With enforceSorted (default) the lengths must be non-increasing; otherwise the batch
 * is sorted here and the order remembered. Matches torch.nn.utils.rnn.pack_padded_sequence.
 */
export function packPaddedSequence(input: Tensor, lengths: Tensor | readonly number[], ...args: Args<[batchFirst: boolean, enforceSorted: boolean], PackPaddedOptions>): PackedSequence {
  const { batchFirst, enforceSorted } = resolveArgs<Required<PackPaddedOptions>>("packPaddedSequence", args, ["batchFirst", "enforceSorted"], { batchFirst: false, enforceSorted: true });
  const lens = toLengths(lengths);
  if (input.ndim < 2) throw new Error(`packPaddedSequence: expected input [T, B, *], got ${fmtShape(input.shape)}`);
  const x = batchFirst ? input.transpose(0, 1) : input;
  const [T, B] = x.shape as [number, number];
  if (lens.length !== B) throw new Error(`packPaddedSequence: expected ${B} lengths for input ${fmtShape(input.shape)}, got ${lens.length}`);
  lens.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 1 || l > T) throw new Error(`packPaddedSequence: length ${l} of sequence ${i} must be an integer in [1, ${T}]`);
  });
  let order = lens.map((_, i) => i);
  if (enforceSorted) {
    if (lens.some((l, i) => i > 0 && l > lens[i - 1]!))
      throw new Error(`packPaddedSequence: lengths [${lens.join(", ")}] are not sorted in decreasing order; sort them or pass enforceSorted: false`);
  } else order = order.sort((a, b) => lens[b]! - lens[a]! || a - b);
  const sortedLens = order.map((i) => lens[i]!);
  const batchSizes = Array.from({ length: sortedLens[0]! }, (_, t) => sortedLens.filter((l) => l > t).length);
  // row t·B + b of the [T·B, *] view holds step t of sequence b
  const rows = batchSizes.flatMap((bs, t) => order.slice(0, bs).map((b) => t * B + b));
  const flat = x.reshape([T * B, ...x.shape.slice(2)]);
  const data = flat.indexSelect(0, int32(rows, x.device));
  if (enforceSorted) return new PackedSequence(data, int32(batchSizes, "cpu"));
  const unsorted = new Array<number>(B);
  order.forEach((b, k) => (unsorted[b] = k));
  return new PackedSequence(data, int32(batchSizes, "cpu"), int32(order, x.device), int32(unsorted, x.device));
}

/** Packs tensors [L_i, *] (padSequence, then packPaddedSequence). Matches torch.nn.utils.rnn.pack_sequence. */
export function packSequence(sequences: readonly Tensor[], ...args: Args<[enforceSorted: boolean], { enforceSorted?: boolean }>): PackedSequence {
  const { enforceSorted } = resolveArgs("packSequence", args, ["enforceSorted"], { enforceSorted: true });
  return packPaddedSequence(padSequence(sequences), sequences.map((s) => s.shape[0]!), { enforceSorted });
}

export interface PadPackedOptions {
  batchFirst?: boolean;
  paddingValue?: number;
  /** Pad to this many steps instead of the longest sequence's length. */
  totalLength?: number | null;
}

/**
 * Unpacks to a padded batch [T, B, *] ([B, T, *] with batchFirst) in the original batch order, and
 * the lengths (int32). Matches torch.nn.utils.rnn.pad_packed_sequence.
 */
export function padPackedSequence(sequence: PackedSequence, ...args: Args<[batchFirst: boolean, paddingValue: number, totalLength: number | null], PadPackedOptions>): [Tensor, Tensor] {
  const { batchFirst, paddingValue, totalLength } = resolveArgs<Required<PadPackedOptions>>(
    "padPackedSequence", args, ["batchFirst", "paddingValue", "totalLength"], { batchFirst: false, paddingValue: 0, totalLength: null });
  const steps = sequence.steps();
  const B = steps[0]!;
  const T = totalLength ?? steps.length;
  if (T < steps.length) throw new Error(`padPackedSequence: totalLength ${T} is shorter than the longest sequence (${steps.length} steps)`);
  const order = sequence.sortedIndices ? [...sequence.sortedIndices.dataSync()].map(Number) : Array.from({ length: B }, (_, i) => i);
  const { data } = sequence;
  const padRow = data.shape[0]!; // an extra row of paddingValue, gathered wherever a sequence has ended
  const rows = new Array<number>(T * B).fill(padRow);
  let offset = 0;
  steps.forEach((bs, t) => {
    for (let k = 0; k < bs; k++) rows[t * B + order[k]!] = offset + k;
    offset += bs;
  });
  const filler = full([1, ...data.shape.slice(1)], paddingValue, { dtype: data.dtype, device: data.device });
  const out = cat([data, filler], 0).indexSelect(0, int32(rows, data.device)).reshape([T, B, ...data.shape.slice(1)]);
  const lengths = order.map((_, b) => steps.filter((bs) => bs > order.indexOf(b)).length);
  return [batchFirst ? out.transpose(0, 1) : out, int32(lengths, "cpu")];
}
