#!/usr/bin/python3
"""The engine against PyTorch in one run, one table: ./convnb bench (scripts/bench-layers.sh and
scripts/bench-train.sh run parts of it).

Rows: the SGEMM rate of each side; the layer suite of bench/suite.py, forward + backward through the
engine's public layers inside a training step's workspace and through the same PyTorch modules (best of
NCHW and channels_last); their geometric mean; the training benchmarks (samples/s). Ratios are speed
ratios, > 1 when the engine is faster. The engine's JVM runs with the kernelspec's settings
(ENGINE_JVM_FLAGS, ENGINE_ENV from scripts/engine-java.sh); ``--plain`` adds a column for a plain JVM
(neither), with the slowdown plain/tuned per layer. PyTorch runs with 2 threads and its own defaults,
and only against an optimized BLAS: a PyTorch on the reference BLAS gets no ratios.

The processes run one after another, never at the same time. Progress goes to stderr, the table to
stdout (``--markdown``: as a Markdown table for the README).
"""
import argparse
import datetime
import json
import os
import shlex
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import suite  # noqa: E402

# The reference's interpreter: Debian's, which ./convnb bench sets up; CONVNB_TORCH_PYTHON names another
# (e.g. a virtual environment with pip's torch) to measure against the PyTorch its users installed.
PYTHON = os.environ.get("CONVNB_TORCH_PYTHON") or "/usr/bin/python3"
TORCH_MISSING = ("PyTorch is not installed for %s, so only the engine's figures are printed. "
                 "Get the reference with `./convnb bench` (it installs python3-torch and libopenblas0-pthread) "
                 "or `sudo apt-get install python3-torch libopenblas0-pthread`." % PYTHON)


def log(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


def run_lines(cmd, env, prefix):
    """Runs cmd, echoing its lines to stderr; returns its JSON lines: tagged INFO/RESULT ones, and bare
    ones (the training scripts' single line) under "json"."""
    out = {"INFO": [], "RESULT": [], "json": []}
    shown = ["$ENGINE_CP" if c == os.environ.get("ENGINE_CP") else c for c in cmd]
    log("$ " + " ".join(shlex.quote(c) for c in shown[:8]) + (" ..." if len(shown) > 8 else ""))
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=os.path.dirname(HERE))
    for line in p.stdout:
        line = line.rstrip("\n")
        tag, _, rest = line.partition(" ")
        if tag in ("INFO", "RESULT"):
            out[tag].append(json.loads(rest))
        elif line.startswith("{"):
            out["json"].append(json.loads(line))
        print("  %s| %s" % (prefix, line), file=sys.stderr, flush=True)
    err = p.stderr.read()
    if p.wait() != 0:
        tail = "\n".join(err.strip().splitlines()[-15:])
        raise RuntimeError("%s failed (exit %d):\n%s" % (" ".join(cmd[:4]), p.returncode, tail))
    return out


def engine_env(plain):
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)
    if not plain:
        for pair in os.environ.get("ENGINE_ENV", "").split():
            key, _, value = pair.partition("=")
            env[key] = value
    return env


def engine_cmd(main, args, plain, heap="4g"):
    cp = os.environ.get("ENGINE_CP")
    if not cp:
        raise SystemExit("bench.py: ENGINE_CP is not set; run it through scripts/bench-layers.sh, scripts/bench-train.sh "
                         "or ./convnb bench (they build the engine and set it).")
    flags = [] if plain else os.environ.get("ENGINE_JVM_FLAGS", "").split()
    return ["java", "-Xmx" + heap] + flags + ["-cp", cp, main] + list(args)


def torch_env():
    env = dict(os.environ)
    env.pop("OMP_WAIT_POLICY", None)   # the engine's setting, not PyTorch's
    return env


def torch_available():
    return subprocess.run([PYTHON, "-c", "import torch"], capture_output=True).returncode == 0


def steady_rate(rates):
    """Median samples/s of the epochs after the first (the warm-up); the only epoch when there is one."""
    return statistics.median(rates[1:] if len(rates) > 1 else rates)


