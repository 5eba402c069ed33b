package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad arguments fail with an IllegalArgumentException that names the values and the fix. */
class OpValidationTest {
    private static final INDArray X = Nd4j.zeros(DataType.FLOAT, 1, 5, 5, 3);
    private static final INDArray K = Nd4j.zeros(DataType.FLOAT, 3, 3, 3, 4);

    private static void assertMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void specRejectsNonPositiveStridesAndNegativePads() {
        assertMessage("Conv2DSpec: strideW must be >= 1, got 0; use a stride of at least 1 (1 = every position).",
                () -> new Conv2DSpec(1, 0, 1, 1, 0, 0, 0, 0, 1));
        assertMessage("Conv2DSpec: dilationH must be >= 1, got 0; use a dilation of at least 1 (1 = no dilation).",
                () -> new Conv2DSpec(1, 1, 0, 1, 0, 0, 0, 0, 1));
        assertMessage("Conv2DSpec: padLeft must be >= 0, got -1; padding counts zero rows/columns and cannot be negative.",
                () -> Conv2DSpec.of(1, 1, 0, 0, -1, 0));
        assertMessage("Conv2DSpec: groups must be >= 1, got 0; use groups=1 for an ordinary convolution.",
                () -> Conv2DSpec.unit().withGroups(0));
    }

    @Test
    void convRejectsWrongRankTypeAndChannels() {
        assertMessage("Conv2DOps.forward: input must be rank 4 (N, H, W, C), got rank 3 with shape (5, 5, 3); "
                        + "add the missing axes, e.g. x.reshape(1, h, w, 1) for one single-channel image.",
                () -> Conv2DOps.forward(Nd4j.zeros(DataType.FLOAT, 5, 5, 3), K, null, Conv2DSpec.unit()));
        assertMessage("Conv2DOps.forward: input has data type BFLOAT16; only FLOAT and DOUBLE are supported, "
                        + "convert with input.castTo(DataType.FLOAT).",
                () -> Conv2DOps.forward(Nd4j.zeros(DataType.BFLOAT16, 1, 5, 5, 3), K, null, Conv2DSpec.unit()));
        assertMessage("Conv2DOps.forward: kernel has data type DOUBLE but the input has FLOAT; "
                        + "convert with kernel.castTo(DataType.FLOAT).",
                () -> Conv2DOps.forward(X, K.castTo(DataType.DOUBLE), null, Conv2DSpec.unit()));
        assertMessage("Conv2DOps.forward: kernel (3, 3, 2, 4) expects 2 input channels per group x 1 groups = 2, "
                        + "but input (1, 5, 5, 3) has C=3; use a kernel of shape (3, 3, 3, 4).",
                () -> Conv2DOps.forward(X, Nd4j.zeros(DataType.FLOAT, 3, 3, 2, 4), null, Conv2DSpec.unit()));
        assertMessage("Conv2DOps.forward: kernel must be rank 4 (kh, kw, in, out), got rank 2 with shape (3, 3); "
                        + "reshape it, e.g. to (3, 3, 1, filters).",
                () -> Conv2DOps.forward(X, Nd4j.zeros(DataType.FLOAT, 3, 3), null, Conv2DSpec.unit()));
    }

    @Test
    void convRejectsIndivisibleGroups() {
        assertMessage("Conv2DOps.forward: input channels C=3 of input (1, 5, 5, 3) are not divisible by groups=2; "
                        + "use a groups value that divides 3.",
                () -> Conv2DOps.forward(X, K, null, Conv2DSpec.unit().withGroups(2)));
        assertMessage("Conv2DOps.forward: filters F=4 of kernel (3, 3, 1, 4) are not divisible by groups=3; "
                        + "use a number of filters that is a multiple of 3.",
                () -> Conv2DOps.forward(X, Nd4j.zeros(DataType.FLOAT, 3, 3, 1, 4), null, Conv2DSpec.unit().withGroups(3)));
    }

