package io.convnb.magic;

import io.convnb.ops.Conv2DSpec;
import io.convnb.ops.ConvReference;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Geometry2D;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code %%conv}: a small input matrix convolved with a kernel (given in the body or by name), the
 * output matrix, and for each output cell the window, the products {@code a*b} and their sum: the
 * tutorial's core picture. The arithmetic is {@link ConvReference}'s; the sizes are {@link ConvArithmetic}'s.
 */
public final class ConvSteps {
    static final String MAGIC = "%%conv";

    /** The arguments of the magic line. */
    public static final ArgSchema SCHEMA = ArgSchema.of(MAGIC, "stride", "padding", "dilation", "kernel");

    /** Largest input drawn, per axis: this magic is for worked examples. */
    public static final int MAX_INPUT = 32;
    /** Largest padded input per axis (and largest stride and dilation) drawn. */
    public static final int MAX_PADDED = 64;
    /** Output cells shown step by step; the rest are counted. */
    public static final int MAX_STEPS = 36;

    /** The {@code --help} text. */
    public static final String USAGE = """
            %%%%conv [stride=S[xS]] [padding=P] [dilation=D[xD]] [kernel=NAME]
            <input matrix>
            <blank line>
            <kernel matrix>          (leave out when kernel=NAME is given)

            Convolves a small input (up to %d x %d) with a kernel and shows the output matrix and, for each
            output cell (the first %d), the window on the padded input, the products input*weight and their sum:
              out[i][j] = sum_{a,b} in[i*s - pad_top + a*d][j*s - pad_left + b*d] * k[a][b]   (padding cells are 0)
            Rows are lines, numbers are separated by spaces or commas, '#' starts a comment.

              stride=1 | 2x1            strides (default 1)
              padding=valid|same|full   Keras rules (default valid), or 1 | 1x2 | 1,0,2,1 (top,bottom,left,right)
              dilation=1 | 2            dilation rate (default 1)
              kernel=NAME               a named 3x3 kernel instead of one in the body:
            %s
            Example:
              %%%%conv stride=1 padding=valid
              0 0 0 0 0
              0 9 9 9 0
              0 9 9 9 0
              0 9 9 9 0
              0 0 0 0 0

              -1 -1 -1
              -1  8 -1
              -1 -1 -1

            In IJava 1.3.0 a %%%%conv cell needs a body: IJava's parser takes a cell that is only the
            %%%%conv line for Java source and reports a CompilationException ("illegal start of
            expression"); the convnb kernel says that the body is empty.
            """.formatted(MAX_INPUT, MAX_INPUT, MAX_STEPS, NamedKernels.describe().indent(28).stripTrailing());

    private ConvSteps() {
    }

    /** Runs {@code %%conv} with the arguments of its first line and the cell body. */
    public static DisplayData cell(List<String> args, String body) {
        ParsedArgs a = SCHEMA.parse(args);
        if (a.help()) {
            return MagicOutput.help(USAGE);
        }
        long[] stride = a.size("stride", new long[] {1, 1}, 1, "strides");
        long[] dilation = a.size("dilation", new long[] {1, 1}, 1, "dilations");
        PaddingSpec padding = a.padding("padding", PaddingSpec.VALID);
        List<Block> blocks = Matrices.blocks(MAGIC, body == null ? "" : body);
        double[][] kernel;
        String kernelName = null;
        if (a.has("kernel")) {
            kernelName = a.raw("kernel").strip().toLowerCase(java.util.Locale.ROOT);
            kernel = NamedKernels.get(kernelName);
            if (kernel == null) {
                String closest = ArgSchema.closest(kernelName, NamedKernels.names());
                throw MagicArgumentException.invalid(MAGIC, "kernel", a.raw("kernel"), "there is no kernel of that name"
                        + (closest == null ? "" : " (did you mean '" + closest + "'?)"),
                        String.join(", ", NamedKernels.names()) + ", or a kernel matrix in the body after a blank line");
            }
            if (blocks.size() != 1) {
                throw new MagicArgumentException(MAGIC + ": kernel=" + a.raw("kernel") + " is given, so the body must hold"
                        + " only the input matrix, but it has " + blocks.size() + " blocks separated by blank lines."
                        + " Remove the kernel matrix from the body or drop kernel=.");
            }
        } else {
            if (blocks.size() != 2) {
                throw new MagicArgumentException(MAGIC + ": the body must hold the input matrix, a blank line and the"
                        + " kernel matrix, but it has " + blocks.size() + " block" + (blocks.size() == 1 ? "" : "s")
                        + ". Add the kernel after a blank line, or name one with kernel=" + String.join("|", NamedKernels.names())
                        + ".");
            }
            kernel = blocks.get(1).values();
        }
        double[][] image = blocks.get(0).values();
        if (image.length > MAX_INPUT || image[0].length > MAX_INPUT) {
            throw new MagicArgumentException(MAGIC + ": the input is " + image.length + "x" + image[0].length + ", larger"
                    + " than the " + MAX_INPUT + "x" + MAX_INPUT + " this worked-example view draws. Use a smaller matrix,"
                    + " or %convmath for the sizes of large inputs.");
        }
        Geometry2D g;
        try {
            g = padding.explicit()
                    ? ConvArithmetic.conv2d(MAGIC, image.length, image[0].length, kernel.length, kernel[0].length,
                            stride[0], stride[1], dilation[0], dilation[1], padding.top(), padding.bottom(),
                            padding.left(), padding.right())
                    : ConvArithmetic.conv2d(MAGIC, image.length, image[0].length, kernel.length, kernel[0].length,
                            stride[0], stride[1], dilation[0], dilation[1], padding.rule());
        } catch (IllegalArgumentException e) {
            throw MagicOutput.rethrow(e);
        }
        long paddedH = g.height().paddedInput(), paddedW = g.width().paddedInput();
        if (paddedH > MAX_PADDED || paddedW > MAX_PADDED) {
            throw new MagicArgumentException(MAGIC + ": the padded input would be " + paddedH + "x" + paddedW + " (padding"
                    + " top " + g.padTop() + ", bottom " + g.padBottom() + ", left " + g.padLeft() + ", right "
                    + g.padRight() + "), larger than the " + MAX_PADDED + "x" + MAX_PADDED + " this worked-example view"
                    + " draws. Use less padding, a smaller kernel or dilation, or %convmath for large geometries.");
        }
        if (stride[0] > MAX_PADDED || stride[1] > MAX_PADDED || dilation[0] > MAX_PADDED || dilation[1] > MAX_PADDED) {
            throw new MagicArgumentException(MAGIC + ": stride " + stride[0] + "x" + stride[1] + " and dilation "
                    + dilation[0] + "x" + dilation[1] + " must be at most " + MAX_PADDED + " in this worked-example view"
                    + " (larger ones fit one window only). Use %convmath for large geometries.");
        }
        Conv2DSpec spec = new Conv2DSpec((int) stride[0], (int) stride[1], (int) dilation[0], (int) dilation[1],
                (int) g.padTop(), (int) g.padBottom(), (int) g.padLeft(), (int) g.padRight(), 1);
        double[][] out = ConvReference.forward(image, kernel, spec);
        List<Step> steps = new ArrayList<>();
        int total = out.length * out[0].length;
        for (int i = 0; i < out.length && steps.size() < MAX_STEPS; i++) {
            for (int j = 0; j < out[0].length && steps.size() < MAX_STEPS; j++) {
                steps.add(new Step(i, j, ConvReference.terms(image, kernel, spec, i, j)));
            }
        }
        return new Worked(image, kernel, kernelName, g, out, steps, total).display();
    }

