package io.convnb.display;

import io.convnb.model.ReceptiveFields;
import io.convnb.model.Sequential;
import io.convnb.shape.InputRegion;

import java.awt.Font;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The receptive field of one output cell of a layer, drawn onto an input image: the rectangle of
 * input pixels the cell sees (from {@link ReceptiveFields}, the arithmetic of {@code %%convmath}'s
 * table), with the part that lies in the padding drawn as a grey hatched border around the image
 * and everything outside the field veiled. Optionally a map of the same size (such as the effective
 * receptive field, the input gradient of that one cell) is drawn beside it with the same rectangle,
 * and the caption gives the share of the map's absolute mass inside the rectangle.
 *
 * <pre>{@code
 * import io.convnb.display.ReceptiveFieldView;
 * var model = new Sequential()
 *     .add(new Conv2D(8, 3, 3).padding("same").inputShape(28, 28, 1))
 *     .add(new MaxPooling2D(2, 2))
 *     .add(new Conv2D(8, 3, 3).padding("same"))
 *     .add(new MaxPooling2D(2, 2))
 *     .add(new Conv2D(8, 3, 3).padding("same"));
 * INDArray image = Nd4j.rand(28, 28);           // (28, 28), (28, 28, 1), (1, 28, 28, 1) or with 3 channels
 * INDArray gradientMap = Nd4j.rand(28, 28);
 * ReceptiveFieldView.of(model, "conv2d_2", 5, 5).on(image);               // the field outlined on the image
 * ReceptiveFieldView.of(model, "conv2d_2", 5, 5).on(image, gradientMap);  // and a (28, 28) map beside it
 * }</pre>
 */
public final class ReceptiveFieldView {
    /** Padding cells, as in {@code %convmath}'s diagrams. */
    static final int PADDING = 0xd0d0d0;
    static final int HATCH = 0x9e9e9e;
    /** The field's outline: {@code %convmath}'s window colour. */
    static final int OUTLINE = 0xff9800;
    /** Outline thickness in pixels, drawn just outside the field's pixels. */
    static final int LINE = 2;
    /** Side of the drawn image (padding border included) aimed at, in pixels. */
    static final int SIDE = 320;

    private final Sequential model;
    private final String layer;
    private final long row;
    private final long col;
    private final InputRegion fixed;

    private ReceptiveFieldView(Sequential model, String layer, long row, long col, InputRegion fixed) {
        this.model = model;
        this.layer = layer;
        this.row = row;
        this.col = col;
        this.fixed = fixed;
    }

    /**
     * The view of output cell {@code (row, col)} of layer {@code layer} of a model; the input size comes
     * from the image given to {@link #on}.
     */
    public static ReceptiveFieldView of(Sequential model, String layer, long row, long col) {
        if (model == null || layer == null) {
            throw new IllegalArgumentException("ReceptiveFieldView.of needs a model and a layer name, got model="
                    + (model == null ? "null" : "'" + model.name() + "'") + ", layer=" + layer + ".");
        }
        return new ReceptiveFieldView(model, layer, row, col, null);
    }

    /**
     * The view of a region computed elsewhere, e.g. from a {@code %%convmath} stack with
     * {@code io.convnb.magic.LayerStack.region(...)}; the image must have the region's input size.
     */
    public static ReceptiveFieldView of(InputRegion region) {
        if (region == null) {
            throw new IllegalArgumentException("ReceptiveFieldView.of needs a region, got null.");
        }
        return new ReceptiveFieldView(null, region.layer(), region.row(), region.col(), region);
    }

