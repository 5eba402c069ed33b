package io.convnb.display;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * NumPy's element formatting ({@code floatmode='maxprec'}, the default of
 * {@code np.set_printoptions}), applied to the elements that will actually be printed.
 *
 * <p>Floats: each value is written with the fewest fractional digits that still identify it in its
 * own precision (float32 or float64), but at most {@code precision} digits (rounded half to even,
 * like NumPy's Dragon4). All values share one layout: integer parts right-aligned, fraction parts
 * left-aligned and padded with spaces ({@code 1.5 , 2.25}). Scientific notation is used when the
 * largest non-zero magnitude is at least 1e8, the smallest is below 1e-4, or their ratio exceeds
 * 1000; its mantissas are zero-padded to a common digit count ({@code 1.5e-05, 1.0e+00}).
 */
final class ElementFormat {

    enum Kind { FLOAT32, FLOAT64, INTEGER, BOOL }

    private ElementFormat() {
    }

    /** Formats all values with a shared layout; the strings have equal length. */
    static String[] format(Kind kind, double[] values, long[] ints, int precision) {
        return switch (kind) {
            case INTEGER -> formatInts(ints);
            case BOOL -> formatBools(values);
            default -> formatFloats(values, kind == Kind.FLOAT32, precision);
        };
    }

    private static String[] formatInts(long[] ints) {
        String[] out = new String[ints.length];
        int width = 0;
        for (int i = 0; i < ints.length; i++) {
            out[i] = Long.toString(ints[i]);
            width = Math.max(width, out[i].length());
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = padLeft(out[i], width);
        }
        return out;
    }

    private static String[] formatBools(double[] values) {
        String[] out = new String[values.length];
        boolean anyFalse = false;
        for (double v : values) {
            anyFalse |= v == 0;
        }
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] != 0 ? (anyFalse ? " True" : "True") : "False";
        }
        return out;
    }

    private static String[] formatFloats(double[] values, boolean single, int precision) {
        double maxAbs = 0;
        double minAbs = Double.POSITIVE_INFINITY;
        boolean anyNonFinite = false;
        boolean anyNegInf = false;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                anyNonFinite = true;
                anyNegInf |= v == Double.NEGATIVE_INFINITY;
            } else if (v != 0) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
                minAbs = Math.min(minAbs, Math.abs(v));
            }
        }
        boolean exp = maxAbs > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1000.0);
        String[] intPart = new String[values.length];
        String[] fracPart = new String[values.length];
        String[] expPart = new String[values.length];
        int padLeft = 0;
        int padRight = 0;
        int expSize = 0;
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (!Double.isFinite(v)) {
                continue;
            }
            String s;
            if (exp) {
                String[] me = scientific(v, single, precision);
                s = me[0];
                expPart[i] = me[1];
                expSize = Math.max(expSize, me[1].length());
            } else {
                s = positional(v, single, precision);
            }
            int dot = s.indexOf('.');
            intPart[i] = s.substring(0, dot);
            fracPart[i] = s.substring(dot + 1);
            padLeft = Math.max(padLeft, intPart[i].length());
            padRight = Math.max(padRight, fracPart[i].length());
        }
        if (anyNonFinite) {
            // NumPy widens the integer part so that nan/inf/-inf fit right-aligned.
            int offset = padRight + 1 + (exp ? expSize + 1 : 0);
            padLeft = Math.max(padLeft, Math.max(3 - offset, 3 + (anyNegInf ? 1 : 0) - offset));
        }
        int width = padLeft + 1 + padRight + (exp ? expSize + 1 : 0);
        String[] out = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (Double.isNaN(v)) {
                out[i] = padLeft("nan", width);
            } else if (Double.isInfinite(v)) {
                out[i] = padLeft(v > 0 ? "inf" : "-inf", width);
            } else if (exp) {
                String e = expPart[i];
                String digits = e.substring(1);
                while (digits.length() < expSize - 1) {
                    digits = "0" + digits;
                }
                out[i] = padLeft(intPart[i], padLeft) + "." + padZeros(fracPart[i], padRight) + "e" + e.charAt(0) + digits;
            } else {
                out[i] = padLeft(intPart[i], padLeft) + "." + padRight(fracPart[i], padRight);
            }
        }
        return out;
    }

    /** Shortest unique positional digits, at most {@code precision} after the point; always has a '.'. */
    static String positional(double v, boolean single, int precision) {
        boolean negative = v < 0 || (v == 0 && 1.0 / v < 0);
        BigDecimal exact = new BigDecimal(Math.abs(v));
        BigDecimal chosen = null;
        for (int k = 0; k <= precision; k++) {
            BigDecimal r = exact.setScale(k, RoundingMode.HALF_EVEN);
            if (roundTrips(r, Math.abs(v), single)) {
                chosen = r;
                break;
            }
        }
        if (chosen == null) {
            chosen = exact.setScale(precision, RoundingMode.HALF_EVEN);
        }
        String s = chosen.toPlainString();
        if (s.indexOf('.') >= 0) {
            s = stripZeros(s);
        } else {
            s = s + ".";
        }
        return (negative ? "-" : "") + s;
    }

    /** Shortest unique scientific mantissa (at most {@code precision} fractional digits) and exponent like "+05". */
    static String[] scientific(double v, boolean single, int precision) {
        boolean negative = v < 0 || (v == 0 && 1.0 / v < 0);
        if (v == 0) {
            return new String[] {(negative ? "-" : "") + "0.", "+00"};
        }
        BigDecimal exact = new BigDecimal(Math.abs(v));
        BigDecimal chosen = null;
        for (int k = 0; k <= precision; k++) {
            BigDecimal r = exact.round(new MathContext(k + 1, RoundingMode.HALF_EVEN));
            if (roundTrips(r, Math.abs(v), single)) {
                chosen = r;
                break;
            }
        }
        if (chosen == null) {
            chosen = exact.round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
        }
        BigDecimal unscaled = chosen.stripTrailingZeros();
        String digits = unscaled.unscaledValue().toString();
        int exponent = digits.length() - 1 - unscaled.scale();
        String mantissa = digits.charAt(0) + "." + digits.substring(1);
        String e = Integer.toString(Math.abs(exponent));
        if (e.length() < 2) {
            e = "0" + e;
        }
        return new String[] {(negative ? "-" : "") + mantissa, (exponent < 0 ? "-" : "+") + e};
    }

    private static boolean roundTrips(BigDecimal r, double v, boolean single) {
        return single ? r.floatValue() == (float) v : r.doubleValue() == v;
    }

    private static String stripZeros(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }

    static String padLeft(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    private static String padRight(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String padZeros(String s, int width) {
        return s.length() >= width ? s : s + "0".repeat(width - s.length());
    }
}
