#!/usr/bin/env bash
# Conv2D benchmark: engine vs ND4J built-in conv2d vs PyTorch CPU on the issue-2 shapes.
# Usage: scripts/bench-conv.sh [A] [B] [C]   (default: all three; REPS=n sets timed repetitions)
# Needs Debian's python3-torch for the PyTorch column (/usr/bin/python3). The engine's JVM runs with the
# kernelspec's settings (the Vector API module, OMP_WAIT_POLICY=PASSIVE); PyTorch with its defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -pl engine -am test-compile
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
mvn -q -B -pl engine dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
OMP_WAIT_POLICY=PASSIVE exec java -Xmx2g --add-modules=jdk.incubator.vector -Dreps="${REPS:-5}" -Dpython=/usr/bin/python3 -DtorchScript=bench/conv_torch.py \
  -cp "engine/target/test-classes:engine/target/classes:$(cat "$cp_file")" io.convnb.bench.ConvBenchmark "$@"
