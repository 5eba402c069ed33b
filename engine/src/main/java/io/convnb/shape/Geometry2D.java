package io.convnb.shape;

import java.util.Objects;

/**
 * The geometry of a 2-D convolution, pooling or transposed convolution: one {@link AxisGeometry}
 * per spatial axis. Strides, dilations and padding may differ between the axes.
 *
 * @param height the height axis ({@code axis() == "height"})
 * @param width  the width axis ({@code axis() == "width"})
 */
public record Geometry2D(AxisGeometry height, AxisGeometry width) {

    /** Both axes must be present and of the same kind (both transposed or neither). */
    public Geometry2D {
        Objects.requireNonNull(height, "height");
        Objects.requireNonNull(width, "width");
        if (height.transposed() != width.transposed()) {
            throw new IllegalArgumentException("Geometry2D: height is " + (height.transposed() ? "" : "not ")
                    + "transposed but width is " + (width.transposed() ? "" : "not ")
                    + "; build both axes with the same ConvArithmetic method.");
        }
    }

    /** Output height. */
    public long outputHeight() {
        return height.output();
    }

    /** Output width. */
    public long outputWidth() {
        return width.output();
    }

    /** Padding (or, transposed, crop) before the height axis. */
    public long padTop() {
        return height.padBefore();
    }

    /** Padding (or, transposed, crop) after the height axis. */
    public long padBottom() {
        return height.padAfter();
    }

    /** Padding (or, transposed, crop) before the width axis. */
    public long padLeft() {
        return width.padBefore();
    }

    /** Padding (or, transposed, crop) after the width axis. */
    public long padRight() {
        return width.padAfter();
    }

    /** The output shape without the batch axis, channels last: {@code (outputHeight, outputWidth, channels)}. */
    public long[] outputShape(long channels) {
        return new long[] {height.output(), width.output(), channels};
    }

    /** Both formulas with numbers, one line per axis: {@code height: floor(...) + 1 = 14}. */
    public String formula() {
        return height.axis() + ": " + height.formula() + "\n" + width.axis() + ": " + width.formula();
    }

    /** Both explanations ({@link AxisGeometry#explain()}), height first. */
    public String explain() {
        return height.explain() + "\n" + width.explain();
    }
}
