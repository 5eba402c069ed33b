package io.convnb.layers;

import io.convnb.ops.BatchNormOps;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalization over the last (channel) axis, Keras defaults: {@code momentum = 0.99},
 * {@code epsilon = 0.001}.
 *
 * <p>Training: {@code y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta} with the batch statistics
 * over every axis but the last, and {@code moving = momentum*moving + (1-momentum)*batch}. Inference
 * uses the moving statistics. {@code gamma} and {@code beta} are trainable; the two moving statistics
 * are not (they show as non-trainable parameters in {@code summary()}).
 *
 * <p>{@link #backward} differentiates the function of the last forward pass: after a training pass the
 * batch statistics depend on x; after an inference pass the layer is the per-channel affine map
 * {@code y = gamma * (x - moving_mean) / sqrt(moving_variance + eps) + beta}, so
 * {@code dx = dy * gamma / sqrt(moving_variance + eps)} (what saliency maps of a trained model need).
 */
public class BatchNormalization extends Layer {
    private double momentum = 0.99;
    private double epsilon = 1e-3;
    private Parameter gamma;
    private Parameter beta;
    private Parameter movingMean;
    private Parameter movingVariance;
    /** What the backward pass needs from the last forward pass (x lives in the step's workspace). */
    private INDArray input;
    private double[] batchMean;
    private double[] invStd;
    private double[] gammaValues;
    /** Whether the last forward pass used the batch statistics (training) or the moving ones (inference). */
    private boolean batchStatistics;

    public BatchNormalization momentum(double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(who() + "momentum must be in [0, 1], got " + momentum + ".");
        }
        this.momentum = momentum;
        return this;
    }

    public BatchNormalization epsilon(double epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException(who() + "epsilon must be > 0, got " + epsilon + ".");
        }
        this.epsilon = epsilon;
        return this;
    }

    @Override
    protected long[] computeOutputShape(long[] in) {
        return in;
    }

    @Override
    protected void createParameters(long[] in, SplittableRandom random) {
        long[] c = {in[in.length - 1]};
        gamma = addParameter("gamma", initialise(Initializer.ONES, c, 1, 1, random), true, 0);
        beta = addParameter("beta", initialise(Initializer.ZEROS, c, 1, 1, random), true, 0);
        movingMean = addParameter("moving_mean", initialise(Initializer.ZEROS, c, 1, 1, random), false, 0);
        movingVariance = addParameter("moving_variance", initialise(Initializer.ONES, c, 1, 1, random), false, 0);
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        checkBatch(x);
        double[] mean;
        double[] variance;
        if (training) {
            BatchNormOps.Moments m = BatchNormOps.moments(x);
            mean = m.mean();
            variance = m.variance();
            updateMoving(movingMean.value(), mean);
            updateMoving(movingVariance.value(), variance);
        } else {
            mean = values(movingMean.value());
            variance = values(movingVariance.value());
        }
        input = x;
        batchStatistics = training;
        batchMean = mean;
        invStd = BatchNormOps.invStd(variance, epsilon);
        gammaValues = values(gamma.value());
        return BatchNormOps.normalize(x, mean, invStd, gammaValues, values(beta.value()));
    }

    /** {@code moving = momentum * moving + (1 - momentum) * batch}. */
    private void updateMoving(INDArray moving, double[] batch) {
        double[] m = values(moving);
        for (int i = 0; i < m.length; i++) {
            m[i] = momentum * m[i] + (1 - momentum) * batch[i];
        }
        moving.assign(Nd4j.create(m, moving.shape(), moving.dataType()));
    }

    private static double[] values(INDArray a) {
        return a.toDoubleVector();
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        if (input == null) {
            throw new IllegalStateException(who() + "backward() called before forward().");
        }
        int c = invStd.length;
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        INDArray dx = BatchNormOps.backward(input, gradOutput, batchMean, invStd, gammaValues, dGamma, dBeta,
                batchStatistics);
        gamma.grad().assign(Nd4j.create(dGamma, gamma.grad().shape(), gamma.grad().dataType()));
        beta.grad().assign(Nd4j.create(dBeta, beta.grad().shape(), beta.grad().dataType()));
        return dx;
    }

    @Override
    protected void putConfig(Map<String, Object> config) {
        config.put("momentum", momentum);
        config.put("epsilon", epsilon);
    }

    static BatchNormalization fromConfig(Map<String, Object> c) {
        BatchNormalization b = new BatchNormalization();
        b.applyCommonConfig(c);
        b.momentum(((Number) c.get("momentum")).doubleValue());
        b.epsilon(((Number) c.get("epsilon")).doubleValue());
        return b;
    }
}
