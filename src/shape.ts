// Pure functions on shapes and strides: broadcasting, contiguity, dimension normalization.

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function fmtShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

/** Row-major strides for a contiguous tensor of this shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i]!;
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: align trailing dims; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const d = s[s.length - 1 - i]!;
      const j = ndim - 1 - i;
      if (d === out[j] || d === 1) continue;
      if (out[j] === 1) out[j] = d;
      else
        throw new Error(
          `${op}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together: ` +
            `dimension ${j} (from the right ${i}) has sizes ${out[j]} and ${d}`,
        );
    }
  }
  return out;
}

/** Maps a possibly negative `dim` into [0, ndim), or throws naming the op. */
export function normDim(op: string, dim: number, ndim: number): number {
  const lo = ndim === 0 ? -1 : -ndim;
  const hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi)
    throw new RangeError(`${op}: dim ${dim} is out of range for a tensor with ${ndim} dimensions (expected ${lo}..${hi})`);
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalizes a dim list (undefined = all dims), sorted and without duplicates. */
export function normDims(op: string, dims: number | readonly number[] | undefined, ndim: number): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === "number" ? [dims] : dims;
  const out = list.map((d) => normDim(op, d, ndim));
  if (new Set(out).size !== out.length) throw new Error(`${op}: dim ${fmtShape(list)} contains a repeated dimension`);
  return out.sort((a, b) => a - b);
}

/** Resolves a single -1 in a target shape, checking the element count. */
export function inferShape(op: string, shape: Shape, size: number, from: Shape): number[] {
  const out = [...shape];
  const neg = out.reduce<number[]>((acc, d, i) => (d === -1 ? [...acc, i] : acc), []);
  if (neg.length > 1) throw new Error(`${op}: only one dimension can be -1, got ${fmtShape(shape)}`);
  for (const d of out)
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new Error(`${op}: invalid size ${d} in ${fmtShape(shape)}`);
  const known = out.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (neg.length === 1) {
    if (known === 0 || size % known !== 0)
      throw new Error(`${op}: shape ${fmtShape(shape)} is invalid for input ${fmtShape(from)} of size ${size}`);
    out[neg[0]!] = size / known;
  } else if (known !== size) {
    throw new Error(`${op}: shape ${fmtShape(shape)} is invalid for input ${fmtShape(from)} of size ${size}`);
  }
  return out;
}

/**
 * Strides that let a tensor with (shape, strides) be viewed as `newShape` without copying, or null
 * when the memory layout does not allow it (then reshape copies). Mirrors ATen's computeStride.
 */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (shape.length === 0 || numel(shape) === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d]!;
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}
