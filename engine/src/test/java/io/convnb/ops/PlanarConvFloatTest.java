package io.convnb.ops;

import static io.convnb.ops.TestTensors.assertClose;
import static io.convnb.ops.TestTensors.nd;
import static io.convnb.ops.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@link PlanarConvFloat}, the plain-Java backward pass of thin layers on a JVM without the Vector API,
 * against the naive loops of {@link NaiveOps} (the Maven tests run with the Vector API, so AUTO never
 * takes this path here; the tests call it directly).
 */
class PlanarConvFloatTest {
    private static final double TOL = 2e-5;

    /** Geometry of an NHWC input (n, h, w, c) and an (kh, kw, c, f) kernel at stride 1. */
    private static ConvGeometry geometry(int n, int h, int w, int c, int f, int kh, int kw, NaiveOps.Geo s) {
        int oh = NaiveOps.positions(h, s.pt(), s.pb(), kh, s.dh(), 1), ow = NaiveOps.positions(w, s.pl(), s.pr(), kw, s.dw(), 1);
        return new ConvGeometry(n, h, w, c, oh, ow, f, kh, kw, 1, 1, s.dh(), s.dw(), s.pt(), s.pl(), 1);
    }

    private static void check(Random rnd, int n, int h, int w, int c, int f, int kh, int kw, NaiveOps.Geo s, boolean relu,
                              boolean needInput, boolean hasBias) {
        ConvGeometry g = geometry(n, h, w, c, f, kh, kw, s);
        assertTrue(PlanarConvFloat.applies(g, DataType.FLOAT), g.toString());
        NaiveOps.T x = random(rnd, n, h, w, c), k = random(rnd, kh, kw, c, f);
        double[] bias = random(rnd, f).v();
        NaiveOps.T z = NaiveOps.conv(x, k, bias, s);
        NaiveOps.T dy = random(rnd, z.shape());
        NaiveOps.T y = new NaiveOps.T(z.shape());
        NaiveOps.T dz = new NaiveOps.T(z.shape());
        for (int i = 0; i < z.v().length; i++) {
            y.v()[i] = Math.max(0, z.v()[i]);
            dz.v()[i] = relu && !(y.v()[i] > 0) ? 0 : dy.v()[i];
        }
        NaiveOps.T[] expected = NaiveOps.convBackward(x, k, dz, s);
        String what = g + (relu ? " relu" : "");
        ConvGradients got = PlanarConvFloat.backward(nd(x, DataType.FLOAT), nd(k, DataType.FLOAT), nd(dy, DataType.FLOAT),
                relu ? nd(y, DataType.FLOAT) : null, g, needInput, hasBias);
        assertClose(what + " dkernel", expected[1], got.kernel(), TOL);
        if (needInput) {
            assertClose(what + " dx", expected[0], got.input(), TOL);
        } else {
            assertNull(got.input(), what);
        }
        if (hasBias) {
            assertClose(what + " dbias", expected[2], got.bias(), TOL);
        } else {
            assertNull(got.bias(), what);
        }
    }

    @Test
    void matchesNaiveLoops() {
        Random rnd = new Random(7);
        // the tutorial's shape in small: one channel, 3x3 valid, with and without the fused ReLU
        check(rnd, 5, 9, 8, 1, 32, 3, 3, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 0, 0, 1), false, true, true);
        check(rnd, 5, 9, 8, 1, 32, 3, 3, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 0, 0, 1), true, true, true);
        // RGB, "same" pads, filters not a multiple of 8, no dx (a first layer)
        check(rnd, 3, 7, 6, 3, 13, 3, 3, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), true, false, true);
        // asymmetric pads, a 2x3 kernel, two channels, no bias
        check(rnd, 2, 6, 9, 2, 5, 2, 3, new NaiveOps.Geo(1, 1, 1, 1, 1, 0, 2, 1, 1), false, true, false);
        // dilation on one axis and both, with pads; four channels
        check(rnd, 3, 10, 9, 4, 9, 3, 3, new NaiveOps.Geo(1, 1, 2, 1, 2, 2, 1, 1, 1), true, true, true);
        check(rnd, 2, 11, 12, 1, 4, 3, 2, new NaiveOps.Geo(1, 1, 3, 2, 0, 3, 0, 1, 1), false, true, true);
        // a Conv1D (height 1), causal pads; and a 1x1 kernel
        check(rnd, 4, 1, 16, 2, 6, 1, 5, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 4, 0, 1), false, true, true);
        check(rnd, 2, 5, 4, 3, 7, 1, 1, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 0, 0, 1), true, true, true);
        // dilation 3 on 8 rows: rows 2 and 5 are read by no window and get zero gradient
        check(rnd, 2, 8, 7, 1, 3, 3, 2, new NaiveOps.Geo(1, 1, 3, 2, 0, 0, 0, 0, 1), false, true, true);
        // more images than chunks, so chunks of several images add up their partial sums
        check(rnd, 19, 6, 5, 1, 8, 3, 3, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), true, true, true);
    }

    /** The ReLU mask on raw bits: exactly {@code y > 0 ? dy : +0}, for every kind of float on either side. */
    @Test
    void reluMaskBitsMatchTheComparison() {
        float[] ys = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xFFC00001), Float.intBitsToFloat(0x7F800001)};
        float[] dys = {3.5f, -2f, -0f, 0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.MIN_VALUE};
        for (float yv : ys) {
            for (float dyv : dys) {
                int[] dy = {Float.floatToRawIntBits(dyv)};
                PlanarConvFloat.maskByPositive(dy, new int[] {Float.floatToRawIntBits(yv)}, 1);
                float want = yv > 0f ? dyv : 0f;
                assertEquals(Float.floatToRawIntBits(want), dy[0], "y " + yv + " dy " + dyv);
            }
        }
    }

    @Test
    void autoTakesItOnlyWithoutTheVectorApiForThinStrideOneFloatLayers() {
        ConvGeometry tutorial = new ConvGeometry(64, 28, 28, 1, 26, 26, 32, 3, 3, 1, 1, 1, 1, 0, 0, 1);
        assertTrue(Conv2DOps.planar(tutorial, DataType.FLOAT, false));
        assertFalse(Conv2DOps.planar(tutorial, DataType.FLOAT, true), "the Vector API's direct kernels come first");
        assertFalse(Conv2DOps.planar(tutorial, DataType.DOUBLE, false));
        ConvGeometry strided = new ConvGeometry(64, 28, 28, 1, 13, 13, 32, 3, 3, 2, 2, 1, 1, 0, 0, 1);
        assertFalse(Conv2DOps.planar(strided, DataType.FLOAT, false));
        ConvGeometry fiveChannels = new ConvGeometry(8, 28, 28, 5, 26, 26, 32, 3, 3, 1, 1, 1, 1, 0, 0, 1);
        assertFalse(Conv2DOps.planar(fiveChannels, DataType.FLOAT, false));
        // RGB 32x32 with 64 filters: 27*64 + 64 planes of 1,024 cells would not stay in cache
        ConvGeometry rgb = new ConvGeometry(64, 32, 32, 3, 32, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertFalse(Conv2DOps.planar(rgb, DataType.FLOAT, false));
        assertEquals(Conv2DOps.Path.DIRECT, Conv2DOps.backwardPath(tutorial, Conv2DSpec.unit(), DataType.FLOAT, true));
    }
}
