package io.convnb.kernel.maven.aether;

import io.convnb.kernel.maven.Coordinate;
import io.convnb.kernel.maven.MavenBackend;
import io.convnb.kernel.maven.MavenSettings;
import org.eclipse.aether.ConfigurationProperties;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyNode;
import org.eclipse.aether.repository.AuthenticationSelector;
import org.eclipse.aether.repository.MirrorSelector;
import org.eclipse.aether.repository.Proxy;
import org.eclipse.aether.repository.ProxySelector;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.repository.AuthenticationBuilder;
import org.eclipse.aether.util.repository.DefaultAuthenticationSelector;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;
import org.eclipse.aether.util.repository.DefaultProxySelector;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@link MavenBackend} on Apache Maven Resolver 2 with Maven 3's repository model
 * ({@code maven-resolver-supplier-mvn3}): the same dependency mediation, scopes, exclusions and
 * local repository layout as {@code mvn}. Loaded only through {@link io.convnb.kernel.maven.ResolverLoader}.
 */
public final class AetherBackend implements MavenBackend {
    /** Seconds to wait for a repository to accept a connection; a closed or filtered port should not hang a cell. */
    static final int CONNECT_TIMEOUT_MS = 10_000;
    /** The scopes of a runtime class path; test, provided and system dependencies are left out, as Maven does. */
    static final Set<String> RUNTIME_SCOPES = Set.of("compile", "runtime");

    private final RepositorySystem system = new RepositorySystemSupplier().get();

    @Override
    public List<Resolved> resolve(List<Coordinate> requested, MavenSettings settings, Consumer<String> progress,
                                  Function<List<Resolved>, Set<Coordinate>> choose) {
        RepositorySystemSession.SessionBuilder builder = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(settings.localRepository())
                .setOffline(settings.offline())
                .setMirrorSelector(mirrors(settings))
                .setProxySelector(proxies(settings))
                .setAuthenticationSelector(servers(settings))
                .setSystemProperties(System.getProperties())
                .setConfigProperty(ConfigurationProperties.CONNECT_TIMEOUT, CONNECT_TIMEOUT_MS)
                .setConfigProperty(ConfigurationProperties.HTTP_RETRY_HANDLER_COUNT, 1)
                .setConfigProperty(ConfigurationProperties.USER_AGENT, "convnb-kernel %maven (Apache Maven Resolver)")
                .setTransferListener(new Downloads(progress));
        try (RepositorySystemSession.CloseableSession session = builder.build()) {
            RemoteRepository central = new RemoteRepository.Builder(MavenSettings.CENTRAL_ID, "default",
                    MavenSettings.CENTRAL_URL).build();
            List<RemoteRepository> repositories = system.newResolutionRepositories(session, List.of(central));
            CollectRequest collect = new CollectRequest();
            for (Coordinate c : requested) {
                collect.addDependency(new Dependency(artifact(c), "compile"));
            }
            collect.setRepositories(repositories);
            Map<Coordinate, DependencyNode> nodes = new LinkedHashMap<>();
            List<Resolved> graph;
            try {
                graph = flatten(system.collectDependencies(session, collect).getRoot(), nodes);
            } catch (Exception e) {
                throw Failures.describe(e, requested, repositories, settings);
            }
            Set<Coordinate> chosen = choose.apply(graph);
            List<ArtifactRequest> downloads = new ArrayList<>();
            for (Resolved r : graph) {
                if (chosen.contains(r.coordinate())) {
                    downloads.add(new ArtifactRequest(nodes.get(r.coordinate())));
                }
            }
            Map<Coordinate, Path> files = new HashMap<>();
            try {
                for (ArtifactResult a : system.resolveArtifacts(session, downloads)) {
                    files.put(coordinate(a.getArtifact()), a.getArtifact().getPath());
                }
            } catch (Exception e) {
                throw Failures.describe(e, requested, repositories, settings);
            }
            List<Resolved> out = new ArrayList<>();
            for (Resolved r : graph) {
                out.add(new Resolved(r.coordinate(), files.get(r.coordinate()), r.trail()));
            }
            return out;
        }
    }

    /**
     * The collected graph breadth-first (requested artifacts first), each artifact once, with the
     * path that led to it; only what a runtime class path holds (compile and runtime scope).
     */
    static List<Resolved> flatten(DependencyNode root, Map<Coordinate, DependencyNode> nodes) {
        Map<Coordinate, Resolved> out = new LinkedHashMap<>();
        record Step(DependencyNode node, List<Coordinate> trail) {
        }
        Deque<Step> queue = new ArrayDeque<>();
        for (DependencyNode child : root.getChildren()) {
            queue.add(new Step(child, List.of()));
        }
        while (!queue.isEmpty()) {
            Step s = queue.poll();
            Artifact a = s.node().getArtifact();
            Dependency d = s.node().getDependency();
            if (a == null || d == null || !RUNTIME_SCOPES.contains(d.getScope())) {
                continue;
            }
            Coordinate c = coordinate(a);
            if (!out.containsKey(c)) {
                out.put(c, new Resolved(c, null, s.trail()));
                nodes.put(c, s.node());
            }
            List<Coordinate> trail = new ArrayList<>(s.trail());
            trail.add(c);
            for (DependencyNode child : s.node().getChildren()) {
                queue.add(new Step(child, trail));
            }
        }
        return List.copyOf(out.values());
    }

    static DefaultArtifact artifact(Coordinate c) {
        return new DefaultArtifact(c.groupId(), c.artifactId(), c.classifier(), c.extension(), c.version());
    }

    static Coordinate coordinate(Artifact a) {
        return new Coordinate(a.getGroupId(), a.getArtifactId(), a.getExtension(), a.getClassifier(), a.getVersion());
    }

    /** Maven's mirror rules, from the settings' {@code <mirrors>}. */
    static MirrorSelector mirrors(MavenSettings s) {
        DefaultMirrorSelector selector = new DefaultMirrorSelector();
        for (MavenSettings.Mirror m : s.mirrors()) {
            selector.add(m.id(), m.url(), m.layout(), false, m.blocked(), m.mirrorOf(), "default,legacy");
        }
        return selector;
    }

    static ProxySelector proxies(MavenSettings s) {
        DefaultProxySelector selector = new DefaultProxySelector();
        for (MavenSettings.Proxy p : s.proxies()) {
            AuthenticationBuilder auth = new AuthenticationBuilder();
            if (p.username() != null) {
                auth.addUsername(p.username()).addPassword(p.password());
            }
            selector.add(new Proxy(p.protocol(), p.host(), p.port(), auth.build()), p.nonProxyHosts());
        }
        return selector;
    }

    static AuthenticationSelector servers(MavenSettings s) {
        DefaultAuthenticationSelector selector = new DefaultAuthenticationSelector();
        for (MavenSettings.Server server : s.servers()) {
            selector.add(server.id(), new AuthenticationBuilder().addUsername(server.username())
                    .addPassword(server.password()).build());
        }
        return selector;
    }
}
