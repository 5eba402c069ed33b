package io.convnb.shape;

/**
 * Output sizes, padding amounts, parameter counts and multiply-adds of convolution, pooling and
 * transposed convolution: the one place in the engine where they are computed.
 *
 * <p>Per spatial axis, with input {@code in}, kernel {@code k}, stride {@code s}, dilation {@code d}:
 * <pre>out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1</pre>
 * where the padding comes from the {@link Padding} rule:
 * <ul>
 *   <li>{@code valid}: 0 and 0;</li>
 *   <li>{@code same} (Keras/TensorFlow): {@code out = ceil(in/s)}, total
 *       {@code max((out-1)*s + d*(k-1) + 1 - in, 0)}, {@code pad_before = total/2} (rounded down), so the
 *       odd pixel goes after;</li>
 *   <li>{@code full}: {@code d*(k-1)} on both sides;</li>
 *   <li>{@code causal} (1-D): {@code d*(k-1)} before, 0 after;</li>
 *   <li>explicit: the amounts given, symmetric or not.</li>
 * </ul>
 * Pooling uses the same arithmetic with the pool window as kernel and dilation 1.
 *
 * <p>Every {@code layer} argument is how the layer is named in messages, e.g. {@code "Conv2D 'conv2d_1'"}.
 * Impossible configurations throw {@link IllegalArgumentException} naming the layer, the axis, the
 * sizes, the formula with its numbers and a fix, e.g.
 * {@code Conv2D 'conv2d_1': output height = floor((2 + 0 + 0 - 1*(3-1) - 1)/1) + 1 = 0 for input height 2
 * and kernel 3; use padding="same" or a kernel no larger than 2.}
 */
public final class ConvArithmetic {
    private static final String KERNEL = "kernel";
    private static final String POOL = "pool size";

    private ConvArithmetic() {
    }

    /**
     * One axis of a convolution with a padding rule ({@code valid}, {@code same}, {@code full}, {@code causal}).
     *
     * @param layer    the layer as named in messages, e.g. {@code "Conv1D 'conv1d_1'"}
     * @param axis     the axis name: {@code "height"}, {@code "width"}, {@code "steps"}
     * @param in       input size on the axis
     * @param kernel   kernel size, at least 1
     * @param stride   stride, at least 1
     * @param dilation dilation rate, at least 1
     * @param padding  the rule that chooses the padding
     * @return the sizes, the padding split and the rule, ready for {@link AxisGeometry#explain()}
     * @throws IllegalArgumentException for sizes below 1, {@link Padding#EXPLICIT} (use the overload with
     *                                  amounts) or an output below 1
     */
    public static AxisGeometry axis(String layer, String axis, long in, long kernel, long stride, long dilation,
                                    Padding padding) {
        Checks.axisArguments(layer, axis, in, kernel, stride, dilation, "kernel size");
        return byRule(layer, axis, in, kernel, stride, dilation, padding, KERNEL);
    }

    /**
     * One axis of a convolution with explicit padding amounts.
     *
     * @param layer     the layer as named in messages, e.g. {@code "Conv1D 'conv1d_1'"}
     * @param axis      the axis name: {@code "height"}, {@code "width"}, {@code "steps"}
     * @param in        input size on the axis
     * @param kernel    kernel size, at least 1
     * @param stride    stride, at least 1
     * @param dilation  dilation rate, at least 1
     * @param padBefore zeros before the input, at least 0
     * @param padAfter  zeros after the input, at least 0
     * @return the sizes and the padding, marked {@link Padding#EXPLICIT}
     * @throws IllegalArgumentException for sizes below 1, negative padding or an output below 1
     */
    public static AxisGeometry axis(String layer, String axis, long in, long kernel, long stride, long dilation,
                                    long padBefore, long padAfter) {
        Checks.axisArguments(layer, axis, in, kernel, stride, dilation, "kernel size");
        Checks.nonNegativePadding(layer, "before the " + axis + " axis", padBefore);
        Checks.nonNegativePadding(layer, "after the " + axis + " axis", padAfter);
        return build(layer, axis, in, kernel, stride, dilation, padBefore, padAfter, Padding.EXPLICIT, KERNEL);
    }

