package io.convnb.magic;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.awt.image.BufferedImage;
import java.util.Base64;


/**
 * Builds what a magic displays: {@code text/plain} always, {@code text/html} and {@code image/png}
 * when there are. Pictures are also embedded in the HTML as data URIs, because a notebook shows
 * only the richest type of a bundle (HTML before PNG) and the page needs both the tables and the
 * pictures.
 */
final class MagicOutput {
    private MagicOutput() {
    }

    /** A bundle of text and HTML. */
    static DisplayData of(String text, String html) {
        DisplayData d = new DisplayData(text);
        if (html != null) {
            d.putHTML(html);
        }
        return d;
    }

    /** A bundle of text, HTML and one PNG (base64, as Jupyter expects). */
    static DisplayData of(String text, String html, byte[] png) {
        DisplayData d = of(text, html);
        if (png != null) {
            d.putData(MIMEType.IMAGE_PNG, Base64.getEncoder().encodeToString(png));
        }
        return d;
    }

    /** Encodes an image as PNG (equal images give equal bytes): the display package's encoder. */
    static byte[] png(BufferedImage image) {
        return io.convnb.display.Figure.encode(image);
    }

    /** An {@code <img>} element showing {@code png} inline. */
    static String img(byte[] png, String alt) {
        return "<img src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\" alt=\""
                + escape(alt) + "\"/>";
    }

    /** A {@code <pre>} block of escaped text. */
    static String pre(String text) {
        return "<pre>" + escape(text) + "</pre>";
    }

    /** Escapes text for element content and attribute values: the display package's escaping. */
    static String escape(String s) {
        return io.convnb.display.Html.escape(s);
    }

    /** A text table with columns padded to their widest cell; the first row is the header. */
    static String textTable(java.util.List<java.util.List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (java.util.List<String> r : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            java.util.List<String> r = rows.get(i);
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                line.append(c == 0 ? "" : "  ").append(String.format("%-" + width[c] + "s", r.get(c)));
            }
            b.append(line.toString().stripTrailing()).append('\n');
            if (i == 0) {
                int total = 0;
                for (int w : width) {
                    total += w;
                }
                b.append("-".repeat(total + 2 * (cols - 1))).append('\n');
            }
        }
        return b.toString();
    }

    /** An HTML table; the first row is the header. */
    static String htmlTable(java.util.List<java.util.List<String>> rows) {
        StringBuilder b = new StringBuilder("<table class=\"convnb-table\">");
        for (int i = 0; i < rows.size(); i++) {
            String cell = i == 0 ? "th" : "td";
            b.append(i == 0 ? "<thead><tr>" : "<tr>");
            for (String v : rows.get(i)) {
                b.append('<').append(cell).append('>').append(escape(v)).append("</").append(cell).append('>');
            }
            b.append(i == 0 ? "</tr></thead><tbody>" : "</tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    /** The usage text of a magic, as text and as a {@code <pre>} block. */
    static DisplayData help(String usage) {
        return of(usage, pre(usage));
    }

    /** Rethrows an engine error as a {@link MagicArgumentException} with the same message. */
    static MagicArgumentException rethrow(IllegalArgumentException e) {
        return e instanceof MagicArgumentException m ? m : new MagicArgumentException(e.getMessage(), e);
    }
}
