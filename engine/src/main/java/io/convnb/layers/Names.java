package io.convnb.layers;

import java.util.Locale;

/** Keras-style default layer names. */
final class Names {
    private Names() {
    }

    /** {@code "Conv2D"} to {@code "conv2d"}, {@code "MaxPooling2D"} to {@code "max_pooling2d"}. */
    static String snakeCase(String typeName) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < typeName.length(); i++) {
            char c = typeName.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char prev = typeName.charAt(i - 1);
                boolean nextLower = i + 1 < typeName.length() && Character.isLowerCase(typeName.charAt(i + 1));
                if (Character.isLowerCase(prev) || (Character.isUpperCase(prev) && nextLower)) {
                    sb.append('_');
                }
            }
            sb.append(Character.toLowerCase(c));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
