package io.convnb.data;

import java.util.Locale;

/**
 * Resizing of one channels-last image {@code (h, w, c)} held as floats, the three methods of
 * {@link ImageFolderOptions#interpolation}. Output pixel {@code (i, j)} has its centre at input coordinate
 * {@code ((i + 0.5) * h/oh - 0.5, (j + 0.5) * w/ow - 0.5)} (half-pixel centres, as TensorFlow 2's
 * {@code tf.image.resize}, which Keras uses):
 *
 * <ul>
 *   <li>{@code BILINEAR}: the four nearest input pixels weighted by distance, coordinates clamped to
 *       the image (no antialiasing, like Keras' default; shrinking by more than 2x skips pixels, so use
 *       {@code AREA} for large reductions).</li>
 *   <li>{@code AREA}: the exact mean of the input over the output pixel's footprint
 *       {@code [i*h/oh, (i+1)*h/oh) x [j*w/ow, (j+1)*w/ow)}, partly covered pixels weighted by the covered
 *       fraction (box filter; best for shrinking).</li>
 *   <li>{@code NEAREST}: input pixel {@code floor((i + 0.5) * h/oh)}.</li>
 * </ul>
 * An image that already has the target size is copied unchanged by every method.
 */
public final class ImageResize {
    /** The interpolation methods. */
    public enum Method {
        BILINEAR, AREA, NEAREST;

        /** {@code "bilinear"}, {@code "area"} or {@code "nearest"}. */
        public static Method of(String name) {
            for (Method m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).equals(name == null ? "" : name.toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("imageFolder: interpolation must be \"bilinear\", \"area\" or \"nearest\", got \""
                    + name + "\".");
        }
    }

    private ImageResize() {
    }

    /** Resizes {@code src} {@code (h, w, c)} to {@code (oh, ow, c)}. */
    public static float[] resize(float[] src, int h, int w, int c, int oh, int ow, Method method) {
        if (src.length != (long) h * w * c || h < 1 || w < 1 || oh < 1 || ow < 1) {
            throw new IllegalArgumentException("resize: " + src.length + " values do not form an image (" + h + ", " + w
                    + ", " + c + "), or the target " + oh + "x" + ow + " is empty.");
        }
        if (oh == h && ow == w) {
            return src.clone();
        }
        return switch (method) {
            case BILINEAR -> bilinear(src, h, w, c, oh, ow);
            case AREA -> area(src, h, w, c, oh, ow);
            case NEAREST -> nearest(src, h, w, c, oh, ow);
        };
    }

    private static float[] bilinear(float[] src, int h, int w, int c, int oh, int ow) {
        float[] out = new float[oh * ow * c];
        double sy = (double) h / oh;
        double sx = (double) w / ow;
        for (int i = 0; i < oh; i++) {
            double y = Math.min(Math.max((i + 0.5) * sy - 0.5, 0), h - 1);
            int y0 = (int) Math.floor(y);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = y - y0;
            for (int j = 0; j < ow; j++) {
                double x = Math.min(Math.max((j + 0.5) * sx - 0.5, 0), w - 1);
                int x0 = (int) Math.floor(x);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = x - x0;
                for (int k = 0; k < c; k++) {
                    double top = src[(y0 * w + x0) * c + k] * (1 - fx) + src[(y0 * w + x1) * c + k] * fx;
                    double bottom = src[(y1 * w + x0) * c + k] * (1 - fx) + src[(y1 * w + x1) * c + k] * fx;
                    out[(i * ow + j) * c + k] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
        return out;
    }

    private static float[] area(float[] src, int h, int w, int c, int oh, int ow) {
        // Separable: the box over rows and the box over columns are independent, so average the rows
        // first ((oh, w, c)), then the columns. Weights are the overlaps of [i*s, (i+1)*s) with [p, p+1).
        double[][] rowWeights = boxWeights(h, oh);
        double[][] colWeights = boxWeights(w, ow);
        double[] rows = new double[oh * w * c];
        for (int i = 0; i < oh; i++) {
            double[] wy = rowWeights[i];
            int first = (int) wy[0];
            for (int t = 1; t < wy.length; t++) {
                int p = first + t - 1;
                for (int q = 0; q < w * c; q++) {
                    rows[i * w * c + q] += wy[t] * src[p * w * c + q];
                }
            }
        }
        float[] out = new float[oh * ow * c];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                double[] wx = colWeights[j];
                int first = (int) wx[0];
                for (int k = 0; k < c; k++) {
                    double sum = 0;
                    for (int t = 1; t < wx.length; t++) {
                        sum += wx[t] * rows[(i * w + first + t - 1) * c + k];
                    }
                    out[(i * ow + j) * c + k] = (float) sum;
                }
            }
        }
        return out;
    }

    /** Per output cell: {@code [firstInput, weight...]}, the weights summing to 1. */
    private static double[][] boxWeights(int in, int out) {
        double scale = (double) in / out;
        double[][] weights = new double[out][];
        for (int i = 0; i < out; i++) {
            double lo = i * scale;
            double hi = (i + 1) * scale;
            int first = (int) Math.floor(lo);
            int last = Math.min(in - 1, (int) Math.ceil(hi) - 1);
            double[] wts = new double[last - first + 2];
            wts[0] = first;
            for (int p = first; p <= last; p++) {
                wts[p - first + 1] = (Math.min(hi, p + 1) - Math.max(lo, p)) / scale;
            }
            weights[i] = wts;
        }
        return weights;
    }

    private static float[] nearest(float[] src, int h, int w, int c, int oh, int ow) {
        float[] out = new float[oh * ow * c];
        for (int i = 0; i < oh; i++) {
            int y = Math.min(h - 1, (int) Math.floor((i + 0.5) * h / oh));
            for (int j = 0; j < ow; j++) {
                int x = Math.min(w - 1, (int) Math.floor((j + 0.5) * w / ow));
                System.arraycopy(src, (y * w + x) * c, out, (i * ow + j) * c, c);
            }
        }
        return out;
    }
}
