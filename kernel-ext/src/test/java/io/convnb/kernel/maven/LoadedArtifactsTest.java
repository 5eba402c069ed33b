package io.convnb.kernel.maven;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadedArtifactsTest {
    @TempDir
    Path dir;

    Path jar(String name, String... poms) throws Exception {
        return jarWith(name, "x/Y.class", poms);
    }

    Path jarWith(String name, String classEntry, String... poms) throws Exception {
        Path p = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(p.toFile()))) {
            for (String gav : poms) {
                String[] g = gav.split(":");
                out.putNextEntry(new JarEntry("META-INF/maven/" + g[0] + "/" + g[1] + "/pom.properties"));
                out.write(("#generated\ngroupId=" + g[0] + "\nartifactId=" + g[1] + "\nversion=" + g[2] + "\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(classEntry));
            out.closeEntry();
        }
        return p;
    }

    @Test
    void readsPomPropertiesAndFallsBackToTheFileName() throws Exception {
        Path gson = jar("gson-2.10.1.jar", "com.google.code.gson:gson:2.10.1");
        Path shaded = jar("fat-1.0.jar", "org.example:fat:1.0", "com.google.guava:guava:31.0-jre");
        Path plain = jar("jnacl-1.0.0.jar");
        LoadedArtifacts a = LoadedArtifacts.of(List.of(gson, shaded, plain, dir.resolve("missing-1.0.jar")));

        assertEquals(List.of(new LoadedArtifacts.Loaded("com.google.code.gson", "gson", "2.10.1", gson)),
                a.versionsOf(Coordinate.parse("com.google.code.gson:gson:2.11.0")));
        assertEquals("31.0-jre", a.versionsOf(Coordinate.parse("com.google.guava:guava:33.0.0-jre")).get(0).version());
        LoadedArtifacts.Loaded byName = a.versionsOf(Coordinate.parse("eu.neilalexander:jnacl:1.0.0")).get(0);
        assertNull(byName.groupId());
        assertTrue(byName.hasVersion("1.0.0"));
        assertEquals("jnacl 1.0.0 (known by its file name jnacl-1.0.0.jar)", byName.describe());
        assertEquals(byName, a.byFileName("jnacl-1.0.0.jar"));
        assertEquals(List.of(), a.versionsOf(Coordinate.parse("org.example:other:1.0")));
        assertEquals(4, a.size());
    }

    /** ND4J's guava, jackson and protobuf jars bundle relocated copies (org.nd4j.shade.*), which clash with nothing. */
    @Test
    void relocatedBundlesCountOnlyAsTheJarItself() throws Exception {
        Path nd4jGuava = jarWith("guava-1.0.0-M2.1.jar", "org/nd4j/shade/guava/base/Strings.class",
                "org.nd4j:guava:1.0.0-M2.1", "com.google.guava:guava:30.1-jre");
        Path fat = jarWith("fat-2.0.jar", "com/google/common/base/Strings.class",
                "org.example:fat:2.0", "com.google.guava:guava:31.0-jre");
        LoadedArtifacts a = LoadedArtifacts.of(List.of(nd4jGuava));
        assertEquals(List.of(), a.versionsOf(Coordinate.parse("com.google.guava:guava:33.0.0-jre")));
        assertEquals("1.0.0-M2.1", a.versionsOf(Coordinate.parse("org.nd4j:guava:1.0.0-M2.1")).get(0).version());
        assertEquals("org.nd4j", a.byFileName("guava-1.0.0-M2.1.jar").groupId());
        a.add(fat);
        assertEquals("31.0-jre", a.versionsOf(Coordinate.parse("com.google.guava:guava:33.0.0-jre")).get(0).version());
        assertEquals("org.example:fat:2.0", a.byFileName("fat-2.0.jar").describe());
    }

    @Test
    void theKernelsOwnClassPathIsRead() throws Exception {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        Path slf4j = Files.copy(jar("slf4j-api-2.0.12.jar", "org.slf4j:slf4j-api:2.0.12"), lib.resolve("slf4j-api-2.0.12.jar"));
        LoadedArtifacts a = LoadedArtifacts.ofClasspath(dir + java.io.File.pathSeparator + slf4j);
        assertEquals("2.0.12", a.versionsOf(Coordinate.parse("org.slf4j:slf4j-api:2.0.9")).get(0).version());
    }
}
