package io.convnb.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Float convolutions with one group (any stride, padding and dilation) computed by oneDNN itself,
 * called through the JavaCPP presets ({@code org.bytedeco:dnnl}, oneDNN 2.5.2) rather than through
 * libnd4j's ops, which wrap the same library but cannot express dilation (the right-hand padding of a
 * dilated descriptor ignores the dilation there), choose a Winograd input gradient from 128 filters, and
 * reorder every tensor between NHWC and oneDNN's blocked layouts on every call. Here the forward pass
 * and the input gradient read and write ND4J's NHWC memory directly ({@code brgconv} forward, {@code jit}
 * backward on the machines measured); the kernel gradient of layers with 32 to 64 input channels, where
 * its NHWC kernels ran 1.2-1.4x slower, first reorders x and dy into the layouts it prefers (blocked by
 * 16 channels), into buffers of the current workspace ({@link #BLOCKED_GRADIENT_CHANNELS}); the small
 * kernel is reordered into the layout each primitive prefers, and the algorithm is always direct
 * convolution. Layer steps with the reorders, ms: stride 2 (32,56,56,64)
 * x128 3x3 40.7 against 51-53 in the same hour, Conv1D (64,1000,64) x64 30.9 / 36-38, dilated
 * (16,64,64,32) x32 13.4 / 16.3-18.6; (16,28,28,128) x128 keeps NHWC (reordered, it lost 1.5-2 ms).
 *
 * <p>Measured here (2-vCPU AMD EPYC, forward + input gradient + kernel and bias gradients, ms): the
 * dilated (16,64,64,32) x32 3x3 layer 13.2 against 23-27 by sub-images; (16,28,28,128) x128 3x3 31
 * against 41-42 (oneDNN forward, deconvolution dx, im2col + GEMM dW); the Conv1D (64,1000,64) x64
 * kernel 5 27.7 against 39.5 ({@code conv2d_bp}); the stride-2 (32,56,56,64) x128 3x3 layer's step
 * 43-44.5 against 51.5 (oneDNN forward, im2col + GEMM backward).
 *
 * <p>A fused ReLU ({@code forward(..., relu)}) is a oneDNN post-op: the primitive rectifies each output
 * as it writes it, which gives the same bits as a separate pass and saves that pass over y (5-10 % of
 * the forward pass on (16,28,28,128) x128 and (64,14,14,32) x64 3x3). {@link OneDnnBatchNorm} shares
 * this class's engine, streams and switch.
 *
 * <p>Primitives are created once per geometry (oneDNN generates their code when they are created) and
 * kept in a small cache; one call at a time runs each, as the kernel layouts they hold are reused.
 * oneDNN's results for a geometry depend only on the machine's instruction set and thread count, so
 * they repeat from run to run. The presets run oneDNN on OpenMP (libgomp, shared with libnd4j): a
 * primitive runs on as many threads as OpenMP gives the calling thread. {@link OpenMpPolicy} sizes that to
 * the CPUs the JVM may use where it can; where OpenMP's default would still exceed a container's CPU quota
 * (Binder pods see their host's cores, and libgomp counts those), this path stays off. {@link #available()} is also false
 * where the presets do not load (another platform) and with the system property
 * {@code convnb.onednn.disable=true}; the engine then keeps its other paths.
 */
final class OneDnnConv {
    private static final int CACHE_SIZE = 32;

    /**
     * Input channels (least, most) for which the kernel gradient reads x and dy reordered into oneDNN's
     * preferred layouts rather than NHWC. Its NHWC kernels ran 1.2-1.4x slower there, reorders included
     * (kernel-gradient primitive, ms, NHWC / blocked with both reorders, 2-vCPU AMD EPYC): stride 2
     * (32,56,56,64) x128 3x3 18.9-19.4 / 13.7-13.8, Conv1D (64,1000,64) x64 15.0-15.4 / 12.1-12.4,
     * (16,56,56,64) x64 3x3 17.4 / 14.9, dilated (16,64,64,32) x32 5.4-6.1 / 4.7-5.2; outside it the
     * reorders cost more than they saved: (8,112,112,16) x32 5x5 8.7 / 9.9, (16,28,28,128) x128
     * 10.5-12.3 / 10.4-14.7, (64,14,14,128) x256 24.5 / 25.8, (32,7,7,256) x256 6.2 / 6.6. The forward
     * and input-gradient kernels were faster on NHWC for all of them. Measured on AMD EPYC only.
     */
    static final int[] BLOCKED_GRADIENT_CHANNELS = {32, 64};
    private static final String STATE;
    private static final engine ENGINE;

    /** Whether AUTO takes this path: the presets loaded, no CPU quota below the affinity mask, not turned off. */
    static volatile boolean enabled;

    static {
        String state;
        engine e = null;
        boolean on = false;
        if (Boolean.getBoolean("convnb.onednn.disable")) {
            state = "system property convnb.onednn.disable=true";
        } else {
            try {
                e = new engine(engine.kind.cpu, 0);
                org.bytedeco.dnnl.dnnl_version_t v = dnnl.dnnl_version();
                String version = "oneDNN " + v.major() + "." + v.minor() + "." + v.patch() + " (org.bytedeco:dnnl)";
                int teams = OpenMpPolicy.defaultThreads();
                int usable = Runtime.getRuntime().availableProcessors();
                if (teams > usable) {
                    // The presets run oneDNN on OpenMP: a primitive's team takes OpenMP's thread count, which
                    // libgomp takes from the affinity mask, blind to a container's CPU quota. 64 threads on a
                    // 2-CPU Binder quota would thrash; OpenMpPolicy sets OMP_NUM_THREADS where it can.
                    state = version + " loaded, but OpenMP would run its primitives on " + teams + " threads where the CPU"
                            + " quota allows " + usable + "; start the JVM with OMP_NUM_THREADS=" + usable + " to use it";
                } else {
                    state = version;
                    on = true;
                }
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | RuntimeException ex) {
                e = null;
                state = "the presets did not load (" + ex.getClass().getSimpleName() + ": " + ex.getMessage() + ")";
            }
        }
        STATE = state;
        ENGINE = e;
        enabled = on;
    }

    private static final PrimitiveCache<Key, Primitives> CACHE = new PrimitiveCache<>(CACHE_SIZE);

    /**
     * Primitives by what they were created for, the least recently used dropped beyond {@code size}
     * (oneDNN generates their code when they are created, so they are kept; a few geometries per model).
     */
    static final class PrimitiveCache<K, V> {
        private final Map<K, V> map;

        PrimitiveCache(int size) {
            map = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                    return size() > size;
                }
            };
        }

        /** The entry for {@code key}, created by {@code create} on first use. */
        synchronized V get(K key, Function<? super K, ? extends V> create) {
            return map.computeIfAbsent(key, create);
        }
    }

    private static final ThreadLocal<stream> STREAM = ThreadLocal.withInitial(() -> new stream(ENGINE));

    private OneDnnConv() {
    }

    /** Whether the presets loaded (the path can compute; {@link #enabled} says whether AUTO uses it). */
    static boolean available() {
        return ENGINE != null;
    }

    /** The CPU engine the presets opened, null where they did not load (for the other oneDNN primitives here). */
    static engine cpuEngine() {
        return ENGINE;
    }

    /** This thread's stream on {@link #cpuEngine()}. */
    static stream threadStream() {
        return STREAM.get();
    }

    /** One line for environment reports: the version, or why this path is off. */
    static String describe() {
        return STATE;
    }

    /** Whether the presets loaded and AUTO may use oneDNN's primitives (here and in {@link OneDnnBatchNorm}). */
    static boolean on() {
        return enabled && available();
    }

    /** Whether AUTO may take this path for a layer of this geometry and type: FLOAT, one group, a kernel larger than 1x1. */
    static boolean applies(ConvGeometry g, DataType type) {
        return on() && type == DataType.FLOAT && g.groups() == 1 && (g.kh() > 1 || g.kw() > 1);
    }

    private record Key(ConvGeometry g, boolean bias) {
    }

    /** The primitives of one geometry, with the kernel layouts they read and write. */
    private static final class Primitives {
        final convolution_forward forward;
        private convolution_forward forwardRelu;
        private boolean rectifyingChecked;
        private final convolution_forward.desc forwardDesc;
        final convolution_backward_data backwardData;
        final convolution_backward_weights backwardWeights;
        final memory.desc src;
        final memory.desc dst;
        final memory.desc userWeights;
        final memory.desc biasDesc;
        final memory forwardWeights;
        final memory dataWeights;
        final memory weightGradient;
        /** The layouts of x and dy the kernel-gradient primitive reads, and the reorders into them (null where NHWC). */
        final memory.desc gradientSrc;
        final memory.desc gradientDst;
        final reorder toGradientSrc;
        final reorder toGradientDst;
        /** Kernel layout changes (reorder primitives take their memories when they run). */
        final reorder toForwardWeights;
        final reorder toDataWeights;
        final reorder fromWeightGradient;

        Primitives(ConvGeometry g, boolean bias) {
            long[] x = {g.n(), g.c(), g.h(), g.w()};
            long[] y = {g.n(), g.f(), g.oh(), g.ow()};
            long[] w = {g.f(), g.c(), g.kh(), g.kw()};
            src = desc(x, memory.format_tag.nhwc);
            dst = desc(y, memory.format_tag.nhwc);
            userWeights = desc(w, memory.format_tag.hwio);
            biasDesc = bias ? desc(new long[] {g.f()}, memory.format_tag.x) : null;
            memory.desc anyWeights = desc(w, memory.format_tag.any);
            long[] strides = {g.sh(), g.sw()};
            long[] dilation = {g.dh() - 1, g.dw() - 1};
            long[] padL = {g.pt(), g.pl()};
            long[] padR = {padEnd(g.h(), g.oh(), g.kh(), g.sh(), g.dh(), g.pt()),
                padEnd(g.w(), g.ow(), g.kw(), g.sw(), g.dw(), g.pl())};
            convolution_forward.desc fd = bias
                    ? new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct, src,
                            anyWeights, biasDesc, dst, strides, dilation, padL, padR)
                    : new convolution_forward.desc(dnnl.prop_kind.forward_training, dnnl.algorithm.convolution_direct, src,
                            anyWeights, dst, strides, dilation, padL, padR);
            forwardDesc = fd;
            convolution_forward.primitive_desc fpd = new convolution_forward.primitive_desc(fd, ENGINE);
            convolution_backward_data.primitive_desc dpd = new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(dnnl.algorithm.convolution_direct, src, anyWeights, dst, strides,
                            dilation, padL, padR), ENGINE, fpd);
            // Between 32 and 64 input channels the kernel gradient reads x and dy in the layouts oneDNN
            // prefers for it (blocked by 16 channels here), reordered first (see BLOCKED_GRADIENT_CHANNELS).
            boolean blocked = g.c() >= BLOCKED_GRADIENT_CHANNELS[0] && g.c() <= BLOCKED_GRADIENT_CHANNELS[1];
            memory.desc anySrc = blocked ? desc(x, memory.format_tag.any) : src;
            memory.desc anyDst = blocked ? desc(y, memory.format_tag.any) : dst;
            convolution_backward_weights.desc wd = bias
                    ? new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, anySrc, anyWeights, biasDesc,
                            anyDst, strides, dilation, padL, padR)
                    : new convolution_backward_weights.desc(dnnl.algorithm.convolution_direct, anySrc, anyWeights, anyDst,
                            strides, dilation, padL, padR);
            convolution_backward_weights.primitive_desc wpd = new convolution_backward_weights.primitive_desc(wd, ENGINE, fpd);
            gradientSrc = wpd.src_desc();
            gradientDst = wpd.diff_dst_desc();
            toGradientSrc = gradientSrc.equals(src) ? null : reorderOf(src, gradientSrc);
            toGradientDst = gradientDst.equals(dst) ? null : reorderOf(dst, gradientDst);
            forward = new convolution_forward(fpd);
            backwardData = new convolution_backward_data(dpd);
            backwardWeights = new convolution_backward_weights(wpd);
            forwardWeights = new memory(fpd.weights_desc(), ENGINE);
            dataWeights = new memory(dpd.weights_desc(), ENGINE);
            weightGradient = new memory(wpd.diff_weights_desc(), ENGINE);
            toForwardWeights = reorderOf(userWeights, fpd.weights_desc());
            toDataWeights = reorderOf(userWeights, dpd.weights_desc());
            fromWeightGradient = reorderOf(wpd.diff_weights_desc(), userWeights);
        }

        /**
         * The forward primitive that rectifies its output as it writes it ({@code max(0, y)}, a oneDNN
         * post-op), created on first use; null where oneDNN would want the kernel in another layout for
         * it than for the plain forward pass. Callers hold this object's lock.
         */
        convolution_forward rectifying() {
            if (!rectifyingChecked) {
                rectifyingChecked = true;
                post_ops ops = new post_ops();
                ops.append_eltwise(1f, dnnl.algorithm.eltwise_relu, 0f, 0f);
                primitive_attr attr = new primitive_attr();
                attr.set_post_ops(ops);
                convolution_forward.primitive_desc pd = new convolution_forward.primitive_desc(forwardDesc, attr, ENGINE);
                forwardRelu = pd.weights_desc().equals(forwardWeights.get_desc()) ? new convolution_forward(pd) : null;
            }
            return forwardRelu;
        }
    }

    /** A reorder between two layouts, from their descriptions alone (no buffers allocated to describe them). */
    private static reorder reorderOf(memory.desc from, memory.desc to) {
        return new reorder(new reorder.primitive_desc(ENGINE, from, ENGINE, to));
    }

    /**
     * Whether no input row or column lies a whole stride or more past the last window, which oneDNN's
     * primitives refuse ("could not create a descriptor"): always so for an ordinary convolution, not for
     * a transposed one whose output runs past its full result.
     */
    static boolean reachesInputEnd(ConvGeometry g) {
        return padEnd(g.h(), g.oh(), g.kh(), g.sh(), g.dh(), g.pt()) > -g.sh()
                && padEnd(g.w(), g.ow(), g.kw(), g.sw(), g.dw(), g.pl()) > -g.sw();
    }

    /**
     * Zero cells past the input's end that the last window reads, what oneDNN calls the right padding;
     * negative where a stride leaves input cells that no window reaches.
     */
    private static long padEnd(int in, int out, int k, int stride, int d, int padStart) {
        return (long) (out - 1) * stride + (long) (k - 1) * d + 1 - in - padStart;
    }

    private static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    private static Primitives primitives(ConvGeometry g, boolean bias) {
        return CACHE.get(new Key(g, bias), k -> new Primitives(k.g(), k.bias()));
    }

    /** A oneDNN memory of layout {@code d} over a plain array's buffer (no copy). */
    static memory wrap(memory.desc d, INDArray plain) {
        return new memory(d, ENGINE, plain.data().addressPointer());
    }

    /** {@code y = conv(x, kernel) + bias}, (N, OH, OW, F) FLOAT; x and kernel plain, bias null or (F). */
    static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, ConvGeometry g) {
        return forward(x, kernel, biasOrNull, g, false);
    }

    /** {@link #forward}, rectified ({@code max(0, y)}) by oneDNN as it writes y when {@code relu}. */
    static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, ConvGeometry g, boolean relu) {
        INDArray px = OpChecks.plain(x);
        INDArray pk = OpChecks.plain(kernel);
        INDArray pb = biasOrNull == null ? null : OpChecks.plain(biasOrNull);
        Primitives p = primitives(g, pb != null);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), g.ow(), g.f()}, 'c');
        stream s = STREAM.get();
        boolean rectified;
        synchronized (p) {
            memory userKernel = wrap(p.userWeights, pk);
            p.toForwardWeights.execute(s, userKernel, p.forwardWeights);
            IntMemoryMap args = new IntMemoryMap();
            args.put(dnnl.DNNL_ARG_SRC, wrap(p.src, px));
            args.put(dnnl.DNNL_ARG_WEIGHTS, p.forwardWeights);
            if (pb != null) {
                args.put(dnnl.DNNL_ARG_BIAS, wrap(p.biasDesc, pb));
            }
            args.put(dnnl.DNNL_ARG_DST, wrap(p.dst, y));
            convolution_forward rectifying = relu ? p.rectifying() : null;
            (rectifying != null ? rectifying : p.forward).execute(s, args);
            s._wait();
            rectified = rectifying != null;
        }
        if (relu && !rectified) {
            Transforms.relu(y, false);
        }
        KeepAlive.fence(px, pk, pb, y);
        return y;
    }

    /**
     * {@code user} itself where {@code toLayout} is null, else a copy in {@code layout}, reordered on
     * stream s into a new FLOAT array (from the current workspace, if any), which goes into
     * {@code keep} so that the caller holds it until the primitive has run.
     */
    private static memory inLayout(stream s, reorder toLayout, memory.desc layout, memory user, INDArray[] keep, int slot) {
        if (toLayout == null) {
            return user;
        }
        long floats = (layout.get_size() + Float.BYTES - 1) / Float.BYTES;
        keep[slot] = Nd4j.createUninitialized(DataType.FLOAT, new long[] {floats}, 'c');
        memory copy = wrap(layout, keep[slot]);
        toLayout.execute(s, user, copy);
        return copy;
    }

    /** Gradients of {@link #forward}: dx (when {@code needInput}), the kernel's (kh, kw, C, F) and the bias's (F). */
    static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, ConvGeometry g, boolean needInput,
                                  boolean hasBias) {
        return gradients(x, needInput ? kernel : null, dy, g, true, hasBias);
    }

    /**
     * dx of {@link #forward} alone, (N, H, W, C) FLOAT, for dy (N, OH, OW, F). It is also the transposed
     * convolution of dy with this kernel ({@code Conv2DOps.transposeForward}).
     */
    static INDArray inputGradient(INDArray dy, INDArray kernel, ConvGeometry g) {
        return gradients(null, kernel, dy, g, false, false).input();
    }

    /**
     * The kernel gradient of {@link #forward} alone, (kh, kw, C, F) FLOAT, for input x (N, H, W, C) and
     * dy (N, OH, OW, F); no bias gradient.
     */
    static INDArray kernelGradient(INDArray x, INDArray dy, ConvGeometry g) {
        return gradients(x, null, dy, g, true, false).kernel();
    }

    /**
     * dx where {@code kernelOrNull} is given, the kernel gradient where {@code wantKernel} (x then given),
     * and the bias gradient where {@code hasBias} (with the kernel gradient); the rest null.
     */
    private static ConvGradients gradients(INDArray xOrNull, INDArray kernelOrNull, INDArray dy, ConvGeometry g,
                                           boolean wantKernel, boolean hasBias) {
        INDArray px = xOrNull == null ? null : OpChecks.plain(xOrNull);
        INDArray pk = kernelOrNull == null ? null : OpChecks.plain(kernelOrNull);
        INDArray pdy = OpChecks.plain(dy);
        Primitives p = primitives(g, hasBias);
        INDArray dx = pk != null ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.h(), g.w(), g.c()}, 'c') : null;
        INDArray dk = wantKernel ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.kh(), g.kw(), g.c(), g.f()}, 'c') : null;
        INDArray db = hasBias ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.f()}, 'c') : null;
        stream s = STREAM.get();
        INDArray[] reordered = new INDArray[2];
        synchronized (p) {
            memory dyMem = wrap(p.dst, pdy);
            if (pk != null) {
                inputGradient(p, s, dyMem, pk, dx);
            }
            if (wantKernel) {
                kernelGradient(p, s, px, dyMem, dk, db, reordered);
            }
            s._wait();
        }
        KeepAlive.fence(px, pk, pdy, dx, dk, db, reordered);
        return new ConvGradients(dx, dk, db);
    }

    /** Queues dx = the input gradient of dyMem into {@code dx}. Callers hold p's lock and wait for the stream. */
    private static void inputGradient(Primitives p, stream s, memory dyMem, INDArray plainKernel, INDArray dx) {
        p.toDataWeights.execute(s, wrap(p.userWeights, plainKernel), p.dataWeights);
        IntMemoryMap args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_DIFF_DST, dyMem);
        args.put(dnnl.DNNL_ARG_WEIGHTS, p.dataWeights);
        args.put(dnnl.DNNL_ARG_DIFF_SRC, wrap(p.src, dx));
        p.backwardData.execute(s, args);
    }

    /**
     * Queues the kernel gradient (into dk, in the user's layout) and the bias gradient (into db, when
     * not null) of x and dyMem; x and dy reordered into {@code reordered} where the primitive wants
     * other layouts. Callers hold p's lock, keep {@code reordered} alive and wait for the stream.
     */
    private static void kernelGradient(Primitives p, stream s, INDArray px, memory dyMem, INDArray dk, INDArray db,
                                       INDArray[] reordered) {
        IntMemoryMap args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_SRC, inLayout(s, p.toGradientSrc, p.gradientSrc, wrap(p.src, px), reordered, 0));
        args.put(dnnl.DNNL_ARG_DIFF_DST, inLayout(s, p.toGradientDst, p.gradientDst, dyMem, reordered, 1));
        args.put(dnnl.DNNL_ARG_DIFF_WEIGHTS, p.weightGradient);
        if (db != null) {
            args.put(dnnl.DNNL_ARG_DIFF_BIAS, wrap(p.biasDesc, db));
        }
        p.backwardWeights.execute(s, args);
        p.fromWeightGradient.execute(s, p.weightGradient, wrap(p.userWeights, dk));
    }
}
