// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/): a 4-byte magic
// (0, 0, element type, number of dims), big-endian u32 sizes, then big-endian elements. Pure parsing;
// reading and gunzipping files is in data/node/.

export interface IdxArray {
  /** Element type from the magic number. */
  type: "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { type: IdxArray["type"]; size: number }> = {
  0x08: { type: "uint8", size: 1 },
  0x09: { type: "int8", size: 1 },
  0x0b: { type: "int16", size: 2 },
  0x0c: { type: "int32", size: 4 },
  0x0d: { type: "float32", size: 4 },
  0x0e: { type: "float64", size: 8 },
};

/** Parses IDX bytes (already decompressed), checking the magic number and the size. */
export function parseIdx(bytes: Uint8Array, name = "IDX data"): IdxArray {
  const fail = (msg: string): never => {
    throw new Error(`parseIdx: ${name}: ${msg}`);
  };
  if (bytes.length < 4) fail(`${bytes.length} bytes is too short for an IDX header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`bad magic number (first bytes ${bytes[0]}, ${bytes[1]}, expected 0, 0); is it still gzip-compressed?`);
  const info = TYPES[bytes[2]!] ?? fail(`unknown element type 0x${bytes[2]!.toString(16)}`);
  const ndim = bytes[3]!;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = 4 + 4 * ndim;
  if (bytes.length < start) fail(`header declares ${ndim} dims but the data is only ${bytes.length} bytes`);
  const shape = Array.from({ length: ndim }, (_, d) => dv.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const want = start + count * info.size;
  if (bytes.length !== want)
    fail(`shape [${shape.join(",")}] of ${info.type} needs ${want} bytes but there are ${bytes.length}${bytes.length < want ? " (truncated)" : ""}`);
  const body = bytes.subarray(start);
  let data: IdxArray["data"];
  switch (info.type) {
    case "uint8":
      data = Uint8Array.prototype.slice.call(body); // a copy, also for Node Buffers
      break;
    case "int8":
      data = new Int8Array(Uint8Array.prototype.slice.call(body).buffer);
      break;
    case "int16":
      data = Int16Array.from({ length: count }, (_, i) => dv.getInt16(start + 2 * i, false));
      break;
    case "int32":
      data = Int32Array.from({ length: count }, (_, i) => dv.getInt32(start + 4 * i, false));
      break;
    case "float32":
      data = Float32Array.from({ length: count }, (_, i) => dv.getFloat32(start + 4 * i, false));
      break;
    case "float64":
      data = Float64Array.from({ length: count }, (_, i) => dv.getFloat64(start + 8 * i, false));
      break;
  }
  return { type: info.type, shape, data };
}

/** Serializes an array to IDX bytes (big-endian), the inverse of parseIdx; used to write test files. */
export function serializeIdx(arr: IdxArray): Uint8Array {
  const code = Number(Object.entries(TYPES).find(([, v]) => v.type === arr.type)![0]);
  const size = TYPES[code]!.size;
  const start = 4 + 4 * arr.shape.length;
  const out = new Uint8Array(start + arr.data.length * size);
  const dv = new DataView(out.buffer);
  out.set([0, 0, code, arr.shape.length]);
  arr.shape.forEach((s, d) => dv.setUint32(4 + 4 * d, s, false));
  for (let i = 0; i < arr.data.length; i++) {
    const v = arr.data[i]!;
    const at = start + i * size;
    if (arr.type === "uint8") dv.setUint8(at, v);
    else if (arr.type === "int8") dv.setInt8(at, v);
    else if (arr.type === "int16") dv.setInt16(at, v, false);
    else if (arr.type === "int32") dv.setInt32(at, v, false);
    else if (arr.type === "float32") dv.setFloat32(at, v, false);
    else dv.setFloat64(at, v, false);
  }
  return out;
}
