package io.convnb.kernel.maven;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A Maven repository in a folder, built by the tests: POMs with dependencies and jars holding real
 * classes compiled from source, in Maven's layout with SHA-1 checksums, plus a settings.xml that
 * mirrors Central to it.
 */
final class TestRepository {
    final Path root;
    final Path repo;
    final Path local;

    TestRepository(Path root) throws IOException {
        this.root = root;
        this.repo = Files.createDirectories(root.resolve("repo"));
        this.local = root.resolve("local");
    }

    /**
     * Publishes {@code group:artifact:version} with the given Java sources (file name -> source) and
     * dependencies ({@code group:artifact:version}, compile scope).
     */
    TestRepository publish(String gav, List<String> dependencies, List<Path> compileClasspath, String... sources) throws Exception {
        String[] p = gav.split(":");
        Path dir = Files.createDirectories(repo.resolve(p[0].replace('.', '/')).resolve(p[1]).resolve(p[2]));
        StringBuilder deps = new StringBuilder();
        for (String d : dependencies) {
            String[] q = d.split(":");
            deps.append("<dependency><groupId>").append(q[0]).append("</groupId><artifactId>").append(q[1])
                    .append("</artifactId><version>").append(q[2]).append("</version></dependency>");
        }
        String pom = "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion><groupId>"
                + p[0] + "</groupId><artifactId>" + p[1] + "</artifactId><version>" + p[2]
                + "</version><dependencies>" + deps + "</dependencies></project>";
        write(dir.resolve(p[1] + "-" + p[2] + ".pom"), pom.getBytes(StandardCharsets.UTF_8));
        write(dir.resolve(p[1] + "-" + p[2] + ".jar"), jar(p[0], p[1], p[2], compileClasspath, sources));
        return this;
    }

    /** The jar file of {@code group:artifact:version} in the repository. */
    Path jarOf(String gav) {
        String[] p = gav.split(":");
        return repo.resolve(p[0].replace('.', '/')).resolve(p[1]).resolve(p[2]).resolve(p[1] + "-" + p[2] + ".jar");
    }

    /** A settings.xml mirroring everything to {@code url}, with {@link #local} as the local repository. */
    Path settings(String mirrorId, String url, boolean offline) throws IOException {
        return settings(mirrorId, url, offline, local);
    }

    /** The same with another local repository. */
    Path settings(String mirrorId, String url, boolean offline, Path localRepository) throws IOException {
        String xml = "<?xml version=\"1.0\"?>\n<settings xmlns=\"http://maven.apache.org/SETTINGS/1.0.0\">\n"
                + "  <localRepository>" + localRepository + "</localRepository>\n"
                + "  <offline>" + offline + "</offline>\n"
                + "  <mirrors><mirror><id>" + mirrorId + "</id><url>" + url + "</url><mirrorOf>*</mirrorOf></mirror></mirrors>\n"
                + "</settings>\n";
        Path f = root.resolve("settings-" + mirrorId + "-" + localRepository.getFileName() + ".xml");
        Files.writeString(f, xml);
        return f;
    }

    /** The repository's URL. */
    String url() {
        return repo.toUri().toString();
    }

    /** A localhost port nothing listens on (bound, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static byte[] jar(String group, String artifact, String version, List<Path> classpath, String... sources) throws Exception {
        Path work = Files.createTempDirectory("convnb-maven-src");
        List<String> files = new ArrayList<>();
        for (String source : sources) {
            String pkg = source.replaceAll("(?s).*?package\\s+([\\w.]+)\\s*;.*", "$1");
            String cls = source.replaceAll("(?s).*?public\\s+(?:final\\s+)?class\\s+(\\w+).*", "$1");
            Path f = Files.createDirectories(work.resolve("src").resolve(pkg.replace('.', '/'))).resolve(cls + ".java");
            Files.writeString(f, source);
            files.add(f.toString());
        }
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17"));
        if (!classpath.isEmpty()) {
            args.add("-cp");
            args.add(String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        }
        args.addAll(files);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        if (javac.run(null, null, err, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("test sources do not compile: " + err);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes); Stream<Path> all = Files.walk(classes)) {
            for (Path c : all.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(c).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(c));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/maven/" + group + "/" + artifact + "/pom.properties"));
            out.write(("groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static void write(Path file, byte[] content) throws Exception {
        Files.write(file, content);
        String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
        try (OutputStream out = Files.newOutputStream(file.resolveSibling(file.getFileName() + ".sha1"))) {
            out.write(sha1.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
