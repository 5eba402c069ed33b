package io.convnb.shape;

import java.util.Objects;

/**
 * The geometry of one spatial axis of a convolution, a pooling or a transposed convolution:
 * sizes, the padding on each side, and how they were chosen.
 *
 * <p><b>Convolution and pooling</b> ({@code transposed == false}): {@code input} cells, padded with
 * {@code padBefore} and {@code padAfter} zeros, give
 * <pre>output = floor((input + padBefore + padAfter - dilation*(kernel-1) - 1)/stride) + 1</pre>
 * Output cell {@code o} reads input cells {@code o*stride - padBefore + j*dilation},
 * {@code j = 0..kernel-1} (see {@link #tap}); indexes outside {@code [0, input)} are padding.
 *
 * <p><b>Transposed convolution</b> ({@code transposed == true}): {@code input} is the small side and
 * {@code output} the large side. Input cell {@code i} scatters to the cells {@code i*stride + j*dilation}
 * of the full, uncropped result of {@code (input-1)*stride + dilation*(kernel-1) + 1} cells
 * ({@link #uncroppedOutput()}). {@code padBefore} and {@code padAfter} are how many cells of that full
 * result are cropped at the start and at the end:
 * <pre>output = (input-1)*stride + dilation*(kernel-1) + 1 - padBefore - padAfter</pre>
 * so the op computes the full result and keeps {@code output} cells starting at {@code padBefore}.
 * {@code padAfter} is negative when {@code output_padding} (or Keras' {@code "valid"} rule with a
 * kernel narrower than the stride) appends cells that no input reaches; they hold only the bias.
 *
 * @param axis          the axis name used in explanations and errors: {@code "height"}, {@code "width"}, {@code "steps"}
 * @param input         input size on this axis (the small side of a transposed convolution)
 * @param kernel        kernel (or pool window) size
 * @param stride        stride, at least 1
 * @param dilation      dilation rate, at least 1 (1 means no holes)
 * @param padBefore     zeros added before the input; for a transposed axis, cells cropped at the start
 * @param padAfter      zeros added after the input; for a transposed axis, cells cropped at the end (may be negative)
 * @param output        output size (the large side of a transposed convolution)
 * @param padding       the rule that chose the padding; {@link Padding#EXPLICIT} for amounts given by the user
 * @param transposed    whether this is the axis of a transposed convolution
 * @param outputPadding Keras {@code output_padding} of a transposed axis, or {@code -1} for none (always {@code -1} otherwise)
 */
public record AxisGeometry(String axis, long input, long kernel, long stride, long dilation,
                           long padBefore, long padAfter, long output,
                           Padding padding, boolean transposed, long outputPadding) {

    /** The value of {@link #outputPadding()} when no output padding was given. */
    public static final long NO_OUTPUT_PADDING = -1;

    /**
     * Checks that the numbers agree with the formulas above. This is a backstop for hand-built
     * geometries; {@link ConvArithmetic} validates first, with messages that name the layer.
     */
    public AxisGeometry {
        Objects.requireNonNull(axis, "axis");
        Objects.requireNonNull(padding, "padding");
        if (input < 1 || kernel < 1 || stride < 1 || dilation < 1 || output < 1) {
            throw new IllegalArgumentException("Axis '" + axis + "': input, kernel, stride, dilation and output must"
                    + " be at least 1, received input=" + input + ", kernel=" + kernel + ", stride=" + stride
                    + ", dilation=" + dilation + ", output=" + output + "; build geometries with ConvArithmetic.");
        }
        long expected;
        if (transposed) {
            if (padBefore < 0 || padAfter <= -stride || outputPadding < -1 || outputPadding >= stride) {
                throw new IllegalArgumentException("Axis '" + axis + "' (transposed): crops must satisfy padBefore >= 0"
                        + " and padAfter > -stride, and output_padding must be -1 or in [0, stride), received padBefore="
                        + padBefore + ", padAfter=" + padAfter + ", output_padding=" + outputPadding + ", stride=" + stride
                        + "; build geometries with ConvArithmetic.transposedAxis.");
            }
            expected = Formulas.transposedFull(input, kernel, stride, dilation) - padBefore - padAfter;
        } else {
            if (padBefore < 0 || padAfter < 0 || outputPadding != NO_OUTPUT_PADDING) {
                throw new IllegalArgumentException("Axis '" + axis + "': padding must not be negative and output_padding"
                        + " is only for transposed axes, received padBefore=" + padBefore + ", padAfter=" + padAfter
                        + ", output_padding=" + outputPadding + "; build geometries with ConvArithmetic.axis.");
            }
            expected = Formulas.forwardOutput(input, kernel, stride, dilation, padBefore, padAfter);
        }
        if (output != expected) {
            throw new IllegalArgumentException("Axis '" + axis + "': output " + output + " does not match the formula "
                    + (transposed ? Formulas.transposed(input, kernel, stride, dilation, padBefore, padAfter)
                                  : Formulas.forward(input, kernel, stride, dilation, padBefore, padAfter))
                    + "; build geometries with ConvArithmetic.");
        }
    }

    /**
     * A convolution or pooling axis with explicit padding amounts.
     *
     * @throws IllegalArgumentException when {@code output} does not follow from the other numbers
     */
    public AxisGeometry(String axis, long input, long kernel, long stride, long dilation,
                        long padBefore, long padAfter, long output) {
        this(axis, input, kernel, stride, dilation, padBefore, padAfter, output,
                Padding.EXPLICIT, false, NO_OUTPUT_PADDING);
    }

    /** The span the kernel covers: {@code d*(k-1)+1}. */
    public long effectiveKernel() {
        return Formulas.effectiveKernel(kernel, dilation);
    }

    /** {@code padBefore + padAfter}. */
    public long totalPadding() {
        return padBefore + padAfter;
    }

    /** Convolution: the padded input length {@code input + padBefore + padAfter}. */
    public long paddedInput() {
        return input + padBefore + padAfter;
    }

    /** Transposed convolution: the full result before cropping, {@code (input-1)*stride + d*(k-1) + 1}. */
    public long uncroppedOutput() {
        return Formulas.transposedFull(input, kernel, stride, dilation);
    }

    /**
     * The cell on the large side that kernel element {@code kernelIndex} of window {@code window}
     * touches: {@code window*stride - padBefore + kernelIndex*dilation}.
     * For a convolution {@code window} is an output cell and the result an input cell (outside
     * {@code [0, input)}: padding). For a transposed convolution {@code window} is an input cell and
     * the result an output cell (outside {@code [0, output)}: cropped).
     */
    public long tap(long window, long kernelIndex) {
        return window * stride - padBefore + kernelIndex * dilation;
    }

    /**
     * The size formula with the numbers substituted, e.g.
     * {@code floor((28 + 0 + 1 - 1*(3-1) - 1)/2) + 1 = 14}, or for a transposed axis
     * {@code (3-1)*2 + 1*(3-1) + 1 - 0 - 1 = 6}.
     */
    public String formula() {
        return transposed ? Formulas.transposed(input, kernel, stride, dilation, padBefore, padAfter)
                          : Formulas.forward(input, kernel, stride, dilation, padBefore, padAfter);
    }

    /**
     * A few lines for a learner: the padding rule used with its numbers, the split before and
     * after, and the size formula with the numbers substituted.
     */
    public String explain() {
        return Explanations.of(this);
    }
}
