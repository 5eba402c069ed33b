package io.convnb.ops;

/**
 * Which arithmetic {@link Conv2DOps#forward} and {@link Conv2DOps#backward} use. All give the same
 * results up to float rounding; they differ in speed by shape.
 */
public enum ConvImplementation {
    /**
     * libnd4j's oneDNN op for every forward pass it can express, and for the backward pass of wide
     * layers (at least {@code Conv2DOps.BUILTIN_BACKWARD_MIN_CHANNELS} input channels and filters);
     * im2col + GEMM otherwise. A fixed rule, so results never depend on timings.
     */
    AUTO,
    /** Always the engine's im2col + GEMM ({@code ConvGemm}). */
    IM2COL_GEMM,
    /**
     * ND4J's built-in {@code conv2d}/{@code conv2d_bp} custom ops where they can express the geometry
     * (one group, no dilation, symmetric or TensorFlow "same" padding), im2col + GEMM otherwise.
     */
    ND4J_BUILTIN
}
