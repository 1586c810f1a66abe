// The generative recipes through `myelin train`: a short gan-2d run (two optimizers, trainStep) writes
// its pictures and a checkpoint that a resumed run continues; the PNG writer gives a valid file.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inflateSync } from "node:zlib";
import { encodePng } from "../src/cli/images.js";
import { recipes } from "../src/cli/recipes.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const myelin = (args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, env: { ...process.env, MYELIN_BACKEND: "" } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });

const tmp = mkdtempSync(join(tmpdir(), "myelin-cli-gen-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

test("the generative recipes are registered", () => {
  for (const r of ["autoencoder", "denoising-ae", "sparse-ae", "vae", "gan-2d", "ddpm-2d", "clustering-ae", "gan-digits", "ddpm-digits", "semi-supervised"]) assert.ok(recipes[r]?.generative, r);
});

test("myelin train gan-2d: 1 epoch, then --resume to 2, writes samples.svg and a two-optimizer checkpoint", async () => {
  const out = join(tmp, "gan");
  const a = await myelin(["train", "gan-2d", "--epochs", "1", "--out", out], tmp);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stdout, /samples\.svg/);
  assert.match(readFileSync(join(out, "samples.svg"), "utf8"), /<svg[^>]*>.*<circle/s);
  const b = await myelin(["train", "--epochs", "2", "--resume", out], tmp);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /resuming from epoch 1/);
  const rows = readFileSync(join(out, "history.csv"), "utf8").trim().split("\n");
  assert.equal(rows[0], "epoch,lossD,lossG,dReal,dFake");
  assert.deepEqual(rows.slice(1).map((r) => r.split(",")[0]), ["1", "2"]);
});

test("myelin train gan-2d with its defaults (seed 0) covers both blobs: no mode collapse in the full recipe", async () => {
  // at 40 epochs (the default before) seed 0 put every sample on the left blob
  const out = join(tmp, "gan-full");
  const r = await myelin(["train", "gan-2d", "--out", out], tmp);
  assert.equal(r.code, 0, r.stderr);
  const { test: t } = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { test: { leftShare: number } };
  assert.ok(t.leftShare > 0.35 && t.leftShare < 0.65, `mode collapse: ${t.leftShare} of the samples on the left blob (measured 0.50)`);
});

test("encodePng writes a PNG whose IDAT inflates back to the filtered rows", () => {
  const png = encodePng([0, 0.5, 1, 0.25, 0.75, 1], 3, 2);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const idat = png.indexOf("IDAT");
  const len = png.readUInt32BE(idat - 4);
  assert.deepEqual([...inflateSync(png.subarray(idat + 4, idat + 4 + len))], [0, 0, 128, 255, 0, 64, 191, 255]);
  assert.throws(() => encodePng([0, 1], 3, 2), /2 values for 3×2/);
});
