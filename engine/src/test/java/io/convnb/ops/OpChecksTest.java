package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link OpChecks#plain}: which arrays the kernels read in place, and which they copy first. */
class OpChecksTest {

    @Test
    void axesOfLengthOneDoNotForceACopy() {
        // A Conv1D batch (N, L, C) seen as (N, 1, L, C), as the layer reshapes it; ND4J gives the new axis
        // the stride of the next one.
        INDArray sequence = Nd4j.rand(DataType.FLOAT, 4, 10, 3);
        INDArray image = sequence.reshape(4, 1, 10, 3);
        assertTrue(OpChecks.isPlain(image), java.util.Arrays.toString(image.stride()));
        assertSame(image, OpChecks.plain(image));
        // One image, and one input channel (the tutorial's (N, 28, 28, 1)).
        INDArray single = Nd4j.rand(DataType.FLOAT, 1, 6, 6, 1);
        assertSame(single, OpChecks.plain(single));
        INDArray oneChannel = Nd4j.rand(DataType.FLOAT, 5, 6, 6, 1);
        assertSame(oneChannel, OpChecks.plain(oneChannel));
    }

    @Test
    void viewsWithGapsOrOffsetsAreCopiedInCOrder() {
        INDArray batch = Nd4j.arange(0, 2 * 3 * 4 * 5).castTo(DataType.FLOAT).reshape(2, 3, 4, 5);
        INDArray[] notPlain = {
            batch.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2)),   // gaps
            batch.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()),         // offset
            batch.permute(0, 2, 1, 3),                                                                           // order
            batch.dup('f'),
        };
        for (INDArray view : notPlain) {
            assertFalse(OpChecks.isPlain(view), java.util.Arrays.toString(view.stride()) + " offset " + view.offset());
            INDArray copy = OpChecks.plain(view);
            assertNotSame(view, copy);
            assertTrue(OpChecks.isPlain(copy));
            assertEquals(view, copy);
        }
        // A view of length-1 axes is plain only when it starts at the buffer's start and spans it all.
        INDArray first = batch.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
        assertFalse(OpChecks.isPlain(first));
    }
}
