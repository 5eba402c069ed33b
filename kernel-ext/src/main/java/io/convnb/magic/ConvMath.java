package io.convnb.magic;

import io.convnb.shape.AxisGeometry;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.Padding;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code %convmath}: the output size of one convolution (or transposed convolution) with the
 * formula and its numbers, the padding split, the parameter count and multiply-adds, and a diagram
 * of where the windows land. Every number comes from {@link ConvArithmetic}; nothing is recomputed here.
 */
public final class ConvMath {
    static final String MAGIC = "%convmath";

    /** The accepted arguments. */
    public static final ArgSchema SCHEMA = ArgSchema.of(MAGIC, "input", "kernel", "stride", "padding", "dilation",
            "channels", "filters", "groups", "output_padding", "window").withFlags("transposed", "--animate");

    /** The {@code --help} text. */
    public static final String USAGE = """
            %convmath input=H[xW] kernel=K[xK] [stride=S[xS]] [padding=P] [dilation=D[xD]]
                      [channels=C] [filters=F] [groups=G] [transposed [output_padding=O[xO]]] [window=i,j]
                      [--animate]

            Output size of one 2-D convolution, per axis, with the formula and the numbers substituted:
              out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1
            the padding split, the parameter count and multiply-adds (when channels or filters are given;
            the other defaults to 1), and a diagram of where the windows land on the padded input.

              input=28 | 28x32          input height x width (required)
              kernel=3 | 3x5            kernel height x width (required)
              stride=2 | 2x1            strides (default 1)
              dilation=2 | 1x2          dilation rate (default 1)
              padding=valid|same|full   Keras rules (default valid), or explicit amounts:
                      1 | 1x2 | 1,0,2,1 every side | top/bottom x left/right | top,bottom,left,right
              channels=C filters=F      input channels and filters, for parameters and multiply-adds
              groups=G                  grouped convolution (G divides channels and filters)
              transposed                a transposed convolution (Conv2DTranspose); explicit padding crops
              output_padding=1 | 1x0    Keras output_padding of a transposed convolution (< stride)
              window=i,j                the window to highlight: output cell (i, j), or input cell of a
                                        transposed convolution (default 0,0)
              --animate                 an animated GIF instead of the diagram: the window steps over the
                                        padded input and each output cell fills in (transposed: each input
                                        cell spreads its kernel into the output); at most 48 frames, larger
                                        outputs in blocks of cells; the last frame as PNG for static viewers

            Examples:
              %convmath input=28x28 kernel=3 stride=2 padding=same
              %convmath input=32 kernel=5 padding=2 channels=3 filters=16
              %convmath input=7x9 kernel=3x5 stride=2x1 padding=1,0,2,1 window=1,2
              %convmath input=28 kernel=3 dilation=2 padding=same
              %convmath input=7 kernel=3 stride=2 padding=same transposed output_padding=1
              %convmath input=6 kernel=3 stride=2 padding=1,0,1,0 --animate
            """;

    private ConvMath() {
    }

    /** Runs {@code %convmath} with the given (shell-split) arguments. */
    public static DisplayData line(List<String> args) {
        ParsedArgs a = SCHEMA.parse(args);
        if (a.help()) {
            return MagicOutput.help(USAGE);
        }
        if (a.flag("--animate")) {
            if (a.has("window")) {
                throw MagicArgumentException.invalid(MAGIC, "window", a.raw("window"), "--animate visits every window,"
                        + " and window= picks the one window of the static diagram", "--animate without window=, or"
                        + " window=i,j without --animate");
            }
            Result r = compute(a);
            ConvAnimation anim = ConvAnimation.of(r.geometry(), ConvAnimation.MAX_FRAMES, MAGIC);
            return anim.display(r.report(), "<p><b>" + MagicOutput.escape(r.headline()) + "</b></p>"
                    + MagicOutput.htmlTable(r.axisTable()));
        }
        return compute(a).display();
    }

