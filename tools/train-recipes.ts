// `npm run recipes [-- --only a,b]`: trains each named recipe fully with its defaults, exactly as a
// user would (`myelin train <recipe>`, seed 0), and writes the results table: docs/recipes.md and
// docs/recipes.json (test metrics, epochs, time, machine, command), which tools/readme.ts quotes.
// Trains one recipe at a time; all of them take a long while on a small machine.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, platform, release } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { recipes } from "../src/cli/recipes.js";
import { repoRoot } from "../test/helpers.js";
import { recipesMarkdown, type RecipeResult, type RecipeRun } from "./recipes-table.js";

const USAGE = `usage: npm run recipes [-- --only a,b] [--runs DIR] [--docs DIR]
  --only a,b   train only these recipes (default: every recipe; ${Object.keys(recipes).length} of them)
  --runs DIR   where the run folders go (default runs/recipes; each recipe's folder is replaced)
  --docs DIR   where recipes.md and recipes.json go (default docs)`;

const MAIN = join(repoRoot, "dist", "src", "cli", "main.js");

/** Runs `myelin train name --out dir`, echoing its output; resolves with the exit code, the output and the seconds taken. */
function trainOne(name: string, out: string): Promise<{ code: number; output: string; seconds: number }> {
  const t0 = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [MAIN, "train", name, "--out", out, "--overwrite"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const echo = (to: NodeJS.WriteStream) => (b: Buffer): void => { output += b.toString(); to.write(b); };
    child.stdout.on("data", echo(process.stdout));
    child.stderr.on("data", echo(process.stderr));
    child.on("close", (code) => done({ code: code ?? 1, output, seconds: (performance.now() - t0) / 1000 }));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: "string" }, runs: { type: "string" }, docs: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) return console.log(USAGE);
  const names = values.only ? values.only.split(",").map((s) => s.trim()).filter(Boolean) : Object.keys(recipes);
  const unknown = names.filter((n) => !recipes[n]);
  if (unknown.length || names.length === 0) throw new Error(`recipes: unknown recipe ${unknown.join(", ") || "(none given)"}; available: ${Object.keys(recipes).join(", ")}\n${USAGE}`);
  const runs = resolve(values.runs ?? join(repoRoot, "runs", "recipes")), docs = resolve(values.docs ?? join(repoRoot, "docs"));
  mkdirSync(runs, { recursive: true });
  mkdirSync(docs, { recursive: true });
  let backend = "";
  const results: RecipeResult[] = [];
  for (const name of names) {
    console.log(`\n== ${name} (${names.indexOf(name) + 1} of ${names.length}) ==`);
    const out = join(runs, name);
    const r = await trainOne(name, out);
    backend ||= /backend (.+)$/m.exec(r.output)?.[1] ?? "";
    const hist = join(out, "history.json"), config = join(out, "config.json");
    const ok = r.code === 0 && existsSync(hist);
    const test = ok ? (JSON.parse(readFileSync(hist, "utf8")) as { test: Record<string, number> }).test : {};
    const epochs = existsSync(config) ? (JSON.parse(readFileSync(config, "utf8")) as { epochs: number }).epochs : recipes[name]!.defaults.epochs;
    const error = ok ? undefined : (/^myelin: (.+)$/m.exec(r.output)?.[1] ?? `exit code ${r.code}`);
    results.push({ recipe: name, command: `myelin train ${name}`, epochs, test, seconds: r.seconds, ok, ...(error ? { error } : {}) });
  }
  const cpu = cpus();
  const run: RecipeRun = {
    date: new Date().toISOString(),
    machine: { cpu: cpu[0]?.model.trim() ?? "unknown CPU", cores: cpu.length, node: process.versions.node, backend, platform: `${platform()} ${release()}` },
    command: `npm run recipes${values.only ? ` -- --only ${names.join(",")}` : ""}`,
    results,
  };
  writeFileSync(join(docs, "recipes.json"), JSON.stringify(run, null, 2) + "\n");
  writeFileSync(join(docs, "recipes.md"), `# Recipe results\n\nEvery recipe trained fully with its defaults; regenerate with \`npm run recipes\` (tools/train-recipes.ts).\n\n${recipesMarkdown(run)}\n`);
  console.log(`\n${recipesMarkdown(run)}\n\nwrote ${join(docs, "recipes.md")} and recipes.json; run folders in ${runs}`);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
