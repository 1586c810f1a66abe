// The page the browser tests load (index.html; built by Vite, or served as is): reports the backend
// it got, runs the op table and a training run on both backends, optionally a long run for memory,
// and publishes the results on globalThis.__myelin for the driver (run-chromium.ts).

import { getBackend, listBackends, randn, type Backend } from "../../src/index.js";
import { runOpTable, type RowFixture } from "./conformance.js";
import { trainLong, trainMoons } from "./workload.js";

interface PageGlobals {
  location: { search: string };
  crossOriginIsolated?: boolean;
  document: { title: string; body: { textContent: string | null } };
  __myelin?: unknown;
}
const g = globalThis as unknown as PageGlobals;
const params = new URLSearchParams(g.location.search);

async function main(): Promise<Record<string, unknown>> {
  const be = getBackend() as Backend & { variant?: string; getNumThreads?: () => number };
  const out: Record<string, unknown> = { isolated: g.crossOriginIsolated === true, backend: be.name, variant: be.variant, threads: be.getNumThreads?.() };
  // A GEMM above the threading threshold (64³) runs on the pool's workers where there are several.
  const a = randn([192, 160]);
  const b = randn([160, 224]);
  const want = a.to("cpu").matmul(b.to("cpu")).dataSync();
  const got = a.matmul(b).dataSync();
  out.gemmMaxDiff = Array.from(got).reduce((m, v, i) => Math.max(m, Math.abs(v - Number(want[i]))), 0);
  if (params.has("ops")) {
    const res = await fetch(new URL("../../../test/fixtures/ops/ops.json", import.meta.url));
    const fixtures = ((await res.json()) as { rows: Record<string, RowFixture> }).rows;
    out.ops = Object.fromEntries(listBackends().map((d) => [d, runOpTable(fixtures, d)]));
  }
  // both backends, or cpu alone where wasm did not load (the fallback tests)
  const train = [];
  for (const d of listBackends()) train.push(await trainMoons(d));
  out.train = train;
  const long = Number(params.get("long") ?? 0);
  if (long > 0) out.memory = await trainLong("wasm", long);
  return out;
}

const publish = (r: Record<string, unknown>): void => {
  g.__myelin = r;
  g.document.body.textContent = JSON.stringify(r, null, 1);
  g.document.title = "done";
};
main().then(
  (r) => publish({ ok: true, ...r }),
  (e: unknown) => publish({ ok: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) }),
);
