// The library in a real browser: Debian's headless Chromium (never a downloaded one) driven by
// playwright-core loads test/browser/index.html built by Vite, served by Vite's dev server, and
// served unbundled from a static server, each with and without cross-origin isolation (COOP/COEP);
// and the installed package in a user's app, bundled by Vite and by esbuild.
// Run: `npm run test:browser` (CI: .ci/run), with playground-chromium.ts. CHROMIUM overrides the browser's path.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { build, createServer as createViteServer, type ViteDevServer } from "vite";
import { repoRoot } from "../helpers.js";
import { ISOLATION, launch, serve } from "./harness.js";
import { trainMoons, type MemoryResult, type TrainResult } from "./workload.js";
import { getBackend } from "../../src/index.js";

const PAGE = "/test/browser/index.html";

interface PageResult {
  ok: boolean;
  error?: string;
  isolated: boolean;
  backend: string;
  variant: string;
  threads: number;
  gemmMaxDiff: number;
  ops?: Record<"cpu" | "wasm", { rows: number; failures: string[] }>;
  train: TrainResult[];
  memory?: MemoryResult;
  problems: string[];
}

let browser: Browser;
const closers: (() => unknown)[] = [];
let nodeTrain: TrainResult[];

before(async () => {
  browser = await launch();
  nodeTrain = [await trainMoons("cpu"), await trainMoons(getBackend().name)];
});
after(async () => {
  for (const c of closers) await c();
  await browser?.close();
});

