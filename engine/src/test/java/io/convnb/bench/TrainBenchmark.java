package io.convnb.bench;

import io.convnb.data.Dataset;
import io.convnb.data.Datasets;
import io.convnb.data.ImageAugmentation;
import io.convnb.data.TrainTest;
import io.convnb.layers.Activation;
import io.convnb.layers.BatchNormalization;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Dropout;
import io.convnb.layers.Flatten;
import io.convnb.layers.MaxPooling2D;
import io.convnb.model.Adam;
import io.convnb.model.EarlyStopping;
import io.convnb.model.FitOptions;
import io.convnb.model.History;
import io.convnb.model.Sequential;
import io.convnb.model.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training benchmark, engine side; {@code bench/bench.py} ({@code ./convnb bench}) runs it next to
 * {@code bench/train_torch.py}.
 * <ul>
 *   <li>{@code speed MODEL SAMPLES EPOCHS}: the speed figure of the benchmark table. MODEL {@code tutorial}
 *   (the Keras example model, Adam 1e-3) or {@code bn} (two convolutions with batch normalization, dropout
 *   and augmentation, Adam 5e-4), batch 64, the first SAMPLES training images, EPOCHS epochs; samples/s of
 *   every epoch (the first is the warm-up), nothing else (no validation, no test).</li>
 *   <li>{@code tutorial [EPOCHS]}: all 60,000 images, samples/s of every epoch and test accuracy.</li>
 *   <li>{@code bn [EPOCHS]}: the accuracy run of the README: augmentation, early stopping on a validation
 *   split, validation accuracy of each epoch and the final test accuracy.</li>
 * </ul>
 * Output: one JSON line, like the PyTorch script's.
 */
public final class TrainBenchmark {
    private TrainBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("speed")) {
            speed(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        String mode = args.length > 0 ? args[0] : "tutorial";
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        TrainTest data = Datasets.fashionMnist();
        Sequential model = mode.equals("bn") ? twoConvBn() : tutorial();
        model.compile(mode.equals("bn") ? new Adam(5e-4) : new Adam(1e-3), "categorical_crossentropy", "accuracy");
        List<Double> rates = new ArrayList<>();
        TrainingListener timer = epochTimer(rates);
        FitOptions options = FitOptions.epochs(epochs).batchSize(64).seed(42).callbacks(timer).verbose(false);
        if (mode.equals("bn")) {
            // Validation on a held-out 10 % of the training images (never the test set); training stops
            // when validation accuracy has not improved for 4 epochs and keeps the best epoch's weights.
            options.augmentation(augmentation())
                    .validationSplit(0.1)
                    .callbacks(new EarlyStopping("val_accuracy").patience(4).restoreBestWeights(true));
        }
        History history = model.fit(data.train(), options);
        double accuracy = model.evaluate(data.test()).accuracy();
        StringBuilder sb = json("convnb engine (" + mode + ")", rates);
        sb.append(String.format(Locale.ROOT, ", \"test_accuracy\": %.4f, \"peak_rss_mb\": %.0f", accuracy, peakRssMb()));
        if (mode.equals("bn")) {
            sb.append(", \"val_accuracy\": ").append(history.metric("val_accuracy"));
        }
        System.out.println(sb.append('}'));
    }

    /** The speed run of the benchmark table: the same model, data and loop as bench/train_torch.py --model. */
    static void speed(String mode, int samples, int epochs) throws Exception {
        Dataset train = Datasets.fashionMnist().train();
        train = train.slice(0, Math.min(samples, train.size()));
        Sequential model = mode.equals("bn") ? twoConvBn() : tutorial();
        model.compile(mode.equals("bn") ? new Adam(5e-4) : new Adam(1e-3), "categorical_crossentropy", "accuracy");
        List<Double> rates = new ArrayList<>();
        FitOptions options = FitOptions.epochs(epochs).batchSize(64).seed(42).callbacks(epochTimer(rates)).verbose(false);
        if (mode.equals("bn")) {
            options.augmentation(augmentation());
        }
        model.fit(train, options);
        StringBuilder sb = json("convnb engine (" + mode + ")", rates);
        System.out.println(sb.append(String.format(Locale.ROOT, ", \"peak_rss_mb\": %.0f}", peakRssMb())));
    }

    static ImageAugmentation augmentation() {
        return ImageAugmentation.builder().randomTranslation(0.05, 0.05).horizontalFlip(true).seed(7).build();
    }

    private static StringBuilder json(String impl, List<Double> rates) {
        StringBuilder sb = new StringBuilder("{\"impl\": \"" + impl + "\", \"samples_per_s\": [");
        for (int i = 0; i < rates.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", rates.get(i)));
        }
        return sb.append(']');
    }

    /** Samples/s of every epoch into {@code rates} (validation time included when there is validation). */
    private static TrainingListener epochTimer(List<Double> rates) {
        return new TrainingListener() {
            private long start;
            private int samples;

            @Override
            public void onTrainBegin(TrainingInfo info) {
                samples = info.trainSamples();
            }

            @Override
            public void onEpochBegin(int epoch) {
                start = System.nanoTime();
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                rates.add(samples / ((System.nanoTime() - start) / 1e9));
            }
        };
    }

    static Sequential tutorial() {
        return new Sequential()
                .add(new Conv2D(32, 3, 3).activation("relu").inputShape(28, 28, 1))
                .add(new MaxPooling2D(2, 2))
                .add(new Flatten())
                .add(new Dense(128).activation("relu"))
                .add(new Dense(10).activation("softmax"));
    }

    static Sequential twoConvBn() {
        return new Sequential()
                .add(new Conv2D(32, 3, 3).padding("same").useBias(false).inputShape(28, 28, 1))
                .add(new BatchNormalization())
                .add(new Activation("relu"))
                .add(new MaxPooling2D(2, 2))
                .add(new Conv2D(64, 3, 3).padding("same").useBias(false))
                .add(new BatchNormalization())
                .add(new Activation("relu"))
                .add(new MaxPooling2D(2, 2))
                .add(new Flatten())
                .add(new Dropout(0.3))
                .add(new Dense(128).activation("relu"))
                .add(new Dense(10).activation("softmax"));
    }

    /** Peak resident memory of this process (VmHWM), including ND4J's native memory. */
    static double peakRssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
