"""The benchmark suite of ``./convnb bench``, defined once for both sides, and the pure logic around it.

The engine (io.convnb.bench.LayerBenchmark) receives each layer as ``key=value,...`` (see ``spec_arg``);
PyTorch (bench/layers_torch.py) builds the same layer from the same dict. Everything here is free of
timing and of torch, so scripts/test_bench.py can test it: FLOP counts, the BLAS check, the CPU line,
the table.
"""
import math
import os
import re

# name: layer of a real network, NHWC (or NLC) input as the engine takes it. FLOPs are counted for the
# convolutions only; pooling and batch normalization are compared by time per step.
SUITE = [
    ("tutorial", dict(type="conv2d", input=(64, 28, 28, 1), filters=32, kernel=3, padding="valid", activation="relu")),
    ("wide", dict(type="conv2d", input=(16, 28, 28, 128), filters=128, kernel=3, padding="same")),
    ("stride2", dict(type="conv2d", input=(32, 56, 56, 64), filters=128, kernel=3, stride=2, padding="same")),
    ("pointwise", dict(type="conv2d", input=(32, 56, 56, 64), filters=128, kernel=1)),
    ("depthwise", dict(type="conv2d", input=(32, 56, 56, 64), filters=64, kernel=3, padding="same", groups=64)),
    ("dilated", dict(type="conv2d", input=(16, 64, 64, 32), filters=32, kernel=3, padding="same", dilation=2)),
    ("transpose", dict(type="conv2d_transpose", input=(16, 28, 28, 64), filters=32, kernel=4, stride=2, padding="same")),
    ("conv1d", dict(type="conv1d", input=(64, 1000, 64), filters=64, kernel=5, padding="same")),
    ("rgb", dict(type="conv2d", input=(64, 32, 32, 3), filters=64, kernel=3, padding="same")),
    ("maxpool", dict(type="max_pool2d", input=(32, 56, 56, 64), pool=2)),
    ("avgpool", dict(type="avg_pool2d", input=(32, 56, 56, 64), pool=2)),
    ("batchnorm", dict(type="batch_norm", input=(32, 56, 56, 64))),
]
SUITE_NAMES = [name for name, _ in SUITE]
LAYERS = dict(SUITE)

# Training benchmarks: (model, training images per epoch, epochs); the first epoch is warm-up and the
# figure is the median of the others. Subsets keep the whole run within about 10 minutes on 2 cores.
TRAINING = [("tutorial", 20000, 3), ("bn", 10000, 3)]
TRAINING_TITLES = {
    "tutorial": "tutorial CNN training (Fashion-MNIST, batch 64, Adam)",
    "bn": "BN + augmentation model training (batch 64, Adam)",
}


def select(names):
    """The suite entries named (all when empty); a clear error for an unknown name."""
    if not names or names == ["all"]:
        return list(SUITE)
    unknown = [n for n in names if n not in LAYERS]
    if unknown:
        raise ValueError("unknown layer benchmark %s; choose from: %s (or all)" % (", ".join(unknown), ", ".join(SUITE_NAMES)))
    return [(n, LAYERS[n]) for n in SUITE_NAMES if n in names]


def spec_arg(name, spec):
    """The ``key=value,...`` form LayerBenchmark parses: shapes as 64x28x28x1."""
    parts = ["name=" + name]
    for key, value in spec.items():
        parts.append("%s=%s" % (key, "x".join(map(str, value)) if isinstance(value, tuple) else value))
    return ",".join(parts)


