package io.convnb.kernel;

import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CellCompletionTest {
    static JShellEvaluator evaluator;
    static CellCompletion completion;

    @BeforeAll
    static void start() {
        evaluator = new JShellEvaluator(System.getProperty("java.class.path"), List.of("import java.util.*;"),
                new PrintStream(OutputStream.nullOutputStream()));
        completion = new CellCompletion(evaluator);
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    @Test
    void completesTypeNamesInTheLastStatement() throws Exception {
        String code = "int x = 1;\nStrin";
        ReplacementOptions r = completion.complete(code, code.length());
        assertTrue(r.getReplacements().contains("String"), r.getReplacements().toString());
        assertTrue(r.getReplacements().contains("StringBuilder"), r.getReplacements().toString());
        assertEquals(code.length() - 5, r.getSourceStart());
        assertEquals(code.length(), r.getSourceEnd());
    }

    @Test
    void completesMembersOfVariablesDefinedInEarlierCells() throws Exception {
        evaluator.eval("List<String> names = new ArrayList<>();", 1);
        String code = "names.isEm";
        ReplacementOptions r = completion.complete(code, code.length());
        assertEquals(List.of("isEmpty()"), r.getReplacements());
        assertEquals(6, r.getSourceStart());
    }

    @Test
    void cursorPositionsAreUnicodeCodePoints() throws Exception {
        String code = "String s = \"\uD83D\uDE00\"; Math.ab";   // one emoji: 1 code point, 2 chars
        int cursor = code.codePointCount(0, code.length());
        ReplacementOptions r = completion.complete(code, cursor);
        assertTrue(r.getReplacements().contains("abs("), r.getReplacements().toString());
        assertEquals(cursor - 2, r.getSourceStart());
        assertEquals(cursor, r.getSourceEnd());
    }

    @Test
    void magicLinesDoNotBreakCompletion() throws Exception {
        String code = "%convmath input=28x28\nMath.ab";
        assertTrue(completion.complete(code, code.length()).getReplacements().contains("abs("));
    }

    @Test
    void nothingToCompleteGivesNull() throws Exception {
        assertNull(completion.complete("int zzq = 1; zzqq", 17));
    }

    @Test
    void isComplete() throws Exception {
        assertEquals("complete", completion.isComplete("int a = 1;\na + 1"));
        assertEquals("complete", completion.isComplete("%%conv\n1 2\n3 4"));
        assertEquals("complete", completion.isComplete("%convnb_version"));
        assertEquals("    ", completion.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("  ", completion.isComplete("int total = 0;\n  total += "));
    }

    @Test
    void inspectShowsTheSignatureOfTheMethodUnderTheCursor() throws Exception {
        String code = "int m = Math.floorMod(7, 3);";
        DisplayData doc = completion.inspect(code, code.indexOf("floorMod") + 3);
        String text = (String) doc.getData(MIMEType.TEXT_PLAIN);
        assertTrue(text.contains("int Math.floorMod(int x, int y)"), text);
        assertNull(completion.inspect("int zzq = 1;", 11));
    }

    @Test
    void nextIndentFollowsTheLastLine() {
        assertEquals("        ", CellCompletion.nextIndent("void f() {\n    if (x) {"));
        assertEquals("  ", CellCompletion.nextIndent("int y =\n  3 +"));
    }

    @Test
    void charIndexClampsAndCountsSurrogatePairsOnce() {
        assertEquals(3, CellCompletion.charIndex("\uD83D\uDE00ab", 2));
        assertEquals(4, CellCompletion.charIndex("\uD83D\uDE00ab", 99));
        assertEquals(0, CellCompletion.charIndex("ab", -1));
    }
}
