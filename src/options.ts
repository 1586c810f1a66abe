// PyTorch-style arguments for every public function and constructor: PyTorch's positional
// arguments in PyTorch's order, then an optional trailing options object. One mechanism, so that
// unknown or misspelled options (`batch_size`, `epoch`) throw the same clear error everywhere
// instead of being silently ignored.

/**
 * The rest-parameter type of a function with optional positionals `P` (in PyTorch's order) and a
 * trailing options object `O`: any prefix of `P`, optionally followed by `O`.
 *
 * ```ts
 * constructor(inFeatures: number, outFeatures: number, ...args: Args<[bias: boolean, dtype: DType], LinearOptions>)
 * // new nn.Linear(4, 2) · new nn.Linear(4, 2, false) · new nn.Linear(4, 2, { bias: false }) · new nn.Linear(4, 2, false, { dtype })
 * ```
 */
export type Args<P extends readonly unknown[], O> = P extends readonly [infer H, ...infer T]
  ? [options?: O] | [H | undefined, ...Args<T, O>]
  : [options?: O];

/** True for `{ … }` literals and `Object.create(null)`: the only values taken as an options object. */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

const snakeToCamel = (s: string): string => s.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The known name a user most likely meant: its camelCase form, a case slip, or a near spelling. */
export function suggestName(key: string, known: readonly string[]): string | undefined {
  const camel = snakeToCamel(key);
  const exact = known.find((k) => k === camel || k.toLowerCase() === key.toLowerCase() || k.toLowerCase() === camel.toLowerCase());
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(key.length / 4)) + 1;
  for (const k of known) {
    const d = editDistance(camel.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/** Throws, naming `where`, for any key of `given` that is not in `known` (with the likely intended name). */
export function checkOptionNames(where: string, given: object, known: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (known.includes(key)) continue;
    const hint = suggestName(key, known);
    const list = known.length ? `; options are ${known.join(", ")}` : "; it takes no options";
    throw new TypeError(`${where}: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ""}${list}`);
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return v.constructor?.name ?? "an object";
  if (typeof v === "string") return `string '${v}'`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${v}`;
  return typeof v;
}

/**
 * Resolves PyTorch-style arguments into one options record with every default filled in.
 *
 * `rest` holds the arguments after the required ones: up to `positional.length` positional values
 * in that order (`undefined` means "use the default"), optionally followed by a plain options
 * object. Unknown option names, an option given both positionally and by name, too many
 * positionals, a non-boolean for a boolean default, and a boolean or null for a number default all throw an error
 * naming `where`.
 * Range and enum checks stay with each caller, which knows what a value means.
 *
 * ```ts
 * const { bias, dtype } = resolveArgs("nn.Linear", args, ["bias", "dtype"], { bias: true, dtype: "float32" });
 * ```
 */
export function resolveArgs<O extends object>(
  where: string,
  rest: readonly unknown[],
  positional: readonly (keyof O & string)[],
  defaults: O,
): O {
  const known = Object.keys(defaults);
  let values = rest;
  let named: Record<string, unknown> = {};
  const last = rest[rest.length - 1];
  if (rest.length > 0 && isOptionsObject(last)) {
    named = last;
    values = rest.slice(0, -1);
  }
  if (values.length > positional.length) {
    const names = positional.length ? ` (${positional.join(", ")})` : "";
    throw new TypeError(
      `${where}: takes at most ${positional.length} optional positional argument(s)${names} before the options object, got ${values.length}` +
        (values.some((v) => typeof v === "object" && v !== null && !Array.isArray(v)) ? "; options must be a plain object literal" : ""),
    );
  }
  checkOptionNames(where, named, known);
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [i, v] of values.entries()) {
    if (v === undefined) continue;
    const name = positional[i]!;
    if (named[name] !== undefined) throw new TypeError(`${where}: '${name}' was given both as argument ${i + 1} and as an option`);
    out[name] = v;
  }
  for (const [k, v] of Object.entries(named)) if (v !== undefined) out[k] = v;
  for (const k of known) {
    const d = (defaults as Record<string, unknown>)[k];
    const v = out[k];
    if (v === d) continue;
    if (typeof d === "boolean" && typeof v !== "boolean")
      throw new TypeError(`${where}: '${k}' must be a boolean, got ${describe(v)}`);
    // Strings stay allowed for numeric defaults: some options take a number or a mode ('same').
    if (typeof d === "number" && (typeof v === "boolean" || v === null))
      throw new TypeError(`${where}: '${k}' must be a number, got ${describe(v)}`);
  }
  return out as O;
}
