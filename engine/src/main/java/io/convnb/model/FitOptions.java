package io.convnb.model;

import io.convnb.data.Dataset;
import io.convnb.data.ImageAugmentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The keyword arguments of Keras' {@code fit}, as a fluent value:
 *
 * <pre>{@code
 * Dataset train = Datasets.fashionMnist().train().take(2000);
 * var model = new Sequential().add(new Flatten().inputShape(28, 28, 1)).add(new Dense(10).activation("softmax"));
 * model.compile("adam", "categorical_crossentropy", "accuracy");
 * History history = model.fit(train, FitOptions.epochs(10).batchSize(64).validationSplit(0.1)
 *         .callbacks(new EarlyStopping("val_loss").patience(2).restoreBestWeights(true)));
 * }</pre>
 */
public final class FitOptions {
    private int epochs = 1;
    private int batchSize = 32;
    private boolean shuffle = true;
    private long seed = 42;
    private double validationSplit;
    private Dataset validationData;
    private final List<TrainingListener> callbacks = new ArrayList<>();
    private ImageAugmentation augmentation;
    private boolean verbose = true;

    public FitOptions() {
    }

    /** Starts options with the number of epochs. */
    public static FitOptions epochs(int epochs) {
        return new FitOptions().setEpochs(epochs);
    }

    public FitOptions setEpochs(int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("fit: epochs must be >= 1, got " + epochs + ".");
        }
        this.epochs = epochs;
        return this;
    }

    public FitOptions batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("fit: batchSize must be >= 1, got " + batchSize + ".");
        }
        this.batchSize = batchSize;
        return this;
    }

    /** Reshuffle the training samples every epoch (default true). */
    public FitOptions shuffle(boolean shuffle) {
        this.shuffle = shuffle;
        return this;
    }

    /** Seed of the shuffling order (each epoch derives its own from it). */
    public FitOptions seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Holds out the LAST fraction of the training data for validation, before shuffling (as Keras). */
    public FitOptions validationSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("fit: validationSplit must be in [0, 1), got " + fraction + ".");
        }
        this.validationSplit = fraction;
        return this;
    }

    public FitOptions validationData(Dataset validation) {
        this.validationData = validation;
        return this;
    }

    public FitOptions callbacks(TrainingListener... listeners) {
        Collections.addAll(callbacks, listeners);
        return this;
    }

    /** Augments each training batch (never validation data). */
    public FitOptions augmentation(ImageAugmentation augmentation) {
        this.augmentation = augmentation;
        return this;
    }

    /** Print one line per epoch when no notebook display is attached (default true). */
    public FitOptions verbose(boolean verbose) {
        this.verbose = verbose;
        return this;
    }

    public int epochs() {
        return epochs;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean shuffle() {
        return shuffle;
    }

    public long seed() {
        return seed;
    }

    public double validationSplit() {
        return validationSplit;
    }

    public Dataset validationData() {
        return validationData;
    }

    public List<TrainingListener> callbacks() {
        return Collections.unmodifiableList(callbacks);
    }

    public ImageAugmentation augmentation() {
        return augmentation;
    }

    public boolean verbose() {
        return verbose;
    }
}
