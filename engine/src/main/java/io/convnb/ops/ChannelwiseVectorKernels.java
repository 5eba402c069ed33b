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
                               int cells, float[] dw, int fp) {
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

    @Override
    public void cellSums(float[] dy, int start, int step, int cells, float[] sum, int fp) {
        for (int fb = 0; fb < fp; fb += L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int m = 0;
            for (; m + 4 <= cells; m += 4) {
                int e = start + m * step + fb;
                s0 = s0.add(FloatVector.fromArray(S, dy, e));
                s1 = s1.add(FloatVector.fromArray(S, dy, e + step));
                s2 = s2.add(FloatVector.fromArray(S, dy, e + 2 * step));
                s3 = s3.add(FloatVector.fromArray(S, dy, e + 3 * step));
            }
            for (; m < cells; m++) {
                s0 = s0.add(FloatVector.fromArray(S, dy, start + m * step + fb));
            }
            FloatVector.fromArray(S, sum, fb).add(s0.add(s1).add(s2.add(s3))).intoArray(sum, fb);
        }
    }
}
