// Element types and the promotion rules between them (PyTorch's: bool < int32 < float32 < float64).

export type DType = "float32" | "float64" | "int32" | "bool";
export type FloatDType = "float32" | "float64";
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Allocates a zero-filled typed array holding `length` elements of `dtype`. */
export function allocArray(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(length);
    case "float64":
      return new Float64Array(length);
    case "int32":
      return new Int32Array(length);
    case "bool":
      return new Uint8Array(length);
  }
}

/** The dtype a typed array naturally holds (Uint8Array is read as bool). */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return "bool";
}

export function isFloating(d: DType): d is FloatDType {
  return d === "float32" || d === "float64";
}

/** The smallest dtype both `a` and `b` convert to without losing their kind (torch.promote_types). */
export function promoteTypes(a: DType, b: DType): DType {
  return rank[a] >= rank[b] ? a : b;
}

const category = (d: DType): number => (d === "bool" ? 0 : d === "int32" ? 1 : 2);

/**
 * The result dtype of `a <op> b` for tensors: as in torch.result_type, a 0-d tensor only decides
 * the dtype when its kind (bool < integer < float) is higher than the other operand's, so
 * ones([2]) + tensor(1, float64) stays float32 but an int32 vector + a float64 0-d tensor is float64.
 */
export function promoteTensorTypes(a: DType, aZeroDim: boolean, b: DType, bZeroDim: boolean): DType {
  if (aZeroDim === bZeroDim) return promoteTypes(a, b);
  const [dim, zero] = aZeroDim ? [b, a] : [a, b];
  return category(zero) > category(dim) ? zero : dim;
}

/**
 * The result dtype of `tensor <op> scalar`. As in PyTorch, a Python-style number does not widen a
 * tensor of the same kind (float32 + 0.5 stays float32), but a fractional number turns an integer
 * or bool tensor into float32.
 */
export function promoteWithScalar(d: DType, value: number | boolean): DType {
  if (typeof value === "boolean") return d;
  if (isFloating(d)) return d;
  if (!Number.isInteger(value)) return "float32";
  return d === "bool" ? "int32" : d;
}

/** Rounds/converts a JS number the way storing into `dtype` does. */
export function castScalar(v: number, dtype: DType): number {
  switch (dtype) {
    case "float32":
      return Math.fround(v);
    case "float64":
      return v;
    case "int32":
      return Math.trunc(v) | 0;
    case "bool":
      return v !== 0 ? 1 : 0;
  }
}
