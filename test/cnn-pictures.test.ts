// The CNN run-folder pictures: `myelin train lenet` writes the first layer's filters, one test
// image's feature maps and the test set's confusion matrix; the PNGs are well-formed (chunk CRCs,
// IHDR size, IDAT inflating to the filtered rows) and the matrix counts every test image once and
// agrees with the accuracy in history.json. shapes-cnn's RGB filters go through the same writer.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32, inflateSync } from "node:zlib";
import { manualSeed, noGrad } from "../src/index.js";
import { cnnPictures, CNN_PICTURES } from "../src/cli/cnn-pictures.js";
import { shapesCnn, shapesData } from "../src/cli/recipes-cnn.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "myelin-cnn-pictures-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

/** Checks signature, chunk CRCs, IHDR and that IDAT inflates to height rows of 1 + width·channels bytes; returns [width, height, colour type]. */
function checkPng(file: string): [number, number, number] {
  const png = readFileSync(file);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file}: PNG signature`);
  const chunks: { type: string; body: Buffer }[] = [];
  for (let at = 8; at < png.length;) {
    const len = png.readUInt32BE(at), type = png.toString("ascii", at + 4, at + 8), body = png.subarray(at + 8, at + 8 + len);
    assert.equal(png.readUInt32BE(at + 8 + len), crc32(png.subarray(at + 4, at + 8 + len)), `${file}: CRC of ${type}`);
    chunks.push({ type, body });
    at += 12 + len;
  }
  assert.deepEqual(chunks.map((c) => c.type), ["IHDR", "IDAT", "IEND"]);
  const ihdr = chunks[0]!.body, [w, h, colour] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[9]!];
  assert.equal(ihdr[8], 8, "bit depth 8");
  const channels = colour === 2 ? 3 : 1;
  const raw = inflateSync(chunks[1]!.body);
  assert.equal(raw.length, h * (1 + w * channels), `${file}: IDAT holds ${h} rows of ${w}×${channels}`);
  return [w, h, colour];
}

/** The confusion matrix's cells, read back from the SVG's data attributes. */
function cells(svg: string): { t: number; p: number; n: number }[] {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>\n$/s);
  assert.equal((svg.match(/<text\b/g) ?? []).length, (svg.match(/<\/text>/g) ?? []).length, "every <text> is closed");
  return [...svg.matchAll(/data-true="(\d+)" data-pred="(\d+)" data-count="(\d+)"/g)].map((m) => ({ t: +m[1]!, p: +m[2]!, n: +m[3]! }));
}

test("myelin train lenet --epochs 1 writes filters.png, feature-maps.png and a confusion.svg that agrees with the test accuracy", async () => {
  const out = join(tmp, "lenet");
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, [MAIN, "train", "lenet", "--epochs", "1", "--out", out], { env: { ...process.env, MYELIN_BACKEND: "" } }, (err, stdout, stderr) =>
      resolve({ code: err ? -1 : 0, stdout, stderr })));
  assert.equal(r.code, 0, r.stderr);
  for (const f of CNN_PICTURES) assert.match(r.stdout, new RegExp(f.replace(".", "\\.")));
  assert.match(r.stdout, /most confused: \d taken for \d \d+ times/);
  // 6 filters of 5×5, grey, drawn 8 times larger; the feature maps: the digit, then 6 maps of 28×28 and 16 of 10×10
  const [fw, fh] = checkPng(join(out, "filters.png"));
  assert.deepEqual([fw, fh], [2 + 6 * (5 * 8 + 2), 2 + 5 * 8 + 2]);
  const [mw, mh] = checkPng(join(out, "feature-maps.png"));
  assert.ok(mw >= 16 * 10 * 5 && mh > 28 * 2 + 28 * 2 + 10 * 5, `feature-maps.png is ${mw}×${mh}`);
  const c = cells(readFileSync(join(out, "confusion.svg"), "utf8"));
  assert.equal(c.length, 100);
  const total = c.reduce((a, x) => a + x.n, 0), correct = c.filter((x) => x.t === x.p).reduce((a, x) => a + x.n, 0);
  assert.equal(total, 2000, "every test digit is counted once");
  const history = JSON.parse(readFileSync(join(out, "history.json"), "utf8")) as { test: { accuracy: number } };
  assert.ok(Math.abs(correct / total - history.test.accuracy) < 1e-6, `diagonal ${correct}/${total} vs test accuracy ${history.test.accuracy}`);
  assert.ok(correct / total > 0.8, `one epoch of LeNet on 7,200 digits: ${correct / total}`);
});

test("cnnPictures on a colour model: RGB filters, and the matrix's rows count each class", () => {
  manualSeed(0);
  const model = shapesCnn();
  const { test: held, classes } = shapesData(6, 120);
  const dir = mkdtempSync(join(tmp, "shapes-"));
  const { files, lines } = cnnPictures(model, dir, { test: held, classes }, "shapes-cnn");
  assert.deepEqual(files, [...CNN_PICTURES]);
  assert.match(lines[0]!, /most confused: \w+ taken for \w+ \d+ times/);
  const [w, h, colour] = checkPng(join(dir, "filters.png"));
  assert.equal(colour, 2);
  assert.deepEqual([w, h], [2 + 16 * (3 * 13 + 2), 2 + 3 * 13 + 2], "16 RGB filters of 3×3 in one row, 13 times larger");
  checkPng(join(dir, "feature-maps.png"));
  const c = cells(readFileSync(join(dir, "confusion.svg"), "utf8"));
  const [x, y] = held.tensors;
  const pred = noGrad(() => model.forward(x).argmax(1)).dataSync(), truth = y.dataSync();
  for (let t = 0; t < 6; t++)
    for (let p = 0; p < 6; p++) {
      const want = Array.from(truth).filter((v, i) => v === t && pred[i] === p).length;
      assert.equal(c.find((e) => e.t === t && e.p === p)!.n, want, `cell [${t}, ${p}]`);
    }
  for (const name of classes) assert.match(readFileSync(join(dir, "confusion.svg"), "utf8"), new RegExp(`>${name}</text>`));
});
