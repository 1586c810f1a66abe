// `npm run bench`: myelin next to the peers of ../shared/bench-peers (PyTorch + OpenBLAS, TF.js wasm)
// on the same machine in one run. Every config is a fresh process; configs are interleaved
// round-robin (order rotated per round). Writes bench/results/latest.md and latest.jsonl.
// Options: --quick (1 round, short windows), --rounds N, --only sgemm (with the FMA roofline),sgemmT,gemmShapes,mlp,perop,lstm,cnn,gpt,memory,
//          --wait-quiet S (wait up to S s before each run for other load to drop), --out DIR.
// Environment: BENCH_PEERS (default <repo>/../shared/bench-peers), PEERS_DIR (npm packages of the
// peers, default /tmp/peers), TORCH_PYTHON (/usr/bin/python3), OPENBLAS_DIR (Debian's openblas-openmp).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineBusySec, parseArgs } from "./lib.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const args = parseArgs(process.argv.slice(2));
const QUICK = args.quick === "true";
const ROUNDS = Number(args.rounds ?? (QUICK ? 1 : 3));
const ALL = ["sgemm", "sgemmT", "gemmShapes", "mlp", "perop", "lstm", "cnn", "gpt", "memory"];
const only = (args.only ?? "").split(",").filter(Boolean);
for (const b of only) if (!ALL.includes(b)) throw new Error(`--only: unknown bench '${b}' (known: ${ALL.join(", ")})`);
const benches = only.length ? ALL.filter((b) => only.includes(b)) : ALL;
const OUT = resolve(args.out ?? join(HERE, "results"));
const WAIT_QUIET = Number(args["wait-quiet"] ?? 0);

const PEERS = resolve(process.env.BENCH_PEERS ?? join(ROOT, "..", "shared", "bench-peers"));
const PEERS_DIR = resolve(process.env.PEERS_DIR ?? "/tmp/peers");
const TORCH_PY = process.env.TORCH_PYTHON ?? "/usr/bin/python3";
const OPENBLAS_DIR = process.env.OPENBLAS_DIR ?? "/usr/lib/x86_64-linux-gnu/openblas-openmp";
const NODE = process.execPath;

const S = (n) => String(QUICK ? 1 : n);
const W = (x) => String(QUICK ? 0.3 : x);
const SG = ["--samples", S(3), "--window", W(0.4)];
const TR = ["--samples", S(3), "--window", W(1.2)];
const SIZES = ["--sizes", "256,512,1024"];

// ---------------------------------------------------------------- which peers can run here
const notes = [];
const haveTorchScript = existsSync(join(PEERS, "bench_torch.py"));
let haveTorch = false;
if (!haveTorchScript) notes.push(`torch: skipped, ${join(PEERS, "bench_torch.py")} not found (set BENCH_PEERS to the bench-peers folder)`);
else {
  const r = spawnSync(TORCH_PY, ["-c", "import torch"], { encoding: "utf8" });
  haveTorch = r.status === 0;
  if (!haveTorch) notes.push(`torch: skipped, \`${TORCH_PY} -c "import torch"\` failed (${(r.stderr || String(r.error)).trim().split("\n").pop()}); run setup.sh of bench-peers`);
  else if (!existsSync(OPENBLAS_DIR)) notes.push(`torch: ${OPENBLAS_DIR} not found, so torch uses whatever libblas.so.3 the loader finds (set OPENBLAS_DIR)`);
}
const haveTfjs = existsSync(join(PEERS, "bench_tfjs.js")) && existsSync(join(PEERS_DIR, "node_modules", "@tensorflow", "tfjs-backend-wasm"));
if (!haveTfjs) notes.push(`tfjs-wasm: skipped, ${join(PEERS_DIR, "node_modules/@tensorflow/tfjs-backend-wasm")} not found (run \`bash ${join(PEERS, "setup.sh")} ${PEERS_DIR}\` or set PEERS_DIR)`);
const haveMyelin = existsSync(join(ROOT, "dist", "src", "index.js"));
if (!haveMyelin) throw new Error("dist/ is missing: run `npm run build` first (npm run bench does)");

