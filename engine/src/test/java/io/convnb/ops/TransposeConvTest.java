package io.convnb.ops;

import static io.convnb.ops.TestTensors.assertClose;
import static io.convnb.ops.TestTensors.nd;
import static io.convnb.ops.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Transposed convolution: naive scatter loop, adjoint identity, and gradients by linearity. */
class TransposeConvTest {
    private static final int[][] STRIDES = {{1, 1}, {2, 2}, {3, 1}};
    private static final int[][] DILATIONS = {{1, 1}, {2, 1}};
    private static final int[][] KERNELS = {{3, 3}, {2, 1}, {1, 2}};
    /** top, bottom, left, right. */
    private static final int[][] PADS = {{0, 0, 0, 0}, {1, 1, 1, 1}, {1, 0, 0, 2}};
    /** in channels, groups, filters. */
    private static final int[][] CHANNELS = {{2, 1, 3}, {4, 2, 2}, {8, 1, 4}};

    @Test
    void forwardMatchesNaiveScatterForManyOutputSizes() {
        Random rnd = new Random(11);
        int checked = 0;
        for (int[] st : STRIDES) {
            for (int[] d : DILATIONS) {
                for (int[] k : KERNELS) {
                    for (int[] p : PADS) {
                        for (int[] ch : CHANNELS) {
                            int h = 3, w = 4;
                            int fullH = (h - 1) * st[0] + d[0] * (k[0] - 1) + 1;
                            int fullW = (w - 1) * st[1] + d[1] * (k[1] - 1) + 1;
                            // the size Keras picks (full minus pads), the full result, and one cell beyond it
                            int[][] outs = {{fullH - p[0] - p[1], fullW - p[2] - p[3]}, {fullH, fullW},
                                {fullH + 1, fullW + 2}};
                            for (int[] out : outs) {
                                if (out[0] < 1 || out[1] < 1) {
                                    continue;
                                }
                                DataType type = checked % 4 == 3 ? DataType.FLOAT : DataType.DOUBLE;
                                checkForward(rnd, h, w, k, st, d, p, ch, out, type);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertTrue(checked > 400, "covered " + checked);
    }

    private static void checkForward(Random rnd, int h, int w, int[] k, int[] st, int[] d, int[] p, int[] ch, int[] out,
                                     DataType type) {
        int c = ch[0], groups = ch[1], f = ch[2];
        NaiveOps.Geo geo = new NaiveOps.Geo(st[0], st[1], d[0], d[1], p[0], p[1], p[2], p[3], groups);
        Conv2DSpec spec = new Conv2DSpec(st[0], st[1], d[0], d[1], p[0], p[1], p[2], p[3], groups);
        NaiveOps.T x = random(rnd, 2, h, w, c), kernel = random(rnd, k[0], k[1], f / groups, c);
        double[] bias = random(rnd, f).v();
        NaiveOps.T expected = NaiveOps.transposeConv(x, kernel, bias, geo, out[0], out[1]);
        INDArray got = Conv2DOps.transposeForward(nd(x, type), nd(kernel, type), nd(bias, type), spec, out[0], out[1]);
        assertClose(spec + " out " + out[0] + "x" + out[1] + " " + type, expected, got,
                type == DataType.DOUBLE ? 1e-10 : 2e-5);
    }

    @Test
    void transposeIsTheExactAdjointOfForward() {
        Random rnd = new Random(5);
        Conv2DSpec[] specs = {Conv2DSpec.unit(), Conv2DSpec.of(2, 2, 1, 1, 1, 1), Conv2DSpec.of(2, 3, 0, 1, 2, 0),
            new Conv2DSpec(1, 2, 2, 1, 1, 2, 0, 1, 1), new Conv2DSpec(2, 1, 1, 2, 1, 0, 1, 1, 2)};
        for (Conv2DSpec s : specs) {
            int groups = s.groups();
            NaiveOps.T x = random(rnd, 2, 7, 6, 4), k = random(rnd, 3, 2, 4 / groups, 6);
            INDArray xNd = nd(x, DataType.DOUBLE), kNd = nd(k, DataType.DOUBLE);
            INDArray ax = Conv2DOps.forward(xNd, kNd, null, s);
            INDArray y = nd(random(rnd, (int) ax.size(0), (int) ax.size(1), (int) ax.size(2), 6), DataType.DOUBLE);
            // The forward kernel (kh, kw, C/groups, F) read as a transposed kernel (kh, kw, out/groups, in) maps F back to C.
            INDArray aty = Conv2DOps.transposeForward(y, kNd, null, s, 7, 6);
            double left = ax.mul(y).sumNumber().doubleValue(), right = xNd.mul(aty).sumNumber().doubleValue();
            assertEquals(left, right, 1e-10 * (1 + Math.abs(left)), "<A x, y> vs <x, A^T y> for " + s);
        }
    }

    @Test
    void backwardMatchesGradientsOfTheNaiveScatter() {
        Random rnd = new Random(9);
        Conv2DSpec[] specs = {Conv2DSpec.of(2, 2, 0, 0, 0, 0), Conv2DSpec.of(2, 1, 1, 1, 0, 1),
            new Conv2DSpec(1, 2, 2, 1, 1, 0, 0, 0, 2)};
        for (Conv2DSpec s : specs) {
            NaiveOps.Geo geo = new NaiveOps.Geo(s.strideH(), s.strideW(), s.dilationH(), s.dilationW(), s.padTop(),
                    s.padBottom(), s.padLeft(), s.padRight(), s.groups());
            NaiveOps.T x = random(rnd, 2, 3, 3, 2), k = random(rnd, 3, 2, 4 / s.groups(), 2);
            int outH = 6, outW = 5;
            NaiveOps.T dy = random(rnd, 2, outH, outW, 4);
            // The transposed conv is linear in x and in k, so dL/dv = <dy, T(unit vector at v)> exactly.
            NaiveOps.T dx = new NaiveOps.T(x.shape().clone()), dk = new NaiveOps.T(k.shape().clone());
            for (int i = 0; i < x.v().length; i++) {
                NaiveOps.T unit = new NaiveOps.T(x.shape().clone());
                unit.v()[i] = 1;
                dx.v()[i] = dot(dy, NaiveOps.transposeConv(unit, k, null, geo, outH, outW));
            }
            for (int i = 0; i < k.v().length; i++) {
                NaiveOps.T unit = new NaiveOps.T(k.shape().clone());
                unit.v()[i] = 1;
                dk.v()[i] = dot(dy, NaiveOps.transposeConv(x, unit, null, geo, outH, outW));
            }
            double[] db = new double[4];
            for (int i = 0; i < dy.v().length; i++) {
                db[i % 4] += dy.v()[i];
            }
            ConvGradients g = Conv2DOps.transposeBackward(nd(x, DataType.DOUBLE), nd(k, DataType.DOUBLE),
                    nd(dy, DataType.DOUBLE), s, true, true);
            assertClose(s + " dx", dx, g.input(), 1e-10);
            assertClose(s + " dkernel", dk, g.kernel(), 1e-10);
            assertClose(s + " dbias", db, g.bias(), 1e-10);
        }
    }

    /**
     * FLOAT layers with more output channels than the direct kernels take go through oneDNN's convolution
     * primitives with the roles swapped ({@code Conv2DOps.transposeOneDnn}): the forward pass against the
     * naive scatter, the gradients against the DOUBLE path (GEMMs, checked against the naive scatter's
     * gradients above). Strides 1 to 3, a width dilation, asymmetric pads, Keras's output size and one
     * a cell past the full result (input cells that no window of the swapped convolution reaches).
     */
    @Test
    void oneDnnPathMatchesTheNaiveScatterAndTheDoublePath() {
        assertTrue(OneDnnConv.on(), "the oneDNN presets are off here: " + OneDnnConv.describe());
        Random rnd = new Random(17);
        Conv2DSpec[] specs = {Conv2DSpec.of(2, 2, 1, 1, 1, 1), Conv2DSpec.of(1, 1, 1, 1, 1, 1),
            new Conv2DSpec(2, 1, 1, 2, 0, 1, 1, 0, 1), Conv2DSpec.of(3, 3, 0, 0, 0, 0)};
        int[][] kernels = {{4, 4}, {3, 3}, {3, 2}, {2, 2}};
        int[][] channels = {{6, 5}, {3, 16}, {8, 40}};   // transposed input, output
        int checked = 0;
        for (int i = 0; i < specs.length; i++) {
            Conv2DSpec s = specs[i];
            NaiveOps.Geo geo = new NaiveOps.Geo(s.strideH(), s.strideW(), s.dilationH(), s.dilationW(), s.padTop(),
                    s.padBottom(), s.padLeft(), s.padRight(), 1);
            int[] k = kernels[i];
            int h = 5, w = 4;
            int fullH = (h - 1) * s.strideH() + s.dilationH() * (k[0] - 1) + 1;
            int fullW = (w - 1) * s.strideW() + s.dilationW() * (k[1] - 1) + 1;
            int[][] outs = {{fullH - s.padTop() - s.padBottom(), fullW - s.padLeft() - s.padRight()}, {fullH + 1, fullW + 2}};
            for (int[] ch : channels) {
                for (int[] out : outs) {
                    String what = s + " " + ch[0] + "->" + ch[1] + " out " + out[0] + "x" + out[1];
                    NaiveOps.T x = random(rnd, 2, h, w, ch[0]), kernel = random(rnd, k[0], k[1], ch[1], ch[0]);
                    double[] bias = random(rnd, ch[1]).v();
                    INDArray got = Conv2DOps.transposeForward(nd(x, DataType.FLOAT), nd(kernel, DataType.FLOAT),
                            nd(bias, DataType.FLOAT), s, out[0], out[1]);
                    assertClose(what + " forward", NaiveOps.transposeConv(x, kernel, bias, geo, out[0], out[1]), got, 1e-4);
                    NaiveOps.T dy = random(rnd, 2, out[0], out[1], ch[1]);
                    ConvGradients f = Conv2DOps.transposeBackward(nd(x, DataType.FLOAT), nd(kernel, DataType.FLOAT),
                            nd(dy, DataType.FLOAT), s, true, true);
                    ConvGradients d = Conv2DOps.transposeBackward(nd(x, DataType.DOUBLE), nd(kernel, DataType.DOUBLE),
                            nd(dy, DataType.DOUBLE), s, true, true);
                    assertClose(what + " dx", t(d.input()), f.input(), 1e-4);
                    assertClose(what + " dkernel", t(d.kernel()), f.kernel(), 1e-4);
                    assertClose(what + " dbias", t(d.bias()), f.bias(), 1e-4);
                    checked++;
                }
            }
        }
        assertEquals(24, checked);
    }

    private static NaiveOps.T t(INDArray a) {
        int[] shape = new int[a.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = (int) a.size(i);
        }
        return new NaiveOps.T(shape, a.dup('c').data().asDouble());
    }

    private static double dot(NaiveOps.T a, NaiveOps.T b) {
        double s = 0;
        for (int i = 0; i < a.v().length; i++) {
            s += a.v()[i] * b.v()[i];
        }
        return s;
    }
}
