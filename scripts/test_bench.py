#!/usr/bin/python3
"""Tests of the benchmark harness's logic (bench/suite.py, bench/bench.py), no timing involved: the BLAS
check, the CPU line, FLOP counts against hand-worked values, layer selection, the table.
Run: /usr/bin/python3 -m unittest scripts/test_bench.py  (``./convnb test`` does).
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import suite  # noqa: E402
import bench  # noqa: E402

OPENBLAS_MAPS = """\
7f1a00000000-7f1a00200000 r-xp 00000000 fd:01 123 /usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so
7f1a00400000-7f1a00401000 r--p 00000000 fd:01 124 /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
7f1a00500000-7f1a00600000 r-xp 00000000 fd:01 125 /usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3
7f1a00700000-7f1a00800000 r-xp 00000000 fd:01 126 /usr/lib/python3/dist-packages/torch/lib/libtorch_cpu.so
7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
"""
REFERENCE_MAPS = """\
7f1a00400000-7f1a00401000 r-xp 00000000 fd:01 124 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0
7f1a00500000-7f1a00600000 r-xp 00000000 fd:01 125 /usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3.11.0
"""
CPUINFO = """\
processor\t: 0
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu sse2 avx2 avx512f amx_tile amx_bf16
processor\t: 1
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu sse2 avx2 avx512f amx_tile amx_bf16
"""


class BlasCheckTest(unittest.TestCase):

    def test_openblas_behind_the_libblas_alternative(self):
        kind, path = suite.blas_in_maps(OPENBLAS_MAPS, resolve=lambda p: p)
        self.assertEqual(("openblas", "/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"), (kind, path))
        self.assertIsNone(suite.blas_verdict(kind, path))

    def test_reference_blas_is_refused_with_the_fix(self):
        kind, path = suite.blas_in_maps(REFERENCE_MAPS, resolve=lambda p: p)
        self.assertEqual("reference", kind)
        msg = suite.blas_verdict(kind, path)
        self.assertIn("reference (netlib) BLAS (/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0)", msg)
        self.assertIn("apt-get install libopenblas0-pthread", msg)
        self.assertIn("not printed", msg)

    def test_symlinks_are_resolved_before_classifying(self):
        maps = "7f-8f r-xp 0 fd:01 1 /usr/lib/x86_64-linux-gnu/libblas.so.3\n"
        target = {"/usr/lib/x86_64-linux-gnu/libblas.so.3": "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"}
        self.assertEqual("reference", suite.blas_in_maps(maps, resolve=lambda p: target.get(p, p))[0])

    def test_mkl_without_libblas_counts_as_optimized(self):
        maps = "7f-8f r-xp 0 fd:01 1 /opt/intel/lib/libmkl_core.so.2\n"
        kind, _ = suite.blas_in_maps(maps, resolve=lambda p: p)
        self.assertEqual("mkl", kind)
        self.assertIsNone(suite.blas_verdict(kind, ""))

    def test_mkl_linked_into_torch_beats_a_mapped_openblas(self):
        # pip's torch links MKL in and maps no BLAS; numpy's OpenBLAS in the same process is not torch's.
        maps = "7f-8f r-xp 0 fd:01 1 /venv/lib/python3.12/site-packages/numpy.libs/libscipy_openblas64_-61654e39.so\n"
        config = "  - Build settings: BLAS_INFO=mkl, BUILD_TYPE=Release, USE_MKL=ON,\n"
        self.assertEqual(("mkl", "linked into torch (BLAS_INFO=mkl)"), suite.torch_blas(config, maps, resolve=lambda p: p))
        debian = "  - Build settings: BLAS_INFO=generic, BUILD_TYPE=RelWithDebInfo,\n"
        self.assertEqual("openblas", suite.torch_blas(debian, maps, resolve=lambda p: p)[0])
        self.assertEqual("reference", suite.torch_blas(debian, REFERENCE_MAPS, resolve=lambda p: p)[0])

    def test_no_blas_mapped(self):
        self.assertEqual(("none", ""), suite.blas_in_maps("7f-8f r-xp 0 fd:01 1 /usr/lib/libc.so.6\n", resolve=lambda p: p))

    def test_alternatives_query(self):
        text = ("Name: libblas.so.3-x86_64-linux-gnu\nLink: /usr/lib/x86_64-linux-gnu/libblas.so.3\nStatus: auto\n"
                "Best: /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3\n"
                "Value: /usr/lib/x86_64-linux-gnu/blas/libblas.so.3\n")
        self.assertEqual("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", suite.alternative_value(text))
        self.assertIsNone(suite.alternative_value("Name: x\n"))


class SuiteTest(unittest.TestCase):

    def test_cpu_line(self):
        self.assertEqual(("Intel(R) Xeon(R) Platinum 8480+", 2, ["avx2", "avx512f", "amx_tile"]), suite.cpu_info(CPUINFO))
        self.assertEqual(("unknown", 0, []), suite.cpu_info(""))

    def test_load_warning(self):
        self.assertEqual("load average (1 min) at start / end: 0.3 / 2.1", suite.load_line((0.3, 2.1), 2))
        self.assertIn("unreliable", suite.load_line((0.3, 2.6), 2))

    def test_flops_worked_by_hand(self):
        # Tutorial layer: 64 images x 26x26 outputs x 32 filters x 9 taps x 1 channel x 2.
        self.assertEqual(2.0 * 64 * 26 * 26 * 32 * 9, suite.forward_flops(suite.LAYERS["tutorial"]))
        # Stride 2 "same" on 56: 28x28 outputs.
        self.assertEqual(2.0 * 32 * 28 * 28 * 128 * 9 * 64, suite.forward_flops(suite.LAYERS["stride2"]))
        # Depthwise: one input channel per filter.
        self.assertEqual(2.0 * 32 * 56 * 56 * 64 * 9, suite.forward_flops(suite.LAYERS["depthwise"]))
        # Transposed 4x4 stride 2: every input cell meets all 16 taps of all 32 filters.
        self.assertEqual(2.0 * 16 * 28 * 28 * 64 * 16 * 32, suite.forward_flops(suite.LAYERS["transpose"]))
        self.assertEqual(2.0 * 64 * 1000 * 64 * 5 * 64, suite.forward_flops(suite.LAYERS["conv1d"]))
        self.assertIsNone(suite.forward_flops(suite.LAYERS["batchnorm"]))

    def test_same_pads_follow_tensorflow(self):
        self.assertEqual((0, 1), suite.same_pads(56, 3, 2))      # odd pixel at the end
        self.assertEqual((1, 1), suite.same_pads(28, 3, 1))
        self.assertEqual((2, 2), suite.same_pads(64, 3, 1, dilation=2))
        self.assertEqual(13, suite.out_size(26, dict(type="conv2d", kernel=3, padding="same", stride=2)))
        self.assertEqual(60, suite.out_size(64, dict(type="conv2d", kernel=3, dilation=2)))

    def test_the_issue_table_is_in_the_suite(self):
        described = [suite.describe(spec) for _, spec in suite.SUITE]
        self.assertIn("(64,28,28,1) Conv2D 32 3x3 valid relu", described)
        self.assertIn("(32,56,56,64) Conv2D 64 3x3 same groups=64", described)
        self.assertIn("(16,28,28,64) Conv2DTranspose 32 4x4 stride 2 same", described)
        self.assertIn("(64,1000,64) Conv1D 64 5 same", described)
        self.assertIn("(32,56,56,64) BatchNormalization", described)
        self.assertEqual(12, len(suite.SUITE))

    def test_select(self):
        self.assertEqual(["pointwise", "depthwise"], [n for n, _ in suite.select(["depthwise", "pointwise"])])
        self.assertEqual(suite.SUITE_NAMES, [n for n, _ in suite.select([])])
        with self.assertRaisesRegex(ValueError, "unknown layer benchmark dw1x1; choose from: tutorial, wide"):
            suite.select(["dw1x1"])

    def test_spec_arg_is_what_layer_benchmark_parses(self):
        self.assertEqual("name=rgb,type=conv2d,input=64x32x32x3,filters=64,kernel=3,padding=same",
                         suite.spec_arg("rgb", suite.LAYERS["rgb"]))


class TableTest(unittest.TestCase):

    def rows(self):
        spec = suite.LAYERS["tutorial"]
        flops3 = 3 * suite.forward_flops(spec)
        engine = {"step_ms": flops3 / 30e9 * 1e3}   # 30 GFLOP/s
        torch = {"step_ms": flops3 / 20e9 * 1e3, "format": "channels_last"}
        plain = {"step_ms": 2 * engine["step_ms"]}
        return [suite.layer_row("tutorial", spec, engine, torch, plain),
                suite.layer_row("maxpool", suite.LAYERS["maxpool"], {"step_ms": 2.0}, {"step_ms": 4.0}, {"step_ms": 3.0}),
                suite.training_row("tutorial", 3000.0, 2500.0)]

    def test_ratios_are_speed_ratios(self):
        conv, pool, train = self.rows()
        self.assertAlmostEqual(1.5, conv["ratio"])
        self.assertAlmostEqual(2.0, conv["slowdown"])
        self.assertEqual("30.0 GFLOP/s (2.49 ms)", conv["engine"])
        self.assertTrue(conv["pytorch"].startswith("20.0 GFLOP/s") and conv["pytorch"].endswith("channels_last"))
        self.assertEqual(("2.00 ms", 2.0, 1.5), (pool["engine"], pool["ratio"], pool["slowdown"]))
        self.assertAlmostEqual(1.2, train["ratio"])
        self.assertAlmostEqual(6 ** 0.5, suite.geometric_mean([1.5, 4.0, None]))

    def test_markdown_table(self):
        md = suite.render(self.rows(), markdown=True, plain=True).splitlines()
        self.assertEqual("| benchmark | engine | PyTorch | engine/PyTorch | plain JVM | plain/tuned time |", md[0])
        self.assertEqual("|---|---:|---:|---:|---:|---:|", md[1])
        self.assertEqual("| (32,56,56,64) MaxPooling2D 2x2 [maxpool] | 2.00 ms | 4.00 ms | 2.00 | 3.00 ms | 1.50 |", md[3])
        self.assertTrue(md[4].startswith("| tutorial CNN training") and md[4].endswith("| 3000 | 2500 | 1.20 |  |  |"))

    def test_text_table_is_aligned_and_missing_torch_reads_na(self):
        rows = [suite.layer_row("maxpool", suite.LAYERS["maxpool"], {"step_ms": 2.0}, None)]
        text = suite.render(rows).splitlines()
        self.assertEqual(3, len(text))
        self.assertEqual(len(text[0]), len(text[1]))
        self.assertTrue(text[2].endswith("2.00 ms      n/a             n/a"), text[2])

    def test_steady_rate_skips_the_warm_up_epoch(self):
        self.assertEqual(3000, bench.steady_rate([1000, 2900, 3100]))
        self.assertEqual(1000, bench.steady_rate([1000]))

    def test_plain_jvm_environment_drops_the_settings(self):
        os.environ["ENGINE_ENV"] = "OMP_WAIT_POLICY=PASSIVE"
        os.environ["ENGINE_JVM_FLAGS"] = "--add-modules=jdk.incubator.vector"
        os.environ["ENGINE_CP"] = "a.jar"
        try:
            self.assertEqual("PASSIVE", bench.engine_env(False)["OMP_WAIT_POLICY"])
            self.assertNotIn("OMP_WAIT_POLICY", bench.engine_env(True))
            self.assertIn("--add-modules=jdk.incubator.vector", bench.engine_cmd("M", [], False))
            self.assertEqual(["java", "-Xmx4g", "-cp", "a.jar", "M", "x"], bench.engine_cmd("M", ["x"], True))
        finally:
            for k in ("ENGINE_ENV", "ENGINE_JVM_FLAGS", "ENGINE_CP"):
                del os.environ[k]


if __name__ == "__main__":
    unittest.main()
