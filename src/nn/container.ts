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
  forward(x: Tensor): Tensor {
    const items = this.#items;
    for (let i = 0; i < items.length; i++) {
      const m = items[i]!, next = items[i + 1], third = items[i + 2];
      // runs of modules (no forward overridden) that run as fused ops, with the same values and
      // gradients: a Conv2d, a ReLU and a 2x2 MaxPool2d (the convolution's kernel may pool its output
      // while it is in cache); a ReLU then a MaxPool2d (the ReLU on the pooled values); a Linear or
      // Conv2d then a ReLU
      if (m instanceof Conv2d && plain(m, Conv2d) && next && reluPool(next, third) && third.halves) {
        x = third.forwardRelu(m.forward(x, false, true));
        i += 2;
      } else if (reluPool(m, next)) {
        x = next.forwardRelu(x);
        i++;
      } else if (next instanceof ReLU && plain(next, ReLU) && !reluPool(next, third) && ((m instanceof Linear && plain(m, Linear)) || (m instanceof Conv2d && plain(m, Conv2d)))) {
        x = m.forwardRelu(x);
        i++;
      } else x = (m as unknown as TensorModule).forward(x);
    }
    return x;
  }
}

/** Whether m runs class C's own forward (not an override). */
const plain = (m: { forward: unknown }, C: { prototype: { forward: unknown } }): boolean => m.forward === C.prototype.forward;
/** A ReLU then a MaxPool2d without indices, both plain: the pool's forwardRelu runs them. */
const reluPool = (a: AnyModule, b: AnyModule | undefined): b is MaxPool2d =>
  a instanceof ReLU && plain(a, ReLU) && b instanceof MaxPool2d && plain(b, MaxPool2d) && !b.returnIndices;

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
