package io.convnb.shape;

/** The argument checks shared by every axis computation, each with a message that says the fix. */
final class Checks {
    private Checks() {
    }

    static String name(String layer) {
        return layer == null || layer.isBlank() ? "Layer" : layer;
    }

    /** Input, kernel, stride and dilation of one axis. */
    static void axisArguments(String layer, String axis, long in, long kernel, long stride, long dilation,
                              String kernelWord) {
        if (in < 1) {
            throw new IllegalArgumentException(name(layer) + ": input " + axis + " must be at least 1, received " + in
                    + "; check the input shape (it excludes the batch axis).");
        }
        if (kernel < 1) {
            throw new IllegalArgumentException(name(layer) + ": " + kernelWord + " must be at least 1 on the " + axis
                    + " axis, received " + kernel + "; use a positive " + kernelWord + " such as "
                    + ("kernel size".equals(kernelWord) ? "3." : "2."));
        }
        if (stride < 1) {
            throw new IllegalArgumentException(name(layer) + ": strides must be at least 1 on the " + axis
                    + " axis, received " + stride + "; use strides=1 to visit every position or 2 to halve the size.");
        }
        if (dilation < 1) {
            throw new IllegalArgumentException(name(layer) + ": dilation_rate must be at least 1 on the " + axis
                    + " axis, received " + dilation + "; use dilation_rate=1 for a kernel without holes.");
        }
    }

    static void nonNegativePadding(String layer, String side, long amount) {
        if (amount < 0) {
            throw new IllegalArgumentException(name(layer) + ": padding " + side + " must not be negative, received "
                    + amount + "; use 0 or more (padding adds zeros, it cannot crop).");
        }
    }

    static IllegalArgumentException explicitNeedsAmounts(String layer) {
        return new IllegalArgumentException(name(layer) + ": padding EXPLICIT needs its amounts; call the overload"
                + " that takes them (padBefore, padAfter or top, bottom, left, right), or use \"valid\", \"same\" or \"full\".");
    }
}
