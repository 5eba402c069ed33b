package io.convnb.model;

import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;

/**
 * The Keras {@code model.summary()} table: one row per layer with its output shape and parameter
 * count, then total, trainable and non-trainable parameters. {@link #toString()} prints the Keras
 * text layout; the notebook extension renders the same rows as HTML.
 */
public record ModelSummary(String modelName, List<Row> rows, long totalParams, long trainableParams, long nonTrainableParams) {
    /** One layer: {@code conv2d (Conv2D)}, {@code (None, 26, 26, 32)}, {@code 320}. */
    public record Row(String name, String type, String outputShape, long params) {
        public String layerLabel() {
            return name + " (" + type + ")";
        }
    }

    public static String formatCount(long n) {
        return NumberFormat.getIntegerInstance(Locale.US).format(n);
    }

    @Override
    public String toString() {
        int c1 = 29;
        int c2 = 26;
        for (Row r : rows) {
            c1 = Math.max(c1, r.layerLabel().length() + 2);
            c2 = Math.max(c2, r.outputShape().length() + 2);
        }
        int width = c1 + c2 + 12;
        String thin = "_".repeat(width);
        String thick = "=".repeat(width);
        StringBuilder sb = new StringBuilder();
        sb.append("Model: \"").append(modelName).append("\"\n").append(thin).append('\n');
        sb.append(pad(" Layer (type)", c1)).append(pad("Output Shape", c2)).append("Param #\n").append(thick).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(pad(" " + r.layerLabel(), c1)).append(pad(r.outputShape(), c2)).append(formatCount(r.params())).append('\n');
            sb.append(i == rows.size() - 1 ? thick : " ".repeat(width)).append('\n');
        }
        if (rows.isEmpty()) {
            sb.append(thick).append('\n');
        }
        sb.append("Total params: ").append(formatCount(totalParams)).append('\n');
        sb.append("Trainable params: ").append(formatCount(trainableParams)).append('\n');
        sb.append("Non-trainable params: ").append(formatCount(nonTrainableParams)).append('\n');
        sb.append(thin);
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
