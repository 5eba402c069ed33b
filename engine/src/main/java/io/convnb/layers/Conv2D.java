package io.convnb.layers;

import io.convnb.ops.Conv2DOps;
import io.convnb.ops.Conv2DSpec;
import io.convnb.ops.ConvGradients;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.Padding;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-D convolution with Keras semantics.
 *
 * <pre>{@code
 * INDArray x = Nd4j.rand(4, 7, 5, 1);            // (N, H, W, C)
 * INDArray kernel = Nd4j.rand(3, 3, 1, 2);       // (kh, kw, in_channels, filters)
 * INDArray bias = Nd4j.zeros(2);
 * var conv = new Conv2D(2, 3, 3).strides(2, 1).padding("same");     // filters, kernel height, width
 * conv.setWeights(kernel, bias);              // before build: the first apply builds for x's size
 * INDArray y = conv.apply(x);                 // -> (4, 4, 5, 2) = (N, ceil(H/2), W, filters)
 * }</pre>
 *
 * <p>Per spatial axis the output size is
 * {@code out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1}, computed by
 * {@link ConvArithmetic}. The kernel has the Keras layout {@code (kh, kw, in_channels/groups, filters)};
 * with {@code groups == channels} the convolution is depthwise.
 */
public class Conv2D extends ConvLayer {
    private Parameter kernel;
    private Parameter bias;
    /** Weights given by setWeights before build, installed by the first build. */
    private Weights.Pending pending;
    private Conv2DSpec spec;
    private INDArray input;

    /** {@code filters} filters of {@code kernelH x kernelW}. */
    public Conv2D(int filters, int kernelH, int kernelW) {
        super(filters, kernelH, kernelW);
    }

