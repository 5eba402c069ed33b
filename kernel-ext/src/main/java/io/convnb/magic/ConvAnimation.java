package io.convnb.magic;

import io.convnb.display.Figure;
import io.convnb.display.Gif;
import io.convnb.layers.Layer;
import io.convnb.model.LayerGeometry;
import io.convnb.shape.AxisGeometry;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.Padding;
import io.convnb.shape.WindowSchedule;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.DisplayDataRenderable;
import io.github.spencerpark.jupyter.kernel.display.RenderContext;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An animated GIF of a convolution's sliding window: frame by frame the window steps over the padded
 * input (padding grey and hatched) and the output cell it computes fills in. For a transposed
 * convolution each input cell in turn spreads its kernel, scaled by the cell's value, into the
 * output, whose cells darken with the number of input cells that have written to them (the uneven
 * overlap behind the checkerboard pattern of strided transposed convolutions).
 *
 * <p>Each frame is {@code %convmath}'s diagram ({@link WindowDiagram}) with the whole grid drawn. A
 * grid of at most {@value #MAX_FRAMES} cells gets one frame per cell; a larger one is visited in
 * square blocks of cells ({@link WindowSchedule}), which the caption says. The same geometry always
 * gives the same bytes (fixed palette, no timestamps).
 *
 * <p>The display bundle holds {@code text/plain} (the caption), {@code text/html} (the GIF as an
 * {@code <img>} data URI and the caption: JupyterLab, classic Notebook and nbconvert's HTML all choose
 * HTML first and animate it), {@code image/gif}, and {@code image/png} with the last frame for
 * viewers that show only PNG.
 *
 * <pre>{@code
 * import io.convnb.magic.ConvAnimation;
 * // %convmath's arguments; a 4x4 output is one frame per output cell:
 * ConvAnimation.of("input=7 kernel=3 stride=2 padding=same").frames()   // -> 16
 * ConvAnimation.of(ConvArithmetic.conv2d("demo", 6, 6, 3, 3, 2, 2, 1, 1, 1, 0, 1, 0));
 * var model = new Sequential()
 *     .add(new Conv2D(8, 3, 3).inputShape(28, 28, 1))
 *     .add(new Conv2D(8, 3, 3).strides(2, 2));
 * ConvAnimation.of(model.layer("conv2d_1"), 26, 26);                   // a layer of a model, for its input size
 * ConvAnimation.ofStack("input=32", "conv 3 padding=same\npool 2\nconv 3 stride=2", 3);
 * }</pre>
 */
public final class ConvAnimation implements DisplayDataRenderable {
    /** Most frames of one animation. */
    public static final int MAX_FRAMES = 48;
    /** Most cells per axis of the drawn grid (padded input, or full result of a transposed convolution). */
    public static final int MAX_CELLS = 160;
    /** How long the last frame stays, in hundredths of a second, before the loop restarts. */
    static final int LAST_DELAY = 250;

    private static final Set<MIMEType> TYPES = new LinkedHashSet<>(List.of(MIMEType.TEXT_HTML, MIMEType.IMAGE_GIF,
            MIMEType.IMAGE_PNG, MIMEType.TEXT_PLAIN));

    private final Geometry2D geometry;
    private final WindowSchedule schedule;
    private final byte[] gif;
    private final byte[] png;
    private final int width;
    private final int height;
    private final int[] delays;
    private final String headline;
    private final String caption;

    private ConvAnimation(Geometry2D geometry, WindowSchedule schedule, byte[] gif, byte[] png, int width, int height,
                          int[] delays, String headline, String caption) {
        this.geometry = geometry;
        this.schedule = schedule;
        this.gif = gif;
        this.png = png;
        this.width = width;
        this.height = height;
        this.delays = delays;
        this.headline = headline;
        this.caption = caption;
    }

    /** The animation of a geometry from {@link io.convnb.shape.ConvArithmetic}, at most {@value #MAX_FRAMES} frames. */
    public static ConvAnimation of(Geometry2D geometry) {
        return of(geometry, MAX_FRAMES);
    }

    /**
     * The animation of a geometry with at most {@code maxFrames} frames.
     *
     * @throws IllegalArgumentException when {@code maxFrames} is below 1, or the grid to draw has more than
     *                                  {@value #MAX_CELLS} cells on an axis (the message gives the sizes and a fix)
     */
    public static ConvAnimation of(Geometry2D geometry, int maxFrames) {
        return of(geometry, maxFrames, "ConvAnimation");
    }

    /**
     * The animation of {@code %convmath}'s arguments, e.g. {@code "input=7 kernel=3 stride=2 padding=same"}
     * or {@code "input=3 kernel=3 stride=2 transposed"} ({@code window=} and the counts are ignored).
     *
     * @throws MagicArgumentException with {@code %convmath}'s message for arguments it rejects
     */
    public static ConvAnimation of(String convmathArguments) {
        List<String> args = Arrays.asList(convmathArguments.strip().split("\\s+"));
        ParsedArgs a = ConvMath.SCHEMA.parse(args);
        return of(ConvMath.compute(a).geometry(), MAX_FRAMES, ConvMath.MAGIC);
    }

    /**
     * The animation of one layer of a model ({@code Conv2D}, {@code Conv2DTranspose},
     * {@code MaxPooling2D}, {@code AveragePooling2D}) on an {@code inputH x inputW} input.
     *
     * @throws IllegalArgumentException for a layer without a window, or an input it cannot take
     */
    public static ConvAnimation of(Layer layer, long inputH, long inputW) {
        String label = layer.typeName() + " '" + layer.name() + "'";
        return of(LayerGeometry.of(layer, inputH, inputW), MAX_FRAMES, label, label);
    }

    /**
     * The animation of layer {@code layer} (1 = the first body line, as in the {@code #} column of the
     * table) of a {@code %%convmath} stack, on the size that reaches it.
     *
     * @param header the magic line's arguments, e.g. {@code "input=32x32"}
     * @param body   the cell body, one layer per line
     * @throws MagicArgumentException with {@code %%convmath}'s message for a bad stack, or for a layer
     *                                number outside {@code 1..layers}
     */
    public static ConvAnimation ofStack(String header, String body, int layer) {
        List<Geometry2D> layers = LayerStack.geometries(Arrays.asList(header.strip().split("\\s+")), body);
        if (layer < 1 || layer > layers.size()) {
            throw new MagicArgumentException(LayerStack.MAGIC + ": layer " + layer + " is not in the stack, which has "
                    + layers.size() + " layer" + (layers.size() == 1 ? "" : "s") + "; use 1.." + layers.size()
                    + " (the # column of the table).");
        }
        return of(layers.get(layer - 1), MAX_FRAMES, LayerStack.MAGIC + " layer " + layer);
    }

    static ConvAnimation of(Geometry2D g, int maxFrames, String who) {
        return of(g, maxFrames, who, null);
    }

    /** {@code kind} names the layer in the headline; null for "Conv2D" or "Conv2DTranspose". */
    static ConvAnimation of(Geometry2D g, int maxFrames, String who, String kind) {
        if (maxFrames < 1) {
            throw new IllegalArgumentException(who + ": maxFrames must be at least 1, received " + maxFrames
                    + "; use e.g. " + MAX_FRAMES + ".");
        }
        boolean transposed = g.height().transposed();
        long[] size = new WindowDiagram(g, new long[] {0, 0}, Integer.MAX_VALUE, 3).largeSize();
        if (size[0] > MAX_CELLS || size[1] > MAX_CELLS) {
            throw new MagicArgumentException(who + ": the animation draws every cell, and the "
                    + (transposed ? "full result" : "padded input") + " has " + size[0] + "x" + size[1] + " cells, more than "
                    + MAX_CELLS + " per axis. Animate a smaller input with the same kernel, stride, dilation and padding"
                    + " (the window moves the same way), e.g. input=" + Math.min(32, g.height().input()) + "x"
                    + Math.min(32, g.width().input()) + ", or drop --animate for the static diagram.");
        }
        long smallH = transposed ? g.height().input() : g.outputHeight();
        long smallW = transposed ? g.width().input() : g.outputWidth();
        WindowSchedule schedule = WindowSchedule.of(smallH, smallW, maxFrames);
        String headline = headline(g, kind);
        String title = headline + "\n" + plan(g, schedule);
        List<BufferedImage> frames = new ArrayList<>();
        int[][] writes = transposed ? new int[(int) size[0]][(int) size[1]] : null;
        for (int f = 0; f < schedule.frames(); f++) {
            long[] cell = schedule.cell(f);
            WindowDiagram d = new WindowDiagram(g, cell, Integer.MAX_VALUE, 3);
            if (transposed) {
                scatter(g, schedule, f, d.largeOrigin(), writes);
            }
            final int frame = f;
            d.progress(new WindowDiagram.Progress((r, c) -> schedule.done(r, c, frame), writes,
                    status(g, schedule, f)));
            frames.add(d.render(title));
        }
        int w = 0, h = 0;
        for (BufferedImage im : frames) {
            w = Math.max(w, im.getWidth());
            h = Math.max(h, im.getHeight());
        }
        for (int i = 0; i < frames.size(); i++) {
            frames.set(i, pad(frames.get(i), w, h));
        }
        int[] delays = new int[frames.size()];
        Arrays.fill(delays, Math.max(25, Math.min(80, Math.round(1200f / frames.size()))));
        delays[delays.length - 1] = LAST_DELAY;
        byte[] gif = Gif.encode(frames, delays, palette());
        byte[] png = Figure.encode(frames.get(frames.size() - 1));
        return new ConvAnimation(g, schedule, gif, png, w, h, delays, headline, caption(headline, g, schedule, delays));
    }

    /** Adds the writes of the input cells handled in frame {@code f} (transposed only). */
    private static void scatter(Geometry2D g, WindowSchedule s, int f, long[] origin, int[][] writes) {
        AxisGeometry gh = g.height(), gw = g.width();
        long[] first = s.cell(f);
        for (long i = first[0]; i < Math.min(first[0] + s.block(), s.rows()); i++) {
            for (long j = first[1]; j < Math.min(first[1] + s.block(), s.cols()); j++) {
                for (long a = 0; a < gh.kernel(); a++) {
                    for (long b = 0; b < gw.kernel(); b++) {
                        writes[(int) (gh.tap(i, a) - origin[0])][(int) (gw.tap(j, b) - origin[1])]++;
                    }
                }
            }
        }
    }

    private static BufferedImage pad(BufferedImage im, int w, int h) {
        if (im.getWidth() == w && im.getHeight() == h) {
            return im;
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.drawImage(im, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The diagram's colours and a ramp of greys from its ink to white (antialiased text). */
    static int[] palette() {
        Set<Integer> colours = new LinkedHashSet<>();
        for (Color c : WindowDiagram.COLOURS) {
            colours.add(c.getRGB() & 0xffffff);
        }
        int ink = WindowDiagram.INK.getRGB() & 0xff;
        int steps = Gif.PALETTE_SIZE - 1 - colours.size();
        for (int i = 0; colours.size() < Gif.PALETTE_SIZE - 1 && i < 255; i++) {
            int v = ink + (int) Math.round((255 - ink) * (i / (double) (steps - 1)));
            colours.add(v << 16 | v << 8 | v);
        }
        return colours.stream().mapToInt(Integer::intValue).toArray();
    }

    static String headline(Geometry2D g) {
        return headline(g, null);
    }

    static String headline(Geometry2D g, String kind) {
        AxisGeometry h = g.height(), w = g.width();
        boolean t = h.transposed();
        String pad = h.padding() == w.padding() && h.padding() != Padding.EXPLICIT ? h.padding().kerasName() + " (" : "(";
        pad += (t ? "crop" : "") + " top " + h.padBefore() + ", bottom " + h.padAfter() + ", left " + w.padBefore()
                + ", right " + w.padAfter() + ")";
        return (kind != null ? kind : t ? "Conv2DTranspose" : "Conv2D") + ": input " + h.input() + "x" + w.input() + ", kernel " + h.kernel()
                + "x" + w.kernel() + ", stride " + h.stride() + "x" + w.stride() + ", dilation " + h.dilation() + "x"
                + w.dilation() + ", padding " + pad.replace("( ", "(") + " -> output " + g.outputHeight() + "x"
                + g.outputWidth();
    }

    /** How the frames walk the grid, e.g. {@code one output cell per frame, row by row (16 frames)}. */
    static String plan(Geometry2D g, WindowSchedule s) {
        String what = g.height().transposed() ? "input cell" : "output cell";
        if (!s.stepsSeveralCells()) {
            return "one " + what + " per frame, row by row (" + s.frames() + " frames)";
        }
        return "each frame handles a " + s.block() + "x" + s.block() + " block of " + what + "s, row by row ("
                + s.frames() + " frames for " + s.cells() + " cells); the window is drawn at the block's first cell";
    }

    static String status(Geometry2D g, WindowSchedule s, int f) {
        long[] c = s.cell(f);
        AxisGeometry h = g.height(), w = g.width();
        String where = "rows " + h.tap(c[0], 0) + ".." + h.tap(c[0], h.kernel() - 1) + ", columns " + w.tap(c[1], 0)
                + ".." + w.tap(c[1], w.kernel() - 1);
        String head = "frame " + (f + 1) + "/" + s.frames() + ": ";
        if (h.transposed()) {
            return head + "input cell (" + c[0] + ", " + c[1] + ") adds kernel * its value to output " + where
                    + (h.padBefore() > 0 || w.padBefore() > 0 ? " (full-result coordinates: cell 0 is the first kept one)" : "");
        }
        return head + "output cell (" + c[0] + ", " + c[1] + ") = sum of kernel * input " + where
                + (h.tap(c[0], 0) < 0 || w.tap(c[1], 0) < 0 || h.tap(c[0], h.kernel() - 1) >= h.input()
                        || w.tap(c[1], w.kernel() - 1) >= w.input() ? " (padding counts as 0)" : "");
    }

    static String caption(String headline, Geometry2D g, WindowSchedule s, int[] delays) {
        boolean t = g.height().transposed();
        return "Animation of " + headline + ": " + plan(g, s) + ", " + delays[0] / 100.0 + " s per frame. "
                + (t ? "Each input cell spreads its kernel, scaled by its value, into the full result; blue shades count"
                        + " how many input cells wrote each output cell; hatched grey cells are cropped."
                     : "The window (orange) steps over the padded input, padding is grey and hatched, and the output"
                        + " cells it computes fill in (blue).")
                + " The static picture is the last frame.";
    }

    /** The geometry animated. */
    public Geometry2D geometry() {
        return geometry;
    }

    /** The order the frames visit the cells (and the block size when several fill per frame). */
    public WindowSchedule schedule() {
        return schedule;
    }

    /** Number of frames. */
    public int frames() {
        return schedule.frames();
    }

    /** Frame delays in hundredths of a second. */
    public int[] delays() {
        return delays.clone();
    }

    /** A copy of the GIF bytes. */
    public byte[] gif() {
        return gif.clone();
    }

    /** A copy of the PNG of the last frame (the static fallback). */
    public byte[] png() {
        return png.clone();
    }

    /** Frame width in pixels. */
    public int width() {
        return width;
    }

    /** Frame height in pixels. */
    public int height() {
        return height;
    }

    /** The one-paragraph description shown under the animation and as {@code text/plain}. */
    public String caption() {
        return caption;
    }

    /** Writes the GIF to a file. */
    public void save(Path path) throws IOException {
        Files.write(path, gif);
    }

    String html() {
        String b64 = Base64.getEncoder().encodeToString(gif);
        return "<div class=\"convnb-animation\"><img src=\"data:image/gif;base64," + b64 + "\" alt=\""
                + MagicOutput.escape(headline) + "\" width=\"" + width + "\" height=\"" + height + "\"/>"
                + "<p>" + MagicOutput.escape(caption) + "</p></div>";
    }

    /** The bundle: HTML with the animated GIF, {@code image/gif}, the last frame as PNG, and the caption. */
    public DisplayData toDisplayData() {
        return display("", "");
    }

    /** The bundle with text and HTML (e.g. {@code %convmath}'s table) before the animation. */
    DisplayData display(String textBefore, String htmlBefore) {
        DisplayData d = new DisplayData(textBefore + caption);
        d.putHTML(htmlBefore.isEmpty() ? html() : "<div class=\"convnb-convmath\">" + htmlBefore + html() + "</div>");
        d.putData(MIMEType.IMAGE_GIF, Base64.getEncoder().encodeToString(gif));
        d.putData(MIMEType.IMAGE_PNG, Base64.getEncoder().encodeToString(png));
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
        ctx.renderIfRequested(MIMEType.TEXT_HTML, this::html);
        ctx.renderIfRequested(MIMEType.IMAGE_GIF, () -> Base64.getEncoder().encodeToString(gif));
        ctx.renderIfRequested(MIMEType.IMAGE_PNG, () -> Base64.getEncoder().encodeToString(png));
        ctx.renderIfRequested(MIMEType.TEXT_PLAIN, () -> caption);
    }

    @Override
    public String toString() {
        return caption;
    }
}
