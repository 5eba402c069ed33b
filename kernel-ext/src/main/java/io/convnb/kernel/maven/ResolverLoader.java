package io.convnb.kernel.maven;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads {@link MavenBackend}'s implementation only when {@code %maven} first runs, so the resolver
 * costs nothing at kernel start.
 *
 * <p>The kernel's launch directory keeps the resolver's jars in {@code lib/maven-resolver/}, outside
 * the kernel's class path ({@code lib/*} does not reach into sub-folders): cells never see them, and
 * the resolver's own libraries (HttpClient, plexus-utils, ...) can never clash with what a user loads.
 * They are read by a child-first class loader whose parent is the kernel's: the resolver's classes
 * come from its jars, the backend's classes ({@value #BACKEND_PACKAGE}) are defined in it from the
 * kernel's jar, and everything else (the JDK, slf4j, the kernel's types in this package) comes from
 * the kernel. Where the resolver is on the kernel's own class path (the Maven build's tests), the
 * backend is used directly.
 */
public final class ResolverLoader {
    /** System property naming the folder of resolver jars (default: {@code maven-resolver} next to the kernel's jar). */
    public static final String DIR_PROPERTY = "convnb.maven.resolverDir";
    static final String BACKEND_PACKAGE = "io.convnb.kernel.maven.aether.";
    static final String BACKEND = BACKEND_PACKAGE + "AetherBackend";
    private static final String PROBE = "org.eclipse.aether.supplier.RepositorySystemSupplier";

    private static MavenBackend backend;

    private ResolverLoader() {
    }

    /** The backend, loaded on first use. */
    public static synchronized MavenBackend backend() {
        if (backend == null) {
            backend = load();
        }
        return backend;
    }

    private static MavenBackend load() {
        ClassLoader kernel = ResolverLoader.class.getClassLoader();
        try {
            Class.forName(PROBE, false, kernel);
            return instantiate(Class.forName(BACKEND, true, kernel));
        } catch (ClassNotFoundException e) {
            // The usual case in a kernel: the resolver lives in its own folder.
        }
        return loadFrom(resolverDir());
    }

    /**
     * The backend in a child-first loader over the jars in {@code dir}.
     *
     * @throws MavenException if the folder is missing, has no jars, or the resolver in it cannot be loaded
     */
    static MavenBackend loadFrom(Path dir) {
        ClassLoader kernel = ResolverLoader.class.getClassLoader();
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            throw missing(dir, e.toString());
        }
        if (urls.isEmpty()) {
            throw missing(dir, Files.isDirectory(dir) ? "the folder has no jars" : "the folder is missing");
        }
        ClassLoader loader = new ChildFirst(urls.toArray(URL[]::new), kernel);
        try {
            return instantiate(Class.forName(BACKEND, true, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            throw missing(dir, "loading the resolver failed: " + e);
        }
    }

    private static MavenBackend instantiate(Class<?> c) {
        try {
            return (MavenBackend) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("%maven: cannot create " + c.getName() + ": " + e, e);
        }
    }

    /** {@value #DIR_PROPERTY}, else {@code maven-resolver} in the folder of the jar holding this class. */
    static Path resolverDir() {
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        CodeSource source = ResolverLoader.class.getProtectionDomain().getCodeSource();
        try {
            Path jar = Path.of(source.getLocation().toURI());
            return (Files.isDirectory(jar) ? jar : jar.getParent()).resolve("maven-resolver");
        } catch (Exception e) {
            return Path.of("maven-resolver");
        }
    }

    private static MavenException missing(Path dir, String why) {
        return new MavenException("%maven needs Apache Maven Resolver's jars in " + dir + ", and " + why
                + ". Rebuild the kernel (mvn -B package, which copies them to kernel-ext/target/convnb-kernel/lib/maven-resolver)"
                + " and reinstall it (scripts/install-kernel.sh); or set -D" + DIR_PROPERTY + "=<folder of the jars>.");
    }

    /** Own jars first (then the kernel), except the JDK and the kernel's types that must be shared. */
    static final class ChildFirst extends URLClassLoader {
        static {
            registerAsParallelCapable();
        }

        ChildFirst(URL[] urls, ClassLoader parent) {
            super("convnb-maven-resolver", urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    if (name.startsWith(BACKEND_PACKAGE)) {
                        c = defineFromParent(name);
                    } else if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("io.convnb.")) {
                        return getParent().loadClass(name);
                    } else {
                        try {
                            c = findClass(name);
                        } catch (ClassNotFoundException e) {
                            return getParent().loadClass(name);
                        }
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        /** The backend's classes are in the kernel's jar but must link against this loader's resolver. */
        private Class<?> defineFromParent(String name) throws ClassNotFoundException {
            String resource = name.replace('.', '/') + ".class";
            try (InputStream in = getParent().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] bytes = in.readAllBytes();
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
