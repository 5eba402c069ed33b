package io.convnb.kernel.maven;

import io.convnb.display.Html;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code %maven G:A:V [G:A:V ...]}: adds Maven artifacts and their runtime dependencies to the cells'
 * class path, never a second version of a library the kernel has already loaded. See {@link #USAGE}.
 *
 * <p>Nothing is added unless the whole call succeeds: coordinates are checked, the graph is resolved
 * and compared with the loaded libraries first, then the new jars are added in one go.
 */
public final class MavenMagic {
    static final String MAGIC = "%maven";

    /** The {@code --help} text. */
    public static final String USAGE = """
            %maven COORDINATE [COORDINATE ...] [--offline]

            Adds Maven artifacts and their runtime dependencies (compile and runtime scope, no optional
            ones, Maven's "nearest wins" for versions) to the class path of the following code, like
            IJava's %maven. A COORDINATE is
              group:artifact:version                     org.apache.commons:commons-math3:3.6.1
              group:artifact:classifier:version          org.bytedeco:openblas:linux-x86_64:0.3.19-1.5.7
              group:artifact:packaging:classifier:version
            (IJava's group:artifact:jar:version also works: jar, pom, war, zip, aar, ... in the third of
            four parts is a packaging, anything else a classifier.)

            Where from: Maven Central (https://repo.maven.apache.org/maven2/) and the local repository
            ~/.m2/repository. ~/.m2/settings.xml is honoured: <localRepository>, <offline>, <mirrors>,
            active <proxies>, and <servers> credentials for mirrors. Downloads happen only when %maven
            runs, never at kernel start.
              --offline   use only the local repository for this call

            Libraries the kernel has already loaded (ND4J, Tablesaw, Gson, slf4j, Guava, ... and what
            earlier %jars and %maven calls added) are never loaded twice, because one class loader
            cannot hold two versions of the same classes:
              - same version: not added again ("already on the class path");
              - a dependency in another version: the loaded version is kept and that jar is skipped;
                the output names the library, both versions and which artifact asked for it;
              - a requested coordinate in another version: the call is refused and nothing is added.
                Use the loaded version, or restart the kernel for a library an earlier %maven added.

            Errors (malformed coordinate, artifact not found, repository unreachable, offline) name
            the coordinate, the cause and the repository URL; nothing is added and the kernel keeps
            working. The output lists each jar with what was done with it.
            """;

    /** Adds one jar to the cells' class path. */
    @FunctionalInterface
    public interface ClasspathSink {
        void add(Path jar) throws Exception;
    }

    /** What was done with one resolved artifact. */
    public enum Outcome { ADDED, ALREADY_LOADED, KEPT_LOADED }

    /** One row of the report. */
    public record Row(MavenBackend.Resolved artifact, Outcome outcome, LoadedArtifacts.Loaded loaded) {
    }

    private final Supplier<MavenSettings> settings;
    private final Supplier<MavenBackend> backend;
    private final Supplier<LoadedArtifacts> initiallyLoaded;
    private final Supplier<List<Path>> addedByOthers;
    private final ClasspathSink sink;
    private LoadedArtifacts loaded;
    private final Set<Path> seen = new HashSet<>();

    /**
     * @param settings        read at every call (so edits to settings.xml apply at once)
     * @param backend         the resolver, asked for at the first call
     * @param initiallyLoaded the kernel's own libraries, scanned at the first call
     * @param addedByOthers   jars added to the cells' class path since start (by %jars, %maven)
     * @param sink            adds a jar to the cells' class path
     */
    public MavenMagic(Supplier<MavenSettings> settings, Supplier<MavenBackend> backend,
                      Supplier<LoadedArtifacts> initiallyLoaded, Supplier<List<Path>> addedByOthers, ClasspathSink sink) {
        this.settings = settings;
        this.backend = backend;
        this.initiallyLoaded = initiallyLoaded;
        this.addedByOthers = addedByOthers;
        this.sink = sink;
    }

    /** The convnb kernel's configuration: user settings, the kernel's class path, the resolver loaded lazily. */
    public static MavenMagic forKernel(Supplier<List<Path>> addedToClasspath, ClasspathSink sink) {
        return new MavenMagic(() -> SettingsReader.read(SettingsReader.userSettings()), ResolverLoader::backend,
                () -> LoadedArtifacts.ofClasspath(System.getProperty("java.class.path", "")), addedToClasspath, sink);
    }

    /**
     * Runs {@code %maven}: resolves, checks against the loaded libraries, adds the new jars.
     *
     * @param progress receives download lines while resolving
     * @return the report (text and HTML); the help text for {@code --help}
     * @throws MavenException for a malformed coordinate, a failed resolution or a clash of a requested version
     */
    public synchronized DisplayData run(List<String> args, Consumer<String> progress) throws Exception {
        List<Coordinate> requested = new ArrayList<>();
        boolean offline = false;
        for (String a : args) {
            if (a.isBlank()) {
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                DisplayData help = new DisplayData(USAGE);
                help.putHTML("<pre>" + Html.escape(USAGE) + "</pre>");
                return help;
            } else if (a.equals("--offline")) {
                offline = true;
            } else if (a.startsWith("-")) {
                throw new MavenException(MAGIC + ": Unknown option '" + a + "'. Accepted: --offline, --help.");
            } else {
                requested.add(Coordinate.parse(a));
            }
        }
        if (requested.isEmpty()) {
            throw new MavenException(MAGIC + " needs at least one coordinate: " + Coordinate.FORMS
                    + ". See %maven --help.");
        }
        MavenSettings s = settings.get();
        if (offline) {
            s = s.withOffline(true);
        }
        LoadedArtifacts inventory = loaded();
        List<Row> decided = new ArrayList<>();
        List<MavenBackend.Resolved> graph = backend.get().resolve(requested, s, progress, collected -> {
            decided.addAll(compare(collected, inventory));
            return decided.stream().filter(r -> r.outcome() == Outcome.ADDED).map(r -> r.artifact().coordinate())
                    .collect(Collectors.toSet());
        });
        Map<Coordinate, Path> files = new HashMap<>();
        graph.stream().filter(r -> r.file() != null).forEach(r -> files.put(r.coordinate(), r.file()));
        List<Row> rows = new ArrayList<>();
        for (Row r : decided) {
            MavenBackend.Resolved a = r.artifact();
            rows.add(new Row(new MavenBackend.Resolved(a.coordinate(), files.get(a.coordinate()), a.trail()), r.outcome(), r.loaded()));
        }
        for (Row r : rows) {
            if (r.outcome() == Outcome.ADDED) {
                Path file = r.artifact().file();
                if (file == null) {
                    throw new IllegalStateException("%maven: the resolver returned no file for " + r.artifact().coordinate());
                }
                sink.add(file);
                inventory.add(r.artifact().coordinate(), file);
                seen.add(file.toAbsolutePath());
            }
        }
        return report(rows);
    }

    /** The loaded libraries: the kernel's, then every jar added since. */
    private LoadedArtifacts loaded() {
        if (loaded == null) {
            loaded = initiallyLoaded.get();
        }
        for (Path p : addedByOthers.get()) {
            if (seen.add(p.toAbsolutePath())) {
                loaded.add(p);
            }
        }
        return loaded;
    }

    /**
     * Decides each artifact's outcome.
     *
     * @throws MavenException if a requested coordinate is loaded in another version
     */
    static List<Row> compare(List<MavenBackend.Resolved> graph, LoadedArtifacts loaded) {
        List<Row> rows = new ArrayList<>();
        for (MavenBackend.Resolved r : graph) {
            Coordinate c = r.coordinate();
            LoadedArtifacts.Loaded sameFile = loaded.byFileName(c.fileName());
            List<LoadedArtifacts.Loaded> versions = loaded.versionsOf(c);
            LoadedArtifacts.Loaded same = versions.stream().filter(l -> l.hasVersion(c.version())).findFirst().orElse(sameFile);
            if (same != null && (c.classifier().isEmpty() || sameFile != null)) {
                rows.add(new Row(r, Outcome.ALREADY_LOADED, same));
            } else if (same == null && !versions.isEmpty()) {
                LoadedArtifacts.Loaded other = versions.get(0);
                if (r.requested()) {
                    throw new MavenException(MAGIC + ": " + c + " clashes with " + other.describe()
                            + ", which this kernel has already loaded (from " + other.jar().toAbsolutePath() + "). One class loader cannot hold"
                            + " two versions of the same classes, so nothing was added. Use version " + other.version()
                            + " (already loaded, nothing to add)" + ", or, if an earlier %maven loaded it, restart the kernel"
                            + " and run %maven with the version you want first.");
                }
                rows.add(new Row(r, Outcome.KEPT_LOADED, other));
            } else {
                rows.add(new Row(r, Outcome.ADDED, null));
            }
        }
        return rows;
    }

    /** What was done, as a text table and an HTML table. */
    static DisplayData report(List<Row> rows) {
        long added = rows.stream().filter(r -> r.outcome() == Outcome.ADDED).count();
        long already = rows.stream().filter(r -> r.outcome() == Outcome.ALREADY_LOADED).count();
        long kept = rows.stream().filter(r -> r.outcome() == Outcome.KEPT_LOADED).count();
        String summary = "%maven: added " + added + " jar" + (added == 1 ? "" : "s") + " to the class path"
                + (already > 0 ? ", " + already + " already on it" : "")
                + (kept > 0 ? ", " + kept + " skipped to keep the version already loaded" : "") + ".";
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("artifact", "", "why"));
        for (Row r : rows) {
            MavenBackend.Resolved a = r.artifact();
            String why = a.requested() ? "requested"
                    : "dependency of " + a.trail().stream().map(Coordinate::toString).collect(Collectors.joining(" > "));
            String what = switch (r.outcome()) {
                case ADDED -> "added";
                case ALREADY_LOADED -> "already on the class path";
                case KEPT_LOADED -> "skipped: kept " + r.loaded().describe() + " already loaded";
            };
            table.add(List.of(a.coordinate().toString(), what, why));
        }
        StringBuilder text = new StringBuilder(summary).append('\n');
        int[] width = new int[3];
        for (List<String> row : table) {
            for (int i = 0; i < 3; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : table.subList(1, table.size())) {
            text.append(String.format("  %-" + width[0] + "s  %-" + width[1] + "s  %s%n", row.get(0), row.get(1), row.get(2)));
        }
        if (kept > 0) {
            text.append("Skipped jars: the library is already loaded in another version, which is kept (one class loader"
                    + " cannot hold two versions). Code that needs the other version may fail with NoSuchMethodError.\n");
        }
        StringBuilder html = new StringBuilder("<div class=\"convnb-maven\"><p>").append(Html.escape(summary)).append("</p>")
                .append("<table class=\"convnb-table\"><thead><tr><th>artifact</th><th>done</th><th>why</th></tr></thead><tbody>");
        for (List<String> row : table.subList(1, table.size())) {
            html.append("<tr>");
            row.forEach(v -> html.append("<td>").append(Html.escape(v)).append("</td>"));
            html.append("</tr>");
        }
        html.append("</tbody></table>");
        if (kept > 0) {
            html.append("<p>Skipped jars: the library is already loaded in another version, which is kept.</p>");
        }
        html.append("</div>");
        DisplayData d = new DisplayData(text.toString().stripTrailing());
        d.putHTML(html.toString());
        return d;
    }
}
