package io.convnb.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupSnippetsTest {
    @Test
    void defaultsWhenNothingIsConfigured() {
        assertEquals(StartupSnippets.DEFAULT_IMPORTS, StartupSnippets.configuredImports(null, null));
        assertEquals(StartupSnippets.DEFAULT_IMPORTS, StartupSnippets.configuredImports(null, "  "));
    }

    @Test
    void propertyWinsOverEnvironmentAndAcceptsCommasSpacesAndImportSyntax() {
        assertEquals(List.of("io.convnb.layers.*", "org.nd4j.linalg.factory.Nd4j", "java.time.*"),
                StartupSnippets.configuredImports("io.convnb.layers.*, org.nd4j.linalg.factory.Nd4j import java.time.*;", "x.y.*"));
        assertEquals(List.of("x.y.*"), StartupSnippets.configuredImports(null, "x.y.*"));
    }

    @Test
    void snippetsStartWithIJavaImportsAndDisplayFunctions() {
        List<String> all = StartupSnippets.all(List.of("a.b.*"));
        assertEquals("import java.util.*;", all.get(0));
        assertTrue(all.contains("import static io.convnb.kernel.Display.*;"));
        assertEquals("import a.b.*;", all.get(all.size() - 1));
    }
}
