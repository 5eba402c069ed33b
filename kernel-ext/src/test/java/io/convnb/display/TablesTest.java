package io.convnb.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.w3c.dom.Document;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** TableHtml, TensorHtml, SummaryHtml and ProgressView: HTML parsed as XML and checked, text compared. */
class TablesTest {

    @Test
    void tablesawTableShowsHeadAndTailRowsAndEscapes() {
        Table t = Table.create("t<1>",
                IntColumn.create("n", IntStream.range(0, 25).toArray()),
                StringColumn.create("s", IntStream.range(0, 25).mapToObj(i -> i == 24 ? "<script>&'\"" : "r" + i).toArray(String[]::new)));
        HtmlView v = TableHtml.of(t, 6, 12);
        assertTrue(v.html().contains("&lt;script&gt;&amp;&#39;&quot;"), "cell text escaped");
        assertTrue(!v.html().contains("<script>"));
        Document d = TestImages.parseHtml(v.html());
        assertEquals("t<1> (25 rows x 2 columns)", TestImages.texts(d, "caption").get(0));
        // Row headers: 3 head rows, ellipsis, 3 tail rows.
        List<String> th = TestImages.texts(d, "th");
        assertEquals(List.of("", "n", "s", "0", "1", "2", "...", "22", "23", "24"), th);
        List<String> td = TestImages.texts(d, "td");
        assertEquals(List.of("0", "r0", "1", "r1", "2", "r2", "...", "...", "22", "r22", "23", "r23", "24", "<script>&'\""), td);
        assertEquals("""
                t<1> (25 rows x 2 columns)
                       n            s
                  0    0           r0
                  1    1           r1
                  2    2           r2
                ...  ...          ...
                 22   22          r22
                 23   23          r23
                 24   24  <script>&'\"""", v.text());
    }

    @Test
    void tablesawColumnsAreTruncatedToo() {
        List<IntColumn> cols = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            cols.add(IntColumn.create("c" + i, new int[] {i}));
        }
        Table t = Table.create("wide", cols.toArray(new IntColumn[0]));
        Document d = TestImages.parseHtml(TableHtml.of(t, 4, 2).html());
        assertEquals(List.of("", "c0", "...", "c4", "0"), TestImages.texts(d, "th"));
        assertEquals(List.of("0", "...", "4"), TestImages.texts(d, "td"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TableHtml.of(t, 1, 4));
        assertEquals("TableHtml limits must be at least 2 (one head and one tail item); got maxRows=1, maxCols=4.", e.getMessage());
    }

    @Test
    void tensorHtmlHasIndexedCellsFormattedLikeTheText() {
        INDArray a = Nd4j.createFromArray(new float[][] {{0f, 0.5f, 1f}, {1.5f, 2f, 2.5f}});
        Document d = TestImages.parseHtml(TensorHtml.of(a, new DisplayOptions()));
        assertEquals("shape=(2, 3), dtype=float32", TestImages.texts(d, "caption").get(0));
        assertEquals(List.of("", "0", "1", "2", "0", "1"), TestImages.texts(d, "th"));
        assertEquals(List.of("0.", "0.5", "1.", "1.5", "2.", "2.5"), TestImages.texts(d, "td"));
    }

