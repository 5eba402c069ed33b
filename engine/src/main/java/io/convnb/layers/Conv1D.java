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
 * 1-D convolution over sequences {@code (N, steps, channels)}, for text embeddings, audio frames or
 * sensor signals. Kernel layout {@code (k, channels/groups, filters)} as in Keras.
 *
 * <p>Padding {@code "causal"} pads {@code d*(k-1)} steps at the start only, so output step {@code t}
 * sees inputs up to {@code t} and never the future (WaveNet-style). The layer runs as a 2-D
 * convolution of height 1, so it shares the fast path of {@link Conv2D}.
 */
public class Conv1D extends ConvLayer {
    private Parameter kernel;
    private Parameter bias;
    /** Weights given by setWeights before build, installed by the first build. */
    private Weights.Pending pending;
    private Conv2DSpec spec;
    private INDArray input4d;

    public Conv1D(int filters, int kernelSize) {
        super(filters, 1, kernelSize);
    }

    public Conv1D strides(int stride) {
        setStrides(1, stride);
        return this;
    }

    /** {@code "valid"}, {@code "same"}, {@code "full"} or {@code "causal"}. */
    public Conv1D padding(String padding) {
        return padding(Padding.of(padding));
    }

    public Conv1D padding(Padding padding) {
        checkNotBuilt("padding");
        if (padding == Padding.EXPLICIT) {
            throw new IllegalArgumentException(who() + "give explicit padding as numbers: padding(before, after).");
        }
        this.padding = padding;
        this.explicitPadding = null;
        return this;
    }

    /** Explicit padding: {@code before} steps at the start, {@code after} at the end. */
    public Conv1D padding(int before, int after) {
        setPadding(0, 0, before, after);
        return this;
    }

    public Conv1D dilationRate(int dilation) {
        setDilation(1, dilation);
        return this;
    }

    public Conv1D groups(int groups) {
        setGroups(groups);
        return this;
    }

    public Conv1D useBias(boolean useBias) {
        checkNotBuilt("useBias");
        this.useBias = useBias;
        return this;
    }

    public Conv1D kernelInitializer(String name) {
        this.kernelInitializer = Initializer.of(name);
        return this;
    }

    public Conv1D kernelRegularizer(Regularizers.L2 l2) {
        this.l2 = l2.factor();
        return this;
    }

    @Override
    public Conv1D activation(String name) {
        super.activation(name);
        return this;
    }

    @Override
    public Conv1D activation(Activations activation) {
        super.activation(activation);
        return this;
    }

    @Override
    public Conv1D inputShape(long... shape) {
        super.inputShape(shape);
        return this;
    }

    @Override
    public Conv1D name(String name) {
        super.name(name);
        return this;
    }


    @Override
    protected long[] computeOutputShape(long[] in) {
        ConvArithmetic.requireRank(label(), in, 2, "(steps, channels)");
        ConvArithmetic.checkGroups(label(), in[1], filters, groups);
        AxisGeometry steps = padding == Padding.EXPLICIT
                ? ConvArithmetic.axis(label(), "steps", in[0], kernelW, strideW, dilationW, explicitPadding[2], explicitPadding[3])
                : ConvArithmetic.axis(label(), "steps", in[0], kernelW, strideW, dilationW, padding);
        spec = new Conv2DSpec(1, strideW, 1, dilationW, 0, 0,
                Math.toIntExact(steps.padBefore()), Math.toIntExact(steps.padAfter()), groups);
        return new long[] {steps.output(), filters};
    }

    @Override
    protected void createParameters(long[] in, SplittableRandom random) {
        long c = in[1];
        long[] shape = {kernelW, c / groups, filters};
        kernel = addParameter("kernel", initialise(kernelInitializer, shape, kernelW * c / groups, (long) kernelW * filters, random), true, l2);
        bias = useBias ? addParameter("bias", initialise(Initializer.ZEROS, new long[] {filters}, 1, 1, random), true, 0) : null;
        if (pending != null) {
            Weights.install(this, pending, kernel, bias, in);
            pending = null;
        }
    }

    /**
     * Replaces the weights: kernel {@code (k, channels/groups, filters)}, bias {@code (filters)} (null with
     * {@code useBias(false)}). Before build they are checked, copied and installed by the first build.
     */
    public void setWeights(INDArray kernelValue, INDArray biasValue) {
        if (kernel == null) {
            pending = Weights.pending(this, new long[] {kernelW, -1, filters}, 1, "(k, channels/groups, filters)", kernelValue, useBias, filters, biasValue);
            return;
        }
        Weights.assign(this, kernel, kernelValue, bias, biasValue);
    }

    public INDArray kernel() {
        return kernel == null ? null : kernel.value();
    }

    public INDArray bias() {
        return bias == null ? null : bias.value();
    }

    private INDArray kernel4d() {
        long[] s = kernel.value().shape();
        return kernel.value().reshape(1, s[0], s[1], s[2]);
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
        return convBackward(to4d(out), dy);
    }

    /** A sequence batch (N, steps, channels) as the image batch (N, 1, steps, channels). */
    private static INDArray to4d(INDArray a) {
        return a.reshape(a.size(0), 1, a.size(1), a.size(2));
    }

    private INDArray convForward(INDArray x, boolean relu) {
        checkBatch(x);
        input4d = to4d(x);
        INDArray y = Conv2DOps.forward(input4d, kernel4d(), bias == null ? null : bias.value(), spec, relu);
        return y.reshape(y.size(0), y.size(2), y.size(3));
    }

    /** Gradients of the convolution, or of relu(convolution) when the rectified output is given (4-D). */
    private INDArray convBackward(INDArray reluOutputOrNull, INDArray dy) {
        INDArray dz4 = to4d(dy);
        ConvGradients g = reluOutputOrNull == null
                ? Conv2DOps.backward(input4d, kernel4d(), dz4, spec, inputGradientNeeded(), bias != null)
                : Conv2DOps.reluBackward(input4d, kernel4d(), reluOutputOrNull, dz4, spec, inputGradientNeeded(), bias != null);
        kernel.grad().assign(g.kernel().reshape(kernel.value().shape()));
        if (bias != null) {
            bias.grad().assign(g.bias());
        }
        if (g.input() == null) {
            return null;
        }
        INDArray dx = g.input();
        return dx.reshape(dx.size(0), dx.size(2), dx.size(3));
    }

    @Override
    protected void putConfig(Map<String, Object> c) {
        super.putConfig(c);
        c.put("kernel_size", List.of(kernelW));
    }

    static Conv1D fromConfig(Map<String, Object> c) {
        List<?> k = (List<?>) c.get("kernel_size");
        Conv1D conv = new Conv1D(((Number) c.get("filters")).intValue(), ((Number) k.get(0)).intValue());
        conv.applyConvConfig(c);
        return conv;
    }
}
