package io.convnb.kernel;

import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import jdk.jshell.EvalException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The evaluator with a real JShell running in this JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public class JShellEvaluatorTest {
    /** An object of the test's own class loader that cells must see as the very same object. */
    public static final Object SHARED = new Object();
    static final List<List<String>> ECHOED = new ArrayList<>();

    static JShellEvaluator evaluator;
    static ByteArrayOutputStream log = new ByteArrayOutputStream();
    static int count;

    @BeforeAll
    static void start() {
        evaluator = new JShellEvaluator(System.getProperty("java.class.path"),
                List.of("import java.util.*;", "import no.such.pkg.*;", "int startupValue = 7;"),
                new PrintStream(log, true));
        Magics magics = new Magics();
        magics.registerLineMagic("echo", args -> {
            ECHOED.add(List.copyOf(args));
            return args.size();
        });
        magics.registerCellMagic("body", (args, body) -> body.toUpperCase());
        MagicCalls.bind(magics);
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    private static Object eval(String cell) throws Exception {
        return evaluator.eval(MagicSyntax.toJava(cell), ++count);
    }

    @Test
    void lastExpressionValueIsTheRealObject() throws Exception {
        assertEquals(42, eval("int a = 2;\na * 21"));
        Object sb = eval("new StringBuilder(\"x\").append(1)");
        assertInstanceOf(StringBuilder.class, sb);
        assertEquals("x1", sb.toString());
        assertSame(SHARED, eval("io.convnb.kernel.JShellEvaluatorTest.SHARED"), "cells run in this JVM");
    }

    @Test
    void statementsAndDeclarationsHaveNoValue() throws Exception {
        assertEquals(null, eval("int b = 5;"));
        assertEquals(null, eval("b = 6;"));
        assertEquals(6, eval("b"));
    }

    @Test
    void startupSnippetsRanAndTheBrokenOneWasReported() throws Exception {
        assertEquals(7, eval("startupValue"));
        assertEquals(List.of(1, 2), eval("new ArrayList<>(List.of(1, 2))"));
        List<String> report = evaluator.startupReport();
        assertEquals(1, report.size(), report.toString());
        assertTrue(report.get(0).startsWith("import no.such.pkg.*;  -> skipped: package no.such.pkg does not exist"), report.get(0));
    }

    @Test
    void compileErrorStopsTheCellAndPointsAtTheLine() throws Exception {
        CompilationException e = assertThrows(CompilationException.class,
                () -> eval("int ok1 = 1;\n  String bad1 = 3.5;\nint never1 = 2;"));
        ErrorFormatter.CompileProblem p = e.problems().get(0);
        assertEquals(2, p.line());
        assertEquals("  String bad1 = 3.5;", p.sourceLine());
        assertEquals("3.5", p.sourceLine().substring(p.startColumn(), p.endColumn()));
        assertTrue(p.message().startsWith("incompatible types: double cannot be converted to java.lang.String"), p.message());
        assertEquals(1, eval("ok1"));
        assertThrows(CompilationException.class, () -> eval("never1"));
    }

    @Test
    void runtimeExceptionCarriesRealClassAndSnippetFramesMapToCellLines() throws Exception {
        eval("int half(int v) {\n  if (v % 2 != 0) throw new IllegalArgumentException(\"odd: \" + v);\n  return v / 2;\n}");
        int cell = count + 1;
        EvalException e = assertThrows(EvalException.class, () -> eval("int h = half(4);\n\nhalf(3)"));
        assertEquals("java.lang.IllegalArgumentException", e.getExceptionClassName());
        assertEquals("odd: 3", e.getMessage());
        List<String> lines = new ErrorFormatter(false).formatException(e.getExceptionClassName(), e, t -> "?",
                (file, line) -> {
                    JShellEvaluator.Origin o = evaluator.origin(file.substring(1));
                    return o == null ? null : "In[" + o.executionCount() + "] line " + (o.firstLine() + line - 1);
                });
        assertEquals(List.of("java.lang.IllegalArgumentException: odd: 3",
                "    at half (In[" + (cell - 1) + "] line 2)",
                "    at (In[" + cell + "] line 3)"), lines);
    }

    @Test
    void incompleteCellIsReported() {
        IncompleteSourceException e = assertThrows(IncompleteSourceException.class,
                () -> eval("int c1 = 1;\nfor (int i = 0; i < 3; i++) {\n  c1++;"));
        assertEquals(2, e.line());
        assertTrue(e.source().startsWith("for (int i = 0"), e.source());
    }

    @Test
    void magicArgumentsSurviveTheRoundTripThroughJava() throws Exception {
        ECHOED.clear();
        eval("int before = 1;\n%echo plain \"two words\" back\\\\slash \\\"q\\\" uni\\u0041\nint after = before + 1;");
        assertEquals(List.of(List.of("plain", "two words", "back\\slash", "\"q\"", "uni\\u0041")), ECHOED);
        assertEquals(2, eval("after"));
        assertEquals(2, eval("var n = %echo a b\nn"));
        assertEquals(null, eval("%echo x"), "a magic's value is not the cell's value");
        assertEquals(null, eval("%%body\nshout \"this\"\n"));
        assertEquals("SHOUT \"THIS\"", eval("io.convnb.kernel.MagicCalls.cell(\"body\", \"shout \\\"this\\\"\")"));
    }

    @Test
    void threadLocalStateSurvivesFromCellToCell() throws Exception {
        eval("ThreadLocal<String> tl = new ThreadLocal<>();\ntl.set(\"kept\");");
        assertEquals("kept", eval("tl.get()"), "cells must share one long-lived thread (ND4J keeps per-thread state)");
    }

    @Test
    void cooperativeInterruptStopsTheCellAndLaterCellsRun() throws Exception {
        CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
            try {
                return eval("long spins = 0;\nwhile (!Thread.currentThread().isInterrupted()) { spins++; }\nint notReached = 1;");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        awaitRunning();
        long task = evaluator.interrupt();
        assertTrue(task != 0);
        ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
        EvaluationInterruptedException ie = assertInstanceOf(EvaluationInterruptedException.class, e.getCause().getCause());
        assertFalse(ie.getMessage().contains("force"), ie.getMessage());
        assertEquals(true, eval("spins > 0"));
        assertThrows(CompilationException.class, () -> eval("notReached"));
        assertEquals(false, eval("Thread.currentThread().isInterrupted()"), "the interrupt must not leak into the next cell");
    }

    @Test
    void interruptedSleepCountsAsAnInterruptNotAsAnError() throws Exception {
        CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
            try {
                return eval("Thread.sleep(60_000);");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        awaitRunning();
        evaluator.interrupt();
        ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(5, TimeUnit.SECONDS));
        assertInstanceOf(EvaluationInterruptedException.class, e.getCause().getCause());
        EvalException real = assertThrows(EvalException.class, () -> eval("throw new InterruptedException(\"not from the notebook\");"));
        assertEquals("java.lang.InterruptedException", real.getExceptionClassName(), "without an interrupt request it stays an error");
    }

    @Test
    void codeIgnoringInterruptsIsStoppedByForce() throws Exception {
        CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
            try {
                return eval("long n = 0;\nwhile (true) { n++; }");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        awaitRunning();
        long task = evaluator.interrupt();
        Thread.sleep(300);
        assertTrue(evaluator.isRunning(task), "a busy loop ignores Thread.interrupt");
        evaluator.forceStop();
        ExecutionException e = assertThrows(ExecutionException.class, () -> running.get(10, TimeUnit.SECONDS));
        EvaluationInterruptedException ie = assertInstanceOf(EvaluationInterruptedException.class, e.getCause().getCause());
        assertTrue(ie.getMessage().contains("by force"), ie.getMessage());
        assertEquals(2, eval("1 + 1"));
    }

    @Test
    void classFoldersAddedLaterAreSeenByCompilerAndClassLoader(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("Greeter.java");
        Files.writeString(src, "package demo; public class Greeter { public String greet() { return \"hi\"; } }");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", dir.toString(), src.toString()));
        assertThrows(CompilationException.class, () -> eval("new demo.Greeter().greet()"));
        evaluator.addToClasspath(dir.toString());
        assertEquals("hi", eval("new demo.Greeter().greet()"));
    }

    @Test
    void sloppyClassPathsStillWork() throws Exception {
        assertEquals("a.jar:b.jar", JShellEvaluator.withoutEmptyEntries("a.jar::b.jar:"));
        try (JShellEvaluator trailing = new JShellEvaluator(System.getProperty("java.class.path") + ":", List.of(),
                new PrintStream(OutputStream.nullOutputStream()))) {
            assertEquals("Nd4j", trailing.eval("org.nd4j.linalg.factory.Nd4j.class.getSimpleName()", 1));
        }
    }

    private static void awaitRunning() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!evaluator.isRunning(evaluator.runningTask())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the cell never started running");
            }
            Thread.sleep(20);
        }
        Thread.sleep(200); // let it spin
    }
}
