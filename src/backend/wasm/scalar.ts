// Scalar (one element at a time) semantics for the wasm backend's exact paths (float64, int32, bool,
// mixed dtypes): the shared tables of scalar-math.ts (the same as cpu.ts), and dtype store rules.

import type { DType } from "../../dtype.js";

export { binaryFns, int32Fns, unaryFns } from "../scalar-math.js";

/** A converter from a float64 result to what storing into `dtype` keeps (float → int truncates). */
export function storeFn(dtype: DType): ((v: number) => number) | null {
  switch (dtype) {
    case "int32":
      return (v) => Math.trunc(v) | 0;
    case "bool":
      return (v) => (v !== 0 ? 1 : 0);
    default:
      return null; // Float32Array/Float64Array assignment already rounds correctly
  }
}
