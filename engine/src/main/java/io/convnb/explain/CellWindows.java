package io.convnb.explain;

import io.convnb.layers.Activation;
import io.convnb.layers.BatchNormalization;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Dropout;
import io.convnb.layers.Layer;
import io.convnb.layers.Pooling2D;
import io.convnb.model.Sequential;
import io.convnb.shape.LayerStep;
import io.convnb.shape.Padding;
import io.convnb.shape.ReceptiveField;
import io.convnb.shape.ReceptiveFieldRow;
import io.convnb.shape.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the cells of a model's layer sit on the input image: the receptive-field arithmetic of
 * {@link ReceptiveField} (the same as {@code %%convmath}'s table) applied to the layers of a
 * {@link Sequential} from its input up to a chosen layer.
 *
 * <p>Per axis, output cell {@code i} of the layer is centred on input coordinate
 * {@code centre_i = firstCenter + i*jump} and sees the {@code r} input cells
 * {@code centre_i - (r-1)/2 .. centre_i + (r-1)/2} ({@code r} = receptive field). Conv2D and the
 * 2-D pooling layers move the window; Activation, BatchNormalization and Dropout act cell by cell and
 * leave it alone. Other layers (Flatten, Dense, global pooling, Reshape, transposed or 1-D
 * convolutions) end the spatial part of a model: a layer behind them has no receptive field here.
 *
 * <pre>{@code
 * // no-run: package-private; users reach the same arithmetic through the public ReceptiveFields
 * CellWindows g = CellWindows.of(model, "conv2d_1");
 * InputWindow w = g.window(3, 4);      // the input pixels output cell (3, 4) of conv2d_1 sees
 * System.out.println(g);               // the table, one row per layer
 * }</pre>
 */
final class CellWindows {
    private final String layerName;
    private final long inputHeight;
    private final long inputWidth;
    private final List<ReceptiveFieldRow> heights;
    private final List<ReceptiveFieldRow> widths;

    private CellWindows(String layerName, long inputHeight, long inputWidth, List<ReceptiveFieldRow> heights, List<ReceptiveFieldRow> widths) {
        this.layerName = layerName;
        this.inputHeight = inputHeight;
        this.inputWidth = inputWidth;
        this.heights = heights;
        this.widths = widths;
    }

    /** The geometry of the named layer's output cells. */
    static CellWindows of(Sequential model, String layerName) {
        Layer target = model.layer(layerName);
        return build(model, model.layers().indexOf(target), "CellWindows");
    }

    /**
     * The geometry of the last layer of the model's spatial part (the layers before the first Flatten,
     * Dense, global pooling, ...), whose table shows how the receptive field grows layer by layer.
     */
    static CellWindows of(Sequential model) {
        long[] in = requireImageInput(model, "CellWindows");
        int last = -1;
        for (int i = 0; i < model.layers().size() && kind(model.layers().get(i)) != Kind.OTHER; i++) {
            last = i;
        }
        if (last < 0) {
            Layer first = model.layers().get(0);
            throw new IllegalArgumentException("CellWindows: the first layer of Sequential '" + model.name() + "' is "
                    + first.typeName() + " '" + first.name() + "', which has no receptive field; input " + Shapes.formatBatch(in)
                    + ". Receptive fields are defined for Conv2D and 2-D pooling layers.");
        }
        return build(model, last, "CellWindows");
    }

    static CellWindows build(Sequential model, int index, String who) {
        long[] in = requireImageInput(model, who);
        List<LayerStep> hs = new ArrayList<>();
        List<LayerStep> ws = new ArrayList<>();
        for (int i = 0; i <= index; i++) {
            Layer l = model.layers().get(i);
            switch (kind(l)) {
                case CONV -> {
                    Conv2D c = (Conv2D) l;
                    int[] k = c.kernelSize();
                    int[] s = c.strides();
                    int[] d = c.dilationRate();
                    if (c.padding() == Padding.EXPLICIT) {
                        List<?> p = (List<?>) c.getConfig().get("explicit_padding");
                        hs.add(LayerStep.explicit(l.name(), k[0], s[0], d[0], num(p.get(0)), num(p.get(1))));
                        ws.add(LayerStep.explicit(l.name(), k[1], s[1], d[1], num(p.get(2)), num(p.get(3))));
                    } else {
                        hs.add(LayerStep.conv(l.name(), k[0], s[0], d[0], c.padding()));
                        ws.add(LayerStep.conv(l.name(), k[1], s[1], d[1], c.padding()));
                    }
                }
                case POOL -> {
                    Pooling2D p = (Pooling2D) l;
                    Map<String, Object> config = p.getConfig();
                    List<?> s = (List<?>) config.get("strides");
                    Padding padding = Padding.of((String) config.get("padding"));
                    hs.add(LayerStep.pool(l.name(), p.poolSize()[0], num(s.get(0)), padding));
                    ws.add(LayerStep.pool(l.name(), p.poolSize()[1], num(s.get(1)), padding));
                }
                case CELLWISE -> {
                    // same window as the layer before
                }
                case OTHER -> throw new IllegalArgumentException(who + ": layer '" + model.layers().get(index).name()
                        + "' comes after " + l.typeName() + " '" + l.name() + "', which has no receptive-field arithmetic"
                        + " (defined for Conv2D, MaxPooling2D, AveragePooling2D and cell-wise layers such as Activation,"
                        + " BatchNormalization, Dropout); choose a layer before '" + l.name() + "'.");
                default -> throw new AssertionError(l);
            }
            String format = (String) l.getConfig().get("data_format");
            if (format != null && !format.equals("channels_last")) {
                throw new IllegalArgumentException(who + ": layer '" + l.name() + "' uses data_format=\"" + format
                        + "\"; saliency and receptive fields support channels_last (N, H, W, C) models only. "
                        + "Build the model with the default dataFormat(\"channels_last\").");
            }
        }
        return new CellWindows(model.layers().get(index).name(), in[0], in[1],
                ReceptiveField.of("height", in[0], hs), ReceptiveField.of("width", in[1], ws));
    }

    private enum Kind { CONV, POOL, CELLWISE, OTHER }

    private static Kind kind(Layer l) {
        if (l instanceof Conv2D) {
            return Kind.CONV;
        }
        if (l instanceof Pooling2D) {
            return Kind.POOL;
        }
        if (l instanceof Activation || l instanceof BatchNormalization || l instanceof Dropout) {
            return Kind.CELLWISE;
        }
        return Kind.OTHER;
    }

    private static long num(Object o) {
        return ((Number) o).longValue();
    }

    static long[] requireImageInput(Sequential model, String who) {
        long[] in = model.inputShape();
        if (in == null) {
            throw new IllegalArgumentException(who + ": Sequential '" + model.name() + "' is not built yet; give its first layer an "
                    + "inputShape(...) (e.g. inputShape(28, 28, 1)) or train it once.");
        }
        if (in.length != 3) {
            throw new IllegalArgumentException(who + ": Sequential '" + model.name() + "' takes inputs " + Shapes.formatBatch(in)
                    + ", not images (None, H, W, C).");
        }
        return in;
    }

    /** The layer whose output cells this geometry describes. */
    public String layerName() {
        return layerName;
    }

    /** Rows of the receptive-field table along the height, the input first. */
    public List<ReceptiveFieldRow> heightRows() {
        return heights;
    }

    /** Rows of the receptive-field table along the width, the input first. */
    public List<ReceptiveFieldRow> widthRows() {
        return widths;
    }

    /** The layer's output height and width. */
    public long[] outputSize() {
        return new long[] {last(heights).outputSize(), last(widths).outputSize()};
    }

    /** Receptive field (height, width) of one output cell of the layer. */
    public long[] receptiveField() {
        return new long[] {last(heights).receptiveField(), last(widths).receptiveField()};
    }

    /** Input coordinates (row, column) of the centre of output cell (row, col)'s window. */
    public double[] centre(long row, long col) {
        ReceptiveFieldRow h = last(heights);
        ReceptiveFieldRow w = last(widths);
        return new double[] {h.firstCenter() + row * h.jump(), w.firstCenter() + col * w.jump()};
    }

    /**
     * The input pixels that output cell {@code (row, col)} sees.
     *
     * @throws IllegalArgumentException when the cell is outside the layer's output
     */
    public InputWindow window(long row, long col) {
        long[] size = outputSize();
        if (row < 0 || row >= size[0] || col < 0 || col >= size[1]) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "Layer '%s' outputs %d x %d cells; cell (%d, %d) does not exist. Use a row in 0..%d and a column in 0..%d.",
                    layerName, size[0], size[1], row, col, size[0] - 1, size[1] - 1));
        }
        return new InputWindow(start(last(heights), row), start(last(widths), col),
                start(last(heights), row) + last(heights).receptiveField() - 1,
                start(last(widths), col) + last(widths).receptiveField() - 1);
    }

    private static long start(ReceptiveFieldRow r, long index) {
        // centre - (r-1)/2 is a whole number: an even field has its centre between two cells
        return Math.round(r.firstCenter() + index * r.jump() - (r.receptiveField() - 1) / 2.0);
    }

    private static ReceptiveFieldRow last(List<ReceptiveFieldRow> rows) {
        return rows.get(rows.size() - 1);
    }

    /** Input height and width. */
    public long[] inputSize() {
        return new long[] {inputHeight, inputWidth};
    }

    /** The table: per layer its output size, receptive field, jump and first centre (height x width). */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-16s %-9s %-16s %-7s %s%n", "layer", "output", "receptive field", "jump", "first centre"));
        for (int i = 0; i < heights.size(); i++) {
            ReceptiveFieldRow h = heights.get(i);
            ReceptiveFieldRow w = widths.get(i);
            sb.append(String.format(Locale.ROOT, "%-16s %-9s %-16s %-7s %s%n", h.layer(),
                    h.outputSize() + "x" + w.outputSize(), h.receptiveField() + "x" + w.receptiveField(),
                    h.jump() + "x" + w.jump(), fmt(h.firstCenter()) + ", " + fmt(w.firstCenter())));
        }
        return sb.toString().stripTrailing();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