/** Loads `url` in a fresh page; console errors and warnings and uncaught errors are collected. */
async function load(url: string): Promise<PageResult> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on("console", (m) => void ((m.type() === "error" || m.type() === "warning") && problems.push(`console.${m.type()}: ${m.text()}`)));
  page.on("pageerror", (e) => void problems.push(`uncaught: ${e.message}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as { __myelin?: unknown }).__myelin !== undefined, null, { timeout: 120_000, polling: 200 });
    const r = (await page.evaluate(() => (globalThis as { __myelin?: unknown }).__myelin)) as PageResult;
    return { ...r, problems };
  } finally {
    await page.close();
  }
}

/** What every page must show: no errors, the expected wasm build, op-table parity, training as in Node. */
function check(r: PageResult, isolated: boolean): void {
  assert.ok(r.ok, r.error);
  assert.deepEqual(r.problems, []);
  assert.equal(r.isolated, isolated);
  assert.equal(r.backend, "wasm");
  if (isolated) {
    assert.match(r.variant, /^(relaxed-simd|simd128)$/);
    assert.ok(r.threads >= 2, `an isolated page should run the pool on several workers, got ${r.threads} thread(s)`);
  } else {
    assert.equal(r.variant, "simd128-single");
    assert.equal(r.threads, 1);
  }
  assert.ok(r.gemmMaxDiff < 1e-4, `GEMM differs from the cpu backend by ${r.gemmMaxDiff}`);
  if (r.ops) for (const d of ["cpu", "wasm"] as const) {
    assert.ok(r.ops[d].rows > 100, `${d}: only ${r.ops[d].rows} op-table rows ran`);
    assert.deepEqual(r.ops[d].failures, [], `op table on ${d}`);
  }
  assert.deepEqual(r.train.map((t) => t.device), ["cpu", "wasm"]);
  for (const [i, t] of r.train.entries()) {
    // the stated bar: the moons' loss falls to under a twentieth of the first epoch's, accuracy ≥ 98%
    assert.ok(t.lastLoss < t.firstLoss / 20 && t.accuracy >= 0.98, `${t.device}: loss ${t.firstLoss} → ${t.lastLoss}, accuracy ${t.accuracy}`);
    // the same seeded run in Node gives the same numbers (float32 kernels: within 1e-4 relative)
    const n = nodeTrain[i]!;
    assert.ok(Math.abs(t.lastLoss - n.lastLoss) <= 1e-4 * n.lastLoss, `${t.device}: final loss ${t.lastLoss} in the page, ${n.lastLoss} in Node`);
  }
}

describe("Vite build (vite build, then a static server)", () => {
  let base = "";
  before(async () => {
    const outDir = join(repoRoot, ".tmp", "browser-build");
    await build({ root: repoRoot, configFile: false, logLevel: "warn", build: { outDir, emptyOutDir: true, rollupOptions: { input: join(repoRoot, PAGE) } } });
    base = outDir;
  });
  test("cross-origin isolated: threaded wasm on Web Workers; op table, training, and flat memory over a long run", async () => {
    const s = await serve(base, true);
    closers.push(s.close);
    const r = await load(`${s.url}${PAGE}?ops&long=2000`);
    check(r, true);
    const m = r.memory!;
    const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
    const detail = `${m.ms.toFixed(0)} ms; fit: ${m.fitSamples.map(mib).join(", ")}; loop: ${m.loopSamples.map(mib).join(", ")}`;
    console.log(`live wasm bytes over ${m.steps} steps: ${detail}`);
    // Without the yields, finalizers never run and this run holds 150 KiB a step: 300 MiB by the
    // end of fit, 600 MiB by the end of the loop. With them it saws between ~5 and ~30 MiB.
    assert.equal(m.fitSamples.length, m.steps / 250);
    assert.ok(Math.max(...m.fitSamples, ...m.loopSamples) < 64 * 2 ** 20, `live wasm memory grows over ${m.steps} steps: ${detail}`);
  });
  test("not isolated: single-threaded wasm; op table and training", async () => {
    const s = await serve(base, false);
    closers.push(s.close);
    check(await load(`${s.url}${PAGE}?ops`), false);
  });
});

describe("no bundler (<script type=module> from a static server)", () => {
  for (const isolated of [true, false])
    test(isolated ? "cross-origin isolated" : "not isolated", async () => {
      const s = await serve(repoRoot, isolated);
      closers.push(s.close);
      check(await load(`${s.url}${PAGE}?ops`), isolated);
    });
  test("a worker script that does not load: one warning saying so, then wasm on one thread", async () => {
    const s = await serve(repoRoot, true, (p) => (p.endsWith("/web-worker.js") ? { status: 404, type: "text/html", body: "<p>gone</p>" } : undefined));
    closers.push(s.close);
    const r = await load(`${s.url}${PAGE}`);
    const warning = r.problems.filter((p) => p.startsWith("console.warning"));
    assert.equal(warning.length, 1, r.problems.join("\n"));
    assert.match(warning[0]!, /myelin: the threaded WebAssembly backend failed \(wasm backend: Web Worker 1 failed to start \(.+\)\); using it on one thread/);
    assert.ok(r.ok, r.error);
    assert.deepEqual([r.backend, r.variant, r.threads], ["wasm", "simd128-single", 1]);
  });
  test("a server that answers .wasm with its HTML page: the cpu backend, with one warning naming the cause", async () => {
    const html = "<!doctype html><html><body>app shell</body></html>";
    const s = await serve(repoRoot, false, (p) => (p.endsWith(".wasm") ? { status: 200, type: "text/html", body: html } : undefined));
    closers.push(s.close);
    const r = await load(`${s.url}${PAGE}`);
    assert.deepEqual(r.problems.length, 1, r.problems.join("\n"));
    assert.match(r.problems[0]!, /myelin: the WebAssembly backend is unavailable \(wasm backend: http:\/\/127\.0\.0\.1:\d+\/dist\/wasm\/kernels-single\.wasm \(served as text\/html\) is not a WebAssembly file \(50 bytes starting "<!doctype html><"\)/);
    assert.ok(r.ok, r.error);
    assert.equal(r.backend, "cpu");
    assert.deepEqual(r.train.map((t) => t.device), ["cpu"]);
  });
});

describe("Vite dev server", () => {
  let server: ViteDevServer;
  before(async () => {
    server = await createViteServer({ root: repoRoot, configFile: false, logLevel: "warn", server: { host: "127.0.0.1", port: 0, headers: ISOLATION, watch: null } });
    await server.listen();
    closers.push(() => server.close());
  });
  test("cross-origin isolated: threaded wasm; training", async () => {
    check(await load(`${server.resolvedUrls!.local[0]!.replace(/\/$/, "")}${PAGE}`), true);
  });
});

/**
 * A user's app: the package as npm installs it (its `files`) under node_modules/myelin, imported by
 * name, so Vite pre-bundles it in dev and rewrites its worker and .wasm URLs in the build, and esbuild
 * bundles it with docs/browser.md's config. The page trains the moons as workload.ts does.
 */
async function userApp(): Promise<string> {
  const app = join(repoRoot, ".tmp", "browser-app");
  const pkg = join(app, "node_modules", "myelin");
  await rm(app, { recursive: true, force: true });
  await mkdir(join(pkg, "dist"), { recursive: true });
  await cp(join(repoRoot, "package.json"), join(pkg, "package.json"));
  for (const d of ["src", "wasm"]) await cp(join(repoRoot, "dist", d), join(pkg, "dist", d), { recursive: true });
  const html = (src: string): string => `<!doctype html><html><head><link rel="icon" href="data:," /></head><body><script type="module" src="${src}"></script></body></html>`;
  await writeFile(join(app, "index.html"), html("./main.js"));
  await writeFile(join(app, "esbuild.html"), html("./out/main.js"));
  await writeFile(
    join(app, "main.js"),
    `import { data, fit, Generator, getBackend, manualSeed, nn, optim, randn } from "myelin";
globalThis.onerror = (e) => void (globalThis.__myelin = { ok: false, error: String(e) });
globalThis.onunhandledrejection = (e) => void (globalThis.__myelin = { ok: false, error: String(e.reason) });
const be = getBackend();
const a = randn([192, 160]), b = randn([160, 224]);
const want = a.to("cpu").matmul(b.to("cpu")).dataSync(), got = a.matmul(b).dataSync();
const gemmMaxDiff = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
manualSeed(7);
const ds = data.moons({ n: 200, noise: 0.1, generator: new Generator(1) });
const loader = new data.DataLoader(ds, { batchSize: 32, shuffle: true, generator: new Generator(2) });
const model = new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 16), new nn.Tanh(), new nn.Linear(16, 2));
const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
const { history } = await fit(model, { train: loader, loss: new nn.CrossEntropyLoss(), optimizer, epochs: 60, metrics: ["accuracy"] });
const train = [{ device: be.name, firstLoss: history.loss[0], lastLoss: history.loss.at(-1), accuracy: history.accuracy.at(-1) }];
globalThis.__myelin = { ok: true, isolated: crossOriginIsolated, backend: be.name, variant: be.variant, threads: be.getNumThreads?.() ?? 1, gemmMaxDiff, train };
`,
  );
  return app;
}

/** The app's page: wasm (threaded when isolated), GEMM as on cpu, and the moons trained to Node's numbers. */
function checkApp(r: PageResult, isolated: boolean): void {
  assert.ok(r.ok, r.error);
  assert.deepEqual(r.problems, []);
  assert.equal(r.isolated, isolated);
  assert.equal(r.backend, "wasm");
  assert.ok(isolated ? r.threads >= 2 && r.variant !== "simd128-single" : r.threads === 1 && r.variant === "simd128-single", `${r.variant} on ${r.threads} thread(s)`);
  assert.ok(r.gemmMaxDiff < 1e-4, `GEMM differs from the cpu backend by ${r.gemmMaxDiff}`);
  const [t, n] = [r.train[0]!, nodeTrain[1]!];
  assert.equal(t.device, "wasm");
  assert.ok(t.lastLoss < t.firstLoss / 20 && t.accuracy >= 0.98, `loss ${t.firstLoss} → ${t.lastLoss}, accuracy ${t.accuracy}`);
  assert.ok(Math.abs(t.lastLoss - n.lastLoss) <= 1e-4 * n.lastLoss, `final loss ${t.lastLoss} in the page, ${n.lastLoss} in Node`);
}

describe("the installed package imported by name (node_modules/myelin)", () => {
  let app = "";
  before(async () => (app = await userApp()));
  for (const isolated of [true, false])
    test(`Vite dev server, ${isolated ? "" : "not "}isolated`, async () => {
      const server = await createViteServer({ root: app, configFile: false, logLevel: "warn", server: { host: "127.0.0.1", port: 0, headers: isolated ? ISOLATION : {}, watch: null } });
      await server.listen();
      try {
        checkApp(await load(server.resolvedUrls!.local[0]!), isolated);
      } finally {
        await server.close();
      }
    });
  test("vite build, isolated and not", async () => {
    const outDir = join(app, "dist");
    await build({ root: app, configFile: false, logLevel: "warn", build: { outDir, emptyOutDir: true } });
    for (const isolated of [true, false]) {
      const s = await serve(outDir, isolated);
      closers.push(s.close);
      checkApp(await load(`${s.url}/index.html`), isolated);
    }
  });
  test("esbuild (docs/browser.md's config: the worker and the .wasm files next to the bundle), isolated and not", async () => {
    const { build: esbuild } = await import("esbuild");
    await esbuild({
      absWorkingDir: app,
      entryPoints: {
        main: "./main.js",
        "web-worker": "myelin/web-worker.js",
        "kernels-relaxed": "myelin/wasm/kernels-relaxed.wasm",
        "kernels-simd": "myelin/wasm/kernels-simd.wasm",
        "kernels-single": "myelin/wasm/kernels-single.wasm",
      },
      bundle: true,
      format: "esm",
      loader: { ".wasm": "copy" },
      outdir: "out",
      logLevel: "warning",
    });
    for (const isolated of [true, false]) {
      const s = await serve(app, isolated);
      closers.push(s.close);
      checkApp(await load(`${s.url}/esbuild.html`), isolated);
    }
  });
});
