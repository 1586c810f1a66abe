// ParameterList and ParameterDict: parameters held by position or by name, registered under "0",
// "1", … or their keys, so parameters(), namedParameters() and stateDict() see them as torch does.

import { Tensor } from "../tensor.js";
import { Module, type ModuleConfig } from "./module.js";
import { isParameter, Parameter } from "./parameter.js";

/** A tensor as a parameter: parameters are kept as they are, plain tensors become parameters (as torch wraps them). */
function asParameter(owner: string, where: string, t: Tensor): Tensor {
  if (!(t instanceof Tensor))
    throw new TypeError(`${owner}: expected a Tensor ${where}, got ${t === null ? "null" : typeof t}`);
  return isParameter(t) ? t : Parameter(t);
}

/** Torch's listing of held parameters: `(key): Parameter containing: [float32 of size 2x3]`. */
function listing(head: string, items: [string, Tensor][]): string {
  if (items.length === 0) return `${head}()`;
  const size = (t: Tensor): string => (t.ndim === 0 ? "" : ` of size ${t.shape.join("x")}`);
  return `${head}(\n${items.map(([k, t]) => `  (${k}): Parameter containing: [${t.dtype}${size(t)}]`).join("\n")}\n)`;
}

/**
 * Parameters by position: state-dict keys "0", "1", …; append, extend, at (negative counts from the
 * end), set, length, iteration. It has no forward. Matches torch.nn.ParameterList (values=None).
 */
export class ParameterList extends Module<never[], never> {
  readonly #items: Tensor[] = [];
  constructor(values: Iterable<Tensor> = []) {
    super();
    this.extend(values);
  }
  override getConfig(): ModuleConfig {
    return { args: [["values", [...this.#items]]] };
  }
  append(value: Tensor): this {
    const p = asParameter("nn.ParameterList", `at ${this.#items.length}`, value);
    this.#items.push(this.registerParameter(String(this.#items.length), p)!);
    return this;
  }
  extend(values: Iterable<Tensor>): this {
    if (values === null || typeof (values)[Symbol.iterator] !== "function")
      throw new TypeError(`nn.ParameterList: extend expects an iterable of tensors, got ${values === null ? "null" : typeof values}`);
    for (const v of values) this.append(v);
    return this;
  }
  #index(i: number): number {
    const j = i < 0 ? i + this.#items.length : i;
    if (!Number.isInteger(i) || j < 0 || j >= this.#items.length) throw new RangeError(`nn.ParameterList: index ${i} is out of range for ${this.#items.length} parameters`);
    return j;
  }
  at(i: number): Tensor {
    return this.#items[this.#index(i)]!;
  }
  /** Replaces the parameter at position i (its key stays `i`). */
  set(i: number, value: Tensor): this {
    const j = this.#index(i);
    this.#items[j] = this.registerParameter(String(j), asParameter("nn.ParameterList", `at ${j}`, value))!;
    return this;
  }
  get length(): number {
    return this.#items.length;
  }
  [Symbol.iterator](): Iterator<Tensor> {
    return this.#items[Symbol.iterator]();
  }
  override toString(): string {
    return listing("ParameterList", this.#items.map((t, i) => [String(i), t]));
  }
  forward(): never {
    throw new Error("nn.ParameterList has no forward; use its parameters in the owner's forward");
  }
}

/**
 * Parameters by name, in insertion order (replacing keeps the position; a record passed to the
 * constructor or update() is taken in sorted key order, as torch 1.13 takes a dict); the keys are
 * the state-dict keys and may not contain '.'. get, set, has, delete, pop, update, keys, values,
 * entries, size. It has no forward. Matches torch.nn.ParameterDict (parameters=None).
 */
export class ParameterDict extends Module<never[], never> {
  readonly #items = new Map<string, Tensor>();
  constructor(parameters: Record<string, Tensor> | Iterable<readonly [string, Tensor]> = {}) {
    super();
    this.update(parameters);
  }
  override getConfig(): ModuleConfig {
    return { args: [["parameters", this.entries()]] }; // pairs, so that the order survives a rebuild
  }
  set(key: string, value: Tensor): this {
    if (typeof key !== "string" || key === "" || key.includes(".")) throw new Error(`nn.ParameterDict: parameter name '${String(key)}' must be a non-empty string without '.'`);
    this.#items.set(key, this.registerParameter(key, asParameter("nn.ParameterDict", `for '${key}'`, value))!);
    return this;
  }
  get(key: string): Tensor {
    const t = this.#items.get(key);
    if (!t) throw new Error(`nn.ParameterDict: no parameter named '${key}' (have: ${[...this.#items.keys()].join(", ") || "none"})`);
    return t;
  }
  has(key: string): boolean {
    return this.#items.has(key);
  }
  /** Removes `key`; true when it was there. */
  delete(key: string): boolean {
    if (!this.#items.delete(key)) return false;
    this.registerParameter(key, null);
    return true;
  }
  /** Removes `key` and returns its parameter (an error when absent, as torch's pop). */
  pop(key: string): Tensor {
    const t = this.get(key);
    this.delete(key);
    return t;
  }
  clear(): void {
    for (const k of this.keys()) this.delete(k);
  }
  /** Adds or replaces the given parameters: a record (taken in sorted key order, as torch takes a dict), a Map or [key, tensor] pairs (in their order). */
  update(parameters: Record<string, Tensor> | Iterable<readonly [string, Tensor]>): this {
    if (parameters === null || typeof parameters !== "object") throw new TypeError(`nn.ParameterDict: expected a record or [key, tensor] pairs, got ${parameters === null ? "null" : typeof parameters}`);
    // torch 1.13 sorts the keys of a plain mapping, and keeps the order of an OrderedDict or pairs
    const pairs = Symbol.iterator in parameters ? [...parameters] : Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`nn.ParameterDict: each update entry must be a [key, tensor] pair, got ${Array.isArray(pair) ? `${(pair as unknown[]).length} items` : typeof pair}`);
      this.set(pair[0], pair[1]);
    }
    return this;
  }
  keys(): string[] {
    return [...this.#items.keys()];
  }
  values(): Tensor[] {
    return [...this.#items.values()];
  }
  entries(): [string, Tensor][] {
    return [...this.#items.entries()];
  }
  get size(): number {
    return this.#items.size;
  }
  override toString(): string {
    return listing("ParameterDict", this.entries());
  }
  forward(): never {
    throw new Error("nn.ParameterDict has no forward; look its parameters up in the owner's forward");
  }
}
