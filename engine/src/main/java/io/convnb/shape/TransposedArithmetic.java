package io.convnb.shape;

/**
 * Transposed-convolution sizes (Keras {@code conv_utils.deconv_output_length}) and the crops that
 * place them in the full result; see {@link ConvArithmetic#transposedAxis}.
 */
final class TransposedArithmetic {
    private TransposedArithmetic() {
    }

    /** Keras' {@code pad} in the output-padding form of {@code deconv_output_length}. */
    static long kerasPad(Padding padding, long effectiveKernel) {
        return switch (padding) {
            case VALID -> 0;
            case SAME -> effectiveKernel / 2;
            case FULL -> effectiveKernel - 1;
            default -> throw new IllegalStateException("no Keras pad for " + padding);
        };
    }

    static AxisGeometry byRule(String layer, String axis, long in, long kernel, long stride, long dilation,
                               Padding padding, long outputPadding) {
        Checks.axisArguments(layer, axis, in, kernel, stride, dilation, "kernel size");
        if (padding == Padding.EXPLICIT) {
            throw Checks.explicitNeedsAmounts(layer);
        }
        if (padding == null || padding == Padding.CAUSAL) {
            throw new IllegalArgumentException(Checks.name(layer) + ": padding=" + (padding == null ? "null"
                    : "\"causal\"") + " has no transposed form; use \"valid\", \"same\" or \"full\".");
        }
        checkOutputPadding(layer, axis, stride, outputPadding);
        long kEff = Formulas.effectiveKernel(kernel, dilation);
        long full = Formulas.transposedFull(in, kernel, stride, dilation);
        long out;
        if (outputPadding == AxisGeometry.NO_OUTPUT_PADDING) {
            out = switch (padding) {
                case VALID -> in * stride + Math.max(kEff - stride, 0);
                case FULL -> in * stride - (stride + kEff - 2);
                default -> in * stride;
            };
        } else {
            out = full - 2 * kerasPad(padding, kEff) + outputPadding;
        }
        // The crop at the start is the padding the matching forward convolution (large side -> in)
        // puts before its input, so the two ops are exact adjoints; TensorFlow splits "same" this way.
        long before = switch (padding) {
            case VALID -> 0;
            case FULL -> kEff - 1;
            default -> Math.max(full - out, 0) / 2;
        };
        long after = full - out - before;
        if (out < 1) {
            String fix = padding == Padding.FULL ? "use padding=\"valid\" or \"same\", or a larger input"
                    : "use padding=\"valid\", an odd kernel, output_padding 1 or more, or a larger input";
            throw tooSmall(layer, axis, in, kernel, stride, dilation, before, after, fix);
        }
        return new AxisGeometry(axis, in, kernel, stride, dilation, before, after, out, padding, true, outputPadding);
    }

    static AxisGeometry explicit(String layer, String axis, long in, long kernel, long stride, long dilation,
                                 long cropBefore, long cropAfter) {
        Checks.axisArguments(layer, axis, in, kernel, stride, dilation, "kernel size");
        if (cropBefore < 0) {
            throw new IllegalArgumentException(Checks.name(layer) + ": the crop at the start of the " + axis
                    + " axis must not be negative, received " + cropBefore + "; use 0 or more.");
        }
        if (cropAfter <= -stride) {
            throw new IllegalArgumentException(Checks.name(layer) + ": the crop at the end of the " + axis
                    + " axis is " + cropAfter + ", which would append " + -cropAfter + " cells, but output padding"
                    + " must be smaller than the stride " + stride + "; use a crop of at least " + (1 - stride) + ".");
        }
        long full = Formulas.transposedFull(in, kernel, stride, dilation);
        long out = full - cropBefore - cropAfter;
        if (out < 1) {
            throw tooSmall(layer, axis, in, kernel, stride, dilation, cropBefore, cropAfter,
                    "crop at most " + (full - 1) + " cells in total");
        }
        return new AxisGeometry(axis, in, kernel, stride, dilation, cropBefore, cropAfter, out, Padding.EXPLICIT,
                true, AxisGeometry.NO_OUTPUT_PADDING);
    }

    private static void checkOutputPadding(String layer, String axis, long stride, long outputPadding) {
        if (outputPadding < AxisGeometry.NO_OUTPUT_PADDING) {
            throw new IllegalArgumentException(Checks.name(layer) + ": output_padding must be at least 0 on the "
                    + axis + " axis (or -1 for none), received " + outputPadding + "; use a value between 0 and "
                    + (stride - 1) + ", or none.");
        }
        if (outputPadding >= stride) {
            throw new IllegalArgumentException(Checks.name(layer) + ": output_padding " + outputPadding + " on the "
                    + axis + " axis must be smaller than the stride " + stride
                    + " (Keras: strides must be greater than output padding); use "
                    + (stride == 1 ? "output_padding 0 or none." : "a value between 0 and " + (stride - 1) + "."));
        }
    }

    private static IllegalArgumentException tooSmall(String layer, String axis, long in, long kernel, long stride,
                                                     long dilation, long before, long after, String fix) {
        return new IllegalArgumentException(Checks.name(layer) + ": output " + axis + " = "
                + Formulas.transposed(in, kernel, stride, dilation, before, after) + " for input " + axis + " " + in
                + " and kernel " + kernel + ConvArithmetic.dilationNote(kernel, dilation) + "; " + fix + ".");
    }
}
