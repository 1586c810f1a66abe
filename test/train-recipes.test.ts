// `npm run recipes`: tools/train-recipes.ts trains a named recipe through `myelin train` and writes
// docs/recipes.json and docs/recipes.md (here into a temporary folder, with the tiny xor recipe);
// the table is what tools/readme.ts quotes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { headline, recipesMarkdown, type RecipeRun } from "../tools/recipes-table.js";

const SCRIPT = fileURLToPath(new URL("../tools/train-recipes.js", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "myelin-recipes-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => execFile(process.execPath, [SCRIPT, ...args], (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })));

test("train-recipes --only xor trains it fully and writes recipes.json and recipes.md with the machine and the command", async () => {
  const r = await run(["--only", "xor", "--runs", join(tmp, "runs"), "--docs", join(tmp, "docs")]);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(readFileSync(join(tmp, "docs", "recipes.json"), "utf8")) as RecipeRun;
  assert.equal(json.command, "npm run recipes -- --only xor");
  assert.ok(json.machine.cpu.length > 0 && json.machine.cores >= 1 && /^wasm|^cpu/.test(json.machine.backend), JSON.stringify(json.machine));
  const [xor] = json.results;
  assert.equal(json.results.length, 1);
  assert.deepEqual([xor!.recipe, xor!.ok, xor!.epochs, xor!.command], ["xor", true, 300, "myelin train xor"]);
  const history = JSON.parse(readFileSync(join(tmp, "runs", "xor", "history.json"), "utf8")) as { test: Record<string, number> };
  assert.deepEqual(xor!.test, history.test, "the table's numbers are the run's test record");
  assert.ok(xor!.test["accuracy"] === 1, `xor learns its four points: ${xor!.test["accuracy"]}`);
  const md = readFileSync(join(tmp, "docs", "recipes.md"), "utf8");
  assert.ok(md.includes(recipesMarkdown(json)));
  assert.match(md, /\| `xor` \| 100\.00% accuracy \| \d\.\d{4} \| 300 \| \d+\.\d s \| `myelin train xor` \|/);
});

test("train-recipes rejects an unknown recipe by name; headline falls back to the first metric", async () => {
  const r = await run(["--only", "xor,nope", "--docs", join(tmp, "none")]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown recipe nope; available: .*lenet/);
  assert.equal(headline({ loss: 0.5, mae: 0.123456 }), "mae 0.1235");
  assert.equal(headline({ loss: 0.25 }), "loss 0.25");
});
