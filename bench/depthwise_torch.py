#!/usr/bin/python3
"""PyTorch CPU depthwise/grouped conv2d forward+backward GFLOP/s on DepthwiseBenchmark's shapes.

2 threads; for each shape both memory formats (NCHW and channels_last) warm up for at least 2 s and
are timed; the best median is printed as "RESULT <name> torch <ms> <GFLOP/s>". FLOPs: three times the
forward pass's 2*N*OH*OW*F*kh*kw*C/groups (forward, input gradient, weight gradient).
"""
import argparse
import statistics
import time

import torch

SHAPES = {  # name: (N, H, W, C, filters, kernel, stride, groups), "same" padding
    "dw": (32, 56, 56, 64, 64, 3, 1, 64),
    "dw-s2": (32, 112, 112, 32, 32, 3, 2, 32),
    "dw-m2": (32, 28, 28, 64, 128, 3, 1, 64),
    "resnext": (16, 28, 28, 128, 128, 3, 1, 32),
    "g4": (16, 28, 28, 64, 64, 3, 1, 4),
}


def same_pads(size, k, s):
    out = -(-size // s)
    total = max(0, (out - 1) * s + k - size)
    return total // 2, total - total // 2


def run(name, reps, channels_last):
    n, h, w, c, f, k, s, groups = SHAPES[name]
    x = torch.rand(n, c, h, w) - 0.5
    conv = torch.nn.Conv2d(c, f, k, stride=s, groups=groups, bias=True)
    (pt, pb), (pl, pr) = same_pads(h, k, s), same_pads(w, k, s)
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
        conv = conv.to(memory_format=torch.channels_last)
    x.requires_grad_(True)

    def forward():
        if (pt, pl) == (pb, pr):
            conv.padding = (pt, pl)
            return conv(x)
        return conv(torch.nn.functional.pad(x, (pl, pr, pt, pb)))

    y = forward()
    oh, ow = y.shape[2], y.shape[3]
    flops = 3 * 2.0 * n * oh * ow * f * k * k * (c // groups)
    dy = torch.rand_like(y)

    def step():
        t0 = time.perf_counter()
        yy = forward()
        yy.backward(dy)
        x.grad = None
        conv.weight.grad = None
        conv.bias.grad = None
        return time.perf_counter() - t0

    start = time.perf_counter()
    i = 0
    while i < 2 or time.perf_counter() - start < 2.0:
        step()
        i += 1
    t = statistics.median(step() for _ in range(reps))
    return t, flops / t / 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("shapes", nargs="*", default=list(SHAPES))
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.zeros(4, 4) @ torch.zeros(4, 4)   # load the BLAS before looking for it
    with open("/proc/self/maps") as maps:
        blas = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line})
    print("torch", torch.__version__, "threads", torch.get_num_threads(), "BLAS", " ".join(blas) or "none loaded")
    for name in args.shapes:
        best = None
        for channels_last in (False, True):
            t, g = run(name, args.reps, channels_last)
            print("  %s channels_last=%s %.2f ms %.1f GFLOP/s" % (name, channels_last, t * 1e3, g))
            if best is None or t < best[0]:
                best = (t, g)
        print("RESULT %-8s torch %9.2f ms %8.1f GFLOP/s" % (name, best[0] * 1e3, best[1]))


if __name__ == "__main__":
    main()
