// Creation functions with PyTorch's names: tensor, zeros, ones, full, arange, linspace, eye, and
// the seeded random ones. New tensors land on the current backend unless `device` says otherwise.

import type { Backend } from "../backend/backend.js";
import { backendByName, getBackend } from "../backend/registry.js";
import { allocArray, checkDType, dtypeOfArray, isFloating, ITEMSIZE, type DType, type TypedArray } from "../dtype.js";
import { checkOptionNames, isOptionsObject, resolveArgs, type Args } from "../options.js";
import { defaultGenerator, type Generator } from "../random.js";
import { fmtShape, numel } from "../shape.js";
import { Tensor } from "../tensor.js";

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** Backend name ('cpu', 'wasm'); the current backend by default. */
  device?: string;
}

export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/** Nested arrays of numbers or booleans, as accepted by tensor(). */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * Validates what a creation function was asked for, before any host array is filled: the dtype
 * (an unknown one would reach the backend), the device, and that `n` elements fit the device.
 */
function target(op: string, opts: CreateOptions, n: number, fallback: DType = "float32"): { dtype: DType; backend: Backend } {
  if (typeof opts !== "object" || opts === null) throw new TypeError(`${op}: options must be an object, got ${String(opts)}`);
  const dtype = checkDType(op, opts.dtype ?? fallback);
  const backend = opts.device === undefined ? getBackend() : backendByName(opts.device, op);
  const bytes = n * ITEMSIZE[dtype];
  if (backend.maxBytes !== undefined && bytes > backend.maxBytes)
    throw new RangeError(`${op}: ${n} ${dtype} elements need ${bytes} bytes, more than the '${backend.name}' device can hold (${backend.maxBytes})`);
  return { dtype, backend };
}

/** Throws unless every value fits int32, as torch does ("value cannot be converted to type int32 without overflow"). */
function checkInt32(op: string, values: ArrayLike<number | boolean>): void {
  for (let i = 0; i < values.length; i++) {
    const v = +values[i]!;
    if (!(v >= -2147483648 && v <= 2147483647))
      throw new RangeError(`${op}: value ${v} cannot be converted to int32 without overflow (int32 holds -2147483648..2147483647)`);
  }
}

function finish(data: TypedArray, shape: readonly number[], opts: CreateOptions, dtype: DType, backend: Backend): Tensor {
  const t = Tensor.fromArray(data, shape, backend, dtype);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

/** @internal the shape and flat values of nested arrays (ragged or non-numeric ones throw) */
export function inferNested(data: NestedArray): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  for (let d: NestedArray = data; Array.isArray(d); d = (d as readonly NestedArray[])[0]!) {
    shape.push((d as readonly NestedArray[]).length);
    if ((d as readonly NestedArray[]).length === 0) break;
  }
  const flat: (number | boolean)[] = [];
  const walk = (d: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (Array.isArray(d)) throw new Error(`tensor: ragged nested array: element ${path} is deeper than ${fmtShape(shape)}`);
      if (typeof d !== "number" && typeof d !== "boolean") throw new TypeError(`tensor: element ${path} is ${typeof d}, expected a number or boolean`);
      flat.push(d);
      return;
    }
    if (!Array.isArray(d) || d.length !== shape[depth])
      throw new Error(`tensor: ragged nested array: expected length ${shape[depth]} at ${path || "the top"}, got ${Array.isArray(d) ? d.length : "a scalar"}`);
    (d as readonly NestedArray[]).forEach((v, i) => walk(v, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, "");
  return { shape, flat };
}

/**
 * A tensor from nested arrays, a number, or a typed array (with `shape`). JS numbers do not say
 * whether they are integers, so number data is float32 unless `dtype` says otherwise; Int32Array
 * gives int32 and booleans give bool.
 */
export function tensor(data: NestedArray | TypedArray, opts: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  checkOptionNames("tensor", opts, [...CREATE_KEYS, "shape"]);
  if (ArrayBuffer.isView(data)) {
    const shape = opts.shape ?? [data.length];
    if (numel(shape) !== data.length) throw new Error(`tensor: shape ${fmtShape(shape)} does not hold ${data.length} elements`);
    const { dtype, backend } = target("tensor", opts, data.length, dtypeOfArray(data));
    if (dtype === "int32" && !(data instanceof Int32Array) && !(data instanceof Uint8Array)) checkInt32("tensor", data);
    const arr = allocArray(dtype, data.length);
    arr.set(data);
    return finish(arr, shape, opts, dtype, backend);
  }
  const { shape, flat } = inferNested(data);
  const fallback = flat.length > 0 && flat.every((v) => typeof v === "boolean") ? "bool" : "float32";
  const { dtype, backend } = target("tensor", opts, flat.length, fallback);
  if (dtype === "int32") checkInt32("tensor", flat);
  const arr = allocArray(dtype, flat.length);
  flat.forEach((v, i) => (arr[i] = +v));
  return finish(arr, opts.shape ?? shape, opts, dtype, backend);
}

function checkShape(op: string, shape: readonly number[]): void {
  const given = shape as unknown;
  if (!Array.isArray(given)) throw new TypeError(`${op}: the shape must be an array of sizes or sizes as arguments, got ${typeof given === "string" ? `string '${given}'` : typeof given}`);
  for (const s of given as unknown[])
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0)
      throw new Error(`${op}: sizes must be non-negative integers, got [${(given as unknown[]).map((v) => (typeof v === "string" ? `'${v}'` : String(v))).join(", ")}]`);
}

