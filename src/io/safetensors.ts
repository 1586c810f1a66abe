// safetensors (the Hugging Face format) as pure byte-level functions: parse and serialize, no file
// system, so the browser can use them too. File helpers live in io/node/. Spec and reference:
// https://github.com/huggingface/safetensors (safetensors/src/tensor.rs: prepare, read_metadata, validate).

import { tensor } from "../ops/creation.js";
import { Tensor } from "../tensor.js";
import type { DType, TypedArray } from "../dtype.js";

/** A state dict: names (PyTorch's keys) → tensors. */
export type StateDict = Record<string, Tensor>;

/** One entry of a safetensors header. */
export interface TensorInfo {
  dtype: string;
  shape: number[];
  dataOffsets: [number, number];
}

/** The result of parsing a safetensors buffer. */
export interface SafetensorsFile {
  tensors: StateDict;
  /** The free-form `__metadata__` string map ({} when absent). */
  metadata: Record<string, string>;
}

/** The reference reader refuses headers above 100 MB (MAX_HEADER_SIZE). */
const MAX_HEADER_SIZE = 100_000_000;

/** Bytes per element of every dtype the format defines (reading unknown ones is an error). */
/**
 * obj[key] = value as an own property even for "__proto__" (which plain assignment turns into the
 * object's prototype): names come from files, and a file must not reach a prototype.
 */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

const DTYPE_SIZE: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/**
 * The reference writer sorts tensors by descending dtype, in the order of its `Dtype` enum (which
 * is declared in increasing alignment), then by name. These are that enum's positions.
 */
const DTYPE_ORDER: Record<string, number> = {
  BOOL: 0, U8: 1, I8: 2, F8_E5M2: 3, F8_E4M3: 4, I16: 5, U16: 6, F16: 7, BF16: 8,
  I32: 9, U32: 10, F32: 11, F64: 12, I64: 13, U64: 14,
};

const WRITE_DTYPE: Record<DType, string> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const fail = (msg: string): never => {
  throw new Error(`safetensors: ${msg}`);
};

/** Reads the header of a safetensors buffer, validating it the way the reference reader does. */
export function parseSafetensorsHeader(bytes: Uint8Array): { headerSize: number; entries: [string, TensorInfo][]; metadata: Record<string, string> } {
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header length; it is truncated or not a safetensors file`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = dv.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_SIZE)) fail(`header length ${n64} is larger than the 100 MB limit; the file is corrupt or not a safetensors file`);
  const n = Number(n64);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the ${bytes.length}-byte file; the file is truncated or corrupt`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail("header is not valid UTF-8");
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return fail("header must be a JSON object");
  const metadata: Record<string, string> = {};
  const entries: [string, TensorInfo][] = [];
  for (const [name, raw] of Object.entries(json as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) fail("__metadata__ must be an object of strings");
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`__metadata__["${k}"] must be a string, got ${JSON.stringify(v)}`);
        setOwn(metadata, k, v as string);
      }
      continue;
    }
    entries.push([name, checkInfo(name, raw)]);
  }
  // Validate like the reference: in offset order, each tensor starts where the previous ended,
  // its byte length is numel × dtype size, and the last one ends exactly at the end of the file.
  entries.sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  const dataSize = bytes.length - 8 - n;
  let end = 0;
  let prev = "";
  for (const [name, info] of entries) {
    const [s, e] = info.dataOffsets;
    if (e < s) fail(`tensor "${name}": data_offsets [${s},${e}] end before they start`);
    if (s < end) fail(`tensor "${name}": data_offsets [${s},${e}] overlap tensor "${prev}" (which ends at ${end})`);
    if (s > end) fail(`tensor "${name}": data_offsets [${s},${e}] leave a hole of ${s - end} bytes after ${prev ? `tensor "${prev}"` : "the header"}; the buffer must be contiguous`);
    const want = info.shape.reduce((a, b) => a * b, 1) * DTYPE_SIZE[info.dtype]!;
    if (e - s !== want)
      fail(`tensor "${name}": data_offsets [${s},${e}] hold ${e - s} bytes but ${info.dtype} of shape [${info.shape.join(",")}] needs ${want}`);
    if (e > dataSize)
      fail(`tensor "${name}": data_offsets [${s},${e}] run past the end of the data (${dataSize} bytes); the file is truncated`);
    end = e;
    prev = name;
  }
  if (end !== dataSize) fail(`the header describes ${end} bytes of tensor data but the file holds ${dataSize}; ${end < dataSize ? "there are trailing bytes" : "the file is truncated"}`);
  return { headerSize: n, entries, metadata };
}

