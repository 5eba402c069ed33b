package io.convnb.display;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Colour maps for heatmaps: a position {@code t} in [0, 1] maps to an sRGB colour by linear
 * interpolation between evenly spaced stops.
 */
public enum ColorMap {
    /** Matplotlib's perceptually uniform viridis (dark purple to yellow); sequential. */
    VIRIDIS("viridis", false, 0x440154, 0x482475, 0x414487, 0x355f8d, 0x2a788e, 0x21918c,
            0x22a884, 0x44bf70, 0x7ad151, 0xbddf26, 0xfde725),
    /** Black to white; sequential. */
    GRAY("gray", false, 0x000000, 0xffffff),
    /** Matplotlib's Blues (near-white to dark blue); sequential, used for confusion matrices. */
    BLUES("blues", false, 0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b),
    /**
     * ColorBrewer's red-blue diverging map oriented as matplotlib's {@code RdBu_r}: negative values
     * blue, zero near-white ({@code #f7f7f7}), positive values red. Used with a scale symmetric
     * around zero so that the sign of a weight reads at a glance.
     */
    RDBU("rdbu", true, 0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
            0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f);

    private final String keyword;
    private final boolean diverging;
    private final int[] stops;

    ColorMap(String keyword, boolean diverging, int... stops) {
        this.keyword = keyword;
        this.diverging = diverging;
        this.stops = stops;
    }

    /** The name used by {@code %display cmap=...}. */
    public String keyword() {
        return keyword;
    }

    /** Whether the map is meant for values centred at zero (use a symmetric scale). */
    public boolean diverging() {
        return diverging;
    }

    /**
     * The colour at position {@code t}: with stops {@code c_0..c_n}, {@code u = t*n},
     * {@code i = floor(u)}, colour = {@code c_i + (u - i)(c_{i+1} - c_i)} per channel.
     * {@code t} is clamped to [0, 1]; NaN gives mid grey.
     *
     * @return 0xRRGGBB
     */
    public int rgb(double t) {
        if (Double.isNaN(t)) {
            return 0x808080;
        }
        double c = Math.max(0.0, Math.min(1.0, t));
        double u = c * (stops.length - 1);
        int i = Math.min((int) Math.floor(u), stops.length - 2);
        double f = u - i;
        int a = stops[i];
        int b = stops[i + 1];
        int r = mix((a >> 16) & 0xff, (b >> 16) & 0xff, f);
        int g = mix((a >> 8) & 0xff, (b >> 8) & 0xff, f);
        int bl = mix(a & 0xff, b & 0xff, f);
        return (r << 16) | (g << 8) | bl;
    }

    /** The colour of the top of the map ({@code t = 1}). */
    public int top() {
        return stops[stops.length - 1];
    }

    /** The colour of the bottom of the map ({@code t = 0}). */
    public int bottom() {
        return stops[0];
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round(a + (b - a) * f);
    }

    /** Relative luminance (0..1) of an 0xRRGGBB colour, used to pick black or white labels. */
    static double luminance(int rgb) {
        return (0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff)) / 255.0;
    }

    /** Comma-separated keywords, for error messages. */
    public static String keywords() {
        return Arrays.stream(values()).map(ColorMap::keyword).collect(Collectors.joining(", "));
    }

    /**
     * Parses a keyword (case-insensitive); {@code rdbu_r} and {@code coolwarm} are accepted as
     * aliases of {@link #RDBU}, {@code grey} of {@link #GRAY}.
     */
    public static ColorMap parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "rdbu_r", "coolwarm" -> {
                return RDBU;
            }
            case "grey", "greys" -> {
                return GRAY;
            }
            default -> {
                for (ColorMap m : values()) {
                    if (m.keyword.equals(n)) {
                        return m;
                    }
                }
            }
        }
        throw new IllegalArgumentException("Unknown colour map '" + name + "'. Accepted: " + keywords()
                + " (rdbu: negative blue, zero white, positive red).");
    }
}
