package io.convnb.magic;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;

import org.w3c.dom.Node;

/**
 * A GIF decoded with javax.imageio's reader and composited as a browser shows it: each frame's
 * rectangle drawn (transparent pixels left alone) over the previous picture.
 */
final class GifFrames {
    final List<BufferedImage> frames = new ArrayList<>();
    final List<Integer> delays = new ArrayList<>();
    final List<String> disposals = new ArrayList<>();
    boolean loopsForever;
    int width;
    int height;

    static GifFrames decode(byte[] gif) {
        GifFrames out = new GifFrames();
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(gif))) {
            reader.setInput(in, false);
            int n = reader.getNumImages(true);
            BufferedImage canvas = null;
            for (int i = 0; i < n; i++) {
                BufferedImage part = reader.read(i);
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
                IIOMetadataNode desc = child(root, "ImageDescriptor");
                int x = Integer.parseInt(desc.getAttribute("imageLeftPosition"));
                int y = Integer.parseInt(desc.getAttribute("imageTopPosition"));
                IIOMetadataNode gce = child(root, "GraphicControlExtension");
                out.delays.add(Integer.parseInt(gce.getAttribute("delayTime")));
                out.disposals.add(gce.getAttribute("disposalMethod"));
                IIOMetadataNode apps = child(root, "ApplicationExtensions");
                if (apps != null) {
                    for (Node a = apps.getFirstChild(); a != null; a = a.getNextSibling()) {
                        IIOMetadataNode app = (IIOMetadataNode) a;
                        byte[] data = (byte[]) app.getUserObject();
                        if ("NETSCAPE".equals(app.getAttribute("applicationID")) && data.length >= 3 && data[0] == 1
                                && data[1] == 0 && data[2] == 0) {
                            out.loopsForever = true;
                        }
                    }
                }
                if (canvas == null) {
                    canvas = new BufferedImage(part.getWidth() + x, part.getHeight() + y, BufferedImage.TYPE_INT_RGB);
                    out.width = canvas.getWidth();
                    out.height = canvas.getHeight();
                }
                BufferedImage next = new BufferedImage(canvas.getWidth(), canvas.getHeight(), BufferedImage.TYPE_INT_RGB);
                Graphics2D g = next.createGraphics();
                g.drawImage(canvas, 0, 0, null);
                g.drawImage(part, x, y, null);
                g.dispose();
                out.frames.add(next);
                canvas = next;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            reader.dispose();
        }
        return out;
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return (IIOMetadataNode) n;
            }
        }
        return null;
    }
}
