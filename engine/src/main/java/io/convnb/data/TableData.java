package io.convnb.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** A Tablesaw table as a labelled data set; see {@link Datasets#fromTable}. */
final class TableData {
    private TableData() {
    }

    static Dataset fromTable(Table table, String labelColumn, int steps, int channels) {
        if (table == null) {
            throw new IllegalArgumentException("fromTable: the table is null; read one with Table.read().csv(\"file.csv\").");
        }
        String who = "fromTable('" + table.name() + "')";
        if (labelColumn == null || !table.containsColumn(labelColumn)) {
            throw new IllegalArgumentException(who + ": no label column '" + labelColumn + "'; the table's columns are "
                    + table.columnNames() + ".");
        }
        int n = table.rowCount();
        if (n == 0) {
            throw new IllegalArgumentException(who + ": the table has no rows; a data set needs at least one sample.");
        }
        List<Column<?>> features = new ArrayList<>();
        for (Column<?> col : table.columns()) {
            if (!col.name().equals(labelColumn)) {
                features.add(col);
            }
        }
        if (features.isEmpty()) {
            throw new IllegalArgumentException(who + ": the table has only the label column '" + labelColumn
                    + "'; it needs at least one feature column.");
        }
        for (Column<?> col : features) {
            if (!(col instanceof NumericColumn<?>)) {
                throw new IllegalArgumentException(who + ": feature column '" + col.name() + "' holds " + typeWords(col.type())
                        + " (e.g. '" + firstValue(col) + "'), but features must be numbers. Drop it with table.removeColumns(\""
                        + col.name() + "\"), or encode it as numbers first (e.g. one 0/1 column per category).");
            }
            int missing = col.countMissing();
            if (missing > 0) {
                throw new IllegalArgumentException(who + ": feature column '" + col.name() + "' has " + missing + " missing value"
                        + (missing == 1 ? "" : "s") + " (first in row " + firstMissing(col) + "). Drop those rows with "
                        + "table.dropRowsWithMissingValues(), or fill them, e.g. table.doubleColumn(\"" + col.name()
                        + "\").setMissingTo(0.0) (or the column's mean).");
            }
        }
        int f = features.size();
        long[] shape;
        if (steps > 0) {
            if ((long) steps * channels != f) {
                throw new IllegalArgumentException(who + ": sequences of " + steps + " steps x " + channels + " channels need "
                        + ((long) steps * channels) + " feature columns, but the table has " + f + " besides '" + labelColumn
                        + "'; choose steps * channels = " + f + " (e.g. steps=" + f + ", channels=1).");
            }
            shape = new long[] {n, steps, channels};
        } else {
            shape = new long[] {n, f};
        }
        float[] values = new float[n * f];
        for (int j = 0; j < f; j++) {
            NumericColumn<?> col = (NumericColumn<?>) features.get(j);
            for (int i = 0; i < n; i++) {
                double v = col.getDouble(i);
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(who + ": feature column '" + col.name() + "' holds " + v + " in row " + i
                            + "; features must be finite numbers: fix or drop that row.");
                }
                values[i * f + j] = (float) v;
            }
        }
        List<String> classNames = new ArrayList<>();
        int[] labels = labels(who, table.column(labelColumn), classNames);
        INDArray x = Nd4j.create(values, shape, DataType.FLOAT);
        return Dataset.ofIndices(table.name() == null || table.name().isBlank() ? "table" : table.name(), x, labels, classNames);
    }

    /**
     * Class indices of the label column: text labels in sorted order of their distinct values; whole-number
     * labels {@code 0..K-1} as they are (names "0".."K-1"), other whole numbers in sorted order.
     */
    private static int[] labels(String who, Column<?> col, List<String> classNames) {
        int n = col.size();
        int missing = col.countMissing();
        if (missing > 0) {
            throw new IllegalArgumentException(who + ": label column '" + col.name() + "' has " + missing + " missing value"
                    + (missing == 1 ? "" : "s") + " (first in row " + firstMissing(col) + "); every sample needs a class."
                    + " Drop those rows with table.dropRowsWithMissingValues().");
        }
        int[] out = new int[n];
        if (col instanceof NumericColumn<?> num) {
            TreeSet<Long> distinct = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                double v = num.getDouble(i);
                if (v != Math.rint(v)) {
                    throw new IllegalArgumentException(who + ": label column '" + col.name() + "' holds " + v + " in row " + i
                            + "; class labels must be whole numbers or text (this is classification, not regression).");
                }
                distinct.add((long) v);
            }
            boolean dense = distinct.first() == 0 && distinct.last() == distinct.size() - 1;
            TreeMap<Long, Integer> index = new TreeMap<>();
            for (long v : distinct) {
                index.put(v, index.size());
                classNames.add(Long.toString(v));
            }
            for (int i = 0; i < n; i++) {
                long v = (long) num.getDouble(i);
                out[i] = dense ? (int) v : index.get(v);
            }
            return out;
        }
        TreeMap<String, Integer> index = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            index.put(col.getString(i), 0);
        }
        for (String key : index.keySet()) {
            index.put(key, classNames.size());
            classNames.add(key);
        }
        for (int i = 0; i < n; i++) {
            out[i] = index.get(col.getString(i));
        }
        return out;
    }

    private static int firstMissing(Column<?> col) {
        for (int i = 0; i < col.size(); i++) {
            if (col.isMissing(i)) {
                return i;
            }
        }
        return -1;
    }

    private static String firstValue(Column<?> col) {
        for (int i = 0; i < col.size(); i++) {
            if (!col.isMissing(i)) {
                return col.getString(i);
            }
        }
        return "";
    }

    private static String typeWords(ColumnType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " values";
    }
}
