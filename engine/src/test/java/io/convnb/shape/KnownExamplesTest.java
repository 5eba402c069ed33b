package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Sizes and padding splits that Keras/TensorFlow users know, and the explanations, word for word. */
class KnownExamplesTest {

    @ParameterizedTest(name = "same: in={0} k={1} s={2} d={3} -> out {4}, pads {5}/{6}")
    @CsvSource({
        // in, k, s, d, out, before, after   (TensorFlow's SAME rule, odd pixel after)
        "5, 3, 2, 1, 3, 1, 1",
        "6, 3, 2, 1, 3, 0, 1",
        "28, 3, 2, 1, 14, 0, 1",
        "28, 3, 1, 1, 28, 1, 1",
        "7, 4, 1, 1, 7, 1, 2",
        "224, 7, 2, 1, 112, 2, 3",      // ResNet stem in TensorFlow
        "56, 1, 2, 1, 28, 0, 0",        // 1x1 stride-2 shortcut: no padding at all
        "10, 3, 1, 2, 10, 2, 2",        // dilation: effective kernel 5
        "13, 5, 3, 1, 5, 2, 2",
        "4, 5, 1, 1, 4, 2, 2"           // kernel larger than the input still gives ceil(in/s)
    })
    void sameSplitsLikeTensorFlow(long in, long k, long s, long d, long out, long before, long after) {
        AxisGeometry g = ConvArithmetic.axis("Conv2D 'c'", "height", in, k, s, d, Padding.SAME);
        assertEquals(out, g.output());
        assertEquals(before, g.padBefore());
        assertEquals(after, g.padAfter());
    }

    @ParameterizedTest(name = "{4}: in={0} k={1} s={2} d={3} -> {5}")
    @CsvSource({
        // Keras conv_output_length examples, worked by hand
        "28, 3, 1, 1, valid, 26",
        "28, 5, 1, 1, valid, 24",
        "28, 3, 2, 1, valid, 13",
        "32, 3, 1, 2, valid, 28",
        "28, 3, 1, 1, full, 30",
        "28, 3, 2, 1, full, 15",
        "100, 3, 1, 4, causal, 100",
        "100, 2, 2, 1, causal, 50"
    })
    void otherRules(long in, long k, long s, long d, String padding, long out) {
        assertEquals(out, ConvArithmetic.axis("Conv1D 'c'", "steps", in, k, s, d, Padding.of(padding)).output());
    }

    @Test
    void formulaHasTheNumbersSubstituted() {
        AxisGeometry g = ConvArithmetic.axis("Conv2D 'c'", "height", 28, 3, 2, 1, Padding.SAME);
        assertEquals("floor((28 + 0 + 1 - 1*(3-1) - 1)/2) + 1 = 14", g.formula());
        assertEquals(new AxisGeometry("height", 28, 3, 2, 1, 0, 1, 14, Padding.SAME, false, -1), g);
    }

    @Test
    void explainShowsRuleSplitAndFormula() {
        assertEquals("""
                height: padding "same" (Keras/TensorFlow): out = ceil(in/s) = ceil(28/2) = 14
                  total padding = max((out-1)*s + d*(k-1) + 1 - in, 0) = max((14-1)*2 + 1*(3-1) + 1 - 28, 0) = 1
                  split 0 before, 1 after (the odd pixel goes at the end)
                  out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1
                      = floor((28 + 0 + 1 - 1*(3-1) - 1)/2) + 1 = 14""",
                ConvArithmetic.axis("Conv2D 'c'", "height", 28, 3, 2, 1, Padding.SAME).explain());
        assertEquals("""
                steps: padding "causal": d*(k-1) = 2*(3-1) = 4 before, 0 after, so output t sees inputs up to t only
                  effective kernel = d*(k-1) + 1 = 2*(3-1) + 1 = 5
                  out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1
                      = floor((10 + 4 + 0 - 2*(3-1) - 1)/1) + 1 = 10""",
                ConvArithmetic.axis("Conv1D 'c'", "steps", 10, 3, 1, 2, Padding.CAUSAL).explain());
        assertEquals("""
                width: explicit padding: 1 before, 2 after
                  out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1
                      = floor((10 + 1 + 2 - 1*(3-1) - 1)/2) + 1 = 6""",
                ConvArithmetic.axis("Conv2D 'c'", "width", 10, 3, 2, 1, 1, 2).explain());
        assertEquals("""
                width: padding "valid": no padding, windows only where they fit (0 before, 0 after)
                  out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1
                      = floor((5 + 0 + 0 - 1*(3-1) - 1)/2) + 1 = 2""",
                ConvArithmetic.axis("Conv2D 'c'", "width", 5, 3, 2, 1, Padding.VALID).explain());
        assertEquals("""
                width: padding "full": d*(k-1) = 1*(3-1) = 2 on each side, so every input cell meets every kernel element
                  out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1
                      = floor((10 + 2 + 2 - 1*(3-1) - 1)/2) + 1 = 6""",
                ConvArithmetic.axis("Conv2D 'c'", "width", 10, 3, 2, 1, Padding.FULL).explain());
    }

    @Test
    void geometry2dNamesBothAxes() {
        Geometry2D g = ConvArithmetic.conv2d("Conv2D 'c'", 28, 20, 3, 5, 2, 1, 1, 1, Padding.SAME);
        assertEquals("height: floor((28 + 0 + 1 - 1*(3-1) - 1)/2) + 1 = 14\n"
                + "width: floor((20 + 2 + 2 - 1*(5-1) - 1)/1) + 1 = 20", g.formula());
        assertArrayEquals(new long[] {14, 20, 8}, g.outputShape(8));
        assertEquals(g.height().explain() + "\n" + g.width().explain(), g.explain());
    }

    @Test
    void shapesPrintLikeKeras() {
        assertEquals("(28, 28, 1)", Shapes.format(28, 28, 1));
        assertEquals("(10,)", Shapes.format(10));
        assertEquals("()", Shapes.format());
    }
}
