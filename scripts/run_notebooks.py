#!/usr/bin/python3
"""Execute convnb notebooks through real Jupyter (nbclient) and check what they show.

Run it with Debian's Python (``/usr/bin/python3``), which has ``nbclient``, ``nbformat`` and
``nbconvert`` from apt. For every notebook (default: ``notebooks/*.ipynb``) it

* starts the kernel named by ``--kernel`` (default ``convnb``; ``convnb-ijava`` for real IJava;
  repeat the option to run every notebook under each kernelspec in turn, as ``./convnb test`` does)
  in the notebook's own directory, with the variables given by ``--env``/``--quick`` added to its
  environment, and runs every cell with a per-cell timeout;
* fails on any cell error (a cell tagged ``raises-exception`` may show an error on purpose), and
  prints that cell's source and the error;
* checks the rich outputs the notebook promises in its metadata, e.g.
  ``"convnb": {"expect": {"image/png": 2, "text/html": 1}}``: at least that many outputs of each
  MIME type must be present after execution;
* writes the executed notebook back in place (``--inplace``, for committing outputs) and/or an
  executed copy plus a self-contained HTML report to ``--reports DIR`` (default ``reports/``;
  with several ``--kernel``, the second and later write to ``DIR/KERNEL/``).

The HTML reports use the ``convnb-offline`` template (``scripts/nbconvert/``): nbconvert's ``lab``
template minus the three ``<script src=...>`` tags it would load from CDNs (require.js, MathJax,
the widget manager). Reports therefore open offline with no network access; Markdown maths shows
as its TeX source. Every report is scanned for remote ``<script src>`` and stylesheet links
before it is written.

The default list is every ``notebooks/*.ipynb`` in name order, so a new notebook is picked up
without changing this script; it only has to declare ``metadata.convnb.expect`` (``{}`` when it
shows no rich output).

After a full run (not ``--quick``, not ``--inplace``) it prints a reproduction report: for each
notebook, the headline numbers its committed copy shows (``loss: 0.2696``, ``accuracy 90.22%``,
the last row of each ``epoch loss accuracy ...`` table), the ones just computed, their difference
and whether they agree within the tolerance (accuracy 0.01, i.e. one percentage point; loss 3%
relative). The report informs; it does not fail the run.

The last line printed is ``notebooks: N passed, M failed`` (one count per notebook and kernel);
the exit status is 1 when any notebook failed and 2 for bad arguments.
"""

import argparse
import glob
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

REPO = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = REPO / "scripts" / "nbconvert"
TEMPLATE_NAME = "convnb-offline"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# A script or stylesheet fetched from another host: what an offline report must not contain.
REMOTE_ASSET = re.compile(
    r"<script[^>]*\ssrc\s*=\s*[\"']?(?:https?:)?//|<link[^>]*\shref\s*=\s*[\"']?(?:https?:)?//",
    re.IGNORECASE)


# "loss: 0.2696", "val_accuracy 0.84", "accuracy 90.22%": a loss or accuracy and its value.
HEADLINE = re.compile(r"\b((?:val_|test |train )?(?:loss|accuracy))\b:?\s+(-?\d+\.\d+)(%?)", re.IGNORECASE)
ACCURACY_TOLERANCE = 0.01   # absolute, as a fraction (one percentage point)
LOSS_TOLERANCE = 0.03       # relative


def output_texts(nb):
    """(cell index, text) of every text output: streams, and text/plain of results and displays."""
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain")
            if isinstance(text, list):
                text = "".join(text)
            if text:
                yield index, text


def headline_numbers(nb):
    """Ordered {key: (label, value)}: labelled losses/accuracies and the last row of epoch tables."""
    found, seen = {}, {}

    def add(index, label, value):
        if (index, label) in seen and found[(index, label, seen[(index, label)])][1] == value:
            return   # the same figure shown again (a live chart's final copy)
        n = seen[(index, label)] = seen.get((index, label), 0) + 1
        found[(index, label, n)] = (f"cell {index} {label}" + (f" #{n}" if n > 1 else ""), value)

    for index, text in output_texts(nb):
        lines = text.splitlines()
        for line in lines:
            if not line.lstrip().lower().startswith("epoch "):
                for m in HEADLINE.finditer(line):
                    value = float(m.group(2))
                    add(index, m.group(1).lower() + (" %" if m.group(3) else ""), value)
        for i, line in enumerate(lines):
            header = line.split()
            if header[:1] != ["epoch"] or not any("loss" in h or "accuracy" in h for h in header):
                continue
            rows = []
            for row in lines[i + 1:]:
                cells = row.split()
                if len(cells) != len(header) or not cells[0].isdigit():
                    break
                rows.append(cells)
            if rows:
                for name, cell in zip(header[1:], rows[-1][1:]):
                    if "loss" in name or "accuracy" in name:
                        add(index, f"{name} at epoch {rows[-1][0]}", float(cell))
    return found


