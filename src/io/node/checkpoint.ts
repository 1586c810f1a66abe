// Node-only checkpoints: a folder with model.safetensors, optimizer.safetensors and checkpoint.json
// (epoch, history, config, the optimizer's non-tensor state, file sizes and SHA-256 sums), written
// into a temporary sibling folder and renamed into place, so a crash never leaves half a checkpoint.

import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseSafetensors, serializeSafetensors, type StateDict } from "../safetensors.js";
import { flattenState, unflattenState, type JsonValue, type NestedState } from "../state.js";
import { releaseSibling, removeStaleSiblings, tempSibling, writeFileAtomic } from "./files.js";

/** What a checkpoint holds. */
export interface Checkpoint {
  /** model.stateDict() */
  model: StateDict;
  /** optimizer.stateDict(): tensors anywhere inside JSON-able objects (null or absent: none) */
  optimizer?: NestedState | null;
  /** The number of epochs completed. */
  epoch: number;
  /** Metric curves so far, e.g. { loss: [...], valAccuracy: [...] } */
  history?: JsonValue;
  /** Anything else needed to resume (hyper-parameters, recipe name, generator states). */
  config?: JsonValue;
}

export interface SaveCheckpointOptions {
  /** @internal called after every file is written and before the rename; tests simulate crashes with it */
  beforeCommit?: () => void;
}

const FORMAT = "myelin.checkpoint";
const VERSION = 1;
const MODEL = "model.safetensors";
const OPTIMIZER = "optimizer.safetensors";
const META = "checkpoint.json";

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/**
 * Throws unless `dir` is absent, an empty folder, or a checkpoint folder holding nothing but
 * saveCheckpoint's own files: replacing it must never delete a user's file or other runs.
 */
function assertReplaceable(dir: string): void {
  if (!existsSync(dir) && !isLink(dir)) return;
  const refuse = (why: string): Error => new Error(`saveCheckpoint: refusing to replace ${dir}: ${why}; choose another path or remove it yourself`);
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw refuse("it is a symbolic link, not a checkpoint folder");
  if (!st.isDirectory()) throw refuse("it is a file, not a checkpoint folder");
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!entries.includes(META)) throw refuse(`it is a folder that is not a checkpoint (no ${META})`);
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(join(dir, META), "utf8")) as Record<string, unknown> | null)?.["format"];
  } catch {
    format = undefined;
  }
  if (format !== FORMAT) throw refuse(`its ${META} is not a myelin checkpoint's`);
  const foreign = entries.filter((f) => f !== MODEL && f !== OPTIMIZER && f !== META);
  if (foreign.length) throw refuse(`it holds files that are not part of the checkpoint (${foreign.slice(0, 5).join(", ")})`);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Saves a checkpoint folder atomically: an existing checkpoint at `dir` is replaced only once the
 * new one is completely on disk. Anything else at `dir` (a file, a folder with other content) is
 * refused, never replaced. Temporary and backup folders left by a save that crashed are removed.
 * PyTorch has no single equivalent; this is torch.save of {model, optimizer, epoch} made
 * crash-safe and readable by safetensors.
 * @example saveCheckpoint("runs/mnist", { model: model.stateDict(), optimizer: opt.stateDict(), epoch: 3, history })
 */
export function saveCheckpoint(dir: string, ckpt: Checkpoint, opts: SaveCheckpointOptions = {}): void {
  if (!Number.isInteger(ckpt.epoch) || ckpt.epoch < 0) throw new Error(`saveCheckpoint: epoch must be a non-negative integer, got ${ckpt.epoch}`);
  mkdirSync(dirname(dir), { recursive: true });
  assertReplaceable(dir);
  removeStaleSiblings(dir, "tmp");
  const tmp = tempSibling(dir);
  let backup: string | null = null;
  try {
    mkdirSync(tmp);
    const files: Record<string, { bytes: number; sha256: string }> = {};
    const put = (name: string, bytes: Uint8Array): void => {
      writeFileAtomic(join(tmp, name), bytes);
      files[name] = { bytes: bytes.length, sha256: sha256(bytes) };
    };
    put(MODEL, serializeSafetensors(ckpt.model, { format: "pt" }));
    let optimizer: JsonValue = null;
    if (ckpt.optimizer !== undefined && ckpt.optimizer !== null) {
      const { tensors, skeleton } = flattenState(ckpt.optimizer);
      put(OPTIMIZER, serializeSafetensors(tensors, { format: "pt" }));
      optimizer = skeleton;
    }
    // savedAt orders backups after a crash (loadCheckpoint picks the newest)
    const meta = { format: FORMAT, version: VERSION, epoch: ckpt.epoch, savedAt: Date.now(), history: ckpt.history ?? null, config: ckpt.config ?? null, optimizer, files };
    writeFileAtomic(join(tmp, META), new TextEncoder().encode(JSON.stringify(meta, null, 1) + "\n"));
    opts.beforeCommit?.();
    if (existsSync(dir)) {
      assertReplaceable(dir); // it may have changed while we wrote
      backup = tempSibling(dir, "old");
      renameSync(dir, backup);
    }
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (backup && !existsSync(dir)) renameSync(backup, dir); // put the previous checkpoint back
    else if (backup) rmSync(backup, { recursive: true, force: true }); // a concurrent save put a newer one in place
    throw e;
  } finally {
    releaseSibling(tmp);
    if (backup) releaseSibling(backup);
  }
  // the new checkpoint is in place: this save's backup and any a crashed save left are obsolete
  removeStaleSiblings(dir, "old");
}

