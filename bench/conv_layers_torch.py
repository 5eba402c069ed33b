#!/usr/bin/python3
"""PyTorch side of io.convnb.bench.ConvLayerProbe: conv layer + ReLU, forward and backward (input,
kernel and bias gradients) on the layer shapes of issue 10, 2 threads, best of NCHW and channels_last.

Prints "RESULT <name> <fwd+bwd GFLOP/s>"; FLOPs 3 * 2*N*OH*OW*F*kh*kw*C/groups. Each memory format
warms up for at least --warmup seconds, then the best of --reps timed steps counts.
"""
import argparse
import time

import torch

# name: (kind, N, H, W, C, filters, kh, kw, stride, dilation, padding)
SHAPES = {
    "tutorial": ("conv2d", 64, 28, 28, 1, 32, 3, 3, 1, 1, "valid"),
    "wide": ("conv2d", 16, 28, 28, 128, 128, 3, 3, 1, 1, "same"),
    "stride2": ("conv2d", 32, 56, 56, 64, 128, 3, 3, 2, 1, "same"),
    "pointwise": ("conv2d", 32, 56, 56, 64, 128, 1, 1, 1, 1, "valid"),
    "dilated": ("conv2d", 16, 64, 64, 32, 32, 3, 3, 1, 2, "same"),
    "transpose": ("transpose", 16, 28, 28, 64, 32, 4, 4, 2, 1, "same"),
    "conv1d": ("conv1d", 64, 1, 1000, 64, 64, 1, 5, 1, 1, "same"),
    "rgb": ("conv2d", 64, 32, 32, 3, 64, 3, 3, 1, 1, "same"),
}


def same_pads(size, k, s, d):
    out = -(-size // s)
    total = max(0, (out - 1) * s + d * (k - 1) + 1 - size)
    return total // 2, total - total // 2


def build(name, channels_last):
    kind, n, h, w, c, f, kh, kw, s, d, padding = SHAPES[name]
    if kind == "conv1d":
        x = torch.rand(n, c, w) - 0.5
        pl, pr = same_pads(w, kw, s, d)
        conv = torch.nn.Conv1d(c, f, kw, stride=s, dilation=d, padding=pl if pl == pr else 0)
        pad = None if pl == pr else (pl, pr)
        flops = 2.0 * n * (-(-w // s)) * f * kw * c
    elif kind == "transpose":
        x = torch.rand(n, c, h, w) - 0.5
        # Keras "same" for a transposed conv: out = in*s; torch padding p and output_padding op give
        # (in-1)*s - 2p + k + op = in*s, so for k=4, s=2: p=1, op=0.
        conv = torch.nn.ConvTranspose2d(c, f, kh, stride=s, padding=(kh - s) // 2)
        pad = None
        flops = 2.0 * n * h * w * f * kh * kw * c   # the conv whose adjoint it is
    else:
        x = torch.rand(n, c, h, w) - 0.5
        if padding == "same":
            (pt, pb), (pl, pr) = same_pads(h, kh, s, d), same_pads(w, kw, s, d)
        else:
            pt = pb = pl = pr = 0
        sym = (pt, pl) == (pb, pr)
        conv = torch.nn.Conv2d(c, f, (kh, kw), stride=s, dilation=d, padding=(pt, pl) if sym else 0)
        pad = None if sym else (pl, pr, pt, pb)
        oh, ow = -(-h // s) if padding == "same" else (h - kh) // s + 1, -(-w // s) if padding == "same" else (w - kw) // s + 1
        flops = 2.0 * n * oh * ow * f * kh * kw * c
    if channels_last and x.dim() == 4:
        x = x.contiguous(memory_format=torch.channels_last)
        conv = conv.to(memory_format=torch.channels_last)
    x.requires_grad_(True)

    def step():
        xin = x if pad is None else torch.nn.functional.pad(x, pad)
        y = torch.relu(conv(xin))
        y.backward(dy[0])
        x.grad = None
        conv.weight.grad = None
        conv.bias.grad = None

    with torch.no_grad():
        xin = x if pad is None else torch.nn.functional.pad(x, pad)
        dy = [torch.rand_like(conv(xin)) - 0.5]
    return step, 3 * flops


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--reps", type=int, default=15)
    p.add_argument("--warmup", type=float, default=2.0)
    p.add_argument("shapes", nargs="*", default=list(SHAPES))
    a = p.parse_args()
    torch.set_num_threads(2)
    print("torch", torch.__version__, "threads", torch.get_num_threads())
    for name in a.shapes:
        best = 0.0
        for cl in ((False, True) if SHAPES[name][0] != "conv1d" else (False,)):
            step, flops = build(name, cl)
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < a.warmup:
                step()
            times = []
            for _ in range(a.reps):
                t = time.perf_counter()
                step()
                times.append(time.perf_counter() - t)
            rate = flops / min(times) / 1e9
            print("%s channels_last=%s %.1f GFLOP/s" % (name, cl, rate))
            best = max(best, rate)
        print("RESULT %s %.1f" % (name, best), flush=True)


if __name__ == "__main__":
    main()
