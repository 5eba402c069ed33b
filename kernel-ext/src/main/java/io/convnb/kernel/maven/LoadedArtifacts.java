package io.convnb.kernel.maven;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The libraries already on the kernel's class path, by {@code group:artifact}: what {@code %maven}
 * compares a resolved dependency graph with, so that it never loads a second version of a library.
 *
 * <p>A jar built by Maven carries {@code META-INF/maven/<group>/<artifact>/pom.properties} with its
 * coordinate (a shaded jar carries several: each counts). A jar without one is known only by its file
 * name, {@code <artifact>-<version>[-<classifier>].jar}, and matched by artifact id and file name.
 * A fat jar whose bundled libraries were relocated (its entries contain {@code /shade/} or
 * {@code /shaded/}) counts only as itself.
 */
public final class LoadedArtifacts {
    /**
     * One library on the class path.
     *
     * @param groupId null when known only from the file name
     * @param jar     where it was found
     */
    public record Loaded(String groupId, String artifactId, String version, Path jar) {
        /** Whether this is version {@code v} (for a jar known by file name: its name starts with it). */
        public boolean hasVersion(String v) {
            return version.equals(v) || (groupId == null && version.startsWith(v + "-"));
        }

        /** {@code group:artifact:version}, or {@code artifact version (file name)} without a group. */
        public String describe() {
            return groupId == null ? artifactId + " " + version + " (known by its file name " + jar.getFileName() + ")"
                    : groupId + ":" + artifactId + ":" + version;
        }
    }

    private static final Pattern POM_PROPERTIES = Pattern.compile("META-INF/maven/([^/]+)/([^/]+)/pom\\.properties");
    /** {@code <artifact>-<version>[-<classifier>].jar}: the artifact id ends before the first "-digit". */
    private static final Pattern FILE_NAME = Pattern.compile("(.+?)-(\\d.*)\\.jar");

    private final Map<String, List<Loaded>> byKey = new LinkedHashMap<>();
    private final Map<String, List<Loaded>> unnamedByArtifact = new LinkedHashMap<>();
    private final Map<String, Loaded> byFileName = new LinkedHashMap<>();

    /** The libraries in the jars of {@code classpath} ({@link File#pathSeparator}-separated; folders are skipped). */
    public static LoadedArtifacts ofClasspath(String classpath) {
        List<Path> jars = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                jars.add(Path.of(entry));
            }
        }
        return of(jars);
    }

    /** The libraries in {@code jars} (missing files are skipped). */
    public static LoadedArtifacts of(Collection<Path> jars) {
        LoadedArtifacts a = new LoadedArtifacts();
        jars.forEach(a::add);
        return a;
    }

    /** Adds one jar: its pom.properties (see the class comment), else its file name. */
    public void add(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return;
        }
        List<Loaded> found = new ArrayList<>();
        boolean relocated = false;
        try (JarFile f = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = f.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String name = e.getName();
                relocated |= name.contains("/shade/") || name.contains("/shaded/");
                Matcher m = POM_PROPERTIES.matcher(name);
                if (m.matches()) {
                    Properties p = new Properties();
                    try (InputStream in = f.getInputStream(e)) {
                        p.load(in);
                    }
                    String version = p.getProperty("version");
                    if (version != null) {
                        found.add(new Loaded(p.getProperty("groupId", m.group(1)),
                                p.getProperty("artifactId", m.group(2)), version.strip(), jar));
                    }
                }
            }
        } catch (IOException e) {
            // An unreadable jar is still known by its file name below.
        }
        String name = jar.getFileName().toString();
        if (found.isEmpty()) {
            Matcher m = FILE_NAME.matcher(name);
            if (m.matches()) {
                Loaded l = new Loaded(null, m.group(1), m.group(2), jar);
                unnamedByArtifact.computeIfAbsent(l.artifactId(), k -> new ArrayList<>()).add(l);
                byFileName.put(name, l);
            }
            return;
        }
        // The jar's own coordinate is the one whose artifact id and version start its file name.
        Loaded own = found.stream().filter(l -> name.startsWith(l.artifactId() + "-" + l.version())).findFirst()
                .orElse(found.get(0));
        byFileName.put(name, own);
        // A fat jar also lists what it bundles. Bundled classes that were moved to another package
        // (ND4J's org.nd4j.shade.guava, .jackson, .protobuf) do not clash with the real library, so
        // then only the jar's own coordinate counts; unmoved ones (icu4j's parts) are loaded as they are.
        for (Loaded l : relocated ? List.of(own) : found) {
            byKey.computeIfAbsent(l.groupId() + ":" + l.artifactId(), k -> new ArrayList<>()).add(l);
        }
    }

    /** Records an artifact added by {@code %maven} (its coordinate is known exactly). */
    public void add(Coordinate c, Path jar) {
        Loaded l = new Loaded(c.groupId(), c.artifactId(), c.version(), jar);
        byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(l);
        byFileName.put(jar.getFileName().toString(), l);
    }

    /**
     * The loaded versions of {@code c}'s library: by {@code group:artifact}, else (for jars without
     * pom.properties) by artifact id. Empty when the library is not loaded.
     */
    public List<Loaded> versionsOf(Coordinate c) {
        List<Loaded> exact = byKey.get(c.key());
        if (exact != null) {
            return List.copyOf(exact);
        }
        return List.copyOf(unnamedByArtifact.getOrDefault(c.artifactId(), List.of()));
    }

    /** The loaded jar with exactly this file name, or null. */
    public Loaded byFileName(String fileName) {
        return byFileName.get(fileName);
    }

    /** How many libraries are known. */
    public int size() {
        return byKey.size() + unnamedByArtifact.size();
    }
}
