package io.convnb.ops;

import static io.convnb.ops.Conv2DOpsGridTest.checkCase;
import static io.convnb.ops.TestTensors.assertClose;
import static io.convnb.ops.TestTensors.nd;
import static io.convnb.ops.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DepthwiseConvFloat (depthwise and grouped layers with few channels per group) against the
 * nested-loop reference, beyond the small grid of {@link Conv2DOpsGridTest}: vector-sized and odd
 * channel counts, depth multipliers, batch sizes that split unevenly across the cores, and the
 * Vector API kernels against the plain-Java ones bit for bit.
 */
class DepthwiseConvTest {
    /** One case: batch, (h, w), (kh, kw), (channels, groups, filters), geometry. */
    private record Case(int n, int[] size, int[] k, int[] ch, NaiveOps.Geo geo) {
        @Override
        public String toString() {
            return "n=" + n + " size=" + java.util.Arrays.toString(size) + " kernel=" + java.util.Arrays.toString(k)
                    + " (C, groups, F)=" + java.util.Arrays.toString(ch) + " " + geo;
        }
    }

    private static final Case[] CASES = {
        // (32,56,56,64)-style depthwise 3x3 "same", 40 channels (two vectors and a half), 5 images.
        new Case(5, new int[] {9, 15}, new int[] {3, 3}, new int[] {40, 40, 40}, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 40)),
        // Depth multiplier 2, stride 2 with TensorFlow "same" pads (the odd pixel at the end), 7 images.
        new Case(7, new int[] {11, 10}, new int[] {3, 3}, new int[] {24, 24, 48}, new NaiveOps.Geo(2, 2, 1, 1, 1, 1, 0, 1, 24)),
        // Dilation 2 together with stride 2, asymmetric explicit pads.
        new Case(3, new int[] {12, 13}, new int[] {3, 3}, new int[] {20, 20, 20}, new NaiveOps.Geo(2, 2, 2, 2, 2, 0, 1, 3, 20)),
        // Depth multiplier 3 on 5 channels: 15 filters, fewer than one vector.
        new Case(4, new int[] {8, 9}, new int[] {5, 3}, new int[] {5, 5, 15}, new NaiveOps.Geo(1, 2, 2, 1, 2, 2, 1, 1, 5)),
        // Grouped: 3 groups of 2 channels, 4 filters each; stride (1, 3) and dilation (2, 1).
        new Case(2, new int[] {8, 9}, new int[] {3, 2}, new int[] {6, 3, 12}, new NaiveOps.Geo(1, 3, 2, 1, 1, 0, 0, 2, 3)),
        // ResNeXt-style: 8 groups of 4 channels, 4 filters each.
        new Case(3, new int[] {7, 7}, new int[] {3, 3}, new int[] {32, 8, 32}, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 8)),
        // One image, a 1x4 kernel over a wide row of 64 channels; valid padding that leaves columns unread.
        new Case(1, new int[] {6, 30}, new int[] {1, 4}, new int[] {64, 64, 64}, new NaiveOps.Geo(1, 3, 1, 1, 0, 0, 0, 0, 64)),
        // Stride larger than the kernel: input cells no window reads get zero gradient.
        new Case(2, new int[] {9, 9}, new int[] {2, 2}, new int[] {16, 16, 32}, new NaiveOps.Geo(3, 3, 1, 1, 0, 0, 1, 0, 16)),
        // 3x3 with taps one cell apart along the width (the vector kernels' sliding 3x3 loops): depth
        // multiplier 2 at stride 1 with dilation (2, 1) and uneven pads, a row of 6 cells (one block of
        // four and an overlapping last one); and "valid" on a row of exactly four cells.
        new Case(3, new int[] {8, 6}, new int[] {3, 3}, new int[] {16, 16, 32}, new NaiveOps.Geo(1, 1, 2, 1, 2, 1, 1, 1, 16)),
        new Case(2, new int[] {5, 6}, new int[] {3, 3}, new int[] {32, 32, 32}, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 0, 0, 32)),
    };

    @AfterEach
    void restore() {
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
    }

    @Test
    void autoRunsTheDepthwisePathAndMatchesNaiveLoops() {
        Random rnd = new Random(5);
        int caseNo = 0;
        for (Case c : CASES) {
            assertTrue(Conv2DOps.depthwise(geometry(c), DataType.FLOAT), c.toString());
            checkCase(rnd, c.n(), c.size(), c.k(), c.ch(), c.geo(), DataType.FLOAT, caseNo++ % 2 == 1);
        }
    }

    @Test
    void doubleDepthwiseLayersUseTheGemmPathAndMatchNaiveLoops() {
        Random rnd = new Random(6);
        for (Case c : CASES) {
            assertFalse(Conv2DOps.depthwise(geometry(c), DataType.DOUBLE), c.toString());
            checkCase(rnd, c.n(), c.size(), c.k(), c.ch(), c.geo(), DataType.DOUBLE, false);
        }
    }

    @Test
    void vectorAndPlainJavaKernelsGiveIdenticalBits() {
        assertTrue(VectorSupport.available(), "the tests run with --add-modules=jdk.incubator.vector (pom.xml argLine)");
        ChannelwiseKernels vector = DepthwiseConvFloat.kernels(), scalar = ChannelwiseScalarKernels.INSTANCE;
        assertTrue(vector instanceof ChannelwiseVectorKernels);
        Random rnd = new Random(8);
        for (Case c : CASES) {
            ConvGeometry g = geometry(c);
            INDArray x = nd(random(rnd, c.n(), c.size()[0], c.size()[1], c.ch()[0]), DataType.FLOAT);
            INDArray k = nd(random(rnd, c.k()[0], c.k()[1], c.ch()[0] / c.ch()[1], c.ch()[2]), DataType.FLOAT);
            INDArray b = nd(random(rnd, c.ch()[2]).v(), DataType.FLOAT);
            INDArray dy = nd(random(rnd, c.n(), g.oh(), g.ow(), g.f()), DataType.FLOAT);
            assertSameBits(c + " forward", DepthwiseConvFloat.forward(x, k, b, g, vector),
                    DepthwiseConvFloat.forward(x, k, b, g, scalar));
            ConvGradients v = DepthwiseConvFloat.backward(x, k, dy, g, true, true, vector);
            ConvGradients s = DepthwiseConvFloat.backward(x, k, dy, g, true, true, scalar);
            assertSameBits(c + " dx", v.input(), s.input());
            assertSameBits(c + " dkernel", v.kernel(), s.kernel());
            assertSameBits(c + " dbias", v.bias(), s.bias());
        }
    }

    @Test
    void plainJavaKernelsMatchNaiveLoops() {
        Random rnd = new Random(9);
        for (Case c : new Case[] {CASES[1], CASES[4]}) {
            ConvGeometry g = geometry(c);
            NaiveOps.T x = random(rnd, c.n(), c.size()[0], c.size()[1], c.ch()[0]);
            NaiveOps.T k = random(rnd, c.k()[0], c.k()[1], c.ch()[0] / c.ch()[1], c.ch()[2]);
            double[] b = random(rnd, c.ch()[2]).v();
            NaiveOps.T y = NaiveOps.conv(x, k, b, c.geo());
            ChannelwiseKernels scalar = ChannelwiseScalarKernels.INSTANCE;
            INDArray xf = nd(x, DataType.FLOAT), kf = nd(k, DataType.FLOAT);
            assertClose(c + " forward", y, DepthwiseConvFloat.forward(xf, kf, nd(b, DataType.FLOAT), g, scalar), 2e-5);
            NaiveOps.T dy = random(rnd, y.shape());
            NaiveOps.T[] expected = NaiveOps.convBackward(x, k, dy, c.geo());
            ConvGradients got = DepthwiseConvFloat.backward(xf, kf, nd(dy, DataType.FLOAT), g, true, true, scalar);
            assertClose(c + " dx", expected[0], got.input(), 2e-5);
            assertClose(c + " dkernel", expected[1], got.kernel(), 2e-5);
            assertClose(c + " dbias", expected[2], got.bias(), 2e-5);
        }
    }

    /**
     * The kernel and bias gradients a JVM without the Vector API computes for stride-1 layers with one
     * input channel per group ({@link DepthwiseConvFloat.StagedRows}), against the naive loops.
     */
    @Test
    void stagedRowGradientsMatchNaiveLoops() {
        Random rnd = new Random(11);
        Case[] staged = {
            CASES[0],
            // depth multiplier 2, dilation (2, 1), valid
            new Case(3, new int[] {9, 8}, new int[] {3, 3}, new int[] {8, 8, 16}, new NaiveOps.Geo(1, 1, 2, 1, 0, 0, 0, 0, 8)),
            // 12 channels (lane padding to 16), a 5x3 kernel, asymmetric pads, dilation (1, 2)
            new Case(2, new int[] {7, 10}, new int[] {5, 3}, new int[] {12, 12, 12}, new NaiveOps.Geo(1, 1, 1, 2, 2, 1, 0, 3, 12)),
            // more images than chunks, so the chunks' sums are added up
            new Case(19, new int[] {5, 6}, new int[] {3, 3}, new int[] {8, 8, 8}, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 8)),
        };
        for (Case c : staged) {
            ConvGeometry g = geometry(c);
            assertTrue(DepthwiseConvFloat.StagedRows.applies(g), c.toString());
            NaiveOps.T x = random(rnd, c.n(), c.size()[0], c.size()[1], c.ch()[0]);
            NaiveOps.T k = random(rnd, c.k()[0], c.k()[1], 1, c.ch()[2]);
            NaiveOps.T dy = random(rnd, c.n(), g.oh(), g.ow(), g.f());
            NaiveOps.T[] expected = NaiveOps.convBackward(x, k, dy, c.geo());
            ConvGradients got = DepthwiseConvFloat.backward(nd(x, DataType.FLOAT), nd(k, DataType.FLOAT), nd(dy, DataType.FLOAT),
                    g, true, true, ChannelwiseScalarKernels.INSTANCE, true);
            assertClose(c + " dx", expected[0], got.input(), 2e-5);
            assertClose(c + " dkernel", expected[1], got.kernel(), 2e-5);
            assertClose(c + " dbias", expected[2], got.bias(), 2e-5);
        }
        // strides and groups of several channels keep the plain-Java kernels
        assertFalse(DepthwiseConvFloat.StagedRows.applies(geometry(CASES[1])));
        assertFalse(DepthwiseConvFloat.StagedRows.applies(geometry(CASES[5])));
    }

    @Test
    void backwardLeavesOutTheInputAndBiasGradientsWhenNotRequested() {
        Random rnd = new Random(10);
        Case c = CASES[1];
        ConvGeometry g = geometry(c);
        NaiveOps.T x = random(rnd, c.n(), c.size()[0], c.size()[1], c.ch()[0]);
        NaiveOps.T k = random(rnd, c.k()[0], c.k()[1], 1, c.ch()[2]);
        NaiveOps.T dy = random(rnd, c.n(), g.oh(), g.ow(), g.f());
        Conv2DSpec spec = new Conv2DSpec(2, 2, 1, 1, 1, 1, 0, 1, 24);
        ConvGradients got = Conv2DOps.backward(nd(x, DataType.FLOAT), nd(k, DataType.FLOAT), nd(dy, DataType.FLOAT), spec,
                false, false);
        assertNull(got.input());
        assertNull(got.bias());
        assertClose("dkernel", NaiveOps.convBackward(x, k, dy, c.geo())[1], got.kernel(), 2e-5);
    }

    @Test
    void theRuleTakesFloatLayersWithAtMostEightChannelsPerGroup() {
        ConvGeometry depthwise = new ConvGeometry(32, 56, 56, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 64);
        ConvGeometry multiplier = new ConvGeometry(8, 28, 28, 32, 14, 14, 64, 3, 3, 2, 2, 1, 1, 0, 0, 32);
        ConvGeometry resnext = new ConvGeometry(8, 28, 28, 256, 28, 28, 256, 3, 3, 1, 1, 1, 1, 1, 1, 32);
        ConvGeometry wideGroups = new ConvGeometry(8, 28, 28, 64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 4);
        ConvGeometry plain = new ConvGeometry(8, 28, 28, 64, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertTrue(Conv2DOps.depthwise(depthwise, DataType.FLOAT));
        assertTrue(Conv2DOps.depthwise(multiplier, DataType.FLOAT));
        assertTrue(Conv2DOps.depthwise(resnext, DataType.FLOAT));
        assertFalse(Conv2DOps.depthwise(wideGroups, DataType.FLOAT), "16 channels per group: per-group GEMMs");
        assertFalse(Conv2DOps.depthwise(plain, DataType.FLOAT));
        assertFalse(Conv2DOps.depthwise(depthwise, DataType.DOUBLE));
        assertEquals(8, DepthwiseConvFloat.MAX_GROUP_CHANNELS);
        Conv2DOps.useImplementation(ConvImplementation.DIRECT);
        assertTrue(Conv2DOps.depthwise(depthwise, DataType.FLOAT));
        Conv2DOps.useImplementation(ConvImplementation.IM2COL_GEMM);
        assertFalse(Conv2DOps.depthwise(depthwise, DataType.FLOAT));
    }

    @Test
    void libnd4jTakesTheForwardPassOfSymmetricallyPaddedDepthwiseLayersAndTheirStrideOneDx() {
        Conv2DSpec same = Conv2DSpec.of(1, 1, 1, 1, 1, 1).withGroups(64);
        ConvGeometry depthwise = new ConvGeometry(32, 56, 56, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 64);
        assertTrue(BuiltinConv.depthwiseApplies(depthwise, same, DataType.FLOAT));
        assertTrue(BuiltinConv.depthwiseInputGradientApplies(depthwise, same, DataType.FLOAT));
        assertFalse(BuiltinConv.depthwiseApplies(depthwise, same, DataType.DOUBLE));
        // Multiplier 2, stride 2 with symmetric pads: forward yes, dx no (not a depthwise convolution of dy).
        Conv2DSpec strided = Conv2DSpec.of(2, 2, 1, 1, 1, 1).withGroups(32);
        ConvGeometry multiplier = new ConvGeometry(8, 28, 28, 32, 14, 14, 64, 3, 3, 2, 2, 1, 1, 1, 1, 32);
        assertTrue(BuiltinConv.depthwiseApplies(multiplier, strided, DataType.FLOAT));
        assertFalse(BuiltinConv.depthwiseInputGradientApplies(multiplier, strided, DataType.FLOAT));
        // TensorFlow "same" at stride 2 (pad 0 on top, 1 below) and dilation stay with DepthwiseConvFloat.
        Conv2DSpec tfSame = Conv2DSpec.of(2, 2, 0, 1, 0, 1).withGroups(64);
        ConvGeometry strided2 = new ConvGeometry(8, 28, 28, 64, 14, 14, 64, 3, 3, 2, 2, 1, 1, 0, 0, 64);
        assertFalse(BuiltinConv.depthwiseApplies(strided2, tfSame, DataType.FLOAT));
        ConvGeometry dilated = new ConvGeometry(8, 28, 28, 64, 28, 28, 64, 3, 3, 1, 1, 2, 2, 2, 2, 64);
        assertFalse(BuiltinConv.depthwiseApplies(dilated, Conv2DSpec.of(1, 1, 2, 2, 2, 2).withDilation(2, 2).withGroups(64),
                DataType.FLOAT));
        // Grouped (not depthwise): never.
        ConvGeometry resnext = new ConvGeometry(8, 28, 28, 256, 28, 28, 256, 3, 3, 1, 1, 1, 1, 1, 1, 32);
        assertFalse(BuiltinConv.depthwiseApplies(resnext, Conv2DSpec.of(1, 1, 1, 1, 1, 1).withGroups(32), DataType.FLOAT));
    }

    private static ConvGeometry geometry(Case c) {
        NaiveOps.Geo geo = c.geo();
        Conv2DSpec s = new Conv2DSpec(geo.sh(), geo.sw(), geo.dh(), geo.dw(), geo.pt(), geo.pb(), geo.pl(), geo.pr(),
                geo.groups());
        assertEquals(c.ch()[1], geo.groups());
        return new ConvGeometry(c.n(), c.size()[0], c.size()[1], c.ch()[0], (int) s.outHeight(c.size()[0], c.k()[0]),
                (int) s.outWidth(c.size()[1], c.k()[1]), c.ch()[2], c.k()[0], c.k()[1], geo.sh(), geo.sw(), geo.dh(),
                geo.dw(), geo.pt(), geo.pl(), geo.groups());
    }

    private static void assertSameBits(String what, INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertArrayEquals(expected.dup('c').data().asFloat(), actual.dup('c').data().asFloat(), 0f, what);
    }
}
