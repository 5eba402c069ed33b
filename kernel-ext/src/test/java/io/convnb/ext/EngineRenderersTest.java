package io.convnb.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.layers.MaxPooling2D;
import io.convnb.model.ConfusionMatrix;
import io.convnb.model.FitOptions;
import io.convnb.model.History;
import io.convnb.model.Sequential;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class EngineRenderersTest {
    static Renderer renderer() {
        Renderer r = new Renderer();
        EngineRenderersTestSupport.register(r);
        return r;
    }

    static Sequential model() {
        return new Sequential()
                .add(new Conv2D(4, 3, 3).activation("relu").inputShape(8, 8, 1))
                .add(new MaxPooling2D(2, 2))
                .add(new Flatten())
                .add(new Dense(2).activation("softmax"));
    }

    @Test
    void modelRendersAsKerasSummaryTable() throws Exception {
        DisplayData d = renderer().render(model());
        String html = (String) d.getData(MIMEType.TEXT_HTML);
        assertNotNull(html);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(("<root>" + html + "</root>").getBytes(StandardCharsets.UTF_8)));
        String all = doc.getDocumentElement().getTextContent();
        assertTrue(all.contains("conv2d (Conv2D)"), all);
        assertTrue(all.contains("(None, 6, 6, 4)"), all);
        assertTrue(all.contains("40"), all);                     // 3*3*1*4 + 4
        assertTrue(all.contains("Total params"), all);
        String text = (String) d.getData(MIMEType.TEXT_PLAIN);
        assertTrue(text.startsWith("Model: \"sequential\""), text);
    }

    @Test
    void historyRendersAsCurvesAndConvLayerAsFilters() throws Exception {
        Sequential m = model();
        m.compile("adam", "categorical_crossentropy", "accuracy");
        History h = m.fit(LiveTrainingTest8x8.data(64), FitOptions.epochs(2).batchSize(16).validationSplit(0.25).verbose(false));
        DisplayData curves = renderer().render(h);
        BufferedImage img = LiveTrainingTest.png(curves);
        assertTrue(img.getWidth() > 400, "width " + img.getWidth());
        assertTrue(((String) curves.getData(MIMEType.TEXT_PLAIN)).contains("val_loss"));

        DisplayData filters = renderer().render(m.layer("conv2d"));
        BufferedImage grid = LiveTrainingTest.png(filters);
        assertTrue(grid.getWidth() > 50 && grid.getHeight() > 20);

        ConfusionMatrix cm = ConfusionMatrix.of(new int[] {0, 1, 1}, new int[] {0, 1, 0}, List.of("a", "b"));
        BufferedImage cmImg = LiveTrainingTest.png(renderer().render(cm));
        assertTrue(cmImg.getWidth() > 100);
    }

    @Test
    void layersWithoutKernelsFallBackToText() {
        DisplayData d = renderer().render(new Flatten());
        assertEquals(null, d.getData(MIMEType.IMAGE_PNG));
        assertEquals("Flatten 'flatten'", d.getData(MIMEType.TEXT_PLAIN));
    }
}
