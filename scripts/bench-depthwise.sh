#!/usr/bin/env bash
# Depthwise and grouped Conv2D layers, forward + backward, engine against PyTorch in one run: the
# engine with the kernelspec's JVM settings, the engine in a plain JVM (no Vector API module, no
# OMP_WAIT_POLICY), then PyTorch (bench/depthwise_torch.py, 2 threads). Arguments: shape names
# (dw dw-s2 dw-m2 resnext g4; default all) and --quick. Run from the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/engine-java.sh
shapes=()
quick=()
for a in "$@"; do
  if [[ "$a" == --quick ]]; then quick=(--quick); else shapes+=("$a"); fi
done
echo "== engine, kernelspec JVM settings"
engine_java 6g io.convnb.bench.DepthwiseBenchmark "${quick[@]}" "${shapes[@]}"
echo "== engine, plain JVM"
java -Xmx6g -cp "engine/target/test-classes:engine/target/classes:$(cat "$ENGINE_CP_FILE")" \
  io.convnb.bench.DepthwiseBenchmark "${quick[@]}" "${shapes[@]}"
echo "== PyTorch"
/usr/bin/python3 bench/depthwise_torch.py "${shapes[@]}"
