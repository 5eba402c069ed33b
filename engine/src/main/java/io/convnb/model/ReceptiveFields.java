package io.convnb.model;

import io.convnb.layers.Conv2DTranspose;
import io.convnb.layers.Layer;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.InputRegion;
import io.convnb.shape.LayerStep;
import io.convnb.shape.ReceptiveField;
import io.convnb.shape.ReceptiveFieldRow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The receptive fields of a {@link Sequential}'s layers on an input of a given size: for each layer
 * with a spatial grid, the height and width rows of {@link ReceptiveField}'s table (the arithmetic of
 * {@code %%convmath}), and the input rectangle any one output cell sees.
 *
 * <p>Convolutions and pooling layers are steps with their kernel, stride, dilation and the padding
 * {@link LayerGeometry} computes; cell-wise layers (activation, batch normalization, dropout) are
 * steps of kernel 1 that change nothing. The grid ends at the first {@code Flatten}, {@code Dense},
 * global pooling or {@code Reshape}. A transposed convolution has no single window per output cell in
 * this arithmetic (its fields overlap unevenly), so the table stops before it too.
 *
 * <pre>{@code
 * var model = new Sequential()
 *     .add(new Conv2D(8, 3, 3).padding("same").inputShape(28, 28, 1))
 *     .add(new MaxPooling2D(2, 2))
 *     .add(new Conv2D(8, 3, 3).padding("same"))
 *     .add(new MaxPooling2D(2, 2))
 *     .add(new Conv2D(8, 3, 3).padding("same"));
 * ReceptiveFields rf = ReceptiveFields.of(model, 28, 28);
 * InputRegion r = rf.region("conv2d_2", 3, 4);   // rows r.top()..r.bottom(), columns r.left()..r.right()
 * // 3 input pixels after conv2d, 4 after pooling, 8, 10, then 18 after conv2d_2:
 * r.height()    // -> 18
 * }</pre>
 */
public final class ReceptiveFields {
    private final String model;
    private final long inputHeight;
    private final long inputWidth;
    private final Map<String, ReceptiveFieldRow[]> rows;
    private final String stop;

    private ReceptiveFields(String model, long inputHeight, long inputWidth, Map<String, ReceptiveFieldRow[]> rows,
                            String stop) {
        this.model = model;
        this.inputHeight = inputHeight;
        this.inputWidth = inputWidth;
        this.rows = rows;
        this.stop = stop;
    }

    /**
     * The table for a model on an {@code inputHeight x inputWidth} input.
     *
     * @throws IllegalArgumentException when a layer cannot be applied to its input (the layer's usual message)
     */
    public static ReceptiveFields of(Sequential model, long inputHeight, long inputWidth) {
        List<LayerStep> heights = new ArrayList<>();
        List<LayerStep> widths = new ArrayList<>();
        long h = inputHeight, w = inputWidth;
        String stop = null;
        for (Layer layer : model.layers()) {
            if (LayerGeometry.cellwise(layer)) {
                heights.add(LayerStep.explicit(layer.name(), 1, 1, 1, 0, 0));
                widths.add(LayerStep.explicit(layer.name(), 1, 1, 1, 0, 0));
                continue;
            }
            if (!LayerGeometry.windowed(layer) || layer instanceof Conv2DTranspose) {
                stop = layer.typeName() + " '" + layer.name() + "'"
                        + (layer instanceof Conv2DTranspose ? " (a transposed convolution)" : " (no spatial grid)");
                break;
            }
            Geometry2D g = LayerGeometry.of(layer, h, w);
            heights.add(LayerStep.explicit(layer.name(), g.height().kernel(), g.height().stride(), g.height().dilation(),
                    g.padTop(), g.padBottom()));
            widths.add(LayerStep.explicit(layer.name(), g.width().kernel(), g.width().stride(), g.width().dilation(),
                    g.padLeft(), g.padRight()));
            h = g.outputHeight();
            w = g.outputWidth();
        }
        List<ReceptiveFieldRow> rh = ReceptiveField.of("height", inputHeight, heights);
        List<ReceptiveFieldRow> rw = ReceptiveField.of("width", inputWidth, widths);
        Map<String, ReceptiveFieldRow[]> rows = new LinkedHashMap<>();
        for (int i = 0; i < rh.size(); i++) {
            rows.put(rh.get(i).layer(), new ReceptiveFieldRow[] {rh.get(i), rw.get(i)});
        }
        return new ReceptiveFields(model.name(), inputHeight, inputWidth, rows, stop);
    }

    /** Input rows. */
    public long inputHeight() {
        return inputHeight;
    }

    /** Input columns. */
    public long inputWidth() {
        return inputWidth;
    }

    /** {@code "input"}, then the names of the layers with a spatial grid, first to last. */
    public List<String> layers() {
        return List.copyOf(rows.keySet());
    }

    /** The height row of a layer's receptive field. */
    public ReceptiveFieldRow height(String layer) {
        return row(layer)[0];
    }

    /** The width row of a layer's receptive field. */
    public ReceptiveFieldRow width(String layer) {
        return row(layer)[1];
    }

    /**
     * The input rectangle output cell {@code (row, col)} of {@code layer} sees.
     *
     * @throws IllegalArgumentException for an unknown layer, a layer past the spatial grid, or a cell
     *                                  outside the layer's output
     */
    public InputRegion region(String layer, long row, long col) {
        ReceptiveFieldRow[] r = row(layer);
        return InputRegion.of(r[0], r[1], row, col, inputHeight, inputWidth);
    }

    private ReceptiveFieldRow[] row(String layer) {
        ReceptiveFieldRow[] r = rows.get(layer);
        if (r == null) {
            List<String> known = new ArrayList<>(rows.keySet());
            known.remove("input");
            throw new IllegalArgumentException("Receptive field: Sequential '" + model + "' has no layer '" + layer
                    + "' with a spatial grid" + (stop == null ? "" : " (the grid ends at " + stop + ")")
                    + "; choose one of " + known + ".");
        }
        return r;
    }

    /** The table as text: one line per layer with output size, receptive field, jump and first centre. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("receptive fields of '" + model + "' on a " + inputHeight + "x" + inputWidth
                + " input (height x width):\n");
        for (ReceptiveFieldRow[] r : rows.values()) {
            b.append(String.format("%-20s output %dx%d  field %dx%d  jump %dx%d%n", r[0].layer(), r[0].outputSize(),
                    r[1].outputSize(), r[0].receptiveField(), r[1].receptiveField(), r[0].jump(), r[1].jump()));
        }
        return b.toString();
    }
}
