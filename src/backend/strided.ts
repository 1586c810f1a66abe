// Strided-index helpers shared by the backends: merging dims that are laid out alike (so most
// views become one or two dims), and listing a view's element offsets.

import { numel } from "../shape.js";

/** Shape and per-operand strides after dropping size-1 dims and merging dims contiguous for every operand. */
export interface Collapsed {
  shape: number[];
  strides: number[][];
}

export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    // Dim d merges into the previous kept dim when, for every operand, stepping the previous dim
    // once equals stepping d through its whole extent.
    const merge = last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * n);
    if (merge) {
      outShape[last] = outShape[last]! * n;
      strides.forEach((s, k) => (outStrides[k]![last] = s[d]!));
    } else {
      outShape.push(n);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Element offsets (row-major order) of a view into its storage. */
export function offsets(shape: readonly number[], strides: readonly number[], offset: number): Float64Array {
  const c = collapse(shape, [strides]);
  const sh = c.shape;
  const st = c.strides[0]!;
  const n = numel(shape);
  const out = new Float64Array(n);
  if (n === 0) return out;
  const nd = sh.length;
  if (nd === 0) {
    out[0] = offset;
    return out;
  }
  const inner = sh[nd - 1]!;
  const is = st[nd - 1]!;
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = base + j * is;
    // odometer over the outer dims
    for (let d = nd - 2; d >= 0; d--) {
      base += st[d]!;
      if (++idx[d]! < sh[d]!) break;
      base -= st[d]! * sh[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Visits 2-D blocks [rows, cols] covering a collapsed iteration space: calls fn with the starting
 * offset of each operand (element units). Operand strides for the two inner dims are in `c.strides`.
 */
export function forBlocks(c: Collapsed, starts: readonly number[], fn: (rows: number, cols: number, offs: number[]) => void): void {
  const sh = c.shape;
  const nd = sh.length;
  if (nd <= 2) {
    fn(nd === 2 ? sh[0]! : 1, nd >= 1 ? sh[nd - 1]! : 1, [...starts]);
    return;
  }
  const outer = sh.slice(0, nd - 2);
  let count = 1;
  for (const s of outer) count *= s;
  const idx = new Array<number>(outer.length).fill(0);
  const offs = [...starts];
  for (let b = 0; b < count; b++) {
    fn(sh[nd - 2]!, sh[nd - 1]!, [...offs]);
    for (let d = outer.length - 1; d >= 0; d--) {
      c.strides.forEach((s, k) => (offs[k] = offs[k]! + s[d]!));
      if (++idx[d]! < outer[d]!) break;
      c.strides.forEach((s, k) => (offs[k] = offs[k]! - s[d]! * outer[d]!));
      idx[d] = 0;
    }
  }
}