const myelin = (bench, threads, extra, backend = "wasm") => ({
  bench,
  label: `myelin-${backend} t${threads}`,
  cmd: [NODE, join(HERE, "myelin.js"), bench, "--backend", backend, "--threads", String(threads), ...extra],
  env: { MYELIN_BACKEND: backend },
});
// PyTorch at its best (../shared/bench-peers/README.md): OpenMP OpenBLAS, its own choice of kernel
// (no OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE), and a glibc heap that does not mmap/munmap the gradient
// buffers every step.
const torch = (bench, threads, extra, script = join(PEERS, "bench_torch.py")) => ({
  bench,
  label: `torch t${threads}`,
  cmd: [TORCH_PY, script, ...(bench === "perop" ? [] : [bench]), "--threads", String(threads), ...extra],
  env: {
    OMP_NUM_THREADS: String(threads),
    ...(existsSync(OPENBLAS_DIR) ? { LD_LIBRARY_PATH: OPENBLAS_DIR } : {}),
    MALLOC_MMAP_THRESHOLD_: "33554432",
    MALLOC_TRIM_THRESHOLD_: "268435456",
  },
  unset: ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"],
});
const tfjs = (bench, extra) => ({
  bench,
  label: "tfjs-wasm",
  cmd: [NODE, join(PEERS, "bench_tfjs.js"), bench, "--backend", "wasm", ...extra],
  env: { PEERS_DIR },
});

const CONFIGS = {
  // the Wasm FMA roofline beside SGEMM: GEMM efficiency as a share of what one core can do in Wasm
  sgemm: [myelin("fma", 1, TR), myelin("sgemm", 1, [...SIZES, ...SG]), myelin("sgemm", 2, [...SIZES, ...SG]), torch("sgemm", 1, [...SIZES, ...SG]), torch("sgemm", 2, [...SIZES, ...SG]), tfjs("sgemm", [...SIZES, ...SG])],
  sgemmT: [myelin("sgemmT", 1, []), myelin("sgemmT", 2, []), torch("sgemmT", 1, []), torch("sgemmT", 2, []), tfjs("sgemmT", [])],
  // the GEMM shapes of the training steps below (bench/gemm-shapes.json), 1 thread
  gemmShapes: [
    { ...myelin("gemmShapes", 1, []), cmd: [NODE, join(HERE, "gemm-shapes.js"), "--samples", S(2), "--window", W(0.25)] },
    torch("gemmShapes", 1, ["--samples", S(2), "--window", W(0.25)], join(HERE, "gemm_shapes_torch.py")),
  ],
  mlp: [
    myelin("mlp", 1, TR), myelin("mlp", 2, TR), torch("mlp", 1, TR), torch("mlp", 2, TR), tfjs("mlp", TR),
    // the reference backend is ~10x slower: one short window is enough for the factor
    myelin("mlp", 1, ["--samples", "1", "--window", W(1.0), "--warm", "2"], "cpu"),
    // the same step's GEMMs alone: the GEMM share of a step and the GEMM-bound ceiling
    myelin("mlpgemm", 1, TR),
  ],
  perop: [myelin("perop", 1, TR), myelin("perop", 1, TR, "cpu"), torch("perop", 1, TR, join(HERE, "perop_torch.py"))],
  lstm: [myelin("lstm", 1, TR), myelin("lstm", 2, TR), torch("lstm", 1, TR), torch("lstm", 2, TR), tfjs("lstm", TR)],
  // LeNet-5 of bench_torch.py (tfjs-wasm cannot train convolutions: no Conv2DBackpropFilter)
  cnn: [myelin("cnn", 1, TR), myelin("cnn", 2, TR), torch("cnn", 1, TR), torch("cnn", 2, TR)],
  // bench_torch.py's char GPT (2 pre-LN layers, d 128, 4 heads, ctx 64, batch 16, Adam), tokens/s;
  // tfjs-wasm (~0.6k tokens/s) would take minutes per window and is left out
  gpt: [myelin("gpt", 1, TR), myelin("gpt", 2, TR), torch("gpt", 1, TR), torch("gpt", 2, TR)],
};
const runnable = (c) => (c.label.startsWith("torch") ? haveTorch : c.label.startsWith("tfjs") ? haveTfjs : true);

// ---------------------------------------------------------------- running
/** CPU seconds of this process's finished (waited-for) children: cutime + cstime of /proc/self/stat. */
function childrenCpuSec() {
  try {
    const f = readFileSync("/proc/self/stat", "utf8");
    const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[13]) + Number(rest[14])) / 100; // fields 16, 17 (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

