// Reliability regressions (issue 13), files part: no save may delete what is not its own, a short
// write is an error and never a truncated file, and crashed saves leave nothing behind for good.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { arange, tensor } from "../src/index.js";
import { loadCheckpoint, loadSafetensors, saveCheckpoint, saveSafetensors } from "../src/node.js";
import { repoRoot } from "./helpers.js";

const tmp = (): string => mkdtempSync(join(tmpdir(), "myelin-rel-"));
const model = { w: arange(0, 6).reshape(2, 3) };
const DEAD_PID = 2147483646; // above any pid_max: never a running process

test("saveCheckpoint refuses to replace a file, a folder of other runs, or a checkpoint with foreign files", () => {
  const root = tmp();
  try {
    const file = join(root, "notes.txt");
    writeFileSync(file, "precious");
    assert.throws(() => saveCheckpoint(file, { model, epoch: 1 }), /saveCheckpoint: refusing to replace .*notes\.txt: it is a file/);
    assert.equal(readFileSync(file, "utf8"), "precious");

    const runs = join(root, "runs");
    mkdirSync(join(runs, "run1"), { recursive: true });
    writeFileSync(join(runs, "run1", "model.safetensors"), "weights");
    assert.throws(() => saveCheckpoint(runs, { model, epoch: 1 }), /refusing to replace .*runs: it is a folder that is not a checkpoint/);
    assert.equal(readFileSync(join(runs, "run1", "model.safetensors"), "utf8"), "weights");

    const ck = join(root, "ck");
    saveCheckpoint(ck, { model, epoch: 1 });
    writeFileSync(join(ck, "plot.svg"), "<svg/>");
    assert.throws(() => saveCheckpoint(ck, { model, epoch: 2 }), /holds files that are not part of the checkpoint \(plot\.svg\)/);
    assert.equal(loadCheckpoint(ck).epoch, 1);
    assert.ok(existsSync(join(ck, "plot.svg")));

    const empty = join(root, "empty"); // nothing to lose: an empty folder is a fine target
    mkdirSync(empty);
    saveCheckpoint(empty, { model, epoch: 3 });
    assert.equal(loadCheckpoint(empty).epoch, 3);
    assert.deepEqual(readdirSync(root).sort(), ["ck", "empty", "notes.txt", "runs"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a short write (file-size limit, as on a full disk) fails the save and keeps the old file", () => {
  const root = tmp();
  try {
    const path = join(root, "w.safetensors");
    saveSafetensors(path, { w: tensor([1, 2, 3]) });
    const before = readFileSync(path);
    // the child may write 4 blocks per file; SIGXFSZ is ignored so write() returns a short count
    const script = `process.on("SIGXFSZ", () => {});
      const { saveSafetensors } = await import(${JSON.stringify(`${repoRoot}dist/src/node.js`)});
      const { ones } = await import(${JSON.stringify(`${repoRoot}dist/src/index.js`)});
      try { saveSafetensors(${JSON.stringify(path)}, { w: ones([100000]) }); console.log("saved"); } catch (e) { console.log("error: " + e.message); }`;
    const r = spawnSync("sh", ["-c", `ulimit -f 4 && exec "${process.execPath}" --input-type=module -e '${script.replace(/'/g, "'\\''")}'`], { encoding: "utf8", env: { ...process.env, MYELIN_BACKEND: "cpu" } });
    assert.match(r.stdout, /^error: /, `the save must fail, got ${r.stdout}${r.stderr}`);
    assert.deepEqual(readFileSync(path), before);
    assert.deepEqual(loadSafetensors(path)["w"]!.toArray(), [1, 2, 3]);
    assert.deepEqual(readdirSync(root), ["w.safetensors"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("saves remove temp and backup folders a crashed save left, and keep a live process's", () => {
  const root = tmp();
  try {
    const ck = join(root, "ck");
    saveCheckpoint(ck, { model, epoch: 1 });
    const stale = [`.ck.tmp-${DEAD_PID}-1-0`, `.ck.old-${DEAD_PID}-1-0`, `.ck.tmp-${process.pid}-1-0`];
    const live = `.ck.tmp-${process.ppid}-1-0`; // the test runner: running
    for (const d of [...stale, live]) {
      mkdirSync(join(root, d));
      writeFileSync(join(root, d, "model.safetensors"), new Uint8Array(1000));
    }
    writeFileSync(join(root, `.w.safetensors.tmp-${DEAD_PID}-1-0`), "half a file");
    saveCheckpoint(ck, { model, epoch: 2 });
    saveSafetensors(join(root, "w.safetensors"), model);
    assert.deepEqual(readdirSync(root).sort(), [live, "ck", "w.safetensors"].sort());
    assert.equal(loadCheckpoint(ck).epoch, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("after a crash between the renames, loadCheckpoint picks the newest backup by its recorded time, not its name", () => {
  const root = tmp();
  try {
    const ck = join(root, "ck");
    // two crashed saves (dead pids): the older one's name sorts last
    saveCheckpoint(ck, { model, epoch: 2 });
    renameSync(ck, join(root, ".ck.old-99999999-5-0"));
    saveCheckpoint(ck, { model, epoch: 5 });
    renameSync(ck, join(root, ".ck.old-100000000-4-0"));
    assert.equal(loadCheckpoint(ck).epoch, 5);
    // the next save succeeds and clears both backups
    saveCheckpoint(ck, { model, epoch: 6 });
    assert.deepEqual(readdirSync(root), ["ck"]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
