package io.convnb.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.Locale;

/**
 * A white RGB image with antialiased Java2D drawing and the project's font. All PNG renderers
 * draw through it so that pictures look alike and are reproducible: no LCD subpixel text (it
 * depends on the display), fixed rendering hints, and one font family.
 */
final class Canvas {

    /** Preferred font family; Debian's {@code fonts-dejavu-core} provides it. */
    static final String FONT_FAMILY = "DejaVu Sans";
    private static final String FAMILY = resolveFamily();
    private static final Graphics2D MEASURE = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();

    final BufferedImage image;
    final Graphics2D g;

    Canvas(int width, int height) {
        if (width <= 0 || height <= 0 || (long) width * height > 16_000_000L) {
            throw new IllegalArgumentException("Image size " + width + "x" + height + " is not drawable (1..16M pixels).");
        }
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        hints(g);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(font(Font.PLAIN, 12));
    }

    static void hints(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    }

    private static String resolveFamily() {
        String[] names = GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames(Locale.ROOT);
        return Arrays.asList(names).contains(FONT_FAMILY) ? FONT_FAMILY : Font.SANS_SERIF;
    }

    /** The family actually used: DejaVu Sans when installed, else the JDK's logical sans-serif font. */
    static String fontFamily() {
        return FAMILY;
    }

    static Font font(int style, float size) {
        return new Font(FAMILY, style, 1).deriveFont(style, size);
    }

    /** Width of a string in pixels; synchronized because the measuring Graphics2D is shared between threads. */
    static synchronized int textWidth(String s, Font f) {
        return (int) Math.ceil(MEASURE.getFontMetrics(f).getStringBounds(s, MEASURE).getWidth());
    }

    void font(Font f) {
        g.setFont(f);
    }

    void color(int rgb) {
        g.setColor(new Color(rgb));
    }

    /** Draws text whose baseline starts at x (align -1), is centred on x (0), or ends at x (1). */
    void text(String s, double x, double baseline, int align) {
        FontMetrics fm = g.getFontMetrics();
        double w = fm.getStringBounds(s, g).getWidth();
        double left = align < 0 ? x : align == 0 ? x - w / 2 : x - w;
        g.drawString(s, (float) left, (float) baseline);
    }

    /** Draws text centred on (x, y) vertically and horizontally. */
    void centred(String s, double x, double y) {
        FontMetrics fm = g.getFontMetrics();
        text(s, x, y + (fm.getAscent() - fm.getDescent()) / 2.0, 0);
    }

    /** Draws text rotated 90 degrees counter-clockwise, centred on (x, y). */
    void vertical(String s, double x, double y) {
        AffineTransform saved = g.getTransform();
        g.translate(x, y);
        g.rotate(-Math.PI / 2);
        centred(s, 0, 0);
        g.setTransform(saved);
    }

    /** Paints values as cells of {@code cell} pixels (nearest-neighbour scaling) with colours on [lo, hi]. */
    void raster(double[][] v, double lo, double hi, ColorMap cmap, int x, int y, int cellW, int cellH) {
        double span = hi - lo;
        for (int r = 0; r < v.length; r++) {
            for (int c = 0; c < v[r].length; c++) {
                double t = span > 0 ? (v[r][c] - lo) / span : 0.5;
                g.setColor(new Color(cmap.rgb(t)));
                g.fillRect(x + c * cellW, y + r * cellH, cellW, cellH);
            }
        }
    }

    /** A vertical colour bar from lo (bottom) to hi (top) with tick labels on its right. */
    void colorBar(int x, int y, int w, int h, double lo, double hi, ColorMap cmap) {
        for (int i = 0; i < h; i++) {
            double t = h == 1 ? 1 : 1.0 - i / (double) (h - 1);
            g.setColor(new Color(cmap.rgb(t)));
            g.fillRect(x, y + i, w, 1);
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(x, y, w, h);
        font(font(Font.PLAIN, 11));
        // "Nice" tick values (1, 2 or 5 times a power of ten) inside [lo, hi], like matplotlib's colour bars.
        double[] ticks = hi > lo ? LinePlot.ticks(lo, hi, 5, false) : new double[] {lo};
        for (double value : ticks) {
            int ty = hi > lo ? y + h - (int) Math.round((value - lo) / (hi - lo) * h) : y + h / 2;
            g.drawLine(x + w, ty, x + w + 4, ty);
            g.setColor(Color.BLACK);
            centredLeft(num(value), x + w + 7, ty);
            g.setColor(Color.DARK_GRAY);
        }
    }

    private void centredLeft(String s, double x, double y) {
        FontMetrics fm = g.getFontMetrics();
        text(s, x, y + (fm.getAscent() - fm.getDescent()) / 2.0, -1);
    }

    /** Black or white, whichever reads better on the given background colour. */
    static int labelColourOn(int rgb) {
        return ColorMap.luminance(rgb) > 0.5 ? 0x000000 : 0xffffff;
    }

    /** A short, locale-independent number: 3 significant digits, scientific outside [1e-3, 1e5). */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        String s = new BigDecimal(v).round(new MathContext(3, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    Figure toFigure(String text) {
        g.dispose();
        return Figure.of(image, text);
    }
}
