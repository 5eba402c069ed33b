#!/usr/bin/env bash
# Profiles training with Java Flight Recorder and prints where the time goes (bench/jfr_summary.py):
#   scripts/profile-train.sh [tutorial|bn] [SAMPLES] [EPOCHS]    (default: tutorial 20000 3)
# JFR samples Java stacks every 10-20 ms; time inside an ND4J native op is charged to the Java method
# that called it. The recording stays in target/profile-MODEL.jfr for `jfr print` or JDK Mission Control.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/engine-java.sh
model="${1:-tutorial}"
out="target/profile-$model.jfr"
mkdir -p target
engine_java 4g -XX:StartFlightRecording=filename="$out",settings=profile \
  io.convnb.bench.TrainBenchmark speed "$model" "${2:-20000}" "${3:-3}" 2>/dev/null | tail -n 1
/usr/bin/python3 bench/jfr_summary.py "$out" "${TOP:-25}"
