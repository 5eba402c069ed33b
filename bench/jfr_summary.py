#!/usr/bin/python3
"""Summarises a JFR recording of training (scripts/profile-train.sh): where the training thread's wall
time goes. It counts the samples of the thread "main" inside Sequential.fit from both JFR sample kinds:
jdk.ExecutionSample (running Java) and jdk.NativeMethodSample (inside native code: an ND4J op, or waiting
for the conv threads). Prints self time by top frame, and inclusive time by engine method (per layer and
phase). Java code that runs on the conv team's threads (ImageParts) is listed separately.

Usage: jfr_summary.py RECORDING.jfr [TOP]
"""
import collections
import re
import subprocess
import sys

FRAME = re.compile(r"^\s+([\w.$<>]+)\(", re.M)


def events(path, kind):
    text = subprocess.run(["jfr", "print", "--events", kind, "--stack-depth", "96", path],
                          capture_output=True, text=True, check=True).stdout
    for block in text.split(kind + " {")[1:]:
        thread = re.search(r'sampledThread = "([^"]*)"', block)
        frames = FRAME.findall(block.split("stackTrace = [", 1)[-1])
        if thread and frames:
            yield thread.group(1), frames


def report(title, counter, total, top):
    print("\n" + title)
    for f, n in counter.most_common(top):
        print("%6.1f%%  %s" % (100.0 * n / total, f))


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    self_time, inclusive, workers = collections.Counter(), collections.Counter(), collections.Counter()
    total = worker_total = 0
    for kind in ("jdk.ExecutionSample", "jdk.NativeMethodSample"):
        for thread, frames in events(path, kind):
            if thread.startswith("convnb-") and kind == "jdk.ExecutionSample":
                worker_total += 1
                workers[frames[0]] += 1
                continue
            if thread != "main" or "io.convnb.model.Sequential.fit" not in frames:
                continue
            total += 1
            self_time[frames[0] + (" [native]" if kind == "jdk.NativeMethodSample" else "")] += 1
            for f in set(frames):
                if f.startswith("io.convnb.") or f.startswith("org.nd4j.linalg.api.ops.executioner"):
                    inclusive[f] += 1
    print("%d samples of the training thread inside fit" % total)
    if not total:
        return
    report("self time (top frame):", self_time, total, top)
    report("inclusive time:", inclusive, total, top * 2)
    if worker_total:
        report("conv team threads, Java samples (%d):" % worker_total, workers, worker_total, 10)


if __name__ == "__main__":
    main()
