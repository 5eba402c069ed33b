package io.convnb.layers;

import io.convnb.shape.Shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of all layers: the Keras life cycle in four steps.
 *
 * <ol>
 *   <li>The constructor and fluent setters only record and validate hyper-parameters.</li>
 *   <li>{@link #build(long[])} receives the input shape (without the batch axis), checks it, computes
 *       the output shape and creates the weights.</li>
 *   <li>{@link #forward(INDArray, boolean)} does the math on a batch and keeps what the backward pass
 *       needs; {@link #backward(INDArray)} returns the gradient for the layer's input and stores the
 *       parameter gradients in {@link Parameter#grad()}.</li>
 *   <li>{@link #getConfig()} records every argument so that a saved model can be rebuilt.</li>
 * </ol>
 */
public abstract class Layer {
    static {
        io.convnb.ops.OpenMpPolicy.prepareNd4j();   // OpenMP's settings before and after ND4J loads (see OpenMpPolicy)
    }

    private String name;
    private long[] declaredInputShape;
    private long[] inputShape;
    private long[] outputShape;
    private final List<Parameter> parameters = new ArrayList<>();
    private DataType dataType = DataType.FLOAT;
    private long seed = 1234L;
    private boolean seedSet;
    private boolean inputGradientNeeded = true;

    /** Keras name of the layer type, e.g. {@code "Conv2D"}. */
    public String typeName() {
        return getClass().getSimpleName();
    }

    /** The layer's name ({@code "conv2d_1"}); assigned by {@code Sequential.add} when not set. */
    public String name() {
        return name == null ? Names.snakeCase(typeName()) : name;
    }

    /** Sets the layer's name. */
    public Layer name(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(typeName() + ": a layer name must not be blank.");
        }
        this.name = name;
        return this;
    }

    boolean hasName() {
        return name != null;
    }

    /** Declares the input shape without the batch axis, as Keras' {@code input_shape}. */
    public Layer inputShape(long... shape) {
        for (long d : shape) {
            if (d < 1) {
                throw new IllegalArgumentException(typeName() + " '" + name() + "': inputShape "
                        + Shapes.format(shape) + " has a dimension below 1; every dimension must be >= 1.");
            }
        }
        this.declaredInputShape = shape.clone();
        return this;
    }

    /** The declared input shape, or {@code null}. */
    public long[] declaredInputShape() {
        return declaredInputShape == null ? null : declaredInputShape.clone();
    }

    /** Sets the seed used to initialise this layer's weights (and dropout masks). */
    public Layer seed(long seed) {
        this.seed = seed;
        this.seedSet = true;
        return this;
    }

    /** Whether {@link #seed(long)} was called; a model derives a seed for layers without one. */
    public boolean hasSeed() {
        return seedSet;
    }

    /** A model's first layer skips computing the gradient for its input: nothing upstream needs it. */
    public void setInputGradientNeeded(boolean needed) {
        this.inputGradientNeeded = needed;
    }

    public boolean inputGradientNeeded() {
        return inputGradientNeeded;
    }

    protected long seed() {
        return seed;
    }

    /** Floating-point type of the weights ({@code FLOAT} by default; {@code DOUBLE} for gradient checks). */
    public Layer dataType(DataType dataType) {
        if (!dataType.isFPType()) {
            throw new IllegalArgumentException(typeName() + " '" + name() + "': dataType must be a floating-point type, got " + dataType + ".");
        }
        this.dataType = dataType;
        return this;
    }

    public DataType dataType() {
        return dataType;
    }

    public boolean isBuilt() {
        return outputShape != null;
    }

    /** Input shape without the batch axis; {@code null} before {@link #build}. */
    public long[] inputShapeBuilt() {
        return inputShape == null ? null : inputShape.clone();
    }

    /** Output shape without the batch axis; {@code null} before {@link #build}. */
    public long[] outputShape() {
        return outputShape == null ? null : outputShape.clone();
    }

    /**
     * Builds the layer for inputs of the given shape (without the batch axis): validates the shape,
     * computes the output shape and creates the weights. Building twice with the same shape keeps the
     * weights; a different shape is an error.
     */
    public final void build(long[] inputShape) {
        if (this.inputShape != null) {
            if (!Arrays.equals(this.inputShape, inputShape)) {
                throw new IllegalArgumentException(typeName() + " '" + name() + "' was built for input shape "
                        + Shapes.formatBatch(this.inputShape) + " but now receives " + Shapes.formatBatch(inputShape)
                        + "; create a new layer for inputs of a different shape.");
            }
            return;
        }
        long[] out = computeOutputShape(inputShape.clone());
        parameters.clear();
        createParameters(inputShape, new SplittableRandom(seed));
        this.inputShape = inputShape.clone();
        this.outputShape = out;
    }

    /** Validates the input shape and returns the output shape (both without the batch axis). */
    protected abstract long[] computeOutputShape(long[] inputShape);

    /** Creates the layer's weights with {@link #addParameter}; nothing by default. */
    protected void createParameters(long[] inputShape, SplittableRandom random) {
    }

    protected final Parameter addParameter(String name, INDArray value, boolean trainable, double l2) {
        Parameter p = new Parameter(name, value, trainable, l2);
        parameters.add(p);
        return p;
    }

    protected final INDArray initialise(Initializer init, long[] shape, long fanIn, long fanOut, SplittableRandom random) {
        return init.create(shape, fanIn, fanOut, random, dataType);
    }

    /** The layer's parameters, trainable and not, in a fixed order. */
    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    /** Number of scalar weights. */
    public long countParams(boolean trainableOnly) {
        long n = 0;
        for (Parameter p : parameters) {
            if (!trainableOnly || p.trainable()) {
                n += p.size();
            }
        }
        return n;
    }

    /**
     * Forward pass on a batch {@code (N, ...inputShape)}.
     *
     * @param training whether this is a training step (dropout active, batch statistics used)
     */
    public abstract INDArray forward(INDArray x, boolean training);

    /**
     * Backward pass: given the loss gradient for this layer's last output, stores the parameter
     * gradients (overwriting) and returns the gradient for its input.
     */
    public abstract INDArray backward(INDArray gradOutput);

    /**
     * Applies the layer to a batch outside a model (inference mode). The layer is built from the
     * batch's shape the first time.
     */
    public INDArray apply(INDArray x) {
        build(checkBatch(x));
        return forward(x, false);
    }

    /** Validates a batch against the built input shape and returns its per-sample shape. */
    protected long[] checkBatch(INDArray x) {
        long[] shape = x.shape();
        if (shape.length < 1) {
            throw new IllegalArgumentException(typeName() + " '" + name() + "' needs a batch with a leading batch axis, got a scalar.");
        }
        long[] sample = Arrays.copyOfRange(shape, 1, shape.length);
        if (inputShape != null && !Arrays.equals(sample, inputShape)) {
            throw new IllegalArgumentException(typeName() + " '" + name() + "' expects input shape "
                    + Shapes.formatBatch(inputShape) + " but received " + Shapes.formatBatch(sample)
                    + " (batch " + Shapes.format(shape) + "); reshape the data or rebuild the model for this shape.");
        }
        return sample;
    }

    /**
     * The layer's hyper-parameters in Keras words, enough to rebuild it with {@link Layers#fromConfig}.
     */
    public Map<String, Object> getConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", name());
        if (declaredInputShape != null) {
            config.put("input_shape", ConfigValues.toList(declaredInputShape));
        }
        config.put("seed", seed);
        config.put("dtype", dataType.name());
        putConfig(config);
        return config;
    }

    /** Adds the layer-specific hyper-parameters to {@code config}. */
    protected abstract void putConfig(Map<String, Object> config);

    /** Restores the common settings from a saved configuration. */
    void applyCommonConfig(Map<String, Object> config) {
        if (config.get("name") != null) {
            name((String) config.get("name"));
        }
        if (config.get("input_shape") != null) {
            inputShape(ConfigValues.fromList(config.get("input_shape")));
        }
        if (config.get("seed") != null) {
            seed(((Number) config.get("seed")).longValue());
        }
        if (config.get("dtype") != null) {
            dataType(DataType.valueOf((String) config.get("dtype")));
        }
    }

    /** A layer's one-line description, e.g. {@code Conv2D 'conv2d' (None, 26, 26, 32)}. */
    @Override
    public String toString() {
        return typeName() + " '" + name() + "'" + (outputShape == null ? "" : " " + Shapes.formatBatch(outputShape));
    }

    /** The layer as error messages name it: {@code Conv2D 'conv2d_1'}. */
    protected String label() {
        return typeName() + " '" + name() + "'";
    }

    /** Error prefix {@code Conv2D 'conv2d_1': }. */
    protected String who() {
        return label() + ": ";
    }
}
