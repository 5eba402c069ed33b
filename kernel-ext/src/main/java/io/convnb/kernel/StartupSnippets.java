package io.convnb.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The code every session starts with: IJava 1.3.0's default imports and helpers (so notebooks run
 * unchanged in both kernels) and the convnb imports, so a cell can say {@code new Sequential()}
 * or {@code Nd4j.zeros(2, 3)} without import lines.
 *
 * <p>The convnb import list can be replaced with the system property {@value #IMPORTS_PROPERTY}
 * or the environment variable {@value #IMPORTS_ENV} (comma or space separated, e.g.
 * {@code io.convnb.layers.*, org.nd4j.linalg.factory.Nd4j}). An import whose package or class is
 * not on the class path is skipped (and logged) instead of failing the session.
 */
public final class StartupSnippets {
    /** System property that replaces {@link #DEFAULT_IMPORTS}. */
    public static final String IMPORTS_PROPERTY = "convnb.imports";
    /** Environment variable that replaces {@link #DEFAULT_IMPORTS} (the property wins). */
    public static final String IMPORTS_ENV = "CONVNB_IMPORTS";

    /** IJava's own default imports. */
    public static final List<String> IJAVA_IMPORTS = List.of(
            "java.util.*", "java.io.*", "java.math.*", "java.net.*",
            "java.util.concurrent.*", "java.util.prefs.*", "java.util.regex.*");

    /** convnb's default imports. */
    public static final List<String> DEFAULT_IMPORTS = List.of(
            "io.convnb.layers.*", "io.convnb.model.*", "io.convnb.data.*", "io.convnb.shape.*",
            "org.nd4j.linalg.factory.Nd4j", "org.nd4j.linalg.api.ndarray.INDArray", "tech.tablesaw.api.*");

    private StartupSnippets() {
    }

    /** All startup snippets, in order, for the import list configured in this JVM. */
    public static List<String> all() {
        return all(configuredImports(System.getProperty(IMPORTS_PROPERTY), System.getenv(IMPORTS_ENV)));
    }

    /** All startup snippets with {@code convnbImports} as the convnb import list. */
    public static List<String> all(List<String> convnbImports) {
        List<String> snippets = new ArrayList<>();
        IJAVA_IMPORTS.forEach(i -> snippets.add("import " + i + ";"));
        snippets.add("import static io.convnb.kernel.Display.*;");
        // One snippet per import: a missing package then costs only its own import.
        convnbImports.forEach(i -> snippets.add("import " + i + ";"));
        return snippets;
    }

    /** The convnb imports: {@code property}, else {@code env}, else {@link #DEFAULT_IMPORTS}. */
    static List<String> configuredImports(String property, String env) {
        String spec = property != null ? property : env;
        if (spec == null || spec.isBlank()) {
            return DEFAULT_IMPORTS;
        }
        return Arrays.stream(spec.split("[,\\s]+"))
                .map(s -> s.endsWith(";") ? s.substring(0, s.length() - 1) : s)
                .filter(s -> !s.isBlank() && !s.equals("import"))
                .toList();
    }
}
