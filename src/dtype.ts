// Element types and the promotion rules between them (PyTorch's: bool < int32 < float32 < float64).

export type DType = "float32" | "float64" | "int32" | "bool";
export type FloatDType = "float32" | "float64";
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

/** Bytes per element (torch.Tensor.itemsize). */
export const ITEMSIZE: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4, bool: 1 };

const HINTS: Record<string, string> = {
  int64: "myelin's integer dtype is int32", long: "myelin's integer dtype is int32", int: "use 'int32'", int8: "myelin's integer dtype is int32",
  int16: "myelin's integer dtype is int32", uint8: "use 'bool' for masks or 'int32' for integers", float: "use 'float32'", double: "use 'float64'",
  float16: "half precision is not supported; use 'float32'", half: "half precision is not supported; use 'float32'", bfloat16: "bfloat16 is not supported; use 'float32'",
};

/**
 * Returns `d` when it names one of myelin's dtypes, and throws otherwise, naming `where`, the value
 * and the valid dtypes: an unknown dtype must stop where it enters, before it reaches a backend.
 */
export function checkDType(where: string, d: unknown): DType {
  if (typeof d === "string" && (DTYPES as readonly string[]).includes(d)) return d as DType;
  const shown = typeof d === "string" ? `'${d}'` : String(d);
  const hint = typeof d === "string" && Object.hasOwn(HINTS, d) ? ` (${HINTS[d]})` : "";
  throw new TypeError(`${where}: unknown dtype ${shown}${hint}; expected one of ${DTYPES.join(", ")}`);
}

/** Whether `s` reads like a dtype name (int64, float16, double, …), known or not: picks the error to give. */
export const looksLikeDType = (s: string): boolean => /^(u?int|float|bfloat|half|double|long|short|complex|bool)/.test(s);

/** Whether `d` names one of myelin's dtypes. */
export const isDType = (d: unknown): d is DType => typeof d === "string" && (DTYPES as readonly string[]).includes(d);

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
  if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) return "float32"; // as nested arrays: a whole number past int32 is a float, not a wrap
  return d === "bool" ? "int32" : d;
}

/** Rounds/converts a JS number the way storing into `dtype` does. */
export function castScalar(v: number, dtype: DType): number {
  switch (dtype) {
    case "float32":
      return Math.fround(v);
    case "float64":
      return v;
    case "int32": // saturating like the cast kernels; NaN becomes 0
      return Number.isNaN(v) ? 0 : Math.min(2147483647, Math.max(-2147483648, Math.trunc(v)));
    case "bool":
      return v !== 0 ? 1 : 0;
  }
}
