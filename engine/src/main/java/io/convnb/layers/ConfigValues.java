package io.convnb.layers;

import java.util.ArrayList;
import java.util.List;

/** Shapes as they appear in saved configurations (JSON lists). */
final class ConfigValues {
    private ConfigValues() {
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
}