/**
 * Loads and validates a checkpoint folder written by saveCheckpoint: sizes and SHA-256 sums of the
 * tensor files, the safetensors structure, and the optimizer state's references. A truncated or
 * corrupt file is rejected with an error naming it. If the process died between the two renames of
 * a save, the previous checkpoint is found under its backup name and loaded.
 */
export function loadCheckpoint(dir: string): Checkpoint {
  const where = resolveDir(dir);
  const err = (msg: string): Error => new Error(`loadCheckpoint: ${where}: ${msg}`);
  const metaPath = join(where, META);
  if (!existsSync(metaPath)) throw err(`not a checkpoint: ${META} is missing`);
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(readFileSync(metaPath, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw err(`${META} is corrupt (invalid JSON: ${(e as Error).message})`);
  }
  if (typeof meta !== "object" || meta === null || meta["format"] !== FORMAT) throw err(`${META} is not a myelin checkpoint (format is ${JSON.stringify(meta?.["format"])})`);
  if (meta["version"] !== VERSION) throw err(`checkpoint version ${JSON.stringify(meta["version"])} is not supported (expected ${VERSION})`);
  const epoch = meta["epoch"];
  if (typeof epoch !== "number" || !Number.isInteger(epoch) || epoch < 0) throw err(`${META} has an invalid epoch ${JSON.stringify(epoch)}`);
  const files = (meta["files"] ?? {}) as Record<string, { bytes?: unknown; sha256?: unknown }>;
  const read = (name: string): StateDict => {
    const info = files[name];
    const path = join(where, name);
    if (!info) throw err(`${META} does not list ${name}`);
    if (!existsSync(path)) throw err(`${name} is missing`);
    const bytes = readFileSync(path);
    if (bytes.length !== info.bytes) throw err(`${name} is truncated or corrupt: expected ${String(info.bytes)} bytes, found ${bytes.length}`);
    if (sha256(bytes) !== info.sha256) throw err(`${name} is corrupt: its SHA-256 does not match the one recorded in ${META}`);
    try {
      return parseSafetensors(bytes).tensors;
    } catch (e) {
      throw err(`${name}: ${(e as Error).message}`);
    }
  };
  const model = read(MODEL);
  let optimizer: NestedState | null = null;
  const skeleton = (meta["optimizer"] ?? null) as JsonValue;
  if (skeleton !== null) {
    try {
      optimizer = unflattenState(skeleton, read(OPTIMIZER));
    } catch (e) {
      throw (e as Error).message.startsWith("loadCheckpoint") ? e : err((e as Error).message);
    }
  }
  return { model, optimizer, epoch, history: (meta["history"] ?? null) as JsonValue, config: (meta["config"] ?? null) as JsonValue };
}

/**
 * `dir`, or the newest backup left by a save that died between its two renames. Backups are
 * ordered by the time (then epoch) recorded in their checkpoint.json, not by their names.
 */
function resolveDir(dir: string): string {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`loadCheckpoint: ${dir} is a file, not a checkpoint folder`);
    return dir;
  }
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.old-`;
  const names = existsSync(parent) ? readdirSync(parent).filter((f) => f.startsWith(prefix)) : [];
  let best: { path: string; savedAt: number; epoch: number } | null = null;
  for (const f of names) {
    const path = join(parent, f);
    let meta: Record<string, unknown>;
    try {
      meta = JSON.parse(readFileSync(join(path, META), "utf8")) as Record<string, unknown>;
    } catch {
      continue; // not a readable checkpoint: never prefer it
    }
    const savedAt = typeof meta["savedAt"] === "number" ? meta["savedAt"] : -Infinity;
    const epoch = typeof meta["epoch"] === "number" ? meta["epoch"] : -Infinity;
    if (!best || savedAt > best.savedAt || (savedAt === best.savedAt && epoch > best.epoch)) best = { path, savedAt, epoch };
  }
  if (best) return best.path;
  throw new Error(`loadCheckpoint: no checkpoint at ${dir}`);
}
