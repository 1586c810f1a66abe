// Module: the base of every layer. Parameters, buffers and submodules are discovered from the
// instance's own fields in declaration order (camelCase field → snake_case state-dict key, so
// `runningMean` saves as `running_mean` like PyTorch), or registered explicitly under exact names.

import { noGrad } from "../autograd/grad-mode.js";
import { backendByName, listBackends } from "../backend/registry.js";
import { checkDType, DTYPES, isDType, looksLikeDType, type DType } from "../dtype.js";
import { resolveArgs, type Args } from "../options.js";
import { fmtShape, shapesEqual } from "../shape.js";
import { Tensor } from "../tensor.js";
import { Buffer, bufferInfo, isParameter, Parameter } from "./parameter.js";
import { backwardHook, type BackwardHookFn, type BackwardPreHookFn, type Grads } from "./backward-hook.js";

/** camelCase → snake_case: inProjWeight → in_proj_weight, weightIhL0Reverse → weight_ih_l0_reverse. */
export const stateKey = (field: string): string => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

type Entry =
  | { kind: "param"; key: string; value: Tensor }
  | { kind: "buffer"; key: string; value: Tensor; persistent: boolean }
  | { kind: "module"; key: string; value: Module<never[], unknown> };

// Module<[Tensor], Tensor> is assignable here because methods are compared bivariantly.
export type AnyModule = Module<never[], unknown>;

/**
 * How a module was constructed, recorded by its constructor: one record that both prints the
 * module (torch's extra_repr) and rebuilds it (loadModel): `new Class(...args values, options)`.
 */
export interface ModuleConfig {
  /** The required (and, for containers, module) arguments by name, in call order. */
  args: [name: string, value: unknown][];
  /** The resolved options, defaults filled in; absent when the constructor takes none. */
  options?: Record<string, unknown>;
  /** When given, printing shows only the options that differ from these (torch prints losses bare). */
  printDefaults?: Record<string, unknown>;
}

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

type Hook = (m: unknown, args: unknown[], out: unknown) => unknown;
// Method-typed (bivariant, as Module's methods are), and AnyModule's never[] arguments read as
// unknown[]: so a Tanh, whose hooks take [Tensor], stays assignable to AnyModule.
type HookArgs<In extends unknown[]> = In extends never[] ? unknown[] : In;
type PreHook<M, In extends unknown[]> = { hook(module: M, args: HookArgs<In>): HookArgs<In> | HookArgs<In>[0] | void }["hook"];
type PostHook<M, In extends unknown[], Out> = { hook(module: M, args: HookArgs<In>, output: Out): Out | void }["hook"];
type BackwardHook<M> = { hook(module: M, gradInput: Grads, gradOutput: Grads): Grads | void }["hook"];
type BackwardPreHook<M> = { hook(module: M, gradOutput: Grads): Grads | void }["hook"];

/** What the register*Hook methods return: remove() takes the hook off again (torch.utils.hooks.RemovableHandle). */
export interface RemovableHandle {
  remove(): void;
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
  #config: ModuleConfig | undefined;
  // typed loosely: a field typed by In and Out would make Module invariant in them (AnyModule relies on bivariance)
  readonly #hooks = { pre: new Map<object, Hook>(), post: new Map<object, Hook>(), backward: new Map<object, BackwardHookFn>(), backwardPre: new Map<object, BackwardPreHookFn>() };

  abstract forward(...args: In): Out;