function checkInfo(name: string, raw: unknown): TensorInfo {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail(`tensor "${name}": entry must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_SIZE, dtype))
    fail(`tensor "${name}": unknown dtype ${JSON.stringify(dtype)} (the format defines ${Object.keys(DTYPE_SIZE).join(", ")})`);
  const isIndex = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(`tensor "${name}": shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex))
    fail(`tensor "${name}": data_offsets must be two non-negative integers, got ${JSON.stringify(offsets)}`);
  return { dtype: dtype as string, shape: shape as number[], dataOffsets: [(offsets as number[])[0]!, (offsets as number[])[1]!] };
}

/**
 * Parses a safetensors buffer into tensors. F32, F64, I32 and BOOL load as float32, float64, int32
 * and bool; F16 and BF16 widen to float32; I8, U8, I16, U16 widen to int32; I64 and U32 narrow to
 * int32 when every value fits (else an error names the tensor). Matches safetensors.torch.load.
 */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  const { headerSize, entries, metadata } = parseSafetensorsHeader(bytes);
  const base = 8 + headerSize;
  const tensors: StateDict = {};
  for (const [name, info] of entries) {
    const chunk = bytes.subarray(base + info.dataOffsets[0], base + info.dataOffsets[1]);
    const { data, dtype } = decode(name, info.dtype, chunk);
    setOwn(tensors, name, tensor(data, { shape: info.shape, dtype }));
  }
  return { tensors, metadata };
}

/** Reads little-endian elements out of a byte slice into a typed array of the matching kind. */
function decode(name: string, dt: string, b: Uint8Array): { data: TypedArray; dtype: DType } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.byteLength / DTYPE_SIZE[dt]!;
  // an aligned copy for a typed-array view (Uint8Array.prototype.slice: a Node Buffer's own slice() does not copy)
  const copy = (): ArrayBuffer => Uint8Array.prototype.slice.call(b).buffer;
  switch (dt) {
    case "F32":
      return { data: LITTLE_ENDIAN ? new Float32Array(copy()) : Float32Array.from({ length: n }, (_, i) => dv.getFloat32(4 * i, true)), dtype: "float32" };
    case "F64":
      return { data: LITTLE_ENDIAN ? new Float64Array(copy()) : Float64Array.from({ length: n }, (_, i) => dv.getFloat64(8 * i, true)), dtype: "float64" };
    case "I32":
      return { data: LITTLE_ENDIAN ? new Int32Array(copy()) : Int32Array.from({ length: n }, (_, i) => dv.getInt32(4 * i, true)), dtype: "int32" };
    case "BOOL":
      return { data: Uint8Array.from(b, (v) => (v !== 0 ? 1 : 0)), dtype: "bool" };
    case "U8":
      return { data: Int32Array.from(b), dtype: "int32" };
    case "I8":
      return { data: Int32Array.from({ length: n }, (_, i) => dv.getInt8(i)), dtype: "int32" };
    case "I16":
      return { data: Int32Array.from({ length: n }, (_, i) => dv.getInt16(2 * i, true)), dtype: "int32" };
    case "U16":
      return { data: Int32Array.from({ length: n }, (_, i) => dv.getUint16(2 * i, true)), dtype: "int32" };
    case "F16":
      return { data: Float32Array.from({ length: n }, (_, i) => halfToFloat(dv.getUint16(2 * i, true))), dtype: "float32" };
    case "BF16": {
      const f = new DataView(new ArrayBuffer(4));
      return { data: Float32Array.from({ length: n }, (_, i) => (f.setUint32(0, dv.getUint16(2 * i, true) << 16), f.getFloat32(0))), dtype: "float32" };
    }
    case "I64":
    case "U32":
    case "U64": {
      const size = DTYPE_SIZE[dt]!;
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = dt === "U32" ? BigInt(dv.getUint32(4 * i, true)) : dt === "I64" ? dv.getBigInt64(size * i, true) : dv.getBigUint64(size * i, true);
        if (v > 2147483647n || v < -2147483648n)
          fail(`tensor "${name}": ${dt} value ${v} at element ${i} does not fit in int32, the widest integer myelin holds`);
        out[i] = Number(v);
      }
      return { data: out, dtype: "int32" };
    }
    default:
      return fail(`tensor "${name}": dtype ${dt} is not supported by myelin (it reads F32, F64, F16, BF16, I64, I32, I16, I8, U8, U16, U32, U64 and BOOL)`);
  }
}

