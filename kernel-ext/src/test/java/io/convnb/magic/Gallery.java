package io.convnb.magic;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import javax.imageio.ImageIO;

/** Writes magic outputs to {@code target/magic-gallery/} so that a person can look at them. */
final class Gallery {
    static final Path DIR = Path.of("target", "magic-gallery");

    private Gallery() {
    }

    /** Saves the PNG (if any), the HTML page and the text of {@code data} under {@code name}. */
    static void save(String name, DisplayData data) {
        try {
            Files.createDirectories(DIR);
            Object png = data.getData(MIMEType.IMAGE_PNG);
            if (png != null) {
                Files.write(DIR.resolve(name + ".png"), Base64.getDecoder().decode((String) png));
            }
            Object html = data.getData(MIMEType.TEXT_HTML);
            if (html != null) {
                Files.writeString(DIR.resolve(name + ".html"), "<!DOCTYPE html><html><head><meta charset=\"utf-8\"/>"
                        + "<title>" + name + "</title></head><body>" + html + "</body></html>", StandardCharsets.UTF_8);
            }
            Files.writeString(DIR.resolve(name + ".txt"), text(data), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(DisplayData data) {
        return (String) data.getData(MIMEType.TEXT_PLAIN);
    }

    static String html(DisplayData data) {
        return (String) data.getData(MIMEType.TEXT_HTML);
    }

    /** Decodes the {@code image/png} of a bundle. */
    static BufferedImage png(DisplayData data) {
        Object png = data.getData(MIMEType.IMAGE_PNG);
        if (png == null) {
            throw new AssertionError("no image/png in the bundle");
        }
        return decode(Base64.getDecoder().decode((String) png));
    }

    static BufferedImage decode(byte[] png) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            if (img == null) {
                throw new AssertionError("not a PNG");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
