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
        INDArray pre = preActivation(x, training);
        INDArray y = activation.forward(pre);
        z = activation.backwardNeedsInput() ? pre : null;
        out = y;
        return y;
    }

    @Override
    public final INDArray backward(INDArray gradOutput) {
        if (out == null) {
            throw new IllegalStateException(who() + "backward() called before forward().");
        }
        return preActivationBackward(activation.backward(z, out, gradOutput));
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
