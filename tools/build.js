#!/usr/bin/env node
// `npm run build` (also run by `prepare` at install, and before start/test): rebuilds only what
// changed. Plain JavaScript because it runs before anything is compiled.
//  - wasm kernels: rebuilt with `npm run build:wasm` when the outputs are missing or a hash of the
//    wasm/ sources and of that script differs from the one recorded at the last build;
//  - TypeScript: skipped when no input (src, test, examples, tools/*.ts, tsconfig.json) is newer
//    than dist/.tsbuildinfo, otherwise `tsc --incremental`, which re-emits only changed files.
// `node tools/build.js --force` (npm run build:force) rebuilds everything.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const at = (...p) => join(root, ...p);
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");
// --dry-run: say what would be rebuilt and why, build nothing (test/build.test.ts uses it)
const dryRun = process.argv.includes("--dry-run");
const say = (line) => quiet || console.error(`build: ${line}`);

/** Every file under `dir` (recursively), skipping dot-folders and node_modules. */
function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", shell: process.platform === "win32" });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function buildWasm() {
  const outputs = ["relaxed", "simd", "single"].map((v) => at("dist", "wasm", `kernels-${v}.wasm`));
  const stampFile = at("dist", ".wasm-inputs");
  const script = JSON.parse(readFileSync(at("package.json"), "utf8")).scripts["build:wasm"];
  const hash = createHash("sha256").update(script);
  for (const f of walk(at("wasm")).sort()) hash.update(f.slice(root.length)).update(readFileSync(f));
  const digest = hash.digest("hex");
  const current = outputs.every((f) => existsSync(f)) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === digest;
  if (current && !force) return dryRun ? (console.log("wasm: up to date"), 0) : 0;
  if (dryRun) return console.log(`wasm: would compile (${force ? "--force" : "the wasm/ sources or the build:wasm script changed, or an output is missing"})`), 0;
  say("compiling the wasm kernels (AssemblyScript, about 15 s)");
  rmSync(stampFile, { force: true });
  const status = run("npm", ["run", "--silent", "build:wasm"]);
  if (status === 0) writeFileSync(stampFile, digest);
  return status;
}

function buildTs() {
  const info = at("dist", ".tsbuildinfo");
  // outputs deleted by hand: the build info would claim they exist
  if (!existsSync(at("dist", "src", "index.js")) || !existsSync(at("dist", "src", "cli", "main.js"))) rmSync(info, { force: true });
  if (existsSync(info) && !force) {
    const built = statSync(info).mtimeMs;
    const tools = readdirSync(at("tools")).filter((f) => f.endsWith(".ts")).map((f) => at("tools", f));
    const inputs = [at("tsconfig.json"), at("package.json"), at("tools"), ...tools];
    // folders too: deleting or renaming a file changes its folder's mtime
    for (const d of ["src", "test", "examples"]) inputs.push(...walk(at(d)), ...walkDirs(at(d)));
    const newer = inputs.find((f) => existsSync(f) && statSync(f).mtimeMs > built);
    if (!newer) return dryRun ? (console.log("typescript: up to date"), 0) : 0;
    if (dryRun) return console.log(`typescript: would compile (${newer.slice(root.length)} is newer than the last build)`), 0;
  }
  if (dryRun) return console.log("typescript: would compile (no build info)"), 0;
  say("compiling TypeScript (incremental)");
  mkdirSync(at("dist"), { recursive: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const started = new Date();
  const status = run(process.execPath, [tsc, "-p", "tsconfig.json", "--incremental", "--tsBuildInfoFile", info]);
  // a failed compile still writes the build info; drop it so the next build reports the errors again
  if (status !== 0) rmSync(info, { force: true });
  // tsc leaves the build info alone when no output changed; stamp it with the start time, so that
  // a file saved during the compile is newer and gets compiled next time
  else if (existsSync(info)) utimesSync(info, started, started);
  return status;
}

/** Every folder under `dir`, itself included. */
function walkDirs(dir, out = []) {
  if (!existsSync(dir)) return out;
  out.push(dir);
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !e.name.startsWith(".") && e.name !== "node_modules") walkDirs(join(dir, e.name), out);
  return out;
}

// an installed copy of the package (dist only, no sources): nothing to build, whoever runs `prepare`
if (!existsSync(at("tsconfig.json")) || !existsSync(at("src"))) process.exit(0);
if (force && !dryRun) rmSync(at("dist", ".tsbuildinfo"), { force: true });
const status = buildWasm() || buildTs();
process.exit(status);
