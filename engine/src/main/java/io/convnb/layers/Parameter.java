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
    private final INDArray value;
    private final INDArray grad;
    private final boolean trainable;
    private final double l2;

    Parameter(String name, INDArray value, boolean trainable, double l2) {
        this.name = name;
        this.value = value;
        this.grad = trainable ? value.ulike() : null;
        this.trainable = trainable;
        this.l2 = l2;
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
