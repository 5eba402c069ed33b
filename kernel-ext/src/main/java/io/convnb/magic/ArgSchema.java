package io.convnb.magic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments one magic accepts: {@code key=value} keywords, bare flags (such as
 * {@code transposed}) and at most a few positional words (such as a data set name). Every magic
 * keeps its schema as a constant; {@link #parse(List)} checks a call against it.
 *
 * <p>The kernel has already split the line like a shell, so each list element is one token.
 * {@code --help} (or {@code -h}) anywhere asks for the usage text instead.
 */
public final class ArgSchema {
    private final String magic;
    private final List<String> keywords;
    private final List<String> flags;
    private final List<String> positionals;

    private ArgSchema(String magic, List<String> keywords, List<String> flags, List<String> positionals) {
        this.magic = magic;
        this.keywords = List.copyOf(keywords);
        this.flags = List.copyOf(flags);
        this.positionals = List.copyOf(positionals);
    }

    /** A schema for {@code magic} (as typed, e.g. {@code %convmath}) with the given keywords and no flags. */
    public static ArgSchema of(String magic, String... keywords) {
        return new ArgSchema(magic, List.of(keywords), List.of(), List.of());
    }

    /** A copy that also accepts the given bare flags. */
    public ArgSchema withFlags(String... names) {
        return new ArgSchema(magic, keywords, List.of(names), positionals);
    }

    /** A copy that accepts positional words, named here for the error messages, in this order. */
    public ArgSchema withPositionals(String... names) {
        return new ArgSchema(magic, keywords, flags, List.of(names));
    }

    /** The magic as typed, e.g. {@code %convmath}. */
    public String magic() {
        return magic;
    }

    /** The accepted keywords, in the order the help lists them. */
    public List<String> keywords() {
        return keywords;
    }

    /** The accepted flags. */
    public List<String> flags() {
        return flags;
    }

    /**
     * Checks and splits the tokens.
     *
     * @throws MagicArgumentException for an unknown keyword or flag (with the closest accepted name),
     *                                a keyword given twice or without a value, or too many words
     */
    public ParsedArgs parse(List<String> tokens) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> setFlags = new ArrayList<>();
        List<String> words = new ArrayList<>();
        boolean help = false;
        for (String token : tokens) {
            if (token.isBlank()) {
                continue;
            }
            if (token.equals("--help") || token.equals("-h")) {
                help = true;
                continue;
            }
            int eq = token.indexOf('=');
            if (eq >= 0) {
                String key = token.substring(0, eq);
                String value = token.substring(eq + 1);
                if (!keywords.contains(key)) {
                    throw unknown(key);
                }
                if (value.isEmpty()) {
                    throw new MagicArgumentException(magic + ": " + key + "= has no value. Write it without spaces,"
                            + " e.g. " + key + "=" + example(key) + ".");
                }
                if (values.containsKey(key)) {
                    throw new MagicArgumentException(magic + ": " + key + " is given twice (" + key + "="
                            + values.get(key) + " and " + token + "). Give each argument once.");
                }
                values.put(key, value);
            } else if (flags.contains(token)) {
                if (!setFlags.contains(token)) {
                    setFlags.add(token);
                }
            } else if (keywords.contains(token)) {
                throw new MagicArgumentException(magic + ": '" + token + "' needs a value. Write " + token + "="
                        + example(token) + " (no spaces around '=').");
            } else if (words.size() < positionals.size()) {
                words.add(token);
            } else {
                throw unknown(token);
            }
        }
        return new ParsedArgs(magic, values, setFlags, words, help);
    }

    private static String example(String key) {
        return switch (key) {
            case "input" -> "28x28";
            case "padding" -> "same";
            case "kernel" -> "3";
            case "cmap" -> "viridis";
            case "split" -> "train";
            default -> "2";
        };
    }

    private MagicArgumentException unknown(String name) {
        List<String> all = new ArrayList<>(keywords);
        all.addAll(flags);
        String closest = closest(name, all);
        String accepted = String.join(", ", all);
        if (!positionals.isEmpty()) {
            accepted += (accepted.isEmpty() ? "" : ", ") + "and " + positionals.size() + " word"
                    + (positionals.size() == 1 ? "" : "s") + " (" + String.join(", ", positionals) + ")";
        }
        if (accepted.isEmpty()) {
            return new MagicArgumentException(magic + " takes no arguments but --help, received '" + name + "'. Write just "
                    + magic + ".");
        }
        return new MagicArgumentException(magic + ": Unknown argument '" + name + "'."
                + (closest == null ? "" : " Did you mean '" + closest + "'?") + " Accepted: " + accepted + ".");
    }

    /** The accepted name at the smallest edit distance, if it is close enough to be a typo. */
    static String closest(String name, List<String> candidates) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.length() >= 3) {
            for (String c : candidates) {
                if (c.startsWith(lower)) {
                    return c;   // a beginning, e.g. "fashion" for "fashion-mnist"
                }
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(name.toLowerCase(java.util.Locale.ROOT), c);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // Up to a third of the letters (at least 1, at most 3) may differ, so "strides" finds "stride"
        // but "foo" finds nothing.
        int allowed = Math.max(1, Math.min(3, name.length() / 3));
        return bestDistance <= allowed ? best : null;
    }

    /** Levenshtein distance. */
    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
