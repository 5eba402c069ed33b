package io.convnb.display;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** Decoding helpers for tests: PNG through ImageIO, HTML through the JDK's strict XML parser. */
final class TestImages {

    private TestImages() {
    }

    static BufferedImage decode(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) {
                throw new AssertionError("not a decodable image");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses an HTML fragment as XML inside a root element; fails on unclosed tags or bad entities. */
    static Document parseHtml(String html) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            return f.newDocumentBuilder().parse(new InputSource(new StringReader("<root>" + html + "</root>")));
        } catch (Exception e) {
            throw new AssertionError("HTML is not well-formed: " + e.getMessage() + "\n" + html, e);
        }
    }

    static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }

    static int red(int rgb) {
        return (rgb >> 16) & 0xff;
    }

    static int green(int rgb) {
        return (rgb >> 8) & 0xff;
    }

    static int blue(int rgb) {
        return rgb & 0xff;
    }

    /** Number of pixels with exactly this colour. */
    static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += rgb(img, x, y) == rgb ? 1 : 0;
            }
        }
        return n;
    }

    /** Centroid {x, y} of the pixels with exactly this colour (NaN when none). */
    static double[] centroid(BufferedImage img, int rgb) {
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if (rgb(img, x, y) == rgb) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        return new double[] {sx / n, sy / n};
    }

    /** Pixels matching a predicate on the colour. */
    static int count(BufferedImage img, java.util.function.IntPredicate p) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += p.test(rgb(img, x, y)) ? 1 : 0;
            }
        }
        return n;
    }

    /** Text of all elements with this tag, in document order. */
    static java.util.List<String> texts(org.w3c.dom.Document d, String tag) {
        org.w3c.dom.NodeList nl = d.getElementsByTagName(tag);
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            out.add(nl.item(i).getTextContent());
        }
        return out;
    }
}
