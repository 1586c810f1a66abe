// Tensor: shape, dtype, a strided view onto backend storage, and its place on the autograd tape.
// Methods are one-liners that delegate to ops/*; the math and the checks live there.

import type { Backend, Storage, View } from "./backend/backend.js";
import { isFloating, type DType, type TypedArray } from "./dtype.js";
import { toNested, type Nested } from "./format.js";
import { contiguousStrides, fmtShape, isContiguous, numel } from "./shape.js";
import type { BackwardOptions, Node } from "./autograd/tape.js";
import { assignedValue, backwardFrom, releaseOwner, tensorRepr, toTarget } from "./tensor-ops.js";
import * as ew from "./ops/elementwise.js";
import * as mv from "./ops/movement.js";
import * as rd from "./ops/reduce.js";
import * as ix from "./ops/indexing.js";
import * as la from "./ops/linalg.js";
import * as so from "./ops/sorting.js";
import * as sel from "./composites/selection.js";
import * as smp from "./composites/sampling.js";
import * as dv from "./composites/division.js";
import type { TensorLike } from "./ops/elementwise.js";
import type { Dims } from "./ops/reduce.js";

export class Tensor implements View {
  /** @internal the backend buffer this tensor views (shared by views of one tensor) */
  storage: Storage;
  /** @internal element strides of the view */
  strides: readonly number[];
  /** @internal element offset of the view */
  offset: number;
  readonly shape: readonly number[];
  #backend: Backend;
  #dtype: DType;
  /** Accumulated gradient after backward(), for leaves (and tensors that called retainGrad()). */
  grad: Tensor | null = null;
  /** The recorded operation that produced this tensor, or null for leaves. */
  gradFn: Node | null = null;
  /** Incremented by assign(); the tape uses it to detect values changed after use. */
  version = 0;
  #requiresGrad = false;
  #retainsGrad = false;
  #disposed = false;

  private constructor(backend: Backend, storage: Storage, shape: readonly number[], strides: readonly number[], offset: number, dtype: DType) {
    this.#backend = backend;
    this.storage = storage;
    storage.holders = (storage.holders ?? 0) + 1;
    // a frozen shape (another tensor's) is shared, not copied: per-op allocations are the fixed cost
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.strides = strides;
    this.offset = offset;
    this.#dtype = dtype;
  }

  /** @internal a contiguous tensor over fresh storage */
  static fromStorage(backend: Backend, storage: Storage, shape: readonly number[], dtype: DType): Tensor {
    return new Tensor(backend, storage, shape, contiguousStrides(shape), 0, dtype);
  }

  /** @internal a view sharing `base`'s storage */
  static fromView(base: Tensor, shape: readonly number[], strides: readonly number[], offset: number): Tensor {
    return new Tensor(base.backend, base.storage, shape, strides, offset, base.dtype);
  }

  /** @internal uploads host data (converted to `dtype`) to `backend` */
  static fromArray(data: TypedArray, shape: readonly number[], backend: Backend, dtype: DType = "float32"): Tensor {
    if (data.length !== numel(shape)) throw new Error(`tensor: ${data.length} values cannot fill shape ${fmtShape(shape)}`);
    return Tensor.fromStorage(backend, backend.upload(data, dtype), shape, dtype);
  }

