package io.convnb.layers;

import io.convnb.ops.Conv2DOps;
import io.convnb.ops.Conv2DSpec;
import io.convnb.ops.ConvGradients;
import io.convnb.shape.AxisGeometry;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Padding;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Transposed 2-D convolution (learned upsampling, as in segmentation decoders): the adjoint of a
 * {@link Conv2D} with the same hyper-parameters. Kernel layout {@code (kh, kw, filters, in_channels)}
 * as Keras' {@code Conv2DTranspose}.
 *
 * <p>Output size per axis (Keras {@code deconv_output_length}):
 * {@code out = (in - 1)*s + d*(k-1) + 1 - pad_total + output_padding}; without output padding,
 * {@code "same"} gives {@code in*s} and {@code "valid"} gives {@code in*s + max(d*(k-1)+1 - s, 0)}.
 */
public class Conv2DTranspose extends ConvLayer {
    private int outputPaddingH = -1;
    private int outputPaddingW = -1;
    private Parameter kernel;
    private Parameter bias;
    /** Weights given by setWeights before build, installed by the first build. */
    private Weights.Pending pending;
    private Conv2DSpec spec;
    private int outH;
    private int outW;
    private INDArray input;

    public Conv2DTranspose(int filters, int kernelH, int kernelW) {
        super(filters, kernelH, kernelW);
    }

    public Conv2DTranspose(int filters, int kernelSize) {
        this(filters, kernelSize, kernelSize);
    }

    public Conv2DTranspose strides(int strideH, int strideW) {
        setStrides(strideH, strideW);
        return this;
    }

    public Conv2DTranspose strides(int stride) {
        return strides(stride, stride);
    }

    /** {@code "valid"} or {@code "same"}. */
    public Conv2DTranspose padding(String padding) {
        setPadding(Padding.of(padding));
        return this;
    }

    public Conv2DTranspose padding(Padding padding) {
        setPadding(padding);
        return this;
    }

    public Conv2DTranspose dilationRate(int dilationH, int dilationW) {
        setDilation(dilationH, dilationW);
        return this;
    }

    /** Extra cells at the end of each axis, to pick one of the input sizes a strided conv maps to the same size. */
    public Conv2DTranspose outputPadding(int padH, int padW) {
        checkNotBuilt("outputPadding");
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException(who() + "outputPadding must be >= 0, got (" + padH + ", " + padW + ").");
        }
        outputPaddingH = padH;
        outputPaddingW = padW;
        return this;
    }

    public Conv2DTranspose useBias(boolean useBias) {
        checkNotBuilt("useBias");
        this.useBias = useBias;
        return this;
    }

    @Override
    public Conv2DTranspose activation(String name) {
        super.activation(name);
        return this;
    }

    @Override
    public Conv2DTranspose activation(Activations activation) {
        super.activation(activation);
        return this;
    }

    @Override
    public Conv2DTranspose inputShape(long... shape) {
        super.inputShape(shape);
        return this;
    }


    @Override
    protected long[] computeOutputShape(long[] in) {
        ConvArithmetic.requireRank(label(), in, 3, "(H, W, C)");
        if (padding == Padding.EXPLICIT) {
            throw new IllegalArgumentException(who() + "explicit padding is not supported for a transposed convolution; use padding(\"valid\") or padding(\"same\") with outputPadding.");
        }
        AxisGeometry h = ConvArithmetic.transposedAxis(label(), "height", in[0], kernelH, strideH, dilationH, padding, outputPaddingH);
        AxisGeometry w = ConvArithmetic.transposedAxis(label(), "width", in[1], kernelW, strideW, dilationW, padding, outputPaddingW);
        outH = Math.toIntExact(h.output());
        outW = Math.toIntExact(w.output());
        spec = new Conv2DSpec(strideH, strideW, dilationH, dilationW,
                Math.toIntExact(h.padBefore()), Math.toIntExact(h.padAfter()),
                Math.toIntExact(w.padBefore()), Math.toIntExact(w.padAfter()), 1);
        return new long[] {outH, outW, filters};
    }

    @Override
    protected void createParameters(long[] in, SplittableRandom random) {
        long c = in[2];
        long[] shape = {kernelH, kernelW, filters, c};
        long receptive = (long) kernelH * kernelW;
        // Keras computes the fans from the kernel shape, whose last two axes are (filters, in_channels).
        kernel = addParameter("kernel", initialise(kernelInitializer, shape, receptive * filters, receptive * c, random), true, l2);
        bias = useBias ? addParameter("bias", initialise(Initializer.ZEROS, new long[] {filters}, 1, 1, random), true, 0) : null;
        if (pending != null) {
            Weights.install(this, pending, kernel, bias, in);
            pending = null;
        }
    }

    /**
     * Replaces the weights: kernel {@code (kh, kw, filters, in_channels)}, bias {@code (filters)} (null with
     * {@code useBias(false)}). Before build they are checked, copied and installed by the first build.
     */
    public void setWeights(INDArray kernelValue, INDArray biasValue) {
        if (kernel == null) {
            pending = Weights.pending(this, new long[] {kernelH, kernelW, filters, -1}, 3, "(kh, kw, filters, in_channels)", kernelValue, useBias, filters, biasValue);
            return;
        }
        Weights.assign(this, kernel, kernelValue, bias, biasValue);
    }

    public INDArray kernel() {
        return kernel == null ? null : kernel.value();
    }

    @Override
    protected INDArray preActivation(INDArray x, boolean training) {
        checkBatch(x);
        input = x;
        return Conv2DOps.transposeForward(x, kernel.value(), bias == null ? null : bias.value(), spec, outH, outW);
    }

    @Override
    protected INDArray preActivationBackward(INDArray dz) {
        ConvGradients g = Conv2DOps.transposeBackward(input, kernel.value(), dz, spec, inputGradientNeeded(), bias != null);
        kernel.grad().assign(g.kernel());
        if (bias != null) {
            bias.grad().assign(g.bias());
        }
        return g.input();
    }

    @Override
    protected void putConfig(Map<String, Object> c) {
        super.putConfig(c);
        c.put("output_padding", List.of(outputPaddingH, outputPaddingW));
    }

    static Conv2DTranspose fromConfig(Map<String, Object> c) {
        List<?> k = (List<?>) c.get("kernel_size");
        Conv2DTranspose conv = new Conv2DTranspose(((Number) c.get("filters")).intValue(), ((Number) k.get(0)).intValue(), ((Number) k.get(1)).intValue());
        conv.applyConvConfig(c);
        List<?> op = (List<?>) c.get("output_padding");
        conv.outputPaddingH = ((Number) op.get(0)).intValue();
        conv.outputPaddingW = ((Number) op.get(1)).intValue();
        return conv;
    }
}
