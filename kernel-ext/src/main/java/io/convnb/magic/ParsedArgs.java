package io.convnb.magic;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The arguments of one magic call, split by {@link ArgSchema#parse(List)}, with typed readers whose
 * errors name the magic, the argument, the value received and the accepted forms.
 */
public final class ParsedArgs {
    private final String magic;
    private final Map<String, String> values;
    private final List<String> flags;
    private final List<String> words;
    private final boolean help;

    ParsedArgs(String magic, Map<String, String> values, List<String> flags, List<String> words, boolean help) {
        this.magic = magic;
        this.values = Map.copyOf(values);
        this.flags = List.copyOf(flags);
        this.words = List.copyOf(words);
        this.help = help;
    }

    /** Whether {@code --help} was given. */
    public boolean help() {
        return help;
    }

    /** Whether keyword {@code key} was given. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Whether flag {@code name} was given. */
    public boolean flag(String name) {
        return flags.contains(name);
    }

    /** The positional words, in order. */
    public List<String> words() {
        return words;
    }

    /** The raw text of {@code key}, or {@code null}. */
    public String raw(String key) {
        return values.get(key);
    }

    /** The raw text of {@code key}, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /**
     * A whole number of at least {@code min}.
     *
     * @param fallback returned when the keyword is absent
     */
    public long integer(String key, long fallback, long min) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw MagicArgumentException.invalid(magic, key, v, "it is not a whole number",
                    key + "=" + Math.max(min, 1));
        }
        if (n < min) {
            throw MagicArgumentException.invalid(magic, key, v, key + " must be >= " + min, key + "=" + Math.max(min, 1));
        }
        return n;
    }

    /**
     * A size per axis: {@code 28} (both axes) or {@code 28x32} (height x width), each at least {@code min}.
     *
     * @param what     the plural noun for the error, e.g. {@code "sizes"} or {@code "strides"}
     * @param fallback returned when the keyword is absent (may be {@code null})
     * @return {@code {height, width}}
     */
    public long[] size(String key, long[] fallback, long min, String what) {
        String v = values.get(key);
        return v == null ? fallback : parseSize(magic, key, v, min, what);
    }

    /** The required size {@code key}; see {@link #size}. */
    public long[] requiredSize(String key, long min, String what) {
        if (!values.containsKey(key)) {
            throw new MagicArgumentException(magic + ": " + key + "= is required. Accepted: " + sizeForms(key) + ".");
        }
        return size(key, null, min, what);
    }

    /** The accepted forms of size argument {@code key}, for messages: {@code stride=2 or stride=2x1}. */
    static String sizeForms(String key) {
        String[] ex = switch (key) {
            case "input" -> new String[] {"28", "28x32"};
            case "kernel" -> new String[] {"3", "3x5"};
            case "dilation" -> new String[] {"2", "1x2"};
            case "output_padding" -> new String[] {"1", "1x0"};
            default -> new String[] {"2", "2x1"};
        };
        return key + "=" + ex[0] + " or " + key + "=" + ex[1];
    }

    /** Parses {@code 28} or {@code 28x32}; see {@link #size}. */
    static long[] parseSize(String magic, String key, String v, long min, String what) {
        String forms = sizeForms(key);
        String[] parts = v.strip().toLowerCase(Locale.ROOT).split("x", -1);
        if (parts.length > 2) {
            throw MagicArgumentException.invalid(magic, key, v, "give one number or two joined by 'x' (height x width)", forms);
        }
        long[] out = new long[2];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                throw MagicArgumentException.invalid(magic, key, v, "'" + parts[i] + "' is not a whole number", forms);
            }
            if (out[i] < min) {
                throw MagicArgumentException.invalid(magic, key, v, what + " must be >= " + min + " on every axis", forms);
            }
        }
        if (parts.length == 1) {
            out[1] = out[0];
        }
        return out;
    }

    /**
     * Padding: {@code valid}, {@code same}, {@code full}, {@code 1} (all sides), {@code 1x2}
     * (top and bottom 1, left and right 2) or {@code 1,0,2,1} (top, bottom, left, right).
     *
     * @param fallback returned when the keyword is absent
     */
    public PaddingSpec padding(String key, PaddingSpec fallback) {
        String v = values.get(key);
        return v == null ? fallback : PaddingSpec.parse(magic, key, v);
    }

    /**
     * One of a fixed list of words (case-insensitive), returned in lower case.
     *
     * @param fallback returned when the keyword is absent
     */
    public String choice(String key, String fallback, List<String> accepted) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        String lower = v.strip().toLowerCase(Locale.ROOT);
        if (!accepted.contains(lower)) {
            String closest = ArgSchema.closest(lower, accepted);
            throw MagicArgumentException.invalid(magic, key, v, "it is not one of the choices"
                    + (closest == null ? "" : " (did you mean '" + closest + "'?)"),
                    String.join(", ", accepted.stream().map(a -> key + "=" + a).toList()));
        }
        return lower;
    }

    /**
     * A pair of cell indexes {@code i,j} (row, column), each at least 0.
     *
     * @return {@code {i, j}}, or {@code null} when absent
     */
    public long[] cell(String key) {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        String[] parts = v.strip().split(",", -1);
        long[] out = new long[2];
        if (parts.length == 2) {
            try {
                out[0] = Long.parseLong(parts[0].strip());
                out[1] = Long.parseLong(parts[1].strip());
                if (out[0] >= 0 && out[1] >= 0) {
                    return out;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw MagicArgumentException.invalid(magic, key, v, "give a row and a column, both >= 0, separated by a comma",
                key + "=0,0 or " + key + "=2,3");
    }
}
