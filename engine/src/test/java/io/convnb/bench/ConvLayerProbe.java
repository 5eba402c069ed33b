package io.convnb.bench;

import io.convnb.layers.ActivatedLayer;
import io.convnb.layers.Conv1D;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Conv2DTranspose;
import io.convnb.model.Sequential;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolution layers of issue 10 as a training step runs them: the public layer with a ReLU, bound to
 * a model's flat weight vectors, forward then backward (input, kernel and bias gradients) inside one
 * ND4J workspace per step. Prints GFLOP/s (3 * 2*N*OH*OW*F*kh*kw*C/groups per step, the best step
 * after at least 2 s of warm-up) next to PyTorch's figure for the same layer + ReLU from
 * {@code bench/conv_layers_torch.py}, which runs first (skip it with {@code -Dtorch=false}).
 * Run like scripts/bench-conv.sh runs ConvBenchmark; arguments select shapes by name. Not a test.
 */
public final class ConvLayerProbe {
    record Case(String name, long[] input, Supplier<ActivatedLayer> layer, double flops) {
    }

    static final List<Case> CASES = List.of(
        new Case("tutorial", new long[] {64, 28, 28, 1}, () -> new Conv2D(32, 3).activation("relu"), flops(64, 26, 26, 32, 9, 1)),
        new Case("wide", new long[] {16, 28, 28, 128}, () -> new Conv2D(128, 3).padding("same").activation("relu"), flops(16, 28, 28, 128, 9, 128)),
        new Case("stride2", new long[] {32, 56, 56, 64}, () -> new Conv2D(128, 3).strides(2).padding("same").activation("relu"), flops(32, 28, 28, 128, 9, 64)),
        new Case("pointwise", new long[] {32, 56, 56, 64}, () -> new Conv2D(128, 1).activation("relu"), flops(32, 56, 56, 128, 1, 64)),
        new Case("dilated", new long[] {16, 64, 64, 32}, () -> new Conv2D(32, 3).dilationRate(2).padding("same").activation("relu"), flops(16, 64, 64, 32, 9, 32)),
        new Case("transpose", new long[] {16, 28, 28, 64}, () -> new Conv2DTranspose(32, 4).strides(2).padding("same").activation("relu"), flops(16, 28, 28, 64, 16, 32)),
        new Case("conv1d", new long[] {64, 1000, 64}, () -> new Conv1D(64, 5).padding("same").activation("relu"), flops(64, 1, 1000, 64, 5, 64)),
        new Case("rgb", new long[] {64, 32, 32, 3}, () -> new Conv2D(64, 3).padding("same").activation("relu"), flops(64, 32, 32, 64, 9, 3)));

    /** fwd+bwd FLOPs: 3 * 2 * n*oh*ow*f * taps*c. */
    static double flops(long n, long oh, long ow, long f, long taps, long c) {
        return 3 * 2.0 * n * oh * ow * f * taps * c;
    }

    private static final WorkspaceConfiguration STEP = WorkspaceConfiguration.builder().initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyMirroring(MirroringPolicy.FULL).policySpill(SpillPolicy.REALLOCATE).build();

    public static void main(String[] args) throws Exception {
        List<String> only = args.length > 0 ? Arrays.asList(args) : CASES.stream().map(Case::name).toList();
        int reps = Integer.getInteger("reps", 15);
        Map<String, Double> torch = Boolean.parseBoolean(System.getProperty("torch", "true")) ? torch(only) : Map.of();
        System.out.println("CPU: " + cpuModel() + "; Vector API: " + io.convnb.ops.Conv2DOps.directKernels()
                + "; OMP_WAIT_POLICY=" + System.getenv("OMP_WAIT_POLICY"));
        Map<String, Double> engine = new LinkedHashMap<>();
        for (Case c : CASES) {
            if (!only.contains(c.name())) {
                continue;
            }
            ActivatedLayer layer = c.layer().get();
            long[] sample = Arrays.copyOfRange(c.input(), 1, c.input().length);
            Sequential model = new Sequential().add(layer.inputShape(sample));
            model.compile("sgd", "mse");
            layer.setInputGradientNeeded(true);
            INDArray x = Nd4j.rand(DataType.FLOAT, c.input()).subi(0.5);
            INDArray dy = Nd4j.rand(DataType.FLOAT, layer.forward(x, true).shape()).subi(0.5);
            String ws = "probe-" + c.name();
            long warm = System.nanoTime();
            while (System.nanoTime() - warm < 2_000_000_000L) {
                step(layer, x, dy, ws);
            }
            long best = Long.MAX_VALUE;
            for (int i = 0; i < reps; i++) {
                best = Math.min(best, step(layer, x, dy, ws));
            }
            engine.put(c.name(), c.flops() / best);
            System.out.printf(Locale.ROOT, "%-10s %8.3f ms  %6.1f GFLOP/s%n", c.name(), best / 1e6, c.flops() / best);
            System.gc();
        }
        System.out.printf(Locale.ROOT, "%n%-10s %8s %8s %6s%n", "layer", "engine", "PyTorch", "ratio");
        double logSum = 0;
        int counted = 0;
        for (var e : engine.entrySet()) {
            Double t = torch.get(e.getKey());
            System.out.printf(Locale.ROOT, "%-10s %8.1f %8s %6s%n", e.getKey(), e.getValue(), t == null ? "n/a" : String.format(Locale.ROOT, "%.1f", t),
                    t == null ? "" : String.format(Locale.ROOT, "%.2f", e.getValue() / t));
            if (t != null) {
                logSum += Math.log(e.getValue() / t);
                counted++;
            }
        }
        if (counted > 0) {
            System.out.printf(Locale.ROOT, "geometric mean ratio over %d layers: %.2f%n", counted, Math.exp(logSum / counted));
        }
    }

    private static long step(ActivatedLayer layer, INDArray x, INDArray dy, String ws) {
        try (MemoryWorkspace w = Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, ws)) {
            long t0 = System.nanoTime();
            layer.forward(x, true);
            layer.backward(dy);
            return System.nanoTime() - t0;
        }
    }

    private static String cpuModel() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static Map<String, Double> torch(List<String> only) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "bench/conv_layers_torch.py"));
        cmd.addAll(only);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("OMP_WAIT_POLICY");
        Process p = pb.start();
        Map<String, Double> out = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println("torch| " + line);
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[0].equals("RESULT")) {
                    out.put(f[1], Double.parseDouble(f[2]));
                }
            }
        }
        p.waitFor();
        return out;
    }
}
