package io.convnb.model;

import io.convnb.data.Batch;
import io.convnb.data.BatchIterator;
import io.convnb.data.Dataset;
import io.convnb.data.ImageAugmentation;
import io.convnb.layers.ActivatedLayer;
import io.convnb.layers.Activations;
import io.convnb.layers.Layer;
import io.convnb.layers.Parameter;
import io.convnb.shape.Shapes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A linear stack of layers trained with back-propagation, in Keras words:
 *
 * <pre>{@code
 * TrainTest data = Datasets.fashionMnist();
 * var model = new Sequential()
 *     .add(new Conv2D(32, 3, 3).activation("relu").inputShape(28, 28, 1))
 *     .add(new MaxPooling2D(2, 2))
 *     .add(new Flatten())
 *     .add(new Dense(128).activation("relu"))
 *     .add(new Dense(10).activation("softmax"));
 * model.compile("adam", "categorical_crossentropy", "accuracy");
 * History history = model.fit(data.train().take(1000), 3, 64);   // all 60,000 images: test accuracy about 0.90
 * Scores scores = model.evaluate(data.test());
 * System.out.println(model.summary());   // prints Total params: 693,962
 * }</pre>
 *
 * <p>Layers are built as soon as their input shape is known, so a shape mistake is reported by the
 * {@code add} that causes it. With the same seed on the same machine, weights and history are the same
 * run after run.
 */
public class Sequential {
    static {
        io.convnb.ops.OpenMpPolicy.prepareNd4j();   // OpenMP's settings before and after ND4J loads (see OpenMpPolicy)
    }

    private static final int PREDICT_BATCH = 256;

    private final String name;
    private final List<Layer> layers = new ArrayList<>();
    private long seed = 42;
    private Loss loss;
    private Optimizer optimizer;
    private List<String> metrics = List.of();
    private volatile boolean stopRequested;
    /** All trainable weights as one vector (and gradients as another); null until the model is built. */
    private Parameter flat;

    public Sequential() {
        this("sequential");
    }

    public Sequential(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Seed for weight initialisation and dropout; call before adding layers. */
    public Sequential seed(long seed) {
        if (!layers.isEmpty()) {
            throw new IllegalStateException("Sequential '" + name + "': call seed(" + seed + ") before adding layers; the first "
                    + layers.size() + " layer(s) already have their weights.");
        }
        this.seed = seed;
        return this;
    }

    public long seed() {
        return seed;
    }

    /**
     * Appends a layer, naming it ({@code conv2d}, {@code conv2d_1}, ...) if it has no name, and builds it
     * when its input shape is known.
     *
     * @throws IllegalArgumentException naming the layer and both shapes when the layer cannot take the
     *                                  previous layer's output
     */
    public Sequential add(Layer layer) {
        if (layers.contains(layer)) {
            throw new IllegalArgumentException("Sequential '" + name + "': layer '" + layer.name() + "' is already in the model; create a new layer instance.");
        }
        if (!layers.isEmpty() && layer.declaredInputShape() != null) {
            long[] previous = layers.get(layers.size() - 1).outputShape();
            if (previous != null && !Arrays.equals(previous, layer.declaredInputShape())) {
                throw new IllegalArgumentException(layer.typeName() + " '" + layer.name() + "' declares inputShape "
                        + Shapes.formatBatch(layer.declaredInputShape()) + " but the previous layer outputs " + Shapes.formatBatch(previous)
                        + "; only the first layer needs an inputShape.");
            }
        }
        layer.name(uniqueName(layer));
        if (!layer.hasSeed()) {
            layer.seed(seed * 1_000_003L + layers.size() * 7_919L + 17);
        }
        long[] in = layers.isEmpty() ? layer.declaredInputShape() : layers.get(layers.size() - 1).outputShape();
        if (in != null) {
            layer.build(in);
        }
        layer.setInputGradientNeeded(!layers.isEmpty());
        layers.add(layer);
        return this;
    }

    private String uniqueName(Layer layer) {
        Set<String> taken = new HashSet<>();
        for (Layer l : layers) {
            taken.add(l.name());
        }
        String base = layer.name();
        if (!taken.contains(base)) {
            return base;
        }
        for (int i = 1; ; i++) {
            String candidate = base + "_" + i;
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    /** The layer with the given name. */
    public Layer layer(String layerName) {
        for (Layer l : layers) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("Sequential '" + name + "' has no layer '" + layerName + "'; its layers are "
                + layers.stream().map(Layer::name).toList() + ".");
    }

    public Layer layer(int index) {
        return layers.get(index);
    }

    /** Input shape without the batch axis, or null before the first layer is built. */
    public long[] inputShape() {
        return layers.isEmpty() ? null : layers.get(0).inputShapeBuilt();
    }

    /** Output shape without the batch axis, or null before the model is built. */
    public long[] outputShape() {
        return layers.isEmpty() ? null : layers.get(layers.size() - 1).outputShape();
    }

    /** All parameters of all layers, in layer order. */
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.parameters());
        }
        return all;
    }