    /** One matrix of the body, with the line it starts on. */
    record Block(int firstLine, double[][] values) {
    }

    /** One output cell and its products. */
    record Step(int row, int col, ConvReference.CellTerms terms) {
        String formula() {
            StringBuilder b = new StringBuilder("out[" + row + "][" + col + "] = ");
            List<ConvReference.Term> ts = terms.terms();
            for (int t = 0; t < ts.size(); t++) {
                b.append(t == 0 ? "" : " + ").append(signed(ts.get(t).input())).append('*').append(signed(ts.get(t).weight()));
            }
            return b.append(" = ").append(fmt(terms.sum())).toString();
        }
    }

    /** Up to 4 decimals, trailing zeros dropped; whole numbers without a point. */
    static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        String s = new BigDecimal(v).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    private static String signed(double v) {
        return v < 0 ? "(" + fmt(v) + ")" : fmt(v);
    }

    /** Everything one call shows. */
    record Worked(double[][] image, double[][] kernel, String kernelName, Geometry2D g, double[][] out, List<Step> steps,
                  int total) {

        String headline() {
            return MAGIC + ": input " + image.length + "x" + image[0].length + ", kernel " + kernel.length + "x"
                    + kernel[0].length + (kernelName == null ? "" : " (" + kernelName + ")") + ", stride "
                    + g.height().stride() + "x" + g.width().stride() + ", dilation " + g.height().dilation() + "x"
                    + g.width().dilation() + ", padding top " + g.padTop() + ", bottom " + g.padBottom() + ", left "
                    + g.padLeft() + ", right " + g.padRight() + " -> output " + out.length + "x" + out[0].length;
        }

        String capNote() {
            return total > steps.size() ? "Showing the first " + steps.size() + " of " + total
                    + " output cells step by step (row by row)." : "";
        }

        DisplayData display() {
            StringBuilder t = new StringBuilder(headline()).append("\n\n");
            t.append("input:\n").append(Matrices.text(image)).append("\nkernel:\n").append(Matrices.text(kernel))
                    .append("\noutput:\n").append(Matrices.text(out)).append("\nstep by step:\n");
            for (Step s : steps) {
                t.append(s.formula()).append('\n');
            }
            if (!capNote().isEmpty()) {
                t.append(capNote()).append('\n');
            }
            StringBuilder h = new StringBuilder("<div class=\"convnb-conv\">");
            h.append("<p><b>").append(MagicOutput.escape(headline())).append("</b></p>");
            h.append("<table><tr><th>input</th><th>kernel</th><th>output</th></tr><tr>")
                    .append("<td style=\"vertical-align:top\">").append(Matrices.html(image)).append("</td>")
                    .append("<td style=\"vertical-align:top\">").append(Matrices.html(kernel)).append("</td>")
                    .append("<td style=\"vertical-align:top\">").append(Matrices.html(out)).append("</td></tr></table>");
            h.append("<p>Step by step: each output cell is the sum of the window's cells times the kernel's weights"
                    + " (grey cells are padding, worth 0).</p>");
            h.append("<div style=\"display:flex;flex-wrap:wrap;gap:12px\">");
            for (Step s : steps) {
                h.append("<div style=\"border:1px solid #ccc;padding:4px\">")
                        .append(Matrices.padded(image, g, s.terms()))
                        .append("<div style=\"font-family:monospace;font-size:11px;max-width:360px\">")
                        .append(MagicOutput.escape(s.formula())).append("</div></div>");
            }
            h.append("</div>");
            if (!capNote().isEmpty()) {
                h.append("<p>").append(MagicOutput.escape(capNote())).append("</p>");
            }
            h.append("</div>");
            return MagicOutput.of(t.toString(), h.toString());
        }
    }
}
