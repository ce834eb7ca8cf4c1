#!/usr/bin/python3
"""The workloads of bench/all.ts (issue #7) in PyTorch, float32, on the CPU.

    /usr/bin/python3 bench/pytorch.py [--quick] [--threads N] [--serve]

Prints one line of JSON on stdout, {workload: ms} with the workload names of bench/all.ts
(median of several runs after three warm-ups), and "# ..." lines on stderr (versions, threads).
With --serve it prints "ready" instead and then measures one workload per line read from stdin,
answering each with a line of JSON {"key": ..., "ms": ...} (or "error"), until stdin closes:
bench/all.ts (--pytorch) keeps it running so each workload is measured on PyTorch right after
tensorloom and TF.js, in the same stretch of the host's load. Not a dependency of the package or of CI: Debian's
python3-torch (1.13) is enough.

Workloads, as in bench/matmul.ts, conv.ts, rnn.ts and cnnEpoch.ts:
- matmul n x n x n, n = 512 and 1024
- conv2d forward (N=32, C 16->32, 32x32, k=3, pad 1, bias) and forward+backward (grads of x
  and w, no bias); depthwise conv2d forward+backward (N=32, C=64, 32x32, k=3, pad 1,
  groups 64); conv1d forward (N=32, C 64->64, L=256, k=5); conv3d forward (N=4, C 8->16,
  16^3, k=3)
- LSTM / GRU training step: time-major, seq 64, batch 32, input 32, hidden 128; forward, then
  backward of sum(output * g) to every weight
- digits CNN, one epoch: Conv 1->16, relu, maxpool 2, Conv 16->32, relu, maxpool 2, Linear
  128->10; Adam lr 3e-3, batch 64, shuffled, over the first 80% of data/digits.csv (1,438
  images, pixels / 16), model and optimizer built afresh each run, as bench/cnnEpoch.ts.
  Batches are index_select of a random permutation, as tensorloom's DataLoader (not
  torch.utils.data.DataLoader, whose per-sample collation would dominate).
"""

import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

QUICK = "--quick" in sys.argv
RUNS = 3 if QUICK else 7
BUDGET_S = 5.0
HERE = os.path.dirname(os.path.abspath(__file__))


def info(line):
    print(f"# {line}", file=sys.stderr, flush=True)


WARMUP = 3  # oneDNN builds its primitives over the first calls: one warm-up is not enough


def median_ms(fn):
    for _ in range(WARMUP):
        fn()
    times = []
    start = time.perf_counter()
    for _ in range(RUNS):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
        if time.perf_counter() - start > BUDGET_S:
            break
    return statistics.median(times)


def matmul(n):
    a, b = torch.randn(n, n), torch.randn(n, n)
    return lambda: torch.mm(a, b)


def conv2d_forward():
    x, w, b = torch.randn(32, 16, 32, 32), torch.randn(32, 16, 3, 3) * 0.1, torch.zeros(32)
    return lambda: F.conv2d(x, w, b, padding=1)


def conv2d_forward_backward():
    x0, w0 = torch.randn(32, 16, 32, 32), torch.randn(32, 16, 3, 3) * 0.1

    def run():
        x, w = x0.detach().requires_grad_(), w0.detach().requires_grad_()
        F.conv2d(x, w, None, padding=1).sum().backward()

    return run


def depthwise_forward_backward():
    x0, w0 = torch.randn(32, 64, 32, 32), torch.randn(64, 1, 3, 3) * 0.1

    def run():
        x, w = x0.detach().requires_grad_(), w0.detach().requires_grad_()
        F.conv2d(x, w, None, padding=1, groups=64).sum().backward()

    return run


def conv1d_forward():
    x, w = torch.randn(32, 64, 256), torch.randn(64, 64, 5) * 0.05
    return lambda: F.conv1d(x, w)


def conv3d_forward():
    x, w = torch.randn(4, 8, 16, 16, 16), torch.randn(16, 8, 3, 3, 3) * 0.1
    return lambda: F.conv3d(x, w)


def rnn_training_step(kind):
    T, B, IN, H = 64, 32, 32, 128
    m = (nn.LSTM if kind == "LSTM" else nn.GRU)(IN, H)
    x, g = torch.randn(T, B, IN), torch.randn(T, B, H)

    def run():
        m.zero_grad()
        out, _ = m(x)
        (out * g).sum().backward()

    return run


class DigitsCnn(nn.Module):
    def __init__(self, side=8, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        s = side // 2 // 2
        self.fc = nn.Linear(32 * s * s, classes)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.conv1(x)), 2)
        h = F.max_pool2d(F.relu(self.conv2(h)), 2)
        return self.fc(h.flatten(1))


def digits_epoch():
    with open(os.path.join(HERE, "..", "data", "digits.csv")) as f:
        rows = [[float(v) for v in line.split(",")] for line in f.read().strip().split("\n")[1:]]
    n = math.floor(len(rows) * 0.8 + 0.5)  # JavaScript's Math.round
    pixels = [v / 16 for r in rows[:n] for v in r[:64]]
    labels = [int(r[64]) for r in rows[:n]]

    def run():
        torch.manual_seed(0)
        x = torch.tensor(pixels, dtype=torch.float32).reshape(n, 1, 8, 8)
        y = torch.tensor(labels, dtype=torch.int64)
        model = DigitsCnn(8, 10)
        opt = torch.optim.Adam(model.parameters(), lr=3e-3)
        order = torch.randperm(n)
        for start in range(0, n, 64):
            idx = order[start:start + 64]
            loss = F.cross_entropy(model(x.index_select(0, idx)), y.index_select(0, idx))
            opt.zero_grad()
            loss.backward()
            opt.step()

    return run, n


def main():
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    default_threads = torch.get_num_threads()
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else cores
    if threads != default_threads:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    config = torch.__config__.show()
    blas = next((part.split("=", 1)[1] for line in config.splitlines() for part in line.replace(",", " ").split() if part.startswith("BLAS_INFO=")), "?")
    info(
        f"torch {torch.__version__} (python {sys.version.split()[0]}, BLAS {blas}), {torch.get_num_threads()} threads"
        + (f" (torch's default here was {default_threads}; set to the {cores} cores)" if default_threads != threads else "")
        + f", median of up to {RUNS} runs after {WARMUP} warm-ups"
    )
    epoch, n = digits_epoch()
    workloads = {
        "matmul 512": matmul(512),
        "matmul 1024": matmul(1024),
        "conv2d forward": conv2d_forward(),
        "conv2d forward+backward": conv2d_forward_backward(),
        "depthwise conv2d forward+backward": depthwise_forward_backward(),
        "conv1d forward": conv1d_forward(),
        "conv3d forward": conv3d_forward(),
        "LSTM training step": rnn_training_step("LSTM"),
        "GRU training step": rnn_training_step("GRU"),
        "digits CNN epoch": epoch,
    }
    if "--serve" in sys.argv:
        print("ready", flush=True)
        for line in sys.stdin:
            key = line.strip()
            if not key:
                continue
            if key not in workloads:
                print(json.dumps({"key": key, "error": "no such workload in bench/pytorch.py"}), flush=True)
                continue
            ms = round(median_ms(workloads[key]), 3)
            print(f"  pytorch: {key} ... {ms:.1f} ms", file=sys.stderr, flush=True)
            print(json.dumps({"key": key, "ms": ms}), flush=True)
        return
    out = {}
    for name, fn in workloads.items():
        out[name] = round(median_ms(fn), 3)
        print(f"  pytorch: {name} ... {out[name]:.1f} ms", file=sys.stderr, flush=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