    /** Compiles with Keras names: {@code compile("adam", "categorical_crossentropy", "accuracy")}. */
    public Sequential compile(String optimizer, String loss, String... metrics) {
        return compile(Optimizer.of(optimizer), Loss.of(loss), metrics);
    }

    public Sequential compile(Optimizer optimizer, String loss, String... metrics) {
        return compile(optimizer, Loss.of(loss), metrics);
    }

    public Sequential compile(Optimizer optimizer, Loss loss, String... metrics) {
        for (String m : metrics) {
            if (!m.equalsIgnoreCase("accuracy") && !m.equalsIgnoreCase("acc")) {
                throw new IllegalArgumentException("Unknown metric '" + m + "'. Accepted: accuracy.");
            }
        }
        this.optimizer = optimizer;
        this.loss = loss;
        this.metrics = metrics.length == 0 ? List.of() : List.of("accuracy");
        optimizer.reset();
        flatten();
        return this;
    }

    public Loss loss() {
        return loss;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public List<String> metrics() {
        return metrics;
    }

    /** Stops a running {@code fit} after the current batch, keeping the weights. Safe from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /** {@code fit(train, epochs, batchSize)} with shuffling and the default seed. */
    public History fit(Dataset train, int epochs, int batchSize) {
        return fit(train, FitOptions.epochs(epochs).batchSize(batchSize));
    }

    /**
     * Trains the model. Stops early when a callback asks, when the training thread is interrupted (the
     * kernel's interrupt button), or when {@link #requestStop()} is called: after the current batch, with
     * the weights of the last completed step.
     *
     * @throws TrainingDivergedException when the loss becomes NaN or infinite (that update is not applied)
     */
    public History fit(Dataset train, FitOptions options) {
        requireCompiled("fit");
        Dataset trainSet = train;
        Dataset validation = options.validationData();
        if (options.validationSplit() > 0) {
            if (validation != null) {
                throw new IllegalArgumentException("fit: give validationSplit or validationData, not both.");
            }
            Dataset[] parts = train.split(1 - options.validationSplit());
            trainSet = parts[0];
            validation = parts[1];
        }
        ensureBuilt(trainSet);
        checkData("training", trainSet);
        if (validation != null) {
            checkData("validation", validation);
        }
        checkFinite(trainSet);

        // verbose(false) silences progress of every kind: the notebook's live display too, as Keras' verbose=0.
        List<TrainingListener> listeners = new ArrayList<>(options.verbose() ? TrainingListeners.create(this) : List.of());
        if (options.verbose() && listeners.isEmpty()) {
            listeners.add(new ConsoleProgress(System.out));
        }
        listeners.addAll(options.callbacks());
        for (TrainingListener l : listeners) {
            if (l instanceof Callback c) {
                c.setModel(this);
            }
        }
        int n = trainSet.size();
        int batchSize = Math.min(options.batchSize(), n);
        int batches = (n + batchSize - 1) / batchSize;
        List<String> names = new ArrayList<>();
        names.add("loss");
        names.addAll(metrics);
        if (validation != null) {
            names.add("val_loss");
            metrics.forEach(m -> names.add("val_" + m));
        }
        stopRequested = false;
        History history = new History();
        var info = new TrainingListener.TrainingInfo(this, options.epochs(), batchSize, n, batches,
                validation == null ? 0 : validation.size(), List.copyOf(names));
        for (TrainingListener l : listeners) {
            l.onTrainBegin(info);
        }
        flatten();
        List<Parameter> params = flat != null ? List.of(flat) : parameters();
        BatchIterator it = trainSet.batches(batchSize, options.shuffle(), options.seed() * 31);
        try {
            for (int epoch = 0; epoch < options.epochs(); epoch++) {
                for (TrainingListener l : listeners) {
                    l.onEpochBegin(epoch);
                }
                long start = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                long seen = 0;
                if (epoch > 0) {
                    it.reset(options.seed() * 31 + epoch);
                }
                int b = 0;
                boolean interrupted = false;
                while (it.hasNext()) {
                    Batch batch = it.next();
                    StepResult step = trainStep(batch, options.augmentation(), params, epoch, b, batches, history);
                    lossSum += step.loss() * batch.size();
                    correct += step.correct();
                    seen += batch.size();
                    Map<String, Double> running = new LinkedHashMap<>();
                    running.put("loss", lossSum / seen);
                    if (!metrics.isEmpty()) {
                        running.put("accuracy", (double) correct / seen);
                    }
                    for (TrainingListener l : listeners) {
                        l.onBatchEnd(epoch, b, batches, running);
                    }
                    b++;
                    if (Thread.interrupted()) {
                        interrupted = true;
                        history.stopped(History.StopReason.INTERRUPTED, String.format(Locale.ROOT,
                                "Interrupted in epoch %d after batch %d of %d; the model keeps the weights of that batch.", epoch + 1, b, batches));
                        break;
                    }
                    if (stopRequested) {
                        break;
                    }
                }
                if (interrupted) {
                    break;
                }
                Map<String, Double> logs = new LinkedHashMap<>();
                logs.put("loss", lossSum / seen);
                if (!metrics.isEmpty()) {
                    logs.put("accuracy", (double) correct / seen);
                }
                if (validation != null) {
                    Scores v = evaluate(validation);
                    v.asMap().forEach((k, val) -> logs.put("val_" + k, val));
                }
                logs.put("seconds", (System.nanoTime() - start) / 1e9);
                history.addEpoch(logs);
                for (TrainingListener l : listeners) {
                    l.onEpochEnd(epoch, logs);
                }
                if (stopRequested) {
                    history.stopped(History.StopReason.EARLY_STOPPING, String.format(Locale.ROOT, "Stopped after epoch %d of %d.", epoch + 1, options.epochs()));
                    break;
                }
            }
        } finally {
            stopRequested = false;
            for (TrainingListener l : listeners) {
                l.onTrainEnd(history);
            }
        }
        return history;
    }

    private record StepResult(double loss, long correct) {
    }

    /**
     * One optimisation step on one batch, inside a workspace that the next step reuses. The loss is
     * checked before back-propagation, so a diverged step never reaches the weights.
     */
    private StepResult trainStep(Batch batch, ImageAugmentation augmentation, List<Parameter> params,
                                 int epoch, int b, int batches, History history) {
        try (var ws = StepWorkspace.open("convnb-train")) {
            INDArray x = augmentation == null ? batch.features() : augmentation.apply(batch.features());
            INDArray y = batch.labels();
            INDArray p = forward(x, true);
            double batchLoss = loss.value(p, y) + regularizationLoss();
            if (!Double.isFinite(batchLoss)) {
                String msg = String.format(Locale.ROOT, "Training diverged: the loss became %s at epoch %d, batch %d of %d. "
                        + "The weights of the last good step are kept and this update was not applied. "
                        + "Fixes: lower the learning rate (e.g. %s), check the inputs for NaN or huge values (scale pixels to [0, 1]), "
                        + "or add BatchNormalization.", batchLoss, epoch + 1, b + 1, batches,
                        optimizer.kerasName() + " with " + (optimizer.learningRate() / 10));
                history.stopped(History.StopReason.DIVERGED, msg);
                throw new TrainingDivergedException(msg, history);
            }
            backward(p, y);
            addRegularizationGradients();
            optimizer.step(params);
            return new StepResult(batchLoss, metrics.isEmpty() ? 0 : countCorrect(p, y));
        }
    }

    /** Forward pass through every layer. */
    public INDArray forward(INDArray x, boolean training) {
        INDArray a = x;
        for (Layer l : layers) {
            a = l.forward(a, training);
        }
        return a;
    }

    /**
     * Back-propagates the loss of the last forward pass; fills every parameter's gradient. Softmax
     * with (sparse) categorical cross-entropy, and sigmoid with binary cross-entropy, are fused so the
     * output gradient is the stable {@code (p - y)/N}.
     */
    public void backward(INDArray predictions, INDArray targets) {
        requireCompiled("backward");
        Layer last = layers.get(layers.size() - 1);
        INDArray grad;
        int from = layers.size() - 1;
        Activations act = last instanceof ActivatedLayer al ? al.activation() : null;
        if (act == Activations.SOFTMAX && (loss == Losses.CATEGORICAL_CROSSENTROPY || loss == Losses.SPARSE_CATEGORICAL_CROSSENTROPY)) {
            INDArray y = loss == Losses.SPARSE_CATEGORICAL_CROSSENTROPY ? Losses.oneHot(targets, predictions) : targets;
            grad = ((ActivatedLayer) last).backwardFromPreActivation(predictions.sub(y).divi(predictions.size(0)));
            from--;
        } else if (act == Activations.SIGMOID && loss == Losses.BINARY_CROSSENTROPY) {
            grad = ((ActivatedLayer) last).backwardFromPreActivation(predictions.sub(targets).divi(predictions.length()));
            from--;
        } else {
            grad = loss.gradient(predictions, targets);
        }
        for (int i = from; i >= 0; i--) {
            grad = layers.get(i).backward(grad);
        }
    }

    /** Loss plus regularization on a batch, with gradients filled: for gradient checks and custom loops. */
    public double computeGradients(INDArray x, INDArray y, boolean training) {
        INDArray p = forward(x, training);
        loss.checkTargets(p, y);
        double value = loss.value(p, y) + regularizationLoss();
        backward(p, y);
        addRegularizationGradients();
        return value;
    }

    /**
     * Puts every trainable parameter into one contiguous weight vector and one gradient vector, so an
     * optimizer step is a few large ND4J operations (each op call costs about 15 microseconds; a
     * per-layer update would cost dozens of them per batch).
     */
    private void flatten() {
        if (flat != null || inputShape() == null || layers.get(layers.size() - 1).outputShape() == null) {
            return;
        }
        List<Parameter> trainable = parameters().stream().filter(Parameter::trainable).toList();
        if (trainable.isEmpty() || trainable.stream().map(p -> p.value().dataType()).distinct().count() != 1) {
            return;
        }
        long total = trainable.stream().mapToLong(Parameter::size).sum();
        var type = trainable.get(0).value().dataType();
        INDArray values = Nd4j.create(type, total);
        INDArray grads = Nd4j.create(type, total);
        long offset = 0;
        for (Parameter p : trainable) {
            long n = p.size();
            long[] shape = p.value().shape();
            p.bindTo(values.get(NDArrayIndex.interval(offset, offset + n)).reshape(shape),
                    grads.get(NDArrayIndex.interval(offset, offset + n)).reshape(shape));
            offset += n;
        }
        flat = Parameter.flat("all", values, grads);
    }

    private double regularizationLoss() {
        double r = 0;
        for (Parameter p : parameters()) {
            if (p.l2() > 0) {
                r += p.l2() * p.value().mul(p.value()).sumNumber().doubleValue();
            }
        }
        return r;
    }

    private void addRegularizationGradients() {
        for (Parameter p : parameters()) {
            if (p.l2() > 0) {
                p.grad().addi(p.value().mul(2 * p.l2()));
            }
        }
    }

    private long countCorrect(INDArray p, INDArray y) {
        if (loss == Losses.BINARY_CROSSENTROPY || p.size(1) == 1) {
            INDArray pred = p.gt(0.5).castTo(y.dataType());
            return pred.eq(y).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue() / Math.max(1, p.size(1));
        }
        INDArray predicted = p.argMax(1);
        INDArray truth = loss == Losses.SPARSE_CATEGORICAL_CROSSENTROPY ? y.reshape(y.length()).castTo(predicted.dataType()) : y.argMax(1);
        return predicted.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue();
    }

    /** Loss and metrics over a data set, in inference mode. */
    public Scores evaluate(Dataset data) {
        return evaluate(data, PREDICT_BATCH);
    }

    public Scores evaluate(Dataset data, int batchSize) {
        requireCompiled("evaluate");
        ensureBuilt(data);
        checkData("evaluation", data);
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < data.size(); from += batchSize) {
            int to = Math.min(data.size(), from + batchSize);
            Dataset part = data.slice(from, to);
            try (var ws = StepWorkspace.open("convnb-eval")) {
                INDArray p = forward(part.features(), false);
                lossSum += loss.value(p, part.labels()) * (to - from);
                if (!metrics.isEmpty()) {
                    correct += countCorrect(p, part.labels());
                }
            }
        }
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("loss", lossSum / data.size() + regularizationLoss());
        if (!metrics.isEmpty()) {
            s.put("accuracy", (double) correct / data.size());
        }
        return new Scores(s);
    }

