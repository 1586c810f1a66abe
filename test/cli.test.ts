// The `myelin` command, run as a child process in a temporary folder: help, errors and exit codes,
// and a short train → eval → predict → resume cycle on the XOR recipe (no dataset download).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { data, Generator, nn, type Tensor } from "../src/index.js";
import { loadCheckpoint, loadMnist, loadSafetensors } from "../src/node.js";
import { evaluate } from "../src/train/index.js";
import { repoRoot } from "./helpers.js";

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
    train: ["--epochs N", "--batch-size N", "--lr X", "--seed N", "--val-split F", "--out DIR", "--overwrite", "--resume DIR", "--patience N", "--backend NAME", "xor", "course-digits", "fashion"],
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
  assert.match(r.stderr, /myelin train: unknown option '--epoch' \(did you mean '--epochs'\?\)/);
  assert.match(r.stderr, /--epochs N/);
  // PyTorch scripts spell it batch_size: the hint names the flag, and the error is not buried
  // under the description of every recipe
  const snake = await myelin(["train", "xor", "--batch_size", "4"], tmp);
  assert.equal(snake.code, 2);
  assert.match(snake.stderr, /unknown option '--batch_size' \(did you mean '--batch-size'\?\)/);
  assert.ok(!snake.stderr.includes("course-digits"), snake.stderr);
});

test("bad values and unknown recipes exit 1 with a clear message", async () => {
  const cases: [string[], RegExp][] = [
    [["train", "xor", "--epochs", "abc"], /^myelin: --epochs expects an integer ≥ 1, got 'abc'$/m],
    [["train", "xor", "--epochs", "0"], /--epochs expects an integer ≥ 1, got '0'/],
    [["train", "xor", "--lr", "fast"], /--lr expects a number ≥ 0, got 'fast'/],
    [["train", "nope"], /unknown recipe 'nope' \(available: digits, course-digits, xor, fashion(, [a-z0-9-]+)*\)/],
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
  assert.match(r.stdout, /^data: 4 to train on · no validation split · 4 for the test at the end$/m);
  assert.equal(r.stdout.match(/^epoch \d\/5 · .* · loss \d\.\d{4} · accuracy \d\.\d{4}$/gm)?.length, 5, r.stdout);
  const acc = /test loss (\d\.\d{4}) · test accuracy (\d+\.\d{2})%/.exec(r.stdout);
  assert.ok(acc, r.stdout);
  for (const f of ["model.safetensors", "config.json", "history.json", "history.csv", "history.svg", "checkpoint/checkpoint.json", "checkpoint/model.safetensors", "checkpoint/optimizer.safetensors"])
    assert.ok(existsSync(join(out, f)), `missing ${f}`);
  const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as Record<string, unknown>;
  assert.deepEqual({ ...config, backend: undefined }, { recipe: "xor", epochs: 5, batchSize: 4, lr: 0.5, seed: 0, valSplit: 0, backend: undefined,
    files: ["checkpoint", "config.json", "history.csv", "history.json", "history.svg", "model.safetensors"] });
  const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { epoch: number[]; history: Record<string, number[]>; test: Record<string, number> };
  assert.deepEqual(history.epoch, [0, 1, 2, 3, 4]);
  assert.equal(history.history.loss!.length, 5);
  assert.equal(history.history.val_loss, undefined, "xor holds no validation split by default");
  assert.equal(history.test.loss!.toFixed(4), acc[1]);
  assert.equal((history.test.accuracy! * 100).toFixed(2), acc[2]);
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
  // no recipe named: the run folder's own recipe (xor) and settings, not the default digits
  const r = await myelin(["train", "--resume", split, "--epochs", "4"], tmp);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /resuming from epoch 2 of/);
  assert.equal(r.stdout.match(/^epoch \d\/4/gm)?.join(" "), "epoch 3/4 epoch 4/4");
  assert.deepEqual(readFileSync(join(split, "model.safetensors")), readFileSync(join(straight, "model.safetensors")));
  assert.equal(readFileSync(join(split, "history.json"), "utf8"), readFileSync(join(straight, "history.json"), "utf8"));
  assert.equal(readFileSync(join(split, "history.csv"), "utf8"), readFileSync(join(straight, "history.csv"), "utf8"));
  const wrong = await myelin(["train", "digits", "--resume", split], tmp);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /is a run of 'xor', not of 'digits' \(leave the recipe out to continue it\)/);
  const cases: [string[], RegExp][] = [
    [["--lr", "0.1"], /--lr 0\.1 conflicts with the run being resumed: .* was trained with --lr 0\.5 \(a resumed run keeps its settings; only --epochs may change\)/],
    [["--seed", "3"], /--seed 3 conflicts with the run being resumed/],
    [["--batch-size", "2"], /--batch-size 2 conflicts/],
    [["--val-split", "0.5"], /--val-split 0\.5 conflicts/],
    [["--epochs", "3"], /--epochs 3: .* has already trained 4 epochs; pass --epochs 5 or more to train further/],
    [["--overwrite"], /--overwrite replaces the run in --out; without --out it has nothing to replace/],
    [["--out", split, "--overwrite"], /--overwrite would erase the run being resumed/],
  ];
  for (const [args, re] of cases) {
    const bad = await myelin(["train", "--resume", split, ...args], tmp);
    assert.equal(bad.code, 1, args.join(" "));
    assert.match(bad.stderr, re, args.join(" "));
  }
  // the same settings given explicitly are fine, and --out writes the continuation elsewhere
  const fork = join(tmp, "fork");
  const ok = await myelin(["train", "xor", "--resume", split, "--lr", "0.5", "--epochs", "5", "--out", fork], tmp);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.match(/^epoch \d\/5/gm)?.join(" "), "epoch 5/5");
  assert.equal(loadCheckpoint(join(fork, "checkpoint")).epoch, 5);
  assert.equal(loadCheckpoint(join(split, "checkpoint")).epoch, 4, "the resumed folder is left as it was");
});