    @Test
    void convRejectsAnEmptyOutputWithTheFormula() {
        INDArray small = Nd4j.zeros(DataType.FLOAT, 1, 2, 2, 3);
        assertMessage("Conv2DOps.forward: output height = floor((2 + 0 + 0 - 1*(3-1) - 1)/1) + 1 = 0 for input "
                        + "(1, 2, 2, 3) and kernel 3x3; add padding or use a smaller kernel, dilation or stride.",
                () -> Conv2DOps.forward(small, K, null, Conv2DSpec.unit()));
        assertMessage("Conv2DOps.forward: output width = floor((5 + 0 + 0 - 3*(3-1) - 1)/1) + 1 = -1 for input "
                        + "(1, 5, 5, 3) and kernel 3x3; add padding or use a smaller kernel, dilation or stride.",
                () -> Conv2DOps.forward(X, K, null, Conv2DSpec.unit().withDilation(1, 3)));
    }

    @Test
    void convRejectsBadBiasAndGradientShapes() {
        assertMessage("Conv2DOps.forward: bias (3) must hold one value per output channel, (4); "
                        + "pass a vector of length 4 or null for no bias.",
                () -> Conv2DOps.forward(X, K, Nd4j.zeros(DataType.FLOAT, 3), Conv2DSpec.unit()));
        assertMessage("Conv2DOps.backward: dy must have shape (1, 3, 3, 4), got (1, 5, 5, 4); "
                        + "pass the gradient of this op's own output.",
                () -> Conv2DOps.backward(X, K, Nd4j.zeros(DataType.FLOAT, 1, 5, 5, 4), Conv2DSpec.unit(), true, true));
    }

    @Test
    void transposeRejectsAKernelInConvLayout() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 1, 4, 4, 3);
        assertMessage("Conv2DOps.transposeForward: kernel (3, 3, 3, 8) has 8 input channels (last axis) but input "
                        + "(1, 4, 4, 3) has C=3; transposed-conv kernels are (kh, kw, filters/groups, in_channels), "
                        + "use (3, 3, 3, 3).",
                () -> Conv2DOps.transposeForward(x, Nd4j.zeros(DataType.FLOAT, 3, 3, 3, 8), null,
                        Conv2DSpec.unit(), 6, 6));
        assertMessage("Conv2DOps.transposeForward: output size 0x6 must be at least 1x1; compute it with "
                        + "io.convnb.shape from the input size, strides and padding.",
                () -> Conv2DOps.transposeForward(x, Nd4j.zeros(DataType.FLOAT, 3, 3, 2, 3), null,
                        Conv2DSpec.unit(), 0, 6));
    }

    @Test
    void poolingRejectsPadsAsLargeAsTheWindowAndDilation() {
        assertMessage("Pool2DOps.maxForward: pads (top 2, bottom 0, left 0, right 0) must each be smaller than the "
                        + "pool size 2x2, otherwise a window could hold only padding; reduce the padding.",
                () -> Pool2DOps.maxForward(X, 2, 2, Conv2DSpec.of(2, 2, 2, 0, 0, 0)));
        assertMessage("Pool2DOps.avgForward: pooling has no dilation, got dilation 2x1; use a spec with dilation 1.",
                () -> Pool2DOps.avgForward(X, 2, 2, Conv2DSpec.unit().withDilation(2, 1)));
        assertMessage("Pool2DOps.maxForward: output size 0x1 = floor((5 + 0 + 0 - 6)/1) + 1 by floor((5 + 0 + 0 - 5)/1)"
                        + " + 1 for input (1, 5, 5, 3) and pool 6x5; use a smaller pool size or padding=\"same\".",
                () -> Pool2DOps.maxForward(X, 6, 5, Conv2DSpec.unit()));
        assertMessage("Pool2DOps.avgBackward: dy must have shape (1, 2, 2, 3), got (1, 3, 3, 3); "
                        + "pass the gradient of this op's own output.",
                () -> Pool2DOps.avgBackward(Nd4j.zeros(DataType.FLOAT, 1, 3, 3, 3), X.shape(), 2, 2,
                        Conv2DSpec.of(2, 2, 0, 0, 0, 0)));
        assertMessage("Pool2DOps.globalAvgBackward: dy must have shape (1, 3), got (3); "
                        + "pass the gradient of this op's own output.",
                () -> Pool2DOps.globalAvgBackward(Nd4j.zeros(DataType.FLOAT, 3), X.shape()));
    }
}