def header(engine_info, torch_info, torch_note, plain, when, loads, plain_info=None):
    cpu_model, cpus, flags = suite.cpu_info(open("/proc/cpuinfo").read())
    lines = ["convnb bench, %s, 2 threads per side" % when]
    lines.append(suite.load_line(loads, cpus))
    engine_cpu = engine_info.get("cpu", "?")
    torch_cpu = torch_info.get("cpu") if torch_info else None
    same = "the same for both sides" if torch_cpu in (None, engine_cpu) else "PyTorch saw %s" % torch_cpu
    lines.append("CPU: %s (%d logical CPUs; %s), engine JVM saw %s, %s; OPENBLAS_CORETYPE=%s" % (
        cpu_model, cpus, " ".join(flags) or "no AVX2", engine_cpu, same, os.environ.get("OPENBLAS_CORETYPE", "unset")))
    lines.append("engine: Java %s, ND4J BLAS %s, JVM settings: %s" % (
        engine_info.get("java", "?"), engine_info.get("nd4j_blas", "?"),
        " ".join([os.environ.get("ENGINE_JVM_FLAGS", ""), os.environ.get("ENGINE_ENV", "")]).strip() or "none"))
    if engine_info.get("malloc"):
        lines.append("engine native malloc: %s" % engine_info["malloc"])
    if engine_info.get("omp_threads"):
        lines.append("engine OpenMP threads: %s" % engine_info["omp_threads"])
    if engine_info.get("onednn"):
        lines.append("engine oneDNN convolutions: %s" % engine_info["onednn"])
    if plain:
        lines.append("plain JVM column: the same engine without %s" % (
            " and ".join(x for x in [os.environ.get("ENGINE_JVM_FLAGS", ""), os.environ.get("ENGINE_ENV", "")] if x) or "settings"))
        if plain_info and plain_info.get("omp_wait_policy"):
            lines.append("plain JVM OpenMP wait policy: %s" % plain_info["omp_wait_policy"])
    if torch_info:
        lines.append("PyTorch %s: BLAS %s (%s), %d threads, best of NCHW and channels_last" % (
            torch_info["torch"], suite.OPTIMIZED.get(torch_info["blas_kind"], torch_info["blas_kind"]),
            torch_info["blas_path"] or "none mapped", torch_info["threads"]))
    if torch_note:
        lines.append("NOTE: " + torch_note)
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("layers", nargs="*", help="layer benchmarks to run (default all): " + " ".join(suite.SUITE_NAMES))
    parser.add_argument("--no-layers", action="store_true", help="skip the layer suite")
    parser.add_argument("--no-train", action="store_true", help="skip the training benchmarks")
    parser.add_argument("--plain", action="store_true", default=os.environ.get("BENCH_PLAIN") == "1",
                        help="also time the layers on a plain JVM (env BENCH_PLAIN=1)")
    parser.add_argument("--markdown", action="store_true", default=os.environ.get("BENCH_MARKDOWN") == "1",
                        help="print the table as Markdown (env BENCH_MARKDOWN=1)")
    args = parser.parse_args(argv)
    try:
        layers = [] if args.no_layers else suite.select(args.layers or os.environ.get("BENCH_LAYERS", "").split())
    except ValueError as e:
        parser.error(str(e))
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_start = os.getloadavg()[0]

    # PyTorch's BLAS first: no ratios against the reference BLAS.
    torch_info, torch_note, use_torch = None, None, torch_available()
    if not use_torch:
        torch_note = TORCH_MISSING
    else:
        torch_info = run_lines([PYTHON, os.path.join(HERE, "layers_torch.py"), "--info"], torch_env(), "torch")["INFO"][0]
        torch_note = suite.blas_verdict(torch_info["blas_kind"], torch_info["blas_path"])
        use_torch = torch_note is None
    if torch_note:
        log(torch_note)

    specs = [suite.spec_arg(name, spec) for name, spec in layers]
    engine = run_lines(engine_cmd("io.convnb.bench.LayerBenchmark", specs, False), engine_env(False), "engine")
    engine_info = engine["INFO"][0]
    engine_res = {r["name"]: r for r in engine["RESULT"]}
    torch_res, plain_res, plain_info = {}, {}, None
    if use_torch and layers:
        out = run_lines([PYTHON, os.path.join(HERE, "layers_torch.py")] + [n for n, _ in layers], torch_env(), "torch")
        torch_res = {r["name"]: r for r in out["RESULT"]}
    if args.plain and layers:
        out = run_lines(engine_cmd("io.convnb.bench.LayerBenchmark", specs, True), engine_env(True), "plain")
        plain_res = {r["name"]: r for r in out["RESULT"]}
        plain_info = out["INFO"][0] if out["INFO"] else None

    rows = [{"benchmark": "SGEMM 2048^3, GFLOP/s", "engine": "%.1f" % engine_info["sgemm_gflops"],
             "pytorch": "%.1f" % torch_info["sgemm_gflops"] if torch_info else "n/a",
             "ratio": engine_info["sgemm_gflops"] / torch_info["sgemm_gflops"] if use_torch else None}]
    ratios, slowdowns = [], []
    for name, spec in layers:
        row = suite.layer_row(name, spec, engine_res.get(name), torch_res.get(name), plain_res.get(name) if args.plain else None)
        if not args.plain:
            row.pop("plain", None)
            row.pop("slowdown", None)
        rows.append(row)
        ratios.append(row["ratio"])
        slowdowns.append(row.get("slowdown"))
    if layers:
        rows.append({"benchmark": "geometric mean over the %d layers" % len(layers), "engine": "", "pytorch": "",
                     "ratio": suite.geometric_mean(ratios), "plain": "max %s" % suite.fmt_ratio(max(
                         [s for s in slowdowns if s is not None], default=None)) if args.plain else "",
                     "slowdown": suite.geometric_mean(slowdowns) if args.plain else None})

    if not args.no_train:
        for model, samples, epochs in suite.TRAINING:
            e = run_lines(engine_cmd("io.convnb.bench.TrainBenchmark", ["speed", model, str(samples), str(epochs)], False),
                          engine_env(False), "engine")
            e_rate = steady_rate(e["json"][0]["samples_per_s"])
            t_rate = None
            if use_torch:
                t = run_lines([PYTHON, os.path.join(HERE, "train_torch.py"), "--model", model, "--samples", str(samples),
                               "--epochs", str(epochs)], torch_env(), "torch")
                t_rate = steady_rate(t["json"][0]["samples_per_s"])
            row = suite.training_row(model, e_rate, t_rate)
            row["benchmark"] += " (%d images x %d epochs, first = warm-up)" % (samples, epochs)
            rows.append(row)

    lines = header(engine_info, torch_info, torch_note, args.plain, when, (load_start, os.getloadavg()[0]), plain_info)
    if args.markdown:
        print("\n".join(line + "  " for line in lines))
        print()
    else:
        print("\n".join(lines))
        print()
    print(suite.render(rows, markdown=args.markdown, plain=args.plain))
    if torch_note:
        print("\n" + torch_note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
