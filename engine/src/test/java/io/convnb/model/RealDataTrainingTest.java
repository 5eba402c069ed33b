package io.convnb.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.data.Dataset;
import io.convnb.data.Datasets;
import io.convnb.data.TrainTest;
import org.junit.jupiter.api.Test;

/**
 * Short training runs on small real subsets. The thresholds are well below what the runs reach (see
 * the comments) so they test learning, not luck; the full-size targets live in the benchmark.
 */
class RealDataTrainingTest {
    @Test
    void tutorialModelLearnsFashionMnistSubset() {
        TrainTest data = Datasets.fashionMnist();
        Dataset train = data.train().stratifiedSample(3000, 1);
        Dataset test = data.test().stratifiedSample(1000, 2);
        Sequential model = SequentialTest.tutorialModel();
        model.compile("adam", "categorical_crossentropy", "accuracy");
        History h = model.fit(train, FitOptions.epochs(2).batchSize(64).verbose(false));
        Scores s = model.evaluate(test);
        // measured: about 0.78-0.80 after 2 epochs on 3,000 images
        assertTrue(s.accuracy() >= 0.72, "test accuracy " + s + "; history " + h);
        assertEquals(10, model.confusionMatrix(test).classNames().size());
    }

    @Test
    void tutorialModelLearnsMnistDigitsSubset() {
        TrainTest data = Datasets.mnistDigits(0.2, 3);
        Dataset train = data.train().stratifiedSample(2000, 4);
        Sequential model = SequentialTest.tutorialModel();
        model.compile("adam", "categorical_crossentropy", "accuracy");
        model.fit(train, FitOptions.epochs(2).batchSize(64).verbose(false));
        Scores s = model.evaluate(data.test());
        // measured: about 0.93 on the held-out 20 %
        assertTrue(s.accuracy() >= 0.85, "test accuracy " + s);
    }
}
