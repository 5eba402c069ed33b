package io.convnb.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A labelled data set: features {@code (N, ...sampleShape)} FLOAT, for images NHWC {@code (N, 28, 28, 1)}
 * with values in [0, 1], and one-hot labels {@code (N, classes)} FLOAT.
 *
 * <p>Immutable by contract: no method modifies the arrays, and callers must not modify the arrays that
 * {@link #features()} and {@link #labels()} return (they are shared, not copied, because a copy of
 * Fashion-MNIST is 188 MB). {@link #take}, {@link #slice} and {@link #split} return views that share
 * the parent's memory; {@link #stratifiedSample} copies.
 */
public final class Dataset {
    private final String name;
    private final INDArray features;
    private final INDArray labels;
    private final int[] labelIndices;
    private final List<String> classNames;

    private Dataset(String name, INDArray features, INDArray labels, int[] labelIndices, List<String> classNames) {
        this.name = name;
        this.features = features;
        this.labels = labels;
        this.labelIndices = labelIndices;
        this.classNames = classNames;
    }

    /**
     * A data set over the given arrays (not copied; arrays of another floating type are cast to FLOAT).
     * The label of each sample is the index of the largest entry of its label row.
     *
     * @param features   (N, ...) with rank at least 2
     * @param labels     (N, classes) one-hot (or class probabilities)
     * @param classNames one name per label column
     * @throws IllegalArgumentException naming the shapes when ranks, N or the class count do not match
     */
    public static Dataset of(String name, INDArray features, INDArray labels, List<String> classNames) {
        String who = "Dataset '" + name + "'";
        if (features == null || labels == null || classNames == null) {
            throw new IllegalArgumentException(who + ": features, labels and classNames must not be null");
        }
        if (features.rank() < 2) {
            throw new IllegalArgumentException(who + ": features must have rank >= 2 (N, ...sampleShape), got shape "
                    + Arrays.toString(features.shape()) + "; for images use (N, height, width, channels)");
        }
        if (labels.rank() != 2) {
            throw new IllegalArgumentException(who + ": labels must be one-hot (N, classes), got shape "
                    + Arrays.toString(labels.shape()) + "; build them from class indices with Dataset.ofIndices(...)");
        }
        if (features.size(0) != labels.size(0)) {
            throw new IllegalArgumentException(who + ": features have " + features.size(0) + " samples "
                    + Arrays.toString(features.shape()) + " but labels have " + labels.size(0) + " "
                    + Arrays.toString(labels.shape()) + "; both need the same first dimension N");
        }
        if (features.size(0) == 0) {
            throw new IllegalArgumentException(who + ": a data set needs at least one sample, got shape "
                    + Arrays.toString(features.shape()));
        }
        if (labels.size(1) != classNames.size()) {
            throw new IllegalArgumentException(who + ": labels have " + labels.size(1) + " columns "
                    + Arrays.toString(labels.shape()) + " but there are " + classNames.size() + " class names "
                    + classNames + "; give one name per label column");
        }
        INDArray f = asFloat(features, who + " features");
        INDArray l = asFloat(labels, who + " labels");
        return new Dataset(name, f, l, argmaxRows(l), List.copyOf(classNames));
    }

    /**
     * A data set from class indices, which become one-hot rows: {@code labels[i][labelIndices[i]] = 1}.
     *
     * @throws IllegalArgumentException when an index is outside [0, classNames.size())
     */
    public static Dataset ofIndices(String name, INDArray features, int[] labelIndices, List<String> classNames) {
        if (labelIndices.length != features.size(0)) {
            throw new IllegalArgumentException("Dataset '" + name + "': features have " + features.size(0)
                    + " samples but there are " + labelIndices.length + " labels; both need the same N");
        }
        int k = classNames.size();
        float[] oneHot = new float[labelIndices.length * k];
        for (int i = 0; i < labelIndices.length; i++) {
            int c = labelIndices[i];
            if (c < 0 || c >= k) {
                throw new IllegalArgumentException("Dataset '" + name + "': label " + c + " of sample " + i
                        + " is outside [0, " + k + ") for classes " + classNames);
            }
            oneHot[i * k + c] = 1f;
        }
        INDArray labels = Nd4j.create(oneHot, new long[] {labelIndices.length, k}, DataType.FLOAT);
        return new Dataset(name, asFloat(features, "Dataset '" + name + "' features"), labels, labelIndices.clone(),
                List.copyOf(classNames));
    }

    /** The features (N, ...sampleShape), shared: do not modify. */
    public INDArray features() {
        return features;
    }

    /** The one-hot labels (N, classes), shared: do not modify. */
    public INDArray labels() {
        return labels;
    }

    /** A copy of the class index of every sample. */
    public int[] labelIndices() {
        return labelIndices.clone();
    }

    /** The class index of sample {@code i}. */
    public int labelIndex(int i) {
        return labelIndices[i];
    }

    /** The number of samples of each class, indexed by class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int c : labelIndices) {
            counts[c]++;
        }
        return counts;
    }

    /** The class names, indexed by class. */
    public List<String> classNames() {
        return classNames;
    }

    /** N, the number of samples. */
    public int size() {
        return labelIndices.length;
    }

    /** The shape of one sample, e.g. {@code [28, 28, 1]}. */
    public long[] sampleShape() {
        return Arrays.copyOfRange(features.shape(), 1, features.rank());
    }

    /** The number of classes (label columns). */
    public int numClasses() {
        return classNames.size();
    }

    public String name() {
        return name;
    }

    /** The first {@code n} samples (a view). */
    public Dataset take(int n) {
        return slice(0, n);
    }

    /**
     * Samples {@code from} (inclusive) to {@code to} (exclusive), as a view sharing this data set's memory.
     *
     * @throws IllegalArgumentException unless {@code 0 <= from < to <= size()}
     */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from >= to) {
            throw new IllegalArgumentException("Dataset '" + name + "': slice(" + from + ", " + to
                    + ") needs 0 <= from < to <= size() = " + size());
        }
        if (from == 0 && to == size()) {
            return this;
        }
        return new Dataset(name + "[" + from + ":" + to + "]", rows(features, from, to), rows(labels, from, to),
                Arrays.copyOfRange(labelIndices, from, to), classNames);
    }

    /**
     * Splits in order into the first {@code k = floor(size() * firstFraction)} samples and the rest, both
     * views. Keras' {@code validation_split=v} takes the <em>last</em> fraction of the (unshuffled) data,
     * which is {@code split(1 - v)[1]}.
     *
     * @throws IllegalArgumentException when either part would be empty
     */
    public Dataset[] split(double firstFraction) {
        int k = (int) Math.floor(size() * firstFraction);
        if (!(firstFraction > 0 && firstFraction < 1) || k < 1 || k >= size()) {
            throw new IllegalArgumentException("Dataset '" + name + "': split(" + firstFraction + ") of " + size()
                    + " samples gives parts of " + k + " and " + (size() - k)
                    + " samples; choose a fraction in (0, 1) that leaves both parts non-empty");
        }
        return new Dataset[] {slice(0, k), slice(k, size())};
    }

    /**
     * A class-balanced random subset of {@code n} samples, copied, in shuffled order: every class gets
     * {@code floor(n / classes)} samples and the first {@code n mod classes} classes one more, each drawn
     * without replacement with {@code java.util.Random(seed)}. Meant for small real subsets in tests and
     * notebooks.
     *
     * @throws IllegalArgumentException when {@code n} is not positive or a class has too few samples
     */
    public Dataset stratifiedSample(int n, long seed) {
        int k = numClasses();
        if (n < 1 || n > size()) {
            throw new IllegalArgumentException("Dataset '" + name + "': stratifiedSample(" + n
                    + ") needs 1 <= n <= size() = " + size());
        }
        List<List<Integer>> byClass = indicesByClass();
        Random random = new Random(seed);
        List<Integer> chosen = new ArrayList<>(n);
        for (int c = 0; c < k; c++) {
            int quota = n / k + (c < n % k ? 1 : 0);
            List<Integer> pool = byClass.get(c);
            if (pool.size() < quota) {
                throw new IllegalArgumentException("Dataset '" + name + "': stratifiedSample(" + n + ") needs "
                        + quota + " samples of class " + c + " '" + classNames.get(c) + "' but there are only "
                        + pool.size() + "; ask for at most " + (pool.size() * k) + " samples");
            }
            java.util.Collections.shuffle(pool, random);
            chosen.addAll(pool.subList(0, quota));
        }
        java.util.Collections.shuffle(chosen, random);
        return gather(name + "-stratified" + n, chosen.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A copy holding the samples at {@code indices}, in that order. */
    public Dataset gather(String newName, int[] indices) {
        for (int i : indices) {
            if (i < 0 || i >= size()) {
                throw new IllegalArgumentException("Dataset '" + name + "': index " + i + " is outside [0, " + size() + ")");
            }
        }
        INDArray flat = features.reshape('c', size(), product(sampleShape()));
        INDArray f = Nd4j.pullRows(flat, 1, indices);
        long[] shape = features.shape().clone();
        shape[0] = indices.length;
        INDArray l = Nd4j.pullRows(labels, 1, indices);
        int[] li = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            li[i] = labelIndices[indices[i]];
        }
        return new Dataset(newName, f.reshape('c', shape), l, li, classNames);
    }

    /**
     * An iterator over one epoch of mini-batches; see {@link BatchIterator} (reused buffers: a batch's
     * arrays are valid until the next call to {@code next()}).
     *
     * @param shuffle whether to visit the samples in the seeded random order instead of 0..N-1
     */
    public BatchIterator batches(int batchSize, boolean shuffle, long seed) {
        return new BatchIterator(this, batchSize, shuffle, seed);
    }

    @Override
    public String toString() {
        return "Dataset '" + name + "': " + size() + " samples of " + IdxArray.shapeString(toInts(sampleShape()))
                + ", " + numClasses() + " classes";
    }

    List<List<Integer>> indicesByClass() {
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < numClasses(); c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < labelIndices.length; i++) {
            byClass.get(labelIndices[i]).add(i);
        }
        return byClass;
    }

    static long product(long[] shape) {
        long p = 1;
        for (long s : shape) {
            p *= s;
        }
        return p;
    }

    private static int[] toInts(long[] shape) {
        return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
    }

    private static INDArray rows(INDArray a, int from, int to) {
        INDArrayIndex[] idx = new INDArrayIndex[a.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < idx.length; d++) {
            idx[d] = NDArrayIndex.all();
        }
        return a.get(idx);
    }

    private static INDArray asFloat(INDArray a, String what) {
        if (a.dataType() == DataType.FLOAT) {
            return a;
        }
        if (!a.dataType().isFPType()) {
            throw new IllegalArgumentException(what + " have data type " + a.dataType()
                    + "; use a floating type (FLOAT), e.g. array.castTo(DataType.FLOAT).div(255)");
        }
        return a.castTo(DataType.FLOAT);
    }

    private static int[] argmaxRows(INDArray labels) {
        int n = (int) labels.size(0);
        int k = (int) labels.size(1);
        float[] v = labels.dup('c').data().asFloat();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (v[i * k + c] > v[i * k + best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
