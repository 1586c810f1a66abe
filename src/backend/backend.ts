// The seam between tensors and devices. Kernels see flat storage plus shape/strides/offset (a View),
// never a Tensor. Views (reshape, permute, expand, slice, flip) never reach a backend: they only
// change the View; every method below returns fresh, contiguous storage.

import type { DType, TypedArray } from "../dtype.js";
import type { ArgReduceOp, BinaryOp, ReduceOp, UnaryOp } from "../ops/primitives.js";

/** Hyper-parameters of one Adam step, bias corrections already folded in (see optim/adam.ts). */
export interface AdamHyper {
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 − β₁ᵗ) */
  stepSize: number;
  /** √(1 − β₂ᵗ) */
  bc2Sqrt: number;
  /** λ of coupled (L2) weight decay: g ← g + λθ */
  weightDecay: number;
  /** 1 − lr·λ of decoupled (AdamW) decay: θ ← θ·(1 − lr·λ); 1 when off */
  decay: number;
  /** Write m′ and v′ (and θ′ with inPlaceParam) over their inputs where those are plain float32 buffers. */
  inPlace?: boolean;
  inPlaceParam?: boolean;
}

/** A backend's opaque handle to a flat buffer of `length` elements of `dtype`. */
export interface Storage {
  readonly dtype: DType;
  readonly length: number;
  /** False once freed (backends with explicit release); absent or true otherwise. */
  readonly live?: boolean;
  /** How many tensors took this storage (created over it, or assign()): lets optimizers prove a parameter's is its alone. */
  holders?: number;
}

/** A strided window onto a storage. Element i (multi-index) lives at offset + Σ idx·strides. */
export interface View {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** What a device must provide. Shapes are already checked and broadcast by the ops layer. */
export interface Backend {
  readonly name: string;
  /** float64 kernels exist (needed for gradcheck). */
  readonly supportsFloat64: boolean;
  /** The largest storage in bytes the device can hold, if it has a hard limit (creation checks it first). */
  readonly maxBytes?: number;

  /** Copies host data into a new storage of the array's dtype (Uint8Array = bool). */
  upload(data: TypedArray, dtype: DType): Storage;
  /** A contiguous host copy of a view's elements, synchronously (null when the device cannot). */
  readSync(v: View): TypedArray | null;
  /** A contiguous host copy of a view's elements. */
  read(v: View): Promise<TypedArray>;
  /** A new storage whose elements the caller overwrites before reading (optional; else full()). */
  empty?(length: number, dtype: DType): Storage;
  /** A new storage of `length` elements of `dtype`, every element `value`. */
  full(length: number, dtype: DType, value: number): Storage;
  /**
   * A writable zero-copy typed array over a storage's elements, optional: fused ops' host kernels
   * (ops/fused/) run on it. Valid until the backend's next allocation (memory may grow).
   */
  hostView?(s: Storage): TypedArray;
  /** Releases a storage early; optional (garbage-collected backends ignore it). */
  free?(s: Storage): void;
  /**
   * Allocation scopes, optional: storages allocated after pushScope() are recorded, and popScope()
   * frees those not in `keep` at once (kept ones pass to the enclosing scope). Freeing dead
   * temporaries promptly lets the next allocation reuse memory that is still in cache.
   */
  pushScope?(): void;
  popScope?(keep: ReadonlySet<Storage>): void;
  /** Threads the backend's kernels may use, optional (single-threaded backends omit both). */
  setNumThreads?(n: number): void;
  getNumThreads?(): number;
  /**
   * One fused float32 Adam/AdamW update, optional (optim/adam.ts composes it from primitives
   * otherwise): returns new storages for the parameter and both moments, all of p's shape.
   */
  adamStep?(p: View, g: View, m: View, v: View, h: AdamHyper): [Storage, Storage, Storage];
  /**
   * The backward of tanh, g·(1 − y²), or of sigmoid, g·y·(1 − y), from the saved output y, optional
   * (ops/fused/activation-grad.ts has a host kernel and a composite): a fresh storage of g's shape,
   * or null to decline a layout or dtype.
   */
  activationGrad?(op: "tanh" | "sigmoid", g: View, y: View): Storage | null;

  /** A contiguous copy of the view. */
  contiguous(x: View): Storage;
  /** out = op(x), elementwise, in `dtype`. */
  unary(op: UnaryOp, x: View, dtype: DType): Storage;
  /** out = a op b over a's shape (b has the same shape, maybe with stride-0 dims); out dtype given. */
  binary(op: BinaryOp, a: View, b: View, dtype: DType): Storage;
  /** out = cond ? a : b, all three the same shape. */
  where(cond: View, a: View, b: View, dtype: DType): Storage;
  /** Reduces over `dims` (sorted, unique), keeping them with size 1. */
  reduce(op: ReduceOp, x: View, dims: readonly number[]): Storage;
  /** Index (int32) of the first max/min along `dim`, keeping it with size 1. NaN counts as max. */
  argReduce(op: ArgReduceOp, x: View, dim: number): Storage;
  /** Batched matmul: a [...b, m, k] @ b [...b, k, n] with equal batch dims; transposes show in strides. */
  matmul(a: View, b: View, dtype: DType): Storage;
  /** Converts elements to `dtype` (float → int truncates toward zero, like torch). */
  cast(x: View, dtype: DType): Storage;
  /** Constant padding; pads[d] = [before, after] for every dim (non-negative). */
  pad(x: View, pads: readonly (readonly [number, number])[], value: number): Storage;
  /** Concatenation along `dim`; all inputs have the same dtype and agree on other dims. */
  cat(xs: readonly View[], dim: number, dtype: DType): Storage;
  /** out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (torch.gather); index is int32, checked in range. */
  gather(x: View, dim: number, index: View): Storage;
  /** zeros(shape).scatter_add_(dim, index, src) (torch.Tensor.scatter_add); index checked in range. */
  scatterAdd(shape: readonly number[], dim: number, index: View, src: View): Storage;
  /** int32 indices that order each slice along `dim` stably (ties keep their order); NaN sorts as the largest. */
  argsort(x: View, dim: number, descending: boolean): Storage;
}
