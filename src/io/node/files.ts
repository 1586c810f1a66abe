// Node-only file helpers for io: atomic writes (temp file in the same folder, fsync, rename) and
// safetensors files on disk. The byte-level format lives in ../safetensors.ts.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseSafetensors, serializeSafetensors, type SafetensorsFile, type StateDict } from "../safetensors.js";

let counter = 0;
/** A unique sibling name for temporary files and folders. */
export function tempSibling(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}-${counter++}`);
}

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same folder, flushed to disk,
 * then renamed over `path`, so readers see the old file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = tempSibling(path);
  try {
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Saves a state dict as a safetensors file (written atomically), loadable by
 * safetensors.torch.load_file. Matches safetensors.torch.save_file(tensors, path, metadata).
 * @example saveSafetensors("model.safetensors", model.stateDict(), { format: "pt" })
 */
export function saveSafetensors(path: string, tensors: StateDict, metadata?: Record<string, string>): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

/** Reads a safetensors file with its `__metadata__`; errors name the file and what is wrong. */
export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`loadSafetensors: cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return parseSafetensors(bytes);
  } catch (e) {
    throw new Error(`loadSafetensors: ${path}: ${(e as Error).message}`);
  }
}

/**
 * Loads a safetensors file into a state dict (name → Tensor), validating the header, offsets and
 * sizes. Matches safetensors.torch.load_file(path).
 */
export function loadSafetensors(path: string): StateDict {
  return readSafetensors(path).tensors;
}
