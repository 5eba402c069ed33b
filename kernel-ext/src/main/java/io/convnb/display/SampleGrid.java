package io.convnb.display;

import java.awt.BasicStroke;
import java.awt.Font;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A grid of sample images with their labels, and with predictions when given: a wrong prediction
 * gets a red frame and the caption "predicted (true: label)" in red. Images are
 * {@code (N, H, W)}, {@code (N, H, W, 1)} (grey, scaled on the shown images' common [min, max]) or
 * {@code (N, H, W, 3)} (RGB, in [0, 1], or [0, 255] when the maximum exceeds 1). Images are scaled
 * up by an integer factor (nearest neighbour).
 */
public final class SampleGrid {

    /** Most images drawn. */
    public static final int MAX_IMAGES = 64;
    static final int WRONG_RGB = 0xd62728;

    private SampleGrid() {
    }

    /** Images with their true labels only. */
    public static Figure of(INDArray images, int[] labels, List<String> classNames) {
        return of(images, labels, null, classNames);
    }

    /**
     * Images with true labels and predictions.
     *
     * @param predicted  predicted class per image, or null
     * @param classNames names indexed by class, or null to show class numbers
     */
    public static Figure of(INDArray images, int[] labels, int[] predicted, List<String> classNames) {
        if (images == null || (images.rank() != 3 && images.rank() != 4) || images.size(0) == 0
                || (images.rank() == 4 && images.size(3) != 1 && images.size(3) != 3)) {
            throw new IllegalArgumentException("SampleGrid needs images of shape (N, H, W), (N, H, W, 1) or (N, H, W, 3); got "
                    + (images == null ? "null" : "shape " + TensorText.shapeString(images.shape())) + ".");
        }
        long count = images.size(0);
        if (labels.length != count || (predicted != null && predicted.length != count)) {
            throw new IllegalArgumentException("SampleGrid needs one label" + (predicted != null ? " and one prediction" : "")
                    + " per image; got " + count + " images, " + labels.length + " labels"
                    + (predicted != null ? ", " + predicted.length + " predictions" : "") + ".");
        }
        int n = (int) Math.min(count, MAX_IMAGES);
        int h = (int) images.size(1);
        int w = (int) images.size(2);
        boolean rgb = images.rank() == 4 && images.size(3) == 3;
        INDArray shown = images.get(NDArrayIndex.interval(0, n)).dup('c').castTo(DataType.DOUBLE);
        double lo = shown.minNumber().doubleValue();
        double hi = shown.maxNumber().doubleValue();
        double[] px = shown.data().asDouble();
        int columns = Math.min(n, 8);
        int scale = Math.max(1, Math.min(8, 92 / Math.max(h, w)));
        int tileW = Math.max(w * scale, 92);
        int labelH = predicted != null ? 30 : 18;
        int gap = 10;
        int rows = (n + columns - 1) / columns;
        int wrong = 0;
        if (predicted != null) {
            for (int i = 0; i < n; i++) {
                wrong += predicted[i] != labels[i] ? 1 : 0;
            }
        }
        String title = n + (n < count ? " of " + count : "") + " samples"
                + (predicted != null ? ", " + wrong + " wrong (red: prediction, true label below)" : "");
        int width = Math.max(16 * 2 + columns * (tileW + gap) - gap, Canvas.textWidth(title, Canvas.font(Font.BOLD, 14)) + 32);
        Canvas cv = new Canvas(width, 44 + rows * (h * scale + labelH + gap) + 10);
        cv.font(Canvas.font(Font.BOLD, 14));
        cv.color(0x000000);
        cv.text(title, 16, 26, -1);
        int channels = rgb ? 3 : 1;
        double rgbScale = hi > 1 ? 255 : 1;
        StringBuilder text = new StringBuilder(title);
        for (int k = 0; k < n; k++) {
            int bx = 16 + (k % columns) * (tileW + gap);
            int by = 44 + (k / columns) * (h * scale + labelH + gap);
            int ix = bx + (tileW - w * scale) / 2;
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    int base = ((k * h + r) * w + c) * channels;
                    int colour;
                    if (rgb) {
                        colour = (channel(px[base], rgbScale) << 16) | (channel(px[base + 1], rgbScale) << 8) | channel(px[base + 2], rgbScale);
                    } else {
                        colour = ColorMap.GRAY.rgb(hi > lo ? (px[base] - lo) / (hi - lo) : 0.5);
                    }
                    cv.color(colour);
                    cv.g.fillRect(ix + c * scale, by + r * scale, scale, scale);
                }
            }
            String trueName = name(labels[k], classNames);
            boolean isWrong = predicted != null && predicted[k] != labels[k];
            if (isWrong) {
                cv.color(WRONG_RGB);
                cv.g.setStroke(new BasicStroke(3f));
                cv.g.drawRect(ix - 2, by - 2, w * scale + 3, h * scale + 3);
            }
            cv.font(Canvas.font(Font.PLAIN, 11));
            int ty = by + h * scale + 14;
            if (predicted == null) {
                cv.color(0x000000);
                cv.text(trueName, bx + tileW / 2.0, ty, 0);
                text.append('\n').append(k).append(": ").append(trueName);
            } else {
                String predName = name(predicted[k], classNames);
                cv.color(isWrong ? WRONG_RGB : 0x000000);
                cv.text(predName, bx + tileW / 2.0, ty, 0);
                if (isWrong) {
                    cv.font(Canvas.font(Font.PLAIN, 10));
                    cv.text("(true: " + trueName + ")", bx + tileW / 2.0, ty + 13, 0);
                }
                text.append('\n').append(k).append(": predicted ").append(predName)
                        .append(isWrong ? " (WRONG, true: " + trueName + ")" : " (correct)");
            }
        }
        return cv.toFigure(text.toString());
    }

    private static int channel(double v, double scale) {
        return (int) Math.max(0, Math.min(255, Math.round(v / scale * 255)));
    }

    private static String name(int label, List<String> names) {
        return names != null && label >= 0 && label < names.size() ? names.get(label) : Integer.toString(label);
    }
}
