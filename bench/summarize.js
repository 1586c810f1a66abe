// Turns the RESULT records of bench/run.js into markdown: per bench, median and min–max over all
// samples of all rounds, the ratio myelin-wasm ÷ peer at equal threads, the issue's targets and
// the memory series. Re-run on saved results: node bench/summarize.js bench/results/latest.jsonl

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (v) => (v === undefined || Number.isNaN(v) ? "—" : v < 100 ? String(+v.toPrecision(3)) : Math.round(v).toLocaleString("en-US"));
const PEER_ORDER = ["myelin-wasm", "myelin-cpu", "torch", "tfjs-wasm"];
const peerRank = (p) => (PEER_ORDER.includes(p) ? PEER_ORDER.indexOf(p) : PEER_ORDER.length);

/** Groups samples by (n, variant, peer, threads) and returns { key → { values, cpu, others, unit } }. */
function groups(rs) {
  const g = new Map();
  for (const r of rs) {
    if (typeof r.value !== "number") continue;
    const key = JSON.stringify([r.n ?? 0, r.variant ?? "", r.peer, r.threads ?? 1]);
    if (!g.has(key)) g.set(key, { n: r.n, variant: r.variant, peer: r.peer, threads: r.threads ?? 1, values: [], cpu: [], others: [], unit: r.unit });
    const e = g.get(key);
    e.values.push(r.value);
    if (typeof r.cpu === "number") e.cpu.push(r.cpu);
    if (typeof r.others_cores === "number") e.others.push(r.others_cores);
  }
  for (const e of g.values()) e.median = median(e.values);
  return [...g.values()].sort((a, b) => (a.n ?? 0) - (b.n ?? 0) || (a.variant ?? "").localeCompare(b.variant ?? "") || peerRank(a.peer) - peerRank(b.peer) || a.threads - b.threads);
}

function find(gs, peer, threads, n, variant) {
  return gs.find((e) => e.peer === peer && e.threads === threads && e.n === n && e.variant === variant);
}

function benchTable(bench, rs) {
  const gs = groups(rs);
  if (!gs.length) return [];
  const hasN = gs.some((e) => e.n !== undefined);
  const hasV = gs.some((e) => e.variant !== undefined);
  const head = [...(hasN ? ["n"] : []), ...(hasV ? ["variant"] : []), "peer", "threads", "median", "min–max", "unit", "samples", "cpu util", "other load", "myelin-wasm ÷ peer"];
  const lines = [`| ${head.join(" | ")} |`, `|${"---|".repeat(head.length)}`];
  for (const e of gs) {
    let ratio = "";
    if (e.peer !== "myelin-wasm") {
      // equal threads; the reference backend and tfjs-wasm are single-threaded
      const mine = find(gs, "myelin-wasm", e.threads, e.n, e.variant);
      if (mine) ratio = `${(mine.median / e.median).toFixed(2)}x`;
    }
    const row = [
      ...(hasN ? [e.n ?? ""] : []),
      ...(hasV ? [e.variant ?? ""] : []),
      e.peer,
      e.threads,
      `**${fmt(e.median)}**`,
      `${fmt(Math.min(...e.values))}–${fmt(Math.max(...e.values))}`,
      e.unit,
      e.values.length,
      e.cpu.length ? median(e.cpu).toFixed(2) : "",
      e.others.length ? median(e.others).toFixed(2) : "",
      ratio,
    ];
    lines.push(`| ${row.join(" | ")} |`);
  }
  return lines;
}

