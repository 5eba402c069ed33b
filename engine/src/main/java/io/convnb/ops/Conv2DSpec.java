package io.convnb.ops;

/**
 * Explicit geometry of a 2-D convolution or pooling window: strides, dilations, the four padding
 * amounts and the number of channel groups. The ops never interpret Keras words such as
 * {@code "same"}; {@code io.convnb.shape} turns those into a {@code Conv2DSpec}.
 *
 * <p>Per spatial axis the output size is
 * {@code out = floor((in + padBefore + padAfter - dilation*(k-1) - 1) / stride) + 1}.
 *
 * @param strideH   step between windows along the height, at least 1
 * @param strideW   step between windows along the width, at least 1
 * @param dilationH spacing between kernel taps along the height, at least 1 (1 = dense kernel)
 * @param dilationW spacing between kernel taps along the width, at least 1
 * @param padTop    zero rows added above the image, at least 0
 * @param padBottom zero rows added below the image, at least 0
 * @param padLeft   zero columns added left of the image, at least 0
 * @param padRight  zero columns added right of the image, at least 0
 * @param groups    channel groups (1 = ordinary conv, groups == channels = depthwise); ignored by pooling
 */
public record Conv2DSpec(int strideH, int strideW, int dilationH, int dilationW,
                         int padTop, int padBottom, int padLeft, int padRight, int groups) {

    /** Validates every field; the message names the field, the value and the fix. */
    public Conv2DSpec {
        atLeast("strideH", strideH, 1, "use a stride of at least 1 (1 = every position)");
        atLeast("strideW", strideW, 1, "use a stride of at least 1 (1 = every position)");
        atLeast("dilationH", dilationH, 1, "use a dilation of at least 1 (1 = no dilation)");
        atLeast("dilationW", dilationW, 1, "use a dilation of at least 1 (1 = no dilation)");
        atLeast("padTop", padTop, 0, "padding counts zero rows/columns and cannot be negative");
        atLeast("padBottom", padBottom, 0, "padding counts zero rows/columns and cannot be negative");
        atLeast("padLeft", padLeft, 0, "padding counts zero rows/columns and cannot be negative");
        atLeast("padRight", padRight, 0, "padding counts zero rows/columns and cannot be negative");
        atLeast("groups", groups, 1, "use groups=1 for an ordinary convolution");
    }

    /** Stride 1, no dilation, no padding, one group: a "valid" convolution. */
    public static Conv2DSpec unit() {
        return new Conv2DSpec(1, 1, 1, 1, 0, 0, 0, 0, 1);
    }

    /** Strides and explicit padding; dilation 1 and one group. */
    public static Conv2DSpec of(int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight) {
        return new Conv2DSpec(strideH, strideW, 1, 1, padTop, padBottom, padLeft, padRight, 1);
    }

    /** A copy with other dilations. */
    public Conv2DSpec withDilation(int dilationH, int dilationW) {
        return new Conv2DSpec(strideH, strideW, dilationH, dilationW, padTop, padBottom, padLeft, padRight, groups);
    }

    /** A copy with another number of groups. */
    public Conv2DSpec withGroups(int groups) {
        return new Conv2DSpec(strideH, strideW, dilationH, dilationW, padTop, padBottom, padLeft, padRight, groups);
    }

    /** Output height {@code floor((h + padTop + padBottom - dilationH*(kh-1) - 1)/strideH) + 1} (may be below 1). */
    public long outHeight(long h, long kh) {
        return Math.floorDiv(h + padTop + padBottom - (long) dilationH * (kh - 1) - 1, strideH) + 1;
    }

    /** Output width {@code floor((w + padLeft + padRight - dilationW*(kw-1) - 1)/strideW) + 1} (may be below 1). */
    public long outWidth(long w, long kw) {
        return Math.floorDiv(w + padLeft + padRight - (long) dilationW * (kw - 1) - 1, strideW) + 1;
    }

    private static void atLeast(String name, int value, int min, String fix) {
        if (value < min) {
            throw new IllegalArgumentException(
                    "Conv2DSpec: " + name + " must be >= " + min + ", got " + value + "; " + fix + ".");
        }
    }
}
