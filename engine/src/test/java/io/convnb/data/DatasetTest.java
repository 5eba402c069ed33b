package io.convnb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DatasetTest {
    static final List<String> ABC = List.of("a", "b", "c");

    /** N samples of shape (2, 2, 1) whose every pixel equals the sample index; label i mod 3. */
    static Dataset indexed(int n) {
        float[] f = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 4; p++) {
                f[i * 4 + p] = i;
            }
            labels[i] = i % 3;
        }
        return Dataset.ofIndices("toy", Nd4j.create(f, new long[] {n, 2, 2, 1}, DataType.FLOAT), labels, ABC);
    }

    static int sampleId(INDArray features, int row) {
        return Math.round(features.getFloat(row, 0, 0, 0));
    }

    @Test
    void ofValidatesShapesWithTheValues() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 4, 2, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of("d", x, Nd4j.zeros(DataType.FLOAT, 3, 3), ABC));
        assertEquals("Dataset 'd': features have 4 samples [4, 2, 2, 1] but labels have 3 [3, 3]; both need the same "
                + "first dimension N", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of("d", x, Nd4j.zeros(DataType.FLOAT, 4), ABC));
        assertTrue(e.getMessage().contains("labels must be one-hot (N, classes), got shape [4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of("d", Nd4j.zeros(DataType.FLOAT, 4),
                Nd4j.zeros(DataType.FLOAT, 4, 3), ABC));
        assertTrue(e.getMessage().contains("features must have rank >= 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of("d", x, Nd4j.zeros(DataType.FLOAT, 4, 2), ABC));
        assertTrue(e.getMessage().contains("labels have 2 columns [4, 2] but there are 3 class names [a, b, c]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.ofIndices("d", x, new int[] {0, 1, 3, 0}, ABC));
        assertTrue(e.getMessage().contains("label 3 of sample 2 is outside [0, 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of("d", Nd4j.zeros(DataType.INT32, 4, 1), Nd4j.zeros(DataType.FLOAT, 4, 3), ABC));
        assertTrue(e.getMessage().contains("data type INT; use a floating type"), e.getMessage());
    }

    @Test
    void ofDerivesLabelIndicesAndCastsDoubles() {
        INDArray labels = Nd4j.createFromArray(new double[][] {{0, 1, 0}, {0.1, 0.2, 0.7}, {1, 0, 0}});
        Dataset d = Dataset.of("d", Nd4j.zeros(DataType.DOUBLE, 3, 5), labels, ABC);
        assertArrayEquals(new int[] {1, 2, 0}, d.labelIndices());
        assertEquals(DataType.FLOAT, d.features().dataType());
        assertEquals(DataType.FLOAT, d.labels().dataType());
        assertArrayEquals(new long[] {5}, d.sampleShape());
        assertEquals(3, d.numClasses());
        assertEquals("Dataset 'd': 3 samples of (5), 3 classes", d.toString());
    }

    @Test
    void sliceTakeAndSplitAreOrderedViews() {
        Dataset d = indexed(10);
        Dataset s = d.slice(3, 7);
        assertEquals(4, s.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(3 + i, sampleId(s.features(), i));
            assertEquals((3 + i) % 3, s.labelIndex(i));
            assertEquals(1f, s.labels().getFloat(i, (3 + i) % 3));
        }
        assertEquals("toy[3:7]", s.name());
        assertEquals(2, d.take(2).size());
        assertSame(d, d.take(10));

        // Keras validation_split=0.25 keeps the first floor(10 * 0.75) = 7 for training, the last 3 for validation
        Dataset[] parts = d.split(0.75);
        assertEquals(7, parts[0].size());
        assertEquals(3, parts[1].size());
        assertEquals(7, sampleId(parts[1].features(), 0));
        assertEquals(9, sampleId(parts[1].features(), 2));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.slice(5, 11));
        assertEquals("Dataset 'toy': slice(5, 11) needs 0 <= from < to <= size() = 10", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.split(0.05));
        assertTrue(e.getMessage().contains("split(0.05) of 10 samples gives parts of 0 and 10"), e.getMessage());
    }

    @Test
    void stratifiedSampleIsBalancedSeededAndWithoutRepeats() {
        Dataset d = indexed(300);   // 100 per class
        Dataset s = d.stratifiedSample(31, 42);
        assertArrayEquals(new int[] {11, 10, 10}, s.classCounts());
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < s.size(); i++) {
            int id = sampleId(s.features(), i);
            assertTrue(seen.add(id), "sample " + id + " drawn twice");
            assertEquals(id % 3, s.labelIndex(i), "label travels with its image");
            assertEquals(1f, s.labels().getFloat(i, id % 3));
        }
        Dataset again = d.stratifiedSample(31, 42);
        assertEquals(s.features(), again.features());
        Dataset other = d.stratifiedSample(31, 43);
        assertNotEquals(s.features(), other.features());

    }

    @Test
    void stratifiedSampleFailsWhenAClassIsTooSmall() {
        // classes a, b, c hold 6, 1, 3 samples; n = 9 asks 3 of each
        Dataset d = Dataset.ofIndices("skewed", Nd4j.zeros(DataType.FLOAT, 10, 2), new int[] {0, 0, 0, 0, 0, 0, 1, 2, 2, 2}, ABC);
        assertArrayEquals(new int[] {1, 1, 1}, d.stratifiedSample(3, 1).classCounts());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.stratifiedSample(9, 1));
        assertEquals("Dataset 'skewed': stratifiedSample(9) needs 3 samples of class 1 'b' but there are only 1; ask for at most 3 samples",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> d.stratifiedSample(11, 1));
        assertEquals("Dataset 'skewed': stratifiedSample(11) needs 1 <= n <= size() = 10", e.getMessage());
    }

    @Test
    void stratifiedSplitKeepsClassSharesAndPartitions() {
        Dataset d = indexed(300);
        TrainTest tt = Datasets.stratifiedSplit(d, 0.2, 7);
        assertArrayEquals(new int[] {80, 80, 80}, tt.train().classCounts());
        assertArrayEquals(new int[] {20, 20, 20}, tt.test().classCounts());
        Set<Integer> all = new HashSet<>();
        for (Dataset part : new Dataset[] {tt.train(), tt.test()}) {
            for (int i = 0; i < part.size(); i++) {
                assertTrue(all.add(sampleId(part.features(), i)));
            }
        }
        assertEquals(300, all.size());
        assertEquals(tt.test().features(), Datasets.stratifiedSplit(d, 0.2, 7).test().features());
    }
}
