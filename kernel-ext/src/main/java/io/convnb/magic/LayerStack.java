package io.convnb.magic;

import io.convnb.shape.AxisGeometry;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.InputRegion;
import io.convnb.shape.LayerStep;
import io.convnb.shape.Padding;
import io.convnb.shape.ReceptiveField;
import io.convnb.shape.ReceptiveFieldRow;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code %%convmath input=32x32}: one layer per body line ({@code conv 3 stride=2 padding=same},
 * {@code pool 2}, {@code dilated 3 dilation=2}; {@code #} starts a comment), and a table of each
 * layer's output size, receptive field, jump and first centre per axis, from {@link ReceptiveField}.
 */
public final class LayerStack {
    static final String MAGIC = "%%convmath";

    /** The arguments of the magic line. */
    public static final ArgSchema SCHEMA = ArgSchema.of(MAGIC, "input");

    /** The keywords of one body line. */
    static final List<String> LINE_KEYWORDS = List.of("stride", "padding", "dilation");

    /** The layer words of the body, with their aliases. */
    static final List<String> LAYERS = List.of("conv", "dilated", "pool", "maxpool", "avgpool");

    /** The {@code --help} text. */
    public static final String USAGE = """
            %%convmath input=H[xW]
            <one layer per line>

            Output size, receptive field, jump and start after each layer of a stack, per axis:
              r_out = r_in + d*(k-1)*j_in      j_out = j_in*s      start_out = start_in + (d*(k-1)/2 - pad_before)*j_in
            (r: how many input cells one output cell sees; j: input cells between neighbouring output
            cells; start: input coordinate of the centre of the first output cell's field).

            Layer lines ('#' starts a comment; blank lines are skipped):
              conv K[xK] [stride=S[xS]] [padding=P] [dilation=D[xD]]   convolution (default stride 1, valid)
              dilated K[xK] dilation=D [stride=..] [padding=..]          the same, dilation required
              pool K[xK] [stride=S[xS]] [padding=valid|same]             pooling (default stride = K, valid)
              maxpool, avgpool                                           the same as pool
            P is valid, same, full, 1, 1x2 or 1,0,2,1 (top,bottom,left,right).

            Example:
              %%convmath input=32x32
              conv 3 padding=same
              conv 3 padding=same
              pool 2
              conv 5x5 stride=2        # downsample
              dilated 3 dilation=2 padding=same

            In IJava 1.3.0 a %%convmath cell needs at least one layer line: IJava's parser takes a cell
            that is only the %%convmath line for Java source and reports a CompilationException.
            """;

    private LayerStack() {
    }

    /** Runs {@code %%convmath} with the arguments of its first line and the cell body. */
    public static DisplayData cell(List<String> args, String body) {
        ParsedArgs a = SCHEMA.parse(args);
        if (a.help()) {
            return MagicOutput.help(USAGE);
        }
        Stack st = parse(a, body);
        long[] input = st.input();
        List<String> names = st.names();
        List<String> specs = st.specs();
        List<LayerStep> heights = st.heights();
        List<LayerStep> widths = st.widths();
        List<ReceptiveFieldRow> h;
        List<ReceptiveFieldRow> w;
        try {
            h = ReceptiveField.of("height", input[0], heights);
            w = ReceptiveField.of("width", input[1], widths);
        } catch (IllegalArgumentException e) {
            throw MagicOutput.rethrow(e);
        }
        return display(input, names, specs, h, w);
    }

    /** The parsed cell: input size, and per layer its name, its line and its height and width steps. */
    record Stack(long[] input, List<String> names, List<String> specs, List<LayerStep> heights, List<LayerStep> widths) {
    }

    /**
     * The geometry of each layer of a stack on the size that reaches it, first to last: the window
     * arithmetic {@code %convmath} draws, for {@link ConvAnimation#ofStack}.
     *
     * @throws MagicArgumentException with {@code %%convmath}'s message for a bad stack
     */
    static List<Geometry2D> geometries(List<String> args, String body) {
        Stack st = parse(SCHEMA.parse(args), body);
        List<Geometry2D> out = new ArrayList<>();
        long h = st.input()[0], w = st.input()[1];
        try {
            for (int i = 0; i < st.heights().size(); i++) {
                Geometry2D g = new Geometry2D(axis(st.heights().get(i), "height", h), axis(st.widths().get(i), "width", w));
                out.add(g);
                h = g.outputHeight();
                w = g.outputWidth();
            }
        } catch (IllegalArgumentException e) {
            throw MagicOutput.rethrow(e);
        }
        return out;
    }

    /**
     * The input rectangle that output cell {@code (row, col)} of layer {@code layer} (1 = the first body
     * line, the {@code #} column of the table) of a {@code %%convmath} stack sees, from the same rows as
     * the table; for {@code io.convnb.display.ReceptiveFieldView.of(region)}.
     *
     * @param header the magic line's arguments, e.g. {@code "input=28x28"}
     * @param body   the cell body, one layer per line
     * @throws MagicArgumentException for a bad stack, a layer outside {@code 1..layers}, or a cell outside
     *                                that layer's output
     */
    public static InputRegion region(String header, String body, int layer, long row, long col) {
        Stack st = parse(SCHEMA.parse(Arrays.asList(header.strip().split("\\s+"))), body);
        if (layer < 1 || layer > st.heights().size()) {
            throw new MagicArgumentException(MAGIC + ": layer " + layer + " is not in the stack, which has "
                    + st.heights().size() + " layer" + (st.heights().size() == 1 ? "" : "s") + "; use 1.."
                    + st.heights().size() + " (the # column of the table).");
        }
        try {
            ReceptiveFieldRow h = ReceptiveField.of("height", st.input()[0], st.heights()).get(layer);
            ReceptiveFieldRow w = ReceptiveField.of("width", st.input()[1], st.widths()).get(layer);
            InputRegion r = InputRegion.of(h, w, row, col, st.input()[0], st.input()[1]);
            // named as in the table (conv_1, pool_2, ...), not by the line the errors quote
            return new InputRegion(st.names().get(layer - 1), row, col, r.top(), r.bottom(), r.left(), r.right(),
                    r.inputHeight(), r.inputWidth());
        } catch (IllegalArgumentException e) {
            throw MagicOutput.rethrow(e);
        }
    }

    /** The same arithmetic as {@link ReceptiveField} applies to one step. */
    private static AxisGeometry axis(LayerStep s, String axis, long size) {
        return s.padding() == Padding.EXPLICIT
                ? ConvArithmetic.axis(s.name(), axis, size, s.kernel(), s.stride(), s.dilation(), s.padBefore(), s.padAfter())
                : ConvArithmetic.axis(s.name(), axis, size, s.kernel(), s.stride(), s.dilation(), s.padding());
    }

    private static Stack parse(ParsedArgs a, String body) {
        long[] input = a.requiredSize("input", 1, "sizes");
        List<String> names = new ArrayList<>();
        List<String> specs = new ArrayList<>();
        List<LayerStep> heights = new ArrayList<>();
        List<LayerStep> widths = new ArrayList<>();
        String[] lines = body == null ? new String[0] : body.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String code = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (code.isEmpty()) {
                continue;
            }
            String layerMagic = MAGIC + " line " + (i + 1) + " (" + code + ")";
            LayerStep[] steps = parseLayer(layerMagic, layerMagic, code);
            names.add(code.split("\\s+")[0].toLowerCase(Locale.ROOT) + "_" + (names.size() + 1));
            specs.add(code);
            heights.add(steps[0]);
            widths.add(steps[1]);
        }
        if (heights.isEmpty()) {
            throw new MagicArgumentException(MAGIC + ": the cell has no layers. Write one layer per line under the"
                    + " magic line, e.g. 'conv 3 padding=same' or 'pool 2' (see %%convmath --help).");
        }
        return new Stack(input, names, specs, heights, widths);
    }

    private static DisplayData display(long[] input, List<String> names, List<String> specs, List<ReceptiveFieldRow> h,
                                       List<ReceptiveFieldRow> w) {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("#", "layer", "spec", "output", "receptive field", "jump", "start"));
        for (int i = 0; i < h.size(); i++) {
            ReceptiveFieldRow rh = h.get(i), rw = w.get(i);
            table.add(List.of(Integer.toString(i), i == 0 ? "input" : names.get(i - 1), i == 0 ? "" : specs.get(i - 1),
                    rh.outputSize() + "x" + rw.outputSize(), rh.receptiveField() + "x" + rw.receptiveField(),
                    rh.jump() + "x" + rw.jump(), num(rh.firstCenter()) + ", " + num(rw.firstCenter())));
        }
        String note = "Sizes are height x width; start is the (row, column) of the centre of the first output cell's"
                + " receptive field in input coordinates (negative: it reaches into the padding).";
        String text = "input " + input[0] + "x" + input[1] + "\n" + MagicOutput.textTable(table) + note + "\n";
        String html = "<div class=\"convnb-convmath\">" + MagicOutput.htmlTable(table) + "<p>" + MagicOutput.escape(note)
                + "</p></div>";
        return MagicOutput.of(text, html);
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** Parses one body line into its height and width steps. */
    static LayerStep[] parseLayer(String magic, String name, String code) {
        List<String> tokens = new ArrayList<>(Arrays.asList(code.split("\\s+")));
        String kind = tokens.remove(0).toLowerCase(Locale.ROOT);
        if (!LAYERS.contains(kind)) {
            String closest = ArgSchema.closest(kind, LAYERS);
            throw new MagicArgumentException(magic + ": unknown layer '" + kind + "'."
                    + (closest == null ? "" : " Did you mean '" + closest + "'?") + " Accepted: " + String.join(", ", LAYERS)
                    + ", each followed by a kernel size, e.g. 'conv 3 stride=2'.");
        }
        if (tokens.isEmpty() || tokens.get(0).contains("=")) {
            throw new MagicArgumentException(magic + ": '" + kind + "' needs a kernel size right after it. Accepted: "
                    + kind + " 3 or " + kind + " 3x5.");
        }
        String size = tokens.remove(0);
        long[] k = ParsedArgs.parseSize(magic, "kernel", size, 1, "kernel sizes");
        boolean pool = kind.endsWith("pool");
        ParsedArgs a = ArgSchema.of(magic, pool ? new String[] {"stride", "padding"}
                : LINE_KEYWORDS.toArray(String[]::new)).parse(tokens);
        long[] stride = a.size("stride", pool ? k : new long[] {1, 1}, 1, "strides");
        long[] dilation = a.size("dilation", new long[] {1, 1}, 1, "dilations");
        if (kind.equals("dilated") && !a.has("dilation")) {
            throw new MagicArgumentException(magic + ": 'dilated' needs dilation=. Accepted: dilated 3 dilation=2,"
                    + " or conv 3 for no dilation.");
        }
        PaddingSpec p = a.padding("padding", PaddingSpec.VALID);
        if (pool && p.rule() == Padding.FULL) {
            throw MagicArgumentException.invalid(magic, "padding", a.raw("padding"), "pooling has no \"full\" padding",
                    "padding=valid, padding=same or explicit amounts such as padding=1");
        }
        if (p.explicit()) {
            return new LayerStep[] {
                LayerStep.explicit(name, k[0], stride[0], dilation[0], p.top(), p.bottom()),
                LayerStep.explicit(name, k[1], stride[1], dilation[1], p.left(), p.right())};
        }
        return new LayerStep[] {
            new LayerStep(name, k[0], stride[0], dilation[0], p.rule()),
            new LayerStep(name, k[1], stride[1], dilation[1], p.rule())};
    }
}