function waitQuiet(limitSec) {
  const end = Date.now() + limitSec * 1000;
  for (;;) {
    const b0 = machineBusySec();
    spawnSync("sleep", ["3"]);
    const load = (machineBusySec() - b0) / 3;
    if (!(load >= 0.3) || Date.now() > end) {
      if (load >= 0.3) console.log(`   (machine still busy: ${load.toFixed(2)} cores)`);
      return;
    }
  }
}

mkdirSync(OUT, { recursive: true });
const results = [];
const rawLines = [];
function run(cfg, round) {
  if (WAIT_QUIET) waitQuiet(WAIT_QUIET);
  const b0 = machineBusySec();
  const c0 = childrenCpuSec();
  const t0 = performance.now();
  const env = { ...process.env, ...cfg.env };
  for (const k of cfg.unset ?? []) delete env[k];
  const p = spawnSync(cfg.cmd[0], cfg.cmd.slice(1), { env, encoding: "utf8", timeout: 400_000, cwd: ROOT, maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const others = Math.max(0, (machineBusySec() - b0 - (childrenCpuSec() - c0)) / wall);
  const out = (p.stdout ?? "") + (p.stderr ?? "");
  let got = 0;
  for (const line of out.split("\n")) {
    if (!line.startsWith("RESULT ")) continue;
    const d = { ...JSON.parse(line.slice(7)), round, config: cfg.label, proc_wall: +wall.toFixed(2), others_cores: +others.toFixed(2) };
    results.push(d);
    rawLines.push(JSON.stringify(d));
    got++;
  }
  const status = p.status === 0 && got ? "ok" : `rc=${p.status ?? p.error?.code} results=${got}`;
  console.log(`[round ${round}] ${cfg.bench.padEnd(7)} ${cfg.label.padEnd(16)} ${wall.toFixed(1).padStart(6)}s others=${others.toFixed(2)} cores ${status}`);
  if (status !== "ok") console.log("   " + out.slice(-600).replaceAll("\n", "\n   "));
}

// The machine's SIMD (AVX-512 or AVX2), for the GEMM ceilings: Wasm SIMD128 has 4 lanes either way.
const flags = (() => {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").match(/^flags\s*:(.*)$/m)?.[1]?.split(/\s+/) ?? [];
  } catch {
    return [];
  }
})();
const simd = flags.includes("avx512f") ? "AVX-512" : flags.includes("avx2") ? "AVX2" : flags.length ? "no AVX2" : "unknown";
notes.push(`machine SIMD: ${simd}${flags.includes("fma") ? " with FMA" : ""} (Wasm SIMD128: 4 float32 lanes)`);
for (const n of notes) console.log(`note: ${n}`);
console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? "?"}; node ${process.version}; peers ${PEERS}`);
const T0 = performance.now();
for (let round = 1; round <= ROUNDS; round++) {
  for (const b of benches) {
    if (!CONFIGS[b]) continue;
    const cfgs = CONFIGS[b].filter(runnable);
    const k = (round - 1) % Math.max(1, cfgs.length);
    for (const cfg of [...cfgs.slice(k), ...cfgs.slice(0, k)]) run(cfg, round);
  }
}
if (benches.includes("memory")) {
  run({ bench: "memory", label: "myelin-wasm t1", cmd: [NODE, "--expose-gc", join(HERE, "memory.js"), ...(QUICK ? ["--epochs", "10"] : [])], env: { MYELIN_BACKEND: "wasm", MYELIN_THREADS: "1" } }, 0);
}
const totalSec = (performance.now() - T0) / 1000;
console.log(`total ${totalSec.toFixed(0)}s`);
writeFileSync(join(OUT, "latest.jsonl"), rawLines.join("\n") + "\n");

// ---------------------------------------------------------------- tables
const { summarize } = await import("./summarize.js");
const md = summarize(results, { notes, quick: QUICK, rounds: ROUNDS, totalSec, command: `npm run bench${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}` });
writeFileSync(join(OUT, "latest.md"), md);
console.log("\n" + md);
console.log(`written: ${join(OUT, "latest.md")}, ${join(OUT, "latest.jsonl")}`);
