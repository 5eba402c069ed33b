package io.convnb.kernel;

import io.convnb.kernel.maven.LoadedArtifacts;
import io.convnb.kernel.maven.MavenMagic;
import io.convnb.kernel.maven.SettingsReader;
import io.convnb.kernel.maven.TestRepositories;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;
import jdk.jshell.EvalException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code %maven} in cells: the magic line adds the jars to JShell's class path, so the same and
 * later cells compile against and run the downloaded classes; after an error the session goes on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MavenCellTest {
    @TempDir
    static Path dir;
    static JShellEvaluator evaluator;
    static final List<DisplayData> SHOWN = new ArrayList<>();
    static int count;

    @BeforeAll
    static void start() throws Exception {
        Path settings = TestRepositories.greeterRepository(dir);
        evaluator = new JShellEvaluator(System.getProperty("java.class.path"), List.of(),
                new PrintStream(new ByteArrayOutputStream(), true));
        List<Path> added = new ArrayList<>();
        MavenMagic maven = new MavenMagic(() -> SettingsReader.read(settings), io.convnb.kernel.maven.ResolverLoader::backend,
                () -> LoadedArtifacts.of(List.of()), () -> List.copyOf(added), jar -> {
                    evaluator.addToClasspath(jar.toString());
                    added.add(jar);
                });
        Magics magics = new Magics();
        magics.registerLineMagic("maven", args -> {
            SHOWN.add(maven.run(args, l -> { }));
            return null;
        });
        MagicCalls.bind(magics);
    }

    @AfterAll
    static void stop() {
        evaluator.close();
    }

    private static Object eval(String cell) throws Exception {
        return evaluator.eval(MagicSyntax.toJava(cell), ++count);
    }

    @Test
    void aCellAddsALibraryAndUsesItAndTheNextCellToo() throws Exception {
        Exception bad = assertThrows(EvalException.class, () -> eval("%maven demo:nope:1.0"));
        assertEquals("io.convnb.kernel.maven.MavenException", ((EvalException) bad).getExceptionClassName());
        assertTrue(bad.getMessage().startsWith("%maven: cannot resolve demo:nope:1.0: demo:nope:1.0 was not found in test-repo"),
                bad.getMessage());
        assertEquals(2, eval("1 + 1"));

        assertEquals("hello from words 2.0 via greeter", eval("%maven demo:greeter:1.0\nnew demo.greeter.Greeter().greet()"));
        assertTrue(SHOWN.get(SHOWN.size() - 1).getData(io.github.spencerpark.jupyter.kernel.display.mime.MIMEType.TEXT_PLAIN)
                .toString().startsWith("%maven: added 2 jars to the class path."));
        assertEquals("hello from words 2.0", eval("demo.words.Words.hello()"));
    }
}
