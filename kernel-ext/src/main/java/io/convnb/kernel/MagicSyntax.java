package io.convnb.kernel;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * IJava's cell syntax for magics, rewritten into plain Java that calls {@link MagicCalls}.
 *
 * <ul>
 *   <li>{@code %name args} at the start of a line (after optional indentation) or right after an
 *       {@code =} ({@code var files = %jars lib/*.jar}) calls line magic {@code name}; the rest of
 *       the line is its arguments, split by {@link ShellWords}.</li>
 *   <li>{@code %%name args} as the first line of a cell calls cell magic {@code name} with the
 *       remaining lines as its body.</li>
 * </ul>
 * A magic call becomes one Java statement on the same line, so every other line of the cell keeps
 * its line number and compile errors point at the line the user wrote. As in IJava, a magic's
 * return value is not displayed (the call is followed by an empty statement); a magic shows its
 * output itself.
 */
public final class MagicSyntax {
    /** A {@code %name args} line. */
    public record LineMagicCall(String name, List<String> args) {
    }

    /** A cell whose first line is {@code %%name args}. */
    public record CellMagicCall(String name, List<String> args, String body) {
    }

    // [ \t]* rather than IJava's \s*: a magic must never swallow line breaks, or line numbers shift.
    private static final Pattern LINE_MAGIC =
            Pattern.compile("(?<=^|=)(?<indent>[ \\t]*)%(?<call>\\w[^\\r\\n]*?)[ \\t]*$", Pattern.MULTILINE);
    private static final Pattern CELL_MAGIC =
            Pattern.compile("(?:[ \\t]*\\R)*%%(?<call>\\w[^\\r\\n]*)(?:\\R(?<body>.*))?", Pattern.DOTALL);
    private static final Pattern UNESCAPED_QUOTE = Pattern.compile("(?<!\\\\)\"");

    private MagicSyntax() {
    }

    /**
     * Parses {@code cell} as a cell magic.
     *
     * @return the call, or {@code null} if the cell does not start with {@code %%name}
     */
    public static CellMagicCall parseCellMagic(String cell) {
        Matcher m = CELL_MAGIC.matcher(cell);
        if (!m.matches()) {
            return null;
        }
        List<String> words = ShellWords.split(m.group("call"));
        String body = m.group("body") == null ? "" : stripOneTrailingLineBreak(m.group("body"));
        return new CellMagicCall(words.get(0), List.copyOf(words.subList(1, words.size())), body);
    }

    /**
     * Parses a single line as a line magic ({@code %name args}).
     *
     * @return the call, or {@code null} if the line is not a line magic
     */
    public static LineMagicCall parseLineMagic(String line) {
        Matcher m = Pattern.compile("^[ \\t]*%(?<call>\\w.*?)[ \\t]*$").matcher(line);
        if (!m.matches()) {
            return null;
        }
        List<String> words = ShellWords.split(m.group("call"));
        return new LineMagicCall(words.get(0), List.copyOf(words.subList(1, words.size())));
    }

    /** Rewrites every magic in {@code cell} into Java calls of {@link MagicCalls}; other text is unchanged. */
    public static String toJava(String cell) {
        CellMagicCall cellCall = parseCellMagic(cell);
        if (cellCall != null) {
            return "io.convnb.kernel.MagicCalls.cell(" + javaString(cellCall.name()) + ", " + javaString(cellCall.body())
                    + argList(cellCall.args()) + ");{};";
        }
        Matcher m = LINE_MAGIC.matcher(cell);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (insideStringLiteral(cell, m.start())) {
                replacement = m.group();
            } else {
                List<String> words = ShellWords.split(m.group("call"));
                replacement = m.group("indent") + "io.convnb.kernel.MagicCalls.line(" + javaString(words.get(0))
                        + argList(words.subList(1, words.size())) + ");{};";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Replaces every magic line by blanks of the same length, so code positions stay valid for analysis. */
    public static String blankOutMagics(String cell) {
        if (parseCellMagic(cell) != null) {
            return " ".repeat(cell.length());
        }
        Matcher m = LINE_MAGIC.matcher(cell);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String blank = insideStringLiteral(cell, m.start()) ? m.group() : " ".repeat(m.group().length());
            m.appendReplacement(out, Matcher.quoteReplacement(blank));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A Java string literal for {@code s}, on one line (line breaks become {@code \n} escapes). */
    static String javaString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");   // also defuses \\u escapes, which javac expands even in literals
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String argList(List<String> args) {
        return args.stream().map(a -> ", " + javaString(a)).collect(Collectors.joining());
    }

    /** True if an odd number of unescaped quotes precede {@code pos} on its line (IJava's rule). */
    private static boolean insideStringLiteral(String cell, int pos) {
        int lineStart = Math.max(cell.lastIndexOf('\n', pos - 1) + 1, 0);
        Matcher q = UNESCAPED_QUOTE.matcher(cell.substring(lineStart, pos));
        int quotes = 0;
        while (q.find()) {
            quotes++;
        }
        return quotes % 2 == 1;
    }

    private static String stripOneTrailingLineBreak(String s) {
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        if (s.endsWith("\n") || s.endsWith("\r")) {
            return s.substring(0, s.length() - 1);
        }
        return s;
    }
}
