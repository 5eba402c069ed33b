package io.convnb.kernel.maven;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code %maven} takes from Maven's user settings ({@code ~/.m2/settings.xml}): the local
 * repository, offline mode, mirrors, proxies and server credentials (used for mirrors and
 * repositories with the same id). Read by {@link SettingsReader}.
 */
public record MavenSettings(Path localRepository, boolean offline, List<Mirror> mirrors, List<Proxy> proxies,
                            List<Server> servers, Path source) {
    /** Maven Central, the one remote repository {@code %maven} starts from. */
    public static final String CENTRAL_ID = "central";
    public static final String CENTRAL_URL = "https://repo.maven.apache.org/maven2/";

    /** A {@code <mirror>}: {@code mirrorOf} is Maven's pattern ({@code *}, {@code external:*}, {@code central,!x}, ...). */
    public record Mirror(String id, String url, String mirrorOf, String layout, boolean blocked) {
    }

    /** An active {@code <proxy>}; {@code nonProxyHosts} is Maven's {@code |}-separated list. */
    public record Proxy(String id, String protocol, String host, int port, String username, String password,
                        String nonProxyHosts) {
    }

    /** A {@code <server>} with user name and password (other kinds of credentials are not used). */
    public record Server(String id, String username, String password) {
    }

    public MavenSettings {
        mirrors = List.copyOf(mirrors);
        proxies = List.copyOf(proxies);
        servers = List.copyOf(servers);
    }

    /** The defaults without a settings file: {@code ~/.m2/repository}, online, no mirrors. */
    public static MavenSettings defaults() {
        return new MavenSettings(defaultLocalRepository(), false, List.of(), List.of(), List.of(), null);
    }

    /** {@code maven.repo.local} if set, else {@code ~/.m2/repository}. */
    static Path defaultLocalRepository() {
        String prop = System.getProperty("maven.repo.local");
        return prop != null && !prop.isBlank() ? Path.of(prop)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The same settings with offline mode set to {@code offline}. */
    public MavenSettings withOffline(boolean offline) {
        return new MavenSettings(localRepository, offline, mirrors, proxies, servers, source);
    }

    /** The mirror that Maven would use for Central, or null. */
    public Mirror centralMirror() {
        for (Mirror m : mirrors) {
            if (mirrorsCentral(m.mirrorOf())) {
                return m;
            }
        }
        return null;
    }

    /** Maven's mirrorOf rules for the repository {@code central} with an https URL. */
    static boolean mirrorsCentral(String mirrorOf) {
        boolean match = false;
        for (String part : mirrorOf.split(",")) {
            String p = part.strip();
            if (p.equals("!" + CENTRAL_ID)) {
                return false;
            }
            if (p.equals("*") || p.equals("external:*") || p.equals(CENTRAL_ID)) {
                match = true;
            }
        }
        return match;
    }
}
