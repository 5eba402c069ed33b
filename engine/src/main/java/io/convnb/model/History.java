package io.convnb.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.numbers.NumberColumnFormatter;

/**
 * What {@link Sequential#fit} returns: every completed epoch's metrics (Keras' {@code history.history}),
 * how long each took, and why training ended.
 */
public final class History {
    /** Why {@code fit} returned. */
    public enum StopReason { COMPLETED, EARLY_STOPPING, INTERRUPTED, DIVERGED }

    private final List<Map<String, Double>> epochs = new ArrayList<>();
    private StopReason stopReason = StopReason.COMPLETED;
    private String stopDetail = "";

    void addEpoch(Map<String, Double> logs) {
        epochs.add(Collections.unmodifiableMap(new LinkedHashMap<>(logs)));
    }

    void stopped(StopReason reason, String detail) {
        this.stopReason = reason;
        this.stopDetail = detail;
    }

    public StopReason stopReason() {
        return stopReason;
    }

    /** A sentence on why training ended early, or empty. */
    public String stopDetail() {
        return stopDetail;
    }

    /** Completed epochs. */
    public int epochCount() {
        return epochs.size();
    }

    /** The metrics of each completed epoch, in order. */
    public List<Map<String, Double>> epochs() {
        return Collections.unmodifiableList(epochs);
    }

    /** Metric names in first-seen order: loss, accuracy, val_loss, val_accuracy, seconds, samples_per_second. */
    public List<String> metricNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Map<String, Double> e : epochs) {
            names.addAll(e.keySet());
        }
        return new ArrayList<>(names);
    }

    /** One metric per epoch ({@code history.history["loss"]} in Keras); NaN where an epoch lacks it. */
    public List<Double> metric(String name) {
        if (!metricNames().contains(name)) {
            throw new IllegalArgumentException("History has no metric '" + name + "'; it has " + metricNames() + ".");
        }
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> e : epochs) {
            values.add(e.getOrDefault(name, Double.NaN));
        }
        return values;
    }

    /** The last epoch's value of a metric. */
    public double last(String name) {
        List<Double> v = metric(name);
        if (v.isEmpty()) {
            throw new IllegalStateException("History is empty: no epoch completed.");
        }
        return v.get(v.size() - 1);
    }

    /** The metrics as a Tablesaw table, one row per epoch (epochs counted from 1, as Keras prints them). */
    public Table toTable() {
        Table t = Table.create("history");
        IntColumn epoch = IntColumn.create("epoch");
        for (int i = 0; i < epochs.size(); i++) {
            epoch.append(i + 1);
        }
        t.addColumns(epoch);
        for (String name : metricNames()) {
            DoubleColumn c = DoubleColumn.create(name);
            for (Double v : metric(name)) {
                c.append(v);
            }
            // Shown with 4 decimals (seconds with 2); the column keeps the full values.
            c.setPrintFormatter(NumberColumnFormatter.fixedWithGrouping(name.equals("seconds") ? 2 : 4));
            t.addColumns(c);
        }
        return t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("History(" + epochs.size() + " epochs");
        if (stopReason != StopReason.COMPLETED) {
            sb.append(", ").append(stopReason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        sb.append(")");
        for (int i = 0; i < epochs.size(); i++) {
            sb.append("\n  epoch ").append(i + 1).append(':');
            for (Map.Entry<String, Double> e : epochs.get(i).entrySet()) {
                sb.append(String.format(java.util.Locale.ROOT, " %s=%.4f", e.getKey(), e.getValue()));
            }
        }
        return sb.toString();
    }
}
