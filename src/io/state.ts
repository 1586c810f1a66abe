// Nested state (an optimizer's stateDict: tensors inside plain objects and arrays) split into a flat
// tensor dict for safetensors plus a JSON skeleton, and put back together. No file system here.

import { Tensor } from "../tensor.js";
import { setOwn, type StateDict } from "./safetensors.js";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** JSON with tensors allowed at any leaf: what optimizer.stateDict() returns. */
export type NestedState = Tensor | null | boolean | number | string | NestedState[] | { [key: string]: NestedState };

/**
 * Splits nested state into { tensors, skeleton }: every tensor moves to `tensors` under its dotted
 * path ("state.0.exp_avg", as torch flattens names) and is replaced in the skeleton by
 * {"__tensor__": path}. Non-finite numbers (JSON cannot hold them) become {"__number__": "Infinity"}.
 */
export function flattenState(state: NestedState): { tensors: StateDict; skeleton: JsonValue } {
  const tensors: StateDict = {};
  const walk = (v: NestedState, path: string[]): JsonValue => {
    if (v instanceof Tensor) {
      const key = path.join(".");
      if (Object.hasOwn(tensors, key)) throw new Error(`flattenState: two tensors map to the same name "${key}"; keys must not contain dots that collide`);
      setOwn(tensors, key, v);
      return { __tensor__: key };
    }
    if (typeof v === "number") return Number.isFinite(v) ? v : { __number__: String(v) };
    if (v === null || typeof v === "boolean" || typeof v === "string") return v;
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, String(i)]));
    if (typeof v === "object") {
      const out: { [key: string]: JsonValue } = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === "__tensor__" || k === "__number__") throw new Error(`flattenState: the key "${k}" is reserved`);
        setOwn(out, k, walk(x, [...path, k]));
      }
      return out;
    }
    throw new TypeError(`flattenState: ${path.join(".") || "the state"} is a ${typeof v}, which cannot be saved`);
  };
  const skeleton = walk(state, []);
  return { tensors, skeleton };
}

/** Rebuilds nested state from flattenState's output; a missing tensor is an error naming it. */
export function unflattenState(skeleton: JsonValue, tensors: StateDict): NestedState {
  const used = new Set<string>();
  const walk = (v: JsonValue): NestedState => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(walk);
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "__tensor__") {
      const name = v["__tensor__"];
      const t = typeof name === "string" && Object.hasOwn(tensors, name) ? tensors[name] : undefined;
      if (!t || typeof name !== "string") throw new Error(`unflattenState: tensor ${JSON.stringify(name)} is referenced by the state but missing from the tensor file`);
      used.add(name);
      return t;
    }
    if (keys.length === 1 && keys[0] === "__number__") return Number(v["__number__"]);
    const out: { [key: string]: NestedState } = {};
    for (const [k, x] of Object.entries(v)) setOwn(out, k, walk(x));
    return out;
  };
  const state = walk(skeleton);
  const extra = Object.keys(tensors).filter((k) => !used.has(k));
  if (extra.length) throw new Error(`unflattenState: the tensor file holds tensors the state does not reference: ${extra.join(", ")}`);
  return state;
}