def same_pads(size, k, stride, dilation=1):
    """Keras/TensorFlow "same": out = ceil(size/stride), total padding split with the odd pixel after."""
    out = -(-size // stride)
    k_eff = dilation * (k - 1) + 1
    total = max(0, (out - 1) * stride + k_eff - size)
    return total // 2, total - total // 2


def out_size(size, spec):
    """Output length of one spatial axis of a convolution (Keras rules)."""
    k, s, d = spec["kernel"], spec.get("stride", 1), spec.get("dilation", 1)
    if spec["type"] == "conv2d_transpose":
        return size * s if spec.get("padding", "valid") == "same" else (size - 1) * s + k
    if spec.get("padding", "valid") == "same":
        return -(-size // s)
    return (size - d * (k - 1) - 1) // s + 1


def forward_flops(spec):
    """Multiply-adds x 2 of the forward pass; None for layers compared by time only.

    conv2d: 2*N*OH*OW*F*kh*kw*C/groups; conv1d: 2*N*OL*F*k*C/groups; transposed: 2*N*H*W*C*kh*kw*F
    (every input cell meets every kernel tap once). Backward (input and kernel gradients) is twice it.
    """
    t = spec["type"]
    if t == "conv2d":
        n, h, w, c = spec["input"]
        return 2.0 * n * out_size(h, spec) * out_size(w, spec) * spec["filters"] * spec["kernel"] ** 2 * c / spec.get("groups", 1)
    if t == "conv1d":
        n, length, c = spec["input"]
        return 2.0 * n * out_size(length, spec) * spec["filters"] * spec["kernel"] * c / spec.get("groups", 1)
    if t == "conv2d_transpose":
        n, h, w, c = spec["input"]
        return 2.0 * n * h * w * c * spec["kernel"] ** 2 * spec["filters"]
    return None


def describe(spec):
    """``(64,28,28,1) Conv2D 32 3x3 valid relu``: the layer as the issue's table names it."""
    shape = "(" + ",".join(map(str, spec["input"])) + ")"
    t = spec["type"]
    if t in ("max_pool2d", "avg_pool2d"):
        kind = "MaxPooling2D" if t == "max_pool2d" else "AveragePooling2D"
        return "%s %s %dx%d" % (shape, kind, spec["pool"], spec["pool"])
    if t == "batch_norm":
        return shape + " BatchNormalization"
    k = spec["kernel"]
    kind = {"conv2d": "Conv2D", "conv1d": "Conv1D", "conv2d_transpose": "Conv2DTranspose"}[t]
    size = str(k) if t == "conv1d" else "%dx%d" % (k, k)
    words = [shape, kind, str(spec["filters"]), size]
    if spec.get("stride", 1) > 1:
        words.append("stride %d" % spec["stride"])
    if spec.get("dilation", 1) > 1:
        words.append("dilation %d" % spec["dilation"])
    words.append(spec.get("padding", "valid"))
    if spec.get("groups", 1) > 1:
        words.append("groups=%d" % spec["groups"])
    if spec.get("activation", "linear") != "linear":
        words.append(spec["activation"])
    return " ".join(words)


# ------------------------------------------------------------------------------------------------
# Which BLAS a process really uses

OPTIMIZED = {"openblas": "OpenBLAS", "mkl": "Intel MKL", "blis": "BLIS", "atlas": "ATLAS"}


def classify_blas(path):
    """openblas / mkl / blis / atlas / reference / unknown for one resolved library path."""
    low = path.lower()
    for key in OPTIMIZED:
        if key in low:
            return key
    if re.search(r"/blas/libblas\.so", low) or os.path.basename(low).startswith("libblas.so"):
        return "reference"
    return "unknown"


def blas_in_maps(maps_text, resolve=os.path.realpath):
    """The BLAS a process has mapped, from the text of its /proc/self/maps.

    Debian's torch links ``libblas.so.3``, which the alternatives system points at the reference
    BLAS or at an optimized one; the library mapped under that name decides. Without one, any
    other BLAS library mapped (e.g. libopenblas, libmkl) counts. Returns (kind, path) with kind one of
    classify_blas's values, or ("none", "") when no BLAS is mapped.
    """
    paths = []
    for line in maps_text.splitlines():
        fields = line.split()
        if len(fields) >= 6 and fields[-1].startswith("/"):
            real = resolve(fields[-1])
            base = os.path.basename(real).lower()
            if ("blas" in base or base.startswith("libmkl")) and "lapack" not in base and real not in paths:
                paths.append(real)
    for real in paths:
        if os.path.basename(real).startswith("libblas.so"):
            return classify_blas(real), real
    for real in paths:
        kind = classify_blas(real)
        if kind in OPTIMIZED:
            return kind, real
    return ("unknown", paths[0]) if paths else ("none", "")


def torch_blas(config_text, maps_text, resolve=os.path.realpath):
    """The BLAS torch's matrix products call: (kind, where). A torch built with MKL linked in (the pip
    wheels: ``BLAS_INFO=mkl`` in ``torch.__config__.show()``) maps no BLAS library of its own, and a
    libopenblas that numpy brought along would be misread as torch's; Debian's (``BLAS_INFO=generic``)
    calls whatever ``libblas.so.3`` is mapped, which :func:`blas_in_maps` finds."""
    m = re.search(r"BLAS_INFO=([^,\s]+)", config_text)
    if m and m.group(1).lower() == "mkl":
        return "mkl", "linked into torch (BLAS_INFO=mkl)"
    return blas_in_maps(maps_text, resolve)


def alternative_value(query_text):
    """The ``Value:`` of ``update-alternatives --query libblas.so.3-<arch>``, or None."""
    m = re.search(r"^Value:\s*(\S+)", query_text, re.M)
    return m.group(1) if m else None


REFERENCE_BLAS_FIX = (
    "PyTorch uses the reference (netlib) BLAS %s: its matrix products run at a few GFLOP/s, so ratios "
    "against it would flatter the engine and are not printed. Fix: install an optimized BLAS, which "
    "switches the libblas.so.3 alternative itself: `sudo apt-get install libopenblas0-pthread` "
    "(or select it: `sudo update-alternatives --config libblas.so.3-x86_64-linux-gnu`), then rerun ./convnb bench.")


def blas_verdict(kind, path):
    """None when ratios may be printed against this BLAS, else the message that says why not and the fix."""
    if kind == "reference":
        return REFERENCE_BLAS_FIX % ("(" + path + ")")
    return None


def cpu_info(cpuinfo_text):
    """(model name, number of logical CPUs, vector flags of note) from the text of /proc/cpuinfo."""
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo_text, re.M)
    flags = re.search(r"^flags\s*:\s*(.+)$", cpuinfo_text, re.M)
    have = set(flags.group(1).split()) if flags else set()
    noted = [f for f in ("avx2", "avx512f", "avx512_bf16", "amx_tile") if f in have]
    return (models[0].strip() if models else "unknown"), len(models), noted


def load_line(loads, cpus):
    """The 1-minute load average at the start and the end of the run, with a warning when the run
    shared the cores: both sides then lose, PyTorch's spinning OpenMP threads most."""
    line = "load average (1 min) at start / end: %.1f / %.1f" % loads
    if max(loads) > cpus + 0.5:
        line += (" -- above the %d CPUs: other processes shared the cores during the run, so the figures"
                 " are unreliable; rerun on an idle machine" % cpus)
    return line


# ------------------------------------------------------------------------------------------------
# The table

def geometric_mean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def layer_row(name, spec, engine, torch, plain=None):
    """One table row for a layer; engine/torch/plain are result dicts with step_ms, or None.

    The ratio is a speed ratio, PyTorch's time over the engine's (> 1: the engine is faster), which
    equals the ratio of GFLOP/s for the convolutions. ``plain`` is the engine on a plain JVM; its
    column is the slowdown plain/tuned (the issue's bound: at most 2).
    """
    flops = forward_flops(spec)

    def cell(r):
        if r is None:
            return "n/a"
        if flops is None:
            return "%.2f ms" % r["step_ms"]
        return "%.1f GFLOP/s (%.2f ms)" % (3 * flops / (r["step_ms"] / 1e3) / 1e9, r["step_ms"])

    row = {"benchmark": describe(spec) + " [" + name + "]", "engine": cell(engine), "pytorch": cell(torch),
           "ratio": torch["step_ms"] / engine["step_ms"] if engine and torch else None}
    if torch and torch.get("format"):
        row["pytorch"] += " " + torch["format"]
    if plain is not None or engine is None:
        row["plain"] = cell(plain)
        row["slowdown"] = plain["step_ms"] / engine["step_ms"] if plain and engine else None
    return row


def training_row(model, engine_rate, torch_rate):
    return {"benchmark": TRAINING_TITLES[model] + ", samples/s",
            "engine": "n/a" if engine_rate is None else "%.0f" % engine_rate,
            "pytorch": "n/a" if torch_rate is None else "%.0f" % torch_rate,
            "ratio": engine_rate / torch_rate if engine_rate and torch_rate else None}


def fmt_ratio(v):
    return "n/a" if v is None else "%.2f" % v


def render(rows, markdown=False, plain=False):
    """The table as aligned text or as Markdown; ``plain`` adds the plain-JVM columns."""
    head = ["benchmark", "engine", "PyTorch", "engine/PyTorch"]
    keys = ["benchmark", "engine", "pytorch", "ratio"]
    if plain:
        head += ["plain JVM", "plain/tuned time"]
        keys += ["plain", "slowdown"]
    cells = [[(fmt_ratio(r[k]) if k in r else "") if k in ("ratio", "slowdown") else r.get(k, "") for k in keys] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
        lines += ["| " + " | ".join(c) + " |" for c in cells]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(head, *cells)]
    out = []
    for i, c in enumerate([head] + cells):
        out.append("  ".join(x.ljust(w) if j == 0 else x.rjust(w) for j, (x, w) in enumerate(zip(c, widths))).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
