package io.convnb.kernel.maven;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the parts of Maven's {@code settings.xml} that {@code %maven} honours: {@code localRepository},
 * {@code offline}, {@code mirrors}, active {@code proxies} and {@code servers} (user name and password).
 * Values may use {@code ${user.home}}, other system properties and {@code ${env.NAME}}, as in Maven.
 *
 * <p>A small DOM reader instead of maven-settings-builder, which the resolver does not ship: the
 * file format is stable, and profiles, plugin groups and encrypted passwords ({@code {...}}, from
 * {@code mvn --encrypt-password}) are not needed to fetch jars (such a password is passed on as it is).
 */
public final class SettingsReader {
    private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

    private SettingsReader() {
    }

    /** System property naming another settings file (like {@code mvn -s}). */
    public static final String SETTINGS_PROPERTY = "convnb.maven.settings";
    /** Environment variable naming another settings file (the property wins). */
    public static final String SETTINGS_ENV = "CONVNB_MAVEN_SETTINGS";

    /** The user settings file: {@value #SETTINGS_PROPERTY}, else {@value #SETTINGS_ENV}, else {@code ~/.m2/settings.xml}. */
    public static Path userSettings() {
        String p = System.getProperty(SETTINGS_PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(SETTINGS_ENV);
        }
        return p != null && !p.isBlank() ? Path.of(p) : Path.of(System.getProperty("user.home"), ".m2", "settings.xml");
    }

    /**
     * Reads {@code file}; a missing file gives {@link MavenSettings#defaults()}.
     *
     * @throws MavenException if the file is not well-formed XML or a value is invalid (naming the file, the line and the fix)
     */
    public static MavenSettings read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            return MavenSettings.defaults();
        }
        Document doc;
        try (InputStream in = Files.newInputStream(file)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // throw, do not print "[Fatal Error]" to stderr
            doc = b.parse(in);
        } catch (SAXParseException e) {
            throw new MavenException("%maven: cannot read the Maven settings " + file + ": line " + e.getLineNumber()
                    + ": " + e.getMessage() + " Fix the file (or move it away to use the defaults: Maven Central and "
                    + MavenSettings.defaultLocalRepository() + ").", e);
        } catch (Exception e) {
            throw new MavenException("%maven: cannot read the Maven settings " + file + ": " + e + ".", e);
        }
        Element root = doc.getDocumentElement();
        if (!root.getLocalName().equals("settings")) {
            throw new MavenException("%maven: " + file + " is not a Maven settings file: its root element is <"
                    + root.getLocalName() + ">, not <settings>.");
        }
        String local = text(root, "localRepository");
        Path localRepo = local == null || local.isBlank() ? MavenSettings.defaultLocalRepository()
                : Path.of(interpolate(local));
        boolean offline = "true".equalsIgnoreCase(text(root, "offline"));
        List<MavenSettings.Mirror> mirrors = new ArrayList<>();
        for (Element m : children(child(root, "mirrors"), "mirror")) {
            String id = require(file, m, "mirror", "id");
            mirrors.add(new MavenSettings.Mirror(id, require(file, m, "mirror " + id, "url"),
                    require(file, m, "mirror " + id, "mirrorOf"), orDefault(text(m, "layout"), "default"),
                    "true".equalsIgnoreCase(text(m, "blocked"))));
        }
        List<MavenSettings.Proxy> proxies = new ArrayList<>();
        for (Element p : children(child(root, "proxies"), "proxy")) {
            if ("false".equalsIgnoreCase(text(p, "active"))) {
                continue;
            }
            String id = orDefault(text(p, "id"), "default");
            String port = orDefault(text(p, "port"), "8080");
            int portNumber;
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new MavenException("%maven: proxy " + id + " in " + file + " has port '" + port
                        + "', which is not a number. Write e.g. <port>8080</port>.");
            }
            proxies.add(new MavenSettings.Proxy(id, orDefault(text(p, "protocol"), "http"),
                    require(file, p, "proxy " + id, "host"), portNumber, text(p, "username"), text(p, "password"),
                    text(p, "nonProxyHosts")));
        }
        List<MavenSettings.Server> servers = new ArrayList<>();
        for (Element s : children(child(root, "servers"), "server")) {
            String id = text(s, "id");
            if (id != null && text(s, "username") != null) {
                servers.add(new MavenSettings.Server(id, text(s, "username"), text(s, "password")));
            }
        }
        return new MavenSettings(localRepo, offline, mirrors, proxies, servers, file);
    }

    /** Replaces {@code ${env.NAME}} and {@code ${property}} as Maven does; unknown ones stay as written. */
    static String interpolate(String value) {
        return interpolate(value, System.getenv());
    }

    static String interpolate(String value, Map<String, String> env) {
        Matcher m = PROPERTY.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = name.startsWith("env.") ? env.get(name.substring(4)) : System.getProperty(name);
            m.appendReplacement(out, Matcher.quoteReplacement(v != null ? v : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String require(Path file, Element parent, String what, String name) {
        String v = text(parent, name);
        if (v == null || v.isBlank()) {
            throw new MavenException("%maven: " + what + " in " + file + " has no <" + name + ">. Add it, or remove the entry.");
        }
        return v;
    }

    private static String orDefault(String v, String fallback) {
        return v == null || v.isBlank() ? fallback : v;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : interpolate(e.getTextContent().strip());
    }

    private static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        if (parent != null) {
            for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (n instanceof Element e && name.equals(e.getLocalName())) {
                    out.add(e);
                }
            }
        }
        return out;
    }
}
