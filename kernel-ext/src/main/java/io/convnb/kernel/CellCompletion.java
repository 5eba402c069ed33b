package io.convnb.kernel;

import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import jdk.jshell.SourceCodeAnalysis;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Completion, completeness and documentation look-up for cells, through JShell's
 * {@link SourceCodeAnalysis}. Magic lines are blanked out first so they do not confuse the Java
 * parser. Jupyter counts cursor positions in Unicode code points, Java in UTF-16 units: the
 * conversion happens here.
 */
final class CellCompletion {
    private final JShellEvaluator evaluator;

    CellCompletion(JShellEvaluator evaluator) {
        this.evaluator = evaluator;
    }

    /** Completions at code-point position {@code cursor}; null if there are none. */
    ReplacementOptions complete(String code, int cursor) throws Exception {
        int at = charIndex(code, cursor);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis()
                .completionSuggestions(MagicSyntax.blankOutMagics(code), at, anchor);
        if (suggestions == null || suggestions.isEmpty()) {
            return null;
        }
        List<String> options = suggestions.stream()
                .sorted(Comparator.comparing((SourceCodeAnalysis.Suggestion s) -> !s.matchesType()))
                .map(SourceCodeAnalysis.Suggestion::continuation)
                .distinct()
                .collect(Collectors.toList());
        return new ReplacementOptions(options, code.codePointCount(0, anchor[0]), cursor);
    }

    /**
     * Jupyter's is_complete answer: {@code "complete"}, {@code "invalid"}, or the indent for the
     * next line when the code stops mid-statement.
     */
    String isComplete(String code) throws Exception {
        if (MagicSyntax.parseCellMagic(code) != null) {
            return "complete";
        }
        SourceCodeAnalysis analysis = analysis();
        String remaining = MagicSyntax.blankOutMagics(code);
        while (true) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return "complete";
                case UNKNOWN:
                    return "invalid";
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return nextIndent(code);
                default:
                    if (info.remaining().isBlank()) {
                        return "complete";
                    }
                    remaining = info.remaining();
            }
        }
    }

    /** Signature and Javadoc of what is at code-point position {@code cursor}; null if nothing is known. */
    DisplayData inspect(String code, int cursor) throws Exception {
        int at = charIndex(code, cursor);
        while (at < code.length() && Character.isJavaIdentifierPart(code.charAt(at))) {
            at++; // documentation() wants the cursor after the identifier ...
        }
        int paren = at;
        while (paren < code.length() && Character.isWhitespace(code.charAt(paren))) {
            paren++;
        }
        if (paren < code.length() && code.charAt(paren) == '(') {
            at = paren + 1; // ... and, for a method, after its opening parenthesis
        }
        List<SourceCodeAnalysis.Documentation> docs =
                analysis().documentation(MagicSyntax.blankOutMagics(code), at, true);
        if (docs == null || docs.isEmpty()) {
            return null;
        }
        String text = docs.stream()
                .map(d -> d.javadoc() == null ? d.signature() : d.signature() + "\n" + d.javadoc())
                .collect(Collectors.joining("\n\n"));
        return new DisplayData(text);
    }

    private SourceCodeAnalysis analysis() throws Exception {
        return evaluator.shell().sourceCodeAnalysis();
    }

    /** Indent of the last line, plus four spaces after an opening brace or parenthesis. */
    static String nextIndent(String code) {
        String last = code.substring(code.lastIndexOf('\n') + 1);
        String indent = last.substring(0, last.length() - last.stripLeading().length());
        String trimmed = code.stripTrailing();
        return trimmed.endsWith("{") || trimmed.endsWith("(") ? indent + "    " : indent;
    }

    /** UTF-16 index of code-point offset {@code codePoints}, clamped to the code. */
    static int charIndex(String code, int codePoints) {
        int cps = code.codePointCount(0, code.length());
        return code.offsetByCodePoints(0, Math.max(0, Math.min(codePoints, cps)));
    }
}