function targets(results) {
  const sg = groups(results.filter((r) => r.bench === "sgemm"));
  const mlp = groups(results.filter((r) => r.bench === "mlp"));
  const rows = [];
  const status = (ok, gap) => (ok ? "met" : `**missed** (${gap})`);
  /** The row `label` for myelin-wasm's median over torch's at `threads` threads: met at 1.0x or more. */
  const versusTorch = (g, threads, label) => {
    const m = find(g, "myelin-wasm", threads, undefined, undefined);
    const p = find(g, "torch", threads, undefined, undefined);
    if (!m || !p) return;
    const r = m.median / p.median;
    rows.push([label, `${r.toFixed(2)}x (${fmt(m.median)} vs ${fmt(p.median)})`, status(r >= 1, `torch is ${(1 / r).toFixed(1)}x faster`)]);
  };
  const roof = find(groups(results.filter((r) => r.bench === "fma")), "myelin-wasm", 1, undefined, undefined);
  if (roof) rows.push(["Wasm FMA roofline, 1 thread (registers only: the ceiling of any Wasm kernel)", `${fmt(roof.median)} GFLOP/s`, "reference"]);
  for (const n of [...new Set(sg.map((e) => e.n))]) {
    const m1 = find(sg, "myelin-wasm", 1, n, undefined);
    if (m1 && roof) rows.push([`SGEMM n=${n}, 1 thread, share of the Wasm FMA roofline`, `${((m1.median / roof.median) * 100).toFixed(0)}% (${fmt(m1.median)} of ${fmt(roof.median)} GFLOP/s)`, "reference"]);
    const m2 = find(sg, "myelin-wasm", 2, n, undefined);
    const t1 = find(sg, "torch", 1, n, undefined);
    if (m1) rows.push([`SGEMM n=${n}, 1 thread ≥ 40 GFLOP/s`, `${fmt(m1.median)} GFLOP/s`, status(m1.median >= 40, `${fmt(40 - m1.median)} GFLOP/s short, ${((m1.median / 40) * 100).toFixed(0)}% of target`)]);
    if (m1 && t1) {
      const r = m1.median / t1.median;
      rows.push([`SGEMM n=${n}, 1 thread ≥ 50% of torch+OpenBLAS`, `${(r * 100).toFixed(0)}% (${fmt(m1.median)} vs ${fmt(t1.median)})`, status(r >= 0.5, `${((0.5 - r) * 100).toFixed(0)} points short`)]);
    }
    if (m2) rows.push([`SGEMM n=${n}, 2 threads ≥ 70 GFLOP/s`, `${fmt(m2.median)} GFLOP/s`, status(m2.median >= 70, `${fmt(70 - m2.median)} GFLOP/s short, ${((m2.median / 70) * 100).toFixed(0)}% of target`)]);
  }
  for (const t of [1, 2]) versusTorch(mlp, t, `MLP training, ${t} thread${t > 1 ? "s" : ""} ≥ 1.0x torch samples/s`);
  const gemm = groups(results.filter((r) => r.bench === "mlpgemm"));
  const g1 = find(gemm, "myelin-wasm", 1, undefined, undefined);
  const m1 = find(mlp, "myelin-wasm", 1, undefined, undefined);
  if (g1 && m1) {
    const share = m1.median / g1.median; // (B / ceiling) / (B / mlp): the step's time spent in GEMM
    const gf = median(results.filter((r) => r.bench === "mlpgemm" && typeof r.gflops === "number").map((r) => r.gflops));
    rows.push([
      "MLP training, 1 thread, within 10% of its GEMM-bound ceiling",
      `${(share * 100).toFixed(0)}% of the step is GEMM: ${fmt(m1.median)} vs a ceiling of ${fmt(g1.median)} samples/s (the step's GEMMs alone, ${fmt(gf)} GFLOP/s${roof ? `, ${((gf / roof.median) * 100).toFixed(0)}% of the FMA roofline` : ""})`,
      status(share >= 0.9, `${((0.9 - share) * 100).toFixed(0)} points short`),
    ]);
  }
  const po = groups(results.filter((r) => r.bench === "perop"));
  const pw = find(po, "myelin-wasm", 1, undefined, undefined);
  const pt = find(po, "torch", 1, undefined, undefined);
  if (pw && pt)
    rows.push(["Per-op cost (chain of 5 small ops, forward + backward), 1 thread ≤ torch", `${fmt(pw.median)} vs ${fmt(pt.median)} µs/op`, status(pw.median <= pt.median, `${(pw.median / pt.median).toFixed(1)}x torch`)]);
  versusTorch(groups(results.filter((r) => r.bench === "lstm")), 1, "LSTM training, 1 thread ≥ 1.0x torch steps/s (issue 9)");
  const cnn = groups(results.filter((r) => r.bench === "cnn"));
  for (const t of [1, 2]) versusTorch(cnn, t, `LeNet training, ${t} thread${t > 1 ? "s" : ""} ≥ 1.0x torch samples/s`);
  versusTorch(groups(results.filter((r) => r.bench === "gpt")), 1, "char-GPT training, 1 thread ≥ 1.0x torch tokens/s (issue 10)");
  const c = find(mlp, "myelin-cpu", 1, undefined, undefined);
  const w = find(mlp, "myelin-wasm", 1, undefined, undefined);
  if (c && w) rows.push(["MLP training, wasm backend faster than the reference cpu backend", `${(w.median / c.median).toFixed(1)}x (${fmt(w.median)} vs ${fmt(c.median)})`, status(w.median > c.median, "slower")]);
  if (!rows.length) return [];
  return ["| target | measured (medians) | status |", "|---|---|---|", ...rows.map((r) => `| ${r.join(" | ")} |`)];
}

