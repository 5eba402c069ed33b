package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Transposed-convolution sizes against Keras' {@code deconv_output_length} (transcribed in
 * {@link BruteForce}), the span of cells the input touches, and the forward convolution it is the
 * adjoint of.
 */
class TransposedTest {
    private static final String LAYER = "Conv2DTranspose 't'";
    private static final Padding[] RULES = {Padding.VALID, Padding.SAME, Padding.FULL};

    @Test
    void gridAgainstKerasTouchedCellsAndTheAdjointConvolution() {
        int checked = 0;
        for (long in = 1; in <= 8; in++) {
            for (long k = 1; k <= 5; k++) {
                for (long s = 1; s <= 4; s++) {
                    for (long d = 1; d <= 3; d++) {
                        for (Padding p : RULES) {
                            for (long op = -1; op < s; op++) {
                                checked += check(in, k, s, d, p, op);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 4500, "checked " + checked);
    }

    private static int check(long in, long k, long s, long d, Padding p, long op) {
        long keras = BruteForce.kerasDeconvOutputLength(in, k, p.kerasName(), op, s, d);
        if (keras < 1) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> ConvArithmetic.transposedAxis(LAYER, "height", in, k, s, d, p, op));
            assertTrue(e.getMessage().startsWith(LAYER + ": output height = (" + in + "-1)*" + s + " + "),
                    e.getMessage());
            return 0;
        }
        AxisGeometry g = ConvArithmetic.transposedAxis(LAYER, "height", in, k, s, d, p, op);
        assertEquals(keras, g.output(), () -> "Keras length for " + g);
        assertTrue(g.transposed());
        assertEquals(op, g.outputPadding());
        long touched = BruteForce.transposedTouchedSpan(in, k, s, d);
        assertEquals(touched, g.uncroppedOutput(), "the full result ends at the last touched cell");
        assertEquals(touched, g.padBefore() + g.output() + g.padAfter());
        assertTrue(g.padBefore() >= 0);
        if (op == -1 && p == Padding.VALID) {
            assertEquals(Math.max(touched, in * s), g.output(), "valid keeps every touched cell, at least in*s");
        }
        // The matching forward convolution, from the large side back to the input, has exactly `in`
        // windows with the same padding before: the two ops are adjoint.
        AxisGeometry forward = ConvArithmetic.axis("Conv2D", "height", g.output(), k, s, d,
                g.padBefore(), Math.max(g.padAfter(), 0));
        assertEquals(in, forward.output(), () -> "adjoint forward of " + g);
        assertEquals(in, BruteForce.windows(g.output(), k, s, d, g.padBefore(), Math.max(g.padAfter(), 0)));
        if (op == -1) {
            AxisGeometry byRule = ConvArithmetic.axis("Conv2D", "height", g.output(), k, s, d, p);
            assertEquals(in, byRule.output(), () -> "forward " + p + " on " + g.output());
            assertEquals(byRule.padBefore(), g.padBefore(), () -> "crop before = forward pad before, " + g);
        }
        // each input cell i reaches output cells tap(i, j); those inside [0, out) must be the cells
        // whose forward windows read input i, counted both ways
        long pairsScatter = 0;
        long pairsGather = 0;
        for (long i = 0; i < in; i++) {
            for (long j = 0; j < k; j++) {
                long cell = i * s + j * d - g.padBefore();
                assertEquals(cell, g.tap(i, j));
                if (cell >= 0 && cell < g.output()) {
                    pairsScatter++;
                }
                long read = forward.tap(i, j);
                if (read >= 0 && read < forward.input()) {
                    pairsGather++;
                }
            }
        }
        assertEquals(pairsScatter, pairsGather);
        return 1;
    }

    @ParameterizedTest(name = "{3} op={4}: in={0} k={1} s={2} -> {5} (crop {6}/{7})")
    @CsvSource({
        // in, k, s, padding, output_padding, out, crop before, crop after
        "14, 3, 2, same, -1, 28, 0, 1",
        "14, 3, 2, valid, -1, 29, 0, 0",
        "14, 2, 2, valid, -1, 28, 0, 0",
        "14, 3, 2, same, 1, 28, 0, 1",
        "14, 3, 2, same, 0, 27, 1, 1",
        "7, 4, 2, same, -1, 14, 1, 1",      // DCGAN 4x4 stride 2: crops 1 on each side
        "7, 5, 2, same, -1, 14, 1, 2",      // odd crop at the end, like TensorFlow's forward SAME
        "5, 3, 1, full, -1, 3, 2, 2",
        "3, 1, 3, valid, -1, 9, 0, -2",     // kernel narrower than the stride: cells appended
        "3, 3, 2, valid, 1, 8, 0, -1"
    })
    void kerasExamples(long in, long k, long s, String padding, long op, long out, long before, long after) {
        AxisGeometry g = ConvArithmetic.transposedAxis(LAYER, "height", in, k, s, 1, Padding.of(padding), op);
        assertEquals(out, g.output());
        assertEquals(before, g.padBefore());
        assertEquals(after, g.padAfter());
    }

    @Test
    void nullOutputPaddingIsNone() {
        assertEquals(ConvArithmetic.transposedAxis(LAYER, "height", 7, 3, 2, 1, Padding.VALID, -1),
                ConvArithmetic.transposedAxis(LAYER, "height", 7, 3, 2, 1, Padding.VALID, (Long) null));
        assertEquals(ConvArithmetic.transposedAxis(LAYER, "height", 7, 3, 2, 1, Padding.VALID, 1),
                ConvArithmetic.transposedAxis(LAYER, "height", 7, 3, 2, 1, Padding.VALID, Long.valueOf(1)));
        assertEquals(16, ConvArithmetic.transposedAxis(LAYER, "height", 7, 3, 2, 1, Padding.VALID, 1L).output());
    }

    @Test
    void explicitCropsArePyTorchPaddingAndOutputPadding() {
        // PyTorch ConvTranspose1d(k=3, s=2, padding=1, output_padding=1) on 5: (5-1)*2 - 2*1 + 3 + 1 = 10
        AxisGeometry g = ConvArithmetic.transposedAxis(LAYER, "width", 5, 3, 2, 1, 1, 1 - 1);
        assertEquals(10, g.output());
        assertEquals(Padding.EXPLICIT, g.padding());
        AxisGeometry appended = ConvArithmetic.transposedAxis(LAYER, "width", 5, 3, 3, 1, 0, -2);
        assertEquals(4 * 3 + 3 + 2, appended.output());
    }

    @Test
    void transposed2dUsesEachAxisOwnNumbers() {
        Geometry2D g = ConvArithmetic.transposed2d(LAYER, 7, 5, 4, 3, 2, 3, 1, 2, Padding.SAME, -1, 1);
        assertEquals(ConvArithmetic.transposedAxis(LAYER, "height", 7, 4, 2, 1, Padding.SAME, -1), g.height());
        assertEquals(ConvArithmetic.transposedAxis(LAYER, "width", 5, 3, 3, 2, Padding.SAME, 1), g.width());
        assertEquals(14, g.outputHeight());
        assertEquals(BruteForce.kerasDeconvOutputLength(5, 3, "same", 1, 3, 2), g.outputWidth());
    }

    @Test
    void explainShowsKerasRuleAndCrop() {
        assertEquals("""
                height (transposed): padding "same", no output_padding (Keras): out = in*s = 3*2 = 6
                  full transposed result = (in-1)*s + d*(k-1) + 1 = (3-1)*2 + 1*(3-1) + 1 = 7 cells
                  cropped 0 at the start, 1 at the end
                  out = (in-1)*s + d*(k-1) + 1 - crop_before - crop_after
                      = (3-1)*2 + 1*(3-1) + 1 - 0 - 1 = 6""",
                ConvArithmetic.transposedAxis(LAYER, "height", 3, 3, 2, 1, Padding.SAME, -1).explain());
        assertEquals("""
                height (transposed): padding "valid", no output_padding (Keras): out = in*s + max(d*(k-1)+1 - s, 0) = 3*3 + max(1 - 3, 0) = 9
                  full transposed result = (in-1)*s + d*(k-1) + 1 = (3-1)*3 + 1*(1-1) + 1 = 7 cells
                  cropped 0 at the start, -2 at the end (a negative crop appends 2 cells that only the bias reaches)
                  out = (in-1)*s + d*(k-1) + 1 - crop_before - crop_after
                      = (3-1)*3 + 1*(1-1) + 1 - 0 - (-2) = 9""",
                ConvArithmetic.transposedAxis(LAYER, "height", 3, 1, 3, 1, Padding.VALID, -1).explain());
        assertEquals("""
                width (transposed): padding "same", output_padding 1 (Keras): out = (in-1)*s + d*(k-1)+1 - 2*pad + output_padding = (14-1)*2 + 3 - 2*1 + 1 = 28
                  full transposed result = (in-1)*s + d*(k-1) + 1 = (14-1)*2 + 1*(3-1) + 1 = 29 cells
                  cropped 0 at the start, 1 at the end
                  out = (in-1)*s + d*(k-1) + 1 - crop_before - crop_after
                      = (14-1)*2 + 1*(3-1) + 1 - 0 - 1 = 28""",
                ConvArithmetic.transposedAxis(LAYER, "width", 14, 3, 2, 1, Padding.SAME, 1).explain());
        assertEquals("(5-1)*1 + 1*(3-1) + 1 - 2 - 2 = 3",
                ConvArithmetic.transposedAxis(LAYER, "height", 5, 3, 1, 1, Padding.FULL, -1).formula());
    }
}
