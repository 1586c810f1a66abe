// Movement ops with PyTorch's names. Most are views (reshape, permute, expand, slice, flip) that
// share storage; cat, pad and contiguous copy. sumTo and sliceBackward are the adjoints the tape uses.

import { fmtShape, inferShape, normDim, normDims, shapesEqual, viewStrides } from "../shape.js";
import { Tensor } from "../tensor.js";
import { apply } from "./dispatch.js";
import { cast } from "./elementwise.js";
import { promoteTypes } from "../dtype.js";
import { reduceKeep } from "./reduce.js";
import { applyFused } from "./fused/table.js";

/** Ops that index into a dimension (narrow, slice, select, split, …) refuse 0-d tensors, as torch does. */
function notZeroDim(op: string, x: Tensor): void {
  if (x.ndim === 0) throw new RangeError(`${op}: cannot be applied to a 0-d tensor (it has no dimension to index); reshape it to [1] first`);
}

export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : apply("contiguous", [x], null);
}

/** A copy on device (backend) `device` that stays on the graph; x itself when it is there (torch.Tensor.to). */
export function toDevice(x: Tensor, device: string): Tensor {
  return x.device === device ? x : apply("toDevice", [x], { device });
}

/** A copy with its own storage that stays on the graph (torch.clone). */
export function clone(x: Tensor): Tensor {
  return apply("contiguous", [x], null);
}

/** A view with a new shape (one dim may be -1); throws when strides do not allow it (torch.view). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape("view", shape, x.numel, x.shape);
  return shapesEqual(s, x.shape) ? x : apply("reshape", [x], { shape: s });
}

/** Like view, but copies when the layout requires it (torch.reshape). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape("reshape", shape, x.numel, x.shape);
  if (shapesEqual(s, x.shape)) return x;
  const src = viewStrides(x.shape, x.strides, s) ? x : apply("contiguous", [x], null);
  return apply("reshape", [src], { shape: s });
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim)
    throw new Error(`permute: expected ${x.ndim} dims for a tensor of shape ${fmtShape(x.shape)}, got ${fmtShape(dims)}`);
  const d = dims.map((v) => normDim("permute", v, x.ndim));
  if (new Set(d).size !== d.length) throw new Error(`permute: dims ${fmtShape(dims)} repeat a dimension`);
  return d.every((v, i) => v === i) ? x : apply("permute", [x], { dims: d });
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normDim("transpose", dim0, x.ndim);
  const b = normDim("transpose", dim1, x.ndim);
  if (a === b || x.ndim < 2) return x;
  const dims = Array.from({ length: x.ndim }, (_, i) => (i === a ? b : i === b ? a : i));
  return apply("permute", [x], { dims });
}

/** Broadcasts to `shape` without copying; -1 keeps a size (torch.expand). */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new Error(`expand: the target ${fmtShape(shape)} has fewer dims than the tensor ${fmtShape(x.shape)}`);
  const target = shape.map((s, d) => (s === -1 && d >= lead ? x.shape[d - lead]! : s));
  target.forEach((s, d) => {
    if (!Number.isInteger(s) || s < 0)
      throw new Error(`expand: size ${s} at dim ${d} of the target ${fmtShape(shape)} is not allowed` + (d < lead ? " in a new leading dimension" : ""));
    const own = d >= lead ? x.shape[d - lead]! : 1;
    if (own !== s && own !== 1)
      throw new Error(`expand: the size ${own} of dim ${d - lead} of ${fmtShape(x.shape)} must match ${s} in the target ${fmtShape(shape)} (or be 1)`);
  });
  return shapesEqual(target, x.shape) ? x : apply("expand", [x], { shape: target });
}

export function squeeze(x: Tensor, dim?: number | number[]): Tensor {
  const dims = dim === undefined ? x.shape.flatMap((s, d) => (s === 1 ? [d] : [])) : normDims("squeeze", dim, x.ndim);
  const shape = x.shape.filter((s, d) => !(dims.includes(d) && s === 1));
  return view(x, shape);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return view(x, shape);
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normDim("flatten", startDim, x.ndim);
  const e = normDim("flatten", endDim, x.ndim);
  if (s > e) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  const mid = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return reshape(x, [...x.shape.slice(0, s), mid, ...x.shape.slice(e + 1)]);
}

