package io.convnb.layers;

import io.convnb.ops.ElementwiseOps;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Element-wise activation functions, with the Keras names.
 *
 * <p>Each function computes its output and, for back-propagation, the gradient with respect to its
 * input from the gradient with respect to its output. The backward pass uses the cached
 * <em>output</em> where the derivative can be written in terms of it (sigmoid, tanh, relu, elu), which
 * saves keeping the input.
 */
public enum Activations {
    LINEAR("linear"),
    RELU("relu"),
    SOFTMAX("softmax"),
    SIGMOID("sigmoid"),
    TANH("tanh"),
    ELU("elu"),
    /** Keras {@code keras.activations.leaky_relu}: negative slope 0.2. */
    LEAKY_RELU("leaky_relu");

    /** Negative slope of {@link #LEAKY_RELU}, as in {@code keras.activations.leaky_relu}. */
    public static final double LEAKY_SLOPE = 0.2;

    private final String kerasName;

    Activations(String kerasName) {
        this.kerasName = kerasName;
    }

    /** The Keras name, e.g. {@code "relu"}. */
    public String kerasName() {
        return kerasName;
    }

    /**
     * Looks an activation up by its Keras name ({@code "relu"}, {@code "softmax"}, ...); {@code null}
     * or {@code "linear"} or {@code "none"} mean no activation.
     */
    public static Activations of(String name) {
        if (name == null) {
            return LINEAR;
        }
        String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        if (key.equals("none") || key.isEmpty()) {
            return LINEAR;
        }
        if (key.equals("leakyrelu")) {
            return LEAKY_RELU;
        }
        for (Activations a : values()) {
            if (a.kerasName.equals(key)) {
                return a;
            }
        }
        throw new IllegalArgumentException("Unknown activation '" + name + "'. Accepted: "
                + Arrays.stream(values()).map(Activations::kerasName).toList() + ".");
    }

    /** Applies the activation; returns a new array (the input is left unchanged). */
    public INDArray forward(INDArray z) {
        switch (this) {
            case LINEAR:
                return z;
            case RELU: {
                INDArray fast = ElementwiseOps.relu(z);   // one pass in Java for FLOAT training arrays
                return fast != null ? fast : Transforms.relu(z, true);
            }
            case SIGMOID:
                return Transforms.sigmoid(z, true);
            case TANH:
                return Transforms.tanh(z, true);
            case ELU:
                return Transforms.elu(z, true);
            case LEAKY_RELU:
                return Transforms.leakyRelu(z, LEAKY_SLOPE, true);
            case SOFTMAX:
                return softmaxLastAxis(z);
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Gradient with respect to the activation's input.
     *
     * @param z   the input of the activation (pre-activation)
     * @param out the output computed by {@link #forward}
     * @param dy  gradient with respect to the output
     */
    public INDArray backward(INDArray z, INDArray out, INDArray dy) {
        switch (this) {
            case LINEAR:
                return dy;
            case RELU:
                return ElementwiseOps.reluGradient(out, dy);
            case SIGMOID:
                // s * (1 - s)
                return dy.mul(out.rsub(1.0).muli(out));
            case TANH:
                // 1 - t^2
                return dy.mul(out.mul(out).rsubi(1.0));
            case ELU: {
                // x > 0: 1; else alpha*exp(x) = out + 1 (alpha = 1)
                INDArray pos = Transforms.step(z);
                INDArray neg = pos.rsub(1.0).muli(out.add(1.0));
                return dy.mul(pos.addi(neg));
            }
            case LEAKY_RELU: {
                INDArray pos = Transforms.step(z);
                // pos + (1 - pos) * slope
                INDArray slope = pos.mul(1.0 - LEAKY_SLOPE).addi(LEAKY_SLOPE);
                return dy.mul(slope);
            }
            case SOFTMAX: {
                // dz = p * (dy - sum(dy * p) over the last axis)
                int last = out.rank() - 1;
                INDArray dot = dy.mul(out).sum(true, last);
                return out.mul(dy.sub(dot.broadcast(out.shape())));
            }
            default:
                throw new AssertionError(this);
        }
    }

    /** True when {@link #backward} does not read the pre-activation input {@code z}. */
    boolean backwardNeedsInput() {
        return this == ELU || this == LEAKY_RELU;
    }

    static INDArray softmaxLastAxis(INDArray z) {
        int last = z.rank() - 1;
        INDArray max = z.max(true, last);
        INDArray e = Transforms.exp(z.sub(max.broadcast(z.shape())), false);
        INDArray sum = e.sum(true, last);
        return e.divi(sum.broadcast(e.shape()));
    }
}
