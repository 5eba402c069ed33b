package io.convnb.model;

import io.convnb.layers.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stops training when a monitored metric has stopped improving, as Keras' {@code EarlyStopping}.
 *
 * <pre>{@code new EarlyStopping("val_loss").patience(2).restoreBestWeights(true)}</pre>
 *
 * <p>Mode is inferred from the name: metrics containing {@code acc} are maximised, others minimised.
 * An epoch improves when it beats the best so far by more than {@code minDelta}. With
 * {@code restoreBestWeights}, the weights of the best epoch are put back when training stops.
 */
public class EarlyStopping extends Callback {
    private final String monitor;
    private int patience;
    private double minDelta;
    private boolean restoreBestWeights;
    private boolean maximise;
    private double best;
    private int bestEpoch;
    private int wait;
    private int stoppedEpoch = -1;
    private List<INDArray> bestWeights;

    public EarlyStopping(String monitor) {
        this.monitor = monitor;
        this.maximise = monitor.contains("acc");
    }

    public EarlyStopping() {
        this("val_loss");
    }

    public EarlyStopping patience(int patience) {
        if (patience < 0) {
            throw new IllegalArgumentException("EarlyStopping: patience must be >= 0, got " + patience + ".");
        }
        this.patience = patience;
        return this;
    }

    public EarlyStopping minDelta(double minDelta) {
        this.minDelta = Math.abs(minDelta);
        return this;
    }

    public EarlyStopping restoreBestWeights(boolean restore) {
        this.restoreBestWeights = restore;
        return this;
    }

    /** {@code "min"}, {@code "max"} or {@code "auto"}. */
    public EarlyStopping mode(String mode) {
        switch (mode) {
            case "min" -> maximise = false;
            case "max" -> maximise = true;
            case "auto" -> maximise = monitor.contains("acc");
            default -> throw new IllegalArgumentException("EarlyStopping: mode must be \"min\", \"max\" or \"auto\", got \"" + mode + "\".");
        }
        return this;
    }

    public String monitor() {
        return monitor;
    }

    /** 0-based epoch after which training stopped, or -1 if it ran to the end. */
    public int stoppedEpoch() {
        return stoppedEpoch;
    }

    /** 0-based epoch with the best monitored value. */
    public int bestEpoch() {
        return bestEpoch;
    }

    @Override
    public void onTrainBegin(TrainingInfo info) {
        best = maximise ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        wait = 0;
        stoppedEpoch = -1;
        bestEpoch = -1;
        bestWeights = null;
        if (!info.metrics().contains(monitor)) {
            throw new IllegalArgumentException("EarlyStopping monitors '" + monitor + "' but this fit reports only " + info.metrics()
                    + (monitor.startsWith("val_") ? "; give validationSplit or validationData to fit." : "."));
        }
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        Double value = logs.get(monitor);
        if (value == null) {
            return;
        }
        boolean improved = maximise ? value > best + minDelta : value < best - minDelta;
        if (improved) {
            best = value;
            bestEpoch = epoch;
            wait = 0;
            if (restoreBestWeights) {
                bestWeights = snapshot();
            }
        } else {
            wait++;
            // Keras: stop once `patience` epochs in a row brought no improvement.
            if (wait >= patience) {
                stoppedEpoch = epoch;
                model.requestStop();
            }
        }
    }

    @Override
    public void onTrainEnd(History history) {
        if (restoreBestWeights && bestWeights != null && stoppedEpoch >= 0) {
            int i = 0;
            for (Parameter p : model.parameters()) {
                p.value().assign(bestWeights.get(i++));
            }
        }
    }

    private List<INDArray> snapshot() {
        List<INDArray> copy = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            copy.add(p.value().dup());
        }
        return copy;
    }
}