export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  notZeroDim("unflatten", x);
  const d = normDim("unflatten", dim, x.ndim);
  const inner = inferShape("unflatten", sizes, x.shape[d]!, [x.shape[d]!]);
  return reshape(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

/** Per-dim [start, end) with optional steps; arguments must already be in range. */
export function shrink(x: Tensor, starts: readonly number[], ends: readonly number[], steps?: readonly number[]): Tensor {
  const st = steps ?? starts.map(() => 1);
  if (starts.every((s, d) => s === 0 && ends[d] === x.shape[d] && st[d] === 1)) return x;
  return apply("slice", [x], { starts: [...starts], ends: [...ends], steps: [...st] });
}

/** Python-style x[start:end:step] along one dim; negative and out-of-range bounds are clipped. */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  notZeroDim("slice", x);
  const d = normDim("slice", dim, x.ndim);
  if (!Number.isInteger(step) || step <= 0) throw new Error(`slice: step must be a positive integer, got ${step}`);
  const n = x.shape[d]!;
  const clip = (v: number): number => Math.min(n, Math.max(0, v < 0 ? v + n : v));
  const starts = x.shape.map(() => 0);
  const ends = [...x.shape];
  const steps = x.shape.map(() => 1);
  starts[d] = clip(start);
  ends[d] = Math.max(starts[d], clip(end ?? n));
  steps[d] = step;
  return shrink(x, starts, ends, steps);
}

/** The `length` elements starting at `start` along `dim` (torch.narrow). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  notZeroDim("narrow", x);
  const d = normDim("narrow", dim, x.ndim);
  const n = x.shape[d]!;
  const s = start < 0 ? start + n : start;
  if (s < 0 || length < 0 || s + length > n)
    throw new RangeError(`narrow: start ${start} and length ${length} exceed dimension ${d} of size ${n} in ${fmtShape(x.shape)}`);
  return slice(x, d, s, s + length);
}

/** The slice at `index` along `dim`, with that dim removed (torch.select, x[i]). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  notZeroDim("select", x);
  const d = normDim("select", dim, x.ndim);
  const n = x.shape[d]!;
  if (!Number.isInteger(index) || index < -n || index >= n)
    throw new RangeError(`select: index ${index} is out of range for dimension ${d} with size ${n}`);
  const i = index < 0 ? index + n : index;
  return squeeze(slice(x, d, i, i + 1), d);
}

export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const d = normDims("flip", typeof dims === "number" ? [dims] : [...dims], x.ndim);
  return x.ndim === 0 ? x : apply("flip", [x], { dims: d }); // a 0-d tensor accepts dim 0 and is its own flip

}

/** Concatenates along an existing dim; dtypes are promoted (torch.cat). */
export function cat(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new Error("cat: expected a non-empty list of tensors");
  const first = xs[0]!;
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new TypeError(`cat: element ${i} is not a Tensor`);
    if (x.ndim === 0) throw new RangeError(`cat: the 0-d tensor at position ${i} cannot be concatenated; use stack, or reshape it to [1]`);
  });
  const d = normDim("cat", dim, first.ndim);
  xs.forEach((x, i) => {
    if (x.ndim !== first.ndim || x.shape.some((s, j) => j !== d && s !== first.shape[j]))
      throw new Error(`cat: tensor ${i} has shape ${fmtShape(x.shape)} but tensor 0 has ${fmtShape(first.shape)}; sizes must match except in dim ${d}`);
  });
  const dtype = xs.map((x) => x.dtype).reduce(promoteTypes);
  const parts = xs.map((x) => cast(x, dtype));
  return parts.length === 1 ? parts[0]! : apply("cat", parts, { dim: d });
}

/** Joins tensors of one shape along a new dim (torch.stack). */
export function stack(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new Error("stack: expected a non-empty list of tensors");
  const first = xs[0]!;
  xs.forEach((x, i) => {
    if (!shapesEqual(x.shape, first.shape))
      throw new Error(`stack: tensor ${i} has shape ${fmtShape(x.shape)} but tensor 0 has ${fmtShape(first.shape)}; all must be equal`);
  });
  const d = normDim("stack", dim, first.ndim + 1);
  return cat(xs.map((x) => unsqueeze(x, d)), d);
}

/** Splits into chunks of `size` (last may be smaller), or into the given section sizes (torch.split). */
export function split(x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
  notZeroDim("split", x);
  const d = normDim("split", dim, x.ndim);
  const n = x.shape[d]!;
  let sizes: number[];
  if (typeof sizeOrSections === "number") {
    if (!(sizeOrSections > 0)) throw new Error(`split: split size must be positive, got ${sizeOrSections}`);
    sizes = Array.from({ length: Math.max(1, Math.ceil(n / sizeOrSections)) }, (_, i) => Math.min(sizeOrSections, n - i * sizeOrSections));
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== n) throw new Error(`split: sections ${fmtShape(sizes)} sum to ${total}, but dimension ${d} has size ${n}`);
  }
  return applyFused("split", [x], { dim: d, sizes });
}

