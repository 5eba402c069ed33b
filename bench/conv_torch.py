#!/usr/bin/python3
"""PyTorch CPU conv2d forward/backward GFLOP/s on the issue-2 shapes (NCHW, 2 threads).

Op-level companion of scripts/bench-conv.sh; ./convnb bench uses bench/layers_torch.py instead.
For each shape both memory formats (contiguous NCHW and channels_last) are timed and the best
fwd+bwd is reported as a line "RESULT <shape> <fwd> <bwd> <fwd+bwd>" (GFLOP/s, medians).
FLOPs: forward 2*N*OH*OW*F*kh*kw*C, backward twice that (input and weight gradients).
"""
import argparse
import statistics
import time

import torch

SHAPES = {  # name: (N, H, W, C, filters, kernel, stride, padding)
    "A": (64, 28, 28, 1, 32, 3, 1, "valid"),
    "B": (32, 56, 56, 64, 64, 3, 1, "same"),
    "C": (16, 224, 224, 3, 64, 7, 2, "same"),
}


def same_pads(size, k, s):
    out = -(-size // s)
    total = max(0, (out - 1) * s + k - size)
    return total // 2, total - total // 2


def run(name, reps, channels_last):
    n, h, w, c, f, k, s, padding = SHAPES[name]
    x = torch.rand(n, c, h, w) - 0.5
    conv = torch.nn.Conv2d(c, f, k, stride=s, bias=True)
    if padding == "same":
        (pt, pb), (pl, pr) = same_pads(h, k, s), same_pads(w, k, s)
    else:
        pt = pb = pl = pr = 0
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
        conv = conv.to(memory_format=torch.channels_last)
    x.requires_grad_(True)

    def forward():
        # Asymmetric TF "same" pads need an explicit pad; symmetric ones go into the conv itself.
        if (pt, pl) == (pb, pr):
            conv.padding = (pt, pl)
            return conv(x)
        return conv(torch.nn.functional.pad(x, (pl, pr, pt, pb)))

    y = forward()
    oh, ow = y.shape[2], y.shape[3]
    flops = 2.0 * n * oh * ow * f * k * k * c
    dy = torch.rand_like(y)
    def pair():
        y = forward()
        y.backward(dy)
        x.grad = None
        conv.weight.grad = None
        conv.bias.grad = None

    # Warm-up as the engine's side (ConvBenchmark): at least 2 s and 5 pairs, so oneDNN has picked and
    # cached its kernels before anything is timed.
    start, i = time.perf_counter(), 0
    while i < 5 or time.perf_counter() - start < 2.0:
        pair()
        i += 1
    tf, tb, tt = [], [], []
    for i in range(reps + 2):
        t0 = time.perf_counter()
        y = forward()
        t1 = time.perf_counter()
        y.backward(dy)
        t2 = time.perf_counter()
        x.grad = None
        conv.weight.grad = None
        conv.bias.grad = None
        if i >= 2:
            tf.append(t1 - t0)
            tb.append(t2 - t1)
            tt.append(t2 - t0)
    return (flops / statistics.median(tf) / 1e9, 2 * flops / statistics.median(tb) / 1e9,
            3 * flops / statistics.median(tt) / 1e9)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("shapes", nargs="*", default=list(SHAPES))
    args = parser.parse_args()
    torch.set_num_threads(2)
    print("torch", torch.__version__, "threads", torch.get_num_threads())
    for name in args.shapes:
        best = None
        for channels_last in (False, True):
            r = run(name, args.reps, channels_last)
            print("%s channels_last=%s fwd %.1f bwd %.1f both %.1f GFLOP/s" % ((name, channels_last) + r))
            if best is None or r[2] > best[2]:
                best = r
        print("RESULT %s %.2f %.2f %.2f" % ((name,) + best))


if __name__ == "__main__":
    main()
