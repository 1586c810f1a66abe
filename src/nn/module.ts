// Module: the base of every layer. Parameters, buffers and submodules are discovered from the
// instance's own fields in declaration order (camelCase field → snake_case state-dict key, so
// `runningMean` saves as `running_mean` like PyTorch), or registered explicitly under exact names.

import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../dtype.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { Buffer, bufferInfo, isParameter, Parameter } from "./parameter.js";

/** camelCase → snake_case: inProjWeight → in_proj_weight, weightIhL0Reverse → weight_ih_l0_reverse. */
export const stateKey = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

type Entry =
  | { kind: "param"; key: string; value: Tensor }
  | { kind: "buffer"; key: string; value: Tensor; persistent: boolean }
  | { kind: "module"; key: string; value: Module<never[], unknown> };

// Module<[Tensor], Tensor> is assignable here because methods are compared bivariantly.
export type AnyModule = Module<never[], unknown>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * Base class for layers and models (torch.nn.Module). Subclasses declare parameters as fields
 * (`this.weight = Parameter(...)`), buffers with `Buffer(...)`, submodules as fields or arrays of
 * modules, and implement forward().
 */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (dropout active, batch norm uses batch statistics); see train()/eval(). */
  training = true;
  readonly #registered = new Map<string, Entry>();

  abstract forward(...args: In): Out;

  /** Registers a parameter under an exact state-dict key (for names not expressible as fields). */
  registerParameter(key: string, t: Tensor | null): Tensor | null {
    if (t) this.#registered.set(key, { kind: "param", key, value: Parameter(t) });
    else this.#registered.delete(key);
    return t;
  }
  registerBuffer(key: string, t: Tensor, { persistent = true } = {}): Tensor {
    this.#registered.set(key, { kind: "buffer", key, value: Buffer(t, { persistent }), persistent });
    return t;
  }
  registerModule<M extends AnyModule>(key: string, m: M): M {
    this.#registered.set(key, { kind: "module", key, value: m });
    return m;
  }

  /** This module's own entries, in declaration order. */
  #entries(): Entry[] {
    const out: Entry[] = [];
    for (const [field, value] of Object.entries(this)) {
      const key = stateKey(field);
      if (value instanceof Tensor) {
        if (isParameter(value)) out.push({ kind: "param", key, value });
        else {
          const info = bufferInfo(value);
          if (info) out.push({ kind: "buffer", key, value, persistent: info.persistent });
        }
      } else if (value instanceof Module) {
        out.push({ kind: "module", key, value: value as AnyModule });
      } else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        value.forEach((m: AnyModule, i) => out.push({ kind: "module", key: `${key}.${i}`, value: m }));
      }
    }
    return [...out, ...this.#registered.values()];
  }

  /** [name, module] for direct children. */
  namedChildren(): [string, AnyModule][] {
    return this.#entries().flatMap((e) => (e.kind === "module" ? [[e.key, e.value] as [string, AnyModule]] : []));
  }
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }
  /** This module and all descendants, with dotted names ("" for this one). */
  namedModules(prefix = ""): [string, AnyModule][] {
    const out: [string, AnyModule][] = [[prefix, this]];
    for (const [name, m] of this.namedChildren()) out.push(...m.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  #named(kind: "param" | "buffer", recurse: boolean, persistentOnly = false, dedupe = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    const visit = (m: AnyModule, prefix: string): void => {
      for (const e of m.#entries()) {
        if (e.kind === kind && !(dedupe && seen.has(e.value)) && !(persistentOnly && e.kind === "buffer" && !e.persistent)) {
          seen.add(e.value);
          out.push([prefix + e.key, e.value]);
        }
      }
      if (recurse) for (const e of m.#entries()) if (e.kind === "module") visit(e.value, `${prefix}${e.key}.`);
    };
    visit(this, "");
    return out;
  }

  /** [name, parameter] pairs, recursively, each parameter once (torch.nn.Module.named_parameters). */
  namedParameters(recurse = true): [string, Tensor][] {
    return this.#named("param", recurse);
  }
  parameters(recurse = true): Tensor[] {
    return this.namedParameters(recurse).map(([, p]) => p);
  }
  namedBuffers(recurse = true): [string, Tensor][] {
    return this.#named("buffer", recurse);
  }
  buffers(recurse = true): Tensor[] {
    return this.namedBuffers(recurse).map(([, b]) => b);
  }

  /** Parameters and persistent buffers by PyTorch key, in PyTorch's order (own entries, then children). */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const visit = (m: AnyModule, prefix: string): void => {
      const entries = m.#entries();
      for (const e of entries) if (e.kind === "param") out[prefix + e.key] = e.value.detach();
      for (const e of entries) if (e.kind === "buffer" && e.persistent) out[prefix + e.key] = e.value.detach();
      for (const e of entries) if (e.kind === "module") visit(e.value, `${prefix}${e.key}.`);
    };
    visit(this, "");
    return out;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers (converted to their
   * dtypes). With strict (default) any missing or unexpected key is an error; shapes must match.
   */
  loadStateDict(state: Record<string, Tensor>, { strict = true } = {}): LoadResult {
    // Every key, shared (tied) tensors under each of their names, as stateDict() writes them and torch loads them.
    const own = new Map<string, Tensor>([...this.#named("param", true, false, false), ...this.#named("buffer", true, true, false)]);
    const missingKeys = [...own.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !own.has(k));
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(", ")}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
    for (const [k, t] of own) {
      const src = state[k];
      if (src && !shapesEqual(src.shape, t.shape))
        problems.push(`size mismatch for ${k}: copying a tensor of shape ${fmtShape(src.shape)} from the state dict, the shape in this model is ${fmtShape(t.shape)}`);
    }
    if (problems.length) throw new Error(`loadStateDict: error(s) loading state dict for ${this.constructor.name}:\n  ${problems.join("\n  ")}`);
    noGrad(() => {
      for (const [k, t] of own) {
        const src = state[k];
        if (src) t.assign(src.to(t.device));
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** Sets training mode on this module and all descendants. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every submodule (children first) and then on this module (torch.nn.Module.apply). */
  apply(fn: (m: AnyModule) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  /** Clears the gradients of all parameters. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Converts floating-point parameters and buffers to `dtype` (in place: same Tensor objects). */
  to(dtype: DType): this {
    noGrad(() => {
      for (const t of [...this.parameters(), ...this.buffers()]) if (t.isFloatingPoint() && t.dtype !== dtype) t.retype(dtype);
    });
    return this;
  }
  double(): this {
    return this.to("float64");
  }
  float(): this {
    return this.to("float32");
  }

  /** Number of parameter elements (trainable only when asked). */
  numParameters({ trainableOnly = false } = {}): number {
    return this.parameters().filter((p) => !trainableOnly || p.requiresGrad).reduce((a, p) => a + p.numel, 0);
  }
}
