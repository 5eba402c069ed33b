package io.convnb.ops;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The FLOAT passes of {@link BatchNormOps}, the training hot path. Each thread copies a block of rows
 * from native memory into a float array that fits the core's cache, works on it, and writes the block
 * back in bulk. The arithmetic is float, as in PyTorch's CPU kernels.
 *
 * <p>Every inner loop indexes all its arrays with the same index: per-channel constants are repeated
 * to the block's length, and per-channel sums are kept per element of the block ({@link Layout}). The
 * JIT turns such loops into SIMD code on any JVM, with or without the Vector API module; a loop that
 * adds {@code x[at + j]} into {@code sum[j]} (two arrays that might be one, at different offsets) stays
 * scalar and ran 5x slower. Sums are kept in float over at most
 * {@link #FOLD_BLOCKS} blocks per element and then added to double totals, so a sum over a whole
 * batch loses no more than float rounding of a few dozen terms. Blocks and fold points are fixed by
 * the shape and the machine's core count, and chunk partials are added in chunk order, so results do
 * not depend on which thread ran which chunk.
 *
 * <p>Where the JVM has the Vector API and C is a whole number of vectors, the passes run in
 * {@link BatchNormVectors} instead: on native memory directly, with the sums in registers (a
 * BatchNormalization step on (32,56,56,64) went from 8.2-11.4 ms to 4.9-5.8 ms). Its element-wise
 * results have the same bits as these loops; its sums add the same terms in another order. Elsewhere
 * {@link BatchNormOps} hands the normalization and the backward pass with batch statistics to
 * {@link OneDnnBatchNorm} where oneDNN's primitives are on; {@link #moments} stays here for every path.
 *
 * <p>The same formulas as the DOUBLE path, rearranged to save operations per element: the backward
 * sums use {@code x - mean} and scale by {@code invStd} once per channel, and dx is
 * {@code a*dy - b*x + d} with per-channel {@code a, b, d}.
 */
final class BatchNormFloat {
    /** Floats per block: a block, its per-element sums and constants stay in a core's L2 cache. */
    private static final int BLOCK_ELEMENTS = 8_192;
    /** Blocks summed per element in float before the sums go into the double totals. */
    static final int FOLD_BLOCKS = 32;

    private BatchNormFloat() {
    }

    /** Rows per block for C channels. */
    record Layout(int c, int blockRows) {
        static Layout of(int c) {
            return new Layout(c, Math.max(1, BLOCK_ELEMENTS / c));
        }

        int block() {
            return blockRows * c;
        }

        /** {@code values} (length C) repeated once per row of a block. */
        float[] repeat(float[] values) {
            float[] out = new float[block()];
            for (int r = 0; r < blockRows; r++) {
                System.arraycopy(values, 0, out, r * c, c);
            }
            return out;
        }

        /** Adds the per-element sums {@code sums} (one block long) to {@code total} (length C), and clears them. */
        void fold(float[] sums, double[] total) {
            for (int r = 0; r < blockRows; r++) {
                for (int ch = 0; ch < c; ch++) {
                    total[ch] += sums[r * c + ch];
                }
            }
            Arrays.fill(sums, 0, block(), 0f);
        }

        /**
         * Runs {@code block} over rows [first, first+count), one block at a time, and {@code fold} after
         * every {@link #FOLD_BLOCKS} blocks and after the last.
         */
        void forBlocks(int first, int count, Block block, Runnable fold) {
            int k = 0;
            for (int r = first; r < first + count; r += blockRows) {
                int n = Math.min(blockRows, first + count - r);
                block.run(r * c, n * c);
                if (++k % FOLD_BLOCKS == 0 || r + n == first + count) {
                    fold.run();
                }
            }
        }

        void forBlocks(int first, int count, Block block) {
            forBlocks(first, count, block, () -> { });
        }
    }

    @FunctionalInterface
    interface Block {
        void run(int at, int len);
    }

    /** One block of a {@link #twoSums} pass: fills a and b as it needs and adds into the per-element sums. */
    @FunctionalInterface
    interface SumBlock {
        void run(int at, int len, float[] a, float[] b, float[] sum1, float[] sum2);
    }

    /** One chunk's share of a pass that sums two per-channel totals: adds rows [first, first+count) into s1 and s2. */
    @FunctionalInterface
    interface ChunkSums {
        void run(int first, int count, double[] s1, double[] s2);
    }

    /**
     * Two per-channel totals over all rows: each chunk of rows adds into its own double totals
     * ({@code body}), and the chunk totals are added in chunk order. The thread that runs a chunk
     * allocates its totals: arrays that the calling thread allocated side by side shared cache lines
     * between the two threads, which took the Vector API moments pass (it adds into its totals every
     * 32 rows) from 0.4-0.5 ms to 1.2 ms.
     */
    private static double[][] chunkSums(int rows, int c, ChunkSums body) {
        int chunks = ImageParts.count(rows);
        double[][] first = new double[chunks][];
        double[][] second = new double[chunks][];
        ImageParts.run(rows, (chunk, start, count) -> {
            double[] s1 = new double[c];
            double[] s2 = new double[c];
            body.run(start, count, s1, s2);
            first[chunk] = s1;
            second[chunk] = s2;
        });
        return new double[][] {BatchNormOps.combine(first, c), BatchNormOps.combine(second, c)};
    }

    /**
     * {@link #chunkSums} through heap blocks: each thread adds its chunk's blocks into two per-element
     * float sums ({@code body}, given the thread's block arrays a and b) and folds them into the chunk's
     * double totals every {@link #FOLD_BLOCKS} blocks.
     */
    private static double[][] twoSums(Layout l, int rows, SumBlock body) {
        int bl = l.block();
        return chunkSums(rows, l.c(), (start, count, total1, total2) -> {
            Scratch scratch = Scratch.get();
            float[] a = scratch.floats("bn.a", bl);
            float[] b = scratch.floats("bn.b", bl);
            float[] sum1 = scratch.floats("bn.acc", bl);
            float[] sum2 = scratch.floats("bn.acc2", bl);
            Arrays.fill(sum1, 0, bl, 0f);
            Arrays.fill(sum2, 0, bl, 0f);
            l.forBlocks(start, count, (at, len) -> body.run(at, len, a, b, sum1, sum2), () -> {
                l.fold(sum1, total1);
                l.fold(sum2, total2);
            });
        });
    }

    /**
     * Whether {@link BatchNormVectors} runs the passes over these arrays in this JVM: the Vector API is
     * present, C is a whole number of vectors, and every array's bytes have int offsets.
     */
    static boolean vectors(int c, INDArray... arrays) {
        if (!VectorSupport.available() || !BatchNormVectors.applies(c)) {
            return false;
        }
        for (INDArray a : arrays) {
            if ((a.offset() + a.length()) * Float.BYTES > Integer.MAX_VALUE) {
                return false;
            }
        }
        return true;
    }

    /** Byte offset of a plain array's first element in its buffer's {@code asNio()} view. */
    private static int byteBase(INDArray plain) {
        return Math.toIntExact(plain.offset() * Float.BYTES);
    }

    /** Rows averaged for the shift of {@link #moments}: spread evenly over the batch. */
    static final int SHIFT_SAMPLE_ROWS = 64;

    /**
     * The batch mean and biased variance in one pass over x: the sums of {@code d = x - k} and
     * {@code d^2} around a per-channel shift k, the mean of {@link #SHIFT_SAMPLE_ROWS} rows spread over
     * the batch, then {@code mean = k + S1/M}, {@code var = (S2 - S1^2/M) / M}. With k within a fraction
     * of a standard deviation of the mean the subtraction loses nothing (a shift far from the mean, such
     * as 0 under a mean of 1000, would lose most digits of the variance); one pass instead of two (the
     * mean, then the centred squares) saves a read of x, a fifth of the layer's memory traffic.
     */
    static BatchNormOps.Moments moments(INDArray plain, int c) {
        return moments(plain, c, vectors(c, plain));
    }

    /** {@link #moments(INDArray, int)}, through {@link BatchNormVectors} where {@code vectors}. */
    static BatchNormOps.Moments moments(INDArray plain, int c, boolean vectors) {
        int rows = Math.toIntExact(plain.length() / c);
        Layout l = Layout.of(c);
        FloatBuffer in = plain.data().asNioFloat();
        int base = Math.toIntExact(plain.offset());
        try {
            float[] shift = new float[c];
            double[] sample = new double[c];
            int samples = Math.min(rows, SHIFT_SAMPLE_ROWS);
            float[] row = new float[c];
            for (int i = 0; i < samples; i++) {
                in.get(base + (int) ((long) i * rows / samples) * c, row, 0, c);
                for (int ch = 0; ch < c; ch++) {
                    sample[ch] += row[ch];
                }
            }
            for (int ch = 0; ch < c; ch++) {
                shift[ch] = (float) (sample[ch] / samples);
            }
            double[][] sums;
            if (vectors) {
                ByteBuffer bytes = plain.data().asNio();
                int at = byteBase(plain);
                sums = chunkSums(rows, c, (first, count, s1, s2) ->
                        BatchNormVectors.sums(bytes, at, null, 0, shift, c, first, count, s1, s2));
            } else {
                float[] k = l.repeat(shift);
                sums = twoSums(l, rows, (at, len, a, b, lin, sq) -> {
                    in.get(base + at, a, 0, len);
                    for (int i = 0; i < len; i++) {
                        float d = a[i] - k[i];
                        lin[i] += d;
                        sq[i] += d * d;
                    }
                });
            }
            double[] s1 = sums[0];
            double[] s2 = sums[1];
            double[] mean = new double[c];
            double[] variance = new double[c];
            for (int ch = 0; ch < c; ch++) {
                mean[ch] = shift[ch] + s1[ch] / rows;
                variance[ch] = Math.max(0, (s2[ch] - s1[ch] * s1[ch] / rows) / rows);
            }
            return new BatchNormOps.Moments(mean, variance);
        } finally {
            KeepAlive.fence(plain);
        }
    }

    /** {@code y = x * scale + shift} per channel, a new FLOAT array of x's shape. */
    static INDArray affine(INDArray plain, int c, float[] scale, float[] shift) {
        return affine(plain, c, scale, shift, vectors(c, plain));
    }

    /** {@link #affine(INDArray, int, float[], float[])}, through {@link BatchNormVectors} where {@code vectors}. */
    static INDArray affine(INDArray plain, int c, float[] scale, float[] shift, boolean vectors) {
        int rows = Math.toIntExact(plain.length() / c);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, plain.shape(), 'c');
        if (vectors) {
            ByteBuffer in = plain.data().asNio();
            ByteBuffer out = y.data().asNio();
            int at = byteBase(plain);
            try {
                ImageParts.run(rows, (chunk, first, count) ->
                        BatchNormVectors.affine(in, at, out, 0, scale, shift, c, first, count));
            } finally {
                KeepAlive.fence(plain, y);
            }
            return y;
        }
        Layout l = Layout.of(c);
        float[] s = l.repeat(scale);
        float[] t = l.repeat(shift);
        FloatBuffer in = plain.data().asNioFloat();
        FloatBuffer out = y.data().asNioFloat();
        int base = Math.toIntExact(plain.offset());
        try {
            ImageParts.run(rows, (chunk, first, count) -> {
                float[] a = Scratch.get().floats("bn.a", l.block());
                l.forBlocks(first, count, (at, len) -> {
                    in.get(base + at, a, 0, len);
                    for (int i = 0; i < len; i++) {
                        a[i] = a[i] * s[i] + t[i];
                    }
                    out.put(at, a, 0, len);
                });
            });
        } finally {
            KeepAlive.fence(plain, y);
        }
        return y;
    }

    /** See {@link BatchNormOps#backward(INDArray, INDArray, double[], double[], double[], double[], double[], boolean)}. */
    static INDArray backward(INDArray px, INDArray pdy, int c, double[] mean, double[] invStd, double[] gamma,
                             double[] dGamma, double[] dBeta, boolean batchStatistics) {
        return backward(px, pdy, c, mean, invStd, gamma, dGamma, dBeta, batchStatistics, vectors(c, px, pdy));
    }

    /** The backward pass, through {@link BatchNormVectors} where {@code vectors}. */
    static INDArray backward(INDArray px, INDArray pdy, int c, double[] mean, double[] invStd, double[] gamma,
                             double[] dGamma, double[] dBeta, boolean batchStatistics, boolean vectors) {
        int rows = Math.toIntExact(px.length() / c);
        Layout l = Layout.of(c);
        int bl = l.block();
        FloatBuffer xs = px.data().asNioFloat();
        FloatBuffer dys = pdy.data().asNioFloat();
        int xBase = Math.toIntExact(px.offset());
        int dyBase = Math.toIntExact(pdy.offset());
        float[] meanF = new float[c];
        for (int ch = 0; ch < c; ch++) {
            meanF[ch] = (float) mean[ch];
        }
        ByteBuffer xBytes = vectors ? px.data().asNio() : null;
        ByteBuffer dyBytes = vectors ? pdy.data().asNio() : null;
        int xAt = vectors ? byteBase(px) : 0;
        int dyAt = vectors ? byteBase(pdy) : 0;
        try {
            double[][] sums;
            if (vectors) {
                sums = chunkSums(rows, c, (first, count, s1, s2) ->
                        BatchNormVectors.sums(xBytes, xAt, dyBytes, dyAt, meanF, c, first, count, s1, s2));
            } else {
                float[] m = l.repeat(meanF);
                sums = twoSums(l, rows, (at, len, a, b, acc1, acc2) -> {
                    xs.get(xBase + at, a, 0, len);
                    dys.get(dyBase + at, b, 0, len);
                    for (int i = 0; i < len; i++) {
                        float dy = b[i];
                        acc1[i] += dy;
                        acc2[i] += dy * (a[i] - m[i]);
                    }
                });
            }
            double[] db = sums[0];
            double[] dg = sums[1];
            for (int ch = 0; ch < c; ch++) {
                dg[ch] *= invStd[ch];
            }
            System.arraycopy(db, 0, dBeta, 0, c);
            System.arraycopy(dg, 0, dGamma, 0, c);
            // dx = a*dy - b*x + d, from gamma*invStd/M * (M*dy - db - (x - mean)*invStd*dg).
            float[] ka = new float[c];
            float[] kb = new float[c];
            float[] kd = new float[c];
            for (int ch = 0; ch < c; ch++) {
                double scale = gamma[ch] * invStd[ch];
                ka[ch] = (float) scale;
                if (batchStatistics) {
                    double slope = scale / rows * invStd[ch] * dg[ch];
                    kb[ch] = (float) slope;
                    kd[ch] = (float) (slope * mean[ch] - scale / rows * db[ch]);
                }
            }
            INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, px.shape(), 'c');
            if (vectors) {
                ByteBuffer out = dx.data().asNio();
                ImageParts.run(rows, (chunk, first, count) -> {
                    if (batchStatistics) {
                        BatchNormVectors.inputGradient(dyBytes, dyAt, xBytes, xAt, out, 0, ka, kb, kd, c, first, count);
                    } else {
                        BatchNormVectors.scaledGradient(dyBytes, dyAt, out, 0, ka, c, first, count);
                    }
                });
                KeepAlive.fence(dx);
                return dx;
            }
            float[] ra = l.repeat(ka);
            float[] rb = l.repeat(kb);
            float[] rd = l.repeat(kd);
            FloatBuffer out = dx.data().asNioFloat();
            ImageParts.run(rows, (chunk, first, count) -> {
                float[] a = Scratch.get().floats("bn.a", bl);
                float[] b = Scratch.get().floats("bn.b", bl);
                l.forBlocks(first, count, (at, len) -> {
                    dys.get(dyBase + at, b, 0, len);
                    if (batchStatistics) {
                        xs.get(xBase + at, a, 0, len);
                        for (int i = 0; i < len; i++) {
                            b[i] = ra[i] * b[i] - rb[i] * a[i] + rd[i];
                        }
                    } else {
                        for (int i = 0; i < len; i++) {
                            b[i] *= ra[i];
                        }
                    }
                    out.put(at, b, 0, len);
                });
            });
            KeepAlive.fence(dx);
            return dx;
        } finally {
            KeepAlive.fence(px, pdy);
        }
    }
}
