// The slice of the WebAssembly JS API this backend uses, typed locally: the project compiles with
// lib ES2022 only (no DOM), and @types/node 20 does not declare WebAssembly.

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
/** A compiled module: opaque, structured-cloneable to workers. */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
export interface WasmApi {
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (m: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(m: WasmModule, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
}

/** globalThis.WebAssembly, or undefined in an engine without it. */
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * Throws unless `bytes` start with the wasm magic number "\0asm": a server that answers a missing
 * file with its HTML page (SPA fallbacks, dev servers) would otherwise surface as "no SIMD".
 */
export function checkWasmBytes(bytes: Uint8Array, source: string): void {
  if (bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d) return;
  const head = Array.from(bytes.subarray(0, 16), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : ".")).join("");
  throw new Error(
    `wasm backend: ${source} is not a WebAssembly file (${bytes.length} bytes starting "${head}"); ` +
      "serve the package's dist/wasm/*.wasm files, or pass their bytes as wasmBytes",
  );
}
