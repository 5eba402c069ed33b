package io.convnb.display;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.DisplayDataRenderable;
import io.github.spencerpark.jupyter.kernel.display.RenderContext;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * A rendered picture: PNG bytes plus the {@code text/plain} fallback that says what the picture
 * shows. Displaying a {@code Figure} in a notebook shows the PNG; the same input always gives
 * the same bytes (the PNG carries no time or other varying metadata).
 */
public final class Figure implements DisplayDataRenderable {

    private static final Set<MIMEType> TYPES = Set.of(MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN);

    private final byte[] png;
    private final int width;
    private final int height;
    private final String text;

    private Figure(byte[] png, int width, int height, String text) {
        this.png = png;
        this.width = width;
        this.height = height;
        this.text = text;
    }

    /** Encodes an image as PNG and keeps it with its text fallback. */
    public static Figure of(BufferedImage image, String text) {
        return new Figure(encode(image), image.getWidth(), image.getHeight(), text);
    }

    /** Encodes with the JDK's PNG writer, which writes no tIME chunk, so equal images give equal bytes. */
    public static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("No PNG writer available in this JVM.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A copy of the PNG bytes. */
    public byte[] png() {
        return png.clone();
    }

    /** The PNG in base64, as Jupyter's {@code image/png} expects. */
    public String base64() {
        return Base64.getEncoder().encodeToString(png);
    }

    /** Image width in pixels. */
    public int width() {
        return width;
    }

    /** Image height in pixels. */
    public int height() {
        return height;
    }

    /** The {@code text/plain} fallback. */
    public String text() {
        return text;
    }

    /** A bundle with {@code image/png} and {@code text/plain}, for {@code kernel.display(...)}. */
    public DisplayData toDisplayData() {
        DisplayData d = new DisplayData(text);
        d.putData(MIMEType.IMAGE_PNG, base64());
        return d;
    }

    @Override
    public Set<MIMEType> getPreferredRenderTypes() {
        return TYPES;
    }

    @Override
    public Set<MIMEType> getSupportedRenderTypes() {
        return TYPES;
    }

    @Override
    public void render(RenderContext ctx) {
        ctx.renderIfRequested(MIMEType.IMAGE_PNG, this::base64);
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> text);
    }

    @Override
    public String toString() {
        return text;
    }
}
