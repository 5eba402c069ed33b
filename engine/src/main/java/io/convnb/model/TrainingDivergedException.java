package io.convnb.model;

/**
 * Thrown by {@code fit} when the loss becomes NaN or infinite. The offending update is not applied,
 * so the model keeps the weights of the last good step, and {@link #history()} holds the completed
 * epochs.
 */
public class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;
    private final transient History history;

    TrainingDivergedException(String message, History history) {
        super(message);
        this.history = history;
    }

    public History history() {
        return history;
    }
}