  /** The backend holding the data; in myelin a device is a backend ('cpu', 'wasm'). */
  get backend(): Backend {
    return this.#backend;
  }
  /** Element type: 'float32' (default), 'float64', 'int32' or 'bool'. */
  get dtype(): DType {
    return this.#dtype;
  }
  get ndim(): number {
    return this.shape.length;
  }
  get numel(): number {
    return numel(this.shape);
  }
  /** Name of the backend holding the data ('cpu', 'wasm', …). */
  get device(): string {
    return this.backend.name;
  }
  /** size() → shape, size(d) → shape[d] (negative d counts from the end; out of range throws, as in torch). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[];
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    if (!Number.isInteger(dim) || dim < -this.ndim || dim >= this.ndim)
      throw new RangeError(`size: dim ${dim} is out of range for a tensor of shape ${fmtShape(this.shape)} (expected ${this.ndim ? `${-this.ndim}..${this.ndim - 1}` : "no dim: it is 0-d"})`);
    return this.shape[dim < 0 ? dim + this.ndim : dim]!;
  }
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  isFloatingPoint(): boolean {
    return isFloating(this.dtype);
  }

  // ---- autograd -------------------------------------------------------------------------------

  get requiresGrad(): boolean {
    return this.#requiresGrad;
  }
  /** Only leaves may change it, and only floating-point tensors can require grad (as in torch). */
  set requiresGrad(on: boolean) {
    if (this.gradFn && !on)
      throw new Error("requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach() instead");
    if (on && !isFloating(this.dtype))
      throw new TypeError(`requiresGrad: only floating-point tensors can require gradients, this one is ${this.dtype}`);
    this.#requiresGrad = on;
  }
  /** True for tensors created by the user rather than by a recorded op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  get retainsGrad(): boolean {
    return this.#retainsGrad;
  }
  /** Keep .grad for this non-leaf tensor during backward (torch.Tensor.retain_grad). */
  retainGrad(): this {
    this.#retainsGrad = true;
    return this;
  }
  /** @internal */
  setGradFn(node: Node): void {
    this.gradFn = node;
    this.#requiresGrad = true;
  }

  /**
   * Computes the gradient of this tensor w.r.t. the leaves of its graph and adds it to their .grad.
   * `gradient` is required unless this tensor has one element (torch.Tensor.backward).
   */
  backward(gradient?: Tensor, opts: BackwardOptions = {}): void {
    backwardFrom(this, gradient, opts);
  }

  /**
   * Releases this tensor's memory now instead of when it is garbage-collected (optional: nothing
   * needs it to stay within memory). Views sharing the storage become unusable, as in tfjs.
   * Also runs at the end of a `using` block.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    // storage adopted by assign() has several owners: only the last one to go frees it
    if (releaseOwner(this.storage)) this.backend.free?.(this.storage);
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** A tensor sharing this data but cut from the graph. */
  detach(): Tensor {
    return Tensor.fromView(this, this.shape, this.strides, this.offset);
  }

  /**
   * Replaces this tensor's values with `other`'s (same shape; converted to this dtype). The one
   * mutation in the API, used by optimizers and normalization layers, normally under noGrad.
   */
  assign(other: Tensor | number): this {
    const c = assignedValue(this, other);
    this.storage = c.storage;
    c.storage.holders = (c.storage.holders ?? 0) + 1;
    this.strides = c.strides;
    this.offset = c.offset;
    this.version++;
    return this;
  }

