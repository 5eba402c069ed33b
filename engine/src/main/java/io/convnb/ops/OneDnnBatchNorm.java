package io.convnb.ops;

import java.util.Arrays;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The normalization and backward passes of FLOAT batch normalization by oneDNN's own primitives, on
 * the channels-last tensors in place, for where {@link BatchNormVectors} cannot run: a JVM without
 * the Vector API, or a channel count that is not a whole number of vectors. There the heap-block loops
 * of {@link BatchNormFloat} copy every block in and out; oneDNN's AVX-512/AVX2 kernels read and write
 * ND4J's memory directly. On (32,56,56,64), plain JVM, 2-vCPU AMD EPYC: normalization 1.5-1.6 ms
 * against 1.6-2.4, backward 3.2-4.0 against 4.5-5.9. (With the Vector API and C a multiple of its
 * vector length, {@link BatchNormVectors} is faster than both: a whole step about 3.6 ms against 5-6.)
 *
 * <p>The batch statistics stay the engine's own ({@link BatchNormFloat#moments}), so both paths agree
 * on them. The primitives are given the mean and {@code 1/invStd^2} as the variance with an epsilon of
 * 0, so that they scale by the engine's {@code invStd} (to float rounding) whatever epsilon the layer
 * uses. The backward pass is that of batch statistics (dx includes their dependence on x); with fixed
 * statistics the engine's one-multiply pass stays. oneDNN sums in float in its own order, so results
 * agree with the other paths to float rounding, and repeat from run to run for a given machine and
 * thread count. On where {@link OneDnnConv}'s path is on.
 */
final class OneDnnBatchNorm {
    private static final int CACHE_SIZE = 16;
    private static final int SCALE_SHIFT = dnnl.normalization_flags.use_scale_shift.value;
    private static final int GLOBAL_STATS = dnnl.normalization_flags.use_global_stats.value;
    /** {@code DNNL_ARG_DIFF_SCALE_SHIFT}: the gradients of gamma (row 0) and beta (row 1). */
    private static final int DIFF_SCALE_SHIFT = dnnl.DNNL_ARG_DIFF_SCALE_SHIFT;

    private static final OneDnnConv.PrimitiveCache<List<Long>, Primitives> CACHE = new OneDnnConv.PrimitiveCache<>(CACHE_SIZE);

    private OneDnnBatchNorm() {
    }

    /**
     * Whether AUTO runs batch normalization of these plain channels-last arrays (x first; C channels)
     * here: FLOAT, rank 2 to 5, oneDNN on, and no {@link BatchNormVectors} path for them.
     */
    static boolean applies(int c, INDArray... plain) {
        return OneDnnConv.on() && plain[0].dataType() == DataType.FLOAT && plain[0].rank() >= 2 && plain[0].rank() <= 5
                && !BatchNormFloat.vectors(c, plain);
    }

    private static final class Primitives {
        final memory.desc data;
        final memory.desc channels;
        final memory.desc scaleShift;
        final batch_normalization_forward normalize;
        final batch_normalization_backward backward;

