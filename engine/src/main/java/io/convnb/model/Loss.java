package io.convnb.model;

import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training loss with Keras semantics: the value is the mean over the batch, and
 * {@link #gradient} is the derivative of that mean with respect to the model's output.
 */
public interface Loss {
    /** Keras name, e.g. {@code "categorical_crossentropy"}. */
    String kerasName();

    /** Mean loss over the batch. */
    double value(INDArray predictions, INDArray targets);

    /** d(mean loss)/d(predictions). */
    INDArray gradient(INDArray predictions, INDArray targets);

    /** Checks that targets fit predictions; the message names both shapes and the fix. */
    void checkTargets(INDArray predictions, INDArray targets);

    /**
     * Looks a loss up by its Keras name: {@code categorical_crossentropy},
     * {@code sparse_categorical_crossentropy}, {@code binary_crossentropy}, {@code mse}.
     */
    static Loss of(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "categorical_crossentropy" -> Losses.CATEGORICAL_CROSSENTROPY;
            case "sparse_categorical_crossentropy" -> Losses.SPARSE_CATEGORICAL_CROSSENTROPY;
            case "binary_crossentropy" -> Losses.BINARY_CROSSENTROPY;
            case "mse", "mean_squared_error" -> Losses.MSE;
            default -> throw new IllegalArgumentException("Unknown loss '" + name + "'. Accepted: categorical_crossentropy, "
                    + "sparse_categorical_crossentropy, binary_crossentropy, mse.");
        };
    }
}