  /**
   * Runs hook(module, args) before every forward; a returned value replaces the arguments (an array
   * is the argument list, anything else the single argument). Hooks run in registration order.
   * Matches torch.nn.Module.register_forward_pre_hook. A hooked layer is never fused into its
   * neighbours by Sequential, so the hook sees its own call.
   */
  registerForwardPreHook(hook: PreHook<this, In>): RemovableHandle {
    return this.#addHook("pre", hook);
  }
  /**
   * Runs hook(module, args, output) after every forward; a returned value replaces the output.
   * Matches torch.nn.Module.register_forward_hook (feature maps for visualisation, activation statistics).
   * @example const feats: Tensor[] = []; model.at(0).registerForwardHook((_m, _args, out) => void feats.push(out));
   */
  registerForwardHook(hook: PostHook<this, In, Out>): RemovableHandle {
    return this.#addHook("post", hook);
  }
  /**
   * Runs hook(module, gradInput, gradOutput) in backward once the gradients w.r.t. this module's
   * arguments are known: gradOutput holds the gradients w.r.t. its outputs (a tensor or an array's
   * tensors; null where one got none), gradInput those w.r.t. its arguments (zeros for a tensor that
   * got none, as torch; null for non-tensors; all null when no argument requires grad, and the hook
   * then runs as soon as gradOutput is known). Hooks run in registration order. A
   * returned array replaces gradInput. Matches torch.nn.Module.register_full_backward_hook: the
   * arguments and outputs pass through an identity node (torch's BackwardHookFunction), so forward
   * sees views of the arguments and the caller gets views of the outputs.
   */
  registerFullBackwardHook(hook: BackwardHook<this>): RemovableHandle {
    return this.#addHook("backward", hook);
  }
  /**
   * Runs hook(module, gradOutput) in backward when the gradients w.r.t. this module's outputs are
   * known, before they flow into the module; a returned array replaces them.
   * Matches torch.nn.Module.register_full_backward_pre_hook.
   */
  registerFullBackwardPreHook(hook: BackwardPreHook<this>): RemovableHandle {
    return this.#addHook("backwardPre", hook);
  }
  #addHook(kind: "pre" | "post" | "backward" | "backwardPre", hook: (...a: never[]) => unknown): RemovableHandle {
    const method = { pre: "registerForwardPreHook", post: "registerForwardHook", backward: "registerFullBackwardHook", backwardPre: "registerFullBackwardPreHook" }[kind];
    if (typeof hook !== "function") throw new TypeError(`${this.constructor.name}.${method}: expected a function, got ${typeof hook}`);
    if (!Object.prototype.hasOwnProperty.call(this, "forward")) {
      // the instance's own forward (not enumerable, so not a field of the state dict) wraps the class's
      const plain = this.forward;
      const hooked = (...args: In): Out => {
        for (const h of this.#hooks.pre.values()) {
          const r = h(this, args, undefined);
          if (r !== undefined) args = (Array.isArray(r) ? r : [r]) as In;
        }
        const { backward, backwardPre } = this.#hooks;
        const bw = backward.size || backwardPre.size ? backwardHook(this, [...backward.values()], [...backwardPre.values()]) : null;
        if (bw) args = bw.inputs(args);
        let out = plain.apply(this, args);
        for (const h of this.#hooks.post.values()) {
          const r = h(this, args, out);
          if (r !== undefined) out = r as Out;
        }
        return bw ? bw.outputs(out) : out;
      };
      Object.defineProperty(this, "forward", { value: hooked, writable: true, configurable: true, enumerable: false });
    }
    const key = {};
    const hooks = this.#hooks[kind] as Map<object, unknown>;
    hooks.set(key, hook);
    return { remove: () => void hooks.delete(key) };
  }

  /**
   * Resolves PyTorch-style optional arguments (see options.ts) and records them with the required
   * ones as this module's config, so that it prints and saves with its arguments.
   */
  protected configure<O extends object>(
    where: string,
    required: Record<string, unknown>,
    rest: readonly unknown[],
    positional: readonly (keyof O & string)[],
    defaults: O,
    { printAll = true } = {},
  ): O {
    const options = resolveArgs(where, rest, positional, defaults);
    this.#config = { args: Object.entries(required), options: options as Record<string, unknown>, ...(printAll ? {} : { printDefaults: defaults as Record<string, unknown> }) };
    return options;
  }

  /** Records the constructor call for a module whose constructor does not go through configure(). */
  protected recordConfig(config: ModuleConfig): void {
    this.#config = config;
  }

  /** The recorded constructor call (Keras's get_config); undefined for classes that record none. */
  getConfig(): ModuleConfig | undefined {
    return this.#config;
  }

  /** This module's own arguments as one line, e.g. `inFeatures=784, outFeatures=128, bias=true` (torch's extra_repr). */
  extraRepr(): string {
    const c = this.getConfig();
    if (!c) return "";
    const shown: [string, unknown][] = [...c.args];
    for (const [k, v] of Object.entries(c.options ?? {})) {
      if (c.printDefaults && Object.is(c.printDefaults[k], v)) continue;
      if (k === "dtype" && v === "float32") continue;
      shown.push([k, v]);
    }
    return shown.flatMap(([k, v]) => { const s = reprValue(v); return s === undefined ? [] : [`${k}=${s}`]; }).join(", ");
  }

  /**
   * The module tree with each layer's arguments, as torch's print(model): children indented as
   * `(name): Child(...)`. Arguments print under myelin's (camelCase) names and JS values, so a
   * printed layer reads as the call that builds it: `Linear(inFeatures=784, outFeatures=128, bias=true)`.
   */
  toString(): string {
    const lines = this.extraRepr() ? [this.extraRepr()] : [];
    const children = this.namedChildren();
    for (const [name, m] of children) lines.push(`(${name}): ${m.toString().replace(/\n/g, "\n  ")}`);
    const head = this.constructor.name;
    if (children.length === 0) return `${head}(${lines.join(", ")})`;
    return `${head}(\n  ${lines.join("\n  ")}\n)`;
  }

  /** console.log(model) in Node prints the tree, as print(model) does in torch. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** Registers a parameter under an exact state-dict key (for names not expressible as fields). */
  registerParameter(key: string, t: Tensor | null): Tensor | null {
    // an existing parameter is kept as it is (its requiresGrad included), as torch's register_parameter
    const p = t && (isParameter(t) ? t : Parameter(t));
    if (p) this.#registered.set(key, { kind: "param", key, value: p });
    else this.#registered.delete(key);
    return p;
  }
  /** Registers a buffer under an exact state-dict key; null removes a registered one. */
  registerBuffer<T extends Tensor | null>(key: string, t: T, ...args: Args<[persistent: boolean], { persistent?: boolean }>): T {
    const { persistent } = resolveArgs(`${this.constructor.name}.registerBuffer`, args, ["persistent"], { persistent: true });
    if (t) this.#registered.set(key, { kind: "buffer", key, value: Buffer(t, { persistent }), persistent });
    else this.#registered.delete(key);
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
  loadStateDict(state: Record<string, Tensor>, ...args: Args<[strict: boolean], { strict?: boolean }>): LoadResult {
    const { strict } = resolveArgs("Module.loadStateDict", args, ["strict"], { strict: true });
    for (const [name, m] of this.namedModules()) m.materializeFrom(state, name ? `${name}.` : "");
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

  /** Lazy modules (LazyLinear) create their parameters here from the shapes in a state dict being loaded; others have none to create. */
  protected materializeFrom(_state: Record<string, Tensor>, _prefix: string): void {}

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

  /** Clears the gradients of all parameters: sets them to null (default, as torch 2.x) or, with `setToNone` false, to zeros. */
  zeroGrad(...args: Args<[setToNone: boolean], { setToNone?: boolean }>): void {
    const { setToNone } = resolveArgs(`${this.constructor.name}.zeroGrad`, args, ["setToNone"], { setToNone: true });
    for (const p of this.parameters()) {
      if (setToNone) p.grad = null;
      else if (p.grad) noGrad(() => p.grad!.assign(0));
    }
  }

  /**
   * Moves parameters and buffers in place (same Tensor objects, so an optimizer built before keeps
   * working), as torch.nn.Module.to: to('float64') converts the floating-point ones, to('cpu') or
   * to('wasm') moves all of them (and their gradients) to that device, to('cpu', 'float64') both.
   */
  to(target: string, dtype?: DType): this {
    const where = `${this.constructor.name}.to`;
    let device: string | undefined;
    let to: DType | undefined;
    if (isDType(target)) {
      if (dtype !== undefined) throw new TypeError(`${where}: got two dtypes ('${target}' and '${String(dtype)}'); pass a device and a dtype, or one of them`);
      to = target;
    } else {
      if (typeof target === "string" && looksLikeDType(target)) checkDType(where, target);
      if (typeof target !== "string" || !listBackends().includes(target))
        throw new TypeError(`${where}: ${typeof target === "string" ? `'${target}'` : String(target)} is neither a dtype (${DTYPES.join(", ")}) nor a device (${listBackends().join(", ")})`);
      device = target;
      if (dtype !== undefined) to = checkDType(where, dtype);
    }
    const tensors = [...this.parameters(), ...this.buffers()];
    noGrad(() => {
      if (device !== undefined) for (const t of tensors) t.relocate(backendByName(device));
      if (to !== undefined) for (const t of tensors) if (t.isFloatingPoint() && t.dtype !== to) t.retype(to);
    });
    return this;
  }
  /** Moves everything to the cpu backend (torch.nn.Module.cpu). */
  cpu(): this {
    return this.to("cpu");
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

/** A config value as printed, or undefined for what is not printed (modules, tensors, null, generators). */
function reprValue(v: unknown): string | undefined {
  if (v === null || v === undefined || typeof v === "function") return undefined;
  if (typeof v === "string") return `'${v}'`;
  if (typeof v === "number") return v !== 0 && Math.abs(v) < 1e-4 ? v.toExponential() : String(v); // eps=1e-5, as torch prints it
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) {
    const items = v.map(reprValue);
    return items.some((s) => s === undefined) ? undefined : `[${items.join(", ")}]`;
  }
  if (v instanceof Tensor) return `Tensor(${fmtShape(v.shape)})`;
  return undefined; // modules print as children; generators and other objects are not arguments one reads
}