function memoryTable(results) {
  const ep = results.filter((r) => r.bench === "memory" && r.epoch !== undefined).sort((a, b) => a.epoch - b.epoch);
  const sum = results.find((r) => r.bench === "memory" && r.summary);
  if (!ep.length) return [];
  const MiB = (b) => (b / 2 ** 20).toFixed(1);
  const pick = new Set([1, 2, 5, 10, 20, 30, 40, ep.length]);
  const lines = ["| epoch | RSS MiB | wasm live MiB | JS heap used MiB |", "|---|---|---|---|"];
  for (const r of ep) if (pick.has(r.epoch)) lines.push(`| ${r.epoch} | ${MiB(r.rss)} | ${MiB(r.liveBytes)} | ${MiB(r.heapUsed)} |`);
  if (sum) lines.push("", sum.summary);
  return lines;
}

/** Markdown for a list of RESULT records (as written by run.js). */
export function summarize(results, { notes = [], quick = false, rounds, totalSec, command } = {}) {
  const out = ["# myelin vs peers", ""];
  if (command) out.push(`Command: \`${command}\`${totalSec ? `, ${(totalSec / 60).toFixed(1)} min` : ""}${rounds ? `, ${rounds} round${rounds > 1 ? "s" : ""}` : ""}${quick ? " (quick: short windows, not for quoting)" : ""}.`, "");
  for (const n of notes) out.push(`- note: ${n}`);
  if (notes.length) out.push("");
  out.push(
    "Medians and min–max over every timed sample of every round (each config a fresh process, interleaved).",
    "`cpu util` = process CPU s / wall s; `other load` = cores kept busy by other processes during that run.",
    "`myelin-wasm ÷ peer` compares medians at equal threads (tfjs-wasm and the reference cpu backend run 1 thread).",
    "",
  );
  const t = targets(results);
  if (t.length) out.push("## Targets (issues 4 and 7)", "", ...t, "");
  const titles = {
    fma: "Wasm FMA roofline: independent f32x4 multiply-adds on registers, GFLOP/s (the ceiling of any Wasm kernel)",
    sgemm: "SGEMM: float32 C = A@B, GFLOP/s = 2n³/t",
    sgemmT: "SGEMM with transposed operands, n = 512 (TN = Aᵀ@B, NT = A@Bᵀ)",
    gemmShapes: "GEMMs at the training steps' shapes, 1 thread, GFLOP/s (m x n x k; T: operand read transposed, as in backward passes)",
    mlp: "MLP training: Fashion-MNIST 784-256-128-10 ReLU, cross-entropy, Adam 1e-3, batch 128",
    mlpgemm: "The MLP step's GEMMs alone (its GEMM-bound ceiling), samples/s",
    perop: "Per-op cost: x.mul(w).add(x).tanh().mul(w).sum() on [32, 64], forward + backward, µs per op (lower is better; ÷ > 1 means slower)",
    lstm: "LSTM training: input 32, hidden 128, seq 50, batch 32, last step → fc 10, cross-entropy, Adam 1e-3",
    cnn: "LeNet-5 training: Fashion-MNIST, conv 6@5x5 pad 2, max-pool, conv 16@5x5, max-pool, fc 120-84-10, Adam 1e-3, batch 64",
    gpt: "char-GPT training: 2 pre-LN layers, d 128, 4 heads, FFN 512 ReLU, ctx 64, vocab 65, batch 16, Adam 1e-3, tokens/s",
  };
  for (const b of ["fma", "sgemm", "sgemmT", "gemmShapes", "mlp", "mlpgemm", "perop", "lstm", "cnn", "gpt"]) {
    const lines = benchTable(b, results.filter((r) => r.bench === b && r.value !== undefined));
    if (lines.length) out.push(`## ${titles[b]}`, "", ...lines, "");
  }
  const mem = memoryTable(results);
  if (mem.length) out.push("## Memory: MLP training without dispose(), 50 epochs", "", ...mem, "");
  return out.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2] ?? new URL("./results/latest.jsonl", import.meta.url);
  const results = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  console.log(summarize(results));
}
