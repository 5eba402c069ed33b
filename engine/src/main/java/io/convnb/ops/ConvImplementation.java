package io.convnb.ops;

/**
 * Which arithmetic {@link Conv2DOps#forward} and {@link Conv2DOps#backward} use. All give the same
 * results up to float rounding; they differ in speed by shape.
 */
public enum ConvImplementation {
    /**
     * Per geometry, whichever of the two below ran faster on this machine in the first calls
     * (see {@code AutoTuner}); im2col + GEMM where libnd4j cannot express the geometry.
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
