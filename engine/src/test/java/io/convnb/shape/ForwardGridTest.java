package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every output size over a grid of input 1..12, kernel 1..5, stride 1..4, dilation 1..3 and every
 * padding mode (asymmetric explicit included), against {@link BruteForce}.
 */
class ForwardGridTest {
    private static final String LAYER = "Conv1D 'grid'";

    private interface Case {
        void check(long in, long k, long s, long d);
    }

    private static int sweep(Case c) {
        int n = 0;
        for (long in = 1; in <= 12; in++) {
            for (long k = 1; k <= 5; k++) {
                for (long s = 1; s <= 4; s++) {
                    for (long d = 1; d <= 3; d++) {
                        c.check(in, k, s, d);
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static void assertConsistent(AxisGeometry g, long in, long k, long s, long d, long expectedOut) {
        assertEquals(in, g.input());
        assertEquals(k, g.kernel());
        assertEquals(s, g.stride());
        assertEquals(d, g.dilation());
        assertEquals(d * (k - 1) + 1, g.effectiveKernel());
        assertEquals(expectedOut, g.output(), () -> "out for " + g);
        assertTrue(g.formula().endsWith(" = " + expectedOut), g.formula());
    }

    /** The fix names the largest kernel that fits: it must fit, and one more must not. */
    private static void assertSuggestedKernelIsTheLargestThatFits(String message, long in, long s, long d,
                                                                  long before, long after) {
        long largest = number(message, "no larger than (\\d+)");
        assertTrue(BruteForce.windows(in, largest, s, d, before, after) > 0, message);
        assertEquals(0, BruteForce.windows(in, largest + 1, s, d, before, after), message);
    }

    private static long number(String message, String regex) {
        Matcher m = Pattern.compile(regex).matcher(message);
        assertTrue(m.find(), () -> "no '" + regex + "' in: " + message);
        return Long.parseLong(m.group(1));
    }

    @Test
    void validCountsOnlyWindowsThatFit() {
        int cases = sweep((in, k, s, d) -> {
            long expected = BruteForce.windows(in, k, s, d, 0, 0);
            if (expected == 0) {
                var e = assertThrows(IllegalArgumentException.class,
                        () -> ConvArithmetic.axis(LAYER, "steps", in, k, s, d, Padding.VALID));
                assertTrue(e.getMessage().startsWith(LAYER + ": output steps = floor((" + in + " + 0 + 0 - "),
                        e.getMessage());
                assertSuggestedKernelIsTheLargestThatFits(e.getMessage(), in, s, d, 0, 0);
                return;
            }
            AxisGeometry g = ConvArithmetic.axis(LAYER, "steps", in, k, s, d, Padding.VALID);
            assertConsistent(g, in, k, s, d, expected);
            assertEquals(0, g.padBefore());
            assertEquals(0, g.padAfter());
            // every tap of every window reads a real input cell
            for (long o = 0; o < g.output(); o++) {
                for (long j = 0; j < k; j++) {
                    long cell = g.tap(o, j);
                    assertTrue(cell >= 0 && cell < in, "tap " + cell + " of " + g);
                }
            }
        });
        assertEquals(720, cases);
    }

    @Test
    void sameGivesCeilOfInOverStrideWithTheLeastPaddingOddPixelAfter() {
        sweep((in, k, s, d) -> {
            long out = BruteForce.stridesToCover(in, s);
            long total = BruteForce.leastPaddingFor(out, in, k, s, d);
            AxisGeometry g = ConvArithmetic.axis(LAYER, "steps", in, k, s, d, Padding.SAME);
            assertConsistent(g, in, k, s, d, out);
            assertEquals(total, g.totalPadding(), () -> "total padding of " + g);
            assertTrue(g.padAfter() == g.padBefore() || g.padAfter() == g.padBefore() + 1, g::toString);
            assertEquals(out, BruteForce.windows(in, k, s, d, g.padBefore(), g.padAfter()));
            // with dilation 1 no window lies entirely in the padding; with holes TensorFlow's SAME can
            // (in=1, k=2, d=3 pads 1/2 and the taps -1 and 2 both miss the input), so only d=1 is asserted
            for (long o = 0; o < out; o++) {
                boolean real = false;
                for (long j = 0; j < k; j++) {
                    real |= g.tap(o, j) >= 0 && g.tap(o, j) < in;
                }
                assertTrue(real || d > 1, "window " + o + " of " + g);
            }
        });
    }

    @Test
    void fullPadsTheKernelSpanOnBothSides() {
        sweep((in, k, s, d) -> {
            long span = d * (k - 1);
            AxisGeometry g = ConvArithmetic.axis(LAYER, "steps", in, k, s, d, Padding.FULL);
            assertConsistent(g, in, k, s, d, BruteForce.windows(in, k, s, d, span, span));
            assertEquals(span, g.padBefore());
            assertEquals(span, g.padAfter());
            if (s == 1) {
                assertEquals(in + span, g.output(), "stride 1: every shift where kernel and input overlap");
            }
        });
    }

    @Test
    void causalWindowsEndAtTheCurrentStep() {
        sweep((in, k, s, d) -> {
            AxisGeometry g = ConvArithmetic.axis(LAYER, "steps", in, k, s, d, Padding.CAUSAL);
            assertConsistent(g, in, k, s, d, BruteForce.windows(in, k, s, d, d * (k - 1), 0));
            assertEquals(0, g.padAfter());
            assertEquals(BruteForce.stridesToCover(in, s), g.output());
            for (long o = 0; o < g.output(); o++) {
                assertEquals(o * s, g.tap(o, k - 1), "the last tap of output " + o + " is input " + o * s);
            }
        });
    }

    @Test
    void explicitAsymmetricPaddingMatchesTheWindowCount() {
        sweep((in, k, s, d) -> {
            for (long before = 0; before <= 3; before++) {
                for (long after = 0; after <= 3; after++) {
                    long expected = BruteForce.windows(in, k, s, d, before, after);
                    long b = before;
                    long a = after;
                    if (expected == 0) {
                        String message = assertThrows(IllegalArgumentException.class,
                                () -> ConvArithmetic.axis(LAYER, "steps", in, k, s, d, b, a)).getMessage();
                        assertSuggestedKernelIsTheLargestThatFits(message, in, s, d, b, a);
                        long more = number(message, "at least (\\d+) more padding");
                        assertTrue(BruteForce.windows(in, k, s, d, b, a + more) > 0, message);
                        assertEquals(0, BruteForce.windows(in, k, s, d, b, a + more - 1), message);
                        continue;
                    }
                    AxisGeometry g = ConvArithmetic.axis(LAYER, "steps", in, k, s, d, b, a);
                    assertConsistent(g, in, k, s, d, expected);
                    assertEquals(b, g.padBefore());
                    assertEquals(a, g.padAfter());
                    assertEquals(Padding.EXPLICIT, g.padding());
                }
            }
        });
    }

    /** DJL once applied the first axis' stride to every axis; distinct values per axis catch that. */
    @Test
    void conv2dUsesEachAxisOwnKernelStrideAndDilation() {
        for (Padding p : new Padding[] {Padding.VALID, Padding.SAME, Padding.FULL}) {
            for (long kh = 1; kh <= 4; kh++) {
                for (long sh = 1; sh <= 3; sh++) {
                    long kw = 5 - kh + 1;
                    long sw = 4 - sh;
                    long dh = kh % 2 + 1;
                    long dw = 3 - dh;
                    Geometry2D g = ConvArithmetic.conv2d("Conv2D 'c'", 13, 11, kh, kw, sh, sw, dh, dw, p);
                    assertEquals(ConvArithmetic.axis("x", "height", 13, kh, sh, dh, p), g.height());
                    assertEquals(ConvArithmetic.axis("x", "width", 11, kw, sw, dw, p), g.width());
                    assertEquals(BruteForce.windows(13, kh, sh, dh, g.padTop(), g.padBottom()), g.outputHeight());
                    assertEquals(BruteForce.windows(11, kw, sw, dw, g.padLeft(), g.padRight()), g.outputWidth());
                }
            }
        }
        Geometry2D explicit = ConvArithmetic.conv2d("Conv2D 'c'", 10, 9, 3, 2, 2, 1, 1, 3, 2, 0, 1, 3);
        assertEquals(BruteForce.windows(10, 3, 2, 1, 2, 0), explicit.outputHeight());
        assertEquals(BruteForce.windows(9, 2, 1, 3, 1, 3), explicit.outputWidth());
        assertEquals(2, explicit.padTop());
        assertEquals(0, explicit.padBottom());
        assertEquals(1, explicit.padLeft());
        assertEquals(3, explicit.padRight());
    }

    @Test
    void poolingUsesTheSameArithmeticWithTheWindowAsKernel() {
        for (long in = 1; in <= 12; in++) {
            for (long pool = 1; pool <= 4; pool++) {
                for (long s = 1; s <= 4; s++) {
                    Geometry2D same = ConvArithmetic.pool2d("MaxPooling2D 'p'", in, 12, pool, 2, s, 2, Padding.SAME);
                    assertEquals(ConvArithmetic.axis("x", "height", in, pool, s, 1, Padding.SAME), same.height());
                    assertEquals(6, same.outputWidth());
                    long fit = BruteForce.windows(in, pool, s, 1, 0, 0);
                    if (fit > 0) {
                        assertEquals(fit, ConvArithmetic.pool2d("MaxPooling2D 'p'", in, 12, pool, 2, s, 2,
                                Padding.VALID).outputHeight());
                    }
                }
            }
        }
    }
}
