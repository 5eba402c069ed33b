package io.convnb.kernel.maven;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Maven artifact coordinate as {@code %maven} accepts it:
 * {@code group:artifact:version}, {@code group:artifact:classifier:version},
 * {@code group:artifact:packaging:version} (IJava's form, when the third part is a packaging such
 * as {@code jar} or {@code pom}) or {@code group:artifact:packaging:classifier:version}.
 *
 * @param extension  the file type, {@code jar} unless a packaging was given
 * @param classifier empty for the main artifact
 */
public record Coordinate(String groupId, String artifactId, String extension, String classifier, String version) {
    /** The forms {@link #parse} accepts, for error messages and {@code --help}. */
    public static final String FORMS = "group:artifact:version, group:artifact:classifier:version or"
            + " group:artifact:packaging:classifier:version, e.g. org.apache.commons:commons-math3:3.6.1";

    /** Packagings that a four-part coordinate names in its third part (IJava's form); anything else is a classifier. */
    static final Set<String> PACKAGINGS = Set.of("jar", "pom", "war", "ear", "rar", "zip", "aar", "bundle",
            "test-jar", "maven-plugin", "ejb", "tar.gz");

    private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.\\-]+");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_.\\-+\\[\\](),]+");

    public Coordinate {
        classifier = classifier == null ? "" : classifier;
        extension = extension == null || extension.isEmpty() ? "jar" : extension;
    }

    /**
     * Parses one coordinate.
     *
     * @throws IllegalArgumentException naming the text, what is wrong and the accepted forms
     */
    public static Coordinate parse(String text) {
        String[] p = text.strip().split(":", -1);
        Coordinate c = switch (p.length) {
            case 3 -> new Coordinate(p[0], p[1], "jar", "", p[2]);
            case 4 -> PACKAGINGS.contains(p[2]) ? new Coordinate(p[0], p[1], p[2], "", p[3])
                    : new Coordinate(p[0], p[1], "jar", p[2], p[3]);
            case 5 -> new Coordinate(p[0], p[1], p[2], p[3], p[4]);
            default -> throw malformed(text, "it has " + p.length + " part" + (p.length == 1 ? "" : "s")
                    + " separated by ':', not 3 to 5");
        };
        check(text, "group", c.groupId, PART);
        check(text, "artifact", c.artifactId, PART);
        check(text, "packaging", c.extension, PART);
        if (!c.classifier.isEmpty()) {
            check(text, "classifier", c.classifier, PART);
        }
        check(text, "version", c.version, VERSION);
        return c;
    }

    private static void check(String text, String what, String value, Pattern allowed) {
        if (value.isEmpty()) {
            throw malformed(text, "the " + what + " is empty");
        }
        if (!allowed.matcher(value).matches()) {
            throw malformed(text, "the " + what + " '" + value + "' has characters a Maven " + what + " cannot have");
        }
    }

    private static IllegalArgumentException malformed(String text, String why) {
        return new MavenException("%maven: '" + text + "' is not a Maven coordinate: " + why + ". Expected "
                + FORMS + ".");
    }

    /** The file name Maven gives the artifact: {@code artifact-version[-classifier].extension}. */
    public String fileName() {
        return artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + extension;
    }

    /** {@code group:artifact}, the key two versions of one library share. */
    public String key() {
        return groupId + ":" + artifactId;
    }

    /** The canonical text, {@code group:artifact[:packaging[:classifier]]:version} with the packaging left out when it is jar and there is no classifier. */
    @Override
    public String toString() {
        if (classifier.isEmpty()) {
            return extension.equals("jar") ? key() + ":" + version : key() + ":" + extension + ":" + version;
        }
        return key() + ":" + extension + ":" + classifier + ":" + version;
    }
}
