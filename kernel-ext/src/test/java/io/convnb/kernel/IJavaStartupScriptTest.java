package io.convnb.kernel;

import io.github.spencerpark.ijava.IJava;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The startup script IJava 1.3.0 runs to load convnb (IJAVA_STARTUP_SCRIPTS_PATH). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IJavaStartupScriptTest {
    static String script() throws Exception {
        try (InputStream in = IJavaStartupScriptTest.class.getResourceAsStream("/io/convnb/ijava/convnb-startup.jshell")) {
            assertNotNull(in, "convnb-startup.jshell is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void importsTheSamePackagesAsTheConvnbKernel() throws Exception {
        List<String> imports = script().lines().filter(l -> l.startsWith("import "))
                .map(l -> l.substring(7, l.length() - 1)).toList();
        assertEquals(StartupSnippets.DEFAULT_IMPORTS, imports, "notebooks must see the same names in both kernels");
    }

    @Test
    void installsTheExtensionIntoIJavasKernel() throws Exception {
        String installLine = script().lines().filter(l -> l.startsWith("io.convnb.ext.ConvnbExtension.install("))
                .findFirst().orElseThrow();
        try (JShellEvaluator shell = new JShellEvaluator(System.getProperty("java.class.path"), List.of(),
                new PrintStream(OutputStream.nullOutputStream()))) {
            assertThrows(Exception.class, () -> IJava.KERNEL.getMagics().applyLineMagic("convnb_version", List.of()),
                    "not yet installed");
            shell.eval(installLine, 1);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> IJava.KERNEL.getMagics().applyLineMagic("convnb_version", List.of("extra")));
            assertTrue(e.getMessage().startsWith("%convnb_version takes no arguments"), e.getMessage());
        }
    }
}
