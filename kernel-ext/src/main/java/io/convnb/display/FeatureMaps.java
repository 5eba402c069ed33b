package io.convnb.display;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Activations of one image, {@code (H, W, C)} (or {@code (1, H, W, C)}), as a labelled grid with one
 * tile per channel. Each channel is scaled on its own range, {@code t = (a - min_c) / (max_c - min_c)},
 * as in Keras' "visualising intermediate activations", so weak channels still show their
 * pattern; each tile's subtitle gives its range, and channels that are constant (for example dead
 * ReLUs) say so.
 */
public final class FeatureMaps {

    /** Most channels drawn. */
    static final int MAX_CHANNELS = 64;

    private FeatureMaps() {
    }

    /** The grid with the kernel-wide colour map. */
    public static Figure of(INDArray activations, String layerName) {
        return of(activations, layerName, DisplayOptions.global().cmap());
    }

    /** The grid of a layer's activations for one image. */
    public static Figure of(INDArray activations, String layerName, ColorMap cmap) {
        INDArray hwc = activations;
        if (hwc != null && hwc.rank() == 4 && hwc.size(0) == 1) {
            hwc = hwc.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        }
        if (hwc == null || hwc.rank() != 3 || hwc.length() == 0) {
            throw new IllegalArgumentException("FeatureMaps needs activations of one image, shape (H, W, C) or (1, H, W, C); got "
                    + (activations == null ? "null" : "shape " + TensorText.shapeString(activations.shape()))
                    + ". For a batch, select one image: acts.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).");
        }
        long c = hwc.size(2);
        int shown = (int) Math.min(c, MAX_CHANNELS);
        int columns = Math.min(shown, 8);
        int tileSide = Math.max(56, Math.min(140, 780 / columns - Tiles.GAP));
        List<Tiles.Tile> tiles = new ArrayList<>();
        int dead = 0;
        String note = "";
        for (int k = 0; k < shown; k++) {
            Plane p = Plane.of(hwc.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(k)), tileSide);
            boolean constant = p.max == p.min;
            dead += constant ? 1 : 0;
            String sub = constant ? "constant " + Canvas.num(p.min) : Canvas.num(p.min) + " .. " + Canvas.num(p.max);
            tiles.add(new Tiles.Tile(p.values, p.min, p.max, "ch " + k, sub, 0x000000, -1));
            if (p.reduced()) {
                note = "; " + p.reductionNote();
            }
        }
        String name = layerName == null || layerName.isBlank() ? "activations" : layerName;
        List<String> headings = List.of(name + " " + TensorText.shapeString(activations.shape()),
                (shown < c ? "first " + shown + " of " + c : Long.toString(c)) + " channels, each on its own scale ("
                        + cmap.keyword() + ")" + (dead > 0 ? "; " + dead + " constant" : "") + note);
        Canvas cv = Tiles.draw(headings, tiles, columns, tileSide, cmap, null, null);
        return cv.toFigure(String.join("\n", headings) + "\n(image/png feature-map grid)");
    }
}