test("--out refuses a folder that is not empty unless --overwrite, which replaces only a run's files", async () => {
  const out = join(tmp, "taken");
  assert.equal((await myelin(["train", "xor", "--epochs", "2", "--out", out], tmp)).code, 0);
  const before = readFileSync(join(out, "model.safetensors"));
  const again = await myelin(["train", "xor", "--epochs", "3", "--lr", "0.1", "--out", out], tmp);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /--out .*taken is not empty \(it holds .*config\.json.*\); pass --overwrite to replace the run in it, or choose another folder/);
  assert.deepEqual(readFileSync(join(out, "model.safetensors")), before, "the earlier run is untouched");
  const over = await myelin(["train", "xor", "--epochs", "3", "--lr", "0.1", "--out", out, "--overwrite"], tmp);
  assert.equal(over.code, 0, over.stderr);
  assert.equal(loadCheckpoint(join(out, "checkpoint")).epoch, 3);
  assert.equal((JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { lr: number }).lr, 0.1);
  // a folder with other things in it is never written over
  const mixed = join(tmp, "mixed");
  mkdirSync(mixed);
  writeFileSync(join(mixed, "notes.txt"), "mine");
  const refused = await myelin(["train", "xor", "--epochs", "1", "--out", mixed, "--overwrite"], tmp);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /holds files that are not part of a run \(notes\.txt\); refusing to write a run over them/);
  assert.equal(readFileSync(join(mixed, "notes.txt"), "utf8"), "mine");
});

test("--overwrite replaces a run whose recipe drew pictures of its own (the run lists its files in config.json)", async () => {
  const out = join(tmp, "pictured");
  assert.equal((await myelin(["train", "qlearning-path", "--out", out], tmp)).code, 0);
  const files = (JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { files: string[] }).files;
  assert.ok(files.includes("qtable.svg") && files.includes("model.safetensors"), files.join(", "));
  const over = await myelin(["train", "qlearning-path", "--out", out, "--overwrite"], tmp);
  assert.equal(over.code, 0, over.stderr);
  // a file the run did not write still stops --overwrite
  writeFileSync(join(out, "notes.txt"), "mine");
  const refused = await myelin(["train", "qlearning-path", "--out", out, "--overwrite"], tmp);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /not part of a run \(notes\.txt\)/);
});

test("myelin --version prints the package version", async () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };
  for (const flag of ["--version", "-v"]) {
    const r = await myelin([flag], tmp);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `myelin ${pkg.version}\n`);
  }
});

