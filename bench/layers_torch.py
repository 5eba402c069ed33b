#!/usr/bin/python3
"""PyTorch side of the layer suite of ./convnb bench (bench/suite.py defines the layers).

``--info`` prints one line ``INFO {json}``: CPU, torch version, threads, the BLAS this process really
mapped after a matrix product, and the SGEMM rate. Then, per layer named on the command line, forward
+ backward (input and parameter gradients) timed in every memory format (NCHW and channels_last; NCL for
Conv1D), best format reported: one line ``RESULT {json}`` with fwd_ms, bwd_ms, step_ms, format.

Timing as the engine's (io.convnb.bench.Timing): each format warms up for at least 2 s and 5 steps, then
3 blocks of 2 untimed + reps timed steps (3 to 9, about 0.4 s; a step over 1 s gets 2 warm-up steps and
1 timed step per block), the formats in rotating order (each block begins with another format), medians
over all timed steps. 2 threads.
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import suite  # noqa: E402

WARM_UP_S = 2.0
BLOCK_S = 0.4
BLOCKS = 3
SLOW_S = 1.0   # a slower step gets the short form: 2 warm-up steps at least, 1 timed and 0 untimed per block


class PaddedConv(nn.Module):
    """A convolution with Keras padding: symmetric pads go into the op, asymmetric ones through F.pad."""

    def __init__(self, conv, pads, activation):
        super().__init__()
        self.conv, self.pads, self.relu = conv, pads, activation == "relu"

    def forward(self, x):
        if any(self.pads):
            x = F.pad(x, self.pads)
        y = self.conv(x)
        return F.relu(y) if self.relu else y


def build(spec):
    """(module, NCHW/NCL input shape, formats) for one suite entry."""
    t = spec["type"]
    act = spec.get("activation", "linear")
    if t in ("conv2d", "conv2d_transpose"):
        n, h, w, c = spec["input"]
        k, s, d, g, f = spec["kernel"], spec.get("stride", 1), spec.get("dilation", 1), spec.get("groups", 1), spec["filters"]
        shape = (n, c, h, w)
        if t == "conv2d_transpose":
            if spec.get("padding", "valid") == "same":   # Keras: out = in * stride
                p = -(-(k - s) // 2)
                conv = nn.ConvTranspose2d(c, f, k, stride=s, padding=p, output_padding=2 * p - (k - s))
            else:
                conv = nn.ConvTranspose2d(c, f, k, stride=s)
            return PaddedConv(conv, (0, 0, 0, 0), act), shape, ("NCHW", "channels_last")
        pads = (0, 0, 0, 0)
        inner = (0, 0)
        if spec.get("padding", "valid") == "same":
            (pt, pb), (pl, pr) = suite.same_pads(h, k, s, d), suite.same_pads(w, k, s, d)
            if (pt, pl) == (pb, pr):
                inner = (pt, pl)
            else:
                pads = (pl, pr, pt, pb)
        conv = nn.Conv2d(c, f, k, stride=s, padding=inner, dilation=d, groups=g)
        return PaddedConv(conv, pads, act), shape, ("NCHW", "channels_last")
    if t == "conv1d":
        n, length, c = spec["input"]
        k, s, d, g, f = spec["kernel"], spec.get("stride", 1), spec.get("dilation", 1), spec.get("groups", 1), spec["filters"]
        pads = (0, 0)
        inner = 0
        if spec.get("padding", "valid") == "same":
            before, after = suite.same_pads(length, k, s, d)
            if before == after:
                inner = before
            else:
                pads = (before, after)
        conv = nn.Conv1d(c, f, k, stride=s, padding=inner, dilation=d, groups=g)
        return PaddedConv(conv, pads, act), (n, c, length), ("NCL",)
    n, h, w, c = spec["input"]
    if t == "max_pool2d":
        module = nn.MaxPool2d(spec["pool"])
    elif t == "avg_pool2d":
        module = nn.AvgPool2d(spec["pool"])
    elif t == "batch_norm":
        module = nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)   # Keras: epsilon 0.001, momentum 0.99
    else:
        raise ValueError("unknown layer type " + t)
    return module, (n, c, h, w), ("NCHW", "channels_last")


def make_step(spec, fmt):
    module, shape, _ = build(spec)
    module.train()
    x = torch.rand(*shape) - 0.5
    if fmt == "channels_last":
        x = x.contiguous(memory_format=torch.channels_last)
        module = module.to(memory_format=torch.channels_last)
    x.requires_grad_(True)
    with torch.no_grad():
        dy = torch.rand_like(module(x)) - 0.5
    params = list(module.parameters())

    def step():
        t0 = time.perf_counter()
        y = module(x)
        t1 = time.perf_counter()
        y.backward(dy)
        t2 = time.perf_counter()
        x.grad = None
        for p in params:
            p.grad = None
        return t1 - t0, t2 - t1

    return step


def measure(steps):
    """The shared protocol over several implementations (formats) of one layer: {fmt: (fwd, bwd, step) ms}."""
    reps, untimed = {}, {}
    for fmt, step in steps.items():
        start = time.perf_counter()
        i, last = 0, 0.0
        while i < (2 if last > SLOW_S else 5) or time.perf_counter() - start < WARM_UP_S:
            f, b = step()
            last = f + b
            i += 1
        slow = last > SLOW_S
        reps[fmt] = 1 if slow else max(3, min(9, round(BLOCK_S / max(last, 1e-9))))
        untimed[fmt] = 0 if slow else 2
    names = list(steps)
    times = {fmt: ([], [], []) for fmt in names}
    for block in range(BLOCKS):
        for slot in range(len(names)):
            fmt = names[(slot + block) % len(names)]
            step = steps[fmt]
            for _ in range(untimed[fmt]):
                step()
            for _ in range(reps[fmt]):
                f, b = step()
                times[fmt][0].append(f * 1e3)
                times[fmt][1].append(b * 1e3)
                times[fmt][2].append((f + b) * 1e3)
    return {fmt: tuple(statistics.median(v) for v in times[fmt]) for fmt in names}


def sgemm(size=2048):
    a, b = torch.rand(size, size), torch.rand(size, size)
    c = torch.empty(size, size)
    t = []
    for i in range(7):
        t0 = time.perf_counter()
        torch.mm(a, b, out=c)
        if i >= 2:
            t.append(time.perf_counter() - t0)
    return 2.0 * size ** 3 / statistics.median(t) / 1e9


def info():
    rate = sgemm()   # also maps the BLAS library that torch.mm calls into
    with open("/proc/self/maps") as f:
        kind, path = suite.torch_blas(torch.__config__.show(), f.read())
    with open("/proc/cpuinfo") as f:
        model, cpus, flags = suite.cpu_info(f.read())
    return {"cpu": model, "cpus": cpus, "cpu_flags": flags, "torch": torch.__version__,
            "threads": torch.get_num_threads(), "blas_kind": kind, "blas_path": path,
            "cpu_capability": torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else "",
            "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", ""), "sgemm_gflops": round(rate, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--info", action="store_true", help="print the INFO line (CPU, BLAS, SGEMM)")
    parser.add_argument("layers", nargs="*", help="suite names (bench/suite.py)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    if args.info:
        print("INFO " + json.dumps(info()), flush=True)
    for name, spec in suite.select(args.layers) if args.layers else []:
        formats = build(spec)[2]
        result = measure({fmt: make_step(spec, fmt) for fmt in formats})
        best = min(result, key=lambda fmt: result[fmt][2])
        f, b, s = result[best]
        print("RESULT " + json.dumps({"name": name, "fwd_ms": round(f, 4), "bwd_ms": round(b, 4), "step_ms": round(s, 4),
                                      "format": best, "all_ms": {k: round(v[2], 4) for k, v in result.items()}}), flush=True)


if __name__ == "__main__":
    main()
