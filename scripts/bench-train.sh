#!/usr/bin/env bash
# The training benchmarks of ./convnb bench alone (bench/bench.py --no-layers): the tutorial CNN and the
# two-convolution BN + augmentation model, engine and PyTorch the same way (bench/suite.py TRAINING:
# images per epoch, epochs; the first epoch is warm-up), samples/s and their ratio. --markdown prints the
# table as Markdown.
# `scripts/bench-train.sh bn [EPOCHS]` is instead the README's accuracy run of the BN model (engine
# only): augmentation, validation split, early stopping, test accuracy (default 20 epochs).
# Needs Debian's python3-torch with an optimized BLAS for the PyTorch side (./convnb bench installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/engine-java.sh
if [ "${1:-}" = bn ]; then
  engine_java 4g io.convnb.bench.TrainBenchmark bn "${2:-20}" 2>/dev/null | tail -n 1
  exit 0
fi
exec /usr/bin/python3 bench/bench.py --no-layers "$@"
