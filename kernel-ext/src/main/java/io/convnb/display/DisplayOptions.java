package io.convnb.display;

import java.util.Locale;

/**
 * Print options for tensor displays, like NumPy's {@code np.set_printoptions}.
 *
 * <ul>
 *   <li>{@code rows}: edge items shown at the start and end of every axis but the last when an
 *       array is summarised (NumPy {@code edgeitems});</li>
 *   <li>{@code cols}: edge items of the last axis (the columns);</li>
 *   <li>{@code precision}: at most this many fractional digits (NumPy {@code precision});</li>
 *   <li>{@code threshold}: arrays with more elements than this are summarised with {@code ...}
 *       (NumPy {@code threshold});</li>
 *   <li>{@code cmap}: the colour map of heatmaps.</li>
 * </ul>
 * One mutable instance per kernel ({@link #global()}) is set by the {@code %display} magic;
 * renderers also accept an explicit instance so that they stay testable.
 */
public final class DisplayOptions {

    /** Default edge items, as NumPy's {@code edgeitems}. */
    public static final int DEFAULT_EDGE_ITEMS = 3;
    /** Default fractional digits: 4 keeps tensors readable in a notebook (PyTorch's choice). */
    public static final int DEFAULT_PRECISION = 4;
    /** Default summarisation threshold, as NumPy's {@code threshold}. */
    public static final int DEFAULT_THRESHOLD = 1000;
    /** Largest accepted edge-item count: beyond it an output is no longer a summary. */
    public static final int MAX_EDGE_ITEMS = 100;
    /** Largest accepted precision: 17 significant digits already identify every double. */
    public static final int MAX_PRECISION = 17;

    private static final DisplayOptions GLOBAL = new DisplayOptions();

    private int rows = DEFAULT_EDGE_ITEMS;
    private int cols = DEFAULT_EDGE_ITEMS;
    private int precision = DEFAULT_PRECISION;
    private int threshold = DEFAULT_THRESHOLD;
    private ColorMap cmap = ColorMap.VIRIDIS;

    /** Creates options holding the defaults. */
    public DisplayOptions() {
    }

    /** The kernel-wide options that {@code %display} changes and the registered renderers read. */
    public static DisplayOptions global() {
        return GLOBAL;
    }

    /** An independent copy. */
    public DisplayOptions copy() {
        DisplayOptions c = new DisplayOptions();
        c.rows = rows;
        c.cols = cols;
        c.precision = precision;
        c.threshold = threshold;
        c.cmap = cmap;
        return c;
    }

    /** Restores the defaults. */
    public DisplayOptions reset() {
        rows = DEFAULT_EDGE_ITEMS;
        cols = DEFAULT_EDGE_ITEMS;
        precision = DEFAULT_PRECISION;
        threshold = DEFAULT_THRESHOLD;
        cmap = ColorMap.VIRIDIS;
        return this;
    }

    /** Edge rows (NumPy {@code edgeitems}) of every axis but the last. */
    public int rows() {
        return rows;
    }

    /** Edge columns (edge items of the last axis). */
    public int cols() {
        return cols;
    }

    /** Most fractional digits printed. */
    public int precision() {
        return precision;
    }

    /** Element count above which arrays are summarised. */
    public int threshold() {
        return threshold;
    }

    /** Colour map of heatmaps. */
    public ColorMap cmap() {
        return cmap;
    }

    /** Sets the edge rows; must lie in 1..{@value #MAX_EDGE_ITEMS}. */
    public DisplayOptions rows(int value) {
        rows = checkRange("rows", value, 1, MAX_EDGE_ITEMS, "edge rows shown before and after '...'");
        return this;
    }

    /** Sets the edge columns; must lie in 1..{@value #MAX_EDGE_ITEMS}. */
    public DisplayOptions cols(int value) {
        cols = checkRange("cols", value, 1, MAX_EDGE_ITEMS, "edge columns shown before and after '...'");
        return this;
    }

    /** Sets the fractional digits; must lie in 0..{@value #MAX_PRECISION}. */
    public DisplayOptions precision(int value) {
        precision = checkRange("precision", value, 0, MAX_PRECISION, "fractional digits");
        return this;
    }

    /** Sets the summarisation threshold (element count); must be at least 0. */
    public DisplayOptions threshold(int value) {
        threshold = checkRange("threshold", value, 0, Integer.MAX_VALUE, "element count above which arrays are summarised");
        return this;
    }

    /** Sets the colour map. */
    public DisplayOptions cmap(ColorMap value) {
        if (value == null) {
            throw new IllegalArgumentException("Display option cmap must not be null; use one of " + ColorMap.keywords() + ".");
        }
        cmap = value;
        return this;
    }

    /**
     * Sets one option from its {@code %display} keyword and text value, e.g.
     * {@code set("precision", "3")} or {@code set("cmap", "rdbu")}.
     *
     * @throws IllegalArgumentException naming the option, the value and the accepted forms
     */
    public DisplayOptions set(String key, String value) {
        String k = key == null ? "" : key.trim().toLowerCase(Locale.ROOT);
        switch (k) {
            case "rows" -> rows(parseInt(k, value));
            case "cols" -> cols(parseInt(k, value));
            case "precision" -> precision(parseInt(k, value));
            case "threshold" -> threshold(parseInt(k, value));
            case "cmap" -> cmap(ColorMap.parse(value));
            default -> throw new IllegalArgumentException("Unknown display option '" + key
                    + "'. Accepted options: rows, cols, precision, threshold, cmap (e.g. %display rows=5 precision=3 cmap=gray).");
        }
        return this;
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Display option " + key + "='" + value
                    + "' is not a whole number; write e.g. " + key + "=4.", e);
        }
    }

    private static int checkRange(String key, int value, int min, int max, String meaning) {
        if (value < min || value > max) {
            String range = max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max;
            throw new IllegalArgumentException("Display option " + key + "=" + value + " is out of range: " + key
                    + " (" + meaning + ") must be " + range + ".");
        }
        return value;
    }

    /** The options in {@code %display} syntax, e.g. {@code rows=3 cols=3 precision=4 threshold=1000 cmap=viridis}. */
    @Override
    public String toString() {
        return "rows=" + rows + " cols=" + cols + " precision=" + precision + " threshold=" + threshold
                + " cmap=" + cmap.keyword();
    }
}
