package io.convnb.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.convnb.ops.Conv2DOps;
import io.convnb.ops.Conv2DSpec;
import io.convnb.ops.ConvGradients;
import io.convnb.ops.ConvImplementation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conv2D forward/backward throughput of the engine, ND4J's built-in {@code conv2d}/{@code conv2d_bp}
 * custom ops and PyTorch ({@code bench/conv_torch.py}) on the three shapes of issue 2, plus the
 * SGEMM rate of this machine. Run with {@code scripts/bench-conv.sh}; not a test.
 *
 * <p>FLOPs: forward {@code 2*N*OH*OW*F*kh*kw*C/groups}, backward twice that (input and kernel gradients).
 * Each figure is the median over the timed repetitions after warm-up.
 */
public final class ConvBenchmark {
    /** One benchmark shape: NHWC input, filters, square kernel, stride and Keras padding. */
    record Shape(String name, int n, int h, int w, int c, int f, int k, int stride, boolean same) {
        Conv2DSpec spec() {
            if (!same) {
                return Conv2DSpec.of(stride, stride, 0, 0, 0, 0);
            }
            int[] ph = samePads(h, k, stride), pw = samePads(w, k, stride);
            return Conv2DSpec.of(stride, stride, ph[0], ph[1], pw[0], pw[1]);
        }

        /** Keras/TensorFlow "same": out = ceil(in/s), total padding split with the odd pixel at the end. */
        static int[] samePads(int in, int k, int s) {
            int out = (in + s - 1) / s;
            int total = Math.max(0, (out - 1) * s + k - in);
            return new int[] {total / 2, total - total / 2};
        }

        double forwardFlops() {
            Conv2DSpec s = spec();
            return 2.0 * n * s.outHeight(h, k) * s.outWidth(w, k) * f * k * k * c;
        }

        String describe() {
            return "(" + n + "," + h + "," + w + "," + c + ") " + f + " " + k + "x" + k + (stride > 1 ? " s" + stride : "")
                    + (same ? " same" : " valid");
        }
    }

    static final Shape[] SHAPES = {
        new Shape("A", 64, 28, 28, 1, 32, 3, 1, false),
        new Shape("B", 32, 56, 56, 64, 64, 3, 1, true),
        new Shape("C", 16, 224, 224, 3, 64, 7, 2, true)};

    /** fwd, bwd, fwd+bwd GFLOP/s. */
    record Rates(double fwd, double bwd, double total) {
    }

