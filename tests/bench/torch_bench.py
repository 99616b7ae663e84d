#!/usr/bin/env python3
"""PyTorch CPU peer of the hypnograd benchmark (run by `npm run bench` as /usr/bin/python3).

The Chambon et al. (2018) sleep stager as braindecode's SleepStagerChambon2018 builds it for the
sleep-staging tutorial (2 channels, 100 Hz, 30 s windows, 5 classes; 5,227 parameters),
class-weighted cross-entropy, Adam(lr=1e-3), torch.set_num_threads(2). Prints one JSON object
with the same figure names as the browser peers.
"""
import argparse
import json
import platform
import sys
import time

import torch
from torch import nn

CLASS_WEIGHTS = [0.72, 2.61, 0.39, 1.43, 1.08]


class SleepStagerChambon2018(nn.Module):
    """braindecode's layer stack with the tutorial's rounding (kernel 50, pad 25, pool 12)."""

    def __init__(self, n_channels=2, n_classes=5, n_conv_chs=8, kernel=50, pool=12, n_times=3000, dropout=0.25):
        super().__init__()
        self.spatial_conv = nn.Conv2d(1, n_channels, (n_channels, 1))
        pad = kernel // 2
        self.feature_extractor = nn.Sequential(
            nn.Conv2d(1, n_conv_chs, (1, kernel), padding=(0, pad)), nn.Identity(), nn.ReLU(), nn.MaxPool2d((1, pool)),
            nn.Conv2d(n_conv_chs, n_conv_chs, (1, kernel), padding=(0, pad)), nn.Identity(), nn.ReLU(), nn.MaxPool2d((1, pool)),
        )
        t = n_times
        for _ in range(2):
            t = (t + 2 * pad - kernel + 1) // pool
        self.fc = nn.Sequential(nn.Dropout(dropout), nn.Linear(n_conv_chs * n_channels * t, n_classes))

    def forward(self, x):
        x = x.unsqueeze(1)
        x = self.spatial_conv(x).transpose(1, 2)
        return self.fc(self.feature_extractor(x).flatten(1))


def spread(samples_ms):
    s = sorted(samples_ms)
    if not s:
        return None

    def q(p):
        pos = (len(s) - 1) * p
        lo, hi = int(pos // 1), int(-(-pos // 1))
        return s[lo] + (s[hi] - s[lo]) * (pos - lo)

    r = lambda v: round(v, 3)
    return {"n": len(s), "medianMs": r(q(0.5)), "p10Ms": r(q(0.1)), "p90Ms": r(q(0.9)), "minMs": r(s[0]), "maxMs": r(s[-1]), "meanMs": r(sum(s) / len(s))}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--eval-batch", type=int, default=256)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if min(args.batch, args.eval_batch, args.steps) < 1 or args.warmup < 0:
        sys.exit("torch_bench.py: --batch, --eval-batch and --steps must be >= 1, --warmup >= 0")

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = SleepStagerChambon2018()
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    weight = torch.tensor(CLASS_WEIGHTS)
    x = torch.randn(args.batch, 2, 3000)
    y = torch.arange(args.batch) * 7 % 5
    x_eval = torch.randn(args.eval_batch, 2, 3000)
    loss_fn = nn.CrossEntropyLoss(weight=weight)

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss

    model.train()
    t0 = time.perf_counter()
    first_loss = step().item()
    first_ms = (time.perf_counter() - t0) * 1000
    for _ in range(args.warmup):
        step().item()
    steps_ms = []
    last_loss = first_loss
    for _ in range(args.steps):
        t0 = time.perf_counter()
        last_loss = step().item()
        steps_ms.append((time.perf_counter() - t0) * 1000)
    # Reading the loss every 10th step changes nothing on the CPU (it is always synchronous); measured anyway.
    blocks_ms = []
    for _ in range(max(1, round(args.steps / 10))):
        t0 = time.perf_counter()
        for _ in range(9):
            step()
        last_loss = step().item()
        blocks_ms.append((time.perf_counter() - t0) * 100)
    model.eval()
    eval_ms = []
    with torch.no_grad():
        t0 = time.perf_counter()
        model(x_eval).numpy()
        first_eval_ms = (time.perf_counter() - t0) * 1000
        for _ in range(max(5, -(-args.steps // 2))):
            t0 = time.perf_counter()
            model(x_eval).numpy()
            eval_ms.append((time.perf_counter() - t0) * 1000)

    print(json.dumps({
        "peer": "torch-cpu", "library": "torch", "backend": "cpu",
        "batch": args.batch, "requestedBatch": args.batch, "batchNote": None, "evalBatch": args.eval_batch,
        "parameters": n_params,
        "firstStepMs": round(first_ms, 3), "firstStepBatch": args.batch,
        "trainStep": spread(steps_ms), "trainStepRead10": spread(blocks_ms), "evalForward": spread(eval_ms),
        "firstEvalMs": round(first_eval_ms, 3),
        "dispatchesPerStep": None, "submitsPerStep": None, "mapAsyncsPerStep": None, "writeBuffersPerStep": None,
        "engineDispatchesPerStep": None, "engineSubmitsPerStep": None,
        "gpuKernelTime": None, "kernelTimingNote": "not a GPU backend",
        "firstLoss": first_loss, "lastLoss": last_loss,
        "backendInfo": {"version": torch.__version__, "threads": torch.get_num_threads(), "python": platform.python_version(), "dtype": "float32"},
        "notes": [],
    }))


if __name__ == "__main__":
    main()
