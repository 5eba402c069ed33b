package io.convnb.ops;

import static io.convnb.ops.OpChecks.shape;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Fast 2-D convolution and transposed convolution on NHWC tensors, forward and backward.
 *
 * <p>Layouts follow Keras: images (N, H, W, C), conv kernels (kh, kw, C/groups, F), transposed-conv
 * kernels (kh, kw, F/groups, C), bias (F). Geometry is explicit ({@link Conv2DSpec}); per axis
 * {@code OH = floor((H + padTop + padBottom - dilationH*(kh-1) - 1)/strideH) + 1}. Output channel f
 * of group {@code g = f / (F/groups)} sees input channels {@code [g*C/groups, (g+1)*C/groups)}.
 *
 * <p>The arithmetic is chosen per geometry by a fixed rule ({@link #forwardPath}, {@link #backwardPath}):
 * direct vectorised loops for thin layers ({@link DirectConvFloat}), GEMMs for 1x1 kernels and
 * im2col + GEMM ({@link ConvGemm}), ND4J's built-in oneDNN ops ({@link BuiltinConv}, also over the
 * sub-images of a dilated layer, {@link DilatedConv}); {@link ConvReference} is the readable loop
 * version of the same sums. Inputs may be views; FLOAT and DOUBLE are supported.
 */
public final class Conv2DOps {
    private static volatile ConvImplementation implementation = initialImplementation();

    private Conv2DOps() {
    }

    /**
     * Chooses the arithmetic of {@link #forward} and {@link #backward} for all threads (default
     * {@link ConvImplementation#AUTO}, or the system property {@code convnb.conv.impl}); for
     * comparing speeds. Transposed convolutions always use im2col + GEMM.
     */
    public static void useImplementation(ConvImplementation impl) {
        if (impl == null) {
            throw new IllegalArgumentException("Conv2DOps.useImplementation: implementation is null; pass one of "
                    + java.util.Arrays.toString(ConvImplementation.values()) + ".");
        }
        implementation = impl;
    }

    /** The implementation set by {@link #useImplementation}. */
    public static ConvImplementation implementation() {
        return implementation;
    }

    private static ConvImplementation initialImplementation() {
        String p = System.getProperty("convnb.conv.impl", "AUTO");
        try {
            return ConvImplementation.valueOf(p.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("System property convnb.conv.impl=" + p + " is not one of "
                    + java.util.Arrays.toString(ConvImplementation.values()) + "; remove it or use AUTO.", e);
        }
    }

    /**
     * Smallest channel count (input and filters) for which AUTO runs the backward pass with libnd4j's
     * oneDNN op. Measured here (GFLOP/s, im2col + GEMM against oneDNN): forward A (64,28,28,1)x32 3x3
     * 3.7 / 32, B (32,56,56,64)x64 3x3 102 / 212, C (16,224,224,3)x64 7x7/2 84 / 84, so forward always
     * prefers oneDNN; backward A 10.2 / 9.6, B 85 / 197, C 71 / 43, so backward prefers it only for
     * wide layers. A fixed rule rather than a timing race, so that the same model on the same machine
     * computes the same numbers every run.
     */
    static final int BUILTIN_BACKWARD_MIN_CHANNELS = 16;

    /**
     * Most filters for which AUTO runs the whole backward pass of a FLOAT stride-1 layer (more than
     * {@link #DIRECT_MAX_CHANNELS} input channels, a kernel larger than 1x1, dx needed) as libnd4j's
     * {@code conv2d_bp}: oneDNN's backward-weights kernel beats im2col + GEMM there by 2-3x. Measured here
     * (AMD EPYC, 2 threads, ms, im2col/deconvolution rule against {@code conv2d_bp}): (16,64,64,32) x32
     * 3x3 36 / 10; (32,56,56,64) x64 3x3 79-206 / 38-88; (64,14,14,32) x64 6.0-8.6 / 3.8; (16,28,28,128)
     * x64 18.9 / 11.3; (32,16,16,64) x32 4.6-5.7 / 2.4; (64,28,28,8) x16 5.7 / 3.5-4.0.
     *
     * <p>Thin layers (at most {@link #DIRECT_MAX_CHANNELS} channels, which reach this rule only on a JVM
     * without the Vector API) keep im2col + GEMM: in the layer benchmark's plain-JVM column
     * {@code conv2d_bp} made the tutorial layer's step 11-13 ms against 14, and the RGB first layer's 10-43
     * ms (89 once) against 10-11. With 128 filters or more oneDNN picks Winograd for dx from 16 images up
     * ({@code jit_wino_4x3}), which ran 3-6 times slower than deconvolution ((16,28,28,128) x128 92-102 /
     * 28-32, (16,14,14,256) x256 190 / 31), so wider layers keep {@link Path#BUILTIN_INPUT_GRADIENT}.
     * Strided layers and 1x1 kernels gained nothing measurable and keep their paths. Kernels of height
     * or width 1 but not both (Conv1D) did not gain either when first measured, in JVMs whose oneDNN
     * buffers page-faulted (before {@link NativeMalloc}); with the malloc thresholds fixed,
     * {@code conv2d_bp} took (64,1000,64) x64 kernel 5 to 22-25 ms against 33-39 (dx by deconvolution,
     * the kernel gradient by im2col + GEMM), (32,2000,32) x32 kernel 3 to 7-8.5 ms against 12-14.5 and
     * (64,500,16) x16 kernel 9 to 1.7-2.4 ms against 4.3-6.5; (16,4000,128) x128 kernel 3 took 131-141
     * against 68-76, within the filter limit's reason.
     */
    static final int BUILTIN_BACKWARD_MAX_FILTERS = 64;

    /** Whether AUTO runs the whole backward pass with {@code conv2d_bp} (see {@link #BUILTIN_BACKWARD_MAX_FILTERS}). */
    static boolean builtinWholeBackward(ConvGeometry g, DataType type, boolean needInput) {
        return needInput && type == DataType.FLOAT && g.groups() == 1 && g.sh() == 1 && g.sw() == 1
                && (g.kh() > 1 || g.kw() > 1) && g.f() <= BUILTIN_BACKWARD_MAX_FILTERS && g.c() > DIRECT_MAX_CHANNELS;
    }

    /**
     * Most input channels for which AUTO runs the direct vectorised convolution ({@link DirectConvFloat}),
     * which it does only at stride 1. Measured here, GFLOP/s forward+backward (with dx), direct against
     * the previous rule (oneDNN forward, im2col + GEMM backward): (64,28,28,1) x32 3x3 about 45 / 12;
     * (32,32,32,3) x32 3x3 same 35 / 21; (32,32,32,4) 54 / 30. Not chosen: (32,28,28,8) x16, where
     * oneDNN reached 52 against 36, and strided layers: (16,224,224,3) x64 7x7 stride 2 gave 28 against 66,
     * because the input-gradient gather of a strided layer visits sh*sw times the cells it needs.
     */
    static final int DIRECT_MAX_CHANNELS = 4;

    /** Whether {@link DirectConvFloat} can compute a call of this geometry and type in this JVM. */
    private static boolean directApplies(ConvGeometry g, DataType type) {
        return VectorSupport.available() && type == DataType.FLOAT && g.groups() == 1
                && (long) g.n() * g.h() * g.w() * g.c() <= Integer.MAX_VALUE
                && (long) g.n() * g.cellsPerImage() * g.f() <= Integer.MAX_VALUE && DirectConvFloat.fits(g);
    }

    /** Whether a call of this geometry and type runs {@link DirectConvFloat}. */
    static boolean direct(ConvGeometry g, DataType type) {
        return directApplies(g, type) && switch (implementation) {
            case DIRECT -> true;
            case AUTO -> g.c() <= DIRECT_MAX_CHANNELS && g.sh() == 1 && g.sw() == 1;
            default -> false;
        };
    }

    /**
     * Whether AUTO computes only the input gradient of a call directly: thin layers with strides, whose
     * kernel gradient im2col + GEMM computes faster (on (16,224,224,3) x64 7x7 stride 2, dW 55 ms
     * against 91 direct; dx about 52 ms direct against 64 through im2col + GEMM and col2im).
     */
    static boolean directInputGradient(ConvGeometry g, DataType type) {
        return implementation == ConvImplementation.AUTO && g.c() <= DIRECT_MAX_CHANNELS && (g.sh() > 1 || g.sw() > 1)
                && directApplies(g, type);
    }

    /**
     * Whether the direct vectorised convolution for thin layers can run in this JVM, and if not, why:
     * it needs the JDK Vector API ({@code --add-modules=jdk.incubator.vector}).
     */
    public static String directKernels() {
        return VectorSupport.describe();
    }

    /**
     * Whether layers with one group and more than {@link #DIRECT_MAX_CHANNELS} input channels run through
     * oneDNN's own primitives ({@code org.bytedeco:dnnl}) in this JVM, with its version, or why not.
     */
    public static String oneDnnConvolutions() {
        return OneDnnConv.enabled ? "on, " + OneDnnConv.describe() : "off: " + OneDnnConv.describe();
    }

    /**
     * Whether AUTO takes the backward pass of a thin stride-1 FLOAT layer to {@link PlanarConvFloat}: in a
     * JVM without the Vector API ({@code vectorApi} false), where {@link DirectConvFloat} cannot run. On
     * (64,28,28,1) x32 3x3 it took the plain JVM's backward pass from 11-12 ms (im2col + GEMM and a
     * separate ReLU-mask pass) to 2.9-3.0 ms, the layer's whole step from 13.9-16.5 to 4.2-4.4 ms (with the
     * Vector API: 1.7-2.1 ms).
     */
    static boolean planar(ConvGeometry g, DataType type, boolean vectorApi) {
        return implementation == ConvImplementation.AUTO && !vectorApi && PlanarConvFloat.applies(g, type);
    }

    /**
     * Whether a call runs {@link DepthwiseConvFloat}: AUTO (and DIRECT, which leaves grouped calls to
     * AUTO) for FLOAT depthwise and grouped layers with at most {@link DepthwiseConvFloat#MAX_GROUP_CHANNELS}
     * input channels per group, in any JVM (vectorised with the Vector API, else plain Java loops
     * that C2 does not vectorise, still several times faster than the GEMM path). A per-group GEMM is
     * left to layers with wider groups, where its K = kh*kw*C/groups columns keep it busy. Figures in
     * the class comment of DepthwiseConvFloat.
     */
    static boolean depthwise(ConvGeometry g, DataType type) {
        return (implementation == ConvImplementation.AUTO || implementation == ConvImplementation.DIRECT)
                && DepthwiseConvFloat.applies(g, type);
    }

    /** The arithmetic of one call, as {@link #forwardPath} and {@link #backwardPath} choose it. */
    enum Path {
        /** {@link DirectConvFloat}: forward, or every gradient. */
        DIRECT,
        /** Backward only: dx gathered by {@link DirectConvFloat}, the kernel gradient by im2col + GEMM. */
        DIRECT_INPUT_GRADIENT,
        /** Backward only, in a JVM without the Vector API: {@link PlanarConvFloat} for thin stride-1 layers. */
        PLANAR,
        /**
         * Depthwise and narrow-group FLOAT layers: {@link DepthwiseConvFloat}, except that libnd4j's
         * {@code depthwise_conv2d} runs the forward pass of depthwise layers with symmetric pads and, at
         * stride 1 with one output channel per input channel, their dx (see {@link BuiltinConv#depthwiseApplies}).
         */
        DEPTHWISE,
        /**
         * libnd4j's oneDNN {@code conv2d} (forward) or {@code conv2d_bp} (backward: see
         * {@link #builtinWholeBackward}, or forced ND4J_BUILTIN).
         */
        BUILTIN,
        /**
         * FLOAT layers with one group, more than {@link #DIRECT_MAX_CHANNELS} input channels and a kernel
         * larger than 1x1, any stride, padding and dilation: oneDNN's convolution primitives called
         * directly on the NHWC tensors ({@link OneDnnConv}), forward and every gradient.
         */
        ONEDNN,
        /** Backward only: dx by libnd4j's oneDNN {@code deconv2d}, the kernel gradient by im2col + GEMM. */
        BUILTIN_INPUT_GRADIENT,
        /**
         * Dilated stride-1 FLOAT layers ({@link DilatedConv}): the undilated oneDNN op over sub-images;
         * backward, {@code conv2d_bp} there (at most {@link #BUILTIN_BACKWARD_MAX_FILTERS} filters), else dx
         * by its deconvolution there (wide layers) and the kernel gradient by im2col + GEMM.
         */
        DILATED_AS_BATCH,
        /** {@link ConvGemm}: im2col + GEMM, or plain GEMMs on the input when it is its own patch matrix (1x1). */
        IM2COL_GEMM
    }

    /**
     * The AUTO rule for the forward pass, fixed per geometry: thin float layers run direct; 1x1 kernels
     * are GEMMs over (N*H*W, C) ({@link ConvGemm#inputIsPatchMatrix}; a strided one first subsamples);
     * dilated stride-1 float layers run oneDNN on sub-images ({@link DilatedConv}); the rest run
     * libnd4j's oneDNN op where it can express the geometry, else im2col + GEMM.
     */
    static Path forwardPath(ConvGeometry g, Conv2DSpec s, DataType type) {
        if (direct(g, type)) {
            return Path.DIRECT;
        }
        if (depthwise(g, type)) {
            return Path.DEPTHWISE;
        }
        return switch (implementation) {
            case IM2COL_GEMM -> Path.IM2COL_GEMM;
            case ND4J_BUILTIN -> BuiltinConv.padMode(g, s) >= 0 ? Path.BUILTIN : Path.IM2COL_GEMM;
            case AUTO, DIRECT -> pointwise(g) ? Path.IM2COL_GEMM
                    : oneDnn(g, type) ? Path.ONEDNN
                    : DilatedConv.applies(g, type) ? Path.DILATED_AS_BATCH
                    : BuiltinConv.padMode(g, s) >= 0 ? Path.BUILTIN : Path.IM2COL_GEMM;
        };
    }

    /**
     * The AUTO rule for the backward pass: thin float layers direct (dx only, for strided ones); 1x1
     * kernels GEMMs; FLOAT layers with one group that {@link #oneDnn} takes, oneDNN's own primitives;
     * where those are off, FLOAT stride-1 layers with more than {@link #DIRECT_MAX_CHANNELS} input channels, a
     * kernel larger than 1x1 and at most {@link #BUILTIN_BACKWARD_MAX_FILTERS} filters libnd4j's
     * {@code conv2d_bp} when dx is needed (over the sub-images when dilated); wider layers (at least
     * {@link #BUILTIN_BACKWARD_MIN_CHANNELS} channels and filters) that oneDNN can express take dx from its
     * deconvolution and the kernel gradient from one GEMM per chunk over the patch matrix; the rest
     * im2col + GEMM. On the AMD EPYC machines here
     * {@code conv2d_bp} took 93 ms where deconvolution + GEMM took about 35 on (16,28,28,128) x128 3x3
     * (oneDNN's Winograd dx), and 200 ms against 20 for GEMMs on a 1x1 layer.
     */
    static Path backwardPath(ConvGeometry g, Conv2DSpec s, DataType type, boolean needInput) {
        if (direct(g, type)) {
            return Path.DIRECT;
        }
        if (planar(g, type, VectorSupport.available())) {
            return Path.PLANAR;
        }
        if (depthwise(g, type)) {
            return Path.DEPTHWISE;
        }
        if (needInput && directInputGradient(g, type)) {
            return Path.DIRECT_INPUT_GRADIENT;
        }
        return switch (implementation) {
            case IM2COL_GEMM -> Path.IM2COL_GEMM;
            case ND4J_BUILTIN -> BuiltinConv.padMode(g, s) >= 0 ? Path.BUILTIN : Path.IM2COL_GEMM;
            case AUTO, DIRECT -> {
                boolean wide = g.c() >= BUILTIN_BACKWARD_MIN_CHANNELS && g.f() >= BUILTIN_BACKWARD_MIN_CHANNELS;
                boolean whole = builtinWholeBackward(g, type, needInput);
                if (pointwise(g)) {
                    yield Path.IM2COL_GEMM;
                }
                if (oneDnn(g, type)) {
                    yield Path.ONEDNN;
                }
                if (!needInput) {
                    yield Path.IM2COL_GEMM;
                }
                if (DilatedConv.applies(g, type)) {
                    yield whole || wide ? Path.DILATED_AS_BATCH : Path.IM2COL_GEMM;
                }
                if (whole && BuiltinConv.padMode(g, s) >= 0) {
                    yield Path.BUILTIN;
                }
                yield wide && BuiltinConv.deconvApplies(g, s) ? Path.BUILTIN_INPUT_GRADIENT : Path.IM2COL_GEMM;
            }
        };
    }

    /**
     * Whether AUTO runs a layer through {@link OneDnnConv}: where it applies (FLOAT, one group, a kernel
     * larger than 1x1, the presets loaded and on) and the layer is not thin. Measured here (2-vCPU AMD
     * EPYC, layer steps or forward and backward with dx, ms, against the rules below): dilated
     * (16,64,64,32) x32 3x3 14.1-15.2 / 23-27; (16,28,28,128) x128 3x3 32.6-34.5 / 41.6; Conv1D
     * (64,1000,64) x64 kernel 5 31-33 / 39.5; stride 2 (32,56,56,64) x128 3x3 43-44.5 / 51.5,
     * (16,56,56,64) x128 23 / 28-32, (32,28,28,32) x64 2.4 / 5.5-6.9, (64,14,14,128) x256 18.8-23 /
     * 21-23.8, (8,112,112,16) x32 5x5 7.2-7.4 / 18-18.5. Thin layers keep {@link DirectConvFloat} and
     * {@link PlanarConvFloat}.
     */
    static boolean oneDnn(ConvGeometry g, DataType type) {
        return OneDnnConv.applies(g, type) && g.c() > DIRECT_MAX_CHANNELS;
    }

    /** A 1x1 kernel with one group: its patch matrix is the input or a subsample of it. */
    private static boolean pointwise(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.groups() == 1;
    }

    /**
     * Convolution (cross-correlation, as in Keras):
     * {@code y[n,oh,ow,f] = bias[f] + sum_{i,j,c} x[n, oh*sh - padTop + i*dh, ow*sw - padLeft + j*dw, g*Cg + c] * kernel[i,j,c,f]},
     * cells outside the input reading zero.
     *
     * @param x          input (N, H, W, C)
     * @param kernel     (kh, kw, C/groups, F)
     * @param biasOrNull (F) or {@code null}
     * @return (N, OH, OW, F)
     */
    public static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, Conv2DSpec s) {
        return forward(x, kernel, biasOrNull, s, false);
    }

    /**
     * {@link #forward}, followed by {@code max(0, y)} when {@code relu}: the direct path rectifies each
     * output tile while it is in cache, oneDNN's primitives as they write it (a post-op), the others
     * rectify the fresh output in place.
     */
    public static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, Conv2DSpec s, boolean relu) {
        ConvGeometry g = convGeometry("Conv2DOps.forward", x, kernel, s);
        checkBias("Conv2DOps.forward", x, biasOrNull, g.f());
        Path path = forwardPath(g, s, x.dataType());
        INDArray y = switch (path) {
            case DIRECT -> DirectConvFloat.forward(x, kernel, biasOrNull, g, relu);
            case BUILTIN -> BuiltinConv.forward(OpChecks.plain(x), OpChecks.plain(kernel), biasOrNull, g, s,
                    BuiltinConv.padMode(g, s));
            case DILATED_AS_BATCH -> DilatedConv.forward(x, kernel, biasOrNull, g);
            case ONEDNN -> OneDnnConv.forward(x, kernel, biasOrNull, g, relu);
            case DEPTHWISE -> BuiltinConv.depthwiseApplies(g, s, x.dataType())
                    ? BuiltinConv.depthwiseForward(x, kernel, biasOrNull, g, s)
                    : DepthwiseConvFloat.forward(x, kernel, biasOrNull, g);
            default -> addBias(ConvGemm.forward(OpChecks.plain(x), kernelMatrix(kernel, g.k(), g.f()), g), biasOrNull, g.f());
        };
        if (relu && path != Path.DIRECT && path != Path.ONEDNN) {
            Transforms.relu(y, false);
        }
        return y;
    }

    /**
     * Gradients of {@link #forward}: {@code dKernel = cols(x)ᵀ·dy}, {@code dBias[f] = sum dy[..., f]},
     * {@code dx = col2im(dy·kernelᵀ)} (the transposed convolution of dy).
     *
     * @param dy        gradient of the loss w.r.t. the output, (N, OH, OW, F)
     * @param needInput whether to compute dx (the first layer of a network does not need it)
     * @param hasBias   whether to compute the bias gradient
     */
    public static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, Conv2DSpec s,
                                         boolean needInput, boolean hasBias) {
        return backward(x, kernel, null, dy, s, needInput, hasBias);
    }

    /**
     * Gradients of {@code y = relu(conv(x))} given {@code dy} with respect to y: {@link #backward} of
     * {@code dz = dy * (y > 0)}. The direct path masks dy as it loads it; the others compute dz in one
     * pass ({@link ElementwiseOps#reluGradient}).
     *
     * @param y the rectified output of {@code forward(..., relu = true)}
     */
    public static ConvGradients reluBackward(INDArray x, INDArray kernel, INDArray y, INDArray dy, Conv2DSpec s,
                                             boolean needInput, boolean hasBias) {
        OpChecks.notNull("Conv2DOps.reluBackward", "y", y);
        return backward(x, kernel, y, dy, s, needInput, hasBias);
    }

    private static ConvGradients backward(INDArray x, INDArray kernel, INDArray reluOutputOrNull, INDArray dy,
                                          Conv2DSpec s, boolean needInput, boolean hasBias) {
        String op = "Conv2DOps.backward";
        ConvGeometry g = convGeometry(op, x, kernel, s);
        OpChecks.sameShape(op, "dy", dy, g.n(), g.oh(), g.ow(), g.f());
        OpChecks.sameType(op, x, "dy", dy);
        if (reluOutputOrNull != null) {
            OpChecks.sameShape(op, "y", reluOutputOrNull, g.n(), g.oh(), g.ow(), g.f());
            OpChecks.sameType(op, x, "y", reluOutputOrNull);
        }
        Path path = backwardPath(g, s, x.dataType(), needInput);
        if (path == Path.DIRECT) {
            return DirectConvFloat.backward(x, kernel, dy, reluOutputOrNull, g, needInput, true, hasBias);
        }
        if (path == Path.PLANAR) {
            return PlanarConvFloat.backward(x, kernel, dy, reluOutputOrNull, g, needInput, hasBias);
        }
        INDArray dz = reluOutputOrNull == null ? dy : ElementwiseOps.reluGradient(reluOutputOrNull, dy);
        return switch (path) {
            case DEPTHWISE -> {
                if (!needInput || !BuiltinConv.depthwiseInputGradientApplies(g, s, x.dataType())) {
                    yield DepthwiseConvFloat.backward(x, kernel, dz, g, needInput, hasBias);
                }
                ConvGradients w = DepthwiseConvFloat.backward(x, kernel, dz, g, false, hasBias);
                yield new ConvGradients(BuiltinConv.depthwiseInputGradient(dz, kernel, g, s), w.kernel(), w.bias());
            }
            case DIRECT_INPUT_GRADIENT -> {
                // Thin strided layer: the kernel gradient as one GEMM over the patch matrix, dx gathered directly.
                ConvGradients w = gemmBackward(x, kernel, dz, g, false, hasBias);
                INDArray dx = DirectConvFloat.backward(x, kernel, dz, null, g, true, false, false).input();
                yield new ConvGradients(dx, w.kernel(), w.bias());
            }
            case BUILTIN_INPUT_GRADIENT -> {
                ConvGradients w = gemmBackward(x, kernel, dz, g, false, hasBias);
                INDArray dx = BuiltinConv.inputGradient(OpChecks.plain(dz), OpChecks.plain(kernel), g, s);
                yield new ConvGradients(dx, w.kernel(), w.bias());
            }
            case DILATED_AS_BATCH -> {
                if (builtinWholeBackward(g, x.dataType(), needInput)) {
                    yield DilatedConv.backward(x, kernel, dz, g, hasBias);
                }
                ConvGradients w = gemmBackward(x, kernel, dz, g, false, hasBias);
                yield new ConvGradients(DilatedConv.inputGradient(dz, kernel, g), w.kernel(), w.bias());
            }
            case ONEDNN -> OneDnnConv.backward(x, kernel, dz, g, needInput, hasBias);
            case BUILTIN -> {
                ConvGradients grads = BuiltinConv.backward(OpChecks.plain(x), OpChecks.plain(kernel), OpChecks.plain(dz),
                        hasBias, g, s, BuiltinConv.padMode(g, s));
                yield needInput ? grads : new ConvGradients(null, grads.kernel(), grads.bias());
            }
            default -> gemmBackward(x, kernel, dz, g, needInput, hasBias);
        };
    }


    private static ConvGradients gemmBackward(INDArray x, INDArray kernel, INDArray dy, ConvGeometry g,
                                              boolean needInput, boolean hasBias) {
        INDArray dy2 = OpChecks.plain(dy).reshape('c', (long) g.n() * g.cellsPerImage(), g.f());
        INDArray w2 = kernelMatrix(kernel, g.k(), g.f());
        INDArray dKernel = ConvGemm.weightGradient(OpChecks.plain(x), dy2, g).reshape('c', kernel.shape());
        INDArray dx = needInput ? ConvGemm.inputGradient(dy2, w2, g) : null;
        INDArray db = hasBias ? ConvGemm.columnSums(dy2) : null;
        return new ConvGradients(dx, dKernel, db);
    }

    /**
     * Transposed convolution, the adjoint of {@link #forward}: every input cell (oh, ow) scatters
     * {@code x[n,oh,ow,c] * kernel[i,j,f,c]} to position {@code (oh*sh + i*dh, ow*sw + j*dw)} of a full
     * result of size {@code (h-1)*sh + dh*(kh-1) + 1} (likewise for the width); the output is the
     * outH x outW window of it that starts at (padTop, padLeft), cells beyond the full result being zero.
     * padBottom and padRight are implied by outH and outW and are not read.
     *
     * @param x          input (N, h, w, C)
     * @param kernel     (kh, kw, F/groups, C), the Keras Conv2DTranspose layout
     * @param biasOrNull (F) or {@code null}
     * @return (N, outH, outW, F)
     */
    public static INDArray transposeForward(INDArray x, INDArray kernel, INDArray biasOrNull, Conv2DSpec s,
                                            int outH, int outW) {
        String op = "Conv2DOps.transposeForward";
        ConvGeometry g = transposeGeometry(op, x, kernel, s, outH, outW);
        checkBias(op, x, biasOrNull, g.c());
        if (transposeOneDnn(g, x.dataType())) {
            return addBias(OneDnnConv.inputGradient(x, kernel, g), biasOrNull, g.c());
        }
        INDArray x2 = OpChecks.plain(x).reshape('c', (long) g.n() * g.cellsPerImage(), g.f());
        INDArray y = ConvGemm.inputGradient(x2, kernelMatrix(kernel, g.k(), g.f()), g);
        return addBias(y, biasOrNull, g.c());
    }

    /**
     * Gradients of {@link #transposeForward}: dx is the ordinary convolution of dy with the same kernel
     * and spec, dKernel the weight gradient of that convolution with dy as input and x as output gradient.
     *
     * @param x  the transposed conv's input (N, h, w, C)
     * @param dy gradient w.r.t. its output (N, outH, outW, F); outH and outW are read from it
     */
    public static ConvGradients transposeBackward(INDArray x, INDArray kernel, INDArray dy, Conv2DSpec s,
                                                  boolean needInput, boolean hasBias) {
        String op = "Conv2DOps.transposeBackward";
        OpChecks.imageBatch(op, "dy", dy);
        ConvGeometry g = transposeGeometry(op, x, kernel, s, (int) dy.size(1), (int) dy.size(2));
        OpChecks.sameShape(op, "dy", dy, g.n(), g.h(), g.w(), g.c());
        OpChecks.sameType(op, x, "dy", dy);
        INDArray dyPlain = OpChecks.plain(dy);
        INDArray db = hasBias ? ConvGemm.columnSums(dyPlain.reshape('c', dy.length() / g.c(), g.c())) : null;
        if (transposeOneDnn(g, x.dataType())) {
            INDArray dKernel = OneDnnConv.kernelGradient(dyPlain, x, g);
            return new ConvGradients(needInput ? OneDnnConv.forward(dyPlain, kernel, null, g) : null, dKernel, db);
        }
        INDArray x2 = OpChecks.plain(x).reshape('c', (long) g.n() * g.cellsPerImage(), g.f());
        INDArray dKernel = ConvGemm.weightGradient(dyPlain, x2, g).reshape('c', kernel.shape());
        INDArray dx = needInput ? ConvGemm.forward(dyPlain, kernelMatrix(kernel, g.k(), g.f()), g) : null;
        return new ConvGradients(dx, dKernel, db);
    }

    /**
     * Whether AUTO runs a transposed convolution through {@link OneDnnConv}, whose input gradient is the
     * transposed forward pass, its forward pass the transposed dx and its kernel gradient, with the roles
     * of x and dy swapped, the transposed kernel gradient: where the ordinary convolution of geometry g
     * would take it ({@link #oneDnn}) and its windows reach the end of the swapped input (an output past
     * the transposed layer's full result keeps the GEMMs). Other implementations keep the GEMM path. On
     * (16,28,28,64) x32 4x4 stride 2 "same" (2-vCPU AMD EPYC) a step took 8.3 ms against 19 by GEMMs
     * (col2im forward, im2col backward).
     */
    static boolean transposeOneDnn(ConvGeometry g, DataType type) {
        return implementation == ConvImplementation.AUTO && oneDnn(g, type) && OneDnnConv.reachesInputEnd(g);
    }

    private static INDArray kernelMatrix(INDArray kernel, long k, long f) {
        return OpChecks.plain(kernel).reshape('c', k, f);
    }

    private static INDArray addBias(INDArray y, INDArray bias, long channels) {
        return bias == null ? y : ChannelOps.addBias(y, bias);
    }

    /** Geometry of the ordinary conv x (n,h,w,c) -> (n,oh,ow,f), with every argument checked. */
    private static ConvGeometry convGeometry(String op, INDArray x, INDArray kernel, Conv2DSpec s) {
        checkCommon(op, x, kernel, s);
        long n = x.size(0), h = x.size(1), w = x.size(2), c = x.size(3);
        long kh = kernel.size(0), kw = kernel.size(1), kc = kernel.size(2), f = kernel.size(3);
        int groups = s.groups();
        if (c % groups != 0) {
            throw new IllegalArgumentException(op + ": input channels C=" + c + " of input " + shape(x)
                    + " are not divisible by groups=" + groups + "; use a groups value that divides " + c + ".");
        }
        if (f % groups != 0) {
            throw new IllegalArgumentException(op + ": filters F=" + f + " of kernel " + shape(kernel)
                    + " are not divisible by groups=" + groups + "; use a number of filters that is a multiple of "
                    + groups + ".");
        }
        if (kc * groups != c) {
            throw new IllegalArgumentException(op + ": kernel " + shape(kernel) + " expects " + kc
                    + " input channels per group x " + groups + " groups = " + kc * groups + ", but input "
                    + shape(x) + " has C=" + c + "; use a kernel of shape " + shape(kh, kw, c / groups, f) + ".");
        }
        long oh = s.outHeight(h, kh), ow = s.outWidth(w, kw);
        if (oh < 1 || ow < 1) {
            boolean height = oh < 1;
            String axis = height ? "height" : "width";
            throw new IllegalArgumentException(op + ": output " + axis + " = floor(("
                    + (height ? h : w) + " + " + (height ? s.padTop() : s.padLeft()) + " + "
                    + (height ? s.padBottom() : s.padRight()) + " - " + (height ? s.dilationH() : s.dilationW())
                    + "*(" + (height ? kh : kw) + "-1) - 1)/" + (height ? s.strideH() : s.strideW()) + ") + 1 = "
                    + (height ? oh : ow) + " for input " + shape(x) + " and kernel " + kh + "x" + kw
                    + "; add padding or use a smaller kernel, dilation or stride.");
        }
        String what = "tensor size";
        return new ConvGeometry(OpChecks.toInt(op, what, n), OpChecks.toInt(op, what, h), OpChecks.toInt(op, what, w),
                OpChecks.toInt(op, what, c), (int) oh, (int) ow, OpChecks.toInt(op, what, f),
                (int) kh, (int) kw, s.strideH(), s.strideW(), s.dilationH(), s.dilationW(),
                s.padTop(), s.padLeft(), groups);
    }

    /**
     * Geometry of the ordinary conv whose adjoint the transposed conv is: it maps the transposed output
     * (n, outH, outW, F) to the transposed input (n, h, w, C).
     */
    private static ConvGeometry transposeGeometry(String op, INDArray x, INDArray kernel, Conv2DSpec s,
                                                  int outH, int outW) {
        checkCommon(op, x, kernel, s);
        long n = x.size(0), h = x.size(1), w = x.size(2), c = x.size(3);
        long kh = kernel.size(0), kw = kernel.size(1), kf = kernel.size(2), kc = kernel.size(3);
        int groups = s.groups();
        if (kc != c) {
            throw new IllegalArgumentException(op + ": kernel " + shape(kernel) + " has " + kc
                    + " input channels (last axis) but input " + shape(x) + " has C=" + c
                    + "; transposed-conv kernels are (kh, kw, filters/groups, in_channels), use "
                    + shape(kh, kw, kf, c) + ".");
        }
        if (c % groups != 0) {
            throw new IllegalArgumentException(op + ": input channels C=" + c + " of input " + shape(x)
                    + " are not divisible by groups=" + groups + "; use a groups value that divides " + c + ".");
        }
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": output size " + outH + "x" + outW
                    + " must be at least 1x1; compute it with io.convnb.shape from the input size, strides and padding.");
        }
        String what = "tensor size";
        return new ConvGeometry(OpChecks.toInt(op, what, n), outH, outW, OpChecks.toInt(op, what, kf * groups),
                OpChecks.toInt(op, what, h), OpChecks.toInt(op, what, w), OpChecks.toInt(op, what, c),
                (int) kh, (int) kw, s.strideH(), s.strideW(), s.dilationH(), s.dilationW(),
                s.padTop(), s.padLeft(), groups);
    }

    private static void checkCommon(String op, INDArray x, INDArray kernel, Conv2DSpec s) {
        OpChecks.imageBatch(op, "input", x);
        OpChecks.notNull(op, "kernel", kernel);
        if (s == null) {
            throw new IllegalArgumentException(op + ": spec is null; pass a Conv2DSpec, e.g. Conv2DSpec.unit().");
        }
        if (kernel.rank() != 4) {
            throw new IllegalArgumentException(op + ": kernel must be rank 4 (kh, kw, in, out), got rank "
                    + kernel.rank() + " with shape " + shape(kernel) + "; reshape it, e.g. to (3, 3, 1, filters).");
        }
        OpChecks.sameType(op, x, "kernel", kernel);
        for (long d : kernel.shape()) {
            if (d < 1) {
                throw new IllegalArgumentException(op + ": kernel " + shape(kernel)
                        + " has an empty axis; every axis needs at least one element.");
            }
        }
    }

    private static void checkBias(String op, INDArray x, INDArray bias, long channels) {
        if (bias == null) {
            return;
        }
        OpChecks.sameType(op, x, "bias", bias);
        if (bias.length() != channels || bias.rank() > 2) {
            throw new IllegalArgumentException(op + ": bias " + shape(bias) + " must hold one value per output channel, ("
                    + channels + "); pass a vector of length " + channels + " or null for no bias.");
        }
    }
}
