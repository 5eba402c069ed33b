package io.convnb.kernel;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns compile errors and exceptions of a cell into the traceback lines shown in the notebook:
 * compile errors as the offending source line with a caret under the problem and javac's message;
 * exceptions as the real exception class and message followed by the user's frames only (JShell,
 * reflection and kernel frames are dropped; long library stacks are cut).
 */
public final class ErrorFormatter {
    /** ANSI bold red, as IJava uses for error text; frontends render it, nbconvert turns it into HTML. */
    static final String RED = "\u001b[1;31m";
    static final String RESET = "\u001b[0m";

    /** How many frames of library code (above the user's first frame) are kept. */
    static final int MAX_LIBRARY_FRAMES = 8;

    /**
     * One compile error located in the cell.
     *
     * @param line        1-based line in the cell
     * @param sourceLine  the text of that line
     * @param startColumn 0-based column where the error starts
     * @param endColumn   0-based column where it ends (exclusive, at least {@code startColumn + 1})
     * @param message     javac's message, without the "location:" lines that name JShell's wrapper class
     */
    public record CompileProblem(int line, String sourceLine, int startColumn, int endColumn, String message) {
    }

    private final boolean color;

    /** A formatter; {@code color} adds ANSI emphasis to the message lines. */
    public ErrorFormatter(boolean color) {
        this.color = color;
    }

    /**
     * Locates a diagnostic of a snippet in its cell.
     *
     * @param cell          the whole cell (as compiled, magics rewritten on their own lines)
     * @param snippetStart  index in {@code cell} where the snippet's source starts
     * @param start         diagnostic start, relative to the snippet
     * @param end           diagnostic end (exclusive), relative to the snippet
     * @param message       javac's message
     */
    public static CompileProblem locate(String cell, int snippetStart, long start, long end, String message) {
        int from = clamp(snippetStart + (int) Math.max(start, 0), cell.length());
        int to = clamp(snippetStart + (int) Math.max(end, start), cell.length());
        int lineStart = cell.lastIndexOf('\n', from - 1) + 1;
        int lineEnd = cell.indexOf('\n', from);
        if (lineEnd < 0) {
            lineEnd = cell.length();
        }
        int line = 1 + (int) cell.substring(0, lineStart).chars().filter(c -> c == '\n').count();
        String text = stripCr(cell.substring(lineStart, lineEnd));
        int startCol = Math.min(from - lineStart, text.length());
        int endCol = Math.max(startCol + 1, Math.min(to, lineEnd) - lineStart);
        return new CompileProblem(line, text, startCol, Math.min(endCol, Math.max(text.length(), startCol + 1)),
                withoutLocationLines(message));
    }

