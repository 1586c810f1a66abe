// Node-only file helpers for io: atomic writes (temp file in the same folder, fsync, rename) and
// safetensors files on disk. The byte-level format lives in ../safetensors.ts.

import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseSafetensors, serializeSafetensors, type SafetensorsFile, type StateDict } from "../safetensors.js";

let counter = 0;
/** Temporary names this process is writing right now: never stale, whatever their pid says. */
const inFlight = new Set<string>();

/** A unique sibling name for temporary files and folders: `.<name>.tmp-<pid>-<ms>-<n>`. */
export function tempSibling(path: string, kind = "tmp"): string {
  const name = join(dirname(path), `.${basename(path)}.${kind}-${process.pid}-${Date.now()}-${counter++}`);
  inFlight.add(name);
  return name;
}

/** Forgets a name from tempSibling once it is renamed or removed. */
export function releaseSibling(name: string): void {
  inFlight.delete(name);
}

/** Whether process `pid` is running (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temporary siblings of `path` (`kind` "tmp" or "old") left by processes that died
 * mid-save: those whose pid no longer runs, or that carry this process's pid without being in
 * flight here (a pid reused after a crash, as in containers). A live process's temporaries stay.
 */
export function removeStaleSiblings(path: string, kind: string): void {
  const parent = dirname(path);
  const prefix = `.${basename(path)}.${kind}-`;
  if (!existsSync(parent)) return;
  for (const f of readdirSync(parent)) {
    if (!f.startsWith(prefix)) continue;
    const full = join(parent, f);
    const pid = Number(f.slice(prefix.length).split("-")[0]);
    if (!Number.isInteger(pid) || pid <= 0 || inFlight.has(full)) continue;
    if (pid !== process.pid && alive(pid)) continue;
    try {
      rmSync(full, { recursive: true, force: true });
    } catch {
      // best effort: a leftover we may not remove (permissions) must not fail the save itself
    }
  }
}

/** Writes all of `bytes` to `fd`, looping over short writes (a full disk); 0 bytes written fails. */
function writeAll(fd: number, bytes: Uint8Array, path: string): void {
  let done = 0;
  while (done < bytes.length) {
    const n = writeSync(fd, bytes, done, bytes.length - done);
    if (!(n > 0)) throw new Error(`writeFileAtomic: ${path}: only ${done} of ${bytes.length} bytes could be written (is the disk full?)`);
    done += n;
  }
}

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same folder, written to the
 * last byte (or an error), flushed to disk, then renamed over `path`, so readers see the old file
 * or the new one, never half of one. Temporaries left by a crashed earlier write are removed.
 */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  removeStaleSiblings(path, "tmp");
  const tmp = tempSibling(path);
  try {
    const fd = openSync(tmp, "w");
    try {
      writeAll(fd, bytes, path);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    releaseSibling(tmp);
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

/** Reads a whole file; one that cannot be read is an error saying `where: cannot read <path>: <why>`. */
export function readBytes(where: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${where}: cannot read ${path}: ${(e as Error).message}`);
  }
}

/** Reads a safetensors file with its `__metadata__`; errors name the file and what is wrong. */
export function readSafetensors(path: string): SafetensorsFile {
  const bytes = readBytes("loadSafetensors", path);
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
