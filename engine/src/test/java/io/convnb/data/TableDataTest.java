package io.convnb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** {@link Datasets#fromTable}: features, labels, sequences and errors. */
class TableDataTest {
    static Table csv(String text) {
        return Table.read().csv(text, "t");
    }

    @Test
    void numericColumnsBecomeFeaturesAndTextLabelsSortedClasses() {
        Table t = csv("a,label,b\n1.5,dog,2\n3,cat,4\n5,dog,-6\n");
        Dataset d = Datasets.fromTable(t, "label");
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, d.labelIndices());
        assertArrayEquals(new long[] {3, 2}, d.features().shape());
        assertArrayEquals(new float[] {1.5f, 2, 3, 4, 5, -6}, d.features().dup().data().asFloat(), 0f);
        assertEquals("t", d.name());
    }

    @Test
    void wholeNumberLabels() {
        Table dense = Table.create("d", DoubleColumn.create("x", 1, 2, 3), IntColumn.create("y", 2, 0, 1));
        Dataset d = Datasets.fromTable(dense, "y");
        assertEquals(List.of("0", "1", "2"), d.classNames());
        assertArrayEquals(new int[] {2, 0, 1}, d.labelIndices());
        Table sparse = Table.create("s", DoubleColumn.create("x", 1, 2, 3), IntColumn.create("y", 7, 3, 7));
        Dataset s = Datasets.fromTable(sparse, "y");
        assertEquals(List.of("3", "7"), s.classNames());
        assertArrayEquals(new int[] {1, 0, 1}, s.labelIndices());
    }

    @Test
    void sequencesForConv1DTakeColumnsStepMajor() {
        Table t = csv("s0c0,s0c1,s1c0,s1c1,s2c0,s2c1,y\n1,2,3,4,5,6,a\n7,8,9,10,11,12,b\n");
        Dataset d = Datasets.fromTable(t, "y", 3, 2);
        assertArrayEquals(new long[] {2, 3, 2}, d.features().shape());
        assertEquals(4f, d.features().getFloat(0, 1, 1), 0f);   // row 0, step 1, channel 1 = column s1c1
        assertEquals(11f, d.features().getFloat(1, 2, 0), 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> Datasets.fromTable(t, "y", 4, 2));
        assertEquals("fromTable('t'): sequences of 4 steps x 2 channels need 8 feature columns, but the table has 6 besides 'y';"
                + " choose steps * channels = 6 (e.g. steps=6, channels=1).", e.getMessage());
    }

    @Test
    void errorsNameTheColumnAndTheFix() {
        Table t = csv("a,color,label\n1,red,x\n2,blue,y\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Datasets.fromTable(t, "kind"));
        assertEquals("fromTable('t'): no label column 'kind'; the table's columns are [a, color, label].", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Datasets.fromTable(t, "label"));
        assertEquals("fromTable('t'): feature column 'color' holds string values (e.g. 'red'), but features must be numbers."
                + " Drop it with table.removeColumns(\"color\"), or encode it as numbers first (e.g. one 0/1 column per category).",
                e.getMessage());
        Table gaps = csv("a,b,label\n1,2,x\n3,,y\n4,,x\n");
        e = assertThrows(IllegalArgumentException.class, () -> Datasets.fromTable(gaps, "label"));
        assertEquals("fromTable('t'): feature column 'b' has 2 missing values (first in row 1). Drop those rows with"
                + " table.dropRowsWithMissingValues(), or fill them, e.g. table.doubleColumn(\"b\").setMissingTo(0.0)"
                + " (or the column's mean).", e.getMessage());
        Table noLabel = Table.create("n", DoubleColumn.create("x", 1, 2), StringColumn.create("y", "a", ""));
        e = assertThrows(IllegalArgumentException.class, () -> Datasets.fromTable(noLabel, "y"));
        assertEquals("fromTable('n'): label column 'y' has 1 missing value (first in row 1); every sample needs a class."
                + " Drop those rows with table.dropRowsWithMissingValues().", e.getMessage());
        Table real = Table.create("r", DoubleColumn.create("x", 1, 2), DoubleColumn.create("y", 0.5, 1));
        e = assertThrows(IllegalArgumentException.class, () -> Datasets.fromTable(real, "y"));
        assertEquals("fromTable('r'): label column 'y' holds 0.5 in row 0; class labels must be whole numbers or text"
                + " (this is classification, not regression).", e.getMessage());
    }
}
