package io.convnb.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BatchNormalization's backward pass differentiates the function of its last forward pass: checked
 * against central differences in double precision of {@code L = sum(forward(x) * r)} for a fixed random
 * r (so dL/dy = r), with moving statistics far from the batch's own.
 */
class BatchNormalizationBackwardTest {
    private static final double H = 1e-6;
    private static final long[] SHAPE = {3, 4, 5, 3};

    private static INDArray random(long seed, double low, double high, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, low + (high - low) * r.nextDouble());
        }
        return a;
    }

    /** A built layer with gamma, beta and the moving statistics set to non-trivial values. */
    private static BatchNormalization layer() {
        BatchNormalization bn = new BatchNormalization();
        bn.dataType(DataType.DOUBLE);
        bn.build(new long[] {SHAPE[1], SHAPE[2], SHAPE[3]});
        for (Parameter p : bn.parameters()) {
            INDArray v = p.value();
            switch (p.name()) {
                case "gamma" -> v.assign(Nd4j.create(new double[] {1.7, -0.6, 0.9}, v.shape(), DataType.DOUBLE));
                case "beta" -> v.assign(Nd4j.create(new double[] {0.3, -1.1, 0.05}, v.shape(), DataType.DOUBLE));
                case "moving_mean" -> v.assign(Nd4j.create(new double[] {0.8, -2.0, 0.25}, v.shape(), DataType.DOUBLE));
                case "moving_variance" -> v.assign(Nd4j.create(new double[] {0.3, 2.5, 0.04}, v.shape(), DataType.DOUBLE));
                default -> throw new AssertionError("unexpected parameter " + p.name());
            }
        }
        return bn;
    }

    private static INDArray param(Layer l, String name) {
        return l.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().value();
    }

    private static INDArray grad(Layer l, String name) {
        return l.parameters().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow().grad();
    }

    private static double loss(BatchNormalization bn, INDArray x, INDArray r, boolean training) {
        // training-mode forward passes update the moving statistics: evaluate on a copy of the layer's state
        INDArray mean = param(bn, "moving_mean").dup();
        INDArray variance = param(bn, "moving_variance").dup();
        double v = bn.forward(x, training).mul(r).sumNumber().doubleValue();
        param(bn, "moving_mean").assign(mean);
        param(bn, "moving_variance").assign(variance);
        return v;
    }

    /** Central differences of L with respect to every element of {@code w} (x or a parameter). */
    private static double[] numeric(BatchNormalization bn, INDArray x, INDArray r, INDArray w, boolean training) {
        double[] out = new double[(int) w.length()];
        INDArray flat = w.reshape(w.length());
        for (int i = 0; i < out.length; i++) {
            double orig = flat.getDouble(i);
            flat.putScalar(i, orig + H);
            double plus = loss(bn, x, r, training);
            flat.putScalar(i, orig - H);
            double minus = loss(bn, x, r, training);
            flat.putScalar(i, orig);
            out[i] = (plus - minus) / (2 * H);
        }
        return out;
    }

    private static double[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toDoubleVector();
    }

    private static void check(boolean training) {
        BatchNormalization bn = layer();
        INDArray x = random(1, -1.5, 2.5, SHAPE);
        INDArray r = random(2, -1, 1, SHAPE);
        String mode = training ? "training" : "inference";
        double[] dxNumeric = numeric(bn, x, r, x, training);
        double[] dGammaNumeric = numeric(bn, x, r, param(bn, "gamma"), training);
        double[] dBetaNumeric = numeric(bn, x, r, param(bn, "beta"), training);

        INDArray mean = param(bn, "moving_mean").dup();
        INDArray variance = param(bn, "moving_variance").dup();
        bn.forward(x, training);
        param(bn, "moving_mean").assign(mean);
        param(bn, "moving_variance").assign(variance);
        INDArray dx = bn.backward(r);
        double[] dGamma = flat(grad(bn, "gamma"));
        double[] dBeta = flat(grad(bn, "beta"));

        assertArrayEquals(dxNumeric, flat(dx), 1e-7, mode + " dx");
        assertArrayEquals(dGammaNumeric, dGamma, 1e-7, mode + " dGamma");
        assertArrayEquals(dBetaNumeric, dBeta, 1e-7, mode + " dBeta");
    }

    @Test
    void inferenceBackwardIsTheGradientOfTheMovingStatisticsMap() {
        check(false);
        // the independent closed form: dx = r * gamma / sqrt(moving_variance + eps), per channel
        BatchNormalization bn = layer();
        INDArray x = random(3, -1, 1, SHAPE);
        INDArray r = random(4, -1, 1, SHAPE);
        bn.forward(x, false);
        double[] dx = flat(bn.backward(r));
        double[] rv = flat(r);
        double[] gamma = {1.7, -0.6, 0.9};
        double[] variance = {0.3, 2.5, 0.04};
        for (int i = 0; i < dx.length; i++) {
            int ch = i % 3;
            double expected = rv[i] * gamma[ch] / Math.sqrt(variance[ch] + 1e-3);
            assertTrue(Math.abs(dx[i] - expected) < 1e-12, "dx[" + i + "] = " + dx[i] + ", expected " + expected);
        }
    }

    @Test
    void trainingBackwardStillDifferentiatesTheBatchStatistics() {
        check(true);
    }

    @Test
    void backwardFollowsTheModeOfTheLatestForwardPass() {
        BatchNormalization bn = layer();
        INDArray x = random(5, -1, 1, SHAPE);
        INDArray r = random(6, -1, 1, SHAPE);
        bn.forward(x, true);
        double[] trainingDx = flat(bn.backward(r));
        bn.forward(x, false);
        double[] inferenceDx = flat(bn.backward(r));
        bn.forward(x, true);
        assertArrayEquals(trainingDx, flat(bn.backward(r)), 1e-12, "after a second training pass");
        double diff = 0;
        for (int i = 0; i < trainingDx.length; i++) {
            diff = Math.max(diff, Math.abs(trainingDx[i] - inferenceDx[i]));
        }
        assertTrue(diff > 0.1, "the two modes' dx should differ clearly, max difference " + diff);
    }
}
