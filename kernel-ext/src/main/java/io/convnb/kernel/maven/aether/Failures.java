package io.convnb.kernel.maven.aether;

import io.convnb.kernel.maven.Coordinate;
import io.convnb.kernel.maven.MavenException;
import io.convnb.kernel.maven.MavenSettings;
import org.eclipse.aether.RepositoryException;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.collection.DependencyCollectionException;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactDescriptorException;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.resolution.VersionRangeResolutionException;
import org.eclipse.aether.transfer.ArtifactNotFoundException;
import org.eclipse.aether.transfer.ArtifactTransferException;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns the resolver's exceptions (nested several levels: dependency resolution, collection,
 * descriptor, artifact, transfer) into one paragraph that names the coordinate, what happened
 * (not found in a repository, repository unreachable, offline) with the repository's URL, and a fix.
 */
final class Failures {
    private Failures() {
    }

    static MavenException describe(Exception e, List<Coordinate> requested, List<RemoteRepository> repositories,
                                   MavenSettings settings) {
        List<ArtifactTransferException> transfers = new ArrayList<>();
        collect(e, transfers, new IdentityHashMap<>());
        String asked = requested.stream().map(Coordinate::toString).collect(Collectors.joining(" "));
        String settingsFile = settings.source() == null ? "~/.m2/settings.xml" : settings.source().toString();
        String end = " Nothing was added to the class path.";
        // A transfer that failed for another reason than "not there" is a repository problem: report it first.
        for (ArtifactTransferException t : transfers) {
            if (!(t instanceof ArtifactNotFoundException)) {
                return new MavenException("%maven: cannot resolve " + asked + ": " + what(t.getArtifact(), requested)
                        + " could not be downloaded because " + repository(t.getRepository()) + " could not be reached: "
                        + rootMessage(t) + ". Check the network connection and proxy, or the repository URL in "
                        + settingsFile + "; without a network, artifacts already in " + settings.localRepository()
                        + " still resolve with <offline>true</offline> in that file (or %maven --offline)." + end, e);
            }
        }
        if (!transfers.isEmpty()) {
            ArtifactTransferException t = transfers.get(0);
            if (settings.offline()) {
                return new MavenException("%maven: cannot resolve " + asked + ": " + what(t.getArtifact(), requested)
                        + " is not in the local repository " + settings.localRepository() + ", and Maven is offline"
                        + " (<offline>true</offline> in " + settingsFile + ", or %maven --offline)"
                        + ", so " + repository(t.getRepository()) + " was not asked. Go online to download it, or use a"
                        + " version that is in the local repository." + end, e);
            }
            return new MavenException("%maven: cannot resolve " + asked + ": " + what(t.getArtifact(), requested)
                    + " was not found in " + repository(t.getRepository()) + ". Check the group, artifact and version"
                    + " (https://central.sonatype.com lists what Maven Central has); for an artifact hosted elsewhere,"
                    + " add its repository as a <mirror> in " + settingsFile + "." + end, e);
        }
        Throwable range = find(e, VersionRangeResolutionException.class);
        if (range != null) {
            return new MavenException("%maven: cannot resolve " + asked + ": " + range.getMessage() + ". Give an exact"
                    + " version, e.g. " + requested.get(0).groupId() + ":" + requested.get(0).artifactId() + ":1.0." + end, e);
        }
        Throwable descriptor = find(e, ArtifactDescriptorException.class);
        Throwable shown = descriptor != null ? descriptor : e;
        return new MavenException("%maven: cannot resolve " + asked + " from "
                + repositories.stream().map(Failures::repository).collect(Collectors.joining(", ")) + ": "
                + rootMessage(shown) + "." + end, e);
    }

    /** Every transfer exception under {@code t}: causes, suppressed ones, and the results the resolver attaches. */
    private static void collect(Throwable t, List<ArtifactTransferException> out, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, Boolean.TRUE) != null) {
            return;
        }
        if (t instanceof ArtifactTransferException a) {
            out.add(a);
        }
        if (t instanceof ArtifactResolutionException r) {
            for (ArtifactResult result : r.getResults()) {
                result.getExceptions().forEach(x -> collect(x, out, seen));
            }
        }
        if (t instanceof DependencyCollectionException c) {
            c.getResult().getExceptions().forEach(x -> collect(x, out, seen));
        }
        if (t instanceof ArtifactDescriptorException d) {
            d.getResult().getExceptions().forEach(x -> collect(x, out, seen));
        }
        if (t instanceof DependencyResolutionException d && d.getResult() != null && d.getResult().getCollectExceptions() != null) {
            d.getResult().getCollectExceptions().forEach(x -> collect(x, out, seen));
        }
        collect(t.getCause(), out, seen);
        for (Throwable s : t.getSuppressed()) {
            collect(s, out, seen);
        }
    }

    private static Throwable find(Throwable t, Class<? extends RepositoryException> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }

    /** "org.example:lib:1.0" for a requested artifact (or its POM), "the dependency org.example:dep:2.0" otherwise. */
    private static String what(Artifact a, List<Coordinate> requested) {
        if (a == null) {
            return "an artifact";
        }
        Coordinate c = AetherBackend.coordinate(a);
        if (c.extension().equals("pom")) {
            c = new Coordinate(c.groupId(), c.artifactId(), "jar", c.classifier(), c.version());
        }
        for (Coordinate r : requested) {
            if (r.key().equals(c.key()) && r.version().equals(c.version())) {
                return r.toString();
            }
        }
        return "the dependency " + c;
    }

    /** {@code mirror-id (url, a mirror of central)} or {@code central (url)}. */
    static String repository(RemoteRepository r) {
        if (r == null) {
            return "the repository";
        }
        String mirrored = r.getMirroredRepositories().isEmpty() ? ""
                : ", a mirror of " + r.getMirroredRepositories().stream().map(RemoteRepository::getId).collect(Collectors.joining(", "));
        return r.getId() + " (" + r.getUrl() + mirrored + ")";
    }

    /** The innermost message, without the resolver's long prefixes when a cause says it better. */
    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
        if (c instanceof java.net.ConnectException || c instanceof java.net.UnknownHostException
                || c instanceof java.net.SocketTimeoutException) {
            m = c.getClass().getSimpleName() + ": " + m;
        }
        return m.strip().replaceAll("\\.$", "");
    }
}