    @Test
    void largeTensorHtmlShowsEdgeRowsAndColumnsWithEllipses() {
        INDArray a = Nd4j.arange(50 * 40).castTo(DataType.INT32).reshape(50, 40);
        Document d = TestImages.parseHtml(TensorHtml.of(a, new DisplayOptions().rows(2).cols(2)));
        assertTrue(TestImages.texts(d, "caption").get(0).endsWith("summarised (2 edge rows, 2 edge columns)"));
        // header: corner, 0, 1, ..., 38, 39; then row headers 0, 1, ..., 48, 49
        assertEquals(List.of("", "0", "1", "...", "38", "39", "0", "1", "...", "48", "49"), TestImages.texts(d, "th"));
        List<String> td = TestImages.texts(d, "td");
        assertEquals(25, td.size());
        assertEquals(List.of("0", "1", "...", "38", "39"), td.subList(0, 5));
        assertEquals(List.of("...", "...", "...", "...", "...") , td.subList(10, 15));
        assertEquals(List.of("1960", "1961", "...", "1998", "1999"), td.subList(20, 25));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TensorHtml.of(Nd4j.create(DataType.FLOAT, 2, 2, 2), new DisplayOptions()));
        assertTrue(e.getMessage().startsWith("An HTML table shows 0-D, 1-D or 2-D arrays; got shape (2, 2, 2)."));
    }

    @Test
    void summaryInKerasLayout() {
        List<List<String>> rows = List.of(
                List.of("conv2d (Conv2D)", "(None, 26, 26, 32)", "320"),
                List.of("flatten (Flatten)", "(None, 21632)", "0"),
                List.of("dense (Dense)", "(None, 10)", "216,330"));
        HtmlView v = SummaryHtml.of("cnn <1>", rows, 216650, 216330);
        // Hand-worked: column widths = longest cell + 3 (17+3, 18+3, 7+3), rule length 1 + 20 + 21 + 10 = 52.
        assertEquals("""
                Model: "cnn <1>"
                ____________________________________________________
                 Layer (type)        Output Shape         Param #
                ====================================================
                 conv2d (Conv2D)     (None, 26, 26, 32)   320

                 flatten (Flatten)   (None, 21632)        0

                 dense (Dense)       (None, 10)           216,330
                ====================================================
                Total params: 216,650 (846.29 KB)
                Trainable params: 216,330 (845.04 KB)
                Non-trainable params: 320 (1.25 KB)
                ____________________________________________________""", v.text());
        Document d = TestImages.parseHtml(v.html());
        assertEquals("Model: \"cnn <1>\"", TestImages.texts(d, "caption").get(0));
        assertEquals(9, TestImages.texts(d, "td").size());
        assertTrue(v.html().contains("Total params: 216,650 (846.29 KB)"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SummaryHtml.of("m", List.of(List.of("a", "b")), 1, 1));
        assertEquals("Summary row 0 has 2 cells [a, b] but the header has 3 [Layer (type), Output Shape, Param #]; give one cell per column.", e.getMessage());
        assertEquals("1.00 MB", SummaryHtml.memory(262144));
    }

    @Test
    void progressBarWithEtaAndMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", 0.43214);
        m.put("accuracy", 0.87651);
        HtmlView v = ProgressView.of("Epoch 3/10", 150, 600, 5.0, m);
        // ETA = 5 / 150 * 450 = 15 s; bar: floor(0.25 * 30) = 7 '=' then '>' then 22 '.'.
        assertEquals("Epoch 3/10\n150/600 [=======>......................] - ETA: 15s - loss: 0.4321 - accuracy: 0.8765", v.text());
        Document d = TestImages.parseHtml(v.html());
        assertTrue(v.html().contains("width:25.0%"), v.html());
        assertTrue(d.getDocumentElement().getTextContent().contains("150/600 (25.0%) - ETA: 15s"));
        HtmlView done = ProgressView.of("", 600, 600, 75.0, Map.of());
        assertEquals("600/600 [==============================] - 1:15 125ms/step", done.text());
        assertEquals("1:01:02", ProgressView.duration(3662));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProgressView.of("x", 7, 5, 1, Map.of()));
        assertEquals("Progress needs 0 <= done <= total and total >= 1; got done=7, total=5.", e.getMessage());
    }

    @Test
    void progressWithChartEmbedsThePngAsDataUri() {
        Figure chart = Charts.trainingCurves(Map.of("loss", List.of(1.0, 0.5)));
        HtmlView v = ProgressView.withChart(ProgressView.of("Epoch 2/2", 10, 10, 2, Map.of("loss", 0.5)), chart);
        Document d = TestImages.parseHtml(v.html());
        org.w3c.dom.Element img = (org.w3c.dom.Element) d.getElementsByTagName("img").item(0);
        assertEquals("data:image/png;base64," + chart.base64(), img.getAttribute("src"));
        assertEquals(Integer.toString(chart.width()), img.getAttribute("width"));
        byte[] png = java.util.Base64.getDecoder().decode(img.getAttribute("src").substring("data:image/png;base64,".length()));
        assertEquals(chart.width(), TestImages.decode(png).getWidth());
        assertTrue(v.text().startsWith("Epoch 2/2\n10/10 [==============================] - 2s 200ms/step - loss: 0.5000\ntraining curves (loss)"), v.text());
    }
}
