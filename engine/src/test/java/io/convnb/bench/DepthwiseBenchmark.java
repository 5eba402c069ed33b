package io.convnb.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import io.convnb.layers.Conv2D;
import io.convnb.ops.Conv2DOps;
import io.convnb.ops.ConvImplementation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Depthwise and grouped Conv2D layers, forward + backward (input, kernel and bias gradients) through
 * the public layer inside a workspace configured as {@code Sequential}'s training step, GFLOP/s:
 * the engine's AUTO rule against its im2col + GEMM path (the rule before DepthwiseConvFloat) and, for
 * depthwise layers, libnd4j's own {@code depthwise_conv2d}/{@code depthwise_conv2d_bp} ops. Each
 * implementation warms up for at least 2 s per shape; implementations alternate round by round and
 * each figure is the median of its rounds. FLOPs: three times the forward pass's
 * {@code 2*N*OH*OW*F*kh*kw*C/groups}. Run with {@code scripts/bench-depthwise.sh}; not a test.
 * Arguments: shape names to run (default all), {@code --quick} for one round.
 */
public final class DepthwiseBenchmark {
    /** NHWC input, filters, square kernel, stride, groups; "same" padding. */
    record Shape(String name, int n, int h, int w, int c, int f, int k, int stride, int groups) {
        int out(int in) {
            return (in + stride - 1) / stride;
        }

        double flops() {
            return 3 * 2.0 * n * out(h) * out(w) * f * k * k * (c / groups);
        }

        String describe() {
            return String.format(Locale.ROOT, "(%d,%d,%d,%d) %d %dx%d%s groups=%d", n, h, w, c, f, k, k,
                    stride > 1 ? " s" + stride : "", groups);
        }
    }

    static final List<Shape> SHAPES = List.of(
            new Shape("dw", 32, 56, 56, 64, 64, 3, 1, 64),
            new Shape("dw-s2", 32, 112, 112, 32, 32, 3, 2, 32),
            new Shape("dw-m2", 32, 28, 28, 64, 128, 3, 1, 64),
            new Shape("resnext", 16, 28, 28, 128, 128, 3, 1, 32),
            new Shape("g4", 16, 28, 28, 64, 64, 3, 1, 4));

    private static final long WARM_UP_NANOS = 2_000_000_000L;
    private static final WorkspaceConfiguration STEP = WorkspaceConfiguration.builder().initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyMirroring(MirroringPolicy.FULL)
            .policySpill(SpillPolicy.REALLOCATE).build();

    private DepthwiseBenchmark() {
    }

    public static void main(String[] args) {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> names = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        System.out.println("cpu " + Cpu.model() + ", " + Runtime.getRuntime().availableProcessors() + " cores, java "
                + Runtime.version() + ", direct kernels " + Conv2DOps.directKernels());
        for (Shape s : SHAPES) {
            if (!names.isEmpty() && !names.contains(s.name())) {
                continue;
            }
            run(s, quick ? 1 : 5);
        }
    }

    /** One candidate: a forward + backward step, returning nothing; timed as a whole. */
    private record Candidate(String name, Runnable step) {
    }

    private static void run(Shape s, int rounds) {
        Conv2D layer = new Conv2D(s.f(), s.k(), s.k()).strides(s.stride(), s.stride()).padding("same").groups(s.groups());
        layer.build(new long[] {s.h(), s.w(), s.c()});
        INDArray x = Nd4j.rand(DataType.FLOAT, s.n(), s.h(), s.w(), s.c()).subi(0.5);
        INDArray dy = Nd4j.rand(DataType.FLOAT, s.n(), s.out(s.h()), s.out(s.w()), s.f()).subi(0.5);
        List<Candidate> candidates = new ArrayList<>();
        candidates.add(new Candidate("engine AUTO", layerStep(layer, x, dy, ConvImplementation.AUTO)));
        candidates.add(new Candidate("engine IM2COL_GEMM (before)", layerStep(layer, x, dy, ConvImplementation.IM2COL_GEMM)));
        if (s.groups() == s.c()) {
            candidates.add(new Candidate("libnd4j depthwise_conv2d", builtinStep(s, layer, x, dy)));
        }
        String ws = "depthwise-bench-" + s.name();
        for (Candidate c : candidates) {
            long start = System.nanoTime();
            for (int i = 0; i < 2 || System.nanoTime() - start < WARM_UP_NANOS; i++) {
                timed(c, ws);
            }
        }
        double[][] times = new double[candidates.size()][rounds];
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < candidates.size(); i++) {
                int k = (i + r) % candidates.size();   // rotate who goes first
                times[k][r] = timed(candidates.get(k), ws);
            }
        }
        for (int i = 0; i < candidates.size(); i++) {
            double[] t = times[i].clone();
            Arrays.sort(t);
            double median = t[t.length / 2];
            System.out.printf(Locale.ROOT, "RESULT %-8s %-34s %-28s %9.2f ms %8.1f GFLOP/s%n", s.name(), s.describe(),
                    candidates.get(i).name(), median * 1e3, s.flops() / median / 1e9);
        }
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
    }

    /** Seconds for one step in a training-step workspace. */
    private static double timed(Candidate c, String ws) {
        try (MemoryWorkspace w = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, ws)) {
            long t0 = System.nanoTime();
            c.step().run();
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static Runnable layerStep(Conv2D layer, INDArray x, INDArray dy, ConvImplementation impl) {
        return () -> {
            Conv2DOps.useImplementation(impl);
            layer.forward(x, true);
            layer.backward(dy);
        };
    }

    /** libnd4j's depthwise ops with the layer's weights: NHWC, weights (kh, kw, C, multiplier), "same" mode. */
    private static Runnable builtinStep(Shape s, Conv2D layer, INDArray x, INDArray dy) {
        INDArray w = layer.kernel().reshape(s.k(), s.k(), s.c(), s.f() / s.c());
        INDArray b = layer.bias();
        int[] iargs = {s.k(), s.k(), s.stride(), s.stride(), 0, 0, 1, 1, 1, 1, 0};
        Supplier<INDArray> out = () -> Nd4j.createUninitialized(DataType.FLOAT, dy.shape(), 'c');
        return () -> {
            INDArray y = out.get();
            Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d").addInputs(x, w, b).addOutputs(y)
                    .addIntegerArguments(iargs).build());
            INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
            INDArray dw = Nd4j.createUninitialized(DataType.FLOAT, w.shape(), 'c');
            INDArray db = Nd4j.createUninitialized(DataType.FLOAT, b.shape(), 'c');
            Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d_bp").addInputs(x, w, b, dy).addOutputs(dx, dw, db)
                    .addIntegerArguments(iargs).build());
        };
    }

    /** The CPU model from /proc/cpuinfo, for the record. */
    static final class Cpu {
        static String model() {
            try {
                return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                        .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
                        .orElse("unknown");
            } catch (java.io.IOException e) {
                return "unknown";
            }
        }
    }
}
