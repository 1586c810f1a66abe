// Deck 004's text augmentation: replacing words with synonyms, from a small English word list that
// ships with the package (groups of interchangeable words; a word may be replaced by any other in its group).

import { resolveArgs, type Args } from "../options.js";
import { defaultGenerator, type Generator } from "../random.js";

/** The shipped synonym groups: common English words, each group interchangeable in most sentences. */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ["big", "large", "huge", "great"], ["small", "little", "tiny"], ["fast", "quick", "rapid"], ["slow", "sluggish"],
  ["good", "fine", "nice"], ["bad", "poor", "awful"], ["happy", "glad", "cheerful"], ["sad", "unhappy", "gloomy"],
  ["begin", "start", "commence"], ["end", "finish", "conclude"], ["buy", "purchase"], ["sell", "vend"],
  ["get", "obtain", "acquire"], ["give", "provide", "offer"], ["help", "assist", "aid"], ["show", "display", "present"],
  ["make", "create", "produce"], ["use", "employ", "utilize"], ["need", "require"], ["want", "desire", "wish"],
  ["try", "attempt"], ["look", "glance", "peek"], ["say", "state", "tell"], ["ask", "inquire", "query"],
  ["answer", "reply", "response"], ["fix", "repair", "mend"], ["error", "mistake", "fault"], ["problem", "issue", "trouble"],
  ["easy", "simple", "effortless"], ["hard", "difficult", "tough"], ["cheap", "inexpensive", "affordable"], ["costly", "expensive", "pricey"],
  ["free", "complimentary", "gratis"], ["money", "cash", "funds"], ["job", "work", "employment"], ["home", "house", "residence"],
  ["car", "automobile", "vehicle"], ["road", "street", "avenue"], ["town", "city"], ["sea", "ocean"],
  ["ship", "vessel", "boat"], ["whale", "leviathan"], ["man", "fellow", "gentleman"], ["woman", "lady"],
  ["child", "kid", "youngster"], ["friend", "companion", "pal"], ["old", "aged", "ancient"], ["new", "fresh", "novel"],
  ["strange", "odd", "peculiar"], ["smart", "clever", "bright"], ["dark", "dim", "gloomy"], ["quiet", "silent", "still"],
  ["loud", "noisy"], ["angry", "mad", "furious"], ["scared", "afraid", "frightened"], ["tired", "weary", "exhausted"],
  ["rich", "wealthy", "affluent"], ["pretty", "beautiful", "lovely"], ["ugly", "hideous"], ["true", "correct", "accurate"],
  ["wrong", "incorrect", "false"], ["often", "frequently"], ["maybe", "perhaps", "possibly"], ["very", "really", "extremely"],
  ["now", "immediately", "instantly"], ["soon", "shortly"], ["important", "crucial", "vital"], ["main", "chief", "principal"],
  ["offer", "deal", "bargain"], ["win", "earn", "gain"], ["send", "mail", "dispatch"], ["message", "note", "letter"],
  ["list", "roster"], ["news", "tidings"], ["idea", "notion", "concept"], ["choose", "pick", "select"],
  ["keep", "retain", "hold"], ["stop", "halt", "cease"], ["leave", "depart", "exit"], ["come", "arrive"],
];

export interface SynonymOptions {
  /** Probability that each word with synonyms is replaced. */
  p?: number;
  /** Random source (default: the global generator that manualSeed seeds). */
  generator?: Generator;
  /** Groups to use instead of the shipped ones. */
  groups?: readonly (readonly string[])[];
}

const tables = new WeakMap<readonly (readonly string[])[], Map<string, string[]>>();
function table(groups: readonly (readonly string[])[]): Map<string, string[]> {
  let t = tables.get(groups);
  if (!t) {
    t = new Map();
    for (const g of groups)
      for (const w of g) {
        const others = g.filter((o) => o !== w);
        t.set(w, [...(t.get(w) ?? []), ...others.filter((o) => !(t!.get(w) ?? []).includes(o))]);
      }
    tables.set(groups, t);
  }
  return t;
}

/**
 * Synonym replacement (deck 004; Wei & Zou, 2019, "EDA"): every word that has synonyms is, with
 * probability p, replaced by one of them chosen uniformly. Words match case-insensitively; a
 * capitalised or upper-case word keeps its case; everything else (punctuation, spacing) is kept.
 */
export function synonymReplace(text: string, ...args: Args<[p: number], SynonymOptions>): string {
  const { p, generator, groups } = resolveArgs<SynonymOptions>("data.synonymReplace", args, ["p"], { p: 0.1, generator: undefined, groups: SYNONYM_GROUPS });
  if (!(p! >= 0 && p! <= 1)) throw new Error(`data.synonymReplace: p must be in [0, 1], got ${p}`);
  const t = table(groups!);
  const g = generator ?? defaultGenerator; // seeded by manualSeed, as torch's default generator
  return text.replace(/[A-Za-z]+/g, (w) => {
    const options = t.get(w.toLowerCase());
    if (!options?.length || !(g.random() < p!)) return w;
    const s = options[Math.floor(g.random() * options.length)]!;
    if (w.length > 1 && w === w.toUpperCase()) return s.toUpperCase();
    return w[0] === w[0]!.toUpperCase() ? s[0]!.toUpperCase() + s.slice(1) : s;
  });
}
