#!/usr/bin/env bash
# The layer suite of ./convnb bench alone (bench/bench.py --no-train): SGEMM and forward + backward of
# the public layers, engine against PyTorch, one table. Arguments pick layers (default all), e.g.
#   scripts/bench-layers.sh depthwise pointwise          (names: bench/suite.py)
#   scripts/bench-layers.sh --plain tutorial             (adds the plain-JVM column)
#   scripts/bench-layers.sh --markdown                   (the table as Markdown)
# Needs Debian's python3-torch with an optimized BLAS for the PyTorch column (./convnb bench installs both).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/engine-java.sh
exec /usr/bin/python3 bench/bench.py --no-train "$@"
