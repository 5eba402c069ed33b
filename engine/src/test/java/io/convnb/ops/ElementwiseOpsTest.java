package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The Java element-wise kernels against per-element formulas, over several blocks and a partial one. */
class ElementwiseOpsTest {
    /** More than two blocks and a partial last one, with exact zeros among the values. */
    private static final int LENGTH = 2 * ElementwiseOps.BLOCK + 1234;

    private static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 == 0 ? 0f : (float) (rnd.nextGaussian());
        }
        return v;
    }

    @Test
    void reluAndItsGradientFollowTheDefinition() {
        Random rnd = new Random(3);
        float[] z = values(rnd, LENGTH);
        float[] dy = values(rnd, LENGTH);
        INDArray zNd = Nd4j.create(z, new long[] {LENGTH / 2, 2}, 'c');   // any shape: the kernels work on the flat array
        INDArray y = ElementwiseOps.relu(zNd);
        assertArrayEquals(zNd.shape(), y.shape());
        float[] got = y.data().asFloat();
        float[] out = new float[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = Math.max(z[i], 0f);
            assertEquals(out[i], got[i], 0f, "relu at " + i);
        }
        INDArray dx = ElementwiseOps.reluBackward(y, Nd4j.create(dy, zNd.shape(), 'c'));
        float[] d = dx.data().asFloat();
        for (int i = 0; i < LENGTH; i++) {
            assertEquals(z[i] > 0 ? dy[i] : 0f, d[i], 0f, "relu gradient at " + i);
        }
        assertTrue(Float.isNaN(ElementwiseOps.relu(Nd4j.create(new float[] {Float.NaN}, new long[] {1}, 'c')).getFloat(0)),
                "NaN passes through, so a diverging step is still detected");
    }

    @Test
    void reluGradientKeepsTheBitsOfTheFloatComparisonOnSpecialValues() {
        // out: zeros of both signs, the smallest subnormal, the largest float, infinities, NaNs of both signs,
        // negatives (not a ReLU output, but the definition still holds); dy: signed zeros, NaN, infinities
        float[] outs = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1f, -1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x7f800001)};
        float[] dys = {2.5f, -0f, 0f, Float.NaN, Float.NEGATIVE_INFINITY, -3f};
        int n = outs.length * dys.length;
        float[] out = new float[n];
        float[] dy = new float[n];
        for (int i = 0; i < outs.length; i++) {
            for (int j = 0; j < dys.length; j++) {
                out[i * dys.length + j] = outs[i];
                dy[i * dys.length + j] = dys[j];
            }
        }
        float[] got = ElementwiseOps.reluBackward(Nd4j.create(out, new long[] {n}, 'c'), Nd4j.create(dy, new long[] {n}, 'c'))
                .data().asFloat();
        for (int k = 0; k < n; k++) {
            float expected = out[k] > 0f ? dy[k] : 0f;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[k]),
                    "relu gradient bits for out " + out[k] + " (" + Integer.toHexString(Float.floatToRawIntBits(out[k]))
                            + "), dy " + dy[k]);
        }
    }

    @Test
    void biasIsAddedPerChannelAcrossBlockBoundaries() {
        // 7 channels do not divide the block size, so blocks start in the middle of a row.
        Random rnd = new Random(4);
        int c = 7;
        int rows = LENGTH / c;
        float[] y = values(rnd, rows * c);
        float[] b = values(rnd, c);
        INDArray yNd = Nd4j.create(y.clone(), new long[] {rows, c}, 'c');
        assertTrue(ElementwiseOps.addBias(yNd, Nd4j.create(b, new long[] {c}, 'c')));
        float[] got = yNd.data().asFloat();
        for (int i = 0; i < y.length; i++) {
            assertEquals(y[i] + b[i % c], got[i], 0f, "element " + i);
        }
        assertEquals(got[5], ChannelOps.addBias(Nd4j.create(y.clone(), new long[] {rows, c}, 'c'),
                Nd4j.create(b, new long[] {c}, 'c')).getFloat(0, 5), 0f, "ChannelOps takes the same path");
        assertFalse(ElementwiseOps.addBias(yNd, Nd4j.create(b, new long[] {c}, 'c').castTo(DataType.DOUBLE)));
    }

    @Test
    void kernelsDeclineWhatTheyDoNotTake() {
        INDArray d = Nd4j.rand(DataType.DOUBLE, 4, 3);
        assertNull(ElementwiseOps.relu(d));
        INDArray view = Nd4j.rand(DataType.FLOAT, 4, 6).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3));
        assertNull(ElementwiseOps.relu(view));
        assertNull(ElementwiseOps.reluBackward(Nd4j.rand(DataType.FLOAT, 4, 3), Nd4j.rand(DataType.FLOAT, 3, 4)));
        INDArray w = Nd4j.rand(DataType.FLOAT, 5);
        INDArray before = w.dup();
        assertFalse(ElementwiseOps.adam(w, Nd4j.rand(DataType.FLOAT, 4), w.ulike().assign(0), w.ulike().assign(0), 0.1, 0.9, 0.999, 1e-7, 1));
        assertEquals(before, w);
    }

    @Test
    void adamMatchesKerasRuleInDoubles() {
        Random rnd = new Random(11);
        float[] w0 = values(rnd, LENGTH);
        INDArray w = Nd4j.create(w0.clone(), new long[] {LENGTH}, 'c');
        INDArray m = Nd4j.zeros(DataType.FLOAT, LENGTH);
        INDArray v = Nd4j.zeros(DataType.FLOAT, LENGTH);
        double[] wr = new double[LENGTH];
        double[] mr = new double[LENGTH];
        double[] vr = new double[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            wr[i] = w0[i];
        }
        double lr = 0.01;
        for (int t = 1; t <= 3; t++) {
            float[] g = values(rnd, LENGTH);
            assertTrue(ElementwiseOps.adam(w, Nd4j.create(g, new long[] {LENGTH}, 'c'), m, v, lr, 0.9, 0.999, 1e-7, t));
            double lrT = lr * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
            for (int i = 0; i < LENGTH; i++) {
                mr[i] = 0.9 * mr[i] + 0.1 * g[i];
                vr[i] = 0.999 * vr[i] + 0.001 * g[i] * g[i];
                wr[i] -= lrT * mr[i] / (Math.sqrt(vr[i]) + 1e-7);
            }
        }
        float[] got = w.data().asFloat();
        for (int i = 0; i < LENGTH; i++) {
            assertEquals(wr[i], got[i], 1e-5 * (1 + Math.abs(wr[i])), "w at " + i);
        }
        assertEquals(mr[LENGTH - 1], m.getDouble(LENGTH - 1), 1e-6);
        assertEquals(vr[LENGTH - 1], v.getDouble(LENGTH - 1), 1e-7);
    }
}
