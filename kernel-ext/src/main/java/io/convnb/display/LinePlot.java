package io.convnb.display;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;

/**
 * A small Java2D line plot: title, "nice" ticks (1, 2 or 5 times a power of ten), grid, one
 * polyline with markers per series, a legend. Non-finite points break the line. Drawn directly
 * (rather than through a chart library) so that integer axes such as epochs get integer ticks and
 * the font and spacing match the other displays.
 */
final class LinePlot {

    /** One line: points (x, y), colour, and whether it is dashed. */
    record Series(String name, double[] x, double[] y, int rgb, boolean dashed) {
    }

    private LinePlot() {
    }

    /** Draws the plot inside the box (x0, y0, w, h) of the canvas. */
    static void draw(Canvas cv, int x0, int y0, int w, int h, String title, String xLabel, boolean integerX, List<Series> series) {
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xmin = Math.min(xmin, s.x()[i]);
                    xmax = Math.max(xmax, s.x()[i]);
                    ymin = Math.min(ymin, s.y()[i]);
                    ymax = Math.max(ymax, s.y()[i]);
                }
            }
        }
        if (xmin == Double.POSITIVE_INFINITY) {
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        if (xmax == xmin) {
            xmin -= 1;
            xmax += 1;
        }
        double[] xt = ticks(xmin, xmax, 10, integerX);
        // A little room left and right so that end markers are not cut by the frame.
        double xpad = (xmax - xmin) * 0.03;
        xmin -= xpad;
        xmax += xpad;
        double pad = (ymax - ymin) * 0.06;
        if (pad == 0) {
            pad = Math.max(Math.abs(ymax) * 0.1, 0.5);
        }
        ymin -= pad;
        ymax += pad;
        double[] yt = ticks(ymin, ymax, 6, false);
        int left = x0 + 60;
        int top = y0 + 30;
        int right = x0 + w - 14;
        int bottom = y0 + h - 42;
        int pw = right - left;
        int ph = bottom - top;
        final double fxmin = xmin;
        final double fxmax = xmax;
        final double fymin = ymin;
        final double fymax = ymax;
        java.util.function.DoubleUnaryOperator sx = v -> left + (v - fxmin) / (fxmax - fxmin) * pw;
        java.util.function.DoubleUnaryOperator sy = v -> bottom - (v - fymin) / (fymax - fymin) * ph;

        cv.font(Canvas.font(Font.BOLD, 13));
        cv.color(0x000000);
        cv.text(title, left + pw / 2.0, y0 + 18, 0);
        cv.g.setStroke(new BasicStroke(1f));
        cv.font(Canvas.font(Font.PLAIN, 11));
        for (double t : yt) {
            int y = (int) Math.round(sy.applyAsDouble(t));
            cv.color(0xe6e6e6);
            cv.g.drawLine(left, y, right, y);
            cv.color(0x333333);
            cv.text(Canvas.num(t), left - 6, y + 4, 1);
        }
        for (double t : xt) {
            int x = (int) Math.round(sx.applyAsDouble(t));
            cv.color(0xe6e6e6);
            cv.g.drawLine(x, top, x, bottom);
            cv.color(0x333333);
            cv.g.drawLine(x, bottom, x, bottom + 4);
            cv.text(integerX ? Long.toString(Math.round(t)) : Canvas.num(t), x, bottom + 17, 0);
        }
        cv.color(0x666666);
        cv.g.drawRect(left, top, pw, ph);
        cv.font(Canvas.font(Font.PLAIN, 12));
        cv.color(0x000000);
        cv.text(xLabel, left + pw / 2.0, bottom + 35, 0);

        java.awt.Shape clip = cv.g.getClip();
        cv.g.clipRect(left, top, pw + 1, ph + 1);
        for (Series s : series) {
            cv.g.setColor(new Color(s.rgb()));
            cv.g.setStroke(s.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.y()[i])) {
                    pen = false;
                    continue;
                }
                double px = sx.applyAsDouble(s.x()[i]);
                double py = sy.applyAsDouble(s.y()[i]);
                if (pen) {
                    path.lineTo(px, py);
                } else {
                    path.moveTo(px, py);
                    pen = true;
                }
            }
            cv.g.draw(path);
            if (s.x().length <= 60) {
                for (int i = 0; i < s.x().length; i++) {
                    if (Double.isFinite(s.y()[i])) {
                        cv.g.fill(new Ellipse2D.Double(sx.applyAsDouble(s.x()[i]) - 3, sy.applyAsDouble(s.y()[i]) - 3, 6, 6));
                    }
                }
            }
        }
        cv.g.setClip(clip);
        // The legend goes in the corner of the plot that covers the fewest data points.
        Font f = Canvas.font(Font.PLAIN, 11);
        int textW = 0;
        for (Series s : series) {
            textW = Math.max(textW, Canvas.textWidth(s.name(), f));
        }
        int boxW = textW + 42;
        int boxH = 8 + 16 * series.size();
        int[][] corners = {{right - 8 - boxW, top + 8}, {right - 8 - boxW, bottom - 8 - boxH}, {left + 8, top + 8}, {left + 8, bottom - 8 - boxH}};
        int best = 0;
        int bestHits = Integer.MAX_VALUE;
        for (int k = 0; k < corners.length; k++) {
            int hits = 0;
            for (Series s : series) {
                for (int i = 0; i < s.x().length; i++) {
                    double px = sx.applyAsDouble(s.x()[i]);
                    double py = sy.applyAsDouble(s.y()[i]);
                    if (px >= corners[k][0] - 6 && px <= corners[k][0] + boxW + 6 && py >= corners[k][1] - 6 && py <= corners[k][1] + boxH + 6) {
                        hits++;
                    }
                }
            }
            if (hits < bestHits) {
                bestHits = hits;
                best = k;
            }
        }
        legend(cv, series, f, corners[best][0], corners[best][1], boxW, boxH);
    }

    private static void legend(Canvas cv, List<Series> series, Font f, int x, int top, int boxW, int boxH) {
        cv.g.setColor(new Color(255, 255, 255, 220));
        cv.g.fillRect(x, top, boxW, boxH);
        cv.g.setStroke(new BasicStroke(1f));
        cv.color(0xbbbbbb);
        cv.g.drawRect(x, top, boxW, boxH);
        cv.font(f);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int y = top + 12 + 16 * i;
            cv.g.setColor(new Color(s.rgb()));
            cv.g.setStroke(s.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(2f));
            cv.g.drawLine(x + 6, y, x + 30, y);
            cv.color(0x000000);
            cv.text(s.name(), x + 36, y + 4, -1);
        }
    }

    /**
     * Tick values covering [lo, hi]: step = 1, 2 or 5 times a power of ten, the smallest giving at
     * most {@code max} ticks; at least 1 when {@code integer}.
     */
    static double[] ticks(double lo, double hi, int max, boolean integer) {
        double range = hi - lo;
        double step = Math.pow(10, Math.floor(Math.log10(range / max)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (range / (m * step) <= max) {
                step = m * step;
                break;
            }
        }
        if (integer) {
            step = Math.max(1, Math.round(step));
        }
        List<Double> out = new ArrayList<>();
        double first = Math.ceil(lo / step - 1e-9) * step;
        for (double t = first; t <= hi + step * 1e-9; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
