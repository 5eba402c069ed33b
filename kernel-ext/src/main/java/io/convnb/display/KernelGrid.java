package io.convnb.display;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Convolution filters as a picture. The kernel has Keras layout {@code (kh, kw, in_channels, filters)};
 * each filter is a tile, coloured with the diverging red-blue map on one scale symmetric around
 * zero shared by all tiles ({@code t = (w + m) / 2m}, {@code m = max |w|}): positive weights red,
 * negative blue, zero white. Tiles are scaled up by an integer factor (nearest neighbour), so a
 * 3x3 filter shows as 9 crisp squares.
 */
public final class KernelGrid {

    /** Most tiles drawn; more filters or channels are cut and the caption says so. */
    static final int MAX_TILES = 128;
    /** Most tiles per grid row. */
    static final int MAX_COLUMNS = 12;

    private KernelGrid() {
    }

    /**
     * All input channels (one grid row per input channel, one column per filter) when that is at
     * most {@value #MAX_TILES} tiles and {@value #MAX_COLUMNS} filters, otherwise the first input
     * channel only (filters wrapped {@value #MAX_COLUMNS} per row).
     */
    public static Figure of(INDArray kernel) {
        check(kernel);
        return kernel.size(2) * kernel.size(3) <= MAX_TILES && kernel.size(3) <= MAX_COLUMNS ? allChannels(kernel) : firstChannel(kernel);
    }

    /** One tile per filter, showing its weights for input channel 0. */
    public static Figure firstChannel(INDArray kernel) {
        check(kernel);
        return draw(kernel, 1);
    }

    /** One grid row per input channel, one column per filter (at most {@value #MAX_COLUMNS} filters, {@value #MAX_TILES} tiles). */
    public static Figure allChannels(INDArray kernel) {
        check(kernel);
        return draw(kernel, (int) kernel.size(2));
    }

    private static void check(INDArray kernel) {
        if (kernel == null || kernel.rank() != 4 || kernel.length() == 0) {
            throw new IllegalArgumentException("KernelGrid needs a Conv2D kernel of shape (kh, kw, in_channels, filters); got "
                    + (kernel == null ? "null" : "shape " + TensorText.shapeString(kernel.shape()))
                    + ". For a layer pass its kernel weights, e.g. conv.getKernel().");
        }
    }

    private static Figure draw(INDArray kernel, int channelRows) {
        long kh = kernel.size(0);
        long kw = kernel.size(1);
        long cin = kernel.size(2);
        long filters = kernel.size(3);
        if (channelRows == 1) {
            return drawFirstChannel(kernel, (int) Math.min(filters, MAX_TILES));
        }
        // One column per filter (at most 16, so the picture stays notebook-wide), channel rows up to MAX_TILES tiles.
        int columns = (int) Math.min(filters, MAX_COLUMNS);
        int rowsShown = Math.min(channelRows, Math.max(1, MAX_TILES / columns));
        int tileSide = tileSide(kh, kw, columns);
        double m = 0;
        List<double[][]> values = new ArrayList<>();
        for (int c = 0; c < rowsShown; c++) {
            for (int f = 0; f < columns; f++) {
                Plane p = Plane.of(kernel.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.point(f)), tileSide);
                values.add(p.values);
                m = Math.max(m, Math.max(Math.abs(p.min), Math.abs(p.max)));
            }
        }
        List<Tiles.Tile> tiles = new ArrayList<>();
        List<String> rowLabels = new ArrayList<>();
        for (int c = 0; c < rowsShown; c++) {
            rowLabels.add("in " + c);
            for (int f = 0; f < columns; f++) {
                tiles.add(new Tiles.Tile(values.get(c * columns + f), -m, m, c == 0 ? "filter " + f : ""));
            }
        }
        String shown = (rowsShown < cin || columns < filters)
                ? "; showing input channels 0-" + (rowsShown - 1) + " of " + cin + ", filters 0-" + (columns - 1) + " of " + filters : "";
        List<String> headings = List.of("conv kernel " + TensorText.shapeString(kernel.shape()) + " (kh, kw, in, filters)",
                "rows: input channels, columns: filters; shared scale [-" + Canvas.num(m) + ", " + Canvas.num(m) + "]" + shown);
        Canvas cv = Tiles.draw(headings, tiles, columns, tileSide, ColorMap.RDBU, new double[] {-m, m}, rowLabels);
        return cv.toFigure(String.join("\n", headings) + "\n(image/png filter grid, red positive, blue negative)");
    }

    private static Figure drawFirstChannel(INDArray kernel, int shown) {
        long kh = kernel.size(0);
        long kw = kernel.size(1);
        long filters = kernel.size(3);
        int columns = Math.min(shown, MAX_COLUMNS);
        int tileSide = tileSide(kh, kw, columns);
        double m = 0;
        List<double[][]> values = new ArrayList<>();
        for (int f = 0; f < shown; f++) {
            Plane p = Plane.of(kernel.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(f)), tileSide);
            values.add(p.values);
            m = Math.max(m, Math.max(Math.abs(p.min), Math.abs(p.max)));
        }
        List<Tiles.Tile> tiles = new ArrayList<>();
        for (int f = 0; f < shown; f++) {
            tiles.add(new Tiles.Tile(values.get(f), -m, m, "filter " + f));
        }
        String cut = shown < filters ? "; first " + shown + " of " + filters + " filters" : "";
        List<String> headings = List.of("conv kernel " + TensorText.shapeString(kernel.shape()) + " (kh, kw, in, filters)",
                "input channel 0 of " + kernel.size(2) + "; shared scale [-" + Canvas.num(m) + ", " + Canvas.num(m) + "]" + cut);
        Canvas cv = Tiles.draw(headings, tiles, columns, tileSide, ColorMap.RDBU, new double[] {-m, m}, null);
        return cv.toFigure(String.join("\n", headings) + "\n(image/png filter grid, red positive, blue negative)");
    }

    /** Tile box side: fills about 700 px of width, an integer multiple of the kernel size, 48..120 px. */
    static int tileSide(long kh, long kw, int columns) {
        long k = Math.max(kh, kw);
        int budget = Math.max(48, Math.min(120, 700 / columns - Tiles.GAP));
        long cell = Math.max(1, budget / k);
        return (int) Math.max(cell * k, Math.min(budget, k));
    }
}
