package io.convnb.magic;

import io.convnb.display.ColorMap;
import io.convnb.display.DisplayOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.List;

/**
 * {@code %display rows=.. cols=.. precision=.. threshold=.. cmap=..}: sets the kernel's
 * {@link DisplayOptions}, like NumPy's print options; {@code %display} alone shows them and
 * {@code %display reset} restores the defaults. A call with one bad value changes nothing.
 */
public final class DisplayMagic {
    static final String MAGIC = "%display";

    /** The accepted arguments. */
    public static final ArgSchema SCHEMA = ArgSchema.of(MAGIC, "rows", "cols", "precision", "threshold", "cmap")
            .withPositionals("reset");

    /** The {@code --help} text. */
    public static final String USAGE = """
            %%display [rows=R] [cols=C] [precision=P] [threshold=T] [cmap=NAME]
            %%display reset
            %%display

            Display options of tensors and heatmaps, like NumPy's np.set_printoptions:
              rows=3          edge rows shown before and after '...' of a summarised array (1..%d)
              cols=3          edge columns shown (1..%d)
              precision=4     fractional digits (0..%d)
              threshold=1000  arrays with more elements are summarised (>= 0)
              cmap=viridis    heatmap colour map: %s
            Without arguments, shows the current options; 'reset' restores the defaults.

            Examples:
              %%display precision=2 cmap=rdbu
              %%display rows=5 cols=5
            """.formatted(DisplayOptions.MAX_EDGE_ITEMS, DisplayOptions.MAX_EDGE_ITEMS, DisplayOptions.MAX_PRECISION,
            ColorMap.keywords());

    private static final List<String> KEYS = List.of("rows", "cols", "precision", "threshold", "cmap");

    private DisplayMagic() {
    }

    /** Runs {@code %display} on the kernel-wide options. */
    public static DisplayData line(List<String> args) {
        return line(args, DisplayOptions.global());
    }

    /** Runs {@code %display} on {@code options}. */
    public static DisplayData line(List<String> args, DisplayOptions options) {
        ParsedArgs a = SCHEMA.parse(args);
        if (a.help()) {
            return MagicOutput.help(USAGE);
        }
        boolean reset = false;
        for (String w : a.words()) {
            if (!w.equalsIgnoreCase("reset")) {
                throw new MagicArgumentException(MAGIC + ": Unknown argument '" + w + "'. Accepted: "
                        + String.join(", ", KEYS) + " (as key=value), reset, or nothing to show the options.");
            }
            reset = true;
        }
        if (reset && KEYS.stream().anyMatch(a::has)) {
            throw new MagicArgumentException(MAGIC + ": 'reset' restores every default, so it takes no other options."
                    + " Run %display reset, then %display with the options to change.");
        }
        String verb;
        if (reset) {
            options.reset();
            verb = "Display options reset to the defaults";
        } else if (KEYS.stream().anyMatch(a::has)) {
            // Validate every value on a copy first, so that one bad value leaves the options untouched.
            DisplayOptions trial = options.copy();
            for (String key : KEYS) {
                if (a.has(key)) {
                    try {
                        trial.set(key, a.raw(key));
                    } catch (IllegalArgumentException e) {
                        throw new MagicArgumentException(MAGIC + ": " + e.getMessage(), e);
                    }
                }
            }
            for (String key : KEYS) {
                if (a.has(key)) {
                    options.set(key, a.raw(key));
                }
            }
            verb = "Display options set";
        } else {
            verb = "Display options";
        }
        List<List<String>> rows = List.of(List.of("option", "value", "meaning"),
                List.of("rows", Integer.toString(options.rows()), "edge rows shown around '...'"),
                List.of("cols", Integer.toString(options.cols()), "edge columns shown around '...'"),
                List.of("precision", Integer.toString(options.precision()), "fractional digits"),
                List.of("threshold", Integer.toString(options.threshold()), "summarise arrays with more elements"),
                List.of("cmap", options.cmap().keyword(), "heatmap colour map"));
        String text = verb + ": " + options + "\n";
        String html = "<div class=\"convnb-display\"><p>" + MagicOutput.escape(verb) + ":</p>" + MagicOutput.htmlTable(rows)
                + "</div>";
        return MagicOutput.of(text, html);
    }
}
