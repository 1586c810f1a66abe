// Whole models to and from safetensors bytes: the state dict as tensors, and the architecture (each
// module's class and recorded constructor arguments, see Module.getConfig) as JSON in the metadata.
// File helpers (saveModel/loadModel) live in io/node/model.ts.

import * as nn from "../nn/index.js";
import { Module, type AnyModule } from "../nn/module.js";
import { tensor } from "../ops/creation.js";
import { Tensor } from "../tensor.js";
import type { DType } from "../dtype.js";
import { parseSafetensors, serializeSafetensors } from "./safetensors.js";

/** The metadata key that holds the architecture. */
export const MODEL_KEY = "myelin.model";
const VERSION = 1;

/** A module class that loadModel may construct. */
export type ModuleClass = abstract new (...args: never[]) => AnyModule;

export interface LoadModelOptions {
  /** Your own Module subclasses used in the saved model (myelin's nn classes are always known). */
  classes?: readonly ModuleClass[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface ModuleSpec {
  class: string;
  args: Json[];
  options?: Json;
}

/** myelin's own module classes by name. */
function builtinClasses(): Map<string, ModuleClass> {
  const out = new Map<string, ModuleClass>();
  for (const v of Object.values(nn)) if (typeof v === "function" && v.prototype instanceof Module) out.set(v.name, v as unknown as ModuleClass);
  return out;
}

const isPlain = (v: object): boolean => Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null;

/** A config value as JSON; undefined for what cannot be saved (generators, functions), which rebuilds with its default. */
function encode(v: unknown, where: string): Json | undefined {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? v : { $number: String(v) };
  if (v instanceof Module) return { $module: encodeModule(v as AnyModule, where) as unknown as Json };
  if (v instanceof Tensor) return { $tensor: { dtype: v.dtype, shape: [...v.shape], data: Array.from(v.dataSync(), Number) } };
  if (Array.isArray(v)) return v.map((x, i) => encode(x, `${where}[${i}]`) ?? null);
  if (typeof v === "object" && isPlain(v)) {
    const out: Record<string, Json> = {};
    for (const [k, x] of Object.entries(v)) {
      const e = encode(x, `${where}.${k}`);
      if (e !== undefined) out[k] = e;
    }
    return out;
  }
  return undefined;
}

function encodeModule(m: AnyModule, where: string): ModuleSpec {
  const c = m.getConfig();
  const spec: ModuleSpec = { class: m.constructor.name, args: (c?.args ?? []).map(([name, v]) => encode(v, `${where}(${name})`) ?? null) };
  if (c?.options) spec.options = encode(c.options, where) ?? {};
  return spec;
}

function decode(v: Json, classes: Map<string, ModuleClass>): unknown {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => decode(x, classes));
  if ("$number" in v) return Number(v.$number);
  if ("$module" in v) return buildModule(v.$module as unknown as ModuleSpec, classes);
  if ("$tensor" in v) {
    const t = v.$tensor as { dtype: DType; shape: number[]; data: number[] };
    return tensor(t.data, { dtype: t.dtype, shape: t.shape });
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x, classes)]));
}

function buildModule(spec: ModuleSpec, classes: Map<string, ModuleClass>): AnyModule {
  const Cls = classes.get(spec.class);
  if (!Cls)
    throw new Error(
      `loadModel: the saved model uses the class '${spec.class}', which is not one of myelin's nn modules; ` +
        `pass your class: loadModel(path, { classes: [${spec.class}] })`,
    );
  const args = spec.args.map((a) => decode(a, classes));
  if (spec.options !== undefined) args.push(decode(spec.options, classes));
  return new (Cls as unknown as new (...a: unknown[]) => AnyModule)(...args);
}

/** The module tree as [name, class] pairs: compared after rebuilding, so a mismatching class is an error, not a silent difference. */
const treeOf = (m: AnyModule): [string, string][] => m.namedModules().map(([n, c]) => [n, c.constructor.name]);

/**
 * A model's weights and architecture as safetensors bytes. Each module must be one of myelin's nn
 * classes, or a class of yours that records its constructor arguments (this.configure or
 * this.recordConfig in its constructor) or builds itself without arguments.
 */
export function serializeModel(model: AnyModule): Uint8Array {
  if (!(model instanceof Module)) throw new TypeError(`saveModel: expected a Module, got ${model === null ? "null" : typeof model}`);
  const arch = { version: VERSION, root: encodeModule(model, model.constructor.name), tree: treeOf(model) };
  return serializeSafetensors(model.stateDict(), { format: "pt", [MODEL_KEY]: JSON.stringify(arch) });
}

/** Rebuilds a model from serializeModel's bytes: constructs the saved classes with their arguments, then loads the weights (strictly). */
export function deserializeModel(bytes: Uint8Array, { classes = [] }: LoadModelOptions = {}, where = "loadModel"): AnyModule {
  const { tensors, metadata } = parseSafetensors(bytes);
  const text = metadata[MODEL_KEY];
  if (text === undefined)
    throw new Error(`${where}: the file has no model architecture (no '${MODEL_KEY}' metadata); it is a plain state dict: build the model and call model.loadStateDict(loadSafetensors(path))`);
  const arch = JSON.parse(text) as { version: number; root: ModuleSpec; tree: [string, string][] };
  if (arch.version !== VERSION) throw new Error(`${where}: model format version ${arch.version} is not supported (this myelin reads version ${VERSION})`);
  const known = builtinClasses();
  for (const c of classes) known.set(c.name, c);
  const model = buildModule(arch.root, known);
  const tree = treeOf(model);
  if (JSON.stringify(tree) !== JSON.stringify(arch.tree)) {
    const diff = arch.tree.find(([n, c], i) => tree[i]?.[0] !== n || tree[i]?.[1] !== c);
    throw new Error(`${where}: the rebuilt model does not match the saved one at module '${diff?.[0] ?? "?"}' (saved ${diff?.[1] ?? "?"}); a class given in 'classes' must rebuild the same submodules`);
  }
  // parameters come back in the dtype they were saved in (a model converted with .to("float64") stays float64)
  const own = model.stateDict();
  const dtypes = new Set(Object.entries(tensors).filter(([k, t]) => own[k]?.isFloatingPoint() && t.isFloatingPoint()).map(([, t]) => t.dtype));
  if (dtypes.size === 1) model.to([...dtypes][0]!);
  model.loadStateDict(tensors);
  return model;
}
