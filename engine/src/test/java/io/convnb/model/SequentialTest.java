package io.convnb.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.data.Dataset;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Dropout;
import io.convnb.layers.Flatten;
import io.convnb.layers.MaxPooling2D;
import io.convnb.layers.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.Table;

class SequentialTest {
    /** The background document's model (the cell). */
    static Sequential tutorialModel() {
        return new Sequential()
                .add(new Conv2D(32, 3, 3).activation("relu").inputShape(28, 28, 1))
                .add(new MaxPooling2D(2, 2))
                .add(new Flatten())
                .add(new Dense(128).activation("relu"))
                .add(new Dense(10).activation("softmax"));
    }

    /** Two classes told apart by which half of a small image is brighter, with noise. */
    static Dataset halves(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n * 8 * 8];
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(2);
            y[i * 2 + c] = 1;
            for (int h = 0; h < 8; h++) {
                for (int w = 0; w < 8; w++) {
                    boolean bright = (w < 4) == (c == 0);
                    x[i * 64 + h * 8 + w] = (float) ((bright ? 0.8 : 0.2) + 0.2 * (r.nextDouble() - 0.5));
                }
            }
        }
        return Dataset.of("halves", Nd4j.create(x, new long[] {n, 8, 8, 1}, 'c'), Nd4j.create(y, new long[] {n, 2}, 'c'), List.of("left", "right"));
    }

    static Sequential small(long seed) {
        return new Sequential().seed(seed)
                .add(new Conv2D(4, 3, 3).activation("relu").inputShape(8, 8, 1))
                .add(new MaxPooling2D(2))
                .add(new Flatten())
                .add(new Dropout(0.25))
                .add(new Dense(2).activation("softmax"));
    }

    @Test
    void summaryMatchesKerasFigures() {
        // conv: 3*3*1*32 + 32 = 320; dense: 13*13*32*128 + 128 = 692,352; dense_1: 128*10 + 10 = 1,290
        ModelSummary s = tutorialModel().summary();
        assertEquals(List.of(320L, 0L, 0L, 692_352L, 1_290L), s.rows().stream().map(ModelSummary.Row::params).toList());
        assertEquals(693_962L, s.totalParams());
        assertEquals(0L, s.nonTrainableParams());
        String text = s.toString();
        assertTrue(text.startsWith("Model: \"sequential\""), text);
        assertTrue(text.contains(" conv2d (Conv2D)"), text);
        assertTrue(text.contains("(None, 26, 26, 32)"), text);
        assertTrue(text.contains("max_pooling2d (MaxPooling2D)"), text);
        assertTrue(text.contains("(None, 5408)"), text);
        assertTrue(text.contains("dense_1 (Dense)"), text);
        assertTrue(text.contains("Total params: 693,962"), text);
        assertTrue(text.contains("Trainable params: 693,962"), text);
        assertTrue(text.contains("Non-trainable params: 0"), text);
    }

    @Test
    void learnsASimpleImageTaskAndReportsHistory() {
        Sequential m = small(1);
        m.compile("adam", "categorical_crossentropy", "accuracy");
        Dataset train = halves(512, 1);
        History h = m.fit(train, FitOptions.epochs(5).batchSize(16).validationSplit(0.25).verbose(false));
        assertEquals(5, h.epochCount());
        assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy", "seconds"), h.metricNames());
        assertTrue(h.last("loss") < h.metric("loss").get(0), "loss should fall: " + h);
        Scores s = m.evaluate(halves(256, 2));
        assertTrue(s.accuracy() > 0.9, "accuracy " + s);
        Table t = h.toTable();
        assertEquals(5, t.rowCount());
        assertEquals("epoch", t.column(0).name());
        assertEquals(h.metric("val_accuracy").get(2), t.doubleColumn("val_accuracy").get(2));
        ConfusionMatrix cm = m.confusionMatrix(halves(100, 3));
        assertEquals(100, cm.total());
        assertEquals(s.accuracy(), m.evaluate(halves(256, 2)).accuracy());
    }

    @Test
    void sameSeedSameWeightsAndHistory() {
        Dataset train = halves(256, 4);
        List<Object> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            Sequential m = small(9);
            m.compile("adam", "categorical_crossentropy", "accuracy");
            History h = m.fit(train, FitOptions.epochs(2).batchSize(16).seed(5).verbose(false));
            List<Object> state = new ArrayList<>();
            state.add(h.metric("loss"));
            state.add(h.metric("accuracy"));
            for (Parameter p : m.parameters()) {
                state.add(java.util.Arrays.toString(p.value().dup().castTo(DataType.DOUBLE).reshape(p.value().length()).toDoubleVector()));
            }
            runs.add(state);
        }
        assertEquals(runs.get(0), runs.get(1));
        Sequential other = small(10);
        assertNotEquals(small(9).parameters().get(0).value(), other.parameters().get(0).value());
    }

    @Test
    void saveAndLoadPredictBitIdentically(@TempDir Path dir) throws Exception {
        Sequential m = small(2);
        m.compile(new SGD(0.05).momentum(0.9).nesterov(true), "categorical_crossentropy", "accuracy");
        m.fit(halves(128, 5), FitOptions.epochs(1).batchSize(32).verbose(false));
        Path file = dir.resolve("model.convnb");
        m.save(file);
        Sequential back = Sequential.load(file);
        INDArray x = halves(50, 6).features();
        assertArrayEquals(m.predict(x).dup().data().asFloat(), back.predict(x).dup().data().asFloat());
        assertEquals(m.summary().toString(), back.summary().toString());
        assertEquals("sgd", back.optimizer().kerasName());
        assertEquals(Map.of("name", "sgd", "learning_rate", 0.05, "momentum", 0.9, "nesterov", true), back.optimizer().getConfig());
        Files.write(file, new byte[] {1, 2, 3});
        assertThrows(java.io.IOException.class, () -> Sequential.load(file));
    }

    @Test
    void shapeErrorsNameTheLayerAndBothShapes() {
        Sequential m = new Sequential().add(new Conv2D(8, 3, 3).inputShape(28, 28, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.add(new Dense(10)));
        assertEquals("Dense 'dense': expects 1-D samples (None, features) but received (None, 26, 26, 8); add a Flatten() layer before it.", e.getMessage());

        IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
                () -> new Sequential().add(new Conv2D(8, 5, 5).inputShape(3, 3, 1)));
        assertEquals("Conv2D 'conv2d': output height = floor((3 + 0 + 0 - 1*(5-1) - 1)/1) + 1 = -1 for input height 3 and kernel 5; "
                + "use padding=\"same\" or a kernel no larger than 3.", tooBig.getMessage());

        Sequential ok = small(1).compile("adam", "categorical_crossentropy", "accuracy");
        Dataset wrong = Dataset.of("flat", Nd4j.zeros(DataType.FLOAT, 4, 64), Nd4j.zeros(DataType.FLOAT, 4, 2), List.of("a", "b"));
        IllegalArgumentException fed = assertThrows(IllegalArgumentException.class, () -> ok.fit(wrong, 1, 2));
        assertEquals("Sequential 'sequential' expects inputs (None, 8, 8, 1) but the training data 'flat' has samples (None, 64); "
                + "reshape the data or change the first layer's inputShape.", fed.getMessage());

        Dataset threeClasses = Dataset.of("three", Nd4j.zeros(DataType.FLOAT, 4, 8, 8, 1), Nd4j.zeros(DataType.FLOAT, 4, 3), List.of("a", "b", "c"));
        IllegalArgumentException labels = assertThrows(IllegalArgumentException.class, () -> ok.fit(threeClasses, 1, 2));
        assertTrue(labels.getMessage().startsWith("categorical_crossentropy: targets (1, 3) do not match the model output (1, 2)"), labels.getMessage());

        IllegalStateException notCompiled = assertThrows(IllegalStateException.class, () -> small(1).fit(halves(4, 1), 1, 2));
        assertTrue(notCompiled.getMessage().contains("call compile(optimizer, loss, metrics) before fit"), notCompiled.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Dense(3).activation("relux"));
        assertThrows(IllegalArgumentException.class, () -> small(1).compile("adamw", "mse"));
    }

    @Test
    void divergenceStopsWithoutApplyingTheBadUpdate() {
        Sequential m = new Sequential().seed(1).add(new Flatten().inputShape(8, 8, 1)).add(new Dense(2));
        m.compile(new SGD(1e30), "mse");
        Dataset data = halves(64, 7);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> m.fit(data, FitOptions.epochs(3).batchSize(8).shuffle(false).verbose(false)));
        assertTrue(e.getMessage().startsWith("Training diverged: the loss became"), e.getMessage());
        assertTrue(e.getMessage().contains("lower the learning rate"), e.getMessage());
        for (Parameter p : m.parameters()) {
            assertTrue(Double.isFinite(p.value().sumNumber().doubleValue()), "weights must stay finite");
        }
        assertEquals(History.StopReason.DIVERGED, e.history().stopReason());
    }

    @Test
    void interruptStopsAfterTheCurrentBatchKeepingWeights() {
        Sequential m = small(3).compile("adam", "categorical_crossentropy", "accuracy");
        INDArray before = m.parameters().get(0).value().dup();
        int[] batches = {0};
        TrainingListener interrupter = new TrainingListener() {
            @Override
            public void onBatchEnd(int epoch, int batch, int count, Map<String, Double> logs) {
                batches[0]++;
                if (batches[0] == 3) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        History h = m.fit(halves(256, 8), FitOptions.epochs(5).batchSize(16).callbacks(interrupter).verbose(false));
        assertEquals(3, batches[0]);
        assertEquals(History.StopReason.INTERRUPTED, h.stopReason());
        assertEquals(0, h.epochCount());
        assertTrue(h.stopDetail().contains("after batch 3 of 16"), h.stopDetail());
        assertNotEquals(before, m.parameters().get(0).value());
        assertTrue(!Thread.currentThread().isInterrupted(), "the interrupt flag is consumed");
    }

    @Test
    void listenersSeeEveryBatchAndEpoch() {
        Sequential m = small(4).compile("adam", "categorical_crossentropy", "accuracy");
        List<String> events = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void onTrainBegin(TrainingInfo info) {
                events.add("begin " + info.batchesPerEpoch() + " " + info.metrics());
            }

            @Override
            public void onBatchEnd(int epoch, int batch, int batches, Map<String, Double> logs) {
                events.add("b" + epoch + "." + batch);
            }

            @Override
            public void onEpochEnd(int epoch, Map<String, Double> logs) {
                events.add("e" + epoch);
            }

            @Override
            public void onTrainEnd(History history) {
                events.add("end " + history.epochCount());
            }
        };
        m.fit(halves(40, 9), FitOptions.epochs(2).batchSize(16).callbacks(l).verbose(false));
        assertEquals(List.of("begin 3 [loss, accuracy]", "b0.0", "b0.1", "b0.2", "e0", "b1.0", "b1.1", "b1.2", "e1", "end 2"), events);
    }

    @Test
    void earlyStoppingRestoresTheBestWeights() {
        Sequential m = small(5).compile(new SGD(0.5), "categorical_crossentropy", "accuracy");
        EarlyStopping es = new EarlyStopping("val_loss").patience(0).restoreBestWeights(true);
        es.setModel(m);
        es.onTrainBegin(new TrainingListener.TrainingInfo(m, 10, 8, 8, 1, 8, List.of("loss", "val_loss")));
        INDArray w = m.parameters().get(0).value();
        w.assign(1);
        es.onEpochEnd(0, Map.of("val_loss", 0.5));
        w.assign(2);
        es.onEpochEnd(1, Map.of("val_loss", 0.7));
        assertEquals(1, es.stoppedEpoch());
        assertEquals(0, es.bestEpoch());
        es.onTrainEnd(new History());
        assertEquals(1.0, w.getDouble(0));
        // Keras semantics: patience 2 stops after the second epoch in a row without improvement.
        EarlyStopping two = new EarlyStopping("val_accuracy").patience(2);
        two.setModel(m);
        two.onTrainBegin(new TrainingListener.TrainingInfo(m, 10, 8, 8, 1, 8, List.of("loss", "val_accuracy")));
        two.onEpochEnd(0, Map.of("val_accuracy", 0.5));
        two.onEpochEnd(1, Map.of("val_accuracy", 0.6));
        two.onEpochEnd(2, Map.of("val_accuracy", 0.55));
        assertEquals(-1, two.stoppedEpoch());
        two.onEpochEnd(3, Map.of("val_accuracy", 0.6));
        assertEquals(3, two.stoppedEpoch());
        assertEquals(1, two.bestEpoch());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                new EarlyStopping("val_loss").onTrainBegin(new TrainingListener.TrainingInfo(m, 1, 1, 1, 1, 0, List.of("loss", "accuracy"))));
        assertTrue(e.getMessage().contains("give validationSplit or validationData to fit"), e.getMessage());
    }
}
