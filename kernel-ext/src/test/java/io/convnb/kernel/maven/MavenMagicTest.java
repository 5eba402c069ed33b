package io.convnb.kernel.maven;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code %maven} against a file repository built here (no network): resolution with a transitive
 * dependency, the clash rules, and each error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MavenMagicTest {
    static final String WORDS_V1 = "package demo.words; public class Words { public static String hello() { return \"hello from words 1.0\"; } }";
    static final String WORDS_V2 = "package demo.words; public class Words { public static String hello() { return \"hello from words 2.0\"; } }";
    static final String GREETER = "package demo.greeter; public class Greeter { public String greet() { return demo.words.Words.hello() + \" via greeter\"; } }";

    @TempDir
    static Path dir;
    static TestRepository repo;

    @BeforeAll
    static void publish() throws Exception {
        repo = new TestRepository(dir);
        repo.publish("demo:words:1.0", List.of(), List.of(), WORDS_V1)
                .publish("demo:words:2.0", List.of(), List.of(), WORDS_V2)
                .publish("demo:greeter:1.0", List.of("demo:words:2.0"), List.of(repo.jarOf("demo:words:2.0")), GREETER);
    }

    /** A magic over the test repository, with {@code kernelJars} as the kernel's class path; added jars go to {@code sink}. */
    static MavenMagic magic(Path settings, List<Path> kernelJars, List<Path> sink) {
        return new MavenMagic(() -> SettingsReader.read(settings), ResolverLoader::backend,
                () -> LoadedArtifacts.of(kernelJars), List::of, sink::add);
    }

    static String text(DisplayData d) {
        return (String) d.getData(MIMEType.TEXT_PLAIN);
    }

    @Test
    void resolvesTheArtifactAndItsDependencyAndTheClassesLoad() throws Exception {
        List<Path> added = new ArrayList<>();
        List<String> progress = new ArrayList<>();
        Path local = dir.resolve("fresh-local");
        DisplayData out = magic(repo.settings("test-repo", repo.url(), false, local), List.of(), added)
                .run(List.of("demo:greeter:1.0"), progress::add);

        assertEquals(2, added.size(), added + "\n" + text(out));
        assertEquals(local.resolve("demo/greeter/1.0/greeter-1.0.jar"), added.get(0));
        assertEquals(local.resolve("demo/words/2.0/words-2.0.jar"), added.get(1));
        assertEquals(2, progress.stream().filter(l -> l.startsWith("downloaded " + repo.url())).count(), progress.toString());
        String text = text(out);
        assertTrue(text.startsWith("%maven: added 2 jars to the class path."), text);
        assertTrue(text.matches("(?s).*demo:greeter:1\\.0\\s+added\\s+requested.*"), text);
        assertTrue(text.matches("(?s).*demo:words:2\\.0\\s+added\\s+dependency of demo:greeter:1\\.0.*"), text);
        String html = (String) out.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<td>demo:words:2.0</td><td>added</td><td>dependency of demo:greeter:1.0</td>"), html);

        try (URLClassLoader cells = new URLClassLoader(urls(added), ClassLoader.getPlatformClassLoader())) {
            Object greeter = cells.loadClass("demo.greeter.Greeter").getConstructor().newInstance();
            assertEquals("hello from words 2.0 via greeter", greeter.getClass().getMethod("greet").invoke(greeter));
        }
    }

    @Test
    void aDependencyInAnotherVersionKeepsTheLoadedOne() throws Exception {
        List<Path> added = new ArrayList<>();
        Path kernelWords = repo.jarOf("demo:words:1.0");
        Path local = dir.resolve("local-kept");
        DisplayData out = magic(repo.settings("test-repo", repo.url(), false, local), List.of(kernelWords), added)
                .run(List.of("demo:greeter:1.0"), l -> { });

        assertEquals(List.of(local.resolve("demo/greeter/1.0/greeter-1.0.jar")), added);
        // Only the POM of the skipped version was fetched (to read the graph), never its jar.
        assertTrue(Files.exists(local.resolve("demo/words/2.0/words-2.0.pom")));
        assertFalse(Files.exists(local.resolve("demo/words/2.0/words-2.0.jar")));
        String text = text(out);
        assertTrue(text.startsWith("%maven: added 1 jar to the class path, 1 skipped to keep the version already loaded."), text);
        assertTrue(text.matches("(?s).*demo:words:2\\.0\\s+skipped: kept demo:words:1\\.0 already loaded\\s+dependency of demo:greeter:1\\.0.*"), text);
        // With the kernel's words 1.0 the greeter runs against the loaded version.
        List<Path> classpath = List.of(kernelWords, added.get(0));
        try (URLClassLoader cells = new URLClassLoader(urls(classpath), ClassLoader.getPlatformClassLoader())) {
            Object greeter = cells.loadClass("demo.greeter.Greeter").getConstructor().newInstance();
            assertEquals("hello from words 1.0 via greeter", greeter.getClass().getMethod("greet").invoke(greeter));
        }
    }

    @Test
    void theSameVersionIsNotAddedTwice() throws Exception {
        List<Path> added = new ArrayList<>();
        DisplayData out = magic(repo.settings("test-repo", repo.url(), false), List.of(repo.jarOf("demo:words:2.0")), added)
                .run(List.of("demo:greeter:1.0"), l -> { });
        assertEquals(List.of(repo.local.resolve("demo/greeter/1.0/greeter-1.0.jar")), added);
        assertTrue(text(out).matches("(?s).*demo:words:2\\.0\\s+already on the class path\\s+dependency of demo:greeter:1\\.0.*"), text(out));
    }

    @Test
    void aSecondCallSeesWhatTheFirstAdded() throws Exception {
        List<Path> added = new ArrayList<>();
        MavenMagic m = magic(repo.settings("test-repo", repo.url(), false), List.of(), added);
        m.run(List.of("demo:words:2.0"), l -> { });
        MavenException e = assertThrows(MavenException.class, () -> m.run(List.of("demo:words:1.0"), l -> { }));
        assertTrue(e.getMessage().startsWith("%maven: demo:words:1.0 clashes with demo:words:2.0, which this kernel has already loaded"),
                e.getMessage());
        DisplayData again = m.run(List.of("demo:greeter:1.0"), l -> { });
        assertTrue(text(again).startsWith("%maven: added 1 jar to the class path, 1 already on it."), text(again));
        assertEquals(2, added.size(), added.toString());
    }

    @Test
    void aRequestedVersionThatClashesIsRefusedAndNothingIsAdded() throws Exception {
        List<Path> added = new ArrayList<>();
        Path kernelWords = repo.jarOf("demo:words:1.0");
        Path local = dir.resolve("local-refused");
        MavenException e = assertThrows(MavenException.class, () -> magic(repo.settings("test-repo", repo.url(), false, local),
                List.of(kernelWords), added).run(List.of("demo:greeter:1.0", "demo:words:2.0"), l -> { }));
        assertEquals("%maven: demo:words:2.0 clashes with demo:words:1.0, which this kernel has already loaded (from "
                + kernelWords + "). One class loader cannot hold two versions of the same classes, so nothing was added."
                + " Use version 1.0 (already loaded, nothing to add), or, if an earlier %maven loaded it, restart the kernel"
                + " and run %maven with the version you want first.", e.getMessage());
        assertEquals(List.of(), added);
        assertFalse(Files.exists(local.resolve("demo/greeter/1.0/greeter-1.0.jar")), "refused before any jar was downloaded");
    }

    @Test
    void anUnknownArtifactNamesTheRepositoryTried() throws Exception {
        List<Path> added = new ArrayList<>();
        Path settings = repo.settings("test-repo", repo.url(), false);
        MavenException e = assertThrows(MavenException.class,
                () -> magic(settings, List.of(), added).run(List.of("demo:nope:1.0"), l -> { }));
        assertEquals("%maven: cannot resolve demo:nope:1.0: demo:nope:1.0 was not found in test-repo ("
                + repo.url() + ", a mirror of central). Check the group, artifact and version (https://central.sonatype.com"
                + " lists what Maven Central has); for an artifact hosted elsewhere, add its repository as a <mirror> in "
                + settings + ". Nothing was added to the class path.", e.getMessage());
        assertEquals(List.of(), added);
    }

    @Test
    void aMissingDependencyIsNamedAsADependency() throws Exception {
        TestRepository broken = new TestRepository(Files.createDirectories(dir.resolve("broken")));
        broken.publish("demo:orphan:1.0", List.of("demo:gone:3.0"), List.of(),
                "package demo.orphan; public class Orphan { }");
        MavenException e = assertThrows(MavenException.class, () -> magic(broken.settings("broken", broken.url(), false),
                List.of(), new ArrayList<>()).run(List.of("demo:orphan:1.0"), l -> { }));
        assertTrue(e.getMessage().startsWith("%maven: cannot resolve demo:orphan:1.0: the dependency demo:gone:3.0 was not"
                + " found in broken (" + broken.url() + ", a mirror of central)."), e.getMessage());
    }

    @Test
    void anUnreachableRepositoryIsReportedWithItsUrl() throws Exception {
        String url = "http://127.0.0.1:" + TestRepository.closedPort() + "/maven2/";
        Path settings = repo.settings("closed", url, false);
        List<Path> added = new ArrayList<>();
        MavenException e = assertThrows(MavenException.class,
                () -> magic(settings, List.of(), added).run(List.of("demo:unreachable:1.0"), l -> { }));
        String m = e.getMessage();
        assertTrue(m.startsWith("%maven: cannot resolve demo:unreachable:1.0: demo:unreachable:1.0 could not be"
                + " downloaded because closed (" + url + ", a mirror of central) could not be reached: "), m);
        assertTrue(m.contains("Connection refused"), m);
        assertTrue(m.contains("Check the network connection and proxy, or the repository URL in " + settings), m);
        assertTrue(m.endsWith("Nothing was added to the class path."), m);
        assertEquals(List.of(), added);
    }

    @Test
    void offlineFindsOnlyTheLocalRepository() throws Exception {
        Path settings = repo.settings("offline-repo", repo.url(), true);
        MavenException e = assertThrows(MavenException.class,
                () -> magic(settings, List.of(), new ArrayList<>()).run(List.of("demo:never-downloaded:1.0"), l -> { }));
        assertTrue(e.getMessage().startsWith("%maven: cannot resolve demo:never-downloaded:1.0:"
                + " demo:never-downloaded:1.0 is not in the local repository " + repo.local + ", and Maven is offline"
                + " (<offline>true</offline> in " + settings + ", or %maven --offline), so offline-repo ("), e.getMessage());
    }

    @Test
    void malformedCoordinatesShowTheExpectedForm() {
        List<Path> added = new ArrayList<>();
        MavenMagic m = magic(null, List.of(), added);
        MavenException e = assertThrows(MavenException.class, () -> m.run(List.of("demo:greeter"), l -> { }));
        assertEquals("%maven: 'demo:greeter' is not a Maven coordinate: it has 2 parts separated by ':', not 3 to 5."
                + " Expected " + Coordinate.FORMS + ".", e.getMessage());
        e = assertThrows(MavenException.class, () -> m.run(List.of("demo::1.0"), l -> { }));
        assertTrue(e.getMessage().contains("the artifact is empty"), e.getMessage());
        e = assertThrows(MavenException.class, () -> m.run(List.of(), l -> { }));
        assertTrue(e.getMessage().startsWith("%maven needs at least one coordinate"), e.getMessage());
        e = assertThrows(MavenException.class, () -> m.run(List.of("--force", "a:b:1"), l -> { }));
        assertEquals("%maven: Unknown option '--force'. Accepted: --offline, --help.", e.getMessage());
        assertEquals(List.of(), added);
    }

    @Test
    void helpListsFormsAndThePolicy() throws Exception {
        String help = text(magic(null, List.of(), new ArrayList<>()).run(List.of("--help"), l -> { }));
        assertEquals(MavenMagic.USAGE, help);
        assertTrue(help.contains("group:artifact:classifier:version") && help.contains("the loaded version is kept")
                && help.contains("the call is refused") && help.contains("~/.m2/settings.xml"), help);
    }

    /**
     * A real artifact that the build itself downloaded, resolved offline from the user's local
     * repository (and settings, if any), and a class of it loaded from the resolved jars.
     */
    @Test
    void resolvesARealArtifactOfflineFromTheLocalRepository() throws Exception {
        List<Path> added = new ArrayList<>();
        MavenMagic m = new MavenMagic(() -> SettingsReader.read(SettingsReader.userSettings()), ResolverLoader::backend,
                () -> LoadedArtifacts.of(List.of()), List::of, added::add);
        DisplayData out = m.run(List.of("org.apache.maven.resolver:maven-resolver-util:2.0.25", "--offline"), l -> { });
        Path local = SettingsReader.read(SettingsReader.userSettings()).localRepository();
        assertEquals(List.of(local.resolve("org/apache/maven/resolver/maven-resolver-util/2.0.25/maven-resolver-util-2.0.25.jar"),
                local.resolve("org/apache/maven/resolver/maven-resolver-api/2.0.25/maven-resolver-api-2.0.25.jar")), added);
        assertTrue(text(out).startsWith("%maven: added 2 jars to the class path."), text(out));
        try (URLClassLoader cells = new URLClassLoader(urls(added), ClassLoader.getPlatformClassLoader())) {
            Class<?> c = cells.loadClass("org.eclipse.aether.util.artifact.JavaScopes");
            assertEquals(cells, c.getClassLoader());
            assertEquals("runtime", c.getField("RUNTIME").get(null));
        }
    }

    static URL[] urls(List<Path> jars) throws Exception {
        URL[] u = new URL[jars.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = jars.get(i).toUri().toURL();
        }
        return u;
    }
}
