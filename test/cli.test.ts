// The `myelin` command, run as a child process in a temporary folder: help, errors and exit codes,
// and a short train → eval → predict → resume cycle on the XOR recipe (no dataset download).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCheckpoint } from "../src/node.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url)); // dist/test → dist/src/cli

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function myelin(args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, MYELIN_BACKEND: "" } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const tmp = mkdtempSync(join(tmpdir(), "myelin-cli-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test("myelin --help lists the commands and exits 0 (also with no arguments)", async () => {
  for (const args of [["--help"], ["-h"], []]) {
    const r = await myelin(args, tmp);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^usage: myelin <command> \[options\]/);
    for (const c of ["train", "eval", "predict", "summary"]) assert.match(r.stdout, new RegExp(`myelin ${c} `));
  }
});

test("each command's --help prints its options and exits 0", async () => {
  const expected: Record<string, string[]> = {
    train: ["--epochs N", "--batch-size N", "--lr X", "--seed N", "--out DIR", "--resume DIR", "--patience N", "--backend NAME", "xor", "course-digits", "fashion"],
    eval: ["myelin eval <run-dir>", "--backend NAME", "--data-dir DIR"],
    predict: ["myelin predict <run-dir>", "--index N", "--count N", "--no-image"],
    summary: ["myelin summary [recipe]"],
  };
  await Promise.all(
    Object.entries(expected).map(async ([cmd, words]) => {
      const r = await myelin([cmd, "--help"], tmp);
      assert.equal(r.code, 0, `${cmd}: ${r.stderr}`);
      for (const w of words) assert.ok(r.stdout.includes(w), `'myelin ${cmd} --help' does not mention ${w}:\n${r.stdout}`);
    }),
  );
});

test("an unknown command exits 2 with a message and the usage", async () => {
  const r = await myelin(["tran"], tmp);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /myelin: unknown command 'tran'/);
  assert.match(r.stderr, /usage: myelin <command>/);
  assert.equal(r.stdout, "");
});

test("an unknown option exits 2 naming it and showing the command's usage", async () => {
  const r = await myelin(["train", "xor", "--epoch", "3"], tmp);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /myelin train: .*'--epoch'/);
  assert.match(r.stderr, /--epochs N/);
});

test("bad values and unknown recipes exit 1 with a clear message", async () => {
  const cases: [string[], RegExp][] = [
    [["train", "xor", "--epochs", "abc"], /^myelin: --epochs expects an integer ≥ 1, got 'abc'$/m],
    [["train", "xor", "--epochs", "0"], /--epochs expects an integer ≥ 1, got '0'/],
    [["train", "xor", "--lr", "fast"], /--lr expects a number ≥ 0, got 'fast'/],
    [["train", "nope"], /unknown recipe 'nope' \(available: digits, course-digits, xor, fashion, lenet, fashion-cnn, resnet-mini\)/],
    [["summary", "nope"], /unknown recipe 'nope'/],
    [["eval", tmp], /is not a run folder: it has no config\.json/],
    [["eval"], /expected a run folder/],
    [["predict", join(tmp, "missing")], /is not a run folder/],
  ];
  await Promise.all(
    cases.map(async ([args, re]) => {
      const r = await myelin(args, tmp);
      assert.equal(r.code, 1, `${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, re, args.join(" "));
    }),
  );
});

test("summary course-digits prints the deck's 13,002 parameters", async () => {
  const r = await myelin(["summary", "course-digits"], tmp);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Total params: 13,002/);
  assert.match(r.stdout, /Linear.*\[1, 16\]\s+12,560/);
});

test("train xor writes a complete run folder; eval, predict and resume use it", async () => {
  const out = join(tmp, "run");
  const r = await myelin(["train", "xor", "--epochs", "5", "--out", out], tmp);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /17 parameters · 5 epochs · batch 4 · lr 0\.5/);
  assert.equal(r.stdout.match(/^epoch \d\/5 · .* · loss \d\.\d{4} · accuracy \d\.\d{4} · val_loss \d\.\d{4} · val_accuracy \d\.\d{4}$/gm)?.length, 5, r.stdout);
  const acc = /test loss (\d\.\d{4}) · test accuracy (\d+\.\d{2})%/.exec(r.stdout);
  assert.ok(acc, r.stdout);
  for (const f of ["model.safetensors", "config.json", "history.json", "history.csv", "history.svg", "checkpoint/checkpoint.json", "checkpoint/model.safetensors", "checkpoint/optimizer.safetensors"])
    assert.ok(existsSync(join(out, f)), `missing ${f}`);
  const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as Record<string, unknown>;
  assert.deepEqual({ ...config, backend: undefined }, { recipe: "xor", epochs: 5, batchSize: 4, lr: 0.5, seed: 0, backend: undefined });
  const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { epoch: number[]; history: Record<string, number[]> };
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4]);
  assert.equal(history.history.val_loss!.length, 5);
  assert.equal(readFileSync(join(out, "history.csv"), "utf8").trimEnd().split("\n").length, 6);
  assert.match(readFileSync(join(out, "history.svg"), "utf8"), /^<svg/);
  assert.equal(loadCheckpoint(join(out, "checkpoint")).epoch, 5);

  // eval reproduces the test numbers train printed (same weights, same data)
  const ev = await myelin(["eval", out], tmp);
  assert.equal(ev.code, 0, ev.stderr);
  assert.ok(ev.stdout.includes(`loss ${acc[1]} · accuracy ${acc[2]}%`), `${ev.stdout} vs ${acc[0]}`);

  const pr = await myelin(["predict", out, "--count", "2"], tmp);
  assert.equal(pr.code, 0, pr.stderr);
  const lines = pr.stdout.match(/^sample (\d): predicted [01] \(\d+\.\d%\) · true [01] [✓✗]$/gm);
  assert.deepEqual(lines?.map((l) => l.slice(0, 8)), ["sample 0", "sample 1"], pr.stdout);
  const past = await myelin(["predict", out, "--index", "3", "--count", "2"], tmp);
  assert.equal(past.code, 1);
  assert.match(past.stderr, /--index 3 --count 2 goes past the 4 test samples/);
});

test("train --resume continues a run to the same weights and history as an uninterrupted one", async () => {
  const straight = join(tmp, "straight");
  const split = join(tmp, "split");
  assert.equal((await myelin(["train", "xor", "--epochs", "4", "--out", straight], tmp)).code, 0);
  assert.equal((await myelin(["train", "xor", "--epochs", "2", "--out", split], tmp)).code, 0);
  const r = await myelin(["train", "xor", "--resume", split, "--epochs", "4"], tmp);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /resuming from epoch 2 of/);
  assert.equal(r.stdout.match(/^epoch \d\/4/gm)?.join(" "), "epoch 3/4 epoch 4/4");
  assert.deepEqual(readFileSync(join(split, "model.safetensors")), readFileSync(join(straight, "model.safetensors")));
  assert.equal(readFileSync(join(split, "history.json"), "utf8"), readFileSync(join(straight, "history.json"), "utf8"));
  assert.equal(readFileSync(join(split, "history.csv"), "utf8"), readFileSync(join(straight, "history.csv"), "utf8"));
  const wrong = await myelin(["train", "digits", "--resume", split], tmp);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /is a run of 'xor', not of 'digits'/);
});
