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
const LINEWIDTH = 80;
const PRECISION = 4;

/** Python's "{:.4e}": a two-digit exponent at least. */
const sci = (v: number): string => v.toExponential(PRECISION).replace(/e([+-])(\d)$/, "e$10$2");
/** Python's str() of a non-finite float. */
const special = (v: number): string => (v !== v ? "nan" : v > 0 ? "inf" : "-inf");

/**
 * torch's _Formatter: one width for every element; floats are printed as integers ("3."), fixed
 * ("0.5000") or scientific ("1.0000e-05") depending on the range of the nonzero finite values.
 */
function numberFormatter(values: number[], dtype: DType): { width: number; fmt: (v: number) => string } {
  let width = 1;
  let fmt: (v: number) => string;
  if (dtype === "bool" || dtype === "int32") {
    const str = dtype === "bool" ? (v: number): string => (v ? "True" : "False") : (v: number): string => String(v);
    for (const v of values) width = Math.max(width, str(v).length);
    fmt = str;
  } else {
    const nz = values.filter((v) => Number.isFinite(v) && v !== 0);
    const abs = nz.map(Math.abs);
    const max = abs.length ? Math.max(...abs) : 0;
    const min = abs.length ? Math.min(...abs) : 0;
    const intMode = nz.every((v) => Number.isInteger(v));
    const sciMode = abs.length > 0 && (max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4));
    if (sciMode) fmt = (v) => (Number.isFinite(v) ? sci(v) : special(v));
    else if (intMode) fmt = (v) => (Number.isFinite(v) ? `${Object.is(v, -0) ? "-0" : v.toFixed(0)}.` : special(v));
    else fmt = (v) => (Number.isFinite(v) ? v.toFixed(PRECISION) : special(v));
    for (const v of nz) width = Math.max(width, fmt(v).length);
  }
  return { width, fmt: (v) => fmt(v).padStart(width) };
}

/**
 * PyTorch's repr (torch/_tensor_str.py): tensors over 1000 elements are summarized with "...",
 * rows wrap at 80 columns, and the suffixes (dtype, gradFn) follow the values.
 */
export function formatTensor(data: TypedArray, shape: readonly number[], dtype: DType, suffix: string[]): string {
  const summarize = data.length > THRESHOLD;
  const strideOf = (d: number): number => shape.slice(d + 1).reduce((a, b) => a * b, 1);
  const rows = (n: number): number[] =>
    summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
  const shown: number[] = [];
  const collect = (d: number, at: number): void => {
    if (d === shape.length) return void shown.push(data[at]!);
    for (const i of rows(shape[d]!)) if (i >= 0) collect(d + 1, at + i * strideOf(d));
  };
  collect(0, 0);
  const { width, fmt } = numberFormatter(shown, dtype);
  const render = (d: number, at: number, indent: number): string => {
    const idx = rows(shape[d]!);
    if (d === shape.length - 1) {
      const items = idx.map((i) => (i < 0 ? " ..." : fmt(data[at + i]!)));
      const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(", "));
      return `[${lines.join(",\n" + " ".repeat(indent + 1))}]`;
    }
    const parts = idx.map((i) => (i < 0 ? "..." : render(d + 1, at + i * strideOf(d), indent + 1)));
    return `[${parts.join("," + "\n".repeat(shape.length - d - 1) + " ".repeat(indent + 1))}]`;
  };
  const body = shape.length === 0 ? fmt(data[0]!).trim() : render(0, 0, "tensor(".length);
  let out = `tensor(${body}`;
  let lastLine = out.length - out.lastIndexOf("\n") + 1;
  for (const s of suffix) {
    if (lastLine + s.length + 2 > LINEWIDTH) {
      out += `,\n${" ".repeat("tensor(".length)}${s}`;
      lastLine = "tensor(".length + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return out + ")";
}
