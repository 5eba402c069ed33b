package io.convnb.ops;

/**
 * {@link ChannelwiseKernels} in plain Java, for a JVM without the Vector API: the sums of
 * {@link ChannelwiseVectorKernels}, in the same order and with fused multiply-adds, so both give
 * identical bits. Slow: Java 17's C2 does not turn these loops into SIMD instructions, because
 * their arrays are read and written at different run-time offsets and it cannot rule out that a
 * store feeds a later load (a loop whose arrays all share one index does vectorise). Measured
 * about 20 times slower than the Vector API kernels on (32,56,56,64) 3x3 depthwise; staging every
 * slice into arrays indexed from 0 so that C2 vectorises was slower still, from the copies.
 */
final class ChannelwiseScalarKernels implements ChannelwiseKernels {
    static final ChannelwiseScalarKernels INSTANCE = new ChannelwiseScalarKernels();

    /** Pads channels to whole 256-bit vectors (C2 also runs the loops on any other length, with a scalar tail). */
    private static final int LANES = 8;

    private ChannelwiseScalarKernels() {
    }

    @Override
    public int lanes() {
        return LANES;
    }

    @Override
    public void taps(float[] in, int inStart, int inStep, int[] inOff, float[] w, int wStart, int[] wOff, float[] init,
                     float[] out, int outStart, int outStep, int cells, int fp) {
        for (int m = 0; m < cells; m++) {
            final int o = outStart + m * outStep, base = inStart + m * inStep;
            System.arraycopy(init, 0, out, o, fp);
            for (int u = 0; u < inOff.length; u++) {
                fmaRow(in, base + inOff[u], w, wStart + wOff[u], out, o, fp);
            }
        }
    }

    @Override
    public void weightGradient(float[] in, int inStart, int inStep, int[] inOff, float[] dy, int dyStart, int dyStep,
                               int cells, float[] dw, float[] biasOrNull, int fp) {
        for (int m = 0; biasOrNull != null && m < cells; m++) {
            addRow(dy, dyStart + m * dyStep, biasOrNull, 0, fp);
        }
        for (int t = 0; t < inOff.length; t++) {
            for (int m = 0; m < cells; m++) {
                fmaRow(in, inStart + m * inStep + inOff[t], dy, dyStart + m * dyStep, dw, t * fp, fp);
            }
        }
    }

    /** {@code acc[c+l] = fma(a[x+l], b[y+l], acc[c+l])} for l < n: one loop C2 vectorises. */
    private static void fmaRow(float[] a, int x, float[] b, int y, float[] acc, int c, int n) {
        for (int l = 0; l < n; l++) {
            acc[c + l] = Math.fma(a[x + l], b[y + l], acc[c + l]);
        }
    }

    private static void addRow(float[] a, int x, float[] acc, int c, int n) {
        for (int l = 0; l < n; l++) {
            acc[c + l] += a[x + l];
        }
    }
}
