package io.convnb.shape;

/**
 * The formulas of this package written out with numbers, shared by {@link AxisGeometry} and the
 * error messages of {@link ConvArithmetic}, so that an explanation and an error print the same text.
 */
final class Formulas {
    private Formulas() {
    }

    /** {@code d*(k-1)+1}: the span of a kernel of {@code k} taps spaced {@code d} apart. */
    static long effectiveKernel(long kernel, long dilation) {
        return dilation * (kernel - 1) + 1;
    }

    /** {@code floor((in + pb + pa - d*(k-1) - 1)/s) + 1}, with a true floor for negative numerators. */
    static long forwardOutput(long in, long kernel, long stride, long dilation, long padBefore, long padAfter) {
        return Math.floorDiv(in + padBefore + padAfter - dilation * (kernel - 1) - 1, stride) + 1;
    }

    /** {@code (in-1)*s + d*(k-1) + 1}: every cell a transposed convolution reaches before cropping. */
    static long transposedFull(long in, long kernel, long stride, long dilation) {
        return (in - 1) * stride + effectiveKernel(kernel, dilation);
    }

    /** E.g. {@code floor((28 + 0 + 1 - 1*(3-1) - 1)/2) + 1 = 14}. */
    static String forward(long in, long kernel, long stride, long dilation, long padBefore, long padAfter) {
        long out = forwardOutput(in, kernel, stride, dilation, padBefore, padAfter);
        return "floor((" + in + " + " + padBefore + " + " + padAfter + " - " + dilation + "*(" + kernel
                + "-1) - 1)/" + stride + ") + 1 = " + out;
    }

    /** E.g. {@code (3-1)*2 + 1*(3-1) + 1 - 0 - 1 = 6}; a negative crop is shown in parentheses. */
    static String transposed(long in, long kernel, long stride, long dilation, long cropBefore, long cropAfter) {
        long out = transposedFull(in, kernel, stride, dilation) - cropBefore - cropAfter;
        return "(" + in + "-1)*" + stride + " + " + dilation + "*(" + kernel + "-1) + 1 - "
                + signed(cropBefore) + " - " + signed(cropAfter) + " = " + out;
    }

    private static String signed(long v) {
        return v < 0 ? "(" + v + ")" : Long.toString(v);
    }
}
