package io.convnb.ops;

/**
 * The inner loops of {@link DepthwiseConvFloat}: element-wise multiply-adds along the channel axis,
 * {@code fp} lanes at a time ({@code fp} a multiple of {@link #lanes()}). Two implementations compute
 * the same sums in the same order with fused multiply-adds, so they agree to the last bit:
 * {@link ChannelwiseVectorKernels} with the JDK Vector API, {@link ChannelwiseScalarKernels} in plain
 * Java for a JVM started without {@code --add-modules=jdk.incubator.vector}.
 */
interface ChannelwiseKernels {
    /** Vector length in floats; the channel count of every buffer is padded to a multiple of it. */
    int lanes();

    /**
     * For every cell {@code m < cells} and lane {@code l < fp}:
     * {@code out[outStart + m*outStep + l] = init[l] + sum_u in[inStart + m*inStep + inOff[u] + l] * w[wStart + wOff[u] + l]},
     * summed in the order of u, each step one fused multiply-add ({@code init} holds at least fp values).
     */
    void taps(float[] in, int inStart, int inStep, int[] inOff, float[] w, int wStart, int[] wOff, float[] init,
              float[] out, int outStart, int outStep, int cells, int fp);

    /**
     * For every tap t and lane l:
     * {@code dw[t*fp + l] += sum_m in[inStart + m*inStep + inOff[t] + l] * dy[dyStart + m*dyStep + l]},
     * added to {@code dw} in the order of m, one fused multiply-add each; and where {@code biasOrNull}
     * is not null, {@code biasOrNull[l] += sum_m dy[dyStart + m*dyStep + l]}, also added in the order of m.
     */
    void weightGradient(float[] in, int inStart, int inStep, int[] inOff, float[] dy, int dyStart, int dyStep, int cells,
                        float[] dw, float[] biasOrNull, int fp);
}