        Primitives(long[] dims) {
            memory.format_tag[] tags = {null, null, memory.format_tag.nc, memory.format_tag.nwc, memory.format_tag.nhwc,
                memory.format_tag.ndhwc};
            data = new memory.desc(dims, memory.data_type.f32, tags[dims.length]);
            channels = new memory.desc(new long[] {dims[1]}, memory.data_type.f32, memory.format_tag.x);
            scaleShift = new memory.desc(new long[] {2, dims[1]}, memory.data_type.f32, memory.format_tag.nc);
            var engine = OneDnnConv.cpuEngine();
            normalize = new batch_normalization_forward(new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(dnnl.prop_kind.forward_inference.value, data, 0f,
                            GLOBAL_STATS | SCALE_SHIFT), engine));
            batch_normalization_forward.primitive_desc hint = new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(dnnl.prop_kind.forward_training.value, data, 0f, SCALE_SHIFT), engine);
            backward = new batch_normalization_backward(new batch_normalization_backward.primitive_desc(
                    new batch_normalization_backward.desc(dnnl.prop_kind.backward.value, data, data, 0f, SCALE_SHIFT), engine,
                    hint));
        }
    }

    /** oneDNN's dims for a channels-last shape: (N, C, spatial...). */
    private static long[] dims(INDArray plain) {
        long[] s = plain.shape();
        long[] d = new long[s.length];
        d[0] = s[0];
        d[1] = s[s.length - 1];
        System.arraycopy(s, 1, d, 2, s.length - 2);
        return d;
    }

    private static Primitives primitives(long[] dims) {
        return CACHE.get(Arrays.stream(dims).boxed().toList(), k -> new Primitives(dims));
    }

    /** Mean and {@code 1/invStd^2} as FLOAT vectors, and gamma over beta as a (2, C) FLOAT matrix. */
    private static INDArray[] constants(double[] mean, double[] invStd, double[] gamma, double[] beta) {
        int c = mean.length;
        float[] m = new float[c];
        float[] v = new float[c];
        float[] gb = new float[2 * c];
        for (int ch = 0; ch < c; ch++) {
            m[ch] = (float) mean[ch];
            v[ch] = (float) (1.0 / (invStd[ch] * invStd[ch]));
            gb[ch] = (float) gamma[ch];
            gb[c + ch] = beta == null ? 0f : (float) beta[ch];
        }
        return new INDArray[] {Nd4j.createFromArray(m), Nd4j.createFromArray(v), Nd4j.createFromArray(gb).reshape(2, c)};
    }

    /** The arguments both primitives read: x, the mean, the variance and gamma over beta ({@link #constants}). */
    private static IntMemoryMap arguments(Primitives p, INDArray x, INDArray[] constants) {
        IntMemoryMap args = new IntMemoryMap();
        args.put(dnnl.DNNL_ARG_SRC, OneDnnConv.wrap(p.data, x));
        args.put(dnnl.DNNL_ARG_MEAN, OneDnnConv.wrap(p.channels, constants[0]));
        args.put(dnnl.DNNL_ARG_VARIANCE, OneDnnConv.wrap(p.channels, constants[1]));
        args.put(dnnl.DNNL_ARG_SCALE_SHIFT, OneDnnConv.wrap(p.scaleShift, constants[2]));
        return args;
    }

    /** {@code y = gamma * (x - mean) * invStd + beta}, a new FLOAT array of x's shape. */
    static INDArray normalize(INDArray plain, double[] mean, double[] invStd, double[] gamma, double[] beta) {
        Primitives p = primitives(dims(plain));
        INDArray[] k = constants(mean, invStd, gamma, beta);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, plain.shape(), 'c');
        stream s = OneDnnConv.threadStream();
        synchronized (p) {
            IntMemoryMap args = arguments(p, plain, k);
            args.put(dnnl.DNNL_ARG_DST, OneDnnConv.wrap(p.data, y));
            p.normalize.execute(s, args);
            s._wait();
        }
        KeepAlive.fence(plain, y, k[0], k[1], k[2]);
        return y;
    }

    /**
     * The backward pass with batch statistics (mean and invStd those of x): fills dGamma and dBeta and
     * returns dx, a new FLOAT array of x's shape.
     */
    static INDArray backward(INDArray px, INDArray pdy, double[] mean, double[] invStd, double[] gamma, double[] dGamma,
                             double[] dBeta) {
        Primitives p = primitives(dims(px));
        int c = mean.length;
        INDArray[] k = constants(mean, invStd, gamma, null);
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, px.shape(), 'c');
        INDArray dgb = Nd4j.createUninitialized(DataType.FLOAT, new long[] {2, c}, 'c');
        stream s = OneDnnConv.threadStream();
        synchronized (p) {
            IntMemoryMap args = arguments(p, px, k);
            args.put(dnnl.DNNL_ARG_DIFF_DST, OneDnnConv.wrap(p.data, pdy));
            args.put(dnnl.DNNL_ARG_DIFF_SRC, OneDnnConv.wrap(p.data, dx));
            args.put(DIFF_SCALE_SHIFT, OneDnnConv.wrap(p.scaleShift, dgb));
            p.backward.execute(s, args);
            s._wait();
        }
        float[] g = dgb.reshape(2L * c).toFloatVector();
        for (int ch = 0; ch < c; ch++) {
            dGamma[ch] = g[ch];
            dBeta[ch] = g[c + ch];
        }
        KeepAlive.fence(px, pdy, dx, dgb, k[0], k[1], k[2]);
        return dx;
    }
}
