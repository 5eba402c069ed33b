package io.convnb.model;

import java.util.Map;

/**
 * Receives the events of {@link Sequential#fit}: the notebook extension uses it for live progress,
 * and {@link Callback}s (early stopping) build on it. All methods run on the training thread; keep
 * them fast (throttle anything that renders).
 */
public interface TrainingListener {
    /** Before the first epoch. */
    default void onTrainBegin(TrainingInfo info) {
    }

    default void onEpochBegin(int epoch) {
    }

    /**
     * After each batch.
     *
     * @param epoch   0-based epoch
     * @param batch   0-based batch index within the epoch
     * @param batches batches per epoch
     * @param logs    running means over the epoch so far: {@code loss}, {@code accuracy}
     */
    default void onBatchEnd(int epoch, int batch, int batches, Map<String, Double> logs) {
    }

    /** After each epoch, with its final metrics (incl. {@code val_loss}, {@code val_accuracy} when validating). */
    default void onEpochEnd(int epoch, Map<String, Double> logs) {
    }

    /** After training, normally or stopped early; {@code history} holds every completed epoch. */
    default void onTrainEnd(History history) {
    }

    /** What is known when training starts. */
    record TrainingInfo(Sequential model, int epochs, int batchSize, int trainSamples, int batchesPerEpoch,
                        int validationSamples, java.util.List<String> metrics) {
    }
}
