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

    /** A per-sample shape with the batch axis shown as {@code None}, as Keras prints it: {@code (None, 28, 28, 1)}. */
    public static String formatBatch(long... sampleShape) {
        StringBuilder sb = new StringBuilder("(None");
        for (long d : sampleShape) {
            sb.append(", ").append(d);
        }
        return sb.append(')').toString();
    }

    /** The number of elements of a shape (1 for the empty shape). */
    public static long product(long... shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    /** Prepends the batch size to a per-sample shape. */
    public static long[] withBatch(long batch, long[] sampleShape) {
        long[] s = new long[sampleShape.length + 1];
        s[0] = batch;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }
}
