#!/usr/bin/python3
"""PyTorch CPU reference for scripts/bench-train.sh: the tutorial CNN on Fashion-MNIST.

Same data (the Debian IDX files), same architecture, optimizer, batch size and epochs as the engine's
io.convnb.bench.TrainBenchmark. Prints one JSON line: samples/s of each epoch, test accuracy, peak RSS.
"""
import gzip
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    torch.set_num_threads(2)
    torch.manual_seed(42)
    x = torch.from_numpy(idx(os.path.join(root, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255.0).unsqueeze(1)
    y = torch.from_numpy(idx(os.path.join(root, "train-labels-idx1-ubyte.gz")).astype(np.int64))
    xt = torch.from_numpy(idx(os.path.join(root, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255.0).unsqueeze(1)
    yt = torch.from_numpy(idx(os.path.join(root, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(13 * 13 * 32, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    rates = []
    n = x.shape[0]
    for epoch in range(epochs):
        perm = torch.randperm(n)
        start = time.perf_counter()
        model.train()
        for i in range(0, n, 64):
            idx_b = perm[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(model(x[idx_b]), y[idx_b])
            loss.backward()
            opt.step()
        rates.append(n / (time.perf_counter() - start))
    model.eval()
    with torch.no_grad():
        acc = (model(xt).argmax(1) == yt).float().mean().item()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"impl": "pytorch " + torch.__version__, "samples_per_s": rates, "test_accuracy": acc, "peak_rss_mb": peak_mb}))


if __name__ == "__main__":
    main()
