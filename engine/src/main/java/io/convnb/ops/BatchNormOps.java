package io.convnb.ops;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalization over the last (channel) axis of an array seen as {@code M} rows of {@code C}
 * channels, forward and backward, in fused passes on all cores. With {@code xhat = (x - mean) * invStd}
 * and {@code invStd = 1/sqrt(var + eps)}:
 * <pre>
 *   y      = gamma * xhat + beta
 *   dgamma = sum_rows(dy * xhat),   dbeta = sum_rows(dy)
 *   dx     = gamma * invStd / M * (M * dy - dbeta - xhat * dgamma)   (batch statistics)
 *   dx     = gamma * invStd * dy                                     (fixed statistics, inference)
 * </pre>
 * With batch statistics the mean and variance depend on x, which gives dx its two extra terms; in
 * inference the moving statistics are constants and the layer is a per-channel affine map.
 * Statistics and sums are accumulated in double, per chunk of rows, and the chunk partials are added
 * in chunk order, so the result is the same whichever thread ran which chunk. The batch statistics
 * never come from one pass of {@code E[x^2] - E[x]^2}, which loses digits when the mean is large
 * against the spread: the double code here takes two passes (the mean, then the centred squares), the
 * float code one pass of sums around a shift close to the mean ({@link BatchNormFloat#moments}).
 *
 * <p>Written as ND4J operations the same layer made about a dozen passes over the array and took 3-5x
 * PyTorch's time on (32, 56, 56, 64); these kernels read the input once or twice (statistics) and once
 * more to write the output, and the backward pass reads {@code dy} and {@code x} twice. FLOAT arrays
 * (training) take these passes in float arithmetic ({@link BatchNormFloat}); the double code here,
 * which widened every element, ran 4-5x slower on them. DOUBLE arrays (the gradient checks) stay in double.
 */
public final class BatchNormOps {
    /** Rows per block: the per-thread buffers stay small enough for the core's cache. */
    private static final int BLOCK_ELEMENTS = 16_384;

    private BatchNormOps() {
    }

    /** Per-channel batch mean and biased variance of {@code x} (..., C) over all other axes. */
    public record Moments(double[] mean, double[] variance) {
    }

    /** The batch statistics of {@code x}, a FLOAT or DOUBLE array with channels on the last axis. */
    public static Moments moments(INDArray x) {
        INDArray plain = OpChecks.plain(x);
        int c = channels(plain);
        if (plain.dataType() == DataType.FLOAT) {
            return BatchNormFloat.moments(plain, c);
        }
        int rows = Math.toIntExact(plain.length() / c);
        NativeBlocks in = NativeBlocks.of(plain);
        try {
            double[][] parts = new double[ImageParts.count(rows)][c];
            ImageParts.run(rows, (chunk, first, count) -> forBlocks(first, count, c, (at, len, buf) -> {
                in.read(at, len, buf.a, buf.stage);
                double[] sum = parts[chunk];
                for (int i = 0; i < len; i += c) {
                    for (int ch = 0; ch < c; ch++) {
                        sum[ch] += buf.a[i + ch];
                    }
                }
            }));
            double[] mean = combine(parts, c);
            for (int ch = 0; ch < c; ch++) {
                mean[ch] /= rows;
            }
            double[][] squares = new double[parts.length][c];
            ImageParts.run(rows, (chunk, first, count) -> forBlocks(first, count, c, (at, len, buf) -> {
                in.read(at, len, buf.a, buf.stage);
                double[] sum = squares[chunk];
                for (int i = 0; i < len; i += c) {
                    for (int ch = 0; ch < c; ch++) {
                        double d = buf.a[i + ch] - mean[ch];
                        sum[ch] += d * d;
                    }
                }
            }));
            double[] variance = combine(squares, c);
            for (int ch = 0; ch < c; ch++) {
                variance[ch] /= rows;
            }
            return new Moments(mean, variance);
        } finally {
            KeepAlive.fence(in);
        }
    }

    /** {@code 1/sqrt(variance + epsilon)} per channel. */
    public static double[] invStd(double[] variance, double epsilon) {
        double[] out = new double[variance.length];
        for (int ch = 0; ch < out.length; ch++) {
            out[ch] = 1.0 / Math.sqrt(variance[ch] + epsilon);
        }
        return out;
    }

    /** {@code y = gamma * (x - mean) * invStd + beta}, a new array of x's shape and type. */
    public static INDArray normalize(INDArray x, double[] mean, double[] invStd, double[] gamma, double[] beta) {
        INDArray plain = OpChecks.plain(x);
        int c = channels(plain);
        if (OneDnnBatchNorm.applies(c, plain)) {
            return OneDnnBatchNorm.normalize(plain, mean, invStd, gamma, beta);
        }
        int rows = Math.toIntExact(plain.length() / c);
        double[] scale = new double[c];
        double[] shift = new double[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = gamma[ch] * invStd[ch];
            shift[ch] = beta[ch] - mean[ch] * scale[ch];
        }
        if (plain.dataType() == DataType.FLOAT) {
            float[] scaleF = new float[c];
            float[] shiftF = new float[c];
            for (int ch = 0; ch < c; ch++) {
                scaleF[ch] = (float) scale[ch];
                shiftF[ch] = (float) shift[ch];
            }
            return BatchNormFloat.affine(plain, c, scaleF, shiftF);
        }
        INDArray y = Nd4j.createUninitialized(plain.dataType(), plain.shape(), 'c');
        NativeBlocks in = NativeBlocks.of(plain);
        NativeBlocks out = NativeBlocks.of(y);
        try {
            ImageParts.run(rows, (chunk, first, count) -> forBlocks(first, count, c, (at, len, buf) -> {
                in.read(at, len, buf.a, buf.stage);
                for (int i = 0; i < len; i += c) {
                    for (int ch = 0; ch < c; ch++) {
                        buf.a[i + ch] = buf.a[i + ch] * scale[ch] + shift[ch];
                    }
                }
                out.write(at, len, buf.a, buf.stage);
            }));
        } finally {
            KeepAlive.fence(in, out);
        }
        return y;
    }

    /**
     * Backward pass of {@link #normalize} with batch statistics: fills {@code dGamma} and {@code dBeta}
     * (length C) and returns dx, a new array of x's shape and type.
     */
    public static INDArray backward(INDArray x, INDArray dy, double[] mean, double[] invStd, double[] gamma,
                                    double[] dGamma, double[] dBeta) {
        return backward(x, dy, mean, invStd, gamma, dGamma, dBeta, true);
    }

    /**
     * Backward pass of {@link #normalize}: fills {@code dGamma} and {@code dBeta} (length C) and returns
     * dx, a new array of x's shape and type. With {@code batchStatistics}, {@code mean} and
     * {@code invStd} are taken to be x's own batch statistics (training mode) and dx includes their
     * dependence on x; without, they are constants (inference mode, the moving statistics) and
     * {@code dx = gamma * invStd * dy}.
     */
    public static INDArray backward(INDArray x, INDArray dy, double[] mean, double[] invStd, double[] gamma,
                                    double[] dGamma, double[] dBeta, boolean batchStatistics) {
        INDArray px = OpChecks.plain(x);
        INDArray pdy = OpChecks.plain(dy);
        int c = channels(px);
        if (pdy.length() != px.length()) {
            throw new IllegalArgumentException("BatchNormOps.backward: the output gradient has shape " + OpChecks.shape(pdy)
                    + " but the input has shape " + OpChecks.shape(px) + "; pass the gradient of this layer's output.");
        }
        if (px.dataType() == DataType.FLOAT && pdy.dataType() == DataType.FLOAT) {
            if (batchStatistics && OneDnnBatchNorm.applies(c, px, pdy)) {
                return OneDnnBatchNorm.backward(px, pdy, mean, invStd, gamma, dGamma, dBeta);
            }
            return BatchNormFloat.backward(px, pdy, c, mean, invStd, gamma, dGamma, dBeta, batchStatistics);
        }
        int rows = Math.toIntExact(px.length() / c);
        NativeBlocks xs = NativeBlocks.of(px);
        NativeBlocks dys = NativeBlocks.of(pdy);
        INDArray dx = Nd4j.createUninitialized(px.dataType(), px.shape(), 'c');
        NativeBlocks out = NativeBlocks.of(dx);
        try {
            int chunks = ImageParts.count(rows);
            double[][] sumDy = new double[chunks][c];
            double[][] sumDyXhat = new double[chunks][c];
            ImageParts.run(rows, (chunk, first, count) -> forBlocks(first, count, c, (at, len, buf) -> {
                xs.read(at, len, buf.a, buf.stage);
                dys.read(at, len, buf.b, buf.stage);
                double[] s1 = sumDy[chunk];
                double[] s2 = sumDyXhat[chunk];
                for (int i = 0; i < len; i += c) {
                    for (int ch = 0; ch < c; ch++) {
                        double g = buf.b[i + ch];
                        s1[ch] += g;
                        s2[ch] += g * (buf.a[i + ch] - mean[ch]) * invStd[ch];
                    }
                }
            }));
            double[] db = combine(sumDy, c);
            double[] dg = combine(sumDyXhat, c);
            System.arraycopy(db, 0, dBeta, 0, c);
            System.arraycopy(dg, 0, dGamma, 0, c);
            if (batchStatistics) {
                double[] k = new double[c];
                for (int ch = 0; ch < c; ch++) {
                    k[ch] = gamma[ch] * invStd[ch] / rows;
                }
                ImageParts.run(rows, (chunk, first, count) -> forBlocks(first, count, c, (at, len, buf) -> {
                    xs.read(at, len, buf.a, buf.stage);
                    dys.read(at, len, buf.b, buf.stage);
                    for (int i = 0; i < len; i += c) {
                        for (int ch = 0; ch < c; ch++) {
                            double xhat = (buf.a[i + ch] - mean[ch]) * invStd[ch];
                            buf.a[i + ch] = k[ch] * ((double) rows * buf.b[i + ch] - db[ch] - xhat * dg[ch]);
                        }
                    }
                    out.write(at, len, buf.a, buf.stage);
                }));
            } else {
                double[] scale = new double[c];
                for (int ch = 0; ch < c; ch++) {
                    scale[ch] = gamma[ch] * invStd[ch];
                }
                ImageParts.run(rows, (chunk, first, count) -> forBlocks(first, count, c, (at, len, buf) -> {
                    dys.read(at, len, buf.b, buf.stage);
                    for (int i = 0; i < len; i += c) {
                        for (int ch = 0; ch < c; ch++) {
                            buf.b[i + ch] *= scale[ch];
                        }
                    }
                    out.write(at, len, buf.b, buf.stage);
                }));
            }
        } finally {
            KeepAlive.fence(xs, dys, out);
        }
        return dx;
    }

    private static int channels(INDArray a) {
        if (a.rank() < 2) {
            throw new IllegalArgumentException("BatchNormOps: input must have a batch axis and a channel axis, got shape "
                    + OpChecks.shape(a) + ".");
        }
        return Math.toIntExact(a.size(a.rank() - 1));
    }

    static double[] combine(double[][] parts, int c) {
        double[] out = new double[c];
        for (double[] p : parts) {
            for (int ch = 0; ch < c; ch++) {
                out[ch] += p[ch];
            }
        }
        return out;
    }

    /** Per-thread buffers of one block. */
    private static final class Buffers {
        final double[] a;
        final double[] b;
        final float[] stage;

        Buffers(int elements) {
            a = new double[elements];
            b = new double[elements];
            stage = new float[elements];
        }
    }

    private static final ThreadLocal<Buffers[]> BUFFERS = ThreadLocal.withInitial(() -> new Buffers[1]);

    @FunctionalInterface
    private interface Block {
        void run(int at, int len, Buffers buf);
    }

    /** Runs {@code block} over rows [first, first+count) of C channels, a few thousand elements at a time. */
    private static void forBlocks(int first, int count, int c, Block block) {
        int rowsPerBlock = Math.max(1, BLOCK_ELEMENTS / c);
        Buffers[] slot = BUFFERS.get();
        int need = rowsPerBlock * c;
        if (slot[0] == null || slot[0].a.length < need) {
            slot[0] = new Buffers(need);
        }
        Buffers buf = slot[0];
        for (int r = first; r < first + count; r += rowsPerBlock) {
            int n = Math.min(rowsPerBlock, first + count - r);
            block.run(r * c, n * c, buf);
        }
    }
}