    public static void main(String[] args) throws Exception {
        int reps = Integer.parseInt(System.getProperty("reps", "5"));
        String python = System.getProperty("python", "/usr/bin/python3");
        String torchScript = System.getProperty("torchScript", "bench/conv_torch.py");
        List<String> only = args.length > 0 ? Arrays.asList(args) : List.of("A", "B", "C");

        // PyTorch first, while this JVM is idle, so the two never compete for the cores.
        Map<String, Rates> torch = runTorch(python, torchScript, reps, only);

        Nd4j.create(DataType.FLOAT, 1);
        System.out.printf(Locale.ROOT, "ND4J %s, backend %s, threads %s%n", Nd4j.getBackend().getClass().getSimpleName(),
                Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor"),
                Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads"));
        double sgemm = sgemm(2048, reps);
        System.out.printf(Locale.ROOT, "SGEMM 2048^3 (Nd4j.gemm into preallocated C): %.1f GFLOP/s%n%n", sgemm);

        Map<String, Rates> engine = new HashMap<>(), gemm = new HashMap<>(), builtin = new HashMap<>();
        for (Shape s : SHAPES) {
            if (!only.contains(s.name())) {
                continue;
            }
            INDArray x = Nd4j.rand(DataType.FLOAT, s.n(), s.h(), s.w(), s.c()).subi(0.5);
            INDArray k = Nd4j.rand(DataType.FLOAT, s.k(), s.k(), s.c(), s.f()).subi(0.5).muli(0.1);
            INDArray b = Nd4j.rand(DataType.FLOAT, s.f());
            Conv2DSpec spec = s.spec();
            INDArray y = Conv2DOps.forward(x, k, b, spec);
            INDArray dy = Nd4j.rand(DataType.FLOAT, y.shape()).subi(0.5);
            checkAgainstBuiltin(s, x, k, b, dy);
            Runnable fwd = () -> Conv2DOps.forward(x, k, b, spec), bwd = () -> Conv2DOps.backward(x, k, dy, spec, true, true);
            List<Candidate> candidates = List.of(
                    new Candidate("engine", () -> Conv2DOps.useImplementation(ConvImplementation.AUTO), fwd, bwd),
                    new Candidate("im2col", () -> Conv2DOps.useImplementation(ConvImplementation.IM2COL_GEMM), fwd, bwd),
                    new Candidate("nd4j", () -> { }, () -> builtinForward(s, x, k, b), () -> builtinBackward(s, x, k, b, dy)));
            Map<String, Rates> rates = timeInterleaved(s, reps, candidates);
            Conv2DOps.useImplementation(ConvImplementation.AUTO);
            engine.put(s.name(), rates.get("engine"));
            gemm.put(s.name(), rates.get("im2col"));
            builtin.put(s.name(), rates.get("nd4j"));
            System.gc();
        }

        System.out.printf(Locale.ROOT, "%nGFLOP/s, median of %d (%d blocks of %d), forward / backward (dx+dW) / forward+backward%n",
                ROUNDS * reps, ROUNDS, reps);
        System.out.printf(Locale.ROOT, "%-5s %-32s %-19s %-19s %-19s %-19s %s%n", "shape", "", "engine (AUTO)",
                "im2col+GEMM", "ND4J conv2d", "PyTorch", "engine/PyTorch");
        for (Shape s : SHAPES) {
            if (!only.contains(s.name())) {
                continue;
            }
            Rates e = engine.get(s.name()), nd = builtin.get(s.name()), t = torch.get(s.name());
            System.out.printf(Locale.ROOT, "%-5s %-32s %-19s %-19s %-19s %-19s %s%n", s.name(), s.describe(), fmt(e),
                    fmt(gemm.get(s.name())), fmt(nd),
                    t == null ? "n/a" : fmt(t), t == null ? "n/a" : String.format(Locale.ROOT, "%.2f", e.total() / t.total()));
        }
        if (engine.containsKey("B")) {
            System.out.printf(Locale.ROOT, "%nengine B fwd+bwd / SGEMM = %.1f / %.1f = %.0f%%%n", engine.get("B").total(),
                    sgemm, 100 * engine.get("B").total() / sgemm);
        }
    }

    private static String fmt(Rates r) {
        return String.format(Locale.ROOT, "%5.1f/%5.1f/%5.1f", r.fwd(), r.bwd(), r.total());
    }

    /** One implementation under test: {@code select} switches to it, then fwd and bwd run. */
    record Candidate(String name, Runnable select, Runnable fwd, Runnable bwd) {
    }

    /**
     * Each forward + backward pair runs inside one ND4J workspace scope, as a training step does
     * (Sequential.fit), so outputs and gradients reuse memory instead of paying fresh page faults:
     * the same conditions as PyTorch's caching allocator.
     */
    private static final WorkspaceConfiguration STEP = WorkspaceConfiguration.builder().initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyMirroring(MirroringPolicy.FULL).policySpill(SpillPolicy.REALLOCATE).build();

    /**
     * Warm-up is at least 5 pairs per candidate and at least {@link #WARM_UP_NANOS} per candidate: Java
     * code (the direct convolution, the copy loops) runs interpreted, then through two JIT compilers,
     * before it reaches its steady speed, which for the Vector API kernels took 50-100 calls here.
     */
    private static final long WARM_UP_NANOS = 2_000_000_000L;

    /** One forward + backward pair in the candidate's workspace: nanoTime before, between and after. */
    private static long[] pair(Candidate c, String base) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, base + c.name())) {
            long t0 = System.nanoTime();
            c.fwd().run();
            long t1 = System.nanoTime();
            c.bwd().run();
            long t2 = System.nanoTime();
            return new long[] {t0, t1, t2};
        }
    }

    /** Blocks per candidate; each candidate's timed pairs are spread over this many blocks. */
    private static final int ROUNDS = 3;

    /**
     * Times the candidates in blocks, ROUNDS blocks each in rotation (engine, im2col, nd4j; then im2col,
     * nd4j, engine; ...):
     * within a block, like PyTorch in its own process, a candidate runs back to back in steady state
     * (two untimed pairs first, to bring its data back into cache), and the rotation lets a slow spell
     * of this shared machine hit every candidate rather than whichever ran at the time. Each block times
     * {@code reps} pairs; the medians are over all ROUNDS * reps.
     */
    private static Map<String, Rates> timeInterleaved(Shape s, int reps, List<Candidate> candidates) {
        String base = "bench-" + s.name() + "-" + System.nanoTime() + "-";
        for (Candidate c : candidates) {
            c.select().run();
            long warmStart = System.nanoTime();
            for (int i = 0; i < 5 || System.nanoTime() - warmStart < WARM_UP_NANOS; i++) {
                pair(c, base);
            }
        }
        int m = candidates.size(), n = ROUNDS * reps;
        double[][] tf = new double[m][n], tb = new double[m][n], tt = new double[m][n];
        for (int round = 0; round < ROUNDS; round++) {
            for (int slot = 0; slot < m; slot++) {
                // The start of the order rotates too: whoever comes first follows another candidate's
                // last pair (its threads and caches), which was measured to cost it up to 20 %.
                int j = (slot + round) % m;
                Candidate c = candidates.get(j);
                c.select().run();
                pair(c, base);
                pair(c, base);
                for (int i = round * reps; i < (round + 1) * reps; i++) {
                    long[] t = pair(c, base);
                    tf[j][i] = (t[1] - t[0]) / 1e9;
                    tb[j][i] = (t[2] - t[1]) / 1e9;
                    tt[j][i] = (t[2] - t[0]) / 1e9;
                }
            }
        }
        double flops = s.forwardFlops();
        Map<String, Rates> out = new HashMap<>();
        for (int j = 0; j < m; j++) {
            out.put(candidates.get(j).name(), new Rates(flops / median(tf[j]) / 1e9, 2 * flops / median(tb[j]) / 1e9,
                    3 * flops / median(tt[j]) / 1e9));
        }
        return out;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    static double sgemm(int size, int reps) {
        INDArray a = Nd4j.rand(DataType.FLOAT, size, size), b = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray c = Nd4j.create(DataType.FLOAT, size, size);
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        return 2.0 * size * size * size / median(t) / 1e9;
    }

    /** iArgs of libnd4j conv2d: kH, kW, sH, sW, pH, pW, dH, dW, sameMode, dataFormat (1 = NHWC), wFormat (0 = kh,kw,in,out). */
    private static int[] builtinArgs(Shape s) {
        return new int[] {s.k(), s.k(), s.stride(), s.stride(), 0, 0, 1, 1, s.same() ? 1 : 0, 1, 0};
    }

    static INDArray builtinForward(Shape s, INDArray x, INDArray k, INDArray b) {
        Conv2DSpec spec = s.spec();
        INDArray y = Nd4j.create(DataType.FLOAT, s.n(), spec.outHeight(s.h(), s.k()), spec.outWidth(s.w(), s.k()), s.f());
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, k, b).addOutputs(y)
                .addIntegerArguments(builtinArgs(s)).build());
        return y;
    }

    static INDArray[] builtinBackward(Shape s, INDArray x, INDArray k, INDArray b, INDArray dy) {
        INDArray dx = Nd4j.create(DataType.FLOAT, x.shape()), dk = Nd4j.create(DataType.FLOAT, k.shape()),
                db = Nd4j.create(DataType.FLOAT, b.shape());
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, k, b, dy).addOutputs(dx, dk, db)
                .addIntegerArguments(builtinArgs(s)).build());
        return new INDArray[] {dx, dk, db};
    }

    /** The two implementations must agree before their speeds are compared. */
    private static void checkAgainstBuiltin(Shape s, INDArray x, INDArray k, INDArray b, INDArray dy) {
        Conv2DOps.useImplementation(ConvImplementation.IM2COL_GEMM);
        INDArray y = Conv2DOps.forward(x, k, b, s.spec());
        INDArray yb = builtinForward(s, x, k, b);
        ConvGradients g = Conv2DOps.backward(x, k, dy, s.spec(), true, true);
        INDArray[] gb = builtinBackward(s, x, k, b, dy);
        double[] diffs = {relDiff(y, yb), relDiff(g.input(), gb[0]), relDiff(g.kernel(), gb[1]), relDiff(g.bias(), gb[2])};
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        System.out.printf(Locale.ROOT, "%s: im2col+GEMM vs ND4J conv2d max relative difference y %.1e dx %.1e dk %.1e db %.1e%n",
                s.name(), diffs[0], diffs[1], diffs[2], diffs[3]);
        for (double d : diffs) {
            if (!(d < 1e-3)) {
                throw new IllegalStateException("engine and ND4J conv2d disagree on shape " + s.name());
            }
        }
    }

    private static double relDiff(INDArray a, INDArray b) {
        double scale = Math.max(1e-6, b.amaxNumber().doubleValue());
        return a.sub(b).amaxNumber().doubleValue() / scale;
    }

    private static Map<String, Rates> runTorch(String python, String script, int reps, List<String> only) {
        Map<String, Rates> out = new HashMap<>();
        List<String> cmd = new ArrayList<>(List.of(python, script, "--reps", Integer.toString(reps)));
        cmd.addAll(only);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            // PyTorch runs with its own defaults: the OpenMP wait policy the engine's JVM was started
            // with (scripts/bench-conv.sh) is the engine's setting, not PyTorch's.
            pb.environment().remove("OMP_WAIT_POLICY");
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    System.out.println("torch| " + line);
                    String[] f = line.trim().split("\\s+");
                    if (f.length == 5 && f[0].equals("RESULT")) {
                        out.put(f[1], new Rates(Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                                Double.parseDouble(f[4])));
                    }
                }
            }
            p.waitFor();
        } catch (Exception e) {
            System.out.println("PyTorch run failed: " + e.getMessage());
        }
        return out;
    }
}
