package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Parameter counts and multiply-adds against Keras' summary numbers and a naive convolution loop. */
class CountsTest {

    @Test
    void parameterCountsMatchKerasSummaries() {
        assertEquals(320, ConvArithmetic.conv2dParams(3, 3, 1, 32, 1, true));          // Conv2D(32, 3x3) on (28, 28, 1)
        assertEquals(18_496, ConvArithmetic.conv2dParams(3, 3, 32, 64, 1, true));      // Conv2D(64, 3x3) on 32 channels
        assertEquals(18_432, ConvArithmetic.conv2dParams(3, 3, 32, 64, 1, false));
        assertEquals(320, ConvArithmetic.conv2dParams(3, 3, 32, 32, 32, true));        // depthwise 3x3 on 32 channels
        assertEquals(4_640, ConvArithmetic.conv2dParams(3, 3, 32, 32, 2, true));       // 2 groups: 3*3*16*32 + 32
        assertEquals(1_066, ConvArithmetic.conv2dParams(1, 5, 16, 26, 2, true));       // Conv1D(26, 5, groups=2) on 16: 5*8*26 + 26
        assertEquals(18_464, ConvArithmetic.conv2dTransposeParams(3, 3, 64, 32, true)); // Conv2DTranspose(32, 3x3) on 64
    }

    /** Count the multiply-adds a naive nested-loop convolution performs, window tap by tap. */
    private static long naiveMultiplyAdds(Geometry2D g, long kh, long kw, long in, long filters, long groups) {
        long count = 0;
        for (long oh = 0; oh < g.outputHeight(); oh++) {
            for (long ow = 0; ow < g.outputWidth(); ow++) {
                for (long f = 0; f < filters; f++) {
                    long group = f / (filters / groups);
                    for (long i = 0; i < kh; i++) {
                        for (long j = 0; j < kw; j++) {
                            for (long c = group * (in / groups); c < (group + 1) * (in / groups); c++) {
                                count++;
                            }
                        }
                    }
                }
            }
        }
        return count;
    }

    @Test
    void multiplyAddsMatchANaiveLoop() {
        long[][] cases = {
            // inH, inW, kh, kw, sh, sw, in, filters, groups
            {28, 28, 3, 3, 1, 1, 1, 32, 1},
            {13, 11, 3, 5, 2, 1, 4, 6, 2},
            {9, 9, 3, 3, 2, 2, 6, 6, 6},
            {7, 10, 1, 4, 1, 3, 3, 9, 3},
        };
        for (long[] c : cases) {
            Geometry2D g = ConvArithmetic.conv2d("Conv2D 'c'", c[0], c[1], c[2], c[3], c[4], c[5], 1, 1, Padding.SAME);
            assertEquals(naiveMultiplyAdds(g, c[2], c[3], c[6], c[7], c[8]),
                    ConvArithmetic.conv2dMultiplyAdds(g.outputHeight(), g.outputWidth(), c[2], c[3], c[6], c[7], c[8]));
        }
        // the tutorial's first model: Conv2D(32, 3x3) on 28x28x1, valid -> 26*26*32*9
        assertEquals(194_688, ConvArithmetic.conv2dMultiplyAdds(26, 26, 3, 3, 1, 32, 1));
    }

    @Test
    void transposedMultiplyAddsCountEveryScatter() {
        // each of the 7*7*16 input values is multiplied into 4*4*8 outputs
        assertEquals(7 * 7 * 16 * 4 * 4 * 8, ConvArithmetic.conv2dTransposeMultiplyAdds(7, 7, 4, 4, 16, 8));
    }

    @Test
    void countsRejectImpossibleArguments() {
        assertEquals("Parameter count: The number of filters must be evenly divisible by the number of groups."
                + " Received: groups=3, filters=32. Use groups that divide both 32 filters and 3 input channels: 1.",
                assertThrows(IllegalArgumentException.class,
                        () -> ConvArithmetic.conv2dParams(3, 3, 3, 32, 3, true)).getMessage());
        assertEquals("Kernel size must be at least 1x1, received 0x3; use a positive kernel size such as 3x3.",
                assertThrows(IllegalArgumentException.class,
                        () -> ConvArithmetic.conv2dParams(0, 3, 3, 32, 1, true)).getMessage());
        assertEquals("Output size must be at least 1x1, received 0x5; compute it with ConvArithmetic.conv2d.",
                assertThrows(IllegalArgumentException.class,
                        () -> ConvArithmetic.conv2dMultiplyAdds(0, 5, 3, 3, 3, 32, 1)).getMessage());
    }
}