/**
 * The slices along `dim`, with that dim removed (torch.unbind): views, and one tape node whose
 * backward is a single stack, so `for (const row of x.unbind(0))` costs O(T) over T rows.
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  return applyFused("unbind", [x], { dim: normDim("unbind", dim, x.ndim) });
}

/** Splits into `chunks` nearly equal parts (torch.chunk). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  notZeroDim("chunk", x);
  const d = normDim("chunk", dim, x.ndim);
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: chunks must be a positive integer, got ${chunks}`);
  return split(x, Math.ceil(x.shape[d]! / chunks), d);
}

/**
 * Constant padding with torch.nn.functional.pad's argument order: pairs from the last dim backward,
 * [left, right, top, bottom, …]. Negative pads crop.
 */
export function pad(x: Tensor, padding: readonly number[], value = 0): Tensor {
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim)
    throw new Error(`pad: padding ${fmtShape(padding)} must have an even length of at most 2×${x.ndim} for shape ${fmtShape(x.shape)}`);
  const pairs: [number, number][] = x.shape.map(() => [0, 0]);
  for (let i = 0; i < padding.length / 2; i++) pairs[x.ndim - 1 - i] = [padding[2 * i]!, padding[2 * i + 1]!];
  // negative pads crop first, so the kernel only ever grows
  const starts = pairs.map(([b]) => Math.max(0, -b));
  const ends = pairs.map(([, a], d) => x.shape[d]! - Math.max(0, -a));
  if (ends.some((e, d) => e < starts[d]!)) throw new Error(`pad: padding ${fmtShape(padding)} crops more than the size of ${fmtShape(x.shape)}`);
  const cropped = shrink(x, starts, ends);
  const grow = pairs.map(([b, a]) => [Math.max(0, b), Math.max(0, a)] as [number, number]);
  return grow.every(([b, a]) => b === 0 && a === 0) ? cropped : apply("pad", [cropped], { pads: grow, value });
}

/** Tiles the tensor: repeat([2, 3]) doubles dim 0 and triples dim 1 (torch.Tensor.repeat). */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim)
    throw new Error(`repeat: got ${sizes.length} repeat sizes for a tensor with ${x.ndim} dimensions; need at least ${x.ndim}`);
  const lead = sizes.length - x.ndim;
  const shape = [...Array<number>(lead).fill(1), ...x.shape];
  // interleave a broadcast dim before each dim, then merge the pairs
  const base = reshape(x, shape.flatMap((s) => [1, s]));
  const expanded = expand(base, shape.flatMap((s, d) => [sizes[d]!, s]));
  return reshape(expanded, shape.map((s, d) => s * sizes[d]!));
}

/** Sums `g` down to `shape`, undoing a broadcast: the one place broadcasting meets autograd. */
export function sumTo(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims = g.shape.flatMap((s, d) => (d < lead || (shape[d - lead] === 1 && s !== 1) ? [d] : []));
  return reshape(reduceKeep("sum", g, dims), shape);
}

/**
 * The adjoint of a strided slice: places g's elements back at their positions in a zero tensor of
 * `shape`. Steps are undone by interleaving zeros (pad a new inner dim to `step`, then merge).
 */
export function sliceBackward(g: Tensor, shape: readonly number[], { starts, ends, steps }: { starts: number[]; ends: number[]; steps: number[] }): Tensor {
  let out = g;
  for (let d = 0; d < shape.length; d++) {
    const step = steps[d]!;
    if (step !== 1 && out.shape[d]! > 0) {
      const inner = unsqueeze(out, d + 1);
      const padded = apply("pad", [inner], { pads: inner.shape.map((_, i) => (i === d + 1 ? [0, step - 1] : [0, 0])), value: 0 });
      const merged = reshape(padded, [...out.shape.slice(0, d), out.shape[d]! * step, ...out.shape.slice(d + 1)]);
      out = shrink(merged, merged.shape.map(() => 0), merged.shape.map((s, i) => (i === d ? Math.min(s, ends[d]! - starts[d]!) : s)));
    }
  }
  const pads = shape.map((s, d) => [starts[d]!, s - starts[d]! - out.shape[d]!] as [number, number]);
  return pads.every(([b, a]) => b === 0 && a === 0) ? out : apply("pad", [out], { pads, value: 0 });
}
