package io.convnb.kernel;

import io.github.spencerpark.jupyter.kernel.util.GlobFinder;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * IJava's {@code %jars} / {@code %classpath}: add jars or class folders to the cells' class path.
 * A plain path (a jar or a folder of classes) is added as it is; a glob ({@code lib/*.jar}) adds
 * every file it matches.
 */
final class ClasspathMagics {
    private final ConvnbKernel kernel;

    ClasspathMagics(ConvnbKernel kernel) {
        this.kernel = kernel;
    }

    /**
     * Adds every argument.
     *
     * @return the absolute paths added
     * @throws IllegalArgumentException if no argument is given, a path does not exist or a glob matches nothing
     */
    List<String> add(List<String> args) throws Exception {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("%jars needs at least one jar, class folder or glob, e.g. %jars lib/*.jar");
        }
        List<String> added = new ArrayList<>();
        for (String arg : args) {
            List<Path> paths = resolve(arg);
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("'" + arg + "' matches no file (relative paths start at "
                        + Path.of("").toAbsolutePath() + "); check the path or use an absolute one.");
            }
            for (Path p : paths) {
                String abs = p.toAbsolutePath().toString();
                kernel.addToClasspath(abs);
                added.add(abs);
            }
        }
        return added;
    }

    static List<Path> resolve(String arg) throws Exception {
        if (arg.chars().noneMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
            Path p = Path.of(arg);
            return Files.exists(p) ? List.of(p) : List.of();
        }
        List<Path> matches = new ArrayList<>();
        try {
            new GlobFinder(arg).computeMatchingFiles().forEach(matches::add);
        } catch (NoSuchFileException e) {
            return List.of(); // the glob's fixed base folder does not exist
        }
        return matches;
    }
}