    /**
     * A 2-D convolution with a padding rule; strides and dilations may differ between the axes.
     * Arguments come in (height, width) pairs: input, kernel, strides, dilation rate.
     *
     * @return the height and width geometries; {@code padTop()} .. {@code padRight()} feed the ops' spec
     * @throws IllegalArgumentException as {@link #axis(String, String, long, long, long, long, Padding)}, and
     *                                  for {@link Padding#CAUSAL}, which is 1-D only
     */
    public static Geometry2D conv2d(String layer, long inH, long inW, long kh, long kw, long sh, long sw,
                                    long dh, long dw, Padding padding) {
        rejectCausal(layer, padding);
        return new Geometry2D(axis(layer, "height", inH, kh, sh, dh, padding),
                axis(layer, "width", inW, kw, sw, dw, padding));
    }

    /**
     * A 2-D convolution with explicit padding {@code (top, bottom, left, right)}.
     *
     * @throws IllegalArgumentException for sizes below 1, negative padding or an output below 1
     */
    public static Geometry2D conv2d(String layer, long inH, long inW, long kh, long kw, long sh, long sw,
                                    long dh, long dw, long top, long bottom, long left, long right) {
        checkPads2d(layer, top, bottom, left, right);
        return new Geometry2D(axis(layer, "height", inH, kh, sh, dh, top, bottom),
                axis(layer, "width", inW, kw, sw, dw, left, right));
    }

    /**
     * 2-D pooling with Keras padding ({@code valid} or {@code same}); the window is the kernel, dilation 1.
     * Keras' default strides equal the pool size; the caller passes them.
     *
     * @throws IllegalArgumentException for sizes below 1, another padding rule or an output below 1
     */
    public static Geometry2D pool2d(String layer, long inH, long inW, long ph, long pw, long sh, long sw,
                                    Padding padding) {
        if (padding != Padding.VALID && padding != Padding.SAME) {
            String shown = padding == null ? "null" : "\"" + padding.kerasName() + "\"";
            throw new IllegalArgumentException(Checks.name(layer) + ": padding=" + shown
                    + " is not a pooling padding; use \"valid\" or \"same\" (Keras), or explicit amounts.");
        }
        Checks.axisArguments(layer, "height", inH, ph, sh, 1, POOL);
        Checks.axisArguments(layer, "width", inW, pw, sw, 1, POOL);
        return new Geometry2D(byRule(layer, "height", inH, ph, sh, 1, padding, POOL),
                byRule(layer, "width", inW, pw, sw, 1, padding, POOL));
    }

    /**
     * 2-D pooling with explicit padding {@code (top, bottom, left, right)}. Every window must cover at
     * least one input cell, since a window of padding only has no maximum and no average.
     *
     * @throws IllegalArgumentException for sizes below 1, negative padding, an output below 1 or a
     *                                  window that lies entirely in the padding
     */
    public static Geometry2D pool2d(String layer, long inH, long inW, long ph, long pw, long sh, long sw,
                                    long top, long bottom, long left, long right) {
        checkPads2d(layer, top, bottom, left, right);
        Checks.axisArguments(layer, "height", inH, ph, sh, 1, POOL);
        Checks.axisArguments(layer, "width", inW, pw, sw, 1, POOL);
        AxisGeometry h = build(layer, "height", inH, ph, sh, 1, top, bottom, Padding.EXPLICIT, POOL);
        AxisGeometry w = build(layer, "width", inW, pw, sw, 1, left, right, Padding.EXPLICIT, POOL);
        requireWindowsOnInput(layer, h);
        requireWindowsOnInput(layer, w);
        return new Geometry2D(h, w);
    }

