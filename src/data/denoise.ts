// Denoising objectives for encoder-decoder pre-training: T5's span corruption (random spans of the
// input become sentinel tokens; the decoder writes the spans back) and BART's text infilling shares it.

import { resolveArgs, type Args } from "../options.js";
import { defaultGenerator, type Generator } from "../random.js";

export interface SpanCorruptionOptions {
  /** Share of the tokens that are corrupted (T5: 0.15). */
  noiseDensity?: number;
  /** Mean length of a corrupted span (T5: 3). */
  meanSpanLength?: number;
  /** Id of the k-th sentinel (T5's <extra_id_k>); default vocabSize − 1 − k needs `vocabSize`. */
  sentinel?: ((k: number) => number) | null;
  vocabSize?: number | null;
  /** Appended to the targets (T5's </s>); null: nothing. */
  eosId?: number | null;
  /** Random source (default: the global generator that manualSeed seeds). */
  generator?: Generator;
}

/** `total` split into `parts` positive lengths, uniformly at random (T5's _random_segmentation). */
function segments(total: number, parts: number, g: Generator): number[] {
  // choose parts − 1 distinct cut points among 1 … total − 1
  const cuts = Array.from({ length: total - 1 }, (_, i) => i + 1);
  for (let i = cuts.length - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    [cuts[i], cuts[j]] = [cuts[j]!, cuts[i]!];
  }
  const chosen = cuts.slice(0, parts - 1).sort((a, b) => a - b);
  return [...chosen, total].map((c, i) => c - (i ? chosen[i - 1]! : 0));
}

/**
 * T5's span corruption (Raffel et al., 2020, §3.1.4; random_spans_noise_mask): round(L·noiseDensity)
 * tokens in round(noise / meanSpanLength) spans (at least one) are corrupted, spans and the gaps
 * between them of random lengths, the sequence starting with a gap. Inputs: the sequence with each
 * span replaced by its sentinel; targets: each sentinel followed by its span (then eosId).
 * "Thank you for inviting me" → inputs "Thank you <X> me", targets "<X> for inviting".
 */
export function spanCorruption(ids: readonly number[], ...args: Args<[], SpanCorruptionOptions>): { inputs: number[]; targets: number[] } {
  const o = resolveArgs<SpanCorruptionOptions>("data.spanCorruption", args, [], { noiseDensity: 0.15, meanSpanLength: 3, sentinel: null, vocabSize: null, eosId: null, generator: undefined });
  const L = ids.length;
  if (!(o.noiseDensity! > 0 && o.noiseDensity! < 1)) throw new Error(`data.spanCorruption: noiseDensity must be in (0, 1), got ${o.noiseDensity}`);
  if (!(o.meanSpanLength! >= 1)) throw new Error(`data.spanCorruption: meanSpanLength must be ≥ 1, got ${o.meanSpanLength}`);
  if (!o.sentinel && !(Number.isInteger(o.vocabSize) && o.vocabSize! > 0)) throw new Error("data.spanCorruption: pass sentinel (k → id) or vocabSize (sentinels are vocabSize − 1 − k, as T5's <extra_id_k>)");
  if (L < 2) throw new Error(`data.spanCorruption: need at least 2 tokens, got ${L}`);
  const sentinel = o.sentinel ?? ((k: number) => o.vocabSize! - 1 - k);
  const g = o.generator ?? defaultGenerator;
  const noise = Math.min(Math.max(Math.round(L * o.noiseDensity!), 1), L - 1);
  const spans = Math.max(1, Math.min(Math.round(noise / o.meanSpanLength!), noise, L - noise));
  const noiseLens = segments(noise, spans, g), keepLens = segments(L - noise, spans, g);
  const inputs: number[] = [], targets: number[] = [];
  let at = 0;
  for (let k = 0; k < spans; k++) {
    inputs.push(...ids.slice(at, (at += keepLens[k]!)));
    inputs.push(sentinel(k));
    targets.push(sentinel(k), ...ids.slice(at, (at += noiseLens[k]!)));
  }
  if (o.eosId != null) targets.push(o.eosId);
  return { inputs, targets };
}
