// Text forms of tensors: PyTorch-style repr (`tensor([[1.0000, 2.0000]], requires_grad=True)`)
// and nested JS arrays.

import type { DType, TypedArray } from "./dtype.js";

export type Nested = number | boolean | Nested[];

/** Turns flat row-major data into nested arrays of `shape` (bools become booleans). */
export function toNested(data: TypedArray, shape: readonly number[], dtype: DType): Nested {
  const conv = dtype === "bool" ? (v: number): Nested => v !== 0 : (v: number): Nested => v;
  if (shape.length === 0) return conv(data[0]!);
  const build = (d: number, at: number): Nested[] => {
    const n = shape[d]!;
    const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => (d === shape.length - 1 ? conv(data[at + i]!) : build(d + 1, at + i * stride)));
  };
  return build(0, 0);
}

const EDGE = 3;
const THRESHOLD = 1000;

/** Formats numbers the way torch does: a shared width, fixed or scientific notation by range. */
function numberFormatter(values: number[], dtype: DType): (v: number) => string {
  if (dtype === "bool") return (v) => (v ? "True" : "False");
  if (dtype === "int32") {
    const w = Math.max(...values.map((v) => String(v).length), 1);
    return (v) => String(v).padStart(w);
  }
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v > 0);
  const allInt = finite.every((v) => Number.isInteger(v));
  const max = abs.length ? Math.max(...abs) : 0;
  const min = abs.length ? Math.min(...abs) : 0;
  let fmt: (v: number) => string;
  if (allInt && max < 1e8) fmt = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : String(v));
  else if (max >= 1e8 || (min > 0 && (min < 1e-4 || max / min > 1000))) fmt = (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, "e$10$2") : String(v));
  else fmt = (v) => (Number.isFinite(v) ? v.toFixed(4) : String(v));
  const strs = values.map(fmt);
  const w = Math.max(...strs.map((s) => s.length), 1);
  return (v) => fmt(v).replace("Infinity", "inf").padStart(w);
}

/** PyTorch-like repr, summarizing tensors over 1000 elements with "..." like torch does. */
export function formatTensor(data: TypedArray, shape: readonly number[], dtype: DType, suffix: string[]): string {
  const summarize = data.length > THRESHOLD;
  const shown: number[] = [];
  const collect = (d: number, at: number): void => {
    if (d === shape.length) return void shown.push(data[at]!);
    const n = shape[d]!;
    const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const idx = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    for (const i of idx) collect(d + 1, at + i * stride);
  };
  collect(0, 0);
  const fmt = numberFormatter(shown, dtype);
  const indent = "tensor(".length;
  const render = (d: number, at: number): string => {
    if (d === shape.length) return fmt(data[at]!);
    const n = shape[d]!;
    const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    const parts: string[] = [];
    const cut = summarize && n > 2 * EDGE;
    for (let i = 0; i < n; i++) {
      if (cut && i === EDGE) {
        parts.push("...");
        i = n - EDGE - 1;
        continue;
      }
      parts.push(render(d + 1, at + i * stride));
    }
    const sep = d === shape.length - 1 ? ", " : "," + "\n".repeat(shape.length - d - 1) + " ".repeat(indent + d + 1);
    return `[${parts.join(sep)}]`;
  };
  const body = shape.length === 0 ? fmt(data[0]!).trim() : render(0, 0);
  return `tensor(${[body, ...suffix].join(", ")})`;
}
