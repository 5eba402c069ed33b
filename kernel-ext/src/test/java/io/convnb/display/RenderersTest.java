package io.convnb.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/** Registration against a real basekernel 2.3.0 {@link Renderer}. */
class RenderersTest {

    private Renderer renderer;
    private DisplayOptions options;

    @BeforeEach
    void setUp() {
        renderer = new Renderer();
        options = new DisplayOptions();
        Renderers.registerAll(renderer, options);
    }

    @Test
    void matrixRendersTextAndHtmlButNoPngUnlessAsked() {
        INDArray a = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}});
        DisplayData d = renderer.render(a);
        assertEquals(TensorText.of(a, options), d.getData(MIMEType.TEXT_PLAIN));
        assertEquals(TensorHtml.of(a, options), d.getData(MIMEType.TEXT_HTML));
        assertFalse(d.hasDataForType(MIMEType.IMAGE_PNG), "the heatmap is computed only when requested");
        DisplayData png = renderer.renderAs(a, "image/png");
        BufferedImage img = TestImages.decode(Base64.getDecoder().decode((String) png.getData(MIMEType.IMAGE_PNG)));
        assertTrue(img.getWidth() > 100);
        assertFalse(png.hasDataForType(MIMEType.TEXT_HTML));
    }

    @Test
    void higherRankArraysGetTextOnlyAndOptionsApplyAtRenderTime() {
        INDArray cube = Nd4j.arange(24).castTo(DataType.INT32).reshape(2, 3, 4);
        DisplayData d = renderer.render(cube);
        assertFalse(d.hasDataForType(MIMEType.TEXT_HTML));
        assertTrue(((String) d.getData(MIMEType.TEXT_PLAIN)).endsWith("shape=(2, 3, 4), dtype=int32)"));
        options.threshold(5).rows(1).cols(1);
        String text = (String) renderer.render(cube).getData(MIMEType.TEXT_PLAIN);
        assertEquals("array([[[ 0, ...,  3],\n        ...,\n        [ 8, ..., 11]],\n\n       [[12, ..., 15],\n        ...,\n        [20, ..., 23]]], shape=(2, 3, 4), dtype=int32)", text);
        assertTrue(renderer.renderAs(cube, "image/png").hasDataForType(MIMEType.IMAGE_PNG), "3-D arrays have a channel-grid PNG");
    }

    @Test
    void tablesawTablesRenderHtml() {
        Table t = Table.create("t", IntColumn.create("x", new int[] {1, 2}));
        DisplayData d = renderer.render(t);
        assertEquals(TableHtml.of(t).html(), d.getData(MIMEType.TEXT_HTML));
        assertEquals(TableHtml.of(t).text(), d.getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void figuresAndHtmlViewsRenderThemselves() {
        Figure f = Charts.classCounts(new long[] {1, 2}, List.of("a", "b"));
        DisplayData d = renderer.render(f);
        assertEquals(f.base64(), d.getData(MIMEType.IMAGE_PNG));
        assertEquals(f.text(), d.getData(MIMEType.TEXT_PLAIN));
        HtmlView v = ProgressView.of("e", 1, 2, 1, java.util.Map.of());
        DisplayData h = renderer.render(v);
        assertEquals(v.html(), h.getData(MIMEType.TEXT_HTML));
        assertEquals(v.text(), h.getData(MIMEType.TEXT_PLAIN));
    }
}
