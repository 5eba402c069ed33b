package io.convnb.bench;

import io.convnb.layers.AveragePooling2D;
import io.convnb.layers.BatchNormalization;
import io.convnb.layers.Conv1D;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Conv2DTranspose;
import io.convnb.layers.Layer;
import io.convnb.layers.MaxPooling2D;
import io.convnb.model.StepWorkspace;
import io.convnb.ops.NativeMalloc;
import io.convnb.ops.OpenMpPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Engine side of the layer suite of {@code bench/bench.py} ({@code ./convnb bench},
 * {@code scripts/bench-layers.sh}): forward + backward (input and parameter gradients) of one public
 * layer at a time, inside the step workspace that {@code Sequential.fit} opens around every training
 * step. The suite itself is defined once, in {@code bench/suite.py}, which passes each entry here as
 * {@code name=...,type=conv2d,input=64x28x28x1,filters=32,kernel=3,...}.
 *
 * <p>Timing protocol, the same as the PyTorch side ({@code bench/layers_torch.py}): warm-up of at least
 * {@link Timing#WARM_UP_NANOS} and 5 steps, then {@link Timing#BLOCKS} blocks of 2 untimed and
 * {@code reps} timed steps, medians over all timed steps. Prints one line per layer,
 * {@code RESULT {"name": ..., "fwd_ms": ..., "bwd_ms": ..., "step_ms": ..., "steps": ...}}, and first one
 * line {@code INFO {...}} with the CPU, the SGEMM rate and the JVM settings in force.
 */
public final class LayerBenchmark {
    private LayerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        OpenMpPolicy.prepareNd4j();   // what the engine's entry points do when a notebook first uses them
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cpu", cpuModel());
        info.put("java", Runtime.version().toString());
        info.put("vector_api", ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        info.put("omp_wait_policy", OpenMpPolicy.describe());
        info.put("omp_threads", OpenMpPolicy.describeThreads());
        info.put("malloc", NativeMalloc.describe());
        info.put("onednn", io.convnb.ops.Conv2DOps.oneDnnConvolutions());
        info.put("nd4j_blas", String.valueOf(Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor")));
        info.put("nd4j_threads", String.valueOf(Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads")));
        info.put("sgemm_gflops", Timing.round(sgemm(2048)));
        System.out.println("INFO " + Json.object(info));
        for (String spec : args) {
            Map<String, String> s = parse(spec);
            System.out.println("RESULT " + Json.object(run(s)));
            System.gc();
        }
    }

    /** Parses {@code key=value,key=value}; every entry must have a name, a type and an input shape. */
    static Map<String, String> parse(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("layer spec '" + spec + "': '" + part + "' is not key=value");
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        for (String key : new String[] {"name", "type", "input"}) {
            if (!out.containsKey(key)) {
                throw new IllegalArgumentException("layer spec '" + spec + "' has no " + key + "=");
            }
        }
        return out;
    }

    static long[] dims(String shape) {
        return Arrays.stream(shape.split("x")).mapToLong(Long::parseLong).toArray();
    }

    private static int intOf(Map<String, String> s, String key, int fallback) {
        return s.containsKey(key) ? Integer.parseInt(s.get(key)) : fallback;
    }

    /** The public layer that a spec describes, with its Keras arguments. */
    static Layer layer(Map<String, String> s) {
        String padding = s.getOrDefault("padding", "valid");
        String activation = s.getOrDefault("activation", "linear");
        int kernel = intOf(s, "kernel", 1);
        int stride = intOf(s, "stride", 1);
        int dilation = intOf(s, "dilation", 1);
        int pool = intOf(s, "pool", 2);
        return switch (s.get("type")) {
            case "conv2d" -> new Conv2D(intOf(s, "filters", 1), kernel).strides(stride).padding(padding)
                    .dilationRate(dilation).groups(intOf(s, "groups", 1)).activation(activation);
            case "conv2d_transpose" -> new Conv2DTranspose(intOf(s, "filters", 1), kernel).strides(stride).padding(padding)
                    .activation(activation);
            case "conv1d" -> new Conv1D(intOf(s, "filters", 1), kernel).strides(stride).padding(padding)
                    .dilationRate(dilation).groups(intOf(s, "groups", 1)).activation(activation);
            case "max_pool2d" -> new MaxPooling2D(pool, pool);
            case "avg_pool2d" -> new AveragePooling2D(pool, pool);
            case "batch_norm" -> new BatchNormalization();
            default -> throw new IllegalArgumentException("unknown layer type '" + s.get("type")
                    + "'; known: conv2d, conv2d_transpose, conv1d, max_pool2d, avg_pool2d, batch_norm");
        };
    }

    /** Times one spec; returns its result line's fields. */
    static Map<String, Object> run(Map<String, String> s) {
        long[] in = dims(s.get("input"));
        Layer layer = layer(s).seed(1);
        layer.build(Arrays.copyOfRange(in, 1, in.length));
        INDArray x = Nd4j.rand(DataType.FLOAT, in).subi(0.5);
        long[] out = new long[in.length];
        out[0] = in[0];
        System.arraycopy(layer.outputShape(), 0, out, 1, in.length - 1);
        INDArray dy = Nd4j.rand(DataType.FLOAT, out).subi(0.5);
        String wsId = "bench-" + s.get("name");
        Timing.Step step = () -> {
            try (MemoryWorkspace ws = StepWorkspace.open(wsId)) {
                long t0 = System.nanoTime();
                layer.forward(x, true);
                long t1 = System.nanoTime();
                layer.backward(dy);
                long t2 = System.nanoTime();
                return new long[] {t1 - t0, t2 - t1};
            }
        };
        Timing.Result r = Timing.measure(step);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.get("name"));
        m.put("fwd_ms", Timing.round(r.fwdMs()));
        m.put("bwd_ms", Timing.round(r.bwdMs()));
        m.put("step_ms", Timing.round(r.stepMs()));
        m.put("steps", r.steps());
        return m;
    }

    /** SGEMM rate through ND4J into a preallocated C, median of 5 after 2 warm-up calls. */
    static double sgemm(int size) {
        INDArray a = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray b = Nd4j.rand(DataType.FLOAT, size, size);
        INDArray c = Nd4j.create(DataType.FLOAT, size, size);
        double[] t = new double[5];
        for (int i = -2; i < t.length; i++) {
            long t0 = System.nanoTime();
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            if (i >= 0) {
                t[i] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return 2.0 * size * size * size / Timing.median(t) / 1e9;
    }

    /** The first "model name" of /proc/cpuinfo, or "unknown". */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
        return "unknown";
    }

    /** Minimal JSON writer for the flat result lines (strings, numbers, booleans). */
    static final class Json {
        private Json() {
        }

        static String object(Map<String, Object> m) {
            StringBuilder sb = new StringBuilder("{");
            for (var e : m.entrySet()) {
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(quote(e.getKey())).append(": ");
                Object v = e.getValue();
                sb.append(v instanceof Number || v instanceof Boolean ? String.valueOf(v) : quote(String.valueOf(v)));
            }
            return sb.append('}').toString();
        }

        static String quote(String s) {
            StringBuilder sb = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.append('"').toString();
        }
    }
}
