package io.convnb.kernel.maven;

import java.nio.file.Path;
import java.util.List;

/** Ready-made test repositories for tests outside this package. */
public final class TestRepositories {
    private TestRepositories() {
    }

    /**
     * Publishes demo:words:1.0, demo:words:2.0 and demo:greeter:1.0 (which needs words 2.0) into a
     * repository under {@code dir}.
     *
     * @return a settings.xml that mirrors Central to it, with the mirror id {@code test-repo}
     */
    public static Path greeterRepository(Path dir) throws Exception {
        TestRepository repo = new TestRepository(dir);
        repo.publish("demo:words:1.0", List.of(), List.of(), MavenMagicTest.WORDS_V1)
                .publish("demo:words:2.0", List.of(), List.of(), MavenMagicTest.WORDS_V2)
                .publish("demo:greeter:1.0", List.of("demo:words:2.0"), List.of(repo.jarOf("demo:words:2.0")),
                        MavenMagicTest.GREETER);
        return repo.settings("test-repo", repo.url(), false);
    }
}
