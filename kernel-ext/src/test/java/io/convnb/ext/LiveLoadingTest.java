package io.convnb.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.data.Datasets;
import io.convnb.data.ImageFolderOptions;
import io.convnb.data.LoadListeners;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook's live display of {@code Datasets.imageFolder}, through the engine's global load listeners. */
class LiveLoadingTest {
    @TempDir
    Path tmp;

    @Test
    void slowLoadShowsABarUpdatedInPlaceThenTheSummary() throws Exception {
        for (int i = 0; i < 4; i++) {
            Files.createDirectories(tmp.resolve("c" + (i % 2)));
            ImageIO.write(new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY), "png", tmp.resolve("c" + (i % 2) + "/" + i + ".png").toFile());
        }
        LiveTrainingTest.Recorder sink = new LiveTrainingTest.Recorder();
        long[] now = {0};
        // a slow disk: the fake clock advances past the update interval with every file
        Supplier<io.convnb.data.LoadListener> factory = LoadListeners.registerGlobal(() -> new LiveLoading(sink,
                () -> now[0] += LiveTraining.MIN_INTERVAL_NANOS + 1));
        try {
            Datasets.imageFolder(tmp, ImageFolderOptions.size(3, 3).grayscale());
        } finally {
            LoadListeners.unregisterGlobal(factory);
        }
        // files 1..3 give bar updates (the 4th is the end), then the summary replaces the bar in the same output
        assertEquals(4, sink.events.size(), sink.events.toString());
        String id = sink.data.get(0).getDisplayId();
        assertEquals("display " + id, sink.events.get(0));
        assertTrue(sink.events.subList(1, 4).stream().allMatch(e -> e.equals("update " + id)), sink.events.toString());
        String bar = (String) sink.data.get(1).getData(MIMEType.TEXT_PLAIN);
        assertTrue(bar.startsWith("Loading " + tmp.getFileName() + "\n2/4 [===============>"), bar);
        assertTrue(((String) sink.data.get(1).getData(MIMEType.TEXT_HTML)).contains("2/4"), (String) sink.data.get(1).getData(MIMEType.TEXT_HTML));
        assertEquals("Found 4 files belonging to 2 classes; resized to 3x3 (bilinear, grayscale).",
                sink.data.get(3).getData(MIMEType.TEXT_PLAIN));
    }

    @Test
    void fastLoadShowsOnlyTheSummary() throws Exception {
        Files.createDirectories(tmp.resolve("a"));
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", tmp.resolve("a/1.png").toFile());
        LiveTrainingTest.Recorder sink = new LiveTrainingTest.Recorder();
        Supplier<io.convnb.data.LoadListener> factory = LoadListeners.registerGlobal(() -> new LiveLoading(sink));
        try {
            Datasets.imageFolder(tmp, 2, 2);
        } finally {
            LoadListeners.unregisterGlobal(factory);
        }
        assertEquals(1, sink.events.size(), sink.events.toString());
        assertEquals("Found 1 file belonging to 1 class; resized to 2x2 (bilinear, rgb).", sink.data.get(0).getData(MIMEType.TEXT_PLAIN));
    }
}