def agrees(label, committed, computed):
    if "accuracy" in label:
        tolerance = ACCURACY_TOLERANCE * (100 if label.endswith("%") else 1)
        return abs(computed - committed) <= tolerance
    return abs(computed - committed) <= LOSS_TOLERANCE * max(abs(committed), 1e-12)


def reproduction_report(name, committed, computed):
    """Lines comparing the committed notebook's headline numbers with a fresh run's."""
    old, new = headline_numbers(committed), headline_numbers(computed)
    if not old:
        return [f"{name}: no headline numbers (loss/accuracy) in its outputs"]
    lines, outside = [], 0
    for key, (label, before) in old.items():
        if key not in new:
            lines.append(f"  {label:<38} committed {before:>9.4f}  now  (missing)")
            outside += 1
            continue
        after = new[key][1]
        ok = agrees(label, before, after)
        outside += not ok
        lines.append(f"  {label:<38} committed {before:>9.4f}  now {after:>9.4f}  diff {after - before:+.4f}  "
                     + ("within tolerance" if ok else "OUTSIDE tolerance"))
    head = (f"{name}: {len(old) - outside} of {len(old)} headline numbers agree within tolerance "
            f"(accuracy +-{ACCURACY_TOLERANCE:g}, loss +-{LOSS_TOLERANCE:.0%} relative)")
    return [head] + lines


