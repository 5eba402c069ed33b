package io.convnb.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One mini-batch from a {@link BatchIterator}.
 *
 * <p>The arrays are the iterator's reused buffers: they are valid until the next call to
 * {@link BatchIterator#next()} (or {@code reset}), which overwrites them. Call {@code dup()} to keep one.
 *
 * @param features (size, ...sampleShape) FLOAT, e.g. (64, 28, 28, 1)
 * @param labels   (size, classes) one-hot FLOAT
 * @param size     the number of samples; the last batch of an epoch may be smaller than the batch size
 * @param index    0-based position of this batch in the epoch
 * @param count    number of batches in the epoch: {@code ceil(N / batchSize)}
 */
public record Batch(INDArray features, INDArray labels, int size, int index, int count) {
    /** Whether this is the last batch of the epoch. */
    public boolean isLast() {
        return index == count - 1;
    }
}
