package io.convnb.kernel.maven;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Resolves coordinates with their runtime dependencies into jar files. The one implementation,
 * {@code io.convnb.kernel.maven.aether.AetherBackend}, uses Apache Maven Resolver and is loaded by
 * {@link ResolverLoader} in a class loader of its own; this interface and its records use only
 * JDK and kernel types, so they cross between the two loaders.
 */
public interface MavenBackend {
    /**
     * One resolved artifact.
     *
     * @param trail the requested coordinate and the dependencies that led here, outermost first;
     *              empty for a requested coordinate itself
     */
    record Resolved(Coordinate coordinate, Path file, List<Coordinate> trail) {
        public Resolved {
            trail = List.copyOf(trail);
        }

        /** Whether it was asked for (rather than pulled in as a dependency). */
        public boolean requested() {
            return trail.isEmpty();
        }
    }

    /**
     * Resolves {@code requested} and their runtime dependencies (Maven's compile and runtime scopes,
     * without optional dependencies) from Maven Central, through the mirrors, proxies and local
     * repository of {@code settings}.
     *
     * @param progress receives one line per download
     * @return every artifact of the graph, in breadth-first order, requested ones first
     * @throws MavenException naming the coordinate, the cause and the repository URL tried
     */
    List<Resolved> resolve(List<Coordinate> requested, MavenSettings settings, Consumer<String> progress);
}
