package io.convnb.model;

import io.convnb.layers.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient-descent optimizers with Keras update rules and defaults. State (moments, velocities) is
 * kept per parameter and created on the first step.
 */
public abstract class Optimizer {
    protected final double learningRate;
    private final Map<Parameter, INDArray[]> state = new IdentityHashMap<>();
    private long iterations;

    protected Optimizer(double learningRate) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learningRate must be a finite number > 0, got " + learningRate + ".");
        }
        this.learningRate = learningRate;
    }

    public double learningRate() {
        return learningRate;
    }

    /** Keras name, e.g. {@code "adam"}. */
    public abstract String kerasName();

    /** Number of updates applied so far. */
    public long iterations() {
        return iterations;
    }

    /** Applies one update to every trainable parameter from its gradient. */
    public void step(List<Parameter> parameters) {
        iterations++;
        for (Parameter p : parameters) {
            if (p.trainable()) {
                INDArray[] s = state.computeIfAbsent(p, k -> detachedState(k.value()));
                update(p.value(), p.grad(), s, iterations);
            }
        }
    }

    /** Forgets the accumulated state (for a fresh {@code fit} after {@code compile}). */
    public void reset() {
        state.clear();
        iterations = 0;
    }

    /** Optimizer state lives as long as the model, so it is created outside any training-step workspace. */
    private INDArray[] detachedState(INDArray value) {
        try (var outside = org.nd4j.linalg.factory.Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return newState(value);
        }
    }

    protected abstract INDArray[] newState(INDArray value);

    protected abstract void update(INDArray value, INDArray grad, INDArray[] state, long t);

    /** Settings, for saving and display. */
    public abstract Map<String, Object> getConfig();

    /** {@code "sgd"}, {@code "adam"} or {@code "rmsprop"} with Keras' default learning rates. */
    public static Optimizer of(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "sgd" -> new SGD(0.01);
            case "adam" -> new Adam(0.001);
            case "rmsprop" -> new RMSprop(0.001);
            default -> throw new IllegalArgumentException("Unknown optimizer '" + name + "'. Accepted: sgd, adam, rmsprop "
                    + "(or new SGD(lr).momentum(0.9).nesterov(true), new Adam(lr), new RMSprop(lr)).");
        };
    }

    static Optimizer fromConfig(Map<String, Object> c) {
        double lr = ((Number) c.get("learning_rate")).doubleValue();
        return switch ((String) c.get("name")) {
            case "sgd" -> new SGD(lr).momentum(((Number) c.get("momentum")).doubleValue()).nesterov((Boolean) c.get("nesterov"));
            case "adam" -> new Adam(lr);
            case "rmsprop" -> new RMSprop(lr);
            default -> of((String) c.get("name"));
        };
    }

    @Override
    public String toString() {
        return kerasName() + getConfig();
    }
}
