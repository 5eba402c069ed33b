#!/usr/bin/env bash
# Conv2D benchmark: engine vs ND4J built-in conv2d vs PyTorch CPU on the issue-2 shapes.
# Usage: scripts/bench-conv.sh [A] [B] [C]   (default: all three; REPS=n sets timed repetitions)
# Needs Debian's python3-torch for the PyTorch column (/usr/bin/python3). The engine's JVM runs with the
# kernelspec's settings (scripts/engine-java.sh); PyTorch with its defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/engine-java.sh
engine_java 2g -Dreps="${REPS:-5}" -Dpython=/usr/bin/python3 -DtorchScript=bench/conv_torch.py \
  io.convnb.bench.ConvBenchmark "$@"
