package io.convnb.kernel;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorFormatterTest {
    private final ErrorFormatter plain = new ErrorFormatter(false);

    /** Snippet ids 5 and 6 came from In[3] (starting at line 3) and In[4] (line 1). */
    private static String place(String file, int line) {
        return switch (file) {
            case "#5" -> "In[3] line " + (3 + line - 1);
            case "#6" -> "In[4] line " + line;
            default -> null;
        };
    }

    @Test
    void locatesADiagnosticInTheCellByHand() {
        String cell = "int ok = 1;\nint bad = \"text\";\nint after = 2;";
        // The second snippet starts at index 12; javac marks "text" (with quotes) at 10..16 of it.
        ErrorFormatter.CompileProblem p = ErrorFormatter.locate(cell, 12, 10, 16,
                "incompatible types: java.lang.String cannot be converted to int");
        assertEquals(new ErrorFormatter.CompileProblem(2, "int bad = \"text\";", 10, 16,
                "incompatible types: java.lang.String cannot be converted to int"), p);
    }

    @Test
    void compileErrorShowsLineCaretAndMessageWithoutJShellLocation() {
        String cell = "double d = 1;\n  foo(d);";
        ErrorFormatter.CompileProblem p = ErrorFormatter.locate(cell, 14, 2, 5,
                "cannot find symbol\n  symbol:   method foo(double)\n  location: class ");
        List<String> lines = plain.formatCompilation(new CompilationException(List.of(p), List.of()));
        assertEquals(List.of(
                "Compile error in line 2:",
                "      foo(d);",
                "      ^^^",
                "cannot find symbol",
                "  symbol:   method foo(double)"), lines);
    }

    @Test
    void zeroWidthDiagnosticStillGetsOneCaret() {
        ErrorFormatter.CompileProblem p = ErrorFormatter.locate("int x = 1", 0, 9, 9, "';' expected");
        assertEquals(9, p.startColumn());
        assertEquals(10, p.endColumn());
        assertEquals("    " + " ".repeat(9) + "^", plain.formatCompilation(new CompilationException(List.of(p), List.of())).get(2));
    }

    @Test
    void unresolvedDependenciesAreListed() {
        List<String> lines = plain.formatCompilation(new CompilationException(List.of(), List.of("class Model", "variable data")));
        assertEquals(List.of("This declaration uses names that are not defined yet:", "   - class Model", "   - variable data",
                "Define them (in this or an earlier cell) and run the cell again."), lines);
    }

    @Test
    void exceptionKeepsUserFramesDropsKernelFramesAndCutsLongLibraryStacks() {
        List<StackTraceElement> stack = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            stack.add(new StackTraceElement("org.nd4j.Deep", "level" + i, "Deep.java", 100 + i));
        }
        stack.add(new StackTraceElement("", "twice", "#5", 2));
        stack.add(new StackTraceElement("", "", "#6", 1));
        stack.add(new StackTraceElement("jdk.internal.reflect.NativeMethodAccessorImpl", "invoke0", null, -2));
        stack.add(new StackTraceElement("io.convnb.kernel.InProcessExecutionControl", "invoke", "X.java", 1));
        RuntimeException e = new RuntimeException("too big: 5");
        e.setStackTrace(stack.toArray(StackTraceElement[]::new));

        List<String> lines = plain.formatException("java.lang.IllegalStateException", e, t -> "unused",
                ErrorFormatterTest::place);

        List<String> expected = new ArrayList<>();
        expected.add("java.lang.IllegalStateException: too big: 5");
        for (int i = 0; i < ErrorFormatter.MAX_LIBRARY_FRAMES; i++) {
            expected.add("    at org.nd4j.Deep.level" + i + "(Deep.java:" + (100 + i) + ")");
        }
        expected.add("    ... 4 more library frames");
        expected.add("    at twice (In[3] line 4)");
        expected.add("    at (In[4] line 1)");
        assertEquals(expected, lines);
    }

    @Test
    void causesAreShownWithTheirRealClassNames() {
        RuntimeException cause = new RuntimeException("disk full");
        cause.setStackTrace(new StackTraceElement[]{new StackTraceElement("", "save", "#6", 1)});
        RuntimeException top = new RuntimeException("could not save", cause);
        top.setStackTrace(new StackTraceElement[]{new StackTraceElement("", "", "#6", 1)});
        List<String> lines = plain.formatException("java.io.UncheckedIOException", top,
                t -> t == cause ? "java.io.IOException" : "?", ErrorFormatterTest::place);
        assertEquals(List.of("java.io.UncheckedIOException: could not save", "    at (In[4] line 1)",
                "Caused by: java.io.IOException: disk full", "    at save (In[4] line 1)"), lines);
    }

    @Test
    void badMagicArgumentsShowTheWholeMessageAndNoStack() {
        RuntimeException e = new RuntimeException("Unknown keyword argument 'strid'.\nAccepted: stride=N or stride=NxM.");
        e.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("io.convnb.magic.ConvMathMagic", "parse", "ConvMathMagic.java", 40),
                new StackTraceElement(MagicCalls.class.getName(), "line", "MagicCalls.java", 29),
                new StackTraceElement("", "", "#6", 1)});
        assertEquals(List.of("java.lang.IllegalArgumentException: Unknown keyword argument 'strid'.",
                        "Accepted: stride=N or stride=NxM."),
                plain.formatException("java.lang.IllegalArgumentException", e, t -> "?", ErrorFormatterTest::place));
    }

    @Test
    void colorWrapsOnlyTheMessageLines() {
        ErrorFormatter colored = new ErrorFormatter(true);
        RuntimeException e = new RuntimeException("boom");
        e.setStackTrace(new StackTraceElement[]{new StackTraceElement("", "", "#6", 1)});
        List<String> lines = colored.formatException("java.lang.RuntimeException", e, t -> "?", ErrorFormatterTest::place);
        assertEquals(ErrorFormatter.RED + "java.lang.RuntimeException: boom" + ErrorFormatter.RESET, lines.get(0));
        assertTrue(lines.get(1).startsWith("    at "));
    }
}
