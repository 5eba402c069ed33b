package io.convnb.kernel.maven;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
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
     * @param file  the downloaded file, or null for an artifact that was not chosen for download
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
     * repository of {@code settings}. First the dependency graph is collected (POMs only); then
     * {@code choose} sees it and names the artifacts to download, so a jar that will not be used
     * (already loaded, or a clash) is never fetched.
     *
     * @param progress receives one line per download
     * @param choose   given the graph (files null), returns the coordinates to download; may throw
     *                 to stop before any jar is downloaded
     * @return every artifact of the graph, in breadth-first order, requested ones first; the chosen
     *         ones with their files
     * @throws MavenException naming the coordinate, the cause and the repository URL tried
     */
    List<Resolved> resolve(List<Coordinate> requested, MavenSettings settings, Consumer<String> progress,
                           Function<List<Resolved>, Set<Coordinate>> choose);
}
