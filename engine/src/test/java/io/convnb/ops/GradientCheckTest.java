package io.convnb.ops;

import static io.convnb.ops.TestTensors.nd;
import static io.convnb.ops.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central-difference gradient checks in DOUBLE: for the loss L = sum(op(v) * R) with a fixed random
 * R, every element of every analytic gradient must match (L(v + h) - L(v - h)) / 2h.
 */
class GradientCheckTest {
    private static final double H = 1e-5;
    private static final double TOL = 1e-7;

    @Test
    void convolutionGradientsMatchCentralDifferences() {
        Random rnd = new Random(1);
        Conv2DSpec[] specs = {Conv2DSpec.unit(), Conv2DSpec.of(2, 1, 0, 1, 2, 0),
            new Conv2DSpec(1, 2, 2, 1, 1, 1, 0, 2, 1), new Conv2DSpec(2, 2, 1, 1, 1, 1, 1, 1, 2),
            new Conv2DSpec(1, 1, 1, 1, 1, 1, 1, 1, 4), new Conv2DSpec(2, 2, 2, 1, 1, 0, 2, 1, 4),
            new Conv2DSpec(2, 2, 2, 1, 1, 2, 1, 1, 1)};
        for (Conv2DSpec s : specs) {
            checkConv(rnd, s, 3, 2, 4, 4);
        }
        // 1x1: GEMMs on the input itself, and strided (a subsample)
        checkConv(rnd, Conv2DSpec.unit(), 1, 1, 4, 5);
        checkConv(rnd, Conv2DSpec.of(2, 2, 0, 0, 0, 0), 1, 1, 4, 5);
        // wide enough for oneDNN: deconvolution dx at stride 1 and 2
        checkConv(rnd, Conv2DSpec.of(1, 1, 1, 1, 1, 1), 3, 3, 16, 16);
        checkConv(rnd, Conv2DSpec.of(2, 2, 1, 1, 1, 1), 3, 3, 16, 16);
    }

    @Test
    void fusedReluGradientsMatchCentralDifferences() {
        Random rnd = new Random(4);
        Conv2DSpec[] specs = {Conv2DSpec.unit(), Conv2DSpec.of(1, 1, 1, 1, 1, 1), Conv2DSpec.of(2, 2, 0, 1, 0, 1)};
        int[][] kernels = {{1, 1, 16, 16}, {3, 3, 16, 16}, {3, 3, 3, 5}};
        for (Conv2DSpec s : specs) {
            for (int[] ks : kernels) {
                INDArray x = nd(random(rnd, 2, 5, 5, ks[2]), DataType.DOUBLE);
                INDArray k = nd(random(rnd, ks), DataType.DOUBLE);
                INDArray b = nd(random(rnd, ks[3]).v(), DataType.DOUBLE);
                INDArray y = Conv2DOps.forward(x, k, b, s, true);
                INDArray r = nd(random(rnd, toInt(y.shape())), DataType.DOUBLE);
                ConvGradients g = Conv2DOps.reluBackward(x, k, y, r, s, true, true);
                String what = "relu " + s + " kernel " + java.util.Arrays.toString(ks);
                check(what + " dx", x, v -> Conv2DOps.forward(v, k, b, s, true), r, g.input());
                check(what + " dkernel", k, v -> Conv2DOps.forward(x, v, b, s, true), r, g.kernel());
                check(what + " dbias", b, v -> Conv2DOps.forward(x, k, v, s, true), r, g.bias());
            }
        }
    }

    private static void checkConv(Random rnd, Conv2DSpec s, int kh, int kw, int c, int f) {
        INDArray x = nd(random(rnd, 2, 6, 5, c), DataType.DOUBLE);
        INDArray k = nd(random(rnd, kh, kw, c / s.groups(), f), DataType.DOUBLE);
        INDArray b = nd(random(rnd, f).v(), DataType.DOUBLE);
        INDArray y = Conv2DOps.forward(x, k, b, s);
        INDArray r = nd(random(rnd, toInt(y.shape())), DataType.DOUBLE);
        ConvGradients g = Conv2DOps.backward(x, k, r, s, true, true);
        String what = s + " kernel " + kh + "x" + kw + " c=" + c + " f=" + f;
        check(what + " dx", x, v -> Conv2DOps.forward(v, k, b, s), r, g.input());
        check(what + " dkernel", k, v -> Conv2DOps.forward(x, v, b, s), r, g.kernel());
        check(what + " dbias", b, v -> Conv2DOps.forward(x, k, v, s), r, g.bias());
    }

    /**
     * Depthwise and grouped layers in FLOAT, which AUTO runs on DepthwiseConvFloat: depth multipliers 1
     * and 2, dilation with stride, asymmetric pads, 17 channels (one full vector and one lane), groups of
     * 4 channels. The loss is linear in each argument, so a central difference with a large step h = 0.5
     * is exact up to rounding, and float rounding of sums of about 1000 terms stays near 1e-4.
     */
    @Test
    void depthwiseAndGroupedFloatGradientsMatchCentralDifferences() {
        Random rnd = new Random(4);
        int[][] channels = {{17, 17, 17}, {6, 6, 12}, {8, 2, 8}};   // C, groups, F
        Conv2DSpec[] specs = {new Conv2DSpec(1, 1, 1, 1, 1, 1, 1, 1, 1), new Conv2DSpec(2, 2, 2, 1, 2, 0, 1, 2, 1),
            new Conv2DSpec(1, 2, 1, 2, 0, 1, 2, 1, 1)};
        for (int i = 0; i < specs.length; i++) {
            int c = channels[i][0], groups = channels[i][1], f = channels[i][2];
            Conv2DSpec s = specs[i].withGroups(groups);
            INDArray x = nd(random(rnd, 2, 5, 4, c), DataType.FLOAT);
            INDArray k = nd(random(rnd, 3, 2, c / groups, f), DataType.FLOAT);
            INDArray b = nd(random(rnd, f).v(), DataType.FLOAT);
            INDArray y = Conv2DOps.forward(x, k, b, s);
            assertTrue(Conv2DOps.depthwise(new ConvGeometry(2, 5, 4, c, (int) y.size(1), (int) y.size(2), f, 3, 2,
                    s.strideH(), s.strideW(), s.dilationH(), s.dilationW(), s.padTop(), s.padLeft(), groups), DataType.FLOAT));
            INDArray r = nd(random(rnd, toInt(y.shape())), DataType.FLOAT);
            ConvGradients g = Conv2DOps.backward(x, k, r, s, true, true);
            checkLinear(s + " dx", x, v -> Conv2DOps.forward(v, k, b, s), r, g.input());
            checkLinear(s + " dkernel", k, v -> Conv2DOps.forward(x, v, b, s), r, g.kernel());
            checkLinear(s + " dbias", b, v -> Conv2DOps.forward(x, k, v, s), r, g.bias());
        }
    }