    /**
     * One axis of a transposed convolution, with Keras {@code conv_utils.deconv_output_length} sizes:
     * without output padding, {@code valid}: {@code in*s + max(d*(k-1)+1 - s, 0)}; {@code same}: {@code in*s};
     * {@code full}: {@code in*s - (s + d*(k-1)+1 - 2)}. With output padding {@code op}:
     * {@code (in-1)*s + d*(k-1)+1 - 2*pad + op}, {@code pad} being 0, {@code (d*(k-1)+1)/2} or {@code d*(k-1)}.
     *
     * <p>The returned geometry has {@code input} = the small input, {@code output} = the large output,
     * and {@code padBefore}/{@code padAfter} = the cells cropped from the start and the end of the full
     * result {@code (in-1)*s + d*(k-1) + 1}. The crop at the start is the padding the matching forward
     * convolution (from the large side back to {@code in}) puts before its input: 0 for {@code valid},
     * {@code d*(k-1)} for {@code full}, and for {@code same} TensorFlow's {@code floor(max(full - out, 0)/2)}.
     * {@code padAfter} is negative when cells are appended (see {@link AxisGeometry}).
     *
     * @param outputPadding Keras {@code output_padding}, in {@code [0, stride)}, or {@code -1} for none
     * @throws IllegalArgumentException for sizes below 1, {@code causal} or {@code EXPLICIT} padding,
     *                                  an output padding outside {@code [0, stride)} or an output below 1
     */
    public static AxisGeometry transposedAxis(String layer, String axis, long in, long kernel, long stride,
                                              long dilation, Padding padding, long outputPadding) {
        return TransposedArithmetic.byRule(layer, axis, in, kernel, stride, dilation, padding, outputPadding);
    }

    /**
     * As {@link #transposedAxis(String, String, long, long, long, long, Padding, long)}, with Keras'
     * {@code output_padding=None} written as {@code null}.
     */
    public static AxisGeometry transposedAxis(String layer, String axis, long in, long kernel, long stride,
                                              long dilation, Padding padding, Long outputPadding) {
        return transposedAxis(layer, axis, in, kernel, stride, dilation, padding,
                outputPadding == null ? AxisGeometry.NO_OUTPUT_PADDING : outputPadding.longValue());
    }

    /**
     * One axis of a transposed convolution with explicit crops (PyTorch's {@code padding=p,
     * output_padding=op} is {@code cropBefore = p}, {@code cropAfter = p - op}).
     *
     * @param cropAfter may be negative down to {@code -(stride-1)} to append cells, like output padding
     * @throws IllegalArgumentException for sizes below 1, a negative {@code cropBefore}, a
     *                                  {@code cropAfter <= -stride} or an output below 1
     */
    public static AxisGeometry transposedAxis(String layer, String axis, long in, long kernel, long stride,
                                              long dilation, long cropBefore, long cropAfter) {
        return TransposedArithmetic.explicit(layer, axis, in, kernel, stride, dilation, cropBefore, cropAfter);
    }

    /**
     * A 2-D transposed convolution ({@code Conv2DTranspose}) with Keras padding and output padding
     * per axis ({@code -1} for none). See {@link #transposedAxis(String, String, long, long, long, long, Padding, long)}.
     */
    public static Geometry2D transposed2d(String layer, long inH, long inW, long kh, long kw, long sh, long sw,
                                          long dh, long dw, Padding padding, long outputPaddingH,
                                          long outputPaddingW) {
        return new Geometry2D(transposedAxis(layer, "height", inH, kh, sh, dh, padding, outputPaddingH),
                transposedAxis(layer, "width", inW, kw, sw, dw, padding, outputPaddingW));
    }

    /**
     * Checks {@code groups} against filters and input channels with Keras' wording, e.g.
     * {@code The number of filters must be evenly divisible by the number of groups. Received: groups=3, filters=32.}
     *
     * @param channels input channels, or {@code -1} while unknown (a layer's constructor)
     * @throws IllegalArgumentException for groups, filters or channels below 1, or when groups does not
     *                                  divide them; the fix lists the groups that would
     */
    public static void checkGroups(String layer, long channels, long filters, long groups) {
        InputChecks.groups(layer, channels, filters, groups);
    }

