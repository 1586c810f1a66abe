// `npm run recipes`: tools/train-recipes.ts trains a named recipe through `myelin train` and writes
// docs/recipes.json and docs/recipes.md (here into a temporary folder, with the tiny xor recipe);
// the table accumulates (a run replaces its recipes' rows, keeps the others) and is what tools/readme.ts quotes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { headline, mergeRecipes, readRecipesTable, recipesDocument, recipesMarkdown, reportLines, type Machine, type RecipeResult, type RecipesTable } from "../tools/recipes-table.js";

const SCRIPT = fileURLToPath(new URL("../tools/train-recipes.js", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "myelin-recipes-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((resolve) => execFile(process.execPath, [SCRIPT, ...args], (err, stdout, stderr) => resolve({ code: err ? 1 : 0, stdout, stderr })));

const OLD_MACHINE: Machine = { cpu: "Old CPU", cores: 4, node: "18.0.0", backend: "cpu", platform: "linux 5" };
const row = (recipe: string, date: string, runCmd: string, test: Record<string, number> = { loss: 0.5, accuracy: 0.9 }): RecipeResult =>
  ({ recipe, command: `myelin train ${recipe}`, epochs: 3, test, seconds: 1.5, ok: true, date, machine: OLD_MACHINE, run: runCmd });

test("train-recipes --only xor trains it fully, replaces only its row and keeps the earlier rows with their own date and command", async () => {
  const docs = join(tmp, "docs");
  mkdirSync(docs, { recursive: true });
  // an earlier table in the single-run format of before: digits and a stale xor
  const legacy = { date: "2026-01-02T00:00:00.000Z", machine: OLD_MACHINE, command: "npm run recipes -- --only digits,xor",
    results: [{ recipe: "digits", command: "myelin train digits", epochs: 20, test: { loss: 0.1, accuracy: 0.97 }, seconds: 27, ok: true },
      { recipe: "xor", command: "myelin train xor", epochs: 300, test: { loss: 0.7, accuracy: 0.5 }, seconds: 3, ok: true }] };
  writeFileSync(join(docs, "recipes.json"), JSON.stringify(legacy));
  const r = await run(["--only", "xor", "--runs", join(tmp, "runs"), "--docs", docs]);
  assert.equal(r.code, 0, r.stderr);
  const table = readRecipesTable(JSON.parse(readFileSync(join(docs, "recipes.json"), "utf8")));
  assert.deepEqual(table.results.map((x) => x.recipe), ["digits", "xor"], "one row per recipe, in the registry's order");
  const [digits, xor] = table.results;
  assert.deepEqual([digits!.date, digits!.run, digits!.machine, digits!.test], [legacy.date, legacy.command, OLD_MACHINE, { loss: 0.1, accuracy: 0.97 }], "the untouched row keeps its own run");
  assert.equal(xor!.run, "npm run recipes -- --only xor");
  assert.ok(xor!.date > legacy.date && xor!.machine.cpu.length > 0 && xor!.machine.cores >= 1 && /^wasm|^cpu/.test(xor!.machine.backend), JSON.stringify(xor));
  assert.deepEqual([xor!.recipe, xor!.ok, xor!.epochs, xor!.command], ["xor", true, 300, "myelin train xor"]);
  const history = JSON.parse(readFileSync(join(tmp, "runs", "xor", "history.json"), "utf8")) as { test: Record<string, number> };
  assert.deepEqual(xor!.test, history.test, "the table's numbers are the run's test record");
  assert.ok(xor!.test["accuracy"] === 1, `xor learns its four points: ${xor!.test["accuracy"]}`);
  const md = readFileSync(join(docs, "recipes.md"), "utf8");
  assert.equal(md, recipesDocument(table));
  assert.match(md, /\| `xor` \| 100\.00% accuracy \| \d\.\d{4} \| 300 \| \d+\.\d s \| `myelin train xor` \| \[2\] \|/);
  assert.match(md, /\| `digits` \| 97\.00% accuracy \| 0\.1000 \| 20 \| 27\.0 s \| `myelin train digits` \| \[1\] \|/);
  assert.match(md, /\[1\] 2026-01-02, `npm run recipes -- --only digits,xor`, on Old CPU \(4 cores\)/);
  assert.match(md, /\[2\] \d{4}-\d\d-\d\d, `npm run recipes -- --only xor`, on /);

  // --render rewrites recipes.md from recipes.json alone, training nothing
  writeFileSync(join(docs, "recipes.md"), "stale");
  const again = await run(["--render", "--docs", docs]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(readFileSync(join(docs, "recipes.md"), "utf8"), md);
  assert.match((await run(["--render", "--docs", join(tmp, "empty")])).stderr, /--render needs .*recipes\.json/);
});

test("mergeRecipes: fresh rows replace their recipes (a failure too), the rest keep their runs; the markdown numbers runs oldest first", () => {
  const old: RecipesTable = { results: [row("spam", "2026-01-01T00:00:00Z", "npm run recipes"), row("co2", "2026-01-01T00:00:00Z", "npm run recipes", { loss: 0.06 })] };
  const fresh = [{ ...row("co2", "2026-02-01T00:00:00Z", "npm run recipes -- --only co2,names", { loss: 0.05 }), report: ["test MAE 0.375 ppm · naive 1.235 ppm"] },
    { ...row("names", "2026-02-01T00:00:00Z", "npm run recipes -- --only co2,names"), ok: false, test: {}, error: "no data\nmore" }];
  const merged = mergeRecipes(old, fresh, ["co2", "spam", "names"]);
  assert.deepEqual(merged.results.map((r) => [r.recipe, r.date.slice(0, 7)]), [["co2", "2026-02"], ["spam", "2026-01"], ["names", "2026-02"]]);
  assert.deepEqual(mergeRecipes(merged, [row("zeta", "2026-03-01T00:00:00Z", "x"), row("alpha", "2026-03-01T00:00:00Z", "x")], ["co2"]).results.map((r) => r.recipe),
    ["co2", "alpha", "names", "spam", "zeta"], "recipes not in the order come after it, by name");
  const md = recipesMarkdown(merged);
  assert.match(md, /\| `co2` \| loss 0\.05 · test MAE 0\.375 ppm · naive 1\.235 ppm \| 0\.0500 \| .* \| \[2\] \|/);
  assert.match(md, /\| `spam` \| 90\.00% accuracy .* \| \[1\] \|/);
  assert.match(md, /\| `names` \| failed: no data \| – \| .* \| \[2\] \|/);
  assert.match(md, /\[1\] 2026-01-01, `npm run recipes`, .*\n\n\[2\] 2026-02-01, `npm run recipes -- --only co2,names`/);
  assert.equal(recipesMarkdown({ results: [{ ...row("a", "2026-01-01T00:00:00Z", "r"), report: ["x | y"] }] }).split("\n")[2]!.includes("x \\| y"), true, "pipes in a report are escaped");
  assert.ok(recipesMarkdown({ results: [{ ...row("a", "2026-01-01T00:00:00Z", "r"), report: ["sample at 0.5:", "Call me", "more"] }] }).split("\n")[2]!.includes("· sample at 0.5: Call me |"), "a heading line brings the line after it");
  assert.throws(() => readRecipesTable({ results: [{ recipe: "xor" }] }), /row "xor" lacks its date, machine or run command/);
  assert.throws(() => readRecipesTable({}), /no results array/);
});

test("reportLines takes what a recipe prints between its test line and its run folder; headline falls back to the first metric", async () => {
  const out = "epoch 1/1 · loss 1\ntest loss 0.0614\ntest MAE 0.375 ppm · ratio 0.30\n\nsample: abc\nrun saved to runs/co2\n  model.safetensors";
  assert.deepEqual(reportLines(out), ["test MAE 0.375 ppm · ratio 0.30", "sample: abc"]);
  assert.deepEqual(reportLines("test loss 1\nrun saved to x"), []);
  assert.deepEqual(reportLines("myelin: failed"), []);
  assert.equal(headline({ loss: 0.5, mae: 0.123456 }), "mae 0.1235");
  assert.equal(headline({ loss: 0.25 }), "loss 0.25");
  const r = await run(["--only", "xor,nope", "--docs", join(tmp, "none")]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown recipe nope; available: .*lenet/);
});
