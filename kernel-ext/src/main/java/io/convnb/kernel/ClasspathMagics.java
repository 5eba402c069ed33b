package io.convnb.kernel;

import io.github.spencerpark.jupyter.kernel.util.GlobFinder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** IJava's {@code %jars} / {@code %classpath}: add jars or class folders (globs allowed) to the cells' class path. */
final class ClasspathMagics {
    private final ConvnbKernel kernel;

    ClasspathMagics(ConvnbKernel kernel) {
        this.kernel = kernel;
    }

    /**
     * Adds every path matching the glob arguments.
     *
     * @return the absolute paths added
     * @throws IllegalArgumentException if no argument is given or a glob matches nothing
     */
    List<String> add(List<String> globs) throws Exception {
        if (globs.isEmpty()) {
            throw new IllegalArgumentException("%jars needs at least one path or glob, e.g. %jars lib/*.jar");
        }
        List<String> added = new ArrayList<>();
        for (String glob : globs) {
            int before = added.size();
            for (Path p : new GlobFinder(glob).computeMatchingPaths()) {
                String abs = p.toAbsolutePath().toString();
                kernel.addToClasspath(abs);
                added.add(abs);
            }
            if (added.size() == before) {
                throw new IllegalArgumentException("'" + glob + "' matches no file (relative paths start at "
                        + Path.of("").toAbsolutePath() + "); check the path or use an absolute one.");
            }
        }
        return added;
    }
}