    /** Traceback lines for a compile error: for each problem the line, a caret, the message. */
    public List<String> formatCompilation(CompilationException e) {
        List<String> out = new ArrayList<>();
        for (CompileProblem p : e.problems()) {
            out.add("Compile error in line " + p.line() + ":");
            out.add("    " + p.sourceLine());
            out.add("    " + " ".repeat(p.startColumn()) + "^".repeat(Math.max(1, p.endColumn() - p.startColumn())));
            p.message().lines().forEach(l -> out.add(emphasize(l)));
            out.add("");
        }
        if (!e.unresolved().isEmpty()) {
            out.add(emphasize("This declaration uses names that are not defined yet:"));
            e.unresolved().forEach(u -> out.add("   - " + u));
            out.add("Define them (in this or an earlier cell) and run the cell again.");
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** Traceback lines for a cell that ends mid-statement. */
    public List<String> formatIncomplete(IncompleteSourceException e) {
        List<String> out = new ArrayList<>();
        out.add(emphasize(e.getMessage()));
        e.source().lines().forEach(l -> out.add("    " + l));
        return out;
    }

    /**
     * Traceback lines for an exception thrown by a cell.
     *
     * @param exceptionClass the real exception's class name (JShell hands exceptions over as
     *                       {@code EvalException}s that carry the name)
     * @param t              the exception, with JShell's translated frames: a snippet frame has
     *                       an empty class name and file name {@code #<snippet id>}
     * @param classNameOf    the real class name of each exception in the cause chain
     * @param snippetPlace   describes where a snippet id is, e.g. {@code "In[3] line 2"} for
     *                       ({@code "#12"}, 2); null when unknown
     */
    public List<String> formatException(String exceptionClass, Throwable t, Function<Throwable, String> classNameOf,
                                        SnippetPlaces snippetPlace) {
        List<String> out = new ArrayList<>();
        Set<Throwable> seen = new HashSet<>();
        String name = exceptionClass;
        boolean first = true;
        for (Throwable cur = t; cur != null && seen.add(cur); cur = cur.getCause()) {
            if (!first) {
                name = classNameOf.apply(cur);
            }
            String message = cur.getMessage();
            String header = (first ? "" : "Caused by: ") + name + (message == null ? "" : ": " + message);
            List<String> headerLines = header.lines().toList();
            out.add(emphasize(headerLines.isEmpty() ? name : headerLines.get(0)));
            headerLines.stream().skip(1).forEach(out::add);
            if (first && thrownByMagic(cur) && isIllegalArgument(name)) {
                // A magic's bad-argument message is the whole story; its stack is kernel business.
                return out;
            }
            out.addAll(frames(cur.getStackTrace(), snippetPlace));
            first = false;
        }
        return out;
    }

    /** Where snippets are in the notebook. */
    @FunctionalInterface
    public interface SnippetPlaces {
        /** E.g. {@code "In[3] line 2"} for the snippet with file name {@code #12} at snippet line 2; null if unknown. */
        String describe(String snippetFile, int lineInSnippet);
    }

    static List<String> frames(StackTraceElement[] stack, SnippetPlaces places) {
        int lastUser = -1;
        int firstUser = -1;
        for (int i = 0; i < stack.length; i++) {
            if (isSnippetFrame(stack[i])) {
                lastUser = i;
                if (firstUser < 0) {
                    firstUser = i;
                }
            }
        }
        int end = lastUser >= 0 ? lastUser + 1 : stack.length;
        List<String> out = new ArrayList<>();
        int library = 0;
        int skipped = 0;
        for (int i = 0; i < end; i++) {
            StackTraceElement f = stack[i];
            if (isKernelInternal(f)) {
                continue;
            }
            if (isSnippetFrame(f)) {
                if (skipped > 0) {
                    out.add("    ... " + skipped + " more library frames");
                    skipped = 0;
                }
                String place = places == null ? null : places.describe(f.getFileName(), f.getLineNumber());
                String where = place != null ? place : f.getFileName() + ":" + f.getLineNumber();
                out.add("    at " + (f.getMethodName().isEmpty() ? "" : f.getMethodName() + " ") + "(" + where + ")");
            } else if (firstUser >= 0 && i > firstUser) {
                out.add("    at " + f);      // library code the user's code called back into
            } else if (library < MAX_LIBRARY_FRAMES) {
                out.add("    at " + f);
                library++;
            } else {
                skipped++;
            }
        }
        if (skipped > 0) {
            out.add("    ... " + skipped + " more library frames");
        }
        return out;
    }

    static boolean isSnippetFrame(StackTraceElement f) {
        return f.getFileName() != null && f.getFileName().startsWith("#")
                && (f.getClassName().isEmpty() || f.getClassName().startsWith("REPL."));
    }

    private static boolean isKernelInternal(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("io.convnb.kernel.") || c.startsWith("io.github.spencerpark.jupyter.")
                || c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.")
                || c.startsWith("jdk.jshell.");
    }

    private static boolean thrownByMagic(Throwable t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().equals(MagicCalls.class.getName())) {
                return true;
            }
        }
        return false;
    }

    /** By the real class where the kernel can load it (magic exceptions subclass it), else by name. */
    private static boolean isIllegalArgument(String className) {
        try {
            return IllegalArgumentException.class.isAssignableFrom(Class.forName(className, false, ErrorFormatter.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return className.endsWith("IllegalArgumentException") || className.endsWith("MagicArgsParseException");
        }
    }

    private String emphasize(String line) {
        return color && !line.isEmpty() ? RED + line + RESET : line;
    }

    private static String withoutLocationLines(String message) {
        StringBuilder b = new StringBuilder();
        message.lines().filter(l -> !l.trim().startsWith("location:")).forEach(l -> {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(l);
        });
        return b.toString();
    }

    private static String stripCr(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static int clamp(int v, int max) {
        return Math.max(0, Math.min(v, max));
    }
}
