package io.convnb.shape;

import java.util.Objects;

/**
 * One layer of a stack, seen along one spatial axis, for {@link ReceptiveField}: its kernel (or pool
 * window), stride, dilation and padding.
 *
 * @param name      the layer's name, used in the table and in errors
 * @param kernel    kernel or pool size, at least 1
 * @param stride    stride, at least 1
 * @param dilation  dilation rate, at least 1
 * @param padding   the padding rule; {@link Padding#EXPLICIT} uses {@code padBefore} and {@code padAfter}
 * @param padBefore explicit padding before the input (0 unless {@code EXPLICIT})
 * @param padAfter  explicit padding after the input (0 unless {@code EXPLICIT})
 */
public record LayerStep(String name, long kernel, long stride, long dilation, Padding padding,
                        long padBefore, long padAfter) {

    /** Explicit amounts belong to {@code EXPLICIT} padding only. */
    public LayerStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(padding, "padding");
        if (padding != Padding.EXPLICIT && (padBefore != 0 || padAfter != 0)) {
            throw new IllegalArgumentException("Layer step '" + name + "': padding \"" + padding.kerasName()
                    + "\" computes its own amounts, received " + padBefore + " before and " + padAfter
                    + " after; use LayerStep.explicit(...) for explicit amounts.");
        }
    }

    /** A step whose padding follows a rule ({@code valid}, {@code same}, {@code full}, {@code causal}). */
    public LayerStep(String name, long kernel, long stride, long dilation, Padding padding) {
        this(name, kernel, stride, dilation, padding, 0, 0);
    }

    /** A convolution with a padding rule. */
    public static LayerStep conv(String name, long kernel, long stride, long dilation, Padding padding) {
        return new LayerStep(name, kernel, stride, dilation, padding);
    }

    /** A convolution with explicit padding amounts. */
    public static LayerStep explicit(String name, long kernel, long stride, long dilation,
                                     long padBefore, long padAfter) {
        return new LayerStep(name, kernel, stride, dilation, Padding.EXPLICIT, padBefore, padAfter);
    }

    /** Keras pooling defaults: stride equal to the pool size, {@code valid} padding. */
    public static LayerStep pool(String name, long poolSize) {
        return new LayerStep(name, poolSize, poolSize, 1, Padding.VALID);
    }

    /** Pooling with its own stride and padding rule. */
    public static LayerStep pool(String name, long poolSize, long stride, Padding padding) {
        return new LayerStep(name, poolSize, stride, 1, padding);
    }
}
