package io.convnb.shape;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Writes shapes the way Keras and NumPy print them. */
public final class Shapes {
    private Shapes() {
    }

    /**
     * A shape as text: {@code (28, 28, 1)}; a one-axis shape gets Python's trailing comma, {@code (10,)}.
     *
     * @param dims the sizes, may be empty ({@code ()})
     */
    public static String format(long... dims) {
        if (dims == null) {
            return "null";
        }
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        return Arrays.stream(dims).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