    /** The computed geometry and counts of one call. */
    record Result(Geometry2D geometry, PaddingSpec padding, long[] window, Long channels, Long filters, long groups,
                  long params, long multiplyAdds, String paramsFormula, String macsFormula) {

        boolean transposed() {
            return geometry.height().transposed();
        }

        DisplayData display() {
            WindowDiagram diagram = new WindowDiagram(geometry, window);
            String text = report() + "\n" + diagram.text();
            byte[] png = MagicOutput.png(diagram.render(title()));
            String html = "<div class=\"convnb-convmath\">" + "<p><b>" + MagicOutput.escape(headline()) + "</b></p>"
                    + MagicOutput.htmlTable(axisTable()) + MagicOutput.pre(explanation())
                    + (paramsFormula == null ? "" : MagicOutput.pre(counts()))
                    + MagicOutput.img(png, title().replace('\n', ' ')) + "</div>";
            return MagicOutput.of(text, html, png);
        }

        String headline() {
            AxisGeometry h = geometry.height(), w = geometry.width();
            return (transposed() ? "Conv2DTranspose" : "Conv2D") + ": input " + h.input() + "x" + w.input()
                    + (channels == null ? "" : "x" + channels) + ", kernel " + h.kernel() + "x" + w.kernel()
                    + ", stride " + h.stride() + "x" + w.stride() + ", dilation " + h.dilation() + "x" + w.dilation()
                    + ", padding " + padding + " -> output " + geometry.outputHeight() + "x" + geometry.outputWidth()
                    + (filters == null ? "" : "x" + filters);
        }

        String title() {
            String side = transposed() ? "input cell" : "window";
            return headline() + "\n" + side + " (" + window[0] + "," + window[1] + "); "
                    + (transposed() ? "crop" : "padding") + " top " + geometry.padTop() + ", bottom "
                    + geometry.padBottom() + ", left " + geometry.padLeft() + ", right " + geometry.padRight();
        }

        List<List<String>> axisTable() {
            List<List<String>> rows = new ArrayList<>();
            String before = transposed() ? "crop before" : "pad before";
            String after = transposed() ? "crop after" : "pad after";
            rows.add(List.of("axis", "input", "kernel", "stride", "dilation", before, after, "output", "formula"));
            for (AxisGeometry g : List.of(geometry.height(), geometry.width())) {
                rows.add(List.of(g.axis(), Long.toString(g.input()), Long.toString(g.kernel()), Long.toString(g.stride()),
                        Long.toString(g.dilation()), Long.toString(g.padBefore()), Long.toString(g.padAfter()),
                        Long.toString(g.output()), g.formula()));
            }
            return rows;
        }

        String explanation() {
            return geometry.explain();
        }

        String counts() {
            return "parameters: " + paramsFormula + "\nmultiply-adds per image: " + macsFormula;
        }

        String report() {
            StringBuilder b = new StringBuilder(headline()).append('\n');
            b.append(transposed() ? "crop" : "padding").append(": top ").append(geometry.padTop()).append(", bottom ")
                    .append(geometry.padBottom()).append(", left ").append(geometry.padLeft()).append(", right ")
                    .append(geometry.padRight()).append('\n');
            b.append(explanation()).append('\n');
            if (paramsFormula != null) {
                b.append(counts()).append('\n');
            }
            return b.toString();
        }
    }

