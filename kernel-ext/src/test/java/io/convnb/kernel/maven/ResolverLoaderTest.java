package io.convnb.kernel.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resolver in a class loader of its own, as the kernel loads it from lib/maven-resolver. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResolverLoaderTest {
    @TempDir
    Path dir;

    @Test
    void theBackendRunsInItsOwnLoaderAndSharesOnlyTheKernelTypes() throws Exception {
        List<Path> resolverJars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("/org/apache/maven/") || e.contains("/org/apache/httpcomponents/")
                        || e.contains("/org/codehaus/plexus/") || e.contains("/org/ow2/asm/") || e.contains("jcl-over-slf4j"))
                .map(Path::of).toList();
        assertTrue(resolverJars.size() >= 15, resolverJars.toString());
        // The kernel's lib/maven-resolver folder, made of links to the jars Maven resolved for this build.
        Path lib = java.nio.file.Files.createDirectories(dir.resolve("lib/maven-resolver"));
        for (Path jar : resolverJars) {
            java.nio.file.Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar);
        }
        MavenBackend backend = ResolverLoader.loadFrom(lib);
        Class<?> backendClass = backend.getClass();
        ClassLoader isolated = backendClass.getClassLoader();
        assertEquals("convnb-maven-resolver", isolated.getName());
        assertEquals(ResolverLoader.BACKEND, backendClass.getName());
        Class<?> system = isolated.loadClass("org.eclipse.aether.RepositorySystem");
        assertSame(isolated, system.getClassLoader());
        assertNotSame(ResolverLoaderTest.class.getClassLoader().loadClass("org.eclipse.aether.RepositorySystem"), system);
        assertSame(MavenBackend.class, isolated.loadClass(MavenBackend.class.getName()));
        assertSame(Coordinate.class, isolated.loadClass(Coordinate.class.getName()));

        Path settings = TestRepositories.greeterRepository(dir);
        long t0 = System.nanoTime();
        List<MavenBackend.Resolved> graph = backend.resolve(List.of(Coordinate.parse("demo:greeter:1.0")),
                SettingsReader.read(settings), l -> { }, g -> java.util.Set.of(Coordinate.parse("demo:words:2.0")));
        assertEquals(List.of("demo:greeter:1.0", "demo:words:2.0"),
                graph.stream().map(r -> r.coordinate().toString()).toList());
        assertEquals(List.of(Coordinate.parse("demo:greeter:1.0")), graph.get(1).trail());
        System.out.printf("first resolution in the isolated loader: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(null, graph.get(0).file(), "not chosen, not downloaded");
        assertTrue(graph.get(1).file().endsWith("demo/words/2.0/words-2.0.jar"), graph.toString());
        // Errors cross the loaders as the kernel's own exception type.
        MavenException e = assertThrows(MavenException.class, () -> backend.resolve(List.of(Coordinate.parse("demo:nope:2.0")),
                SettingsReader.read(settings), l -> { },
                g -> g.stream().map(MavenBackend.Resolved::coordinate).collect(java.util.stream.Collectors.toSet())));
        assertTrue(e.getMessage().contains("demo:nope:2.0 was not found in test-repo"), e.getMessage());
    }

    @Test
    void aMissingResolverFolderIsExplained() {
        MavenException e = assertThrows(MavenException.class, () -> ResolverLoader.loadFrom(dir.resolve("nothing-here")));
        assertEquals("%maven needs Apache Maven Resolver's jars in " + dir.resolve("nothing-here") + ", and the folder is"
                + " missing. Rebuild the kernel (mvn -B package, which copies them to kernel-ext/target/convnb-kernel/lib/maven-resolver)"
                + " and reinstall it (scripts/install-kernel.sh); or set -Dconvnb.maven.resolverDir=<folder of the jars>.", e.getMessage());
        String old = System.getProperty(ResolverLoader.DIR_PROPERTY);
        System.setProperty(ResolverLoader.DIR_PROPERTY, dir.resolve("nothing-here").toString());
        try {
            assertEquals(dir.resolve("nothing-here"), ResolverLoader.resolverDir());
        } finally {
            if (old == null) {
                System.clearProperty(ResolverLoader.DIR_PROPERTY);
            } else {
                System.setProperty(ResolverLoader.DIR_PROPERTY, old);
            }
        }
    }
}
