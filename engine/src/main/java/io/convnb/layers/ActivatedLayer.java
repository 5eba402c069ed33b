package io.convnb.layers;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer with a fused activation ({@code Conv2D(...).activation("relu")}, {@code Dense}): the
 * subclass computes the pre-activation {@code z}; this class applies the activation and its gradient.
 */
public abstract class ActivatedLayer extends Layer {
    private Activations activation = Activations.LINEAR;
    private INDArray z;
    private INDArray out;

    /** Sets the activation by its Keras name: relu, softmax, sigmoid, tanh, elu, leaky_relu, linear. */
    public ActivatedLayer activation(String name) {
        this.activation = Activations.of(name);
        return this;
    }

    public ActivatedLayer activation(Activations activation) {
        this.activation = activation == null ? Activations.LINEAR : activation;
        return this;
    }

    public Activations activation() {
        return activation;
    }

    @Override
    public final INDArray forward(INDArray x, boolean training) {
        INDArray y;
        if (reluFused()) {
            y = reluForward(x, training);
            z = null;
        } else {
            INDArray pre = preActivation(x, training);
            y = activation.forward(pre);
            z = activation.backwardNeedsInput() ? pre : null;
        }
        out = y;
        return y;
    }

    @Override
    public final INDArray backward(INDArray gradOutput) {
        if (out == null) {
            throw new IllegalStateException(who() + "backward() called before forward().");
        }
        return reluFused() ? reluBackward(out, gradOutput) : preActivationBackward(activation.backward(z, out, gradOutput));
    }

    private boolean reluFused() {
        return activation == Activations.RELU && fusesRelu();
    }

    /**
     * Whether this layer computes {@code relu(z)} and its gradient itself ({@link #reluForward},
     * {@link #reluBackward}), inside its own output and input passes rather than as separate passes
     * over memory. A property of the layer type, the same for forward and backward.
     */
    protected boolean fusesRelu() {
        return false;
    }

    /** {@code max(0, z)} for the pre-activation z of x; only called when {@link #fusesRelu()}. */
    protected INDArray reluForward(INDArray x, boolean training) {
        throw new UnsupportedOperationException(who() + "does not fuse relu");
    }

    /**
     * Gradient for the input given {@code out = relu(z)} and the gradient {@code dy} with respect to
     * out, i.e. {@link #preActivationBackward} of {@code dy * (out > 0)}; only called when {@link #fusesRelu()}.
     */
    protected INDArray reluBackward(INDArray out, INDArray dy) {
        throw new UnsupportedOperationException(who() + "does not fuse relu");
    }

    /**
     * Gradient for the input given the gradient of the pre-activation; used by the model when it fuses
     * softmax with cross-entropy.
     */
    public INDArray backwardFromPreActivation(INDArray gradPreActivation) {
        return preActivationBackward(gradPreActivation);
    }

    protected abstract INDArray preActivation(INDArray x, boolean training);

    protected abstract INDArray preActivationBackward(INDArray gradPreActivation);

    @Override
    protected void putConfig(Map<String, Object> config) {
        config.put("activation", activation.kerasName());
    }

    @Override
    void applyCommonConfig(Map<String, Object> config) {
        super.applyCommonConfig(config);
        if (config.get("activation") != null) {
            activation((String) config.get("activation"));
        }
    }
}
