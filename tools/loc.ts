// Line budget (STYLE.md §5.7, in the spirit of tinygrad's cap): fails CI when the core or a file
// grows past its budget. Counts non-blank lines of src/**/*.ts, tests excluded. The budget is for
// the core (tensor, ops, autograd, the backend seam and the reference backend), not for the
// catalogue of layers, models and recipes: see docs/architecture.md, "Line budget".

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CORE = [/^src\/(tensor|tensor-ops|shape|dtype|format|random)\.ts$/, /^src\/ops\//, /^src\/autograd\//, /^src\/backend\/(backend|cpu|registry|scalar-math)\.ts$/];
// Entries of the fused-op table (one file each: reference, rule, kernels) are a catalogue of their
// own that later issues grow (conv, recurrent cells, attention); its machinery (def.ts, table.ts)
// stays in the core. See docs/architecture.md, "Line budget".
const FUSED_ENTRY = /^src\/ops\/fused\/(?!def\.ts$|table\.ts$)[^/]+\.ts$/;
const BUDGET = { core: 3000, fused: 1500, warnFile: 400, failFile: 800 };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    // tests and their helpers are not library code
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") && !p.endsWith("testkit.ts") ? [p] : [];
  });
}

const files = walk(join(root, "src")).map((p) => {
  const rel = relative(root, p);
  const lines = readFileSync(p, "utf8").split("\n").filter((l) => l.trim() !== "").length;
  return { rel, lines };
});
const total = (pred: (f: string) => boolean): number => files.filter((f) => pred(f.rel)).reduce((a, f) => a + f.lines, 0);
const core = total((f) => CORE.some((re) => re.test(f)) && !FUSED_ENTRY.test(f));
const fused = total((f) => FUSED_ENTRY.test(f));
const src = total(() => true);
const failures: string[] = [];
for (const f of files) {
  if (f.lines > BUDGET.failFile) failures.push(`${f.rel}: ${f.lines} lines (limit ${BUDGET.failFile})`);
  else if (f.lines > BUDGET.warnFile) console.log(`warning: ${f.rel} has ${f.lines} lines (aim for ≤ ${BUDGET.warnFile})`);
}
if (core > BUDGET.core) failures.push(`core: ${core} lines (budget ${BUDGET.core})`);
if (fused > BUDGET.fused) failures.push(`fused-op entries: ${fused} lines (budget ${BUDGET.fused})`);
console.log(`lines: core ${core}/${BUDGET.core}, fused-op entries ${fused}/${BUDGET.fused}, src ${src} (no cap: the catalogue grows), ${files.length} files`);
if (failures.length) {
  console.error(`line budget exceeded:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
