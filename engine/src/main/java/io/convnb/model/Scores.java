package io.convnb.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What {@link Sequential#evaluate} returns: the loss and each compiled metric over a data set. */
public final class Scores {
    private final Map<String, Double> values;

    Scores(Map<String, Double> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public double loss() {
        return values.get("loss");
    }

    /** Fraction of correctly classified samples. */
    public double accuracy() {
        Double a = values.get("accuracy");
        if (a == null) {
            throw new IllegalStateException("accuracy was not computed; compile the model with the \"accuracy\" metric.");
        }
        return a;
    }

    public double get(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("No score '" + name + "'; available: " + values.keySet() + ".");
        }
        return v;
    }

    public Map<String, Double> asMap() {
        return values;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : values.entrySet()) {
            if (sb.length() > 0) {
                sb.append(" - ");
            }
            sb.append(String.format(Locale.ROOT, "%s: %.4f", e.getKey(), e.getValue()));
        }
        return sb.toString();
    }
}
