package io.convnb.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;

class GifTest {

    static BufferedImage filled(int w, int h, int rgb) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                im.setRGB(x, y, rgb);
            }
        }
        return im;
    }

    @Test
    void framesAreTheChangedRectangleOverThePreviousPicture() throws IOException {
        BufferedImage a = filled(10, 8, 0xffffff);
        BufferedImage b = filled(10, 8, 0xffffff);
        b.setRGB(3, 2, 0x010203);   // nearest palette colour: black
        b.setRGB(6, 5, 0xfe0000);   // nearest: red
        byte[] gif = Gif.encode(List.of(a, b), new int[] {10, 20}, new int[] {0xffffff, 0x000000, 0xff0000});
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in);
            assertEquals(2, reader.getNumImages(true));
            BufferedImage second = reader.read(1);
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(1).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode desc = (IIOMetadataNode) root.getElementsByTagName("ImageDescriptor").item(0);
            // the rectangle from (3, 2) to (6, 5)
            assertEquals(List.of("3", "2", "4", "4"), List.of(desc.getAttribute("imageLeftPosition"),
                    desc.getAttribute("imageTopPosition"), desc.getAttribute("imageWidth"), desc.getAttribute("imageHeight")));
            assertEquals(0x000000, second.getRGB(0, 0) & 0xffffff);
            assertEquals(0xff0000, second.getRGB(3, 3) & 0xffffff);
            assertEquals(0, second.getRGB(1, 1) >>> 24, "unchanged pixels are transparent");
            IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
            assertEquals("20", gce.getAttribute("delayTime"));
            assertEquals("TRUE", gce.getAttribute("transparentColorFlag"));
        } finally {
            reader.dispose();
        }
        assertArrayEquals(gif, Gif.encode(List.of(a, b), new int[] {10, 20}, new int[] {0xffffff, 0x000000, 0xff0000}));
    }

    @Test
    void nearestColourIsTheSmallestRgbDistance() {
        int[] palette = {0xffffff, 0x000000, 0x808080, 0xff9800};
        assertEquals(2, Gif.nearestIndex(0x7a7a7a, palette));
        assertEquals(3, Gif.nearestIndex(0xfa9000, palette));
        assertEquals(0, Gif.nearestIndex(0xf0f0f0, palette));
    }

    @Test
    void badArgumentsAreExplained() {
        BufferedImage a = filled(4, 4, 0);
        assertEquals("Gif.encode: no frames; give at least one picture.", assertThrows(IllegalArgumentException.class,
                () -> Gif.encode(List.of(), new int[0], new int[] {0})).getMessage());
        assertEquals("Gif.encode: frame 1 is 5x4 but frame 0 is 4x4; draw all frames at one size.",
                assertThrows(IllegalArgumentException.class,
                        () -> Gif.encode(List.of(a, filled(5, 4, 0)), new int[] {5, 5}, new int[] {0})).getMessage());
        assertEquals("Gif.encode: delay 1 of frame 0 is below 2 hundredths of a second, which browsers do not honour;"
                + " use 2 or more.", assertThrows(IllegalArgumentException.class,
                        () -> Gif.encode(List.of(a), new int[] {1}, new int[] {0})).getMessage());
        assertEquals("Gif.encode: the palette has 64 colours; give 1 to 63 (one entry is kept for transparency).",
                assertThrows(IllegalArgumentException.class,
                        () -> Gif.encode(List.of(a), new int[] {5}, new int[64])).getMessage());
        assertEquals("Gif.encode: 1 frames but 2 delays; give one delay per frame.", assertThrows(IllegalArgumentException.class,
                () -> Gif.encode(List.of(a), new int[] {5, 5}, new int[] {0})).getMessage());
    }
}
