package io.convnb.data;

import static io.convnb.data.DatasetTest.indexed;
import static io.convnb.data.DatasetTest.sampleId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

class BatchIteratorTest {

    /** The sample ids in visiting order, checking each batch's rows against its labels and metadata. */
    private static List<Integer> epoch(BatchIterator it, int batchSize, int n) {
        List<Integer> ids = new ArrayList<>();
        int expectedCount = (n + batchSize - 1) / batchSize;
        int index = 0;
        while (it.hasNext()) {
            Batch b = it.next();
            assertEquals(index, b.index());
            assertEquals(expectedCount, b.count());
            int expectedSize = index < expectedCount - 1 ? batchSize : n - (expectedCount - 1) * batchSize;
            assertEquals(expectedSize, b.size());
            assertEquals(expectedSize, b.features().size(0));
            assertArrayEquals(new long[] {expectedSize, 2, 2, 1}, b.features().shape());
            assertArrayEquals(new long[] {expectedSize, 3}, b.labels().shape());
            for (int r = 0; r < b.size(); r++) {
                int id = sampleId(b.features(), r);
                // every pixel of the row came from the same sample, and the label row matches it
                assertEquals(id, b.features().getFloat(r, 1, 1, 0));
                for (int c = 0; c < 3; c++) {
                    assertEquals(c == id % 3 ? 1f : 0f, b.labels().getFloat(r, c));
                }
                ids.add(id);
            }
            assertEquals(index == expectedCount - 1, b.isLast());
            index++;
        }
        assertEquals(expectedCount, index);
        return ids;
    }

    @Test
    void everySampleExactlyOncePerEpochWithAPartialLastBatch() {
        int n = 103;
        List<Integer> ids = epoch(indexed(n).batches(10, true, 5), 10, n);
        assertEquals(n, ids.size());
        int[] sorted = ids.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        assertArrayEquals(all, sorted);
        // shuffled: not the identity order
        assertFalse(Arrays.equals(all, ids.stream().mapToInt(Integer::intValue).toArray()));
    }

    @Test
    void unshuffledVisitsInOrder() {
        List<Integer> ids = epoch(indexed(25).batches(8, false, 99), 8, 25);
        for (int i = 0; i < 25; i++) {
            assertEquals(i, ids.get(i));
        }
    }

    @Test
    void sameSeedSameOrderDifferentSeedDifferentOrder() {
        Dataset d = indexed(200);
        List<Integer> a = epoch(d.batches(32, true, 11), 32, 200);
        List<Integer> b = epoch(d.batches(32, true, 11), 32, 200);
        List<Integer> c = epoch(d.batches(32, true, 12), 32, 200);
        assertEquals(a, b);
        assertFalse(a.equals(c));
        // reset(seed) on a used iterator reproduces a fresh iterator's order
        BatchIterator it = d.batches(32, true, 12);
        epoch(it, 32, 200);
        assertEquals(a, epoch(it.reset(11), 32, 200));
        assertArrayEquals(a.stream().mapToInt(Integer::intValue).toArray(), it.order());
    }

    @Test
    void batchesReuseTheirBuffersAndWorkOnViews() {
        Dataset d = indexed(50).slice(10, 50);   // a view with an offset into the parent
        BatchIterator it = d.batches(16, false, 0);
        Batch first = it.next();
        Batch second = it.next();
        assertSame(first.features(), second.features(), "full batches share one buffer");
        assertEquals(26, sampleId(first.features(), 0), "the buffer now holds the second batch");
        Batch last = it.next();
        assertEquals(8, last.size());
        assertEquals(42, sampleId(last.features(), 0));
        assertEquals(49, sampleId(last.features(), 7));
        assertThrows(NoSuchElementException.class, it::next);
        assertTrue(d.batches(16, false, 0).hasNext());
    }

    @Test
    void nonContiguousLabelsTakeTheNd4jGatherPathWithTheSameResult() {
        Dataset plain = indexed(37);
        // the same one-hot labels, stored transposed: (N, 3) with strides (1, N), not one C-order block
        org.nd4j.linalg.api.ndarray.INDArray transposed = plain.labels().transpose().dup('c').transpose();
        assertFalse(NativeFloats.isContiguousFloat(transposed));
        Dataset strided = Dataset.of("strided", plain.features(), transposed, plain.classNames());
        assertEquals(epoch(plain.batches(8, true, 4), 8, 37), epoch(strided.batches(8, true, 4), 8, 37));
    }

    @Test
    void batchLargerThanDataAndExactMultiple() {
        List<Integer> ids = epoch(indexed(5).batches(64, true, 1), 5, 5);
        assertEquals(5, ids.size());
        BatchIterator it = indexed(30).batches(10, false, 0);
        assertEquals(3, it.count());
        epoch(it, 10, 30);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> indexed(5).batches(0, true, 1));
        assertEquals("batchSize must be at least 1, got 0 (Dataset 'toy' has 5 samples)", e.getMessage());
    }
}
