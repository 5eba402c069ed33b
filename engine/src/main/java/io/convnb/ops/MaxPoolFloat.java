package io.convnb.ops;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max and average pooling on FLOAT tensors whose pads libnd4j's ops cannot express (asymmetric pads
 * other than TensorFlow's "same"; {@link NativePool} takes the rest, faster), images split over the
 * cores ({@link ImageParts}). One row of windows at a time, each thread lays the input out as <em>planes</em>:
 * plane {@code k = dh*pw + dw} holds, for every window of the row, its cell at {@code (dh, dw)} (a padded
 * cell holds -infinity for max pooling, 0 for average pooling), so that {@code plane_k[ow*C + ch]} lines up
 * with {@code out[ow*C + ch]}. Every arithmetic loop then indexes all its arrays with one index, which
 * C2 turns into SIMD code on any JVM (with or without the Vector API module, with the same bits); loops
 * that read a window's cells at run-time offsets stayed scalar, and a max-pooling backward written that
 * way took 3x PyTorch's time on (32, 56, 56, 64). The copies into planes are whole cells
 * ({@code System.arraycopy} of C floats).
 *
 * <p>The backward pass rebuilds the planes from the kept input and scatters each plane's gradient back:
 * when the windows tile the input (stride = window, no padding, sizes divide: the usual 2x2 pooling)
 * every cell is stored once, band by band; otherwise a whole image's gradient is cleared and added to.
 *
 * <p>Semantics, as in the general path in {@link Pool2DOps}: a max window's value is
 * {@link Math#max(float, float)} over its valid cells (NaN if any is NaN); its gradient goes to the first
 * cell in row-major order equal to that maximum, found without branches by the indicator
 * {@code 1 - min(1, max(0, (y' - x) * 2^200))} of {@code x == y}, where {@code y'} is y clamped to the
 * finite range (so that an infinite maximum finds its cell: y' - x is then -infinity or a finite value).
 * Limits of that arithmetic, all on windows that training has already lost: a window whose maximum is
 * NaN gets a NaN gradient; one whose valid cells are all -infinity passes none; in one that holds both
 * +infinity and {@code Float.MAX_VALUE}, the first of the two wins. Padded cells never win. An average
 * window divides by its valid cells.
 * Windows never cross images, so each image's gradient is computed by one thread alone and results do
 * not depend on the thread count.
 */
final class MaxPoolFloat {
    private MaxPoolFloat() {
    }

    /** Whether every input cell lies in exactly one window. */
    static boolean tiles(int ph, int pw, ConvGeometry g) {
        return g.sh() == ph && g.sw() == pw && g.pt() == 0 && g.pl() == 0 && g.oh() * ph == g.h() && g.ow() * pw == g.w();
    }

    /**
     * Max pooling. Only the maxima are computed; the backward pass finds the winners again from the kept
     * input and output (recording the winning cell here cost more than finding it again).
     */
    static PoolResult forward(INDArray x, int ph, int pw, Conv2DSpec spec, ConvGeometry g) {
        INDArray plain = OpChecks.plain(x);
        INDArray result = pool(plain, ph, pw, g, true);
        return new PoolResult(result, null, x.shape(), plain, ph, pw, spec);
    }

    /** Average pooling over the valid cells of each window. */
    static INDArray avgForward(INDArray x, int ph, int pw, ConvGeometry g) {
        return pool(OpChecks.plain(x), ph, pw, g, false);
    }

    private static INDArray pool(INDArray plain, int ph, int pw, ConvGeometry g, boolean max) {
        FloatBuffer src = plain.data().asNioFloat();
        int base = Math.toIntExact(plain.offset());
        int outRow = g.ow() * g.c();
        INDArray result = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), g.ow(), g.c()}, 'c');
        FloatBuffer dst = result.data().asNioFloat();
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Planes p = new Planes(ph, pw, g, max);
                float[] out = Scratch.get().floats("pool.out", outRow);
                for (int n = first; n < first + count; n++) {
                    for (int oh = 0; oh < g.oh(); oh++) {
                        p.load(src, base, n, oh);
                        if (max) {
                            p.max(out);
                        } else {
                            p.mean(out);
                        }
                        dst.put((n * g.oh() + oh) * outRow, out, 0, outRow);
                    }
                }
            });
        } finally {
            KeepAlive.fence(plain, result);
        }
        return result;
    }

    /**
     * Gradient of {@link #forward}: each dy element goes to the first cell of its window (row-major) that
     * holds the window's maximum, the cell that wins under "later cells win only if strictly greater".
     */
    static INDArray backward(PoolResult r, INDArray dy, ConvGeometry g) {
        return gradient(OpChecks.plain(dy), r.input(), OpChecks.plain(r.output()), r.inputShape(), r.poolH(), r.poolW(), g);
    }

    /** Gradient of {@link #avgForward}: each dy element is shared equally by its window's valid cells. */
    static INDArray avgBackward(INDArray dy, ConvGeometry g, int ph, int pw) {
        return gradient(OpChecks.plain(dy), null, null, new long[] {g.n(), g.h(), g.w(), g.c()}, ph, pw, g);
    }

    /** Max gradient with the kept input and output, or average gradient when they are null. */
    private static INDArray gradient(INDArray gy, INDArray input, INDArray output, long[] inputShape, int ph, int pw,
                                     ConvGeometry g) {
        boolean max = input != null;
        FloatBuffer gySrc = gy.data().asNioFloat();
        FloatBuffer xSrc = max ? input.data().asNioFloat() : null;
        FloatBuffer ySrc = max ? output.data().asNioFloat() : null;
        int gyBase = Math.toIntExact(gy.offset());
        int xBase = max ? Math.toIntExact(input.offset()) : 0;
        int yBase = max ? Math.toIntExact(output.offset()) : 0;
        int rowLen = g.w() * g.c();
        int outRow = g.ow() * g.c();
        boolean tiles = tiles(ph, pw, g);
        // Tiling windows: one band of ph rows at a time, every cell stored once. Otherwise a whole image,
        // cleared and added to, since windows overlap or leave cells out.
        int rows = tiles ? ph : g.h();
        INDArray result = Nd4j.createUninitialized(DataType.FLOAT, inputShape, 'c');
        FloatBuffer dst = result.data().asNioFloat();
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Planes p = new Planes(ph, pw, g, max);
                Scratch scratch = Scratch.get();
                float[] dx = scratch.floats("pool.dx", rows * rowLen);
                float[] y = max ? scratch.floats("pool.out", outRow) : null;
                float[] gyRow = scratch.floats("pool.dy", outRow);
                for (int n = first; n < first + count; n++) {
                    if (!tiles) {
                        Arrays.fill(dx, 0, g.h() * rowLen, 0f);
                    }
                    for (int oh = 0; oh < g.oh(); oh++) {
                        int o = (n * g.oh() + oh) * outRow;
                        gySrc.get(gyBase + o, gyRow, 0, outRow);
                        if (max) {
                            p.load(xSrc, xBase, n, oh);
                            ySrc.get(yBase + o, y, 0, outRow);
                            p.maxGradient(y, gyRow);
                        } else {
                            p.meanGradient(oh, gyRow);
                        }
                        p.scatter(dx, oh, tiles ? oh * ph : 0, tiles);
                        if (tiles) {
                            dst.put((n * g.h() + oh * ph) * rowLen, dx, 0, ph * rowLen);
                        }
                    }
                    if (!tiles) {
                        dst.put(n * g.h() * rowLen, dx, 0, g.h() * rowLen);
                    }
                }
            });
        } finally {
            KeepAlive.fence(gy, input, output, result);
        }
        return result;
    }

    /** One thread's planes for one row of windows, and the loops over them. */
    private static final class Planes {
        private final int ph;
        private final int pw;
        private final ConvGeometry g;
        private final boolean max;
        private final int len;
        /** plane[k][ow*C + ch]: cell (dh, dw) = (k / pw, k % pw) of window ow; later its gradient. */
        private final float[][] plane;
        private final float[] row;
        private final float[] aux;
        private final float[] aux2;
        /** The window row {@link #load} filled the planes from. */
        private int loadedRow = -1;

        Planes(int ph, int pw, ConvGeometry g, boolean max) {
            this.ph = ph;
            this.pw = pw;
            this.g = g;
            this.max = max;
            this.len = g.ow() * g.c();
            Scratch s = Scratch.get();
            this.plane = new float[ph * pw][];
            for (int k = 0; k < plane.length; k++) {
                plane[k] = s.floats("pool.plane" + k, len);
            }
            this.row = s.floats("pool.row", g.w() * g.c());
            this.aux = s.floats("pool.aux", len);
            this.aux2 = s.floats("pool.aux2", len);
        }

        private int inputRow(int oh, int dh) {
            return oh * g.sh() - g.pt() + dh;
        }

        private int inputColumn(int ow, int dw) {
            return ow * g.sw() - g.pl() + dw;
        }

        /** Fills the planes of window row {@code oh} of image {@code n} from the input. */
        void load(FloatBuffer src, int base, int n, int oh) {
            loadedRow = oh;
            final int c = g.c();
            float pad = max ? Float.NEGATIVE_INFINITY : 0f;
            for (int dh = 0; dh < ph; dh++) {
                int ih = inputRow(oh, dh);
                boolean rowValid = ih >= 0 && ih < g.h();
                if (rowValid) {
                    src.get(base + (n * g.h() + ih) * g.w() * c, row, 0, g.w() * c);
                }
                for (int dw = 0; dw < pw; dw++) {
                    float[] p = plane[dh * pw + dw];
                    for (int ow = 0; ow < g.ow(); ow++) {
                        int iw = inputColumn(ow, dw);
                        if (rowValid && iw >= 0 && iw < g.w()) {
                            System.arraycopy(row, iw * c, p, ow * c, c);
                        } else {
                            Arrays.fill(p, ow * c, ow * c + c, pad);
                        }
                    }
                }
            }
        }

        /** {@code out = max over planes}, in plane order. */
        void max(float[] out) {
            System.arraycopy(plane[0], 0, out, 0, len);
            for (int k = 1; k < plane.length; k++) {
                float[] p = plane[k];
                for (int j = 0; j < len; j++) {
                    out[j] = Math.max(out[j], p[j]);
                }
            }
        }

        /** {@code out = (0 + plane_0 + plane_1 + ...) / valid cells}, in plane order. */
        void mean(float[] out) {
            Arrays.fill(out, 0, len, 0f);
            for (float[] p : plane) {
                for (int j = 0; j < len; j++) {
                    out[j] += p[j];
                }
            }
            float[] inv = inverseCounts(loadedRow);
            for (int j = 0; j < len; j++) {
                out[j] *= inv[j];
            }
        }

        /** 1 / (valid cells of the window) for every element of window row {@code oh}, in {@link #aux2}. */
        private float[] inverseCounts(int oh) {
            int rowsValid = 0;
            for (int dh = 0; dh < ph; dh++) {
                int ih = inputRow(oh, dh);
                rowsValid += ih >= 0 && ih < g.h() ? 1 : 0;
            }
            final int c = g.c();
            for (int ow = 0; ow < g.ow(); ow++) {
                int colsValid = 0;
                for (int dw = 0; dw < pw; dw++) {
                    int iw = inputColumn(ow, dw);
                    colsValid += iw >= 0 && iw < g.w() ? 1 : 0;
                }
                Arrays.fill(aux2, ow * c, ow * c + c, (float) (1.0 / (rowsValid * colsValid)));
            }
            return aux2;
        }

        /**
         * Replaces each plane by its max gradient: {@code dy} for the first plane whose cell equals the
         * maximum {@code y}, 0 for the others (see the class comment for the indicator).
         */
        void maxGradient(float[] y, float[] dy) {
            float[] top = aux;     // y clamped to the finite range
            float[] open = aux2;   // 1 until the winner is found
            for (int j = 0; j < len; j++) {
                top[j] = Math.min(Math.max(y[j], -Float.MAX_VALUE), Float.MAX_VALUE);
                open[j] = 1f;
            }
            for (float[] p : plane) {
                for (int j = 0; j < len; j++) {
                    float equal = 1f - Math.min(1f, Math.max(0f, (top[j] - p[j]) * 0x1p100f * 0x1p100f));
                    float hit = equal * open[j];
                    open[j] -= hit;
                    p[j] = hit * dy[j];
                }
            }
        }

        /** Sets every plane to {@code dy / valid cells} of window row {@code oh}. */
        void meanGradient(int oh, float[] dy) {
            float[] inv = inverseCounts(oh);
            float[] share = plane[0];
            for (int j = 0; j < len; j++) {
                share[j] = dy[j] * inv[j];
            }
            for (int k = 1; k < plane.length; k++) {
                System.arraycopy(share, 0, plane[k], 0, len);
            }
        }

        /**
         * Writes the planes' gradients into {@code dx}, which holds input rows from {@code top} on: stored
         * when the windows tile the input, else added; padded cells are dropped.
         */
        void scatter(float[] dx, int oh, int top, boolean store) {
            final int c = g.c();
            int rowLen = g.w() * c;
            for (int dh = 0; dh < ph; dh++) {
                int ih = inputRow(oh, dh);
                if (ih < 0 || ih >= g.h()) {
                    continue;
                }
                for (int dw = 0; dw < pw; dw++) {
                    float[] p = plane[dh * pw + dw];
                    for (int ow = 0; ow < g.ow(); ow++) {
                        int iw = inputColumn(ow, dw);
                        if (iw < 0 || iw >= g.w()) {
                            continue;
                        }
                        int at = (ih - top) * rowLen + iw * c;
                        if (store) {
                            System.arraycopy(p, ow * c, dx, at, c);
                        } else {
                            for (int ch = 0; ch < c; ch++) {
                                dx[at + ch] += p[ow * c + ch];
                            }
                        }
                    }
                }
            }
        }
    }
}