    /** Central differences of a FLOAT op that is linear in v, with the loss summed in double. */
    private static void checkLinear(String what, INDArray v, Function<INDArray, INDArray> op, INDArray r,
                                    INDArray analytic) {
        double h = 0.5;
        INDArray flat = v.dup('c'), rd = r.castTo(DataType.DOUBLE);
        double[] grad = analytic.dup('c').data().asDouble();
        assertEquals(flat.length(), grad.length, what + ": gradient length");
        for (int i = 0; i < grad.length; i++) {
            INDArray plus = flat.dup('c'), minus = flat.dup('c');
            plus.data().put(i, plus.data().getDouble(i) + h);
            minus.data().put(i, minus.data().getDouble(i) - h);
            double lp = op.apply(plus).castTo(DataType.DOUBLE).mul(rd).sumNumber().doubleValue();
            double lm = op.apply(minus).castTo(DataType.DOUBLE).mul(rd).sumNumber().doubleValue();
            double numeric = (lp - lm) / (2 * h);
            assertEquals(numeric, grad[i], 2e-4 * (1 + Math.abs(numeric)), what + " element " + i);
        }
    }

    @Test
    void transposedConvolutionGradientsMatchCentralDifferences() {
        Random rnd = new Random(2);
        Conv2DSpec s = new Conv2DSpec(2, 1, 1, 2, 1, 0, 0, 1, 1);
        INDArray x = nd(random(rnd, 2, 3, 4, 3), DataType.DOUBLE);
        INDArray k = nd(random(rnd, 3, 2, 2, 3), DataType.DOUBLE);
        INDArray b = nd(random(rnd, 2).v(), DataType.DOUBLE);
        INDArray r = nd(random(rnd, 2, 6, 5, 2), DataType.DOUBLE);
        ConvGradients g = Conv2DOps.transposeBackward(x, k, r, s, true, true);
        check("transpose dx", x, v -> Conv2DOps.transposeForward(v, k, b, s, 6, 5), r, g.input());
        check("transpose dkernel", k, v -> Conv2DOps.transposeForward(x, v, b, s, 6, 5), r, g.kernel());
        check("transpose dbias", b, v -> Conv2DOps.transposeForward(x, k, v, s, 6, 5), r, g.bias());
    }

    @Test
    void poolingGradientsMatchCentralDifferences() {
        Random rnd = new Random(3);
        Conv2DSpec s = Conv2DSpec.of(2, 1, 1, 0, 0, 1);
        // Seeded random values: no two cells of a window lie within 2h, so a nudge never changes the winner.
        INDArray x = nd(random(rnd, 2, 5, 4, 3), DataType.DOUBLE);
        PoolResult max = Pool2DOps.maxForward(x, 2, 2, s);
        INDArray r = nd(random(rnd, toInt(max.output().shape())), DataType.DOUBLE);
        check("max pool", x, v -> Pool2DOps.maxForward(v, 2, 2, s).output(), r, Pool2DOps.maxBackward(max, r));
        INDArray avgR = nd(random(rnd, toInt(Pool2DOps.avgForward(x, 3, 2, s).shape())), DataType.DOUBLE);
        check("avg pool", x, v -> Pool2DOps.avgForward(v, 3, 2, s), avgR,
                Pool2DOps.avgBackward(avgR, x.shape(), 3, 2, s));
        INDArray gr = nd(random(rnd, 2, 3), DataType.DOUBLE);
        check("global avg", x, Pool2DOps::globalAvg, gr, Pool2DOps.globalAvgBackward(gr, x.shape()));
        check("global max", x, Pool2DOps::globalMax, gr, Pool2DOps.globalMaxBackward(x, gr));
    }

    private static void check(String what, INDArray v, Function<INDArray, INDArray> op, INDArray r, INDArray analytic) {
        INDArray flat = v.dup('c');
        double[] grad = analytic.dup('c').data().asDouble();
        assertEquals(flat.length(), grad.length, what + ": gradient length");
        for (int i = 0; i < grad.length; i++) {
            INDArray plus = flat.dup('c'), minus = flat.dup('c');
            plus.data().put(i, plus.data().getDouble(i) + H);
            minus.data().put(i, minus.data().getDouble(i) - H);
            double lp = op.apply(plus).mul(r).sumNumber().doubleValue();
            double lm = op.apply(minus).mul(r).sumNumber().doubleValue();
            double numeric = (lp - lm) / (2 * H);
            assertEquals(numeric, grad[i], TOL * (1 + Math.abs(numeric)), what + " element " + i);
        }
    }

    private static int[] toInt(long[] shape) {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (int) shape[i];
        }
        return s;
    }
}
