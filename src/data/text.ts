// Text tokenizers: characters and byte-level byte-pair encoding (trained on a corpus), special
// tokens, JSON save/load, and padding/truncation of id sequences to a maximum length.

export interface EncodeOptions {
  /** Cut sequences longer than maxLength (from the right). */
  maxLength?: number | null;
  /** Pad to maxLength with the pad token (it must be a special token of the tokenizer). */
  padding?: boolean;
  truncation?: boolean;
}

export interface PadOptions {
  maxLength?: number | null;
  padId: number;
  truncation?: boolean;
  /** "right" (default) puts the padding after the ids, "left" before (for decoder-only prompts). */
  side?: "right" | "left";
}

/**
 * Pads (and truncates) id sequences to one length: maxLength, or the longest sequence when null.
 * Returns the ids and the attention mask (true = a real token), ready for tensor(…, { dtype: "int32" }).
 */
export function padSequences(seqs: readonly (readonly number[])[], { maxLength = null, padId, truncation = true, side = "right" }: PadOptions): { ids: number[][]; attentionMask: boolean[][] } {
  const len = maxLength ?? Math.max(0, ...seqs.map((s) => s.length));
  const ids: number[][] = [], attentionMask: boolean[][] = [];
  for (const s of seqs) {
    if (s.length > len && !truncation) throw new Error(`padSequences: a sequence of length ${s.length} exceeds maxLength ${len} and truncation is off`);
    const t = s.slice(0, len);
    const pad = Array<number>(len - t.length).fill(padId), m = Array<boolean>(len - t.length).fill(false);
    const real = Array<boolean>(t.length).fill(true);
    ids.push(side === "right" ? [...t, ...pad] : [...pad, ...t]);
    attentionMask.push(side === "right" ? [...real, ...m] : [...m, ...real]);
  }
  return { ids, attentionMask };
}

/** What every tokenizer offers: text ↔ ids, special tokens, JSON save/load. */
export abstract class Tokenizer {
  /** Special tokens (e.g. <pad>, <bos>, <eos>, <unk>, <mask>) → ids; they are never split. */
  readonly specialTokens: Map<string, number>;
  constructor(specials: Record<string, number>) {
    this.specialTokens = new Map(Object.entries(specials));
  }
  abstract get vocabSize(): number;
  protected abstract encodeOrdinary(text: string): number[];
  protected abstract decodeOrdinary(ids: number[]): string;
  abstract toJSON(): object;

  /** The id of a special token; throws naming the known ones when it is absent. */
  tokenId(token: string): number {
    const id = this.specialTokens.get(token);
    if (id === undefined) throw new Error(`${this.constructor.name}: no special token '${token}' (have ${[...this.specialTokens.keys()].join(", ") || "none"})`);
    return id;
  }

  /** Text → ids. Special tokens written in the text become their ids; options pad and truncate. */
  encode(text: string, { maxLength = null, padding = false, truncation = false }: EncodeOptions = {}): number[] {
    const specials = [...this.specialTokens.keys()].sort((a, b) => b.length - a.length);
    let ids: number[] = [];
    let rest = text;
    while (rest.length) {
      let at = -1, tok = "";
      for (const s of specials) {
        const i = rest.indexOf(s);
        if (i >= 0 && (at < 0 || i < at)) [at, tok] = [i, s];
      }
      // concat, not push(...): a whole book as spread arguments overflows the call stack
      if (at < 0) {
        ids = ids.concat(this.encodeOrdinary(rest));
        break;
      }
      ids = ids.concat(this.encodeOrdinary(rest.slice(0, at)), [this.specialTokens.get(tok)!]);
      rest = rest.slice(at + tok.length);
    }
    if (maxLength != null) {
      if (ids.length > maxLength) {
        if (!truncation) throw new Error(`${this.constructor.name}.encode: ${ids.length} tokens exceed maxLength ${maxLength}; pass truncation: true`);
        ids = ids.slice(0, maxLength);
      }
      if (padding) ids = padSequences([ids], { maxLength, padId: this.tokenId("<pad>") }).ids[0]!;
    }
    return ids;
  }

  /** Ids → text; skipSpecialTokens drops padding and other special tokens. */
  decode(ids: readonly number[], { skipSpecialTokens = false } = {}): string {
    const byId = new Map([...this.specialTokens].map(([t, i]) => [i, t]));
    let out = "", run: number[] = [];
    const flush = (): void => {
      if (run.length) out += this.decodeOrdinary(run);
      run = [];
    };
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) throw new RangeError(`${this.constructor.name}.decode: id ${id} is outside the vocabulary [0, ${this.vocabSize})`);
      const s = byId.get(id);
      if (s === undefined) run.push(id);
      else {
        flush();
        if (!skipSpecialTokens) out += s;
      }
    }
    flush();
    return out;
  }
}

/**
 * One token per character (code point) seen in the corpus, sorted; special tokens come first
 * (ids 0 …). Characters not in the vocabulary map to <unk> when there is one, else throw.
 */
export class CharTokenizer extends Tokenizer {
  readonly chars: string[];
  readonly #index: Map<string, number>;
  constructor(chars: readonly string[], specialTokens: readonly string[] = []) {
    super(Object.fromEntries(specialTokens.map((t, i) => [t, i])));
    this.chars = [...chars];
    this.#index = new Map(this.chars.map((c, i) => [c, i + specialTokens.length]));
  }
  static fromCorpus(corpus: string, { specialTokens = [] }: { specialTokens?: string[] } = {}): CharTokenizer {
    return new CharTokenizer([...new Set(Array.from(corpus))].sort(), specialTokens);
  }
  get vocabSize(): number {
    return this.specialTokens.size + this.chars.length;
  }
  protected encodeOrdinary(text: string): number[] {
    return Array.from(text, (c) => {
      const id = this.#index.get(c) ?? this.specialTokens.get("<unk>");
      if (id === undefined) throw new Error(`CharTokenizer: character '${c}' is not in the vocabulary and there is no <unk> token`);
      return id;
    });
  }
  protected decodeOrdinary(ids: number[]): string {
    return ids.map((i) => this.chars[i - this.specialTokens.size]!).join("");
  }
  toJSON(): object {
    return { type: "char", chars: this.chars, specialTokens: [...this.specialTokens.keys()] };
  }
}

