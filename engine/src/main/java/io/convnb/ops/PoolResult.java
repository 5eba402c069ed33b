package io.convnb.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Output of a max pooling plus what its backward pass needs.
 *
 * @param output     pooled tensor (N, OH, OW, C)
 * @param argmax     for each output element (C order), the flat C-order index in the input of the
 *                   cell that won the window (the first maximum in row-major window order on ties)
 * @param inputShape shape of the pooled input (N, H, W, C)
 */
public record PoolResult(INDArray output, int[] argmax, long[] inputShape) {
}
