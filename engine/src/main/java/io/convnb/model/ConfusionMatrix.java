package io.convnb.model;

import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Counts of (true class, predicted class) pairs: rows are true classes, columns predictions. */
public final class ConfusionMatrix {
    private final int[][] counts;
    private final List<String> classNames;

    public ConfusionMatrix(int[][] counts, List<String> classNames) {
        if (counts.length != classNames.size()) {
            throw new IllegalArgumentException("ConfusionMatrix: " + counts.length + " rows but " + classNames.size() + " class names.");
        }
        this.counts = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i].length != counts.length) {
                throw new IllegalArgumentException("ConfusionMatrix: row " + i + " has " + counts[i].length + " columns; the matrix must be square.");
            }
            this.counts[i] = counts[i].clone();
        }
        this.classNames = List.copyOf(classNames);
    }

    /** From true and predicted class indices. */
    public static ConfusionMatrix of(int[] truth, int[] predicted, List<String> classNames) {
        int k = classNames.size();
        int[][] c = new int[k][k];
        for (int i = 0; i < truth.length; i++) {
            c[truth[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(c, classNames);
    }

    public int[][] counts() {
        int[][] copy = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    public List<String> classNames() {
        return classNames;
    }

    public int total() {
        int t = 0;
        for (int[] row : counts) {
            for (int v : row) {
                t += v;
            }
        }
        return t;
    }

    public double accuracy() {
        int correct = 0;
        for (int i = 0; i < counts.length; i++) {
            correct += counts[i][i];
        }
        return total() == 0 ? 0 : (double) correct / total();
    }

    /** Recall of class {@code k}: correct predictions of {@code k} over samples of {@code k}. */
    public double recall(int k) {
        int row = 0;
        for (int v : counts[k]) {
            row += v;
        }
        return row == 0 ? 0 : (double) counts[k][k] / row;
    }

    /** As a Tablesaw table: a {@code true} column, then one column per predicted class. */
    public Table toTable() {
        Table t = Table.create("confusion matrix");
        t.addColumns(StringColumn.create("true \\ predicted", classNames));
        for (int j = 0; j < classNames.size(); j++) {
            IntColumn col = IntColumn.create(classNames.get(j));
            for (int[] row : counts) {
                col.append(row[j]);
            }
            t.addColumns(col);
        }
        return t;
    }

    @Override
    public String toString() {
        int w = 6;
        for (String n : classNames) {
            w = Math.max(w, Math.min(n.length(), 12) + 1);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-14s", "true\\pred"));
        for (String n : classNames) {
            sb.append(String.format(Locale.ROOT, "%" + w + "s", abbreviate(n)));
        }
        for (int i = 0; i < counts.length; i++) {
            sb.append('\n').append(String.format(Locale.ROOT, "%-14s", abbreviate(classNames.get(i))));
            for (int v : counts[i]) {
                sb.append(String.format(Locale.ROOT, "%" + w + "d", v));
            }
        }
        sb.append(String.format(Locale.ROOT, "%naccuracy %.4f over %d samples", accuracy(), total()));
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 12 ? s : s.substring(0, 11) + ".";
    }
}