    /**
     * Weights of a 2-D convolution: {@code kh*kw*(inChannels/groups)*filters}, plus {@code filters} biases.
     * Works for 1-D with {@code kh = 1}.
     *
     * @throws IllegalArgumentException for sizes below 1 or groups that do not divide channels and filters
     */
    public static long conv2dParams(long kh, long kw, long inChannels, long filters, long groups, boolean useBias) {
        checkCountArguments(kh, kw, inChannels, filters, groups);
        long weights = Math.multiplyExact(Math.multiplyExact(kh * kw, inChannels / groups), filters);
        return useBias ? Math.addExact(weights, filters) : weights;
    }

    /**
     * Multiply-adds of one image through a 2-D convolution:
     * {@code outH*outW*filters*kh*kw*(inChannels/groups)} (bias additions not counted).
     *
     * @throws IllegalArgumentException for sizes below 1 or groups that do not divide channels and filters
     */
    public static long conv2dMultiplyAdds(long outH, long outW, long kh, long kw, long inChannels, long filters,
                                          long groups) {
        checkCountArguments(kh, kw, inChannels, filters, groups);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("Output size must be at least 1x1, received " + outH + "x" + outW
                    + "; compute it with ConvArithmetic.conv2d.");
        }
        long perCell = Math.multiplyExact(kh * kw, inChannels / groups);
        return Math.multiplyExact(Math.multiplyExact(outH * outW, filters), perCell);
    }

    /** Weights of a 2-D transposed convolution: {@code kh*kw*filters*inChannels}, plus {@code filters} biases. */
    public static long conv2dTransposeParams(long kh, long kw, long inChannels, long filters, boolean useBias) {
        return conv2dParams(kh, kw, inChannels, filters, 1, useBias);
    }

    /**
     * Multiply-adds of one image through a 2-D transposed convolution: every input cell scatters
     * into {@code kh*kw} cells of every filter, {@code inH*inW*kh*kw*inChannels*filters}.
     */
    public static long conv2dTransposeMultiplyAdds(long inH, long inW, long kh, long kw, long inChannels,
                                                   long filters) {
        return conv2dMultiplyAdds(inH, inW, kh, kw, inChannels, filters, 1);
    }

    /**
     * Checks the rank of an input shape given without the batch axis.
     *
     * @param expectedForm the expected axes in words, e.g. {@code "(height, width, channels)"}
     * @throws IllegalArgumentException naming both shapes and a fix (add a channels axis, drop the batch axis)
     */
    public static void requireRank(String layer, long[] shapeWithoutBatch, int rank, String expectedForm) {
        InputChecks.rank(layer, shapeWithoutBatch, rank, expectedForm);
    }

    /**
     * Checks the channel count of an input shape given without the batch axis.
     *
     * @param dataFormat {@code "channels_last"} (channels on the last axis) or {@code "channels_first"}
     * @throws IllegalArgumentException naming the shape, both counts and a fix (e.g. the other data format)
     */
    public static void requireChannels(String layer, long[] shape, long expected, String dataFormat) {
        InputChecks.channels(layer, shape, expected, dataFormat);
    }

    static AxisGeometry byRule(String layer, String axis, long in, long kernel, long stride, long dilation,
                               Padding padding, String noun) {
        if (padding == null) {
            throw new IllegalArgumentException(Checks.name(layer) + ": padding is null; use \"valid\", \"same\","
                    + " \"full\", \"causal\" (Conv1D only) or explicit amounts.");
        }
        long span = Formulas.effectiveKernel(kernel, dilation) - 1;
        long before;
        long after;
        switch (padding) {
            case VALID -> {
                before = 0;
                after = 0;
            }
            case SAME -> {
                long out = Math.floorDiv(in + stride - 1, stride);
                long total = Math.max((out - 1) * stride + span + 1 - in, 0);
                before = total / 2;   // TensorFlow puts the odd pixel after the input
                after = total - before;
            }
            case FULL -> {
                before = span;
                after = span;
            }
            case CAUSAL -> {
                before = span;        // output t may only see inputs up to t
                after = 0;
            }
            default -> throw Checks.explicitNeedsAmounts(layer);
        }
        return build(layer, axis, in, kernel, stride, dilation, before, after, padding, noun);
    }

    private static AxisGeometry build(String layer, String axis, long in, long kernel, long stride, long dilation,
                                      long before, long after, Padding padding, String noun) {
        long out = Formulas.forwardOutput(in, kernel, stride, dilation, before, after);
        if (out < 1) {
            throw new IllegalArgumentException(Checks.name(layer) + ": output " + axis + " = "
                    + Formulas.forward(in, kernel, stride, dilation, before, after) + " for input " + axis + " " + in
                    + " and " + noun + " " + kernel + dilationNote(kernel, dilation) + "; "
                    + tooSmallFix(in, kernel, dilation, before + after, padding, noun) + ".");
        }
        return new AxisGeometry(axis, in, kernel, stride, dilation, before, after, out, padding, false,
                AxisGeometry.NO_OUTPUT_PADDING);
    }

    static String dilationNote(long kernel, long dilation) {
        return dilation == 1 ? "" : " (dilation_rate " + dilation + ", effective "
                + Formulas.effectiveKernel(kernel, dilation) + ")";
    }

    /** Only "valid" and explicit padding can leave no window: name the largest kernel that fits. */
    private static String tooSmallFix(long in, long kernel, long dilation, long totalPad, Padding padding, String noun) {
        long largest = (in + totalPad - 1) / dilation + 1;
        String atDilation = dilation == 1 ? "" : " at dilation_rate " + dilation;
        String smallerDilation = dilation == 1 ? "" : ", a smaller dilation_rate";
        if (padding == Padding.EXPLICIT) {
            long missing = Formulas.effectiveKernel(kernel, dilation) - in - totalPad;
            return "use padding=\"same\", at least " + missing + " more padding" + smallerDilation + " or a " + noun
                    + " no larger than " + largest + atDilation;
        }
        return "use padding=\"same\"" + smallerDilation + " or a " + noun + " no larger than " + largest + atDilation;
    }

    private static void rejectCausal(String layer, Padding padding) {
        if (padding == Padding.CAUSAL) {
            throw new IllegalArgumentException(Checks.name(layer) + ": padding=\"causal\" is only for 1-D convolutions"
                    + " (Conv1D over (steps, channels)); use \"valid\", \"same\", \"full\" or explicit padding for the"
                    + " height and width axes.");
        }
    }

    private static void checkPads2d(String layer, long top, long bottom, long left, long right) {
        Checks.nonNegativePadding(layer, "top", top);
        Checks.nonNegativePadding(layer, "bottom", bottom);
        Checks.nonNegativePadding(layer, "left", left);
        Checks.nonNegativePadding(layer, "right", right);
    }

    /** Windows are contiguous in pooling, so only the first and the last can miss the input. */
    private static void requireWindowsOnInput(String layer, AxisGeometry g) {
        long firstEnd = g.tap(0, g.kernel() - 1);
        long lastStart = g.tap(g.output() - 1, 0);
        if (firstEnd < 0 || lastStart > g.input() - 1) {
            boolean first = firstEnd < 0;
            long start = first ? g.tap(0, 0) : lastStart;
            long end = first ? firstEnd : g.tap(g.output() - 1, g.kernel() - 1);
            throw new IllegalArgumentException(Checks.name(layer) + ": the " + (first ? "first" : "last")
                    + " pooling window on the " + g.axis() + " axis covers cells " + start + ".." + end
                    + ", which are all padding (the input is cells 0.." + (g.input() - 1) + ", padding "
                    + g.padBefore() + " before and " + g.padAfter() + " after); use at most pool size - 1 = "
                    + (g.kernel() - 1) + " padding on each side.");
        }
    }

    private static void checkCountArguments(long kh, long kw, long inChannels, long filters, long groups) {
        if (kh < 1 || kw < 1) {
            throw new IllegalArgumentException("Kernel size must be at least 1x1, received " + kh + "x" + kw
                    + "; use a positive kernel size such as 3x3.");
        }
        InputChecks.groups("Parameter count", inChannels, filters, groups);
    }
}