  /** @internal moves this tensor's own data (and its grad) to `backend` in place (Module.to keeps parameter identity). */
  relocate(backend: Backend): void {
    if (backend === this.#backend) return;
    const data = this.dataSync();
    this.storage = backend.upload(data, this.dtype);
    this.strides = contiguousStrides(this.shape);
    this.offset = 0;
    this.#backend = backend;
    if (this.grad) this.grad = noGradMove(this.grad, backend);
    this.version++;
  }

  /** @internal converts this tensor's own data to `dtype` in place (Module.to keeps parameter identity). */
  retype(dtype: DType): void {
    const c = ew.cast(this.detach(), dtype);
    this.storage = c.storage;
    this.strides = c.strides;
    this.offset = c.offset;
    this.#dtype = dtype;
    this.grad = null;
    this.version++;
  }

  // ---- reading values -------------------------------------------------------------------------

  /** A contiguous copy of the values (synchronous; backends that cannot read synchronously throw). */
  dataSync(): TypedArray {
    const out = this.backend.readSync(this);
    if (!out) throw new Error(`dataSync: the '${this.backend.name}' backend cannot read synchronously; use await t.data()`);
    return out;
  }
  /** A contiguous copy of the values, on every backend. */
  data(): Promise<TypedArray> {
    return this.backend.read(this);
  }
  /** Nested JS arrays (booleans for bool tensors). */
  toArray(): Nested {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }
  /** The value of a one-element tensor as a number. */
  item(): number {
    if (this.numel !== 1) throw new Error(`item: only one-element tensors can be converted to a number, this one has shape ${fmtShape(this.shape)}`);
    return this.dataSync()[0]!;
  }
  toString(): string {
    return tensorRepr(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---- conversion -----------------------------------------------------------------------------

  /**
   * to('float64') converts the dtype; to('cpu') / to('wasm') copies to another device (a device is a
   * backend); to('cpu', 'float64') does both; to(other) matches another tensor's device and dtype.
   * Both are differentiable and return this tensor itself when nothing changes, as in torch.
   */
  to(target: string | Tensor, dtype?: DType): Tensor {
    return toTarget(this, target, dtype);
  }
  /** A copy on the cpu backend (torch.Tensor.cpu); this tensor itself when it is there already. */
  cpu(): Tensor { return this.to("cpu"); }
  float(): Tensor { return ew.cast(this, "float32"); }
  double(): Tensor { return ew.cast(this, "float64"); }
  int(): Tensor { return ew.cast(this, "int32"); }
  bool(): Tensor { return ew.cast(this, "bool"); }
  /** A copy that is part of the graph (torch.clone). */
  clone(): Tensor { return mv.clone(this); }
  contiguous(): Tensor { return mv.contiguous(this); }

  // ---- elementwise ----------------------------------------------------------------------------

  /** this + alpha·o (torch.Tensor.add). */
  add(o: TensorLike, opts?: ew.AlphaOptions): Tensor { return ew.add(this, o, opts); }
  /** this − alpha·o (torch.Tensor.sub). */
  sub(o: TensorLike, opts?: ew.AlphaOptions): Tensor { return ew.sub(this, o, opts); }
  mul(o: TensorLike): Tensor { return ew.mul(this, o); }
  div(o: TensorLike, opts?: dv.DivOptions): Tensor { return opts === undefined ? ew.div(this, o) : dv.div(this, o, opts); }
  floorDivide(o: TensorLike): Tensor { return dv.floorDivide(this, o); }
  remainder(o: TensorLike): Tensor { return dv.remainder(this, o); }
  fmod(o: TensorLike): Tensor { return dv.fmod(this, o); }
  pow(o: TensorLike): Tensor { return ew.pow(this, o); }
  maximum(o: TensorLike): Tensor { return ew.maximum(this, o); }
  minimum(o: TensorLike): Tensor { return ew.minimum(this, o); }
  neg(): Tensor { return ew.unary("neg", this); }
  exp(): Tensor { return ew.unary("exp", this); }
  log(): Tensor { return ew.unary("log", this); }
  log1p(): Tensor { return ew.unary("log1p", this); }
  expm1(): Tensor { return ew.unary("expm1", this); }
  sqrt(): Tensor { return ew.unary("sqrt", this); }
  rsqrt(): Tensor { return ew.rsqrt(this); }
  reciprocal(): Tensor { return ew.unary("recip", this); }
  square(): Tensor { return ew.square(this); }
  abs(): Tensor { return ew.unary("abs", this); }
  sign(): Tensor { return ew.unary("sign", this); }
  sin(): Tensor { return ew.unary("sin", this); }
  cos(): Tensor { return ew.unary("cos", this); }
  tan(): Tensor { return ew.tan(this); }
  tanh(): Tensor { return ew.unary("tanh", this); }
  sigmoid(): Tensor { return ew.sigmoid(this); }
  erf(): Tensor { return ew.unary("erf", this); }
  /** Elementwise arctangent (torch.atan). */
  atan(): Tensor { return ew.unary("atan", this); }
  floor(): Tensor { return ew.unary("floor", this); }
  ceil(): Tensor { return ew.unary("ceil", this); }
  round(): Tensor { return ew.unary("round", this); }
  relu(): Tensor { return ew.relu(this); }
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor { return ew.clamp(this, min, max); }
  eq(o: TensorLike): Tensor { return ew.compare("eq", this, o); }
  ne(o: TensorLike): Tensor { return ew.compare("ne", this, o); }
  lt(o: TensorLike): Tensor { return ew.compare("lt", this, o); }
  le(o: TensorLike): Tensor { return ew.compare("le", this, o); }
  gt(o: TensorLike): Tensor { return ew.compare("gt", this, o); }
  ge(o: TensorLike): Tensor { return ew.compare("ge", this, o); }
  logicalAnd(o: Tensor): Tensor { return ew.logicalAnd(this, o); }
  logicalOr(o: Tensor): Tensor { return ew.logicalOr(this, o); }
  logicalNot(): Tensor { return ew.logicalNot(this); }
  isnan(): Tensor { return ew.isnan(this); }
  isinf(): Tensor { return ew.compare("eq", ew.unary("abs", this), Infinity); }
  isfinite(): Tensor { return ew.compare("lt", ew.unary("abs", this), Infinity); }
  /** this where cond else other (torch.Tensor.where). */
  where(cond: Tensor, other: TensorLike): Tensor { return ew.where(cond, this, other); }

  // ---- reductions -----------------------------------------------------------------------------

  sum(dim?: Dims, keepdim = false): Tensor { return rd.sum(this, dim, keepdim); }
  mean(dim?: Dims, keepdim = false): Tensor { return rd.mean(this, dim, keepdim); }
  prod(dim?: Dims, keepdim = false): Tensor { return rd.prod(this, dim, keepdim); }
  amax(dim?: Dims, keepdim = false): Tensor { return rd.amax(this, dim, keepdim); }
  amin(dim?: Dims, keepdim = false): Tensor { return rd.amin(this, dim, keepdim); }
  /** max() → the largest value; max(dim) → [values, indices], as torch.max. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? rd.amax(this) : rd.maxWithIndices("argmax", this, dim, keepdim);
  }
  /** min() → the smallest value; min(dim) → [values, indices], as torch.min. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(dim?: number, keepdim = false): Tensor | [Tensor, Tensor] {
    return dim === undefined ? rd.amin(this) : rd.maxWithIndices("argmin", this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor { return rd.argReduce("argmax", this, dim, keepdim); }
  argmin(dim?: number, keepdim = false): Tensor { return rd.argReduce("argmin", this, dim, keepdim); }
  var(dim?: Dims | boolean, ...args: rd.VarArgs): Tensor { return rd.variance(this, dim, ...args); }
  std(dim?: Dims | boolean, ...args: rd.VarArgs): Tensor { return rd.std(this, dim, ...args); }
  logsumexp(dim?: Dims, keepdim = false): Tensor { return rd.logsumexp(this, dim, keepdim); }
  norm(...args: rd.NormArgs): Tensor { return rd.norm(this, ...args); }
  softmax(dim: number): Tensor { return rd.softmax(this, dim); }
  logSoftmax(dim: number): Tensor { return rd.logSoftmax(this, dim); }

  // ---- movement -------------------------------------------------------------------------------

  reshape(...shape: number[] | [readonly number[]]): Tensor { return mv.reshape(this, flatArgs(shape)); }
  view(...shape: number[] | [readonly number[]]): Tensor { return mv.view(this, flatArgs(shape)); }
  viewAs(o: Tensor): Tensor { return mv.view(this, o.shape); }
  reshapeAs(o: Tensor): Tensor { return mv.reshape(this, o.shape); }
  permute(...dims: number[] | [readonly number[]]): Tensor { return mv.permute(this, flatArgs(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return mv.transpose(this, dim0, dim1); }
  /** 2-D transpose (torch.Tensor.t); 0-D and 1-D tensors are returned as is. */
  t(): Tensor {
    if (this.ndim > 2) throw new Error(`t: expects a tensor with at most 2 dims, got ${fmtShape(this.shape)}; use transpose`);
    return this.ndim < 2 ? this : mv.transpose(this, 0, 1);
  }
  get T(): Tensor { return mv.permute(this, [...this.shape.keys()].reverse()); }
  /** Transposes the last two dims (torch.Tensor.mT). */
  get mT(): Tensor { return mv.transpose(this, -2, -1); }
  squeeze(dim?: number | number[]): Tensor { return mv.squeeze(this, dim); }
  unsqueeze(dim: number): Tensor { return mv.unsqueeze(this, dim); }
  expand(...shape: number[] | [readonly number[]]): Tensor { return mv.expand(this, flatArgs(shape)); }
  expandAs(o: Tensor): Tensor { return mv.expand(this, o.shape); }
  flatten(startDim = 0, endDim = -1): Tensor { return mv.flatten(this, startDim, endDim); }
  unflatten(dim: number, sizes: readonly number[]): Tensor { return mv.unflatten(this, dim, sizes); }
  narrow(dim: number, start: number, length: number): Tensor { return mv.narrow(this, dim, start, length); }
  /** Python's x[start:end:step] along `dim`. */
  slice(dim: number, start?: number, end?: number, step?: number): Tensor { return mv.slice(this, dim, start, end, step); }
  select(dim: number, index: number): Tensor { return mv.select(this, dim, index); }
  /** x[i]: the sub-tensor at index i of dim 0. */
  index(i: number): Tensor { return mv.select(this, 0, i); }
  flip(dims: number | readonly number[]): Tensor { return mv.flip(this, dims); }
  repeat(...sizes: number[] | [readonly number[]]): Tensor { return mv.repeat(this, flatArgs(sizes)); }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] { return mv.split(this, sizeOrSections, dim); }
  chunk(chunks: number, dim = 0): Tensor[] { return mv.chunk(this, chunks, dim); }
  /** The slices along `dim` as views, one tape node (torch.unbind): `for (const row of x.unbind(0))`. */
  unbind(dim = 0): Tensor[] { return mv.unbind(this, dim); }
  gather(dim: number, index: Tensor): Tensor { return ix.gather(this, dim, index); }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return ix.scatterAdd(this, dim, index, src); }
  indexSelect(dim: number, index: Tensor): Tensor { return ix.indexSelect(this, dim, index); }

  // ---- ordering, masks and scans (ops/sorting.ts, ops/selection.ts) ------------------------------

  /** [values, indices] sorted along dim (default −1), stable (torch.sort). */
  sort(...args: Parameters<typeof so.sort> extends [Tensor, ...infer R] ? R : never): [Tensor, Tensor] { return so.sort(this, ...args); }
  /** Indices that sort along dim (torch.argsort). */
  argsort(...args: Parameters<typeof so.argsort> extends [Tensor, ...infer R] ? R : never): Tensor { return so.argsort(this, ...args); }
  /** [values, indices] of the k largest (or smallest) along dim (torch.topk). */
  topk(k: number, ...args: Parameters<typeof so.topk> extends [Tensor, number, ...infer R] ? R : never): [Tensor, Tensor] { return so.topk(this, k, ...args); }
  cumsum(dim: number): Tensor { return sel.cumsum(this, dim); }
  cumprod(dim: number): Tensor { return sel.cumprod(this, dim); }
  tril(diagonal = 0): Tensor { return sel.tril(this, diagonal); }
  triu(diagonal = 0): Tensor { return sel.triu(this, diagonal); }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor { return sel.maskedFill(this, mask, value); }
  maskedSelect(mask: Tensor): Tensor { return sel.maskedSelect(this, mask); }
  nonzero(): Tensor { return sel.nonzero(this); }
  all(dim?: Dims, keepdim = false): Tensor { return sel.all(this, dim, keepdim); }
  any(dim?: Dims, keepdim = false): Tensor { return sel.any(this, dim, keepdim); }
  /** Category indices drawn from this tensor's weights (torch.multinomial). */
  multinomial(numSamples: number, ...args: Parameters<typeof smp.multinomial> extends [Tensor, number, ...infer R] ? R : never): Tensor { return smp.multinomial(this, numSamples, ...args); }
  nanToNum(...args: Parameters<typeof sel.nanToNum> extends [Tensor, ...infer R] ? R : never): Tensor { return sel.nanToNum(this, ...args); }

  // ---- linear algebra -------------------------------------------------------------------------

  matmul(o: Tensor): Tensor { return la.matmul(this, o); }
  mm(o: Tensor): Tensor { return la.mm(this, o); }
  bmm(o: Tensor): Tensor { return la.bmm(this, o); }
  dot(o: Tensor): Tensor { return la.dot(this, o); }
}

/** A gradient moved along with its tensor (outside the graph, as torch moves .grad with .to()). */
function noGradMove(g: Tensor, backend: Backend): Tensor {
  return Tensor.fromArray(g.dataSync(), g.shape, backend, g.dtype);
}

/** Accepts both f(2, 3) and f([2, 3]), like PyTorch's varargs sizes. */
function flatArgs(args: number[] | [readonly number[]]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}
