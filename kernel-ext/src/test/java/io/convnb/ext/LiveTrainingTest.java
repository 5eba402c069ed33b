package io.convnb.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.data.Dataset;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.model.FitOptions;
import io.convnb.model.Sequential;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class LiveTrainingTest {
    /** Records what would reach the notebook. */
    static final class Recorder implements DisplaySink {
        final List<String> events = new ArrayList<>();
        final List<DisplayData> data = new ArrayList<>();

        @Override
        public boolean attached() {
            return true;
        }

        @Override
        public void display(DisplayData d) {
            events.add("display " + d.getDisplayId());
            data.add(d);
        }

        @Override
        public void update(String id, DisplayData d) {
            events.add("update " + id);
            data.add(d);
        }
    }

    static Dataset tiny(int n) {
        float[] x = new float[n * 4];
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            x[i * 4 + c] = 1;
            y[i * 2 + c] = 1;
        }
        return Dataset.of("tiny", Nd4j.create(x, new long[] {n, 2, 2, 1}, 'c'), Nd4j.create(y, new long[] {n, 2}, 'c'), List.of("a", "b"));
    }

    static BufferedImage png(DisplayData d) throws Exception {
        String b64 = (String) d.getData(MIMEType.IMAGE_PNG);
        assertNotNull(b64, "no image/png in the display");
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64)));
    }

    @Test
    void oneOutputUpdatedInPlaceAndLeftAsAStaticChart() throws Exception {
        Recorder rec = new Recorder();
        Sequential m = new Sequential().add(new Flatten().inputShape(2, 2, 1)).add(new Dense(2).activation("softmax"));
        m.compile("adam", "categorical_crossentropy", "accuracy");
        m.fit(tiny(400), FitOptions.epochs(3).batchSize(4).validationData(tiny(20)).callbacks(new LiveTraining(rec)).verbose(false));

        String first = rec.events.get(0);
        assertTrue(first.startsWith("display convnb-fit-"), first);
        String id = first.substring("display ".length());
        for (int i = 1; i < rec.events.size(); i++) {
            assertEquals("update " + id, rec.events.get(i), "every later output updates the same display id");
        }
        // 300 batches: throttled to far fewer updates (one per epoch end, last batches, and at most 2 per second)
        assertTrue(rec.events.size() < 60, "updates were not throttled: " + rec.events.size());
        DisplayData during = rec.data.get(1);
        assertTrue(((String) during.getData(MIMEType.TEXT_HTML)).contains("Epoch"), "progress HTML");
        assertNotNull(during.getData(MIMEType.TEXT_PLAIN), "text fallback");

        DisplayData last = rec.data.get(rec.data.size() - 1);
        assertEquals(null, last.getData(MIMEType.TEXT_HTML), "the saved notebook keeps a static PNG, not the progress HTML");
        BufferedImage chart = png(last);
        assertTrue(chart.getWidth() >= 400 && chart.getHeight() >= 200, chart.getWidth() + "x" + chart.getHeight());
        String text = (String) last.getData(MIMEType.TEXT_PLAIN);
        assertTrue(text.startsWith("Trained 3 of 3 epochs"), text);
    }
}
