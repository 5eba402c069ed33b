package io.convnb.layers;

import io.convnb.ops.ChannelOps;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalization over the last (channel) axis, Keras defaults: {@code momentum = 0.99},
 * {@code epsilon = 0.001}.
 *
 * <p>Training: {@code y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta} with the batch statistics
 * over every axis but the last, and {@code moving = momentum*moving + (1-momentum)*batch}. Inference
 * uses the moving statistics. {@code gamma} and {@code beta} are trainable; the two moving statistics
 * are not (they show as non-trainable parameters in {@code summary()}).
 */
public class BatchNormalization extends Layer {
    private double momentum = 0.99;
    private double epsilon = 1e-3;
    private Parameter gamma;
    private Parameter beta;
    private Parameter movingMean;
    private Parameter movingVariance;
    private INDArray xhat;
    private INDArray invStd;
    private long[] lastShape;

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
        lastShape = x.shape();
        long c = lastShape[lastShape.length - 1];
        INDArray x2 = (x.isView() || x.ordering() != 'c' ? x.dup('c') : x).reshape('c', x.length() / c, c);
        INDArray mean;
        INDArray var;
        if (training) {
            // Column sums as one GEMM each (ND4J's sum(0) over (N*H*W, C) took ~20 ms here).
            mean = ChannelOps.sumToChannels(x2).divi(x2.size(0));
            INDArray centred = x2.subRowVector(mean);
            var = ChannelOps.sumToChannels(centred.mul(centred)).divi(x2.size(0));
            movingMean.value().muli(momentum).addi(mean.mul(1 - momentum));
            movingVariance.value().muli(momentum).addi(var.mul(1 - momentum));
        } else {
            mean = movingMean.value();
            var = movingVariance.value();
        }
        invStd = Transforms.pow(var.add(epsilon), -0.5, false);
        xhat = x2.subRowVector(mean).muliRowVector(invStd);
        INDArray y = xhat.mulRowVector(gamma.value()).addiRowVector(beta.value());
        return y.reshape('c', lastShape);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        long c = lastShape[lastShape.length - 1];
        long m = gradOutput.length() / c;
        INDArray dy = (gradOutput.isView() || gradOutput.ordering() != 'c' ? gradOutput.dup('c') : gradOutput).reshape('c', m, c);
        gamma.grad().assign(ChannelOps.sumToChannels(dy.mul(xhat)));
        beta.grad().assign(ChannelOps.sumToChannels(dy));
        // dx = invStd/m * (m*dxhat - sum(dxhat) - xhat*sum(dxhat*xhat)), dxhat = dy*gamma
        INDArray dxhat = dy.mulRowVector(gamma.value());
        INDArray sumDxhat = ChannelOps.sumToChannels(dxhat);
        INDArray sumDxhatXhat = ChannelOps.sumToChannels(dxhat.mul(xhat));
        INDArray dx = dxhat.muli(m).subiRowVector(sumDxhat).subi(xhat.mulRowVector(sumDxhatXhat));
        dx.muliRowVector(invStd.div(m));
        return dx.reshape('c', lastShape);
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
