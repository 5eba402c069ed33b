package io.convnb.layers;

import io.convnb.shape.Shapes;

import io.convnb.ops.ChannelOps;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fully connected layer: {@code y = activation(x . kernel + bias)}, kernel {@code (in, units)}.
 * The input must be 1-D per sample; put a {@link Flatten} before it for images.
 */
public class Dense extends ActivatedLayer {
    private final int units;
    private boolean useBias = true;
    private Initializer kernelInitializer = Initializer.GLOROT_UNIFORM;
    private Initializer biasInitializer = Initializer.ZEROS;
    private double l2;
    private Parameter kernel;
    private Parameter bias;
    /** Weights given by setWeights before build, installed by the first build. */
    private Weights.Pending pending;
    private INDArray input;

    public Dense(int units) {
        if (units < 1) {
            throw new IllegalArgumentException("Dense: units must be >= 1, got " + units + ".");
        }
        this.units = units;
    }

    public int units() {
        return units;
    }

    public Dense useBias(boolean useBias) {
        this.useBias = useBias;
        return this;
    }

    public Dense kernelInitializer(String name) {
        this.kernelInitializer = Initializer.of(name);
        return this;
    }

    public Dense kernelInitializer(Initializer init) {
        this.kernelInitializer = init;
        return this;
    }

    /** Kernel L2 regularization: adds {@code factor * sum(kernel^2)} to the loss. */
    public Dense kernelRegularizer(Regularizers.L2 l2) {
        this.l2 = l2.factor();
        return this;
    }

    @Override
    public Dense activation(String name) {
        super.activation(name);
        return this;
    }

    @Override
    public Dense activation(Activations activation) {
        super.activation(activation);
        return this;
    }

    @Override
    protected long[] computeOutputShape(long[] in) {
        if (in.length != 1) {
            throw new IllegalArgumentException(who() + "expects 1-D samples (None, features) but received "
                    + Shapes.formatBatch(in) + "; add a Flatten() layer before it.");
        }
        return new long[] {units};
    }

    @Override
    protected void createParameters(long[] in, SplittableRandom random) {
        kernel = addParameter("kernel", initialise(kernelInitializer, new long[] {in[0], units}, in[0], units, random), true, l2);
        bias = useBias ? addParameter("bias", initialise(biasInitializer, new long[] {units}, in[0], units, random), true, 0) : null;
        if (pending != null) {
            Weights.install(this, pending, kernel, bias, in);
            pending = null;
        }
    }

    /**
     * Replaces the weights: kernel {@code (in, units)}, bias {@code (units)} or null when useBias is false.
     * Before build they are checked, copied and installed by the first build (whose input must have
     * {@code kernel.shape[0]} features).
     */
    public void setWeights(INDArray kernelValue, INDArray biasValue) {
        if (kernel == null) {
            pending = Weights.pending(this, new long[] {-1, units}, 0, "(in, units)", kernelValue, useBias, units, biasValue);
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

    /**
     * {@code z = x . kernel (+ bias)}: one GEMM into an output allocated in the step's workspace.
     * ({@code x.mmul(kernel)} allocates its result through ND4J's matmul op and took 3-8x as long for the
     * tutorial's (64, 5408) x (5408, 128); its transposed form for dx was up to 20x slower.)
     */
    @Override
    protected INDArray preActivation(INDArray x, boolean training) {
        checkBatch(x);
        input = x;
        INDArray z = Nd4j.createUninitialized(x.dataType(), new long[] {x.size(0), units}, 'c');
        Nd4j.gemm(x, kernel.value(), z, false, false, 1.0, 0.0);
        return bias == null ? z : ChannelOps.addBias(z, bias.value());
    }

    /** dW = x^T . dz; db = dz summed over the batch; dx = dz . W^T (skipped for a model's first layer). */
    @Override
    protected INDArray preActivationBackward(INDArray dz) {
        Nd4j.gemm(input, dz, kernel.grad(), true, false, 1.0, 0.0);
        if (bias != null) {
            bias.grad().assign(ChannelOps.sumToChannels(dz));
        }
        if (!inputGradientNeeded()) {
            return null;
        }
        INDArray dx = Nd4j.createUninitialized(dz.dataType(), new long[] {dz.size(0), kernel.value().size(0)}, 'c');
        Nd4j.gemm(dz, kernel.value(), dx, false, true, 1.0, 0.0);
        return dx;
    }

    @Override
    protected void putConfig(Map<String, Object> config) {
        config.put("units", units);
        super.putConfig(config);
        config.put("use_bias", useBias);
        config.put("kernel_initializer", kernelInitializer.kerasName());
        config.put("kernel_regularizer_l2", l2);
    }

    static Dense fromConfig(Map<String, Object> c) {
        Dense d = new Dense(((Number) c.get("units")).intValue());
        d.applyCommonConfig(c);
        d.useBias((Boolean) c.get("use_bias"));
        d.kernelInitializer((String) c.get("kernel_initializer"));
        d.l2 = ((Number) c.get("kernel_regularizer_l2")).doubleValue();
        return d;
    }
}
