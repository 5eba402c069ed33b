package io.convnb.kernel;

/** The cell ends in the middle of a statement or declaration (for example a missing closing brace). */
public final class IncompleteSourceException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;

    IncompleteSourceException(String source, int line) {
        super("Incomplete input starting at line " + line + ": the cell ends before this statement does"
                + " (missing ';', ')' or '}'?)");
        this.source = source;
        this.line = line;
    }

    /** The unfinished code. */
    public String source() {
        return source;
    }

    /** Its first line in the cell, 1-based. */
    public int line() {
        return line;
    }
}
