// `npm run recipes [-- --only a,b]`: trains each named recipe fully with its defaults, exactly as a
// user would (`myelin train <recipe>`, seed 0), and writes the results table: docs/recipes.md and
// docs/recipes.json (test metrics, epochs, time, machine, command), which tools/readme.ts quotes.
// The table accumulates: each finished recipe replaces its own row at once, the others stay; a recipe
// stopped by a signal (to skip it) leaves its row as it was.
// Trains one recipe at a time; all of them take a long while on a small machine.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, platform, release } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { recipes } from "../src/cli/recipes.js";
import { repoRoot } from "../test/helpers.js";
import { mergeRecipes, readRecipesTable, recipesDocument, recipesMarkdown, reportLines, type RecipeResult, type RecipesTable } from "./recipes-table.js";

const USAGE = `usage: npm run recipes [-- --only a,b] [--runs DIR] [--docs DIR] [--render]
  --only a,b   train only these recipes and replace their rows, keeping the others (default: every recipe; ${Object.keys(recipes).length} of them)
  --runs DIR   where the run folders go (default runs/recipes; each recipe's folder is replaced)
  --docs DIR   where recipes.md and recipes.json go (default docs)
  --render     train nothing: rewrite recipes.md from recipes.json (after merging branches)`;

const MAIN = join(repoRoot, "dist", "src", "cli", "main.js");

/** Runs `myelin train name --out dir`, echoing its output; resolves with the exit code (or the signal that stopped it), the output and the seconds taken. */
function trainOne(name: string, out: string): Promise<{ code: number; signal: string | null; output: string; seconds: number }> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, "train", name, "--out", out, "--overwrite"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const echo = (to: NodeJS.WriteStream) => (b: Buffer): void => { output += b.toString(); to.write(b); };
    child.stdout.on("data", echo(process.stdout));
    child.stderr.on("data", echo(process.stderr));
    child.on("close", (code, signal) => done({ code: code ?? 1, signal, output, seconds: (performance.now() - t0) / 1000 }));
  });
}

function readTable(file: string): RecipesTable {
  return existsSync(file) ? readRecipesTable(JSON.parse(readFileSync(file, "utf8"))) : { results: [] };
}

/** Merges rows into the docs folder's table (read afresh, so two runs at once both keep their rows) and writes both files. */
function record(docs: string, fresh: RecipeResult[]): RecipesTable {
  const json = join(docs, "recipes.json");
  const table = mergeRecipes(readTable(json), fresh, Object.keys(recipes));
  writeFileSync(json, JSON.stringify(table, null, 2) + "\n");
  writeFileSync(join(docs, "recipes.md"), recipesDocument(table));
  return table;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: "string" }, runs: { type: "string" }, docs: { type: "string" }, render: { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help) return console.log(USAGE);
  const docs = resolve(values.docs ?? join(repoRoot, "docs"));
  if (values.render) {
    if (values.only) throw new Error(`recipes: --render trains nothing, so it takes no --only\n${USAGE}`);
    if (!existsSync(join(docs, "recipes.json"))) throw new Error(`recipes: --render needs ${join(docs, "recipes.json")}; none there`);
    const table = record(docs, []);
    return console.log(`wrote ${join(docs, "recipes.md")} from recipes.json (${table.results.length} recipes)`);
  }
  const names = values.only ? values.only.split(",").map((s) => s.trim()).filter(Boolean) : Object.keys(recipes);
  const unknown = names.filter((n) => !recipes[n]);
  if (unknown.length || names.length === 0) throw new Error(`recipes: unknown recipe ${unknown.join(", ") || "(none given)"}; available: ${Object.keys(recipes).join(", ")}\n${USAGE}`);
  const runs = resolve(values.runs ?? join(repoRoot, "runs", "recipes"));
  mkdirSync(runs, { recursive: true });
  mkdirSync(docs, { recursive: true });
  readTable(join(docs, "recipes.json")); // a malformed table fails now, not after hours of training
  const cpu = cpus();
  const command = `npm run recipes${values.only ? ` -- --only ${names.join(",")}` : ""}`;
  const date = new Date().toISOString();
  const results: RecipeResult[] = [];
  for (const name of names) {
    console.log(`\n== ${name} (${names.indexOf(name) + 1} of ${names.length}) ==`);
    const out = join(runs, name);
    const r = await trainOne(name, out);
    if (r.signal) {
      // stopped from outside (`kill` on its pid, to skip a recipe that runs too long here): no row, the earlier one stays
      console.log(`${name}: stopped by ${r.signal} after ${r.seconds.toFixed(0)} s; not recorded`);
      continue;
    }
    const machine = { cpu: cpu[0]?.model.trim() ?? "unknown CPU", cores: cpu.length, node: process.versions.node, backend: /backend (.+)$/m.exec(r.output)?.[1] ?? "", platform: `${platform()} ${release()}` };
    const hist = join(out, "history.json"), config = join(out, "config.json");
    const ok = r.code === 0 && existsSync(hist);
    const test = ok ? (JSON.parse(readFileSync(hist, "utf8")) as { test: Record<string, number> }).test : {};
    const epochs = existsSync(config) ? (JSON.parse(readFileSync(config, "utf8")) as { epochs: number }).epochs : recipes[name]!.defaults.epochs;
    const error = ok ? undefined : (/^myelin: (.+)$/m.exec(r.output)?.[1] ?? `exit code ${r.code}`);
    const report = ok ? reportLines(r.output) : [];
    const row: RecipeResult = { recipe: name, command: `myelin train ${name}`, epochs, test, ...(report.length ? { report } : {}), seconds: r.seconds, ok, ...(error ? { error } : {}), date, machine, run: command };
    results.push(row);
    record(docs, [row]); // at once: a long run interrupted later keeps what it measured
  }
  console.log(`\n${recipesMarkdown({ results })}\n\nreplaced ${results.length} row(s) of ${join(docs, "recipes.md")} and recipes.json; run folders in ${runs}`);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