class NotebookFailure(Exception):
    """A notebook did not run cleanly or lacks an expected output; the message says which."""


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Execute notebooks through Jupyter (nbclient) and check their outputs.")
    p.add_argument("notebooks", nargs="*",
                   help="notebooks to run (default: notebooks/*.ipynb, in name order)")
    p.add_argument("--kernel", action="append", default=[], metavar="NAME",
                   help="kernelspec name (default: convnb; convnb-ijava runs them in real IJava); "
                        "repeat it to run every notebook under each kernelspec")
    p.add_argument("--timeout", type=int, default=900, metavar="S",
                   help="per-cell timeout in seconds (default: 900)")
    p.add_argument("--startup-timeout", type=int, default=180, metavar="S",
                   help="seconds to wait for the kernel to start (default: 180)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="add a variable to the kernel's environment (repeatable)")
    p.add_argument("--quick", action="store_true",
                   help="same as --env CONVNB_QUICK=1: notebooks use smaller subsets")
    p.add_argument("--inplace", action="store_true",
                   help="write the executed notebook back over its source (to commit outputs)")
    p.add_argument("--reports", default=str(REPO / "reports"), metavar="DIR",
                   help="write NAME.ipynb (executed) and NAME.html here (default: reports/)")
    p.add_argument("--no-reports", action="store_true", help="write no executed copy or HTML")
    args = p.parse_args(argv)
    env = {}
    for item in args.env:
        key, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            p.error(f"--env expects KEY=VALUE with a shell-style name, got {item!r}; "
                    f"e.g. --env CONVNB_QUICK=1")
        env[key] = value
    if args.quick:
        env["CONVNB_QUICK"] = "1"
    args.extra_env = env
    args.kernels = list(dict.fromkeys(args.kernel)) or ["convnb"]
    if args.inplace and len(args.kernels) > 1:
        p.error("--inplace writes one set of outputs back; give one --kernel with it")
    if not args.notebooks:
        args.notebooks = sorted(glob.glob(str(REPO / "notebooks" / "*.ipynb")))
        if not args.notebooks:
            p.error(f"no notebooks found in {REPO / 'notebooks'}; pass notebook paths explicitly")
    for nb in args.notebooks:
        if not os.path.isfile(nb):
            p.error(f"notebook {nb!r} does not exist")
    return args


def expected_outputs(nb, name):
    """Reads metadata.convnb.expect: {mime type: minimum count}. A notebook must declare it."""
    expect = nb.metadata.get("convnb", {}).get("expect")
    if expect is None:
        raise NotebookFailure(
            f"{name}: notebook metadata has no convnb.expect; declare the rich outputs it must "
            f"show, e.g. \"convnb\": {{\"expect\": {{\"image/png\": 2, \"text/html\": 1}}}} "
            f"(use {{}} for a notebook that shows none)")
    if not isinstance(expect, dict) or not all(
            isinstance(k, str) and "/" in k and isinstance(v, int) and not isinstance(v, bool)
            and v >= 1 for k, v in expect.items()):
        raise NotebookFailure(
            f"{name}: metadata convnb.expect must map MIME types to counts >= 1, "
            f"e.g. {{\"image/png\": 2}}; got {expect!r}")
    return expect


def count_mime_types(nb):
    counts = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for mime in out.get("data", {}):
                counts[mime] = counts.get(mime, 0) + 1
    return counts


def check_expected(nb, expect, name):
    counts = count_mime_types(nb)
    missing = [f"{mime}: expected at least {n}, found {counts.get(mime, 0)}"
               for mime, n in sorted(expect.items()) if counts.get(mime, 0) < n]
    if missing:
        raise NotebookFailure(
            f"{name}: missing rich outputs declared in metadata convnb.expect -- "
            + "; ".join(missing)
            + f" (all outputs by type: {dict(sorted(counts.items())) or 'none'})")


def describe_error(nb, name):
    """Finds the first cell with an error output and renders its source and the error."""
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                tb = ANSI.sub("", "\n".join(out.get("traceback", [])))
                return (f"{name}: cell {index} failed with {out.get('ename')}: "
                        f"{ANSI.sub('', str(out.get('evalue')))}\n"
                        f"--- cell {index} source ---\n{cell.source}\n"
                        f"--- traceback ---\n{tb}")
    return None


def html_report(nb):
    from nbconvert import HTMLExporter
    exporter = HTMLExporter(template_name=TEMPLATE_NAME,
                            extra_template_basedirs=[str(TEMPLATE_DIR)])
    body, _ = exporter.from_notebook_node(nb)
    remote = REMOTE_ASSET.search(body)
    if remote:
        raise NotebookFailure(
            f"HTML report would load an asset from the network ({remote.group(0)!r}); the "
            f"{TEMPLATE_NAME} template in {TEMPLATE_DIR} must keep reports offline")
    return body


def reports_dir(args, kernel):
    """The first --kernel writes to --reports, each further one to a folder named after it."""
    return Path(args.reports) if kernel == args.kernels[0] else Path(args.reports) / kernel


def run_one(path, args, kernel):
    name = os.path.basename(path)
    nb = nbformat.read(path, as_version=4)
    expect = expected_outputs(nb, name)
    client = NotebookClient(
        nb, kernel_name=kernel, timeout=args.timeout,
        startup_timeout=args.startup_timeout, allow_errors=False,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    try:
        client.execute()
    except CellTimeoutError as e:
        raise NotebookFailure(f"{name}: a cell ran past --timeout {args.timeout}s\n"
                              f"{ANSI.sub('', str(e))}") from None
    except DeadKernelError as e:
        raise NotebookFailure(f"{name}: the kernel died: {e}") from None
    except CellExecutionError as e:
        raise NotebookFailure(describe_error(nb, name) or f"{name}: {ANSI.sub('', str(e))}") \
            from None
    check_expected(nb, expect, name)
    nbformat.validate(nb)
    executed = nb
    if args.inplace:
        nbformat.write(nb, path)
    if not args.no_reports:
        out_dir = reports_dir(args, kernel)
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = Path(path).stem
        nbformat.write(nb, str(out_dir / f"{stem}.ipynb"))
        (out_dir / f"{stem}.html").write_text(html_report(nb), encoding="utf-8")
    return executed


def main(argv):
    args = parse_args(argv)
    os.environ.update(args.extra_env)   # the kernel inherits this process's environment
    if args.extra_env:
        print("kernel environment: " + " ".join(f"{k}={v}" for k, v in args.extra_env.items()))
    passed, failed, report = [], [], []
    compare = not args.inplace and args.extra_env.get("CONVNB_QUICK", os.environ.get("CONVNB_QUICK", "0")) != "1"
    for kernel, path in [(k, p) for k in args.kernels for p in args.notebooks]:
        name = os.path.basename(path) if len(args.kernels) == 1 else f"{os.path.basename(path)} [{kernel}]"
        print(f"--- {os.path.basename(path)} (kernel {kernel})", flush=True)
        start = time.monotonic()
        try:
            executed = run_one(path, args, kernel)
            if compare:
                report += reproduction_report(name, nbformat.read(path, as_version=4), executed)
        except NotebookFailure as e:
            failed.append(name)
            print(f"FAIL {name} after {time.monotonic() - start:.1f} s\n{e}", flush=True)
        except Exception as e:  # a kernel that never started, unreadable JSON, ...
            failed.append(name)
            print(f"FAIL {name} after {time.monotonic() - start:.1f} s: "
                  f"{type(e).__name__}: {ANSI.sub('', str(e))}", flush=True)
        else:
            passed.append(name)
            print(f"ok   {name} in {time.monotonic() - start:.1f} s", flush=True)
    if report:
        print("\nreproduction report: committed outputs vs this run (the last digits move with the CPU's"
              " BLAS/oneDNN kernels; see README)")
        print("\n".join(report) + "\n")
    if failed:
        print("failed: " + ", ".join(failed))
    print(f"notebooks: {len(passed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