/** IEEE 754 binary16 bits → number. */
function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * Serializes tensors (and an optional `__metadata__` string map) to safetensors bytes, laid out
 * exactly as the reference writer does: tensors sorted by descending dtype alignment, then name;
 * compact JSON with `__metadata__` first; header padded with spaces to a multiple of 8 bytes.
 * Non-contiguous tensors are written in row-major order. Matches safetensors.torch.save.
 */
export function serializeSafetensors(tensors: StateDict, metadata?: Record<string, string>): Uint8Array {
  if (tensors === null || typeof tensors !== "object" || tensors instanceof Tensor)
    fail(`expected a state dict (an object of name → Tensor, e.g. model.stateDict()), got ${tensors instanceof Tensor ? "a single Tensor; wrap it: { name: t }" : String(tensors)}`);
  const items = Object.entries(tensors).map(([name, t]: [string, unknown]) => {
    if (name === "__metadata__") fail(`"__metadata__" is reserved and cannot name a tensor`);
    if (!(t instanceof Tensor))
      fail(
        `"${name}" is ${t === null ? "null" : Array.isArray(t) ? "an array" : typeof t === "object" ? "an object" : `a ${typeof t}`}, not a Tensor: a safetensors file holds a flat map of tensors only` +
          ` (an optimizer's stateDict() nests numbers and objects: save it with saveCheckpoint, or flatten it with io.flattenState)`,
      );
    const tt = t as Tensor;
    return { name, t: tt, dtype: WRITE_DTYPE[tt.dtype] };
  });
  items.sort((a, b) => DTYPE_ORDER[b.dtype]! - DTYPE_ORDER[a.dtype]! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== "string") fail(`metadata["${k}"] must be a string, got ${typeof v}`);
    header["__metadata__"] = { ...metadata };
  }
  let offset = 0;
  const chunks: Uint8Array[] = [];
  for (const { name, t, dtype } of items) {
    const bytes = encode(t);
    setOwn(header, name, { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] });
    offset += bytes.length;
    chunks.push(bytes);
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const pad = (8 - (json.length % 8)) % 8;
  if (pad) {
    const padded = new Uint8Array(json.length + pad).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A tensor's values as little-endian bytes. */
function encode(t: Tensor): Uint8Array {
  const data = t.dataSync();
  if (t.dtype === "bool") return new Uint8Array(data);
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const size = data.BYTES_PER_ELEMENT;
  const out = new Uint8Array(data.byteLength);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (t.dtype === "float32") dv.setFloat32(i * size, data[i]!, true);
    else if (t.dtype === "float64") dv.setFloat64(i * size, data[i]!, true);
    else dv.setInt32(i * size, data[i]!, true);
  }
  return out;
}
