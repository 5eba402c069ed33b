package io.convnb.magic;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The classic 3x3 image kernels of the tutorials, by name, for {@code %%conv kernel=...}.
 * (As in every deep-learning library, "convolution" here is cross-correlation: the kernel is not flipped.)
 */
public final class NamedKernels {
    /** Horizontal gradient (responds to vertical edges): dark-to-bright from left to right is positive. */
    public static final double[][] SOBEL_X = {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}};
    /** Vertical gradient (responds to horizontal edges): dark-to-bright from top to bottom is positive. */
    public static final double[][] SOBEL_Y = {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}};
    /** Sharpen: the centre weighted 5, its four neighbours -1. */
    public static final double[][] SHARPEN = {{0, -1, 0}, {-1, 5, -1}, {0, -1, 0}};
    /** Box blur: every weight 1/9, the mean of the window. */
    public static final double[][] BLUR = {{1.0 / 9, 1.0 / 9, 1.0 / 9}, {1.0 / 9, 1.0 / 9, 1.0 / 9}, {1.0 / 9, 1.0 / 9, 1.0 / 9}};
    /** Edge detector (Laplacian with diagonals): 8 at the centre, -1 around; sums to 0 on flat regions. */
    public static final double[][] EDGE = {{-1, -1, -1}, {-1, 8, -1}, {-1, -1, -1}};
    /** Identity: copies the centre cell. */
    public static final double[][] IDENTITY = {{0, 0, 0}, {0, 1, 0}, {0, 0, 0}};
    /** Emboss: a diagonal gradient that makes the image look raised. */
    public static final double[][] EMBOSS = {{-2, -1, 0}, {-1, 1, 1}, {0, 1, 2}};

    private static final Map<String, double[][]> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("sobel_x", SOBEL_X);
        BY_NAME.put("sobel_y", SOBEL_Y);
        BY_NAME.put("sharpen", SHARPEN);
        BY_NAME.put("blur", BLUR);
        BY_NAME.put("edge", EDGE);
        BY_NAME.put("identity", IDENTITY);
        BY_NAME.put("emboss", EMBOSS);
    }

    private NamedKernels() {
    }

    /** The names, in the order of the help. */
    public static java.util.List<String> names() {
        return java.util.List.copyOf(BY_NAME.keySet());
    }

    /**
     * A copy of the kernel called {@code name} (case-insensitive).
     *
     * @return the kernel, or {@code null} for an unknown name
     */
    public static double[][] get(String name) {
        double[][] k = BY_NAME.get(name.strip().toLowerCase(Locale.ROOT));
        if (k == null) {
            return null;
        }
        double[][] copy = new double[k.length][];
        for (int i = 0; i < k.length; i++) {
            copy[i] = k[i].clone();
        }
        return copy;
    }

    /** Every kernel with its values, one block per name, for {@code --help}. */
    public static String describe() {
        StringBuilder b = new StringBuilder();
        BY_NAME.forEach((name, k) -> {
            b.append("  ").append(name).append(":");
            for (double[] row : k) {
                b.append(" [");
                for (int j = 0; j < row.length; j++) {
                    b.append(j == 0 ? "" : " ").append(name.equals("blur") ? "1/9" : Long.toString((long) row[j]));
                }
                b.append(']');
            }
            b.append('\n');
        });
        return b.toString();
    }
}