    /** {@code filters} square {@code kernelSize x kernelSize} filters. */
    public Conv2D(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    public Conv2D strides(int strideH, int strideW) {
        setStrides(strideH, strideW);
        return this;
    }

    public Conv2D strides(int stride) {
        return strides(stride, stride);
    }

    /** {@code "valid"}, {@code "same"} or {@code "full"}. */
    public Conv2D padding(String padding) {
        setPadding(Padding.of(padding));
        return this;
    }

    public Conv2D padding(Padding padding) {
        setPadding(padding);
        return this;
    }

    /** Explicit, possibly asymmetric zero padding in pixels. */
    public Conv2D padding(int top, int bottom, int left, int right) {
        setPadding(top, bottom, left, right);
        return this;
    }

    /** Explicit symmetric padding: {@code padH} rows above and below, {@code padW} columns left and right. */
    public Conv2D padding(int padH, int padW) {
        return padding(padH, padH, padW, padW);
    }

    public Conv2D dilationRate(int dilationH, int dilationW) {
        setDilation(dilationH, dilationW);
        return this;
    }

    public Conv2D dilationRate(int dilation) {
        return dilationRate(dilation, dilation);
    }

    public Conv2D groups(int groups) {
        setGroups(groups);
        return this;
    }

    public Conv2D dataFormat(String format) {
        checkNotBuilt("dataFormat");
        this.dataFormat = DataFormat.of(format);
        return this;
    }

    public Conv2D dataFormat(DataFormat format) {
        checkNotBuilt("dataFormat");
        this.dataFormat = format;
        return this;
    }

    public Conv2D useBias(boolean useBias) {
        checkNotBuilt("useBias");
        this.useBias = useBias;
        return this;
    }

    public Conv2D kernelInitializer(String name) {
        this.kernelInitializer = Initializer.of(name);
        return this;
    }

    public Conv2D kernelInitializer(Initializer init) {
        this.kernelInitializer = init;
        return this;
    }

    public Conv2D kernelRegularizer(Regularizers.L2 l2) {
        this.l2 = l2.factor();
        return this;
    }

    @Override
    public Conv2D activation(String name) {
        super.activation(name);
        return this;
    }

    @Override
    public Conv2D activation(Activations activation) {
        super.activation(activation);
        return this;
    }

    @Override
    public Conv2D inputShape(long... shape) {
        super.inputShape(shape);
        return this;
    }

    @Override
    public Conv2D name(String name) {
        super.name(name);
        return this;
    }


    @Override
    protected long[] computeOutputShape(long[] in) {
        ConvArithmetic.requireRank(label(), in, 3, dataFormat == DataFormat.CHANNELS_LAST ? "(H, W, C)" : "(C, H, W)");
        long[] hwc = dataFormat.toHwc(in);
        ConvArithmetic.checkGroups(label(), hwc[2], filters, groups);
        Geometry2D g = geometry(hwc[0], hwc[1]);
        spec = spec(g);
        return dataFormat.fromHwc(new long[] {g.height().output(), g.width().output(), filters});
    }

    @Override
    protected void createParameters(long[] in, SplittableRandom random) {
        long c = dataFormat.toHwc(in)[2];
        long[] shape = {kernelH, kernelW, c / groups, filters};
        long receptive = (long) kernelH * kernelW;
        kernel = addParameter("kernel", initialise(kernelInitializer, shape, receptive * c / groups, receptive * filters, random), true, l2);
        bias = useBias ? addParameter("bias", initialise(Initializer.ZEROS, new long[] {filters}, 1, 1, random), true, 0) : null;
        if (pending != null) {
            Weights.install(this, pending, kernel, bias, in);
            pending = null;
        }
    }

    /**
     * Replaces the weights: kernel {@code (kh, kw, in_channels/groups, filters)}, bias {@code (filters)}
     * (null with {@code useBias(false)}). Before the layer is built the weights are checked against the
     * filters and kernel size, copied, and installed by the first build, whose input must then have
     * {@code kernel.shape[2] * groups} channels.
     */
    public void setWeights(INDArray kernelValue, INDArray biasValue) {
        if (kernel == null) {
            if (filters % groups != 0) {
                throw new IllegalArgumentException(who() + "filters=" + filters + " must be divisible by groups=" + groups
                        + " before weights can be set; choose filters or groups so that filters % groups == 0.");
            }
            pending = Weights.pending(this, new long[] {kernelH, kernelW, -1, filters}, 2, "(kh, kw, in_channels/groups, filters)", kernelValue, useBias, filters, biasValue);
            return;
        }
        Weights.assign(this, kernel, kernelValue, bias, biasValue);
    }

    /** The kernel {@code (kh, kw, in_channels/groups, filters)}, or null before build. */
    public INDArray kernel() {
        return kernel == null ? null : kernel.value();
    }

    public INDArray bias() {
        return bias == null ? null : bias.value();
    }

    /** The explicit geometry handed to the ops (strides, dilations, the four paddings, groups). */
    public Conv2DSpec spec() {
        return spec;
    }

    @Override
    protected INDArray preActivation(INDArray x, boolean training) {
        return convForward(x, false);
    }

    @Override
    protected INDArray preActivationBackward(INDArray dz) {
        return convBackward(null, dz);
    }

    @Override
    protected boolean fusesRelu() {
        return true;
    }

    @Override
    protected INDArray reluForward(INDArray x, boolean training) {
        return convForward(x, true);
    }

    @Override
    protected INDArray reluBackward(INDArray out, INDArray dy) {
        return convBackward(dataFormat.toNhwc(out), dy);
    }

    private INDArray convForward(INDArray x, boolean relu) {
        checkBatch(x);
        input = dataFormat.toNhwc(x);
        return dataFormat.fromNhwc(Conv2DOps.forward(input, kernel.value(), bias == null ? null : bias.value(), spec, relu));
    }

    /** Gradients of the convolution, or of relu(convolution) when the rectified output is given (NHWC). */
    private INDArray convBackward(INDArray reluOutputOrNull, INDArray dy) {
        INDArray d = dataFormat.toNhwc(dy);
        ConvGradients g = reluOutputOrNull == null
                ? Conv2DOps.backward(input, kernel.value(), d, spec, inputGradientNeeded(), bias != null)
                : Conv2DOps.reluBackward(input, kernel.value(), reluOutputOrNull, d, spec, inputGradientNeeded(), bias != null);
        kernel.grad().assign(g.kernel());
        if (bias != null) {
            bias.grad().assign(g.bias());
        }
        return g.input() == null ? null : dataFormat.fromNhwc(g.input());
    }

    static Conv2D fromConfig(Map<String, Object> c) {
        List<?> k = (List<?>) c.get("kernel_size");
        Conv2D conv = new Conv2D(((Number) c.get("filters")).intValue(), ((Number) k.get(0)).intValue(), ((Number) k.get(1)).intValue());
        conv.applyConvConfig(c);
        return conv;
    }
}