test("the help explains recipes in plain words and names the backend and its threads", async () => {
  const top = await myelin(["--help"], tmp);
  assert.match(top.stdout, /A recipe is a ready-made training job/);
  assert.match(top.stdout, /^backend: wasm \(WebAssembly SIMD, [\w-]+ kernels\), \d+ threads?$/m);
  const tr = await myelin(["train", "--help"], tmp);
  assert.match(tr.stdout, /A recipe is a ready-made training job: a data set, a model, and settings that train it well/);
  assert.match(tr.stdout, /digits +recognise handwritten digits 0-9/);
  // every description starts in one column, after the longest name (semi-supervised) too
  const starts = tr.stdout.split("\n").filter((l) => /^ {4}[a-z0-9-]+ +\S/.test(l)).map((l) => / {4}[a-z0-9-]+ +/.exec(l)![0].length);
  assert.ok(starts.length > 40 && new Set(starts).size === 1, `description columns: ${[...new Set(starts)].join(", ")}`);
  assert.match(tr.stdout, /\(20 epochs, batch 64, lr 0\.001, 10% held out for validation\)/);
  assert.match(tr.stdout, /\(300 epochs, batch 4, lr 0\.5, no validation split\)/);
  assert.ok(tr.stdout.split("\n").every((l) => l.length <= 100), "fits a terminal");
  assert.match(tr.stdout, /split once, at random from --seed, into a part to train on and a\nvalidation part/);
  assert.doesNotMatch(tr.stdout, /deck/i, "course slide numbers mean nothing to a user");
  assert.match(tr.stdout, /in use now: wasm \(WebAssembly SIMD, [\w-]+ kernels\), \d+ threads?/);
  const cpu = await myelin(["train", "--backend", "cpu", "--help"], tmp);
  assert.match(cpu.stdout, /in use now: cpu \(the reference backend in plain TypeScript\), 1 thread$/m);
});

// ---- validation split and early stopping (course-digits: 13,002 weights, about a second an epoch) ----

interface RunHistory {
  epoch: number[];
  history: Record<string, number[]>;
  test: Record<string, number>;
}

/** The saved run's loss on the validation images, re-drawn here from the seed, and on the test set. */
async function heldOut(out: string): Promise<{ val: number; test: number }> {
  const { train, test: testSet } = loadMnist({ flatten: true });
  const [, val] = data.randomSplit(train, [7200, 800], { generator: new Generator(0) });
  const model = new nn.Sequential(new nn.Linear(784, 16), new nn.Sigmoid(), new nn.Linear(16, 16), new nn.Sigmoid(), new nn.Linear(16, 10));
  model.loadStateDict(loadSafetensors(join(out, "model.safetensors")));
  const lossOn = async (ds: data.Dataset<[Tensor, Tensor]>): Promise<number> => (await evaluate(model, new data.DataLoader(ds, { batchSize: 1000 }), { loss: new nn.CrossEntropyLoss() })).loss!;
  return { val: await lossOn(val!), test: await lossOn(testSet) };
}

test("train validates on a seeded split of the training data and reports the test set once, at the end", async () => {
  const out = join(tmp, "course");
  const r = await myelin(["train", "course-digits", "--epochs", "2", "--out", out], tmp);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^data: 7,200 to train on · 800 for validation · 2,000 for the test at the end$/m);
  assert.equal(r.stdout.match(/^.*test.*$/gm)?.length, 2, `only the data line and the final result mention the test set:\n${r.stdout}`);
  const h = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as RunHistory;
  const { val, test: testLoss } = await heldOut(out);
  assert.ok(Math.abs(h.history.val_loss![1]! - val) < 1e-6, `val_loss ${h.history.val_loss![1]} is the loss on the 800 held-out training images (${val})`);
  assert.ok(Math.abs(h.test.loss! - testLoss) < 1e-6, `history.json's test loss ${h.test.loss} is the test set's (${testLoss})`);
  assert.ok(Math.abs(val - testLoss) > 1e-3, "validation and test are different images");
  assert.match(r.stdout, new RegExp(`^test loss ${h.test.loss!.toFixed(4)} · test accuracy ${(h.test.accuracy! * 100).toFixed(2)}%$`, "m"));
});

test("--patience stops on the validation loss and keeps the best epoch's weights", async () => {
  const out = join(tmp, "patience");
  const r = await myelin(["train", "course-digits", "--epochs", "8", "--lr", "0.05", "--patience", "0", "--out", out], tmp);
  assert.equal(r.code, 0, r.stderr);
  const h = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as RunHistory;
  const losses = h.history.val_loss!;
  const best = losses.indexOf(Math.min(...losses));
  assert.ok(losses.length < 8, `stopped early: ${losses.join(", ")}`);
  assert.equal(losses.length - 1, best + 1, `patience 0 stops at the first epoch whose val_loss does not improve: ${losses.join(", ")}`);
  const { val } = await heldOut(out);
  assert.ok(Math.abs(val - losses[best]!) < 1e-6, `the saved model is the best epoch's (val_loss ${losses[best]}), got ${val}`);
  const none = await myelin(["train", "xor", "--patience", "2"], tmp);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /--patience watches the validation loss, but xor holds no validation split here; pass --val-split F/);
  const bad = await myelin(["train", "xor", "--val-split", "1"], tmp);
  assert.match(bad.stderr, /--val-split expects a number ≥ 0 and < 1, got '1'/);
});
