package io.convnb.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Collects the Java examples of the documentation from the sources, so that every example is compiled
 * and run by {@link DocExamplesTest} as it is written. The rules (also in docs/ARCHITECTURE.md):
 *
 * <ul>
 *   <li>Markdown ({@code README.md}, {@code docs/*.md}): every fenced block whose info string starts with
 *       {@code java} is an example, unless the info string also says {@code no-run}
 *       (<code>```java no-run</code>, for signatures and fragments).</li>
 *   <li>Javadoc (main sources of {@code engine} and {@code kernel-ext}): every {@code <pre>{@code ...}</pre>}
 *       block is an example, unless its first line is a {@code // no-run: why} comment. Inline
 *       {@code {@code ...}} is prose (names, formulas, shapes) and not run.</li>
 *   <li>An example runs as a cell of the convnb kernel: the kernel's default imports are there, anything
 *       else it imports itself. Each example starts with no variables of earlier examples.</li>
 *   <li>{@code // -> VALUE} at the end of a line states the value of that line: of the expression
 *       statement, or of the variable it declares. An {@code INDArray}, {@code long[]} or {@code int[]} is
 *       compared by its shape/contents as {@code (4, 4, 5, 2)}, anything else by {@code toString()}. When
 *       VALUE starts with a bracket, only the bracketed group counts ({@code // -> (3, 2) = (N, features)}).</li>
 *   <li>{@code // prints TEXT} at the end of a line states that the output printed up to that line
 *       contains TEXT.</li>
 * </ul>
 */
final class DocExamples {
    /** One example: where it is, its source, and why it is not run (null when it runs). */
    record Example(Path file, int firstLine, String source, String skipReason) {
        String where(Path root) {
            return root.relativize(file) + ":" + firstLine;
        }
    }

    private static final Pattern FENCE = Pattern.compile("^\\s*(```+|~~~+)\\s*(\\S*)(.*)$");
    private static final Pattern NO_RUN = Pattern.compile("^\\s*//\\s*no-run:?\\s*(.*)$");

    private DocExamples() {
    }

    /** Every example of the repository at {@code root}. */
    static List<Example> collect(Path root) {
        List<Example> all = new ArrayList<>();
        List<Path> markdown = new ArrayList<>();
        markdown.add(root.resolve("README.md"));
        markdown.addAll(files(root.resolve("docs"), ".md"));
        for (Path md : markdown) {
            all.addAll(fromMarkdown(md, read(md)));
        }
        for (String module : List.of("engine", "kernel-ext")) {
            for (Path java : files(root.resolve(module).resolve("src/main/java"), ".java")) {
                all.addAll(fromJavadoc(java, read(java)));
            }
        }
        return all;
    }

    static List<Example> fromMarkdown(Path file, List<String> lines) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches() || !open.group(2).toLowerCase(java.util.Locale.ROOT).startsWith("java")) {
                if (open.matches()) {
                    i = closing(lines, i, open.group(1));   // skip other fenced blocks whole
                }
                continue;
            }
            int end = closing(lines, i, open.group(1));
            String info = open.group(2) + open.group(3);
            String source = String.join("\n", lines.subList(i + 1, Math.min(end, lines.size())));
            out.add(new Example(file, i + 2, source, info.contains("no-run") ? "marked no-run" : null));
            i = end;
        }
        return out;
    }

    private static int closing(List<String> lines, int open, String fence) {
        for (int j = open + 1; j < lines.size(); j++) {
            if (lines.get(j).strip().startsWith(fence.substring(0, 3)) && lines.get(j).strip().replace(fence.substring(0, 1), "").isEmpty()) {
                return j;
            }
        }
        return lines.size();
    }

    static List<Example> fromJavadoc(Path file, List<String> lines) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = stripStar(lines.get(i));
            int at = line.indexOf("<pre>{@code");
            if (at < 0) {
                continue;
            }
            List<String> body = new ArrayList<>();
            String rest = line.substring(at + "<pre>{@code".length());
            int first = i + 1;
            int j = i;
            while (true) {
                int close = rest.indexOf("}</pre>");
                if (close >= 0) {
                    if (!rest.substring(0, close).isBlank()) {
                        body.add(rest.substring(0, close));
                    }
                    break;
                }
                if (!rest.isBlank() || j > i) {
                    body.add(rest);
                }
                j++;
                if (j >= lines.size()) {
                    throw new IllegalStateException(file + ":" + (i + 1) + ": <pre>{@code without a closing }</pre>");
                }
                rest = stripStar(lines.get(j));
            }
            if (!line.substring(at + "<pre>{@code".length()).isBlank()) {
                first = i + 1;   // the example starts on the <pre> line itself
                body.set(0, body.get(0).strip());
            } else {
                first = i + 2;
            }
            String source = String.join("\n", body).stripTrailing();
            Matcher skip = NO_RUN.matcher(body.isEmpty() ? "" : body.get(0));
            out.add(new Example(file, first, source, skip.matches() ? "no-run: " + skip.group(1) : null));
            i = j;
        }
        return out;
    }

    /** A Javadoc line without its leading {@code " * "} (one space after the star is the margin). */
    private static String stripStar(String line) {
        String s = line.stripLeading();
        if (s.startsWith("*") && !s.startsWith("*/")) {
            s = s.substring(1);
            return s.startsWith(" ") ? s.substring(1) : s;
        }
        return line;
    }

    private static List<Path> files(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
