// README.md's TypeScript blocks run as a reader copies them: each is transpiled (typescript's
// transpileModule), its `myelin` imports pointed at this build, and run. "A short tour" and
// "Training" run verbatim (Training's 5 epochs on the MNIST digits take about 2 s); the VAE fragment
// runs after Training's lines with its 10 epochs cut to 1. What they print must match the README.

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { repoRoot } from "./helpers.js";

const readme = readFileSync(`${repoRoot}README.md`, "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const block = (marker: string): string => {
  const b = blocks.find((s) => s.includes(marker));
  assert.ok(b, `README has a ts block with ${marker}`);
  return b;
};
const dist = (p: string): string => pathToFileURL(`${repoRoot}dist/src/${p}`).href;

/** Runs TypeScript source as an ES module in a scratch folder (the Training block writes files); returns what it logged. */
async function run(source: string, exports = ""): Promise<{ logged: string[]; module: Record<string, unknown> }> {
  const js = ts.transpileModule(source + exports, { compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 } }).outputText
    .replace(/from "myelin"/g, `from "${dist("index.js")}"`)
    .replace(/from "myelin\/(node|testing)"/g, (_, sub: string) => `from "${dist(sub === "node" ? "node.js" : "testing/index.js")}"`);
  const dir = mkdtempSync(join(tmpdir(), "myelin-readme-"));
  const cwd = process.cwd(), log = console.log, logged: string[] = [];
  writeFileSync(join(dir, "snippet.mjs"), js);
  console.log = (...a: unknown[]): void => void logged.push(a.map(String).join(" "));
  try {
    process.chdir(dir);
    return { logged, module: (await import(pathToFileURL(join(dir, "snippet.mjs")).href)) as Record<string, unknown> };
  } finally {
    console.log = log;
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
}

test("README 'A short tour' runs verbatim: loss, w.grad, and grad's 3z²", async () => {
  const { module } = await run(block("grad(z.pow(3).sum()"), "\nexport { loss, w, dz };");
  const { w, dz } = module as { w: { grad: { shape: number[] } }; dz: { toArray(): unknown } };
  assert.deepEqual(w.grad.shape, [3, 1]);
  assert.deepEqual(dz.toArray(), [3, 12, 27]);
});

test("README 'Training' runs verbatim and prints the model as the README shows; the VAE fragment runs after it", async () => {
  const training = block("loadMnist({ flatten: true })");
  const { logged } = await run(training, "\nexport { accuracy };");
  const shown = training.split("console.log(model);\n")[1]!.trim().split("\n").map((l) => l.replace(/^\/\/ /, ""));
  assert.deepEqual(logged.join("\n").split("\n").slice(-shown.length), shown);
  const vae = block("new models.VAE(784, 400, 20)");
  const lines = training.split("\n").filter((l) => l.startsWith("import") || l.includes("loadMnist({"));
  const { logged: vaeLog } = await run([...lines, vae.replace("epochs: 10", "epochs: 1")].join("\n"));
  assert.match(vaeLog.join("\n"), /epoch 1\/1 · .* · loss \d+\.\d+ · recon \d+\.\d+ · kl \d+\.\d+/, "logs loss, recon and kl per epoch");
});

test("docs/browser.md's training loops run: the yielding loop (200 of its 20,000 steps), then one stepScope step", async () => {
  const doc = readFileSync(`${repoRoot}docs/browser.md`, "utf8");
  const [loop, scoped] = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(loop?.includes("yieldToEventLoop") && scoped?.includes("stepScope"), "docs/browser.md's two ts blocks");
  const short = loop!.replace("step < 20000", "step < 200");
  assert.notEqual(short, loop, "the loop's step count changed: update this test");
  const { module } = await run(`${short}\n${scoped}`, "\nexport { loss };");
  assert.equal(typeof module.loss, "number");
  assert.ok(Number.isFinite(module.loss) && (module.loss as number) < Math.log(3), `loss after 201 steps: ${String(module.loss)}`);
});
