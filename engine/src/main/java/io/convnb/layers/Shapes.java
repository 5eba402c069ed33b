package io.convnb.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** Formatting and conversion of shapes in the Keras style, e.g. {@code (None, 26, 26, 32)}. */
public final class Shapes {
    private Shapes() {
    }

    /** {@code (2, 3)}; a 1-element shape prints as {@code (5,)} like Python. */
    public static String format(long... shape) {
        return io.convnb.shape.Shapes.format(shape);
    }

    /** A per-sample shape with the batch axis shown as {@code None}: {@code (None, 28, 28, 1)}. */
    public static String formatBatch(long... sampleShape) {
        StringJoiner j = new StringJoiner(", ", "(", ")");
        j.add("None");
        for (long d : sampleShape) {
            j.add(Long.toString(d));
        }
        return j.toString();
    }

    public static long product(long... shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    static List<Long> toList(long[] shape) {
        List<Long> list = new ArrayList<>();
        for (long d : shape) {
            list.add(d);
        }
        return list;
    }

    static long[] fromList(Object value) {
        List<?> list = (List<?>) value;
        long[] shape = new long[list.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = ((Number) list.get(i)).longValue();
        }
        return shape;
    }

    /** Prepends the batch size to a per-sample shape. */
    public static long[] withBatch(long batch, long[] sampleShape) {
        long[] s = new long[sampleShape.length + 1];
        s[0] = batch;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }
}
