package io.convnb.data;

/** A training set and a test set with the same sample shape and class names. */
public record TrainTest(Dataset train, Dataset test) {
    public TrainTest {
        if (train == null || test == null) {
            throw new IllegalArgumentException("TrainTest needs both a train and a test Dataset, got train="
                    + train + ", test=" + test);
        }
    }
}