// GPT-2's pre-tokenisation, simplified: words with their leading space, numbers, punctuation runs, spaces.
const PRETOKEN = / ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+/gu;
const utf8 = new TextEncoder();

/**
 * Byte-level byte-pair encoding (Sennrich et al., 2016; GPT-2's byte-level variant): the base
 * vocabulary is the 256 bytes, so any text round-trips; training repeatedly merges the most frequent
 * adjacent pair within pre-tokenised words (ties: the pair seen first). Ids: 0-255 bytes, then one per
 * merge in order, then the special tokens.
 */
export class BPETokenizer extends Tokenizer {
  /** Merges in training order: [left id, right id]; merge k creates id 256 + k. */
  readonly merges: [number, number][];
  readonly #ranks: Map<string, number>;
  readonly #bytes: Uint8Array[];
  constructor(merges: readonly [number, number][], specialTokens: readonly string[] = []) {
    const base = 256 + merges.length;
    super(Object.fromEntries(specialTokens.map((t, i) => [t, base + i])));
    this.merges = merges.map(([a, b]) => [a, b]);
    this.#ranks = new Map(this.merges.map(([a, b], k) => [`${a},${b}`, k]));
    this.#bytes = Array.from({ length: 256 }, (_, i) => Uint8Array.of(i));
    for (const [a, b] of this.merges) {
      const x = this.#bytes[a]!, y = this.#bytes[b]!;
      const xy = new Uint8Array(x.length + y.length);
      xy.set(x);
      xy.set(y, x.length);
      this.#bytes.push(xy);
    }
  }

  /** Learns vocabSize − 256 − #specialTokens merges from the corpus (fewer if no pair repeats). */
  static train(corpus: string, vocabSize: number, { specialTokens = [] }: { specialTokens?: string[] } = {}): BPETokenizer {
    if (!(vocabSize >= 256 + specialTokens.length)) throw new Error(`BPETokenizer.train: vocabSize ${vocabSize} must be at least 256 + ${specialTokens.length} special tokens`);
    const counts = new Map<string, number>();
    for (const w of corpus.match(PRETOKEN) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
    const words = [...counts].map(([w, n]) => ({ ids: Array.from(utf8.encode(w)), n }));
    const merges: [number, number][] = [];
    while (256 + merges.length + specialTokens.length < vocabSize) {
      const pairs = new Map<string, number>();
      for (const { ids, n } of words) for (let i = 0; i + 1 < ids.length; i++) pairs.set(`${ids[i]},${ids[i + 1]}`, (pairs.get(`${ids[i]},${ids[i + 1]}`) ?? 0) + n);
      let best = "", bestN = 1;
      for (const [p, n] of pairs) if (n > bestN) [best, bestN] = [p, n];
      if (!best) break;
      const [a, b] = best.split(",").map(Number) as [number, number];
      const id = 256 + merges.length;
      merges.push([a, b]);
      for (const w of words) w.ids = mergePair(w.ids, a, b, id);
    }
    return new BPETokenizer(merges, specialTokens);
  }

  static fromJSON(json: { merges: [number, number][]; specialTokens?: string[] }): BPETokenizer {
    return new BPETokenizer(json.merges, json.specialTokens ?? []);
  }

  get vocabSize(): number {
    return 256 + this.merges.length + this.specialTokens.size;
  }

  protected encodeOrdinary(text: string): number[] {
    const out: number[] = [];
    for (const w of text.match(PRETOKEN) ?? []) {
      let ids = Array.from(utf8.encode(w));
      for (;;) { // apply the earliest-learned merge present, as training did
        let rank = Infinity, at = -1;
        for (let i = 0; i + 1 < ids.length; i++) {
          const r = this.#ranks.get(`${ids[i]},${ids[i + 1]}`);
          if (r !== undefined && r < rank) [rank, at] = [r, i];
        }
        if (at < 0) break;
        const [a, b] = this.merges[rank]!;
        ids = mergePair(ids, a, b, 256 + rank);
      }
      out.push(...ids);
    }
    return out;
  }

  protected decodeOrdinary(ids: number[]): string {
    const parts = ids.map((i) => this.#bytes[i]!);
    const all = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return new TextDecoder().decode(all);
  }

  toJSON(): object {
    return { type: "bpe", merges: this.merges, specialTokens: [...this.specialTokens.keys()] };
  }
}

function mergePair(ids: number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
      out.push(id);
      i++;
    } else out.push(ids[i]!);
  }
  return out;
}

/** Rebuilds a tokenizer from what toJSON() returned (JSON.parse of a saved file). */
export function tokenizerFromJSON(json: unknown): CharTokenizer | BPETokenizer {
  const j = json as { type?: string; chars?: string[]; merges?: [number, number][]; specialTokens?: string[] };
  if (j.type === "char" && Array.isArray(j.chars)) return new CharTokenizer(j.chars, j.specialTokens ?? []);
  if (j.type === "bpe" && Array.isArray(j.merges)) return BPETokenizer.fromJSON({ merges: j.merges, specialTokens: j.specialTokens });
  throw new Error(`tokenizerFromJSON: expected {type: "char", chars} or {type: "bpe", merges}, got type ${String(j.type)}`);
}
