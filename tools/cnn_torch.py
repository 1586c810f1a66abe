"""PyTorch's numbers for the CNN recipes: the same networks (layer for layer, torch's default
initialisation), data, epochs, batch sizes, optimizer and learning rates as `myelin train lenet |
fashion-cnn | resnet-mini` (src/cli/recipes-cnn.ts), reporting test accuracy per epoch and the
training time. Run after `npm run build`:
    OMP_NUM_THREADS=2 /usr/bin/python3 tools/cnn_torch.py [lenet|fashion-cnn|resnet-mini ...] [--threads 2]
"""
import argparse
import gzip
import os
import subprocess
import tempfile
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION = "/usr/share/datasets/fashion-mnist"


class BasicBlock(nn.Module):
    """torchvision.models.resnet.BasicBlock (torchvision is not installed); myelin's nn.BasicBlock builds the same downsample."""

    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = (nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
                           if stride != 1 or inplanes != planes else None)

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (self.downsample(x) if self.downsample is not None else x))


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def fashion_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))


def resnet_mini():
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(),
        BasicBlock(8, 8), BasicBlock(8, 16, 2), BasicBlock(16, 32, 2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def fashion():
    def split(prefix):
        x = torch.from_numpy(idx(f"{FASHION}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255).unsqueeze(1)
        return x, torch.from_numpy(idx(f"{FASHION}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64))
    return split("train"), split("t10k")


def digits():
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["node", os.path.join(ROOT, "dist", "tools", "cnn-data.js"), d], check=True, capture_output=True)
        def split(name):
            x = torch.from_numpy(np.fromfile(f"{d}/digits-{name}-x.f32", np.float32).copy()).reshape(-1, 1, 28, 28)
            return x, torch.from_numpy(np.fromfile(f"{d}/digits-{name}-y.i32", np.int32).astype(np.int64))
        return split("train"), split("test")


# name: (network, data, epochs, batch size, learning rate, cosine schedule per epoch, left-right flips
# with p 0.5) as in src/cli/recipes-cnn.ts; Adam everywhere
RECIPES = {
    "lenet": (lenet, digits, 10, 64, 1e-3, False, False),
    "fashion-cnn": (fashion_cnn, fashion, 10, 128, 1e-3, True, True),
    "resnet-mini": (resnet_mini, fashion, 2, 128, 2e-3, False, False),
}


def run(name, seed):
    make, load, epochs, batch, lr, cosine, flip = RECIPES[name]
    torch.manual_seed(seed)
    (xtr, ytr), (xte, yte) = load()
    model = make()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs) if cosine else None
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    accs = []
    for _ in range(epochs):
        model.train()
        perm = torch.randperm(len(ytr), generator=gen)
        for i in range(0, len(ytr), batch):
            idx_ = perm[i:i + batch]
            xb = xtr[idx_]
            if flip:
                xb = torch.where((torch.rand(len(idx_), generator=gen) < 0.5)[:, None, None, None], xb.flip(3), xb)
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(xb), ytr[idx_]).backward()
            opt.step()
        if sched:
            sched.step()
        model.eval()
        with torch.no_grad():
            pred = torch.cat([model(xte[i:i + 1000]).argmax(1) for i in range(0, len(yte), 1000)])
        accs.append((pred == yte).float().mean().item())
    sec = time.perf_counter() - t0
    print(f"{name}: torch {torch.__version__}, {torch.get_num_threads()} threads, seed {seed}: test accuracy per epoch "
          + " ".join(f"{a * 100:.2f}%" for a in accs) + f"; {sec:.1f} s training + evaluation", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("recipes", nargs="*", default=list(RECIPES))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for r in a.recipes:
        run(r, a.seed)