    /**
     * The region for an {@code inputH x inputW} input.
     *
     * @throws IllegalArgumentException for an unknown layer, a layer past the spatial grid, a cell outside
     *                                  the layer's output, or a size the model cannot take
     */
    public InputRegion region(long inputH, long inputW) {
        if (fixed != null) {
            if (fixed.inputHeight() != inputH || fixed.inputWidth() != inputW) {
                throw new IllegalArgumentException("ReceptiveFieldView: the region of '" + layer + "' was computed for a "
                        + fixed.inputHeight() + "x" + fixed.inputWidth() + " input, but the image is " + inputH + "x"
                        + inputW + "; compute the region for the image's size.");
            }
            return fixed;
        }
        return ReceptiveFields.of(model, inputH, inputW).region(layer, row, col);
    }

    /** The image with the receptive field drawn on it. */
    public Figure on(INDArray image) {
        return on(image, null);
    }

    /**
     * The image with the receptive field, and beside it {@code map} (e.g. the effective receptive field)
     * with the same rectangle; {@code map} may be null.
     *
     * @param image (H, W), (H, W, C), (1, H, W) or (1, H, W, C) with C = 1 or 3
     * @param map   (H, W) (or with axes of size 1 around it), the image's height and width
     * @throws IllegalArgumentException for other shapes, a map of another size, or an unknown layer or cell
     */
    public Figure on(INDArray image, INDArray map) {
        Pixels px = Pixels.of(image);
        InputRegion r = region(px.h, px.w);
        double[][] m = map == null ? null : mapValues(map, px.h, px.w);
        Layout lay = Layout.of(r, px.h, px.w);
        String title = "Receptive field of '" + r.layer() + "', output cell (" + r.row() + ", " + r.col() + ")";
        String sub = r.describe();
        List<String> lines = new ArrayList<>(List.of(title, sub));
        double inside = m == null ? Double.NaN : shareInside(m, r);
        int gap = 48;
        int panelW = lay.width;
        int width = 16 + panelW + (m == null ? 0 : gap + panelW + Tiles.BAR_SPACE) + 16;
        width = Math.max(width, Canvas.textWidth(sub, Canvas.font(Font.PLAIN, 12)) + 32);
        width = Math.max(width, Canvas.textWidth(title, Canvas.font(Font.BOLD, 14)) + 32);
        int top = 64;
        int height = top + Math.max(lay.height, m == null ? 0 : 120) + 52;
        Canvas cv = new Canvas(width, height);
        cv.font(Canvas.font(Font.BOLD, 14));
        cv.color(0x000000);
        cv.text(title, 16, 26, -1);
        cv.font(Canvas.font(Font.PLAIN, 12));
        cv.color(0x444444);
        cv.text(sub, 16, 46, -1);
        int x0 = 16;
        drawPanel(cv, lay, x0, top, r, (y, x) -> px.rgb(y, x), true);
        cv.font(Canvas.font(Font.PLAIN, 12));
        cv.color(0x000000);
        cv.text("input " + px.h + "x" + px.w + (lay.pad > 0 ? " with " + lay.pad + " cells of padding shown" : ""),
                x0, top + lay.height + 18, -1);
        if (m != null) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] rowV : m) {
                for (double v : rowV) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            double flo = lo, fhi = hi;
            int mx = x0 + panelW + gap;
            drawPanel(cv, lay, mx, top, r,
                    (y, x) -> ColorMap.VIRIDIS.rgb(fhi > flo ? (m[y][x] - flo) / (fhi - flo) : 0.5), false);
            cv.colorBar(mx + panelW + 16, top + lay.offset(0), Tiles.BAR_W, px.h * lay.scale, lo, hi, ColorMap.VIRIDIS);
            String note = String.format(Locale.ROOT, "map beside it: %.1f%% of its |mass| inside the field", 100 * inside);
            cv.font(Canvas.font(Font.PLAIN, 12));
            cv.color(0x000000);
            cv.text(note, mx, top + lay.height + 18, -1);
            lines.add(note + " (min " + Canvas.num(lo) + ", max " + Canvas.num(hi) + ")");
        }
        String text = String.join("\n", lines) + "\n(image/png: the input with the field outlined, the rest veiled"
                + (lay.pad > 0 ? ", padding hatched grey" : "") + (m == null ? "" : ", and the map beside it") + ")";
        return cv.toFigure(text);
    }

    interface Colour {
        int at(int y, int x);
    }

    /** One panel: hatched padding border, the pixels, a veil outside the field, the outline. */
    private static void drawPanel(Canvas cv, Layout lay, int x0, int y0, InputRegion r, Colour colour, boolean veil) {
        int s = lay.scale;
        int side = Math.max(lay.width, lay.height);
        cv.color(PADDING);
        cv.g.fillRect(x0, y0, lay.width, lay.height);
        cv.color(HATCH);
        // plain (not antialiased) lines, so the hatching has exactly %convmath's padding colours
        cv.g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        Shape clip = cv.g.getClip();
        cv.g.clipRect(x0, y0, lay.width, lay.height);
        for (int d = -side; d < side; d += 6) {
            cv.g.drawLine(x0 + d, y0 + side, x0 + d + side, y0);
        }
        cv.g.setClip(clip);
        cv.g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (int y = 0; y < r.inputHeight(); y++) {
            for (int x = 0; x < r.inputWidth(); x++) {
                int rgb = colour.at(y, x);
                boolean in = y >= r.top() && y <= r.bottom() && x >= r.left() && x <= r.right();
                if (!in && veil) {
                    rgb = veil(rgb);
                }
                cv.color(rgb);
                cv.g.fillRect(x0 + lay.offset(x), y0 + lay.offset(y), s, s);
            }
        }
        Rectangle f = lay.field(r);
        cv.color(OUTLINE);
        cv.g.fillRect(x0 + f.x, y0 + f.y, f.width, LINE);
        cv.g.fillRect(x0 + f.x, y0 + f.y + f.height - LINE, f.width, LINE);
        cv.g.fillRect(x0 + f.x, y0 + f.y, LINE, f.height);
        cv.g.fillRect(x0 + f.x + f.width - LINE, y0 + f.y, LINE, f.height);
    }

    /** Blends 55% white over a colour, so the field stands out. */
    static int veil(int rgb) {
        int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
        return (int) (r + 0.55 * (255 - r)) << 16 | (int) (g + 0.55 * (255 - g)) << 8 | (int) (b + 0.55 * (255 - b));
    }

    /** Share of {@code sum |map|} inside the field (clipped to the input); 0 for an all-zero map. */
    static double shareInside(double[][] m, InputRegion r) {
        double all = 0, in = 0;
        for (int y = 0; y < m.length; y++) {
            for (int x = 0; x < m[y].length; x++) {
                double a = Math.abs(m[y][x]);
                all += a;
                if (y >= r.top() && y <= r.bottom() && x >= r.left() && x <= r.right()) {
                    in += a;
                }
            }
        }
        return all > 0 ? in / all : 0;
    }

    /**
     * Where things go in a panel: the image of {@code h x w} pixels scaled by {@code scale}, inside a
     * border of {@code pad} padding cells on every side (as many as the field reaches past the image,
     * at most the image's size); {@code width x height} pixels in all.
     */
    record Layout(int scale, int pad, int width, int height) {
        static Layout of(InputRegion r, long h, long w) {
            long over = Math.max(Math.max(-r.top(), -r.left()), Math.max(r.bottom() - (h - 1), r.right() - (w - 1)));
            int pad = (int) Math.min(Math.max(0, over), Math.max(h, w));
            long cells = Math.max(h, w) + 2L * pad;
            int scale = (int) Math.max(1, Math.min(16, SIDE / cells));
            return new Layout(scale, pad, (int) ((w + 2L * pad) * scale), (int) ((h + 2L * pad) * scale));
        }

        /** Pixel offset, within the panel, of input row or column {@code i} (negative: padding). */
        int offset(long i) {
            return (int) ((i + pad) * scale);
        }

        /** The outline's outer rectangle within the panel, clipped to the panel. */
        Rectangle field(InputRegion r) {
            int x0 = Math.max(0, offset(r.left()) - LINE), y0 = Math.max(0, offset(r.top()) - LINE);
            int x1 = Math.min(width, offset(r.right() + 1) + LINE), y1 = Math.min(height, offset(r.bottom() + 1) + LINE);
            return new Rectangle(x0, y0, x1 - x0, y1 - y0);
        }
    }

    private static double[][] mapValues(INDArray map, long h, long w) {
        long[] s = squeeze(map.shape());
        if (s.length != 2 || s[0] != h || s[1] != w) {
            throw new IllegalArgumentException("ReceptiveFieldView: the map beside the image must be (" + h + ", " + w
                    + ") like the image, got shape " + TensorText.shapeString(map.shape()) + "; pass the (H, W) map of"
                    + " one image, e.g. map.reshape(" + h + ", " + w + ").");
        }
        double[] flat = map.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[][] out = new double[(int) h][(int) w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = flat[(int) (y * w + x)];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("ReceptiveFieldView: the map has a non-finite value " + v + " at ("
                            + y + ", " + x + "); check the computation that produced it.");
                }
                out[y][x] = v;
            }
        }
        return out;
    }

    /** The shape without axes of size 1. */
    static long[] squeeze(long[] shape) {
        return java.util.Arrays.stream(shape).filter(d -> d != 1).toArray();
    }

    /** An image's pixels as RGB, grey scaled from its min to max, colour as [0, 1] or [0, 255]. */
    static final class Pixels {
        final int h;
        final int w;
        final int channels;
        final double[] v;
        final double lo;
        final double hi;

        private Pixels(int h, int w, int channels, double[] v) {
            this.h = h;
            this.w = w;
            this.channels = channels;
            this.v = v;
            double a = Double.POSITIVE_INFINITY, b = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                a = Math.min(a, x);
                b = Math.max(b, x);
            }
            lo = a;
            hi = b;
        }

        static Pixels of(INDArray image) {
            long[] s = image == null ? null : image.shape();
            long[] hwc = s == null ? null : switch (s.length) {
                case 2 -> new long[] {s[0], s[1], 1};
                case 3 -> s[0] == 1 && s[2] != 1 && s[2] != 3 ? new long[] {s[1], s[2], 1} : s;
                case 4 -> s[0] == 1 ? new long[] {s[1], s[2], s[3]} : null;
                default -> null;
            };
            if (hwc == null || (hwc[2] != 1 && hwc[2] != 3) || hwc[0] < 1 || hwc[1] < 1 || hwc[0] * hwc[1] > 4_000_000) {
                throw new IllegalArgumentException("ReceptiveFieldView: the image must be (H, W), (H, W, C), (1, H, W) or"
                        + " (1, H, W, C) with C = 1 or 3 (channels last), got "
                        + (image == null ? "null" : "shape " + TensorText.shapeString(s))
                        + "; pick one image of a batch with images.get(NDArrayIndex.point(i)).");
            }
            double[] v = image.dup('c').castTo(DataType.DOUBLE).data().asDouble();
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    throw new IllegalArgumentException("ReceptiveFieldView: the image has a non-finite value " + v[i]
                            + " at element " + i + "; check how it was loaded or normalised.");
                }
            }
            return new Pixels((int) hwc[0], (int) hwc[1], (int) hwc[2], v);
        }

        int rgb(int y, int x) {
            int base = (y * w + x) * channels;
            if (channels == 1) {
                return ColorMap.GRAY.rgb(hi > lo ? (v[base] - lo) / (hi - lo) : 0.5);
            }
            double scale = hi > 1 ? 255 : 1;
            int rgb = 0;
            for (int k = 0; k < 3; k++) {
                rgb = rgb << 8 | (int) Math.max(0, Math.min(255, Math.round(v[base + k] / scale * 255)));
            }
            return rgb;
        }
    }
}
