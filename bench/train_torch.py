#!/usr/bin/python3
"""PyTorch CPU reference for the training benchmarks of ./convnb bench (bench/bench.py).

Same data (the Debian IDX files of Fashion-MNIST), architecture, optimizer, batch size, augmentation and
epochs as the engine's io.convnb.bench.TrainBenchmark, written as a PyTorch user would:
- ``--model tutorial``: Conv2d(32, 3x3)-ReLU-MaxPool-Flatten-Linear(128)-ReLU-Linear(10), Adam 1e-3.
- ``--model bn``: two Conv2d(3x3, same, no bias)-BatchNorm-ReLU-MaxPool blocks (32, 64 filters),
  Flatten, Dropout(0.3), Linear(128)-ReLU-Linear(10), Adam 5e-4, and per image a random horizontal flip
  and a random whole-pixel shift of up to 5 % with zero fill (the engine's ImageAugmentation).
Prints one JSON line: samples/s of each epoch (the first is the warm-up), with ``--accuracy`` also the
test accuracy, and peak RSS. 2 threads.
"""
import argparse
import gzip
import json
import os
import resource
import time

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def images(root, name):
    return torch.from_numpy(idx(os.path.join(root, name)).astype(np.float32) / 255.0).unsqueeze(1)


def labels(root, name):
    return torch.from_numpy(idx(os.path.join(root, name)).astype(np.int64))


def tutorial():
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(13 * 13 * 32, 128), nn.ReLU(), nn.Linear(128, 10))


def two_conv_bn():
    def block(c_in, c_out):
        return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out, eps=1e-3, momentum=0.01),
                nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(1, 32), *block(32, 64), nn.Flatten(), nn.Dropout(0.3),
                         nn.Linear(7 * 7 * 64, 128), nn.ReLU(), nn.Linear(128, 10))


def augment(x, generator, factor=0.05):
    """Per image: mirror with probability 1/2, then shift by whole pixels, zeros shifted in.

    out[y][x] = flipped[y - dy][x - dx] with dy, dx = round(u * factor * size), u uniform in [-1, 1].
    """
    n, _, h, w = x.shape
    flip = torch.rand(n, generator=generator) < 0.5
    dy = torch.round((torch.rand(n, generator=generator) * 2 - 1) * factor * h).long()
    dx = torch.round((torch.rand(n, generator=generator) * 2 - 1) * factor * w).long()
    m = max(1, round(factor * max(h, w)))
    padded = F.pad(x[:, 0], (m, m, m, m))
    rows = torch.arange(h)[None, :] - dy[:, None] + m                   # (n, h)
    cols = torch.arange(w)[None, :] - dx[:, None]                       # source column before the flip
    cols = torch.where(flip[:, None], w - 1 - cols, cols) + m
    out = padded[torch.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]
    return out.unsqueeze(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    parser.add_argument("--model", choices=("tutorial", "bn"), default="tutorial")
    parser.add_argument("--samples", type=int, default=60000, help="training images per epoch (the first ones)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--accuracy", action="store_true", help="also report the test accuracy")
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(42)
    gen = torch.Generator().manual_seed(7)
    x = images(args.data, "train-images-idx3-ubyte.gz")[:args.samples]
    y = labels(args.data, "train-labels-idx1-ubyte.gz")[:args.samples]
    bn = args.model == "bn"
    model = two_conv_bn() if bn else tutorial()
    opt = torch.optim.Adam(model.parameters(), lr=5e-4 if bn else 1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    rates = []
    n = x.shape[0]
    for _ in range(args.epochs):
        perm = torch.randperm(n)
        start = time.perf_counter()
        model.train()
        for i in range(0, n, 64):
            idx_b = perm[i:i + 64]
            xb = augment(x[idx_b], gen) if bn else x[idx_b]
            opt.zero_grad()
            loss = loss_fn(model(xb), y[idx_b])
            loss.backward()
            opt.step()
        rates.append(n / (time.perf_counter() - start))
    result = {"impl": "pytorch %s (%s)" % (torch.__version__, args.model), "samples_per_s": rates}
    if args.accuracy:
        xt, yt = images(args.data, "t10k-images-idx3-ubyte.gz"), labels(args.data, "t10k-labels-idx1-ubyte.gz")
        model.eval()
        with torch.no_grad():
            result["test_accuracy"] = (model(xt).argmax(1) == yt).float().mean().item()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


if __name__ == "__main__":
    main()
