// Tensor's torch-named queries and constructors of like tensors: tolist, dim, stride, elementSize,
// typeAs, newZeros/newOnes/newFull/newEmpty/newTensor, the dtype casts torch has and myelin lacks
// (named errors), unfold's sliding windows, and the top-level asTensor, emptyLike, broadcastShapes.

import { checkDType, ITEMSIZE, type DType } from "../dtype.js";
import type { Nested } from "../format.js";
import { arange, CREATE_KEYS, full, sizeArgs, tensor, zerosLike, type CreateOptions, type NestedArray, type SizeArgs } from "../ops/creation.js";
import { cast } from "../ops/elementwise.js";
import { checkOptionNames } from "../options.js";
import { broadcastShapes as broadcast, fmtShape, normDim } from "../shape.js";
import { Tensor } from "../tensor.js";
import { defaultGenerator } from "../random.js";
import "./aliases.js"; // splitWithSizes
import { installMethods } from "./methods.js";

/** torch's legacy type names, returned by Tensor.type(). */
const TYPE_NAMES: Record<DType, string> = { float32: "torch.FloatTensor", float64: "torch.DoubleTensor", int32: "torch.IntTensor", bool: "torch.BoolTensor" };

/** torch's casts to dtypes myelin does not have: each throws, naming the dtype and what to use. */
const MISSING_CASTS: Record<string, [dtype: string, use: string]> = {
  long: ["int64", "myelin's integer dtype is int32: use .int()"], short: ["int16", "use .int() (int32)"],
  byte: ["uint8", "use .bool() for masks or .int() (int32) for integers"], char: ["int8", "use .int() (int32)"],
  half: ["float16", "use .float() (float32)"], bfloat16: ["bfloat16", "use .float() (float32)"],
  cfloat: ["complex64", "myelin has no complex dtypes"], cdouble: ["complex128", "myelin has no complex dtypes"], chalf: ["complex32", "myelin has no complex dtypes"],
};

/** Sizes then an optional options object (torch's new_zeros(2, 3, dtype=…) or new_zeros((2, 3))), with x's dtype and device as defaults. */
function likeArgs(op: string, x: Tensor, args: readonly unknown[]): [number[], CreateOptions] {
  const [shape, opts] = sizeArgs<CreateOptions>(op, args, CREATE_KEYS);
  return [shape, { dtype: x.dtype, device: x.device, ...opts }];
}

/**
 * Sliding windows along `dimension`: that dim becomes ⌊(n − size)/step⌋ + 1 windows and a new last
 * dim of length `size` holds each window (window j starts at j·step). A copy (indexSelect), so its
 * gradient sums the overlaps. Matches torch.Tensor.unfold's values and shape (torch returns a view).
 */
export function unfold(x: Tensor, dimension: number, size: number, step: number): Tensor {
  const src = x.ndim === 0 ? x.reshape([1]) : x;
  const d = normDim("unfold", dimension, src.ndim);
  const n = src.shape[d]!;
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`unfold: size must be a non-negative integer, got ${size}`);
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`unfold: step must be a positive integer, got ${step}`);
  if (size > n) throw new RangeError(`unfold: maximum size for tensor at dimension ${d} is ${n} but size is ${size} (shape ${fmtShape(x.shape)})`);
  const count = Math.floor((n - size) / step) + 1;
  const idx = arange(count, { dtype: "int32", device: x.device }).mul(step).reshape([count, 1]).add(arange(size, { dtype: "int32", device: x.device }).reshape([1, size]));
  const picked = src.indexSelect(d, idx.reshape([-1])); // dim d now holds count·size entries, window-major
  const split = picked.reshape([...src.shape.slice(0, d), count, size, ...src.shape.slice(d + 1)]);
  const out = split.movedim(d + 1, -1);
  return x.ndim === 0 ? out.reshape([size]) : out;
}

/** narrow(dim, start, length) as a copy. Matches torch.narrow_copy. */
export const narrowCopy = (x: Tensor, dim: number, start: number, length: number): Tensor => x.narrowCopy(dim, start, length);
/** Whether x's dtype is signed (all but bool). Matches torch.is_signed. */
export const isSigned = (x: Tensor): boolean => x.isSigned();
/** chunk; myelin has no in-place aliasing checks to skip. Matches torch.unsafe_chunk. */
export const unsafeChunk = (x: Tensor, chunks: number, dim = 0): Tensor[] => x.chunk(chunks, dim);
/** split (see unsafeChunk). Matches torch.unsafe_split. */
export const unsafeSplit = (x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] => x.split(splitSize, dim);
/** splitWithSizes (see unsafeChunk). Matches torch.unsafe_split_with_sizes. */
export const unsafeSplitWithSizes = (x: Tensor, splitSizes: readonly number[], dim = 0): Tensor[] => x.splitWithSizes(splitSizes, dim);
/** The default generator's state, for setRngState (4 xoshiro128** words and a pending normal; torch returns a ByteTensor). Matches torch.get_rng_state. */
export const getRngState = (): number[] => defaultGenerator.getState();
/** Restores the default generator from getRngState's value. Matches torch.set_rng_state. */
export const setRngState = (state: readonly number[]): void => defaultGenerator.setState(state);

