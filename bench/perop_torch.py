# PyTorch's side of the per-op benchmark (bench/myelin.js perop): x.mul(w).add(x).tanh().mul(w).sum()
# on [32, 64] with autograd, forward and backward; us/op = one iteration's time / 5 (the forward ops).
# Prints "RESULT {json}" lines as ../shared/bench-peers/bench_torch.py does.
import argparse, json, resource, time

import torch

ap = argparse.ArgumentParser()
ap.add_argument("--threads", type=int, default=1)
ap.add_argument("--samples", type=int, default=3)
ap.add_argument("--window", type=float, default=1.2)
args = ap.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
x = torch.randn(32, 64, requires_grad=True)
w = torch.randn(32, 64, requires_grad=True)


def step():
    x.grad = None
    w.grad = None
    x.mul(w).add(x).tanh().mul(w).sum().backward()


for _ in range(200):
    step()
for _ in range(args.samples):
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    iters = 0
    while True:
        step()
        iters += 1
        sec = time.perf_counter() - t0
        if iters >= 10 and sec >= args.window:
            break
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) / sec
    print("RESULT " + json.dumps({"peer": "torch", "bench": "perop", "threads": args.threads, "value": sec * 1e6 / iters / 5,
                                  "unit": "us/op", "iters": iters, "sec": sec, "cpu": cpu, "torch": torch.__version__}), flush=True)
