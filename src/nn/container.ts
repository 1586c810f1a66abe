// Containers: Sequential (chains modules), ModuleList and ModuleDict (hold modules for the owner's
// forward). Children are registered under "0", "1", … or their names, as PyTorch keys them.

import type { Tensor } from "../tensor.js";
import { ReLU } from "./activation.js";
import { Conv2d } from "./conv.js";
import { MaxPool2d } from "./pooling.js";
import { Linear } from "./linear.js";
import { Module, type AnyModule, type ModuleConfig } from "./module.js";

type TensorModule = Module<[Tensor], Tensor>;

const isModuleRecord = (v: unknown): v is Record<string, AnyModule> =>
  typeof v === "object" && v !== null && !(v instanceof Module) && Object.values(v).every((m) => m instanceof Module);

function checkKey(owner: string, key: string): void {
  if (key === "" || key.includes(".")) throw new Error(`${owner}: module name '${key}' must be non-empty and contain no '.'`);
}

/**
 * Applies its modules in order: new Sequential(a, b, c) keys children "0", "1", "2"; new
 * Sequential({ fc1: a, act: b }) keys them by name. Matches torch.nn.Sequential.
 */
export class Sequential extends Module {
  readonly #items: AnyModule[] = [];
  #named = false;
  constructor(...modules: AnyModule[] | [Record<string, AnyModule>]) {
    super();
    if (modules.length === 1 && isModuleRecord(modules[0])) {
      this.#named = true;
      for (const [name, m] of Object.entries(modules[0])) {
        checkKey("Sequential", name);
        this.#items.push(this.registerModule(name, m));
      }
    } else {
      for (const m of modules as AnyModule[]) this.append(m);
    }
  }
  /** Rebuilds as new Sequential(...children), or new Sequential({ name: child, … }) when built by name. */
  override getConfig(): ModuleConfig {
    return this.#named ? { args: [["modules", Object.fromEntries(this.namedChildren())]] } : { args: this.namedChildren() };
  }
  /** Adds a module at the end (key = its position). */
  append(m: AnyModule): this {
    if (!(m instanceof Module)) throw new TypeError(`Sequential: expected a Module, got ${m === null ? "null" : typeof m}${typeof m === "function" ? " (a class or function; did you forget `new`?)" : ""}`);
    this.#items.push(this.registerModule(String(this.#items.length), m));
    return this;
  }
  /** The i-th module (negative i counts from the end). */
  at(i: number): AnyModule {
    const m = this.#items.at(i);
    if (!m) throw new RangeError(`Sequential: index ${i} is out of range for ${this.#items.length} modules`);
    return m;
  }
  get length(): number {
    return this.#items.length;
  }
  [Symbol.iterator](): Iterator<AnyModule> {
    return this.#items[Symbol.iterator]();
  }
  /** Runs the modules in order; runs of them that match a row of FUSIONS run as that row's one fused call. */
  forward(x: Tensor): Tensor {
    const items = this.#items;
    for (let i = 0; i < items.length; ) {
      const f = fusionAt(items, i);
      if (f) {
        x = f.run(x, ...items.slice(i, i + f.match.length));
        i += f.match.length;
      } else x = (items[i++] as unknown as TensorModule).forward(x);
    }
    return x;
  }
}

/**
 * A run of modules that executes as one fused op with the same values and gradients: `match` tests
 * the modules in order, `run` executes them all on x.
 */
interface Fusion {
  match: ((m: AnyModule) => boolean)[];
  run: (x: Tensor, ...ms: AnyModule[]) => Tensor;
}
/** A Fusion whose run gets the modules typed as its predicates narrowed them. */
const fusion = <T extends AnyModule[]>(match: { [K in keyof T]: (m: AnyModule) => m is T[K] }, run: (x: Tensor, ...ms: NoInfer<T>) => Tensor): Fusion =>
  ({ match, run: run as Fusion["run"] });

/** A module of class C that runs C's own forward (not an override): only those fuse. */
const plain = <M extends AnyModule>(C: (abstract new (...args: never) => M) & { prototype: M }) => (m: AnyModule): m is M =>
  m instanceof C && m.forward === C.prototype.forward;