    static Result compute(ParsedArgs a) {
        long[] input = a.requiredSize("input", 1, "sizes");
        long[] kernel = a.requiredSize("kernel", 1, "kernel sizes");
        long[] stride = a.size("stride", new long[] {1, 1}, 1, "strides");
        long[] dilation = a.size("dilation", new long[] {1, 1}, 1, "dilations");
        PaddingSpec padding = a.padding("padding", PaddingSpec.VALID);
        boolean transposed = a.flag("transposed");
        long[] outputPadding = a.size("output_padding", null, 0, "output paddings");
        if (outputPadding != null && !transposed) {
            throw MagicArgumentException.invalid(MAGIC, "output_padding", a.raw("output_padding"),
                    "output_padding belongs to transposed convolutions only",
                    "transposed output_padding=1, or no output_padding");
        }
        long groups = a.integer("groups", 1, 1);
        if (transposed && groups != 1) {
            throw MagicArgumentException.invalid(MAGIC, "groups", a.raw("groups"),
                    "transposed convolutions have no groups here (Keras Conv2DTranspose has none)",
                    "groups=1, or drop transposed");
        }
        Long channels = a.has("channels") ? a.integer("channels", 1, 1) : null;
        Long filters = a.has("filters") ? a.integer("filters", 1, 1) : null;
        Geometry2D g;
        try {
            g = transposed ? transposedGeometry(input, kernel, stride, dilation, padding, outputPadding)
                           : convGeometry(input, kernel, stride, dilation, padding);
        } catch (MagicArgumentException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw MagicOutput.rethrow(e);
        }
        long[] window = a.cell("window");
        if (window == null) {
            window = new long[] {0, 0};
        }
        long smallH = transposed ? g.height().input() : g.outputHeight();
        long smallW = transposed ? g.width().input() : g.outputWidth();
        if (window[0] >= smallH || window[1] >= smallW) {
            String grid = transposed ? "input" : "output";
            throw MagicArgumentException.invalid(MAGIC, "window", a.raw("window"), "it is outside the " + smallH + "x"
                    + smallW + " " + grid + " (window=i,j picks " + grid + " cell (i, j))",
                    "window=i,j with i in 0.." + (smallH - 1) + " and j in 0.." + (smallW - 1));
        }
        long params = 0, macs = 0;
        String pf = null, mf = null;
        if (channels != null || filters != null) {
            long c = channels == null ? 1 : channels, f = filters == null ? 1 : filters;
            long kh = kernel[0], kw = kernel[1];
            try {
                if (transposed) {
                    params = ConvArithmetic.conv2dTransposeParams(kh, kw, c, f, true);
                    macs = ConvArithmetic.conv2dTransposeMultiplyAdds(input[0], input[1], kh, kw, c, f);
                    pf = kh + "*" + kw + "*" + f + "*" + c + " weights (kh*kw*filters*channels) + " + f + " biases = "
                            + String.format("%,d", params);
                    mf = input[0] + "*" + input[1] + "*" + kh + "*" + kw + "*" + c + "*" + f
                            + " (in_h*in_w*kh*kw*channels*filters: every input cell scatters to kh*kw cells of every filter) = "
                            + String.format("%,d", macs);
                } else {
                    ConvArithmetic.checkGroups(MAGIC, c, f, groups);
                    params = ConvArithmetic.conv2dParams(kh, kw, c, f, groups, true);
                    macs = ConvArithmetic.conv2dMultiplyAdds(g.outputHeight(), g.outputWidth(), kh, kw, c, f, groups);
                    pf = kh + "*" + kw + "*(" + c + "/" + groups + ")*" + f + " weights (kh*kw*(channels/groups)*filters) + "
                            + f + " biases = " + String.format("%,d", params);
                    mf = g.outputHeight() + "*" + g.outputWidth() + "*" + f + "*" + kh + "*" + kw + "*(" + c + "/" + groups
                            + ") (out_h*out_w*filters*kh*kw*(channels/groups), biases not counted) = "
                            + String.format("%,d", macs);
                }
            } catch (IllegalArgumentException e) {
                throw MagicOutput.rethrow(e);
            } catch (ArithmeticException e) {
                throw new MagicArgumentException(MAGIC + ": the parameter count or multiply-adds of channels=" + c
                        + " filters=" + f + " with kernel " + kh + "x" + kw + " exceed a 64-bit count ("
                        + Long.MAX_VALUE + "). Use realistic sizes, e.g. channels=3 filters=64.", e);
            }
            if (channels == null) {
                pf += "   [channels=1 assumed]";
            }
            if (filters == null) {
                pf += "   [filters=1 assumed]";
            }
        }
        return new Result(g, padding, window, channels, filters, groups, params, macs, pf, mf);
    }

    private static Geometry2D convGeometry(long[] in, long[] k, long[] s, long[] d, PaddingSpec p) {
        if (p.explicit()) {
            return ConvArithmetic.conv2d(MAGIC, in[0], in[1], k[0], k[1], s[0], s[1], d[0], d[1],
                    p.top(), p.bottom(), p.left(), p.right());
        }
        return ConvArithmetic.conv2d(MAGIC, in[0], in[1], k[0], k[1], s[0], s[1], d[0], d[1], p.rule());
    }

    /**
     * Keras rules go through {@code transposed2d}; explicit amounts are PyTorch's: {@code padding=p}
     * crops {@code p} cells, and {@code output_padding=op} gives back {@code op} of them at the end.
     */
    private static Geometry2D transposedGeometry(long[] in, long[] k, long[] s, long[] d, PaddingSpec p, long[] op) {
        if (p.explicit()) {
            long opH = op == null ? 0 : op[0], opW = op == null ? 0 : op[1];
            return new Geometry2D(
                    ConvArithmetic.transposedAxis(MAGIC, "height", in[0], k[0], s[0], d[0], p.top(), p.bottom() - opH),
                    ConvArithmetic.transposedAxis(MAGIC, "width", in[1], k[1], s[1], d[1], p.left(), p.right() - opW));
        }
        if (p.rule() == Padding.EXPLICIT) {
            throw new IllegalStateException("unreachable");
        }
        return ConvArithmetic.transposed2d(MAGIC, in[0], in[1], k[0], k[1], s[0], s[1], d[0], d[1], p.rule(),
                op == null ? AxisGeometry.NO_OUTPUT_PADDING : op[0], op == null ? AxisGeometry.NO_OUTPUT_PADDING : op[1]);
    }
}
