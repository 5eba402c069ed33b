#!/usr/bin/env bash
# Training benchmark (issue 3): the tutorial CNN on Fashion-MNIST, batch 64, 3 epochs, engine and
# PyTorch CPU (2 threads) alternating in one run, ROUNDS times (default 2). Prints each run's
# samples/s per epoch (the first epoch is the warm-up), the steady-state medians, their ratio, test
# accuracy and peak memory. `scripts/bench-train.sh bn [EPOCHS]` instead trains the two-convolution
# model with batch normalization and augmentation (engine only) and prints its test accuracy.
# Needs Debian's python3-torch for the PyTorch side (./convnb bench installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/engine-java.sh
java_run() { engine_java 4g io.convnb.bench.TrainBenchmark "$@" 2>/dev/null | tail -n 1; }

if [ "${1:-}" = bn ]; then
  java_run bn "${2:-20}"
  exit 0
fi
results=()
for round in $(seq "${ROUNDS:-2}"); do
  echo "round $round: engine" >&2
  results+=("$(java_run tutorial 3)")
  echo "round $round: pytorch" >&2
  results+=("$(/usr/bin/python3 bench/train_torch.py /usr/share/datasets/fashion-mnist 3)")
done
printf '%s\n' "${results[@]}" | /usr/bin/python3 -c '
import json, statistics, sys
runs = [json.loads(l) for l in sys.stdin if l.strip()]
steady = {}
for r in runs:
    kind = "engine" if r["impl"].startswith("convnb") else "pytorch"
    steady.setdefault(kind, []).extend(r["samples_per_s"][1:])
    print("%-28s samples/s per epoch %-28s test accuracy %.4f  peak RSS %5.0f MB" % (
        r["impl"], ", ".join("%.0f" % v for v in r["samples_per_s"]), r["test_accuracy"], r["peak_rss_mb"]))
e, p = statistics.median(steady["engine"]), statistics.median(steady["pytorch"])
print("steady-state median samples/s: engine %.0f, pytorch %.0f, ratio engine/pytorch %.2f" % (e, p, e / p))
'
