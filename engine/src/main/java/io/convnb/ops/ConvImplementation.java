package io.convnb.ops;

/**
 * Which arithmetic {@link Conv2DOps#forward} and {@link Conv2DOps#backward} use. All give the same
 * results up to float rounding; they differ in speed by shape.
 */
public enum ConvImplementation {
    /**
     * A fixed rule per geometry ({@code Conv2DOps.forwardPath} / {@code backwardPath}): the direct
     * vectorised convolution for thin float layers (at most {@code Conv2DOps.DIRECT_MAX_CHANNELS} input
     * channels, one group, stride 1) when the JVM has the Vector API; GEMMs for 1x1 kernels; dilated
     * stride-1 float layers as undilated oneDNN convolutions over sub-images; otherwise libnd4j's oneDNN
     * {@code conv2d} forward where it can express the geometry, and for wide layers (at least
     * {@code Conv2DOps.BUILTIN_BACKWARD_MIN_CHANNELS} channels and filters) dx by its {@code deconv2d}
     * with the kernel gradient by im2col + GEMM; im2col + GEMM for the rest. FLOAT depthwise and grouped calls with at most 8
     * channels per group run {@code DepthwiseConvFloat}. Results never depend on timings.
     */
    AUTO,
    /** Always the engine's im2col + GEMM ({@code ConvGemm}). */
    IM2COL_GEMM,
    /**
     * ND4J's built-in {@code conv2d}/{@code conv2d_bp} custom ops where they can express the geometry
     * (one group, no dilation, symmetric or TensorFlow "same" padding), im2col + GEMM otherwise.
     */
    ND4J_BUILTIN,
    /**
     * The engine's direct convolution vectorised over filters ({@code DirectConvFloat}) for every FLOAT
     * call with one group, when the JVM has the Vector API ({@code --add-modules=jdk.incubator.vector});
     * otherwise, and for DOUBLE or grouped calls, what AUTO picks.
     */
    DIRECT
}
