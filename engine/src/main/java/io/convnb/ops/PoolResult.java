package io.convnb.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Output of a max pooling plus what its backward pass needs.
 *
 * @param output     pooled tensor (N, OH, OW, C)
 * @param argmax     for each output element (C order), the flat C-order index in the input of the
 *                   cell that won the window (the first maximum in row-major window order on ties);
 *                   null on the FLOAT path, which finds the winners again from {@code input}
 * @param inputShape shape of the pooled input (N, H, W, C)
 * @param input      the pooled input (C order) when {@code argmax} is null, else null; it must not change
 *                   before the backward pass (in a training step it lives in the step's workspace)
 * @param poolH      window height, with {@code poolW} and {@code spec} the geometry to find winners again
 * @param poolW      window width
 * @param spec       strides and pads of the pooling
 */
public record PoolResult(INDArray output, int[] argmax, long[] inputShape, INDArray input, int poolH, int poolW,
                         Conv2DSpec spec) {
    /** A result that carries its argmax. */
    public PoolResult(INDArray output, int[] argmax, long[] inputShape) {
        this(output, argmax, inputShape, null, 0, 0, null);
    }
}
