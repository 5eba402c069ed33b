package io.convnb.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradients of a convolution's loss with respect to its input, kernel and bias.
 *
 * @param input  dL/dx with the shape of the input, or {@code null} when it was not requested
 * @param kernel dL/dkernel with the shape of the kernel
 * @param bias   dL/dbias of shape (F), or {@code null} when the convolution has no bias
 */
public record ConvGradients(INDArray input, INDArray kernel, INDArray bias) {
}
