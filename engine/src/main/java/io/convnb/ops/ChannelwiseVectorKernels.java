package io.convnb.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ChannelwiseKernels} with the JDK Vector API: one vector holds {@link #lanes()} channels of
 * one cell. Only loaded when {@link VectorSupport#available()}.
 *
 * <p>As in {@link DirectConvFloat}, vector accumulators live only inside the innermost loop (over
 * taps or cells), never across loops of run-time length, where Java 17's C2 boxes them.
 */
final class ChannelwiseVectorKernels implements ChannelwiseKernels {
    static final ChannelwiseVectorKernels INSTANCE = new ChannelwiseVectorKernels();
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private ChannelwiseVectorKernels() {
    }

    @Override
    public int lanes() {
        return L;
    }

    /**
     * Four cells at a time: each kernel vector loaded serves four independent FMA chains. A last
     * block that would run past {@code cells} is moved back to overlap the one before, recomputing
     * (and rewriting) the same values.
     */
    @Override
    public void taps(float[] in, int inStart, int inStep, int[] inOff, float[] w, int wStart, int[] wOff, float[] init,
                     float[] out, int outStart, int outStep, int cells, int fp) {
        if (cells >= 4 && slidingRows(inOff, inStep)) {
            for (int fb = 0; fb < fp; fb += L) {
                tapsSliding(in, inStart + fb, inStep, inOff, w, wStart + fb, wOff, init, fb, out, outStart + fb, outStep, cells);
            }
            return;
        }
        final int blockedEnd = cells >= 4 ? cells : 0;
        for (int start = 0; start < blockedEnd; start += 4) {
            final int m = Math.min(start, cells - 4);
            final int i0 = inStart + m * inStep, o = outStart + m * outStep;
            for (int fb = 0; fb < fp; fb += L) {
                tapsFourCells(in, i0 + fb, inStep, inOff, w, wStart + fb, wOff, init, fb, out, o + fb, outStep);
            }
        }
        for (int m = blockedEnd; m < cells; m++) {
            final int i0 = inStart + m * inStep, o = outStart + m * outStep;
            for (int fb = 0; fb < fp; fb += L) {
                FloatVector a = FloatVector.fromArray(S, init, fb);
                for (int u = 0; u < inOff.length; u++) {
                    a = FloatVector.fromArray(S, in, i0 + fb + inOff[u]).fma(FloatVector.fromArray(S, w, wStart + fb + wOff[u]), a);
                }
                a.intoArray(out, o + fb);
            }
        }
    }

    private static void tapsFourCells(float[] in, int i0, int inStep, int[] inOff, float[] w, int w0, int[] wOff,
                                      float[] init, int fb, float[] out, int o, int outStep) {
        // Always loaded: a choice between a loaded and a zero vector made C2 box them (ten times slower).
        FloatVector b = FloatVector.fromArray(S, init, fb);
        FloatVector a0 = b, a1 = b, a2 = b, a3 = b;
        for (int u = 0; u < inOff.length; u++) {
            FloatVector wv = FloatVector.fromArray(S, w, w0 + wOff[u]);
            int e = i0 + inOff[u];
            a0 = FloatVector.fromArray(S, in, e).fma(wv, a0);
            a1 = FloatVector.fromArray(S, in, e + inStep).fma(wv, a1);
            a2 = FloatVector.fromArray(S, in, e + 2 * inStep).fma(wv, a2);
            a3 = FloatVector.fromArray(S, in, e + 3 * inStep).fma(wv, a3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + outStep);
        a2.intoArray(out, o + 2 * outStep);
        a3.intoArray(out, o + 3 * outStep);
    }

    /**
     * Four taps at a time, so that each gradient vector loaded serves four FMA chains, and the last five
     * together where four would leave one: 3x3, 5x5 and 7x7 kernels have 4k+1 taps, and a lone tap is
     * one chain that waits on its own FMA latency every cell (on (32,56,56,64) 3x3 it took as long as
     * four taps in a group). Each tap's chain adds its cells in the same order either way.
     */
    @Override
    public void weightGradient(float[] in, int inStart, int inStep, int[] inOff, float[] dy, int dyStart, int dyStep,
                               int cells, float[] dw, float[] biasOrNull, int fp) {
        if (slidingRows(inOff, inStep)) {
            // Always an array to add into: a choice between a loaded and a zero vector would make C2 box them.
            float[] bias = biasOrNull != null ? biasOrNull : new float[fp];
            for (int fb = 0; fb < fp; fb += L) {
                weightGradientSliding(in, inStart + fb, inStep, inOff[0], inOff[3], inOff[6], dy, dyStart + fb, dyStep, cells,
                        dw, bias, fb, fp);
            }
            return;
        }
        for (int fb = 0; biasOrNull != null && fb < fp; fb += L) {
            FloatVector sum = FloatVector.fromArray(S, biasOrNull, fb);
            for (int m = 0; m < cells; m++) {
                sum = sum.add(FloatVector.fromArray(S, dy, dyStart + fb + m * dyStep));
            }
            sum.intoArray(biasOrNull, fb);
        }
        int t = 0;
        for (; t + 4 <= inOff.length && inOff.length - t != 5; t += 4) {
            for (int fb = 0; fb < fp; fb += L) {
                weightGradientFourTaps(in, inStart + fb, inStep, inOff, t, dy, dyStart + fb, dyStep, cells, dw, t * fp + fb, fp);
            }
        }
        if (inOff.length - t == 5) {
            for (int fb = 0; fb < fp; fb += L) {
                weightGradientFiveTaps(in, inStart + fb, inStep, inOff, t, dy, dyStart + fb, dyStep, cells, dw, t * fp + fb, fp);
            }
            t += 5;
        }
        for (; t < inOff.length; t++) {
            for (int fb = 0; fb < fp; fb += L) {
                final int e0 = inStart + fb + inOff[t], d0 = dyStart + fb, to = t * fp + fb;
                FloatVector g = FloatVector.fromArray(S, dw, to);
                for (int m = 0; m < cells; m++) {
                    g = FloatVector.fromArray(S, in, e0 + m * inStep).fma(FloatVector.fromArray(S, dy, d0 + m * dyStep), g);
                }
                g.intoArray(dw, to);
            }
        }
    }

    private static void weightGradientFourTaps(float[] in, int e0, int inStep, int[] inOff, int t, float[] dy, int d0,
                                               int dyStep, int cells, float[] dw, int to, int fp) {
        final int o0 = inOff[t], o1 = inOff[t + 1], o2 = inOff[t + 2], o3 = inOff[t + 3];
        FloatVector g0 = FloatVector.fromArray(S, dw, to), g1 = FloatVector.fromArray(S, dw, to + fp);
        FloatVector g2 = FloatVector.fromArray(S, dw, to + 2 * fp), g3 = FloatVector.fromArray(S, dw, to + 3 * fp);
        for (int m = 0; m < cells; m++) {
            FloatVector d = FloatVector.fromArray(S, dy, d0 + m * dyStep);
            int e = e0 + m * inStep;
            g0 = FloatVector.fromArray(S, in, e + o0).fma(d, g0);
            g1 = FloatVector.fromArray(S, in, e + o1).fma(d, g1);
            g2 = FloatVector.fromArray(S, in, e + o2).fma(d, g2);
            g3 = FloatVector.fromArray(S, in, e + o3).fma(d, g3);
        }
        g0.intoArray(dw, to);
        g1.intoArray(dw, to + fp);
        g2.intoArray(dw, to + 2 * fp);
        g3.intoArray(dw, to + 3 * fp);
    }

    private static void weightGradientFiveTaps(float[] in, int e0, int inStep, int[] inOff, int t, float[] dy, int d0,
                                               int dyStep, int cells, float[] dw, int to, int fp) {
        final int o0 = inOff[t], o1 = inOff[t + 1], o2 = inOff[t + 2], o3 = inOff[t + 3], o4 = inOff[t + 4];
        FloatVector g0 = FloatVector.fromArray(S, dw, to), g1 = FloatVector.fromArray(S, dw, to + fp);
        FloatVector g2 = FloatVector.fromArray(S, dw, to + 2 * fp), g3 = FloatVector.fromArray(S, dw, to + 3 * fp);
        FloatVector g4 = FloatVector.fromArray(S, dw, to + 4 * fp);
        for (int m = 0; m < cells; m++) {
            FloatVector d = FloatVector.fromArray(S, dy, d0 + m * dyStep);
            int e = e0 + m * inStep;
            g0 = FloatVector.fromArray(S, in, e + o0).fma(d, g0);
            g1 = FloatVector.fromArray(S, in, e + o1).fma(d, g1);
            g2 = FloatVector.fromArray(S, in, e + o2).fma(d, g2);
            g3 = FloatVector.fromArray(S, in, e + o3).fma(d, g3);
            g4 = FloatVector.fromArray(S, in, e + o4).fma(d, g4);
        }
        g0.intoArray(dw, to);
        g1.intoArray(dw, to + fp);
        g2.intoArray(dw, to + 2 * fp);
        g3.intoArray(dw, to + 3 * fp);
        g4.intoArray(dw, to + 4 * fp);
    }

    /**
     * Whether the taps are three rows of three whose columns are one cell step apart
     * ({@code inOff[3i + j] == inOff[3i] + j*inStep}): a 3x3 kernel with stride and dilation equal
     * along the width (stride 1 and dilation 1, the common depthwise layer), where a cell's column
     * j+1 is its right neighbour's column j. Then the kernels below load each input vector once per
     * row of taps instead of once per tap, and hold nine kernel vectors or nine sums in registers,
     * which only 512-bit machines (32 vector registers) have room for.
     */
    private static boolean slidingRows(int[] inOff, int inStep) {
        if (inOff.length != 9 || S.vectorBitSize() < 512) {
            return false;
        }
        for (int i = 0; i < 9; i += 3) {
            if (inOff[i + 1] != inOff[i] + inStep || inOff[i + 2] != inOff[i] + 2 * inStep) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #taps} for {@link #slidingRows} taps, one lane block: the nine kernel vectors stay in
     * registers, and four cells at a time read six input vectors per row of taps (18 loads for 36
     * multiply-adds, where {@link #tapsFourCells} makes 45). Each cell still adds its taps in order, so
     * the bits are the same. A last block that would run past {@code cells} (at least four) is moved
     * back to overlap the one before.
     */
    private static void tapsSliding(float[] in, int i0, int inStep, int[] inOff, float[] w, int w0, int[] wOff,
                                    float[] init, int fb, float[] out, int o0, int outStep, int cells) {
        final int r0 = inOff[0], r1 = inOff[3], r2 = inOff[6];
        final FloatVector w00 = FloatVector.fromArray(S, w, w0 + wOff[0]), w01 = FloatVector.fromArray(S, w, w0 + wOff[1]);
        final FloatVector w02 = FloatVector.fromArray(S, w, w0 + wOff[2]), w10 = FloatVector.fromArray(S, w, w0 + wOff[3]);
        final FloatVector w11 = FloatVector.fromArray(S, w, w0 + wOff[4]), w12 = FloatVector.fromArray(S, w, w0 + wOff[5]);
        final FloatVector w20 = FloatVector.fromArray(S, w, w0 + wOff[6]), w21 = FloatVector.fromArray(S, w, w0 + wOff[7]);
        final FloatVector w22 = FloatVector.fromArray(S, w, w0 + wOff[8]);
        final FloatVector b = FloatVector.fromArray(S, init, fb);
        for (int start = 0; start < cells; start += 4) {
            final int m = Math.min(start, cells - 4);
            final int e = i0 + m * inStep;
            FloatVector a0 = b, a1 = b, a2 = b, a3 = b;
            int r = e + r0;
            FloatVector x0 = FloatVector.fromArray(S, in, r), x1 = FloatVector.fromArray(S, in, r + inStep);
            FloatVector x2 = FloatVector.fromArray(S, in, r + 2 * inStep), x3 = FloatVector.fromArray(S, in, r + 3 * inStep);
            FloatVector x4 = FloatVector.fromArray(S, in, r + 4 * inStep), x5 = FloatVector.fromArray(S, in, r + 5 * inStep);
            a0 = x2.fma(w02, x1.fma(w01, x0.fma(w00, a0)));
            a1 = x3.fma(w02, x2.fma(w01, x1.fma(w00, a1)));
            a2 = x4.fma(w02, x3.fma(w01, x2.fma(w00, a2)));
            a3 = x5.fma(w02, x4.fma(w01, x3.fma(w00, a3)));
            r = e + r1;
            x0 = FloatVector.fromArray(S, in, r);
            x1 = FloatVector.fromArray(S, in, r + inStep);
            x2 = FloatVector.fromArray(S, in, r + 2 * inStep);
            x3 = FloatVector.fromArray(S, in, r + 3 * inStep);
            x4 = FloatVector.fromArray(S, in, r + 4 * inStep);
            x5 = FloatVector.fromArray(S, in, r + 5 * inStep);
            a0 = x2.fma(w12, x1.fma(w11, x0.fma(w10, a0)));
            a1 = x3.fma(w12, x2.fma(w11, x1.fma(w10, a1)));
            a2 = x4.fma(w12, x3.fma(w11, x2.fma(w10, a2)));
            a3 = x5.fma(w12, x4.fma(w11, x3.fma(w10, a3)));
            r = e + r2;
            x0 = FloatVector.fromArray(S, in, r);
            x1 = FloatVector.fromArray(S, in, r + inStep);
            x2 = FloatVector.fromArray(S, in, r + 2 * inStep);
            x3 = FloatVector.fromArray(S, in, r + 3 * inStep);
            x4 = FloatVector.fromArray(S, in, r + 4 * inStep);
            x5 = FloatVector.fromArray(S, in, r + 5 * inStep);
            a0 = x2.fma(w22, x1.fma(w21, x0.fma(w20, a0)));
            a1 = x3.fma(w22, x2.fma(w21, x1.fma(w20, a1)));
            a2 = x4.fma(w22, x3.fma(w21, x2.fma(w20, a2)));
            a3 = x5.fma(w22, x4.fma(w21, x3.fma(w20, a3)));
            final int o = o0 + m * outStep;
            a0.intoArray(out, o);
            a1.intoArray(out, o + outStep);
            a2.intoArray(out, o + 2 * outStep);
            a3.intoArray(out, o + 3 * outStep);
        }
    }

    /**
     * {@link #weightGradient} for {@link #slidingRows} taps, one lane block: nine sums in registers,
     * and per cell one output-gradient vector and three new input vectors (its rows' rightmost
     * columns; the other six are the previous cell's, passed along), where the four- and five-tap
     * groups load eleven. Each tap adds its cells in order, so the bits are the same.
     */
    private static void weightGradientSliding(float[] in, int e0, int inStep, int r0, int r1, int r2, float[] dy, int d0,
                                              int dyStep, int cells, float[] dw, float[] db, int fb, int fp) {
        FloatVector bias = FloatVector.fromArray(S, db, fb);
        FloatVector g00 = FloatVector.fromArray(S, dw, fb), g01 = FloatVector.fromArray(S, dw, fp + fb);
        FloatVector g02 = FloatVector.fromArray(S, dw, 2 * fp + fb), g10 = FloatVector.fromArray(S, dw, 3 * fp + fb);
        FloatVector g11 = FloatVector.fromArray(S, dw, 4 * fp + fb), g12 = FloatVector.fromArray(S, dw, 5 * fp + fb);
        FloatVector g20 = FloatVector.fromArray(S, dw, 6 * fp + fb), g21 = FloatVector.fromArray(S, dw, 7 * fp + fb);
        FloatVector g22 = FloatVector.fromArray(S, dw, 8 * fp + fb);
        FloatVector p0 = FloatVector.fromArray(S, in, e0 + r0), q0 = FloatVector.fromArray(S, in, e0 + r0 + inStep);
        FloatVector p1 = FloatVector.fromArray(S, in, e0 + r1), q1 = FloatVector.fromArray(S, in, e0 + r1 + inStep);
        FloatVector p2 = FloatVector.fromArray(S, in, e0 + r2), q2 = FloatVector.fromArray(S, in, e0 + r2 + inStep);
        for (int m = 0; m < cells; m++) {
            final FloatVector d = FloatVector.fromArray(S, dy, d0 + m * dyStep);
            final int e = e0 + (m + 2) * inStep;
            final FloatVector n0 = FloatVector.fromArray(S, in, e + r0);
            final FloatVector n1 = FloatVector.fromArray(S, in, e + r1);
            final FloatVector n2 = FloatVector.fromArray(S, in, e + r2);
            bias = bias.add(d);
            g00 = p0.fma(d, g00);
            g01 = q0.fma(d, g01);
            g02 = n0.fma(d, g02);
            g10 = p1.fma(d, g10);
            g11 = q1.fma(d, g11);
            g12 = n1.fma(d, g12);
            g20 = p2.fma(d, g20);
            g21 = q2.fma(d, g21);
            g22 = n2.fma(d, g22);
            p0 = q0;
            q0 = n0;
            p1 = q1;
            q1 = n1;
            p2 = q2;
            q2 = n2;
        }
        g00.intoArray(dw, fb);
        g01.intoArray(dw, fp + fb);
        g02.intoArray(dw, 2 * fp + fb);
        g10.intoArray(dw, 3 * fp + fb);
        g11.intoArray(dw, 4 * fp + fb);
        g12.intoArray(dw, 5 * fp + fb);
        g20.intoArray(dw, 6 * fp + fb);
        g21.intoArray(dw, 7 * fp + fb);
        g22.intoArray(dw, 8 * fp + fb);
        bias.intoArray(db, fb);
    }
}