    /** Model outputs for a batch of inputs {@code (N, ...)}, computed in batches of 256. */
    public INDArray predict(INDArray x) {
        if (inputShape() == null) {
            buildFor(Arrays.copyOfRange(x.shape(), 1, x.rank()));
        }
        long n = x.size(0);
        List<INDArray> parts = new ArrayList<>();
        for (long from = 0; from < n; from += PREDICT_BATCH) {
            long to = Math.min(n, from + PREDICT_BATCH);
            try (var ws = StepWorkspace.open("convnb-predict")) {
                INDArray rows = n <= PREDICT_BATCH ? x : x.get(NDArrayIndex.interval(from, to)).dup('c');
                parts.add(forward(rows, false).detach());
            }
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }

    public INDArray predict(Dataset data) {
        return predict(data.features());
    }

    /** Index of the highest output per sample. */
    public int[] predictClasses(INDArray x) {
        return predict(x).argMax(1).toIntVector();
    }

    /** Rows are true classes, columns predicted classes. */
    public ConfusionMatrix confusionMatrix(Dataset data) {
        int[] predicted = predictClasses(data.features());
        return ConfusionMatrix.of(data.labelIndices(), predicted, data.classNames());
    }

    /** The output of every layer for {@code x}, in inference mode (feature maps for the notebook). */
    public List<INDArray> activations(INDArray x) {
        List<INDArray> out = new ArrayList<>();
        INDArray a = x;
        for (Layer l : layers) {
            a = l.forward(a, false);
            out.add(a.dup());
        }
        return out;
    }

    /** The output of the named layer for {@code x} (e.g. the feature maps of a convolution). */
    public INDArray layerOutput(String layerName, INDArray x) {
        int index = layers.indexOf(layer(layerName));
        INDArray a = x;
        for (int i = 0; i <= index; i++) {
            a = layers.get(i).forward(a, false);
        }
        return a.dup();
    }

    /** The Keras summary table; {@code System.out.println(model.summary())} prints it. */
    public ModelSummary summary() {
        List<ModelSummary.Row> rows = new ArrayList<>();
        long total = 0;
        long trainable = 0;
        for (Layer l : layers) {
            long[] out = l.outputShape();
            long p = l.countParams(false);
            rows.add(new ModelSummary.Row(l.name(), l.typeName(), out == null ? "?" : Shapes.formatBatch(out), p));
            total += p;
            trainable += l.countParams(true);
        }
        return new ModelSummary(name, rows, total, trainable, total - trainable);
    }

    /** Saves configuration and weights to one file; {@link #load} restores a model that predicts bit-identically. */
    public void save(Path path) throws IOException {
        ModelFile.save(this, path);
    }

    public static Sequential load(Path path) throws IOException {
        return ModelFile.load(path);
    }

    Map<String, Object> compileConfig() {
        if (loss == null) {
            return null;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("optimizer", optimizer.getConfig());
        c.put("loss", loss.kerasName());
        c.put("metrics", metrics);
        return c;
    }

    private void requireCompiled(String what) {
        if (loss == null) {
            throw new IllegalStateException("Sequential '" + name + "': call compile(optimizer, loss, metrics) before " + what
                    + ", e.g. model.compile(\"adam\", \"categorical_crossentropy\", \"accuracy\").");
        }
        if (layers.isEmpty()) {
            throw new IllegalStateException("Sequential '" + name + "' has no layers; add some before " + what + ".");
        }
    }

    private void ensureBuilt(Dataset data) {
        if (inputShape() == null) {
            buildFor(data.sampleShape());
        }
    }

    private void buildFor(long[] sampleShape) {
        long[] in = sampleShape;
        for (Layer l : layers) {
            l.build(in);
            in = l.outputShape();
        }
    }

    private void checkData(String role, Dataset data) {
        long[] want = inputShape();
        if (!Arrays.equals(want, data.sampleShape())) {
            throw new IllegalArgumentException("Sequential '" + name + "' expects inputs " + Shapes.formatBatch(want) + " but the " + role
                    + " data '" + data.name() + "' has samples " + Shapes.formatBatch(data.sampleShape())
                    + "; reshape the data or change the first layer's inputShape.");
        }
        INDArray probe = forward(data.slice(0, 1).features(), false);
        loss.checkTargets(probe, data.slice(0, 1).labels());
    }

    private static void checkFinite(Dataset data) {
        double s = data.features().sumNumber().doubleValue();
        if (!Double.isFinite(s)) {
            throw new IllegalArgumentException("The training data '" + data.name() + "' contains NaN or infinite values; clean or rescale the inputs before fit.");
        }
    }

    @Override
    public String toString() {
        return summary().toString();
    }
}