/** A tensor from data (a Tensor is converted, not copied, when dtype and device already match). Matches torch.as_tensor. */
export function asTensor(data: Tensor | NestedArray, opts: { dtype?: DType; device?: string } = {}): Tensor {
  checkOptionNames("asTensor", opts, ["dtype", "device"]);
  if (!(data instanceof Tensor)) return tensor(data, opts);
  return data.to(opts.device ?? data.device, opts.dtype !== undefined ? checkDType("asTensor", opts.dtype) : data.dtype);
}
/** Alias of asTensor. Matches torch.asarray (without its copy/buffer arguments). */
export const asarray = asTensor;

/** A tensor shaped like x (values are zeros here; torch leaves them unspecified). Matches torch.empty_like. */
export const emptyLike = (x: Tensor, opts: CreateOptions = {}): Tensor => (checkOptionNames("emptyLike", opts, CREATE_KEYS), zerosLike(x, opts));

/** The shape all the given shapes broadcast to; an error naming them when they do not. Matches torch.broadcast_shapes. */
export const broadcastShapes = (...shapes: (number | readonly number[])[]): number[] =>
  broadcast("broadcastShapes", ...shapes.map((s) => (typeof s === "number" ? [s] : s)));

declare module "../tensor.js" {
  interface Tensor {
    tolist(): Nested; dim(): number; ndimension(): number; nelement(): number; elementSize(): number;
    stride(): number[]; stride(dim: number): number; storageOffset(): number; isSigned(): boolean;
    typeAs(other: Tensor): Tensor; type(): string; type(dtype: DType): Tensor;
    newZeros(...args: SizeArgs<CreateOptions>): Tensor; newOnes(...args: SizeArgs<CreateOptions>): Tensor;
    newEmpty(...args: SizeArgs<CreateOptions>): Tensor; newFull(size: readonly number[], fillValue: number, opts?: CreateOptions): Tensor;
    newTensor(data: NestedArray | Tensor, opts?: CreateOptions): Tensor; narrowCopy(dim: number, start: number, length: number): Tensor;
    unfold(dimension: number, size: number, step: number): Tensor;
    long(): never; short(): never; byte(): never; char(): never; half(): never; bfloat16(): never; cfloat(): never; cdouble(): never; chalf(): never;
    unsafeChunk(chunks: number, dim?: number): Tensor[]; unsafeSplit(splitSize: number | readonly number[], dim?: number): Tensor[];
    unsafeSplitWithSizes(splitSizes: readonly number[], dim?: number): Tensor[];
  }
}
installMethods({
  tolist(this: Tensor) { return this.toArray(); },
  dim(this: Tensor) { return this.ndim; },
  ndimension(this: Tensor) { return this.ndim; },
  nelement(this: Tensor) { return this.numel; },
  elementSize(this: Tensor) { return ITEMSIZE[this.dtype]; },
  stride(this: Tensor, dim?: number) { return dim === undefined ? [...this.strides] : this.strides[normDim("stride", dim, this.ndim)]!; },
  storageOffset(this: Tensor) { return this.offset; },
  isSigned(this: Tensor) { return this.dtype !== "bool"; },
  typeAs(this: Tensor, other: Tensor) { return cast(this, other.dtype); },
  type(this: Tensor, dtype?: DType) { return dtype === undefined ? TYPE_NAMES[this.dtype] : cast(this, checkDType("Tensor.type", dtype)); },
  newZeros(this: Tensor, ...args: unknown[]) { const [s, o] = likeArgs("Tensor.newZeros", this, args); return full(s, 0, o); },
  newOnes(this: Tensor, ...args: unknown[]) { const [s, o] = likeArgs("Tensor.newOnes", this, args); return full(s, 1, o); },
  newEmpty(this: Tensor, ...args: unknown[]) { const [s, o] = likeArgs("Tensor.newEmpty", this, args); return full(s, 0, o); },
  newFull(this: Tensor, size: readonly number[], fillValue: number, opts: CreateOptions = {}) { const [s, o] = likeArgs("Tensor.newFull", this, [size, opts]); return full(s, fillValue, o); },
  newTensor(this: Tensor, data: NestedArray | Tensor, opts: CreateOptions = {}) {
    checkOptionNames("Tensor.newTensor", opts, CREATE_KEYS);
    return data instanceof Tensor ? data.detach().to(opts.device ?? this.device, opts.dtype ?? this.dtype).clone() : tensor(data, { dtype: this.dtype, device: this.device, ...opts });
  },
  narrowCopy(this: Tensor, dim: number, start: number, length: number) { return this.narrow(dim, start, length).clone(); },
  unfold(this: Tensor, dimension: number, size: number, step: number) { return unfold(this, dimension, size, step); },
  unsafeChunk(this: Tensor, chunks: number, dim?: number) { return this.chunk(chunks, dim ?? 0); },
  unsafeSplit(this: Tensor, splitSize: number | readonly number[], dim?: number) { return this.split(splitSize, dim ?? 0); },
  unsafeSplitWithSizes(this: Tensor, splitSizes: readonly number[], dim?: number) { return this.splitWithSizes(splitSizes, dim ?? 0); },
  ...Object.fromEntries(Object.entries(MISSING_CASTS).map(([name, [dtype, use]]) => [name, function (this: Tensor): never {
    throw new TypeError(`Tensor.${name}: ${dtype} is not a myelin dtype (dtypes are float32, float64, int32, bool); ${use}`);
  }])),
});
