package io.convnb.display;

import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * PNG heatmaps of arrays.
 *
 * <ul>
 *   <li>1-D and 2-D: one heatmap, cells scaled up by an integer factor (nearest neighbour), row and
 *       column indices on the axes, a colour bar, and the value in each cell when cells are large
 *       enough to hold it;</li>
 *   <li>3-D {@code (H, W, C)}: a grid of one heatmap per channel on a shared scale;</li>
 *   <li>4-D {@code (N, H, W, C)}: the grid of the first image.</li>
 * </ul>
 * Colour position of a value v on a sequential map is {@code t = (v - min) / (max - min)}; on a
 * diverging map the scale is symmetric, {@code t = (v + m) / 2m} with {@code m = max |v|}, so that
 * zero sits at the map's white centre. Arrays larger than the picture are reduced by block means
 * (very large ones are first sampled with a stride, so that at most about 16 elements are read per
 * drawn cell and never more than {@value Plane#MAX_READ}), and the caption says so.
 */
public final class Heatmap {

    /** Largest number of cells per side of a single heatmap. */
    static final int MAX_CELLS = 240;
    /** Plot side aimed at, in pixels. */
    static final int PLOT_SIDE = 480;
    /** Most channels drawn in a grid. */
    static final int MAX_CHANNELS = 64;

    private Heatmap() {
    }

    /** A heatmap with the kernel-wide options (colour map). */
    public static Figure of(INDArray a) {
        return of(a, DisplayOptions.global());
    }

    /** A heatmap (1-D/2-D) or channel grid (3-D/4-D) of an array. */
    public static Figure of(INDArray a, DisplayOptions options) {
        if (a == null || a.length() == 0) {
            throw new IllegalArgumentException("Heatmap needs a non-empty array, got "
                    + (a == null ? "null" : "shape " + TensorText.shapeString(a.shape())) + ".");
        }
        return switch (a.rank()) {
            case 1, 2 -> single(a, options.cmap(), describe(a));
            case 3 -> channels(a, options.cmap(), describe(a), "");
            case 4 -> channels(a.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()),
                    options.cmap(), describe(a), "image 0 of " + a.size(0) + ", ");
            default -> throw new IllegalArgumentException("Heatmap draws 1-D to 4-D arrays (H,W), (H,W,C) or (N,H,W,C); got shape "
                    + TensorText.shapeString(a.shape()) + ". Select a slice first, e.g. array.get(NDArrayIndex.point(0), ...).");
        };
    }

    static String describe(INDArray a) {
        return TensorText.shapeString(a.shape()) + " " + TensorText.dtypeName(a.dataType());
    }

    /** The colour range: [min, max], or symmetric [-m, m] for a diverging map. */
    static double[] range(double min, double max, ColorMap cmap) {
        if (cmap.diverging()) {
            double m = Math.max(Math.abs(min), Math.abs(max));
            return new double[] {-m, m};
        }
        return new double[] {min, max};
    }

    private static Figure single(INDArray a, ColorMap cmap, String what) {
        Plane p = Plane.of(a, MAX_CELLS);
        int h = p.values.length;
        int w = p.values[0].length;
        int cell = Math.max(1, Math.min(96, PLOT_SIDE / Math.max(h, w)));
        int plotW = w * cell;
        int plotH = h * cell;
        double[] r = range(p.min, p.max, cmap);
        List<String> lines = new ArrayList<>();
        lines.add("heatmap " + what + "   min " + Canvas.num(p.min) + "   max " + Canvas.num(p.max));
        if (p.reduced()) {
            lines.add(p.reductionNote());
        }
        int left = 56;
        int top = 16 + 20 * lines.size() + 8;
        int width = Math.max(left + plotW + Tiles.BAR_SPACE + 16, Canvas.textWidth(lines.get(0), Canvas.font(Font.BOLD, 14)) + 32);
        int height = top + Math.max(plotH, 120) + 40;
        Canvas cv = new Canvas(width, height);
        for (int i = 0; i < lines.size(); i++) {
            cv.font(Canvas.font(i == 0 ? Font.BOLD : Font.PLAIN, i == 0 ? 14 : 12));
            cv.color(i == 0 ? 0x000000 : 0x444444);
            cv.text(lines.get(i), 16, 30 + 20 * i, -1);
        }
        cv.raster(p.values, r[0], r[1], cmap, left, top, cell, cell);
        cv.color(0x999999);
        cv.g.drawRect(left, top, plotW, plotH);
        axisTicks(cv, p, left, top, cell, plotW, plotH);
        if (cell >= 30 && h * w <= 400) {
            cv.font(Canvas.font(Font.PLAIN, Math.min(12f, cell / 3.2f)));
            double span = r[1] - r[0];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double v = p.values[y][x];
                    int bg = cmap.rgb(span > 0 ? (v - r[0]) / span : 0.5);
                    cv.color(Canvas.labelColourOn(bg));
                    cv.centred(Canvas.num(v), left + x * cell + cell / 2.0, top + y * cell + cell / 2.0);
                }
            }
        }
        cv.colorBar(left + plotW + 24, top, Tiles.BAR_W, Math.max(plotH, 120), r[0], r[1], cmap);
        String text = String.join("\n", lines) + "\n(image/png heatmap, colour map " + cmap.keyword() + ")";
        return cv.toFigure(text);
    }

    /** Row indices on the left, column indices below, at most about 8 of each. */
    private static void axisTicks(Canvas cv, Plane p, int left, int top, int cell, int plotW, int plotH) {
        cv.font(Canvas.font(Font.PLAIN, 11));
        cv.color(0x333333);
        double perCell = (double) p.factor * p.stride;
        long rowStep = niceStep(p.rows);
        for (long i = 0; i < p.rows; i += rowStep) {
            double y = top + (i / perCell + 0.5 / perCell) * cell;
            if (p.rows > 1 || i == 0) {
                cv.g.drawLine(left - 4, (int) y, left, (int) y);
                cv.text(Long.toString(i), left - 7, y + 4, 1);
            }
        }
        long colStep = niceStep(p.cols);
        for (long j = 0; j < p.cols; j += colStep) {
            double x = left + (j / perCell + 0.5 / perCell) * cell;
            cv.g.drawLine((int) x, top + plotH, (int) x, top + plotH + 4);
            cv.text(Long.toString(j), x, top + plotH + 17, 0);
        }
    }

    /** A step of 1, 2 or 5 times a power of ten giving at most 8 ticks over n indices. */
    static long niceStep(long n) {
        long base = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                long step = m * base;
                if ((n + step - 1) / step <= 8) {
                    return step;
                }
            }
            base *= 10;
        }
    }

    private static Figure channels(INDArray hwc, ColorMap cmap, String what, String which) {
        long c = hwc.size(2);
        int shown = (int) Math.min(c, MAX_CHANNELS);
        int columns = Tiles.columnsFor(shown, 8);
        int tileSide = Math.max(48, Math.min(160, (760 - Tiles.BAR_SPACE) / columns - Tiles.GAP));
        List<Plane> planes = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < shown; k++) {
            Plane p = Plane.of(hwc.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(k)), tileSide);
            planes.add(p);
            lo = Math.min(lo, p.min);
            hi = Math.max(hi, p.max);
        }
        double[] r = range(lo, hi, cmap);
        List<Tiles.Tile> tiles = new ArrayList<>();
        for (int k = 0; k < shown; k++) {
            tiles.add(new Tiles.Tile(planes.get(k).values, r[0], r[1], "channel " + k));
        }
        List<String> headings = new ArrayList<>();
        headings.add("heatmap " + what + "   min " + Canvas.num(lo) + "   max " + Canvas.num(hi));
        String note = which + (shown < c ? "first " + shown + " of " + c + " channels, " : c + " channels, ") + "shared colour scale";
        if (planes.get(0).reduced()) {
            note += "; " + planes.get(0).reductionNote();
        }
        headings.add(note);
        Canvas cv = Tiles.draw(headings, tiles, columns, tileSide, cmap, r, null);
        return cv.toFigure(String.join("\n", headings) + "\n(image/png channel grid, colour map " + cmap.keyword() + ")");
    }
}