const isConv = plain(Conv2d), isLinear = plain(Linear), isReLU = plain(ReLU), isPool = plain(MaxPool2d);
/** A plain MaxPool2d without indices (its forwardRelu takes a ReLU in). */
const pool = (m: AnyModule): m is MaxPool2d => isPool(m) && !m.returnIndices;

/**
 * Sequential's fusions, one row each. At each module the longest matching row runs, unless a match
 * starting inside it reaches further (Linear, ReLU, MaxPool2d: the ReLU fuses into the pool, the
 * Linear runs alone); unmatched modules run their forward.
 */
const FUSIONS: Fusion[] = [
  // the convolution's kernel pools its output while it is in cache; the pool op checks the shapes and uses it
  fusion([isConv, isReLU, (m): m is MaxPool2d => pool(m) && m.halves], (x, conv, _, p) => p.forwardRelu(conv.forward(x, false, true))),
  // max and ReLU commute bit for bit: the ReLU runs on the pooled values
  fusion([isReLU, pool], (x, _, p) => p.forwardRelu(x)),
  // the ReLU runs on the output as the kernel stores it
  fusion([(m): m is Linear | Conv2d => isLinear(m) || isConv(m), isReLU], (x, m, _) => m.forwardRelu(x)),
];

/** The longest row of FUSIONS matching items from i, or none when a match starting inside it reaches further. */
function fusionAt(items: readonly AnyModule[], i: number): Fusion | undefined {
  const f = longest(items, i), end = i + (f?.match.length ?? 0);
  for (let j = i + 1; j < end; j++) if ((longest(items, j)?.match.length ?? 0) > end - j) return undefined;
  return f;
}

/** The longest row of FUSIONS whose predicates accept items j, j + 1, …; none where no row does. */
function longest(items: readonly AnyModule[], j: number): Fusion | undefined {
  let best: Fusion | undefined;
  for (const f of FUSIONS) {
    const n = f.match.length;
    if (n <= (best?.match.length ?? 0) || j + n > items.length) continue;
    let k = 0;
    while (k < n && f.match[k]!(items[j + k]!)) k++;
    if (k === n) best = f;
  }
  return best;
}

/** A list of modules registered as children "0", "1", …; it has no forward. Matches torch.nn.ModuleList. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  readonly #items: M[] = [];
  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }
  override getConfig(): ModuleConfig {
    return { args: [["modules", [...this.#items]]] };
  }
  append(m: M): this {
    if (!(m instanceof Module)) throw new TypeError(`ModuleList: expected a Module, got ${typeof m}`);
    this.#items.push(this.registerModule(String(this.#items.length), m));
    return this;
  }
  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }
  at(i: number): M {
    const m = this.#items.at(i);
    if (!m) throw new RangeError(`ModuleList: index ${i} is out of range for ${this.#items.length} modules`);
    return m;
  }
  get length(): number {
    return this.#items.length;
  }
  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }
  forward(): never {
    throw new Error("ModuleList has no forward; iterate over it in the owner's forward");
  }
}

/** Modules by name, in insertion order; it has no forward. Matches torch.nn.ModuleDict. */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  readonly #items = new Map<string, M>();
  constructor(modules: Record<string, M> = {}) {
    super();
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }
  override getConfig(): ModuleConfig {
    return { args: [["modules", Object.fromEntries(this.#items)]] };
  }
  /** Adds or replaces (keeping its position) the module under `key`. */
  set(key: string, m: M): this {
    checkKey("ModuleDict", key);
    if (!(m instanceof Module)) throw new TypeError(`ModuleDict: expected a Module for '${key}', got ${typeof m}`);
    this.#items.set(key, this.registerModule(key, m));
    return this;
  }
  get(key: string): M {
    const m = this.#items.get(key);
    if (!m) throw new Error(`ModuleDict: no module named '${key}' (have: ${[...this.#items.keys()].join(", ")})`);
    return m;
  }
  has(key: string): boolean {
    return this.#items.has(key);
  }
  keys(): string[] {
    return [...this.#items.keys()];
  }
  values(): M[] {
    return [...this.#items.values()];
  }
  entries(): [string, M][] {
    return [...this.#items.entries()];
  }
  get size(): number {
    return this.#items.size;
  }
  forward(): never {
    throw new Error("ModuleDict has no forward; look modules up in the owner's forward");
  }
}
