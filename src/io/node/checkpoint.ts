// Node-only checkpoints: a folder with model.safetensors, optimizer.safetensors and checkpoint.json
// (epoch, history, config, the optimizer's non-tensor state, file sizes and SHA-256 sums), written
// into a temporary sibling folder and renamed into place, so a crash never leaves half a checkpoint.

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parseSafetensors, serializeSafetensors, type StateDict } from "../safetensors.js";
import { flattenState, unflattenState, type JsonValue, type NestedState } from "../state.js";
import { tempSibling, writeFileAtomic } from "./files.js";

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
 * Saves a checkpoint folder atomically: an existing checkpoint at `dir` is replaced only once the
 * new one is completely on disk. PyTorch has no single equivalent; this is torch.save of
 * {model, optimizer, epoch} made crash-safe and readable by safetensors.
 * @example saveCheckpoint("runs/mnist", { model: model.stateDict(), optimizer: opt.stateDict(), epoch: 3, history })
 */
export function saveCheckpoint(dir: string, ckpt: Checkpoint, opts: SaveCheckpointOptions = {}): void {
  if (!Number.isInteger(ckpt.epoch) || ckpt.epoch < 0) throw new Error(`saveCheckpoint: epoch must be a non-negative integer, got ${ckpt.epoch}`);
  const tmp = tempSibling(dir);
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(tmp);
  let backup: string | null = null;
  try {
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
    const meta = { format: FORMAT, version: VERSION, epoch: ckpt.epoch, history: ckpt.history ?? null, config: ckpt.config ?? null, optimizer, files };
    writeFileAtomic(join(tmp, META), new TextEncoder().encode(JSON.stringify(meta, null, 1) + "\n"));
    opts.beforeCommit?.();
    if (existsSync(dir)) {
      backup = join(dirname(dir), `.${basename(dir)}.old-${basename(tmp).split(".tmp-")[1]}`);
      renameSync(dir, backup);
    }
    renameSync(tmp, dir);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (backup && !existsSync(dir)) renameSync(backup, dir); // put the previous checkpoint back
    throw e;
  }
  if (backup) rmSync(backup, { recursive: true, force: true });
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

/** `dir`, or the backup left by a save that died between its two renames. */
function resolveDir(dir: string): string {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`loadCheckpoint: ${dir} is a file, not a checkpoint folder`);
    return dir;
  }
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.old-`;
  const backups = existsSync(parent) ? readdirSync(parent).filter((f) => f.startsWith(prefix)).sort() : [];
  if (backups.length) return join(parent, backups[backups.length - 1]!);
  throw new Error(`loadCheckpoint: no checkpoint at ${dir}`);
}
