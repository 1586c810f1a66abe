# torch's twin of bench/gemm-shapes.js: torch.mm at the training benchmarks' GEMM shapes
# (bench/gemm-shapes.json), transposed operands as strided views, GFLOP/s per shape.
# Usage: OMP_NUM_THREADS=1 /usr/bin/python3 bench/gemm_shapes_torch.py [--threads 1] [--samples 3] [--window 0.3]
import argparse, json, os, time

import torch

p = argparse.ArgumentParser()
p.add_argument("bench", nargs="?", help="ignored (bench/run.js passes the bench name)")
p.add_argument("--threads", type=int, default=1)
p.add_argument("--samples", type=int, default=3)
p.add_argument("--window", type=float, default=0.3)
p.add_argument("--cpu", action="store_true", help="GFLOP/s per CPU second")
args = p.parse_args()
torch.set_num_threads(args.threads)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gemm-shapes.json"), encoding="utf8") as f:
    shapes = json.load(f)

for s in shapes:
    m, n, k = s["m"], s["n"], s["k"]
    a = torch.randn(k, m).t() if s["ta"] else torch.randn(m, k)
    b = torch.randn(n, k).t() if s["tb"] else torch.randn(k, n)
    for _ in range(10):
        torch.mm(a, b)
    variant = f'{s["bench"]} {s["what"]}: {m}x{n}x{k} {"T" if s["ta"] else "N"}{"T" if s["tb"] else "N"}'
    for _ in range(args.samples):
        c0, t0, it = time.process_time(), time.perf_counter(), 0
        while it < 4 or time.perf_counter() - t0 < args.window:
            torch.mm(a, b)
            it += 1
        sec = time.perf_counter() - t0
        cpu = (time.process_time() - c0) / sec
        t = sec * cpu if args.cpu else sec
        rec = {"peer": "torch", "bench": "gemmShapes", "threads": torch.get_num_threads(), "variant": variant,
               "value": 2 * m * n * k * it / t / 1e9, "unit": "GFLOP/s", "iters": it, "sec": sec, "cpu": cpu}
        print("RESULT " + json.dumps(rec, ensure_ascii=False), flush=True)
