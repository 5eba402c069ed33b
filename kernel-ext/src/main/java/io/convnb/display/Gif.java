package io.convnb.display;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Animated GIFs with the JDK's GIF writer, reproducible byte for byte: a fixed palette given by the
 * caller (every pixel is mapped to its nearest palette colour, so no colour quantiser with its own
 * choices is involved), no timestamps, and a loop that repeats forever.
 *
 * <p>To keep files small, every frame after the first is written as the rectangle of pixels that
 * changed since the previous frame, with the unchanged pixels inside it transparent; frames are
 * never disposed, so each draws over the last. All frames must have the size of the first.
 */
public final class Gif {
    /** Palette entries, including the one reserved for transparency: a 6-bit colour table. */
    public static final int PALETTE_SIZE = 64;

    private Gif() {
    }

    /**
     * Encodes frames as a looping animated GIF.
     *
     * @param frames        the pictures, all of one size (RGB; alpha is ignored)
     * @param delays        per frame, how long it stays, in hundredths of a second (at least 2: browsers
     *                      treat 0 and 1 as "as fast as possible" or as 10)
     * @param palette       up to {@code PALETTE_SIZE - 1} RGB colours ({@code 0xRRGGBB}); each pixel becomes its nearest
     * @return the GIF bytes; equal arguments give equal bytes
     * @throws IllegalArgumentException for no frames, frames of different sizes, a delay below 2, or a
     *                                  palette that is empty or too large
     */
    public static byte[] encode(List<BufferedImage> frames, int[] delays, int[] palette) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("Gif.encode: no frames; give at least one picture.");
        }
        if (delays.length != frames.size()) {
            throw new IllegalArgumentException("Gif.encode: " + frames.size() + " frames but " + delays.length
                    + " delays; give one delay per frame.");
        }
        if (palette.length < 1 || palette.length > PALETTE_SIZE - 1) {
            throw new IllegalArgumentException("Gif.encode: the palette has " + palette.length + " colours; give 1 to "
                    + (PALETTE_SIZE - 1) + " (one entry is kept for transparency).");
        }
        int width = frames.get(0).getWidth(), height = frames.get(0).getHeight();
        for (int i = 0; i < frames.size(); i++) {
            BufferedImage f = frames.get(i);
            if (f.getWidth() != width || f.getHeight() != height) {
                throw new IllegalArgumentException("Gif.encode: frame " + i + " is " + f.getWidth() + "x" + f.getHeight()
                        + " but frame 0 is " + width + "x" + height + "; draw all frames at one size.");
            }
            if (delays[i] < 2) {
                throw new IllegalArgumentException("Gif.encode: delay " + delays[i] + " of frame " + i + " is below 2"
                        + " hundredths of a second, which browsers do not honour; use 2 or more.");
            }
        }
        int transparent = PALETTE_SIZE - 1;
        byte[] r = new byte[PALETTE_SIZE], g = new byte[PALETTE_SIZE], b = new byte[PALETTE_SIZE];
        for (int i = 0; i < palette.length; i++) {
            r[i] = (byte) (palette[i] >> 16);
            g[i] = (byte) (palette[i] >> 8);
            b[i] = (byte) palette[i];
        }
        IndexColorModel model = new IndexColorModel(6, PALETTE_SIZE, r, g, b, transparent);
        Nearest nearest = new Nearest(palette);
        ImageWriter writer = gifWriter();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            byte[] previous = null;
            for (int i = 0; i < frames.size(); i++) {
                byte[] indexed = index(frames.get(i), palette, nearest);
                int[] box = previous == null ? new int[] {0, 0, width, height} : changed(previous, indexed, width, height);
                BufferedImage part = new BufferedImage(box[2], box[3], BufferedImage.TYPE_BYTE_INDEXED, model);
                byte[] dst = ((DataBufferByte) part.getRaster().getDataBuffer()).getData();
                for (int y = 0; y < box[3]; y++) {
                    for (int x = 0; x < box[2]; x++) {
                        int k = (box[1] + y) * width + box[0] + x;
                        dst[y * box[2] + x] = previous != null && previous[k] == indexed[k] ? (byte) transparent : indexed[k];
                    }
                }
                IIOMetadata meta = frameMetadata(writer, part, delays[i], box, i == 0, width, height);
                writer.writeToSequence(new IIOImage(part, null, meta), null);
                previous = indexed;
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static ImageWriter gifWriter() {
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("gif");
        if (!it.hasNext()) {
            throw new IllegalStateException("No GIF writer available in this JVM.");
        }
        return it.next();
    }

    /** Palette indexes of every pixel, row by row. */
    private static byte[] index(BufferedImage image, int[] palette, Nearest nearest) {
        int w = image.getWidth(), h = image.getHeight();
        int[] rgb = image.getType() == BufferedImage.TYPE_INT_RGB && image.getRaster().getDataBuffer() instanceof DataBufferInt d
                && d.getNumBanks() == 1 && d.getData().length == w * h
                ? d.getData() : image.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[w * h];
        int last = -1;
        byte lastIndex = 0;
        for (int i = 0; i < out.length; i++) {
            int c = rgb[i] & 0xffffff;
            if (c != last) {   // pictures are mostly runs of one colour
                last = c;
                lastIndex = nearest.of(c);
            }
            out[i] = lastIndex;
        }
        return out;
    }

    /** Nearest palette entries, remembered in an open-addressing table (no boxing: frames have ~10^6 pixels). */
    private static final class Nearest {
        private static final int SLOTS = 1 << 14;
        private final int[] palette;
        private final int[] keys = new int[SLOTS];
        private final byte[] values = new byte[SLOTS];
        private int used;

        Nearest(int[] palette) {
            this.palette = palette;
            java.util.Arrays.fill(keys, -1);
        }

        byte of(int rgb) {
            int slot = (rgb * 0x9E3779B1) >>> 18;
            while (keys[slot] != -1) {
                if (keys[slot] == rgb) {
                    return values[slot];
                }
                slot = (slot + 1) & (SLOTS - 1);
            }
            byte index = (byte) nearestIndex(rgb, palette);
            if (used < SLOTS / 2) {   // keep the table sparse; past that, colours are computed each time
                keys[slot] = rgb;
                values[slot] = index;
                used++;
            }
            return index;
        }
    }

    /** The palette entry at the smallest squared RGB distance; the first one on a tie. */
    static int nearestIndex(int rgb, int[] palette) {
        int best = 0;
        long bestD = Long.MAX_VALUE;
        for (int i = 0; i < palette.length; i++) {
            long dr = ((rgb >> 16) & 0xff) - ((palette[i] >> 16) & 0xff);
            long dg = ((rgb >> 8) & 0xff) - ((palette[i] >> 8) & 0xff);
            long db = (rgb & 0xff) - (palette[i] & 0xff);
            long d = dr * dr + dg * dg + db * db;
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    /** {x, y, w, h} of the pixels that differ; a 1x1 box when none do (a GIF frame cannot be empty). */
    private static int[] changed(byte[] a, byte[] b, int width, int height) {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (a[y * width + x] != b[y * width + x]) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? new int[] {0, 0, 1, 1} : new int[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    }

    private static IIOMetadata frameMetadata(ImageWriter writer, BufferedImage part, int delay, int[] box, boolean first,
                                             int width, int height) throws IOException {
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(part), null);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode descriptor = child(root, "ImageDescriptor");
        descriptor.setAttribute("imageLeftPosition", Integer.toString(box[0]));
        descriptor.setAttribute("imageTopPosition", Integer.toString(box[1]));
        descriptor.setAttribute("imageWidth", Integer.toString(box[2]));
        descriptor.setAttribute("imageHeight", Integer.toString(box[3]));
        descriptor.setAttribute("interlaceFlag", "FALSE");
        // The writer's default metadata would index the stream's default global table; give each frame
        // the fixed palette as its own table.
        IIOMetadataNode table = child(root, "LocalColorTable");
        while (table.getFirstChild() != null) {
            table.removeChild(table.getFirstChild());
        }
        IndexColorModel cm = (IndexColorModel) part.getColorModel();
        table.setAttribute("sizeOfLocalColorTable", Integer.toString(cm.getMapSize()));
        table.setAttribute("sortFlag", "FALSE");
        for (int i = 0; i < cm.getMapSize(); i++) {
            IIOMetadataNode entry = new IIOMetadataNode("ColorTableEntry");
            entry.setAttribute("index", Integer.toString(i));
            entry.setAttribute("red", Integer.toString(cm.getRed(i)));
            entry.setAttribute("green", Integer.toString(cm.getGreen(i)));
            entry.setAttribute("blue", Integer.toString(cm.getBlue(i)));
            table.appendChild(entry);
        }
        IIOMetadataNode control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "doNotDispose");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", first ? "FALSE" : "TRUE");
        control.setAttribute("transparentColorIndex", Integer.toString(PALETTE_SIZE - 1));
        control.setAttribute("delayTime", Integer.toString(delay));
        if (first) {
            IIOMetadataNode apps = child(root, "ApplicationExtensions");
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {0x1, 0, 0});   // sub-block 1: loop count 0 = forever
            apps.appendChild(loop);
        }
        meta.setFromTree(format, root);
        return meta;
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