/** A shape given as PyTorch's varargs (2, 3) or as one array ([2, 3]), then an optional options object. */
export type SizeArgs<O> = [...sizes: number[]] | [...sizes: number[], options: O] | [shape: readonly number[], options?: O];

export const CREATE_KEYS = ["dtype", "requiresGrad", "device"];
const RANDOM_KEYS = [...CREATE_KEYS, "generator"];

/** Splits `zeros(2, 3, { dtype })` / `zeros([2, 3], { dtype })` into a checked shape and options. */
export function sizeArgs<O extends CreateOptions>(op: string, args: readonly unknown[], keys: readonly string[]): [number[], O] {
  const last = args[args.length - 1];
  const hasOpts = args.length > 0 && isOptionsObject(last);
  const opts = (hasOpts ? last : {}) as O;
  const sizes = hasOpts ? args.slice(0, -1) : args;
  checkOptionNames(op, opts, keys);
  const shape = sizes.length === 1 && (Array.isArray(sizes[0]) || typeof sizes[0] !== "number") ? (sizes[0] as number[]) : (sizes as number[]);
  checkShape(op, shape);
  return [[...shape], opts];
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  checkShape("full", shape);
  checkOptionNames("full", opts, CREATE_KEYS);
  const { dtype, backend: b } = target("full", opts, numel(shape));
  if (typeof value !== "number" && typeof value !== "boolean") throw new TypeError(`full: fill value must be a number or boolean, got ${typeof value}`);
  if (dtype === "int32") checkInt32("full", [value]);
  const t = Tensor.fromStorage(b, b.full(numel(shape), dtype, +value), shape, dtype);
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

/** Zeros: zeros(2, 3) or zeros([2, 3]), then { dtype, device, requiresGrad } (torch.zeros). */
export function zeros(...args: SizeArgs<CreateOptions>): Tensor {
  const [shape, opts] = sizeArgs("zeros", args, CREATE_KEYS);
  return full(shape, 0, opts);
}
/** Ones: ones(2, 3) or ones([2, 3]), then options (torch.ones). */
export function ones(...args: SizeArgs<CreateOptions>): Tensor {
  const [shape, opts] = sizeArgs("ones", args, CREATE_KEYS);
  return full(shape, 1, opts);
}

const likeOpts = (x: Tensor, opts: CreateOptions): CreateOptions => ({ dtype: x.dtype, device: x.backend.name, ...opts });
export const zerosLike = (x: Tensor, opts: CreateOptions = {}): Tensor => full(x.shape, 0, likeOpts(x, opts));
export const onesLike = (x: Tensor, opts: CreateOptions = {}): Tensor => full(x.shape, 1, likeOpts(x, opts));
export const fullLike = (x: Tensor, value: number, opts: CreateOptions = {}): Tensor => full(x.shape, value, likeOpts(x, opts));

/**
 * Values from start (inclusive) to end (exclusive) by step: arange(5), arange(1, 4), arange(0, 1, 0.25).
 * float32 by default (see tensor() on integers).
 */
export function arange(...args: Args<[start: number, end: number, step: number], CreateOptions>): Tensor {
  const o = resolveArgs<{ start: number; end: number | undefined; step: number } & CreateOptions>("arange", args, ["start", "end", "step"], {
    start: undefined as unknown as number, end: undefined, step: 1, dtype: undefined, requiresGrad: undefined, device: undefined,
  });
  const { start: first, end: last, step, ...opts } = o;
  let [start, end] = [first, last];
  if (typeof start !== "number") throw new TypeError("arange: expected arange(end), arange(start, end) or arange(start, end, step)");
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be finite and non-zero, got ${step}`);
  const n = Math.max(0, Math.ceil((end - start) / step));
  if (!Number.isSafeInteger(n)) throw new RangeError(`arange: start ${start}, end ${end} and step ${step} do not give a finite length`);
  const { dtype, backend } = target("arange", opts, n);
  const arr = allocArray(dtype, n);
  for (let i = 0; i < n; i++) arr[i] = start + i * step;
  return finish(arr, [n], opts, dtype, backend);
}

/** `steps` evenly spaced values from start to end inclusive (torch.linspace). */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  checkOptionNames("linspace", opts, CREATE_KEYS);
  const { dtype, backend } = target("linspace", opts, steps);
  const arr = allocArray(dtype, steps);
  const h = steps > 1 ? (end - start) / (steps - 1) : 0;
  // fill from both ends like torch so the last value is exactly `end`
  for (let i = 0; i < steps; i++) arr[i] = i < steps / 2 ? start + i * h : end - (steps - 1 - i) * h;
  return finish(arr, [steps], opts, dtype, backend);
}

/** Identity matrix n×m (torch.eye). */
export function eye(n: number, ...args: Args<[m: number], CreateOptions>): Tensor {
  const { m = n, ...opts } = resolveArgs<{ m: number | undefined } & CreateOptions>("eye", args, ["m"], { m: undefined, dtype: undefined, requiresGrad: undefined, device: undefined });
  checkShape("eye", [n, m]);
  const { dtype, backend } = target("eye", opts, n * m);
  const arr = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) arr[i * m + i] = 1;
  return finish(arr, [n, m], opts, dtype, backend);
}

function randomTensor(op: string, shape: readonly number[], opts: RandomOptions, draw: (g: Generator) => number): Tensor {
  checkShape(op, shape);
  const { dtype, backend } = target(op, opts, numel(shape));
  if (op !== "randint" && !isFloating(dtype)) throw new TypeError(`${op}: draws floats, so dtype ${dtype} is not supported, as in PyTorch (it gave zeros); use randint for integers`);
  const arr = allocArray(dtype, numel(shape));
  for (let i = 0, g = opts.generator ?? defaultGenerator; i < arr.length; i++) arr[i] = draw(g);
  return finish(arr, shape, opts, dtype, backend);
}

/** Uniform on [0, 1): rand(2, 3) or rand([2, 3]), then { dtype, device, generator, … } (torch.rand). */
export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, opts] = sizeArgs<RandomOptions>("rand", args, RANDOM_KEYS);
  return randomTensor("rand", shape, opts, (g) => g.random());
}
/** Standard normal: randn(2, 3) or randn([2, 3]), then options (torch.randn). */
export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  const [shape, opts] = sizeArgs<RandomOptions>("randn", args, RANDOM_KEYS);
  return randomTensor("randn", shape, opts, (g) => g.normal());
}

/** Uniform integers in [low, high), int32 by default (torch.randint). */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!(high > low)) throw new Error(`randint: high (${high}) must be greater than low (${low})`);
  checkOptionNames("randint", opts, RANDOM_KEYS);
  if ((opts.dtype ?? "int32") === "int32") checkInt32("randint", [low, high - 1]);
  return randomTensor("randint", shape, { dtype: "int32", ...opts }, (g) => g.integer(low, high));
}

/** A random permutation of 0..n-1 as int32 (torch.randperm), Fisher–Yates. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  checkOptionNames("randperm", opts, RANDOM_KEYS);
  checkShape("randperm", [n]);
  const { dtype, backend } = target("randperm", opts, n, "int32");
  const g = opts.generator ?? defaultGenerator;
  const arr = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    [arr[i], arr[j]] = [arr[j]!, arr[i]!];
  }
  return finish(arr, [n], opts, dtype, backend);
}

export const randLike = (x: Tensor, opts: RandomOptions = {}): Tensor => rand(x.shape, { dtype: x.dtype, device: x.backend.name, ...opts });
export const randnLike = (x: Tensor, opts: RandomOptions = {}): Tensor => randn(x.shape, { dtype: x.dtype, device: x.backend.name, ...opts });
/** Uniform integers in [low, high) with x's shape and dtype (torch.randint_like). */
export const randintLike = (x: Tensor, low: number, high: number, opts: RandomOptions = {}): Tensor =>
  randint(low, high, x.shape, { dtype: x.dtype, device: x.backend.name, ...opts });
