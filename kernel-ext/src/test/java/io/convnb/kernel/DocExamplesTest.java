package io.convnb.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every Java example of README.md, docs/*.md and the Javadoc {@code <pre>{@code}} blocks of the main
 * sources, collected from the files at test time ({@link DocExamples} states the rules), runs as a cell
 * of the convnb kernel, and the values its {@code // ->} and {@code // prints} comments state are checked.
 * A failure names the file and line of the example, the line that failed and the error.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class DocExamplesTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern VALUE = Pattern.compile("//\\s*->\\s*(.+)$");
    private static final Pattern PRINTS = Pattern.compile("//\\s*prints\\s+(.+)$");
    private static final Pattern DECLARATION = Pattern.compile(
            "^\\s*(?:final\\s+)?(?:var|[A-Z][\\w.]*(?:<[^=]*>)?(?:\\[])*|int|long|double|float|boolean)\\s+(\\w+)\\s*=.*;\\s*$");

    static JShellEvaluator evaluator;
    static Set<String> startup;
    static int count;

    @BeforeAll
    static void start() throws Exception {
        evaluator = new JShellEvaluator(System.getProperty("java.class.path"), StartupSnippets.all(), System.err);
        startup = new HashSet<>();
        evaluator.shell().snippets().forEach(s -> startup.add(s.id()));
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    @TestFactory
    Stream<DynamicTest> everyDocumentedExampleRunsAsWritten() {
        assertTrue(Files.isRegularFile(ROOT.resolve("README.md")), "repository root not found from " + Path.of("").toAbsolutePath());
        List<DocExamples.Example> examples = DocExamples.collect(ROOT);
        assertTrue(examples.stream().anyMatch(e -> e.file().endsWith("Conv2D.java") && e.skipReason() == null),
                "the Conv2D class example must be collected: " + examples);
        return examples.stream().filter(e -> e.skipReason() == null)
                .map(e -> DynamicTest.dynamicTest(e.where(ROOT), () -> run(e)));
    }

    @Test
    void everySkippedExampleSaysWhy() {
        for (DocExamples.Example e : DocExamples.collect(ROOT)) {
            if (e.skipReason() != null) {
                assertFalse(e.skipReason().equals("no-run: "), e.where(ROOT) + ": a // no-run: comment needs a reason after the colon");
            }
        }
    }

    /** Runs one example; throws an AssertionError naming file, line and error. */
    static void run(DocExamples.Example e) throws Exception {
        resetVariables();
        String[] lines = e.source().split("\n", -1);
        int from = 0;
        StringBuilder printed = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            Matcher value = VALUE.matcher(lines[i]);
            Matcher prints = PRINTS.matcher(lines[i]);
            boolean checks = value.find() | prints.find();
            if (!checks && i < lines.length - 1) {
                continue;
            }
            String segment = String.join("\n", Arrays.asList(lines).subList(from, i + 1));
            Object result = eval(e, segment, from, printed);
            if (value.find(0)) {
                String code = lines[i].substring(0, value.start()).strip();
                Matcher decl = DECLARATION.matcher(code);
                if (decl.matches()) {
                    result = eval(e, decl.group(1), i, printed);
                }
                String expected = leadingGroup(value.group(1).strip());
                String actual = format(result);
                if (!expected.equals(actual)) {
                    throw new AssertionError(e.where(ROOT) + ": line " + (e.firstLine() + i) + " states " + expected
                            + " but the value is " + actual + "\n" + numbered(e));
                }
            }
            if (prints.find(0) && !printed.toString().contains(prints.group(1).strip())) {
                throw new AssertionError(e.where(ROOT) + ": line " + (e.firstLine() + i) + " states that it prints '"
                        + prints.group(1).strip() + "' but the output was:\n" + printed + "\n" + numbered(e));
            }
            from = i + 1;
        }
    }

    private static Object eval(DocExamples.Example e, String code, int lineOffset, StringBuilder printed) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                buf.write(b);
                old.write(b);
            }
        }, true));
        try {
            return evaluator.eval(MagicSyntax.toJava(code), ++count);
        } catch (CompilationException c) {
            int line = c.problems().isEmpty() ? 1 : c.problems().get(0).line();
            throw new AssertionError(e.where(ROOT) + ": line " + (e.firstLine() + lineOffset + line - 1) + " does not compile: "
                    + (c.problems().isEmpty() ? c.getMessage() : c.problems().get(0).message())
                    + (c.unresolved().isEmpty() ? "" : " (unresolved: " + c.unresolved() + ")") + "\n" + numbered(e));
        } catch (EvalException x) {
            throw new AssertionError(e.where(ROOT) + ": line " + (e.firstLine() + lineOffset + snippetLine(x) - 1) + " threw "
                    + x.getExceptionClassName() + ": " + x.getMessage() + "\n" + numbered(e), x);
        } catch (Exception x) {
            throw new AssertionError(e.where(ROOT) + ": lines " + (e.firstLine() + lineOffset) + "- failed: " + x + "\n" + numbered(e), x);
        } finally {
            System.out.flush();
            System.setOut(old);
            printed.append(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The line within the evaluated code where the exception left the snippet (1 if unknown). */
    private static int snippetLine(EvalException x) {
        for (StackTraceElement el : x.getStackTrace()) {
            if (el.getFileName() != null && el.getFileName().startsWith("#")) {
                JShellEvaluator.Origin o = evaluator.origin(el.getFileName().substring(1));
                if (o != null) {
                    return o.firstLine() + el.getLineNumber() - 1;
                }
            }
        }
        return 1;
    }

    /** Drops what earlier examples declared, keeping the kernel's startup imports. */
    private static void resetVariables() throws Exception {
        JShell shell = evaluator.shell();
        List<Snippet> added = new ArrayList<>();
        shell.snippets().filter(s -> !startup.contains(s.id())).forEach(added::add);
        added.forEach(shell::drop);
    }

    /** {@code (3, 2) = (N, features)} -> {@code (3, 2)}; text without a leading bracket is taken whole. */
    static String leadingGroup(String stated) {
        if (stated.isEmpty() || (stated.charAt(0) != '(' && stated.charAt(0) != '[')) {
            return stated;
        }
        char open = stated.charAt(0);
        char close = open == '(' ? ')' : ']';
        int depth = 0;
        for (int i = 0; i < stated.length(); i++) {
            if (stated.charAt(i) == open) {
                depth++;
            } else if (stated.charAt(i) == close && --depth == 0) {
                return stated.substring(0, i + 1);
            }
        }
        return stated;
    }

    /** An array's shape (INDArray) or contents (long[], int[]) as {@code (a, b)}; anything else by toString. */
    static String format(Object value) {
        if (value instanceof INDArray a) {
            return tuple(a.shape());
        }
        if (value instanceof long[] l) {
            return tuple(l);
        }
        if (value instanceof int[] ints) {
            return tuple(Arrays.stream(ints).asLongStream().toArray());
        }
        return String.valueOf(value);
    }

    private static String tuple(long[] values) {
        return "(" + String.join(", ", Arrays.stream(values).mapToObj(Long::toString).toList()) + ")";
    }

    private static String numbered(DocExamples.Example e) {
        StringBuilder s = new StringBuilder("--- the example (" + e.where(ROOT) + ") ---\n");
        String[] lines = e.source().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            s.append(String.format("%5d | %s%n", e.firstLine() + i, lines[i]));
        }
        return s.toString();
    }

    // ---- the runner itself, on examples made to fail ----

    private static DocExamples.Example example(String source) {
        return new DocExamples.Example(ROOT.resolve("docs/EXAMPLE.md"), 10, source, null);
    }

    @Test
    void failuresNameFileLineAndError() {
        AssertionError threw = assertThrows(AssertionError.class, () -> run(example(
                "int a = 1;\nint b = 2;\nObject o = List.of(1).get(a);")));
        assertTrue(threw.getMessage().startsWith("docs/EXAMPLE.md:10: line 12 threw java.lang.ArrayIndexOutOfBoundsException")
                || threw.getMessage().startsWith("docs/EXAMPLE.md:10: line 12 threw java.lang.IndexOutOfBoundsException"), threw.getMessage());
        AssertionError compile = assertThrows(AssertionError.class, () -> run(example("int a = 1;\nnoSuchMethod(a);")));
        assertTrue(compile.getMessage().startsWith("docs/EXAMPLE.md:10: line 11 does not compile: cannot find symbol"), compile.getMessage());
        AssertionError shape = assertThrows(AssertionError.class, () -> run(example(
                "INDArray x = Nd4j.zeros(2, 3);   // -> (3, 2)")));
        assertTrue(shape.getMessage().startsWith("docs/EXAMPLE.md:10: line 10 states (3, 2) but the value is (2, 3)"), shape.getMessage());
        AssertionError printed = assertThrows(AssertionError.class, () -> run(example(
                "System.out.println(\"hello\");   // prints goodbye")));
        assertTrue(printed.getMessage().startsWith("docs/EXAMPLE.md:10: line 10 states that it prints 'goodbye' but the output was:\nhello"),
                printed.getMessage());
    }

    @Test
    void statedValuesAndOutputPassAndVariablesDoNotLeak() throws Exception {
        run(example("var list = List.of(\"a\", \"b\");   // -> [a, b]\nlist.size();   // -> 2\n"
                + "INDArray z = Nd4j.zeros(4, 1);   // -> (4, 1) = (rows, columns)\nSystem.out.println(list);   // prints [a, b]"));
        AssertionError leak = assertThrows(AssertionError.class, () -> run(example("list.size();")));
        assertTrue(leak.getMessage().contains("does not compile: cannot find symbol"), leak.getMessage());
    }

    @Test
    void collectorReadsFencesAndJavadoc() {
        List<DocExamples.Example> md = DocExamples.fromMarkdown(Path.of("X.md"), List.of(
                "text", "```bash", "echo", "```", "```java", "int a = 1;", "```", "```java no-run", "void f();", "```"));
        assertEquals(2, md.size());
        assertEquals(6, md.get(0).firstLine());
        assertEquals("int a = 1;", md.get(0).source());
        assertEquals(null, md.get(0).skipReason());
        assertEquals("marked no-run", md.get(1).skipReason());
        List<DocExamples.Example> doc = DocExamples.fromJavadoc(Path.of("X.java"), List.of(
                "/**", " * Intro {@code inline(); }", " * <pre>{@code", " * var x = 1;", " *     x++;", " * }</pre>",
                " * <pre>{@code new Object()}</pre>", " * <pre>{@code", " * // no-run: a signature", " * void f();", " * }</pre>", " */"));
        assertEquals(3, doc.size());
        assertEquals("var x = 1;\n    x++;", doc.get(0).source());
        assertEquals(4, doc.get(0).firstLine());
        assertEquals("new Object()", doc.get(1).source());
        assertEquals(7, doc.get(1).firstLine());
        assertEquals("no-run: a signature", doc.get(2).skipReason());
    }
}
