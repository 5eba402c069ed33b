package io.convnb.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A named weight tensor of a layer together with its gradient.
 *
 * <p>Trainable parameters are updated by the optimizer from {@link #grad()}; non-trainable ones (the
 * moving statistics of batch normalization) are updated by their layer and only counted by
 * {@code summary()}.
 */
public final class Parameter {
    private final String name;
    private INDArray value;
    private INDArray grad;
    private final boolean trainable;
    private final double l2;

    Parameter(String name, INDArray value, boolean trainable, double l2) {
        this.name = name;
        this.value = value;
        this.grad = trainable ? value.ulike() : null;
        this.trainable = trainable;
        this.l2 = l2;
    }

    /**
     * A parameter over whole flat arrays: a model keeps all trainable weights in one contiguous vector
     * (and all gradients in another) so that an optimizer step is a handful of large operations
     * instead of several per layer.
     */
    public static Parameter flat(String name, INDArray values, INDArray grads) {
        return new Parameter(name, values, grads);
    }

    private Parameter(String name, INDArray values, INDArray grads) {
        this.name = name;
        this.value = values;
        this.grad = grads;
        this.trainable = true;
        this.l2 = 0;
    }

    /**
     * Moves this parameter into the given views of a model's flat weight and gradient vectors, copying
     * the current weights. The layer keeps reading {@link #value()}, so it sees the views from now on.
     */
    public void bindTo(INDArray valueView, INDArray gradView) {
        if (!java.util.Arrays.equals(valueView.shape(), value.shape()) || !java.util.Arrays.equals(gradView.shape(), value.shape())) {
            throw new IllegalArgumentException("Parameter '" + name + "': views must have shape " + java.util.Arrays.toString(value.shape()) + ".");
        }
        valueView.assign(value);
        this.value = valueView;
        this.grad = gradView;
    }

    /** Parameter name within its layer, e.g. {@code "kernel"}, {@code "bias"}. */
    public String name() {
        return name;
    }

    /** The weights, updated in place by the optimizer. */
    public INDArray value() {
        return value;
    }

    /** Gradient of the loss with respect to {@link #value()}; {@code null} when not trainable. */
    public INDArray grad() {
        return grad;
    }

    public boolean trainable() {
        return trainable;
    }

    /** L2 regularization factor: the loss gains {@code l2 * sum(w^2)}. */
    public double l2() {
        return l2;
    }

    public long size() {
        return value.length();
    }
}
