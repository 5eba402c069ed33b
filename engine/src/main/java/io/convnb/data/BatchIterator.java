package io.convnb.data;

import java.lang.ref.Reference;
import java.nio.FloatBuffer;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Iterates over one epoch of a {@link Dataset} in mini-batches.
 *
 * <p>Shuffling permutes an {@code int[]} of sample indices (Fisher-Yates with {@code java.util.Random(seed)});
 * each batch gathers its rows from the data set into buffers allocated once per iterator
 * (plain row copies from the data set's native memory, see {@code NativeFloats}; {@code Nd4j.pullRows} when
 * the data set is not one contiguous block), so an epoch never copies the whole data set and allocates
 * nothing per batch.
 * Consequently a {@link Batch}'s arrays are valid only until the next call to {@link #next()}.
 * There are {@code ceil(N / batchSize)} batches; the last one holds {@code N - (count - 1) * batchSize}
 * samples and has its own (also reused) buffers. {@link #reset(long)} starts another epoch with a new
 * permutation, keeping the buffers.
 */
public final class BatchIterator implements Iterator<Batch> {
    private final INDArray sourceFeatures;   // (N, prod(sampleShape)) view of the data set
    private final INDArray sourceLabels;     // (N, classes)
    private final boolean direct;            // both sources contiguous FLOAT: copy rows in Java
    private final FloatBuffer featureMemory;
    private final FloatBuffer labelMemory;
    private final int featureRow;
    private final int labelRow;
    private final float[] featureStage;
    private final float[] labelStage;
    private final long[] sampleShape;
    private final int batchSize;
    private final boolean shuffle;
    private final int[] order;
    private final int count;
    private final int[] fullIndices;
    private final int[] lastIndices;
    private Buffers full;
    private Buffers last;
    private int next;

    private record Buffers(INDArray features2d, INDArray features, INDArray labels) {
    }

    BatchIterator(Dataset data, int batchSize, boolean shuffle, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize
                    + " (Dataset '" + data.name() + "' has " + data.size() + " samples)");
        }
        int n = data.size();
        this.sampleShape = data.sampleShape();
        this.sourceFeatures = data.features().reshape('c', n, Dataset.product(sampleShape));
        this.sourceLabels = data.labels();
        this.direct = NativeFloats.isContiguousFloat(sourceFeatures) && NativeFloats.isContiguousFloat(sourceLabels);
        this.featureMemory = direct ? NativeFloats.buffer(sourceFeatures) : null;
        this.labelMemory = direct ? NativeFloats.buffer(sourceLabels) : null;
        this.featureRow = Math.toIntExact(sourceFeatures.size(1));
        this.labelRow = Math.toIntExact(sourceLabels.size(1));
        this.batchSize = Math.min(batchSize, n);
        this.shuffle = shuffle;
        this.order = new int[n];
        this.count = (n + this.batchSize - 1) / this.batchSize;
        this.fullIndices = new int[this.batchSize];
        int lastSize = n - (count - 1) * this.batchSize;
        this.lastIndices = new int[lastSize];
        this.featureStage = direct ? new float[this.batchSize * featureRow] : null;
        this.labelStage = direct ? new float[this.batchSize * labelRow] : null;
        reset(seed);
    }

    /**
     * Restarts the epoch with the permutation of {@code seed} (identity order when not shuffling),
     * reusing this iterator's buffers.
     *
     * @return this iterator
     */
    public BatchIterator reset(long seed) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            Random random = new Random(seed);
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        next = 0;
        return this;
    }

    /** The batch size (the data set size when that is smaller than the requested batch size). */
    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch: {@code ceil(N / batchSize)}. */
    public int count() {
        return count;
    }

    /** A copy of this epoch's sample order. */
    public int[] order() {
        return order.clone();
    }

    @Override
    public boolean hasNext() {
        return next < count;
    }

    /** The next batch; its arrays are overwritten by the following call. */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch finished after " + count + " batches; call reset(seed) for another");
        }
        int index = next++;
        boolean isLast = index == count - 1;
        int[] idx = isLast ? lastIndices : fullIndices;
        System.arraycopy(order, index * batchSize, idx, 0, idx.length);
        Buffers b = isLast ? lastBuffers() : fullBuffers();
        if (direct) {
            gather(featureMemory, sourceFeatures.offset(), featureRow, idx, featureStage, b.features2d());
            gather(labelMemory, sourceLabels.offset(), labelRow, idx, labelStage, b.labels());
            Reference.reachabilityFence(sourceFeatures);   // the owners of the two buffers (see NativeFloats)
            Reference.reachabilityFence(sourceLabels);
        } else {
            Nd4j.pullRows(sourceFeatures, b.features2d(), 1, idx);
            Nd4j.pullRows(sourceLabels, b.labels(), 1, idx);
        }
        return new Batch(b.features(), b.labels(), idx.length, index, count);
    }

    private static void gather(FloatBuffer memory, long offset, int row, int[] idx, float[] stage, INDArray dst) {
        for (int r = 0; r < idx.length; r++) {
            memory.get(Math.toIntExact(offset + (long) idx[r] * row), stage, r * row, row);
        }
        NativeFloats.copyInto(stage, idx.length * row, dst);
    }

    private Buffers fullBuffers() {
        if (full == null) {
            full = allocate(batchSize);
        }
        return full;
    }

    private Buffers lastBuffers() {
        if (lastIndices.length == batchSize) {
            return fullBuffers();
        }
        if (last == null) {
            last = allocate(lastIndices.length);
        }
        return last;
    }

    private Buffers allocate(int rows) {
        INDArray f2d = Nd4j.create(sourceFeatures.dataType(), new long[] {rows, sourceFeatures.size(1)}, 'c');
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = rows;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        INDArray labels = Nd4j.create(sourceLabels.dataType(), new long[] {rows, sourceLabels.size(1)}, 'c');
        return new Buffers(f2d, f2d.reshape('c', shape), labels);
    }
}
